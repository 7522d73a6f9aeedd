/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What juris reload cannot change. */
#ifndef JURIS_POLICY_DIFF_H
#define JURIS_POLICY_DIFF_H

#include "cli/options.h"

/* Name of the first option that juris reload cannot change between a and
 * b (cgroups, gateway, outputs, flow table), or NULL. */
const char *options_fixed_difference(const struct juris_opts *a, const struct juris_opts *b);

#endif
