/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Prefix lists (--except, --source) into the kernel's LPM tries. */
#ifndef JURIS_CIDR_MAPS_H
#define JURIS_CIDR_MAPS_H

#include "policy/policy.h"

/* Puts each prefix of v in the IPv4 or IPv6 LPM trie, with the value 1. */
int juris_fill_cidrs(int fd4, int fd6, const struct except_cidr *v, int n);

#endif
