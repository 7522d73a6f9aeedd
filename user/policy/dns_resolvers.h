/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* --dns-resolver: the only servers whose DNS answers juris reads, as the
 * policy slot's config holds them (juris_config.dns_resolvers). */
#ifndef JURIS_DNS_RESOLVERS_H
#define JURIS_DNS_RESOLVERS_H

#include <stdint.h>
#include "juris.h"

struct resolver_list {
	uint32_t n;
	uint8_t addr[DNS_RESOLVERS_MAX][16]; /* IPv4 as ::ffff:a.b.c.d */
};

/* Adds the address text to l: -EINVAL when it is not one, -E2BIG when l is
 * full. An address listed twice is kept once. */
int resolver_list_add(struct resolver_list *l, const char *text);

/* Writes l into cfg (NULL: none, answers from any server a query went to). */
void config_set_resolvers(struct juris_config *cfg, const struct resolver_list *l);

/* The address of entry i of cfg as text, in buf (INET6_ADDRSTRLEN bytes). */
const char *config_resolver_text(const struct juris_config *cfg, uint32_t i, char *buf, size_t len);

#endif
