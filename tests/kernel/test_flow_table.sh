#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The flow table, as the real egress program keeps it (BPF_PROG_TEST_RUN in
# a private instance, tests/kernel/flow_table.c): established packets are
# counted exactly whichever CPU sends them, in a lane or not, a flow never lands in another
# flow's entry when their ids clash, and a cached verdict holds until the
# policy generation changes.
. "$(dirname "$0")/../lib.sh"

DRIVER=$(dirname "$JURIS")/kernel/flow_table

# ft ARGS...: the driver's "name value" lines.
ft() {
	require_root
	require_testdata || return 1
	[ -x "$DRIVER" ] || { echo "missing $DRIVER (make test builds it)" >&2; return 1; }
	"$DRIVER" "$TEST_DB" "$@"
}

# val OUTPUT NAME: the value of NAME in the driver's output.
val() {
	awk -v k="$2" '$1 == k { print $2 }' <<< "$1"
}

# exact_counts OUTPUT: the flows' and the totals' counts are the packets sent.
exact_counts() {
	local want_bytes
	want_bytes=$(val "$1" want_bytes)
	assert_eq "$(val "$1" flows)" 8 "flows in the table" &&
	assert_eq "$(val "$1" flow_packets)" 1600 "packets of the flows" &&
	assert_eq "$(val "$1" flow_bytes)" "$want_bytes" "bytes of the flows" &&
	assert_eq "$(val "$1" totals_packets)" 1600 "packets of the totals" &&
	assert_eq "$(val "$1" totals_bytes)" "$want_bytes" "bytes of the totals" &&
	assert_eq "$(val "$1" totals_flows)" 8 "new flows of the totals"
}

test_packets_from_every_cpu_are_counted_exactly_in_flows_and_totals() {
	local out
	out=$(ft exact 8 200) || return 1
	exact_counts "$out" || return 1
	# Two CPUs have a lane each: no atomics; more take turns with them.
	assert_num "$(val "$out" lane_packets)" ">" 0 "packets added in lanes" &&
	if [ "$(val "$out" cpus)" -le 2 ]; then
		assert_eq "$(val "$out" shared_packets)" 0 "packets added with atomics"
	fi
}

test_cpus_without_a_lane_count_exactly_with_atomics() {
	local out
	out=$(ft exact 8 200 taken) || return 1
	exact_counts "$out" || return 1
	assert_num "$(val "$out" lane_packets)" ">" 0 "packets added in lanes" &&
	if [ "$(val "$out" cpus)" -gt 1 ]; then
		assert_num "$(val "$out" shared_packets)" ">" 0 "packets added with atomics"
	fi
}

test_a_flow_whose_id_another_flow_holds_is_counted_as_refused_not_merged() {
	local out
	out=$(ft clash 10) || return 1
	assert_eq "$(val "$out" flows)" 1 "entries" &&
	assert_eq "$(val "$out" holder_packets)" 0 "packets in the other flow's entry" &&
	assert_eq "$(val "$out" insert_fail)" 10 "flow_insert_fail counter" &&
	assert_eq "$(val "$out" totals_packets)" 11 "packets of the totals"
}

test_cached_verdict_holds_until_the_policy_generation_changes() {
	local out
	out=$(ft generation 5) || return 1
	assert_eq "$(val "$out" phase0_verdict)" allow "verdict before the change" &&
	assert_eq "$(val "$out" phase1_verdict)" allow "verdict, same generation" &&
	assert_eq "$(val "$out" phase2_verdict)" would_block "verdict, new generation" &&
	assert_eq "$(val "$out" flow_verdict)" would_block "verdict in the flow table" &&
	assert_eq "$(val "$out" flow_packets)" 15 "packets of the flow" &&
	assert_eq "$(val "$out" unknown_allow_packets)" 10 "unknown/allow packets" &&
	assert_eq "$(val "$out" unknown_would_block_packets)" 5 "unknown/would_block packets"
}

test_flow_table_of_another_layout_is_refused_by_the_readers() {
	local out
	out=$(ft layout) || return 1
	assert_eq "$(sed -n 's/^check //p' <<< "$out")" "Protocol error" "flow_table_check" &&
	assert_eq "$(sed -n 's/^read //p' <<< "$out")" "Protocol error" "flow_table_read"
}

run_tests
