/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The operator overlay of a policy: see overlay.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "policy/database.h"
#include "policy/locdb.h"
#include "base/errmsg.h"
#include "policy/overlay.h"

int overlay_path(const struct juris_policy *pol, char *buf, size_t len, bool *explicit)
{
	const char *env = getenv("JURIS_ASN_DB");
	const char *given = pol->asn_db ? pol->asn_db : env && *env ? env : NULL;

	*explicit = given != NULL;
	if (given) {
		snprintf(buf, len, "%s", given);
		return strcmp(given, "none") ? 0 : -ENOENT;
	}
	/* A libloc geo database holds the AS of each network: the overlay
	 * reads the same file, so both facts come from one build. */
	if (!database_path(pol, buf, len) && locdb_is_libloc(buf))
		return 0;
	return data_file_path(DEFAULT_ASN_NAME, buf, len);
}

int overlay_operators(const struct juris_policy *pol, struct operator_table *ops, char *err,
		      size_t errlen)
{
	char why[512];
	int ret = operator_table_builtin(ops, why, sizeof(why));

	if (ret)
		return errorf(err, errlen, ret, "operator table: %s", why);
	for (int i = 0; i < pol->n_operators; i++) {
		ret = operator_table_set(ops, pol->operators[i], why, sizeof(why));
		if (ret)
			return errorf(err, errlen, ret, "invalid --operator '%s': %s",
				      pol->operators[i], why);
	}
	return 0;
}

/* asn_list (one family) into the kernel's form, foreign or not for o. */
static int add_family(struct oper_table *t, const struct asn_list *l, int family,
		      const struct zone_table *zt, int allow_zone)
{
	struct oper_prefix *v = realloc(t->v, (t->n + l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	t->v = v;
	for (size_t i = 0; i < l->n; i++) {
		struct oper_prefix *p = &t->v[t->n++];

		memset(p, 0, sizeof(*p));
		p->family = family;
		memcpy(p->addr, l->v[i].addr, sizeof(p->addr));
		p->len = l->v[i].len;
		p->asn = l->v[i].asn;
		p->home_cc[0] = l->v[i].cc[0];
		p->home_cc[1] = l->v[i].cc[1];
		/* No home: a libloc network of an unlisted AS nested in a listed
		 * one's (locdb.h), there to say "not that operator". */
		p->foreign = l->v[i].cc[0] &&
			     operator_is_foreign(zt, l->v[i].cc, (uint8_t)allow_zone);
	}
	return 0;
}

int overlay_load(const struct juris_policy *pol, struct overlay *ov, char *err, size_t errlen)
{
	struct asn_list v4 = { 0 }, v6 = { 0 };
	struct zone_table *zt = NULL;
	char why[512];
	bool explicit;
	int ret;

	memset(ov, 0, sizeof(*ov));
	ret = overlay_operators(pol, &ov->ops, err, errlen);
	if (ret)
		return ret;
	if (overlay_path(pol, ov->path, sizeof(ov->path), &explicit)) {
		if (explicit && strcmp(ov->path, "none"))
			return errorf(err, errlen, -ENOENT, "no ASN database: %s", ov->path);
		return 0; /* no overlay: "none", or none installed */
	}
	ret = zone_table_new(&zt, pol->us_adequate, why, sizeof(why));
	if (ret)
		return errorf(err, errlen, ret, "zone tables: %s", why);
	ret = asndb_compile(ov->path, &ov->ops, &v4, &v6, &ov->info, why, sizeof(why));
	if (ret) {
		errorf(err, errlen, ret, "cannot read ASN database %s: %s", ov->path, why);
		goto out;
	}
	ret = add_family(&ov->table, &v4, AF_INET, zt, pol->allow_zone);
	if (!ret)
		ret = add_family(&ov->table, &v6, AF_INET6, zt, pol->allow_zone);
	if (ret) {
		errorf(err, errlen, ret, "ASN database %s: out of memory", ov->path);
		goto out;
	}
	ov->table.names = &ov->ops;
	ov->loaded = true;
out:
	asn_list_free(&v4);
	asn_list_free(&v6);
	zone_table_free(zt);
	return ret;
}

void overlay_free(struct overlay *ov)
{
	operator_table_free(&ov->ops);
	free(ov->table.v);
	ov->table.v = NULL;
	ov->table.n = 0;
	ov->loaded = false;
}

void overlay_note(const struct overlay *ov)
{
	if (!ov->loaded) {
		fprintf(stderr, "juris: no ASN database: the foreign-operator overlay is off%s\n",
			strcmp(ov->path, "none") ? " (scripts/install-db.sh, or --asn-db FILE)"
						 : "");
		return;
	}
	fprintf(stderr,
		"juris: operator overlay %s: %zu prefixes of %zu listed operators "
		"(%llu %s read in %.2f s)\n",
		ov->path, ov->table.n, ov->ops.n, (unsigned long long)ov->info.rows,
		ov->info.libloc ? "networks with an AS" : "ranges", ov->info.seconds);
}
