/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Live policy change: compile beside the live tables, then switch. */
#ifndef JURIS_POLICY_SWITCH_H
#define JURIS_POLICY_SWITCH_H

#include <stddef.h>
#include "policy/policy.h"

struct juris_maps;

/* Switches the pinned state m to the database and policy of next: the
 * database is compiled and loaded into the idle slot beside the live one,
 * then one write makes it live (slot_switch()). Counters and flows are
 * kept; live flows are judged again on their next packet. On success msg
 * says what is now in force; on error it says why, and the live policy is
 * untouched. */
int policy_switch(const struct juris_maps *m, const struct juris_policy *next, char *msg,
		  size_t len);

/* At least this share of the networks of the database in force, in
 * percent, or a replacement is refused as cut short. */
#define FOLLOW_MIN_NETWORKS_PCT 60

/* policy_switch() for a database file that changed under the daemon: the
 * new file must also be built no earlier than the one in force and hold at
 * least FOLLOW_MIN_NETWORKS_PCT % of its networks (its signature is checked
 * as at every load). -EBADMSG, -ESTALE or -EMSGSIZE with the reason when it
 * is refused; the live policy is then untouched. */
int policy_switch_follow(const struct juris_maps *m, const struct juris_policy *next, char *msg,
			 size_t len);

#endif
