/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* SipHash-2-4 with a key drawn at start: hash tables whose keys others
 * choose (addresses from DNS answers, flows) cannot be flooded into one
 * bucket by someone who does not know the key. */
#ifndef JURIS_SIPHASH_H
#define JURIS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t k0, k1;
};

/* SipHash-2-4 of len bytes at data under key (Aumasson and Bernstein, 2012). */
uint64_t siphash24(const struct siphash_key *key, const void *data, size_t len);

/* A fresh random key from getrandom(). Returns 0 or a negative errno. */
int siphash_key_random(struct siphash_key *key);

#endif
