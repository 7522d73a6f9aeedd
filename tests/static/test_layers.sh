#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The layering rule of user/ (README "Source layout"), checked on the
# includes: a file uses only its own layer and those below it, no two files
# use each other (directly or around a circle), only kernel/ reads the
# skeleton, and every .c outside cmd/ has a header of its own.
# Prints PASS/FAIL lines like the other suites; needs no root.
set -u
cd "$(dirname "$0")/../.." || exit 1
LAYERS="base policy kernel report daemon cli cmd"

rank() {
	local i=0 l
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

# "user/FOLDER/FILE: INCLUDED" for every quoted include of user/.
includes() {
	grep -H -o '^#include "[^"]*"' user/*/*.[ch] | sed 's/:#include "\(.*\)"$/: \1/'
}

test_every_file_is_in_a_layer_folder() {
	local bad
	bad=$(find user -mindepth 1 -maxdepth 2 -name '*.[ch]' | while read -r f; do
		d=$(basename "$(dirname "$f")")
		[ "$(rank "$d")" -ge 0 ] || echo "$f"
	done)
	[ -z "$bad" ] || { echo "not in a layer folder: $bad"; return 1; }
}

test_no_file_uses_a_layer_above_its_own() {
	local bad=0 f inc from to
	while IFS= read -r line; do
		f=${line%%: *}
		inc=${line#*: }
		from=$(basename "$(dirname "$f")")
		case $inc in
		juris.h) continue ;;	# the types shared with the BPF side
		juris.skel.h)
			[ "$from" = kernel ] && continue
			echo "$f: only kernel/ uses the skeleton"; bad=1; continue ;;
		*/*) ;;
		*) echo "$f: include without its folder: $inc"; bad=1; continue ;;
		esac
		to=${inc%%/*}
		if [ "$(rank "$to")" -lt 0 ]; then
			echo "$f: unknown folder: $inc"; bad=1
		elif [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
			echo "$f: $from/ uses $inc, a layer above it"; bad=1
		fi
	done < <(includes)
	return $bad
}

test_no_circle_between_files() {
	local out
	# A module is a .c and its .h; an edge goes from the includer to the
	# included module. tsort names the modules on a circle.
	out=$(includes | grep -v ': juris' | sed -E 's#^user/([^:]*)\.[ch]: (.*)\.h$#\1 \2#' |
		awk '$1 != $2' | tsort 2>&1 >/dev/null)
	[ -z "$out" ] || { echo "circle: $out"; return 1; }
}

test_every_c_file_has_its_own_header() {
	local bad=0 f
	for f in user/*/*.c; do
		case $f in user/cmd/*) continue ;; esac	# commands: cmd/commands.h
		[ -f "${f%.c}.h" ] || { echo "$f has no header ${f%.c}.h"; bad=1; }
	done
	return $bad
}

test_every_source_file_has_an_spdx_line() {
	local bad
	bad=$(git ls-files 'user/*' 'bpf/*' 'tests/*.c' 'tests/*.h' 'tests/*.sh' 'tests/*.py' \
		'scripts/*' Makefile | while read -r f; do
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' || echo "$f"
	done)
	[ -z "$bad" ] || { echo "no SPDX line: $(echo $bad)"; return 1; }
}

pass=0
for t in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
	if msg=$($t 2>&1); then
		echo "PASS: $t"
	else
		echo "FAIL: $t: $(echo "$msg" | tail -n 1)"
		echo "$msg" | sed 's/^/    | /'
	fi
done
