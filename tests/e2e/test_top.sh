#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris top in a real terminal (tmux, driven with send-keys and
# read with capture-pane) shows the flows outside the policy first, reacts to
# its keys and quits on q; without a terminal it prints one frame.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

TMUX_SOCK=jt-$JT_ID

# tmux_top COLS ROWS: starts juris top in a detached tmux session of that
# size, on this test's own tmux server, killed at cleanup.
tmux_top() {
	require_cmd tmux
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -s top -x "$1" -y "$2" \
		"$JURIS top --pin-dir $TEST_PIN; echo TOP-EXITED \$?; sleep 30" || return 1
	tmux -L "$TMUX_SOCK" display -p '#{pid}' >> "$TEST_TMP/.pids"
}

screen() {
	tmux -L "$TMUX_SOCK" capture-pane -p -t top
}

screen_has() {
	screen | grep -qE -- "$1"
}

test_top_shows_outside_policy_first_sorts_and_quits_on_q() {
	local s
	topology && juris_start --mode audit && udp_is "$FR4" OK 500 10 &&
	udp_is "$THIRD4" OK 100 2 || return 1
	tmux_top 100 30 || return 1
	wait_until 5 screen_has 'DESTINATION' || fail "no table on screen: $(screen)" || return 1
	s=$(screen)
	printf '%s\n' "$s" | sed 's/^/  screen: /' >&2
	assert_match "$(printf '%s\n' "$s" | head -n 1)" '^juris top .* by flow, sort bytes' "title" &&
	assert_match "$s" 'outside the policy: 1 flows' "out-of-policy line" &&
	assert_match "$s" 'zones: fr 5\.[0-9] KiB, third' "zones line" &&
	assert_match "$(printf '%s\n' "$s" | grep -A1 '^PROTO' | tail -n 1)" \
		"^udp +(203\.0\.113\.1 +)?$THIRD4 +(- +)?7 +US +third +would_block" "first flow row" || return 1
	tmux -L "$TMUX_SOCK" send-keys -t top p
	wait_until 5 screen_has 'sort packets' || fail "p did not sort by packets: $(screen)" || return 1
	tmux -L "$TMUX_SOCK" send-keys -t top v
	wait_until 5 screen_has 'by country' || fail "v did not switch to countries: $(screen)" ||
		return 1
	tmux -L "$TMUX_SOCK" send-keys -t top q
	wait_until 5 screen_has 'TOP-EXITED 0' || fail "q did not quit with status 0: $(screen)"
}

test_top_without_a_terminal_prints_one_frame() {
	local out
	topology && juris_start --mode audit && udp_is "$THIRD4" OK 100 2 || return 1
	out=$(timeout 5 "$JURIS" top --pin-dir "$TEST_PIN" < /dev/null) ||
		fail "juris top without a terminal did not exit at once" || return 1
	assert_contains "$out" "would_block" "one frame" &&
	assert_eq "$(printf '%s\n' "$out" | grep -c '^juris top ')" 1 "frames printed"
}

test_top_with_nothing_pinned_is_a_one_line_error() {
	require_juris || return 1
	expect_one_line_error "nothing pinned" "$JURIS" top --pin-dir "$TEST_PIN"
}

run_tests
