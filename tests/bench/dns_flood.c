/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Bench of the daemon's DNS cache under a flood (make bench): the cost of
 * a put and a get for addresses crafted to share one bucket of a public
 * hash (FNV-1a, fixed seed: what the cache used before its keyed hash),
 * against as many random addresses, side by side, as a ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "base/dns_cache.h"

#define CAP 16384 /* DNS_NAMES_MAX */
#define N 2048
#define S 1000000000ull

static uint32_t public_bucket(const struct dns_addr_key *k)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(k->addr); i++)
		h = (h ^ k->addr[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ h >> 32) & (2 * CAP - 1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per lookup of each of keys, once all are in the cache (the cost of
 * every event and report line that names a destination). The entries are
 * touched once before, so that page faults are not counted. */
static double run(const struct dns_addr_key *keys)
{
	struct dns_cache c;
	double t0, t1;

	if (dns_cache_init(&c, CAP))
		exit(1);
	memset(c.e, 0, CAP * sizeof(*c.e));
	for (int i = 0; i < N; i++)
		dns_cache_put(&c, &keys[i], "flood.example.test", S, 100 * S);
	t0 = now_ns();
	for (int r = 0; r < 10; r++)
		for (int i = 0; i < N; i++)
			if (!dns_cache_get(&c, &keys[i], 2 * S))
				exit(1);
	t1 = now_ns();
	dns_cache_free(&c);
	return (t1 - t0) / N / 10;
}

int main(void)
{
	static struct dns_addr_key crafted[N], random_keys[N];
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	double flood = 0, rnd = 0;
	int found = 0;

	for (uint32_t x = 0; found < N; x++) {
		memcpy(&a[12], &x, 4);
		dns_addr_key_of(AF_INET6, a, &crafted[found]);
		if (!public_bucket(&crafted[found]))
			found++;
	}
	srand(1);
	for (int i = 0; i < N; i++) {
		for (int j = 4; j < 16; j++)
			a[j] = (uint8_t)rand();
		dns_addr_key_of(AF_INET6, a, &random_keys[i]);
	}
	for (int r = 0; r < 5; r++) {
		flood += run(crafted);
		rnd += run(random_keys);
	}
	printf("dns cache, %d addresses: crafted for one public-hash bucket %.0f ns, "
	       "random %.0f ns per lookup; ratio %.2f\n",
	       N, flood / 5, rnd / 5, flood / rnd);
	return 0;
}
