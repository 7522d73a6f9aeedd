/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Country → zone tables and local ranges, parsed from the embedded data/zones/ files. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "policy/zones.h"
#include "juris.h"
#include "policy/zones_data.h"

struct zone_table {
	uint8_t zone[26][26]; /* [cc[0] - 'A'][cc[1] - 'A'], 0 = not listed */
	struct prefix_list local_v4;
	struct prefix_list local_v6;
};

enum table_kind {
	TABLE_COUNTRIES,
	TABLE_LOCAL_V4,
	TABLE_LOCAL_V6,
};

/* The file name decides what a table holds; every zone needs its table, so
 * that a lost file is an error and not a country silently moved to third. */
static const struct table_spec {
	const char *name;
	enum table_kind kind;
	uint8_t zone;
	bool required;
} table_specs[] = {
	{ "fr", TABLE_COUNTRIES, ZONE_FR, true },
	{ "eu", TABLE_COUNTRIES, ZONE_EU, true },
	{ "eu-territories", TABLE_COUNTRIES, ZONE_EU, false },
	{ "eea", TABLE_COUNTRIES, ZONE_EEA, true },
	{ "adequate", TABLE_COUNTRIES, ZONE_ADEQUATE, true },
	{ "local-v4", TABLE_LOCAL_V4, ZONE_LOCAL, true },
	{ "local-v6", TABLE_LOCAL_V6, ZONE_LOCAL, true },
};

#define N_SPECS (sizeof(table_specs) / sizeof(table_specs[0]))

/* Where the parser stands, for the "file:line: reason" of an error. */
struct parse_ctx {
	struct zone_table *zt;
	const struct table_spec *spec;
	const char *file;
	unsigned line;
	char *err;
	size_t errlen;
};

static const char *const zone_label[ZONE_MAX] = {
	"unknown", "local", "fr", "eu", "eea", "adequate", "third",
};

static int parse_error(struct parse_ctx *c, const char *what, const char *tok)
{
	snprintf(c->err, c->errlen, "%s.txt:%u: %s '%s'", c->file, c->line, what, tok);
	return -EINVAL;
}

static bool is_cc(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static int add_country(struct parse_ctx *c, const char *tok)
{
	uint8_t *slot;

	if (!is_cc(tok))
		return parse_error(c, "not an upper-case ISO 3166-1 alpha-2 code:", tok);
	slot = &c->zt->zone[tok[0] - 'A'][tok[1] - 'A'];
	if (*slot) {
		snprintf(c->err, c->errlen, "%s.txt:%u: %s is already in zone %s", c->file, c->line,
			 tok, zone_label[*slot]);
		return -EINVAL;
	}
	*slot = c->spec->zone;
	return 0;
}

static bool host_bits_zero(const uint8_t *a, int len, int bits)
{
	for (int i = len; i < bits; i++)
		if (a[i / 8] >> (7 - i % 8) & 1)
			return false;
	return true;
}

static int parse_len(const char *s, int max)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v > max)
		return -1;
	return (int)v;
}

static int add_cidr(struct parse_ctx *c, char *tok)
{
	bool v6 = c->spec->kind == TABLE_LOCAL_V6;
	int bits = v6 ? 128 : 32;
	struct net_prefix p = { .zone = ZONE_LOCAL };
	char *slash = strchr(tok, '/');
	int len;

	if (!slash)
		return parse_error(c, "expected ADDRESS/LENGTH, got", tok);
	*slash = 0;
	len = parse_len(slash + 1, bits);
	if (inet_pton(v6 ? AF_INET6 : AF_INET, tok, p.addr) != 1 || len < 0) {
		*slash = '/';
		return parse_error(c, v6 ? "not an IPv6 CIDR:" : "not an IPv4 CIDR:", tok);
	}
	*slash = '/';
	if (!host_bits_zero(p.addr, len, bits))
		return parse_error(c, "host bits set in", tok);
	p.len = (uint8_t)len;
	return prefix_list_push(v6 ? &c->zt->local_v6 : &c->zt->local_v4, &p);
}

/* One line: an entry, then optionally a '#' comment; blank lines pass. */
static int parse_line(struct parse_ctx *c, char *s)
{
	char *hash = strchr(s, '#');
	char *tok, *rest;

	if (hash)
		*hash = 0;
	tok = strtok_r(s, " \t\r", &rest);
	if (!tok)
		return 0;
	if (strtok_r(NULL, " \t\r", &rest))
		return parse_error(c, "one entry per line, got more after", tok);
	if (c->spec->kind == TABLE_COUNTRIES)
		return add_country(c, tok);
	return add_cidr(c, tok);
}

static int parse_text(struct parse_ctx *c, const char *text)
{
	char buf[512];

	c->line = 0;
	while (*text) {
		size_t n = strcspn(text, "\n");
		int ret;

		c->line++;
		if (n >= sizeof(buf)) {
			snprintf(c->err, c->errlen, "%s.txt:%u: line too long", c->file, c->line);
			return -EINVAL;
		}
		memcpy(buf, text, n);
		buf[n] = 0;
		ret = parse_line(c, buf);
		if (ret)
			return ret;
		text += n;
		if (*text)
			text++;
	}
	return 0;
}

static const struct table_spec *find_spec(const char *name)
{
	for (size_t i = 0; i < N_SPECS; i++)
		if (!strcmp(table_specs[i].name, name))
			return &table_specs[i];
	return NULL;
}

static int parse_files(struct zone_table *zt, const struct embedded_file *files, unsigned n,
		       char *err, size_t errlen)
{
	bool seen[N_SPECS] = { false };
	struct parse_ctx c = { .zt = zt, .err = err, .errlen = errlen };

	for (unsigned i = 0; i < n; i++) {
		int ret;

		c.file = files[i].name;
		c.spec = find_spec(files[i].name);
		if (!c.spec) {
			snprintf(err, errlen,
				 "%s.txt: unknown zone table (the file name "
				 "names the zone)",
				 files[i].name);
			return -EINVAL;
		}
		if (seen[c.spec - table_specs]) {
			snprintf(err, errlen, "%s.txt: table given twice", files[i].name);
			return -EINVAL;
		}
		seen[c.spec - table_specs] = true;
		ret = parse_text(&c, files[i].text);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < N_SPECS; i++) {
		if (table_specs[i].required && !seen[i]) {
			snprintf(err, errlen, "%s.txt: zone table missing", table_specs[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

int zone_table_parse(struct zone_table **out, const struct embedded_file *files, unsigned n,
		     bool us_adequate, char *err, size_t errlen)
{
	struct zone_table *zt = calloc(1, sizeof(*zt));
	int ret;

	*out = NULL;
	if (!zt) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = parse_files(zt, files, n, err, errlen);
	if (ret) {
		zone_table_free(zt);
		return ret;
	}
	/* The Data Privacy Framework binds certified organisations, not the
	 * country, hence an opt-in rather than a line in adequate.txt. A US
	 * line there already (an edited table) is left as it is. */
	if (us_adequate && !zt->zone['U' - 'A']['S' - 'A'])
		zt->zone['U' - 'A']['S' - 'A'] = ZONE_ADEQUATE;
	*out = zt;
	return 0;
}

int zone_table_new(struct zone_table **out, bool us_adequate, char *err, size_t errlen)
{
	return zone_table_parse(out, zones_data, zones_data_count, us_adequate, err, errlen);
}

void zone_table_free(struct zone_table *zt)
{
	if (!zt)
		return;
	prefix_list_free(&zt->local_v4);
	prefix_list_free(&zt->local_v6);
	free(zt);
}

uint8_t zone_of_country(const struct zone_table *zt, const char cc[2])
{
	int a = toupper((unsigned char)cc[0]), b = toupper((unsigned char)cc[1]);
	uint8_t z;

	/* Only letters name a country; anything else is no answer at all. */
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return ZONE_UNKNOWN;
	z = zt->zone[a - 'A'][b - 'A'];
	return z ? z : ZONE_THIRD;
}

const struct prefix_list *zone_local_v4(const struct zone_table *zt)
{
	return &zt->local_v4;
}

const struct prefix_list *zone_local_v6(const struct zone_table *zt)
{
	return &zt->local_v6;
}
