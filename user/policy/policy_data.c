/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* See policy_data.h. The two compiles share nothing: the ASN database took
 * as long as the geo database (0.3 s each), one after the other. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "base/errmsg.h"
#include "base/threads.h"
#include "policy/locdb.h"
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

struct verify_job {
	char path[4096];
	const char *key;
	enum locdb_sig sig;
	char err[512];
	int ret;
};

static void *verify_thread(void *arg)
{
	struct verify_job *v = arg;

	v->ret = locdb_verify(v->path, v->key, &v->sig, v->err, sizeof(v->err));
	return NULL;
}

int policy_data_load(const struct juris_policy *pol, bool verify, struct loaded_db *db,
		     struct overlay *ov, char *err, size_t errlen)
{
	struct overlay_job j = { .pol = pol, .ov = ov };
	struct verify_job *v = NULL;
	struct beside b, bv;
	int ret;

	/* The hash of the whole file takes longer than the compile: on a
	 * third thread, from the start. */
	if (verify) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return errorf(err, errlen, -ENOMEM, "out of memory");
		if (database_path(pol, v->path, sizeof(v->path)) || !locdb_is_libloc(v->path)) {
			free(v);
			v = NULL;
		} else {
			v->key = pol->db_key;
			beside_start(&bv, verify_thread, v);
		}
	}
	beside_start(&b, overlay_thread, &j);
	ret = database_load(pol, db, err, errlen);
	beside_join(&b);
	if (v)
		beside_join(&bv);
	if (!ret && j.ret) {
		ret = j.ret;
		snprintf(err, errlen, "%s", j.err);
	}
	if (!ret && v && v->ret) {
		ret = v->ret;
		snprintf(err, errlen, "%s", v->err);
	}
	if (!ret && v) {
		db->info.sig = v->sig;
		if (v->sig == LOCDB_SIG_BAD)
			ret = errorf(err, errlen, -EBADMSG,
				     "database %s: bad signature (not signed "
				     "by %s)",
				     db->path, pol->db_key ? pol->db_key : LOCDB_SYSTEM_KEY);
	}
	free(v);
	if (ret) {
		overlay_free(ov);
		database_free(db);
	}
	return ret;
}
