#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The C sources are as clang-format leaves them (.clang-format, the house
# style): a change that drifts fails here with the first lines to fix.
# Prints PASS/FAIL lines like the other suites; needs no root.
set -u
cd "$(dirname "$0")/../.." || exit 1

test_every_c_file_is_formatted() {
	local cf out
	cf=$(command -v clang-format || command -v clang-format-14) ||
		{ echo "clang-format missing (scripts/install-deps.sh installs it)"; return 1; }
	# Files outside git (a build's generated sources) are not ours to format.
	out=$(git ls-files '*.c' '*.h' | xargs "$cf" --dry-run --Werror 2>&1 | head -n 20)
	[ -z "$out" ] || { echo "$out"; echo "not formatted: run clang-format -i on the files above"; return 1; }
}

for t in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
	if msg=$($t 2>&1); then
		echo "PASS: $t"
	else
		echo "FAIL: $t: $(echo "$msg" | tail -n 1)"
		echo "$msg" | sed 's/^/    | /'
	fi
done
