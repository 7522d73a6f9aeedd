/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* IPv6 addresses that carry an IPv4 destination (see policy/embed4.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "base/addr.h"
#include "policy/embed4.h"

int nat64_prefix_parse(const char *text, struct nat64_prefix *p)
{
	struct ip_addr a;
	int len;

	if (!strchr(text, '/') || cidr_parse(text, &a, &len) || a.family != AF_INET6)
		return -EINVAL;
	if (len != 32 && len != 40 && len != 48 && len != 56 && len != 64 && len != 96)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	memcpy(p->addr, a.a, 16);
	for (int i = 0; i < len / 8; i++)
		p->mask[i] = 0xff;
	p->len = (uint8_t)len;
	return 0;
}

int nat64_list_add(struct nat64_list *l, const char *text)
{
	struct nat64_prefix p;

	if (nat64_prefix_parse(text, &p))
		return -EINVAL;
	for (uint32_t i = 0; i < l->n; i++)
		if (!memcmp(&l->v[i], &p, sizeof(p)))
			return 0;
	if (l->n >= NAT64_PREFIXES_MAX)
		return -E2BIG;
	l->v[l->n++] = p;
	return 0;
}

const char *nat64_prefix_format(const struct nat64_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", addr_format(AF_INET6, p->addr, a, sizeof(a)), p->len);
	return buf;
}

void config_set_nat64(struct juris_config *cfg, const struct nat64_list *l)
{
	memset(cfg->nat64, 0, sizeof(cfg->nat64));
	cfg->n_nat64 = l && l->n <= NAT64_PREFIXES_MAX ? l->n : 0;
	if (cfg->n_nat64)
		memcpy(cfg->nat64, l->v, cfg->n_nat64 * sizeof(l->v[0]));
}

void config_get_nat64(const struct juris_config *cfg, struct nat64_list *l)
{
	memset(l, 0, sizeof(*l));
	l->n = cfg->n_nat64 <= NAT64_PREFIXES_MAX ? cfg->n_nat64 : NAT64_PREFIXES_MAX;
	memcpy(l->v, cfg->nat64, l->n * sizeof(l->v[0]));
}

int embedded_ipv4(const struct nat64_list *l, const uint8_t a[16], uint8_t v4[4])
{
	return embed4_find(l ? l->v : NULL, l ? l->n : 0, a, v4);
}

const char *embed4_kind_name(int kind)
{
	static const char *const names[EMBED4_KIND_MAX] = {
		"", "ipv4-mapped", "nat64", "nat64", "6to4", "teredo",
	};

	return kind >= 0 && kind < EMBED4_KIND_MAX ? names[kind] : "";
}
