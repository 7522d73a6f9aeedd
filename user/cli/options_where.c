/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Points an error at the line of the policy file that gave the value:
 * the entries keep their line, so nothing needs recording while parsing. */
#include <stdio.h>
#include <string.h>
#include "cli/options_where.h"

const char *options_where(const struct juris_opts *o, const char *key, const char *value, char *buf,
			  size_t len)
{
	buf[0] = 0;
	if (!o->file.text || !value)
		return buf;
	/* The last one: a key given twice takes its last value. */
	for (int i = o->file.n - 1; i >= 0; i--) {
		const struct config_entry *e = &o->file.v[i];

		if (!strcmp(e->key, key) && !strcmp(e->value, value)) {
			snprintf(buf, len, "%s:%d: ", o->file.path, e->line);
			break;
		}
	}
	return buf;
}

const char *options_where_data(const struct juris_opts *o, const char *err, char *buf, size_t len)
{
	char quoted[600];

	buf[0] = 0;
	for (int i = 0; i < o->policy.n_operators; i++) {
		snprintf(quoted, sizeof(quoted), "'%s'", o->policy.operators[i]);
		if (strstr(err, quoted))
			return options_where(o, "operator", o->policy.operators[i], buf, len);
	}
	if (o->policy.asn_db && strstr(err, "ASN database") && strstr(err, o->policy.asn_db))
		return options_where(o, "asn-db", o->policy.asn_db, buf, len);
	if (o->policy.db && strstr(err, o->policy.db))
		return options_where(o, "db", o->policy.db, buf, len);
	return buf;
}
