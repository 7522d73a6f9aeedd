/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Lists of AS-numbered prefixes: see asn_list.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "policy/asn_list.h"

int asn_list_push(struct asn_list *l, const struct asn_prefix *p)
{
	if (grow_for_one((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 1024))
		return -ENOMEM;
	l->v[l->n++] = *p;
	return 0;
}

void asn_list_free(struct asn_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int by_address(const void *a, const void *b)
{
	const struct asn_prefix *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));

	return c ? c : (int)x->len - (int)y->len;
}

static bool bit_set(const uint8_t *a, int i)
{
	return a[i / 8] >> (7 - i % 8) & 1;
}

/* b is a's right sibling with the same operator: the two make their parent. */
static bool mergeable(const struct asn_prefix *a, const struct asn_prefix *b)
{
	int i = a->len - 1;
	uint8_t sib[16];

	if (a->len != b->len || !a->len || a->asn != b->asn || bit_set(a->addr, i))
		return false;
	memcpy(sib, a->addr, sizeof(sib));
	sib[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return !memcmp(sib, b->addr, sizeof(sib));
}

static bool same_prefix(const struct asn_prefix *a, const struct asn_prefix *b)
{
	return a->len == b->len && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* A CSV's ranges are checked for overlap and a MaxMind tree's networks
 * cannot overlap, so in address order a merge can only happen between the
 * last two kept prefixes: one pass, like carrying in an addition, merges
 * everything that can be. A libloc file's networks nest; a merge can then
 * rebuild a parent that is already listed with another value: the rebuilt
 * one wins, since its two halves cover all of it. */
void asn_list_sort_merge(struct asn_list *l)
{
	size_t n = 0;

	/* qsort's array must not be NULL, even for no element. */
	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), by_address);
	for (size_t i = 0; i < l->n; i++) {
		l->v[n++] = l->v[i];
		for (;;) {
			if (n >= 2 && same_prefix(&l->v[n - 2], &l->v[n - 1])) {
				l->v[n - 2] = l->v[n - 1];
				n--;
			} else if (n >= 2 && mergeable(&l->v[n - 2], &l->v[n - 1])) {
				n--;
				l->v[n - 1].len--;
			} else {
				break;
			}
		}
	}
	l->n = n;
}
