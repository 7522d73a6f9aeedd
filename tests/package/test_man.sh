#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The man page juris(8) keeps up with the code: every long option of the
# option table, every command and every environment variable juris reads is
# in it, and groff and man render it without a warning.
. "$(dirname "$0")/../lib.sh"

MAN=$JT_TOP/man/juris.8

# The long options of user/cli/option_table.c's table, one per line.
table_options() {
	sed -nE 's/^[[:space:]]*\{ \{ "([a-z0-9-]+)", (no|required|optional)_argument.*/\1/p' \
		"$JT_TOP/user/cli/option_table.c"
}

table_commands() {
	sed -nE 's/^[[:space:]]*\{ "([a-z]+)", CMD_[A-Z_]+,.*/\1/p' "$JT_TOP/user/cli/option_table.c"
}

# The page's text as man shows it, where \- is a plain -.
man_text() {
	MANWIDTH=200 LC_ALL=C.UTF-8 man -l "$MAN" 2>/dev/null
}

test_every_long_option_of_the_table_is_in_the_man_page() {
	local text missing="" o n
	[ -f "$MAN" ] || fail "missing $MAN" || return 1
	n=$(table_options | wc -l)
	assert_num "$n" ">=" 20 "options found in user/cli/option_table.c (the parser of this test)" ||
		return 1
	text=$(man_text)
	for o in $(table_options); do
		grep -Eq -- "--$o([^a-z0-9-]|\$)" <<< "$text" || missing="$missing --$o"
	done
	assert_eq "$missing" "" "options of user/cli/option_table.c missing from man/juris.8"
}

test_every_command_has_its_paragraph_in_the_man_page() {
	local text missing="" c
	text=$(man_text)
	assert_num "$(table_commands | wc -l)" ">=" 8 "commands found in user/cli/option_table.c" ||
		return 1
	for c in $(table_commands); do
		grep -Eq "^ {7}juris $c( |\$)" <<< "$text" || missing="$missing $c(synopsis)"
		# A .TP paragraph: the tag alone, or the tag then the text.
		grep -Eq "^ {7}$c( +[A-Z]|\$)" <<< "$text" || missing="$missing $c(COMMANDS)"
	done
	assert_eq "$missing" "" "commands missing from man/juris.8"
}

test_every_environment_variable_juris_reads_is_in_the_man_page() {
	local text missing="" v vars
	text=$(man_text)
	vars=$(grep -rhoE 'getenv\("[A-Z_]+"\)' "$JT_TOP/user" | sed -E 's/getenv\("([A-Z_]+)"\)/\1/' |
	       grep -v '^NOTIFY_SOCKET$' | sort -u)
	[ -n "$vars" ] || fail "no getenv() found in user/" || return 1
	for v in $vars; do
		grep -q -- "$v" <<< "$text" || missing="$missing $v"
	done
	assert_eq "$missing" "" "environment variables missing from man/juris.8"
}

test_every_policy_key_of_the_example_policy_is_in_the_man_page() {
	local text missing="" k
	text=$(man_text)
	for k in $(sed -nE 's/^#?([a-z][a-z-]+) = .*/\1/p' "$JT_TOP/contrib/juris.conf" | sort -u); do
		grep -Eq -- "(^|[ ,(])$k([ ,.;)]|\$)" <<< "$text" || missing="$missing $k"
	done
	assert_eq "$missing" "" "keys of contrib/juris.conf missing from man/juris.8"
}

test_groff_renders_the_man_page_without_a_warning() {
	local out
	require_cmd groff
	out=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1)
	assert_eq "$out" "" "groff -man -ww warnings"
}

test_man_renders_the_man_page_without_a_warning() {
	local out
	require_cmd man
	out=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$MAN" 2>&1 >/dev/null)
	assert_eq "$out" "" "man --warnings" &&
	assert_contains "$(man_text)" "EXIT STATUS" "rendered page"
}

test_make_install_installs_the_man_page_under_mandir() {
	local d=$TEST_TMP/destdir
	require_cmd make
	make -s -C "$JT_TOP" install-man DESTDIR="$d" PREFIX=/usr >/dev/null || return 1
	assert_eq "$(stat -c %a "$d/usr/share/man/man8/juris.8" 2>&1)" 644 "mode of the installed page" &&
	cmp -s "$MAN" "$d/usr/share/man/man8/juris.8" || fail "installed page differs from man/juris.8"
}

run_tests
