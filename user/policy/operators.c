/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The operator table: parsing data/operators/ and the policy's entries, lookup, foreignness. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/errmsg.h"
#include "juris.h"
#include "policy/operators.h"

/* Where the parser stands, for the "file:line: reason" of an error. */
struct parse_ctx {
	const char *file; /* NULL for a single policy entry */
	unsigned line;
	char *err;
	size_t errlen;
};

static int parse_error(const struct parse_ctx *c, const char *what, const char *tok)
{
	if (c->file)
		return errorf(c->err, c->errlen, -EINVAL, "%s:%u: %s '%s'", c->file, c->line, what,
			      tok);
	return errorf(c->err, c->errlen, -EINVAL, "%s '%s'", what, tok);
}

/* "16509" or "AS16509"; 0 is not an AS number. */
static int parse_asn(const char *s, uint32_t *asn)
{
	unsigned long long v = 0;

	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	if (!v)
		return -EINVAL;
	*asn = (uint32_t)v;
	return 0;
}

static bool is_cc(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* The index of asn, or of the slot where it goes. */
static size_t find_slot(const struct operator_table *t, uint32_t asn)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int insert(struct operator_table *t, const struct operator* op, bool replace)
{
	size_t i = find_slot(t, op->asn);

	if (i < t->n && t->v[i].asn == op->asn) {
		if (!replace)
			return -EEXIST;
		t->v[i] = *op;
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 128;
		struct operator* v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	t->v[i] = *op;
	t->n++;
	return 0;
}

/* "ASN CC NAME": the name is the rest of the line, blanks trimmed. A '#'
 * starts a comment. *op->asn stays 0 for a blank or comment line. */
static int parse_entry(const struct parse_ctx *c, char *s, struct operator* op)
{
	char *hash = strchr(s, '#');
	char *asn, *cc, *name, *end, *rest;
	int ret;

	memset(op, 0, sizeof(*op));
	if (hash)
		*hash = 0;
	asn = strtok_r(s, " \t\r", &rest);
	if (!asn)
		return 0;
	ret = parse_asn(asn, &op->asn);
	if (ret)
		return parse_error(
			c, ret == -ERANGE ? "AS number out of range:" : "not an AS number:", asn);
	cc = strtok_r(NULL, " \t\r", &rest);
	if (!cc)
		return parse_error(c, "expected ASN CC NAME, got only", asn);
	if (!is_cc(cc))
		return parse_error(c, "not an upper-case ISO 3166-1 alpha-2 code:", cc);
	memcpy(op->cc, cc, 2);
	name = rest + strspn(rest, " \t\r");
	end = name + strlen(name);
	while (end > name && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = 0;
	if (!*name)
		return parse_error(c, "no operator name after", cc);
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return parse_error(c, "control character in operator name", name);
	if (strlen(name) >= sizeof(op->name))
		return parse_error(c, "operator name longer than 63 bytes:", name);
	strcpy(op->name, name);
	return 0;
}

int operator_table_parse(struct operator_table *t, const char *file, const char *text, char *err,
			 size_t errlen)
{
	struct parse_ctx c = { .file = file, .err = err, .errlen = errlen };
	char buf[512];

	while (*text) {
		size_t len = strcspn(text, "\n");
		struct operator op;
		int ret;

		c.line++;
		if (len >= sizeof(buf))
			return errorf(err, errlen, -EINVAL, "%s:%u: line longer than %zu bytes",
				      file, c.line, sizeof(buf) - 1);
		memcpy(buf, text, len);
		buf[len] = 0;
		text += len + (text[len] == '\n');
		ret = parse_entry(&c, buf, &op);
		if (ret)
			return ret;
		if (!op.asn)
			continue;
		ret = insert(t, &op, false);
		if (ret == -EEXIST)
			return errorf(err, errlen, -EINVAL, "%s:%u: AS%u is listed twice", file,
				      c.line, op.asn);
		if (ret)
			return errorf(err, errlen, ret, "out of memory");
	}
	return 0;
}

int operator_table_builtin(struct operator_table *t, char *err, size_t errlen)
{
	for (unsigned i = 0; i < operators_data_count; i++) {
		char file[128];
		int ret;

		snprintf(file, sizeof(file), "%s.txt", operators_data[i].name);
		ret = operator_table_parse(t, file, operators_data[i].text, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int operator_table_set(struct operator_table *t, const char *spec, char *err, size_t errlen)
{
	char why[256];
	struct parse_ctx c = { .err = why, .errlen = sizeof(why) };
	struct operator op;
	char buf[512];
	int ret;

	if (strlen(spec) >= sizeof(buf) || strchr(spec, '\n'))
		return errorf(err, errlen, -EINVAL, "operator: expected one line \"ASN CC NAME\"");
	strcpy(buf, spec);
	ret = parse_entry(&c, buf, &op);
	if (ret)
		return errorf(err, errlen, ret, "operator: %s", why);
	if (!op.asn)
		return errorf(err, errlen, -EINVAL, "operator: expected \"ASN CC NAME\", got '%s'",
			      spec);
	ret = insert(t, &op, true);
	return ret ? errorf(err, errlen, ret, "out of memory") : 0;
}

const struct operator* operator_find(const struct operator_table *t, uint32_t asn)
{
	size_t i = find_slot(t, asn);

	return i < t->n && t->v[i].asn == asn ? &t->v[i] : NULL;
}

void operator_table_free(struct operator_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

bool operator_is_foreign(const struct zone_table *zt, const char home_cc[2], uint8_t allow_zone)
{
	uint8_t zone = zone_of_country(zt, home_cc);

	/* An operator has no "local" home; a home the tables cannot place is
	 * not inside the allowed zone either. */
	return zone < ZONE_FR || zone > allow_zone;
}

int operator_describe(char *buf, size_t n, const char located[2], uint32_t asn,
		      const char home_cc[2], const char *name)
{
	char where[32], home[48];
	int len;

	if (located[0])
		snprintf(where, sizeof(where), "located %.2s", located);
	else
		snprintf(where, sizeof(where), "location unknown");
	if (home_cc[0])
		snprintf(home, sizeof(home), "operated from %.2s", home_cc);
	else
		snprintf(home, sizeof(home), "operator's home unknown");
	if (!asn)
		len = snprintf(buf, n, "%s, operator unknown", where);
	else if (name && *name)
		len = snprintf(buf, n, "%s, %s (AS%u %s)", where, home, asn, name);
	else
		len = snprintf(buf, n, "%s, %s (AS%u)", where, home, asn);
	return len < 0 || (size_t)len >= n ? -ENOSPC : 0;
}
