/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The databases of a policy, the geo database and the operator overlay,
 * compiled side by side. */
#ifndef JURIS_POLICY_DATA_H
#define JURIS_POLICY_DATA_H

#include <stddef.h>
#include "policy/database.h"
#include "policy/policy.h"
#include "policy/overlay.h"

/* database_load() and overlay_load() of o, each on its own core. On error
 * (the database's first) both are freed and err says why; either way the
 * caller may free both again. */
int policy_data_load(const struct juris_policy *pol, struct loaded_db *db, struct overlay *ov,
		     char *err, size_t errlen);

#endif
