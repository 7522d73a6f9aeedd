/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* --dns-resolver addresses (see policy/dns_resolvers.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "base/addr.h"
#include "policy/dns_resolvers.h"

int resolver_list_add(struct resolver_list *l, const char *text)
{
	struct ip_addr a;
	uint8_t k[16] = { 0 };

	if (addr_parse(text, &a))
		return -EINVAL;
	if (a.family == AF_INET) {
		k[10] = k[11] = 0xff;
		memcpy(&k[12], a.a, 4);
	} else {
		memcpy(k, a.a, 16);
	}
	for (uint32_t i = 0; i < l->n; i++)
		if (!memcmp(l->addr[i], k, 16))
			return 0;
	if (l->n >= DNS_RESOLVERS_MAX)
		return -E2BIG;
	memcpy(l->addr[l->n++], k, 16);
	return 0;
}

void config_set_resolvers(struct juris_config *cfg, const struct resolver_list *l)
{
	memset(cfg->dns_resolvers, 0, sizeof(cfg->dns_resolvers));
	cfg->n_dns_resolvers = l && l->n <= DNS_RESOLVERS_MAX ? l->n : 0;
	if (cfg->n_dns_resolvers)
		memcpy(cfg->dns_resolvers, l->addr, cfg->n_dns_resolvers * 16);
}

const char *config_resolver_text(const struct juris_config *cfg, uint32_t i, char *buf, size_t len)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *a = cfg->dns_resolvers[i % DNS_RESOLVERS_MAX];

	if (!memcmp(a, mapped, sizeof(mapped)))
		return addr_format(AF_INET, a + 12, buf, len);
	return addr_format(AF_INET6, a, buf, len);
}
