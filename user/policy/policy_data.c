/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* See policy_data.h. The two compiles share nothing: the ASN database took
 * as long as the geo database (0.3 s each), one after the other. */
#include <stdio.h>
#include "base/threads.h"
#include "policy/policy_data.h"

struct overlay_job {
	const struct juris_policy *pol;
	struct overlay *ov;
	char err[512];
	int ret;
};

static void *overlay_thread(void *arg)
{
	struct overlay_job *j = arg;

	j->ret = overlay_load(j->pol, j->ov, j->err, sizeof(j->err));
	return NULL;
}

int policy_data_load(const struct juris_policy *pol, struct loaded_db *db, struct overlay *ov,
		     char *err, size_t errlen)
{
	struct overlay_job j = { .pol = pol, .ov = ov };
	struct beside b;
	int ret;

	beside_start(&b, overlay_thread, &j);
	ret = database_load(pol, db, err, errlen);
	beside_join(&b);
	if (!ret && j.ret) {
		ret = j.ret;
		snprintf(err, errlen, "%s", j.err);
	}
	if (ret) {
		overlay_free(ov);
		database_free(db);
	}
	return ret;
}
