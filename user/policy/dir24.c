/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* DIR-24-8 builder for the IPv4 geo table (see dir24.h). Hand-rolled: the
 * table is the kernel's layout, which no library writes. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "policy/dir24.h"
#include "base/errmsg.h"

/* Open addressing over (cc, zone): at most DIR24_MAX_CLASS keys in twice
 * as many slots, so probes stay short. */
#define CLASS_HASH (2 * DIR24_CLASSES)

struct class_index {
	uint32_t key[CLASS_HASH]; /* (cc0, cc1, zone) + 1; 0 = free */
	uint16_t id[CLASS_HASH];
};

static uint32_t class_key(const struct net_prefix *np)
{
	return ((uint32_t)(uint8_t)np->cc[0] << 16 | (uint32_t)(uint8_t)np->cc[1] << 8 | np->zone) +
	       1;
}

/* The class of np, a new one if unseen; 0 when the table is full. */
static uint16_t class_of(struct class_index *ci, struct dir24_plan *p, const struct net_prefix *np)
{
	uint32_t k = class_key(np), h = (k * 2654435761u) % CLASS_HASH;

	while (ci->key[h] && ci->key[h] != k)
		h = (h + 1) % CLASS_HASH;
	if (ci->key[h])
		return ci->id[h];
	if (p->n_classes == DIR24_MAX_CLASS)
		return 0;
	ci->key[h] = k;
	ci->id[h] = (uint16_t)++p->n_classes;
	p->classes[p->n_classes] = (struct geo_val){ .cc = { np->cc[0], np->cc[1] },
						     .zone = np->zone };
	return ci->id[h];
}

/* Address order; a prefix before the longer ones it holds. */
static int by_address(const void *a, const void *b)
{
	const struct dir24_item *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->len - y->len;
}

static bool in_address_order(const struct dir24_plan *p)
{
	for (size_t i = 1; i < p->n; i++)
		if (by_address(&p->v[i - 1], &p->v[i]) > 0)
			return false;
	return true;
}

/* Distinct /24s that hold a prefix longer than /24: one tbl8 group each. */
static int count_groups(struct dir24_plan *p)
{
	uint8_t *seen = calloc(DIR24_TBL24 / 8, 1);

	if (!seen)
		return -ENOMEM;
	p->groups = 0;
	for (size_t i = 0; i < p->n; i++) {
		uint32_t s = p->v[i].addr >> 8;

		if (p->v[i].len > 24 && !(seen[s / 8] & (1u << (s % 8)))) {
			seen[s / 8] |= (uint8_t)(1u << (s % 8));
			p->groups++;
		}
	}
	free(seen);
	return 0;
}

int dir24_plan(const struct prefix_list *l, struct dir24_plan *p, char *err, size_t len)
{
	struct class_index *ci = calloc(1, sizeof(*ci));
	int ret = 0;

	memset(p, 0, sizeof(*p));
	p->v = malloc((l->n ? l->n : 1) * sizeof(*p->v));
	p->classes = calloc(DIR24_CLASSES, sizeof(*p->classes));
	if (!ci || !p->v || !p->classes) {
		ret = errorf(err, len, -ENOMEM, "no memory for the IPv4 table");
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct net_prefix *np = &l->v[i];
		uint32_t a = (uint32_t)np->addr[0] << 24 | (uint32_t)np->addr[1] << 16 |
			     (uint32_t)np->addr[2] << 8 | np->addr[3];
		uint16_t cls = class_of(ci, p, np);

		if (np->len > 32) {
			ret = errorf(err, len, -EINVAL, "IPv4 prefix length %u is over 32",
				     np->len);
			goto out;
		}
		if (!cls) {
			ret = errorf(err, len, -E2BIG,
				     "more than %d distinct (country, zone) pairs "
				     "in the IPv4 table",
				     DIR24_MAX_CLASS);
			goto out;
		}
		p->v[p->n++] = (struct dir24_item){
			.addr = np->len ? a & ~(uint32_t)0 << (32 - np->len) : 0,
			.len = np->len,
			.cls = cls
		};
	}
	/* The compiler's lists come in address order (prefix.c). */
	if (!in_address_order(p))
		qsort(p->v, p->n, sizeof(*p->v), by_address);
	if (count_groups(p)) {
		ret = errorf(err, len, -ENOMEM, "no memory for the IPv4 table");
		goto out;
	}
	if (p->groups > DIR24_MAX_GROUPS)
		ret = errorf(err, len, -E2BIG,
			     "%u /24 networks hold longer prefixes, over the %d "
			     "of the IPv4 table",
			     p->groups, DIR24_MAX_GROUPS);
out:
	free(ci);
	if (ret)
		dir24_plan_free(p);
	return ret;
}

static void fill16(uint16_t *v, uint64_t n, uint16_t x)
{
	for (uint64_t i = 0; i < n; i++)
		v[i] = x;
}

/* Paints the address space in one pass in address order, each entry once:
 * painting prefix by prefix, shortest first, wrote 21 million entries
 * across 32 MiB in 33 sweeps, a cache and TLB miss each, a fifth of the
 * load. A run is a stretch of addresses of one class. */
struct painter {
	uint16_t *tbl24, *tbl8;
	uint32_t next_group;
	uint64_t from; /* start of the run being extended */
	uint16_t cls;  /* its class */
};

/* The tbl8 group of /24 number b, made on first use: only a /24 where the
 * class changes inside needs one, and a longer prefix made that change,
 * so there are at most p->groups of them. */
static uint16_t *group_of(struct painter *pt, uint32_t b)
{
	if (!(pt->tbl24[b] & DIR24_GROUP))
		pt->tbl24[b] = (uint16_t)(DIR24_GROUP | pt->next_group++);
	return pt->tbl8 + (size_t)(pt->tbl24[b] & ~DIR24_GROUP) * DIR24_GROUP_SIZE;
}

/* Addresses [from, to) get cls; the tables start zeroed, so class 0 is
 * there already. */
static void paint_run(struct painter *pt, uint64_t from, uint64_t to, uint16_t cls)
{
	while (cls && from < to) {
		uint32_t b = (uint32_t)(from >> 8);
		uint64_t end = ((uint64_t)b + 1) << 8;

		if (!(from & 0xff) && to - from >= DIR24_GROUP_SIZE) {
			end = from + ((to - from) & ~(uint64_t)0xff);
			fill16(pt->tbl24 + b, (end - from) >> 8, cls);
		} else {
			if (end > to)
				end = to;
			fill16(group_of(pt, b) + (from & 0xff), end - from, cls);
		}
		from = end;
	}
}

/* From at on, the class is cls. */
static void boundary(struct painter *pt, uint64_t at, uint16_t cls)
{
	if (cls == pt->cls)
		return;
	paint_run(pt, pt->from, at, pt->cls);
	pt->from = at;
	pt->cls = cls;
}

static uint64_t last_of(const struct dir24_item *it)
{
	return (uint64_t)it->addr + (1ull << (32 - it->len)) - 1;
}

void dir24_paint(const struct dir24_plan *p, uint16_t *tbl24, uint16_t *tbl8)
{
	/* The open prefixes, outermost first: they nest at most 33 deep. */
	const struct dir24_item *stack[33];
	struct painter pt = { .tbl24 = tbl24, .tbl8 = tbl8 };
	int sp = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct dir24_item *it = &p->v[i];

		while (sp && last_of(stack[sp - 1]) < it->addr) {
			sp--;
			boundary(&pt, last_of(stack[sp]) + 1, sp ? stack[sp - 1]->cls : 0);
		}
		/* The same prefix twice: the one sorted last. */
		if (sp && stack[sp - 1]->addr == it->addr && stack[sp - 1]->len == it->len)
			sp--;
		stack[sp++] = it;
		boundary(&pt, it->addr, it->cls);
	}
	while (sp) {
		sp--;
		boundary(&pt, last_of(stack[sp]) + 1, sp ? stack[sp - 1]->cls : 0);
	}
	boundary(&pt, 1ull << 32, 0);
}

uint16_t dir24_lookup(const uint16_t *tbl24, const uint16_t *tbl8, uint32_t addr)
{
	uint16_t e = tbl24[addr >> 8];

	if (e & DIR24_GROUP)
		e = tbl8[(size_t)(e & ~DIR24_GROUP) * DIR24_GROUP_SIZE + (addr & 0xff)];
	return e;
}

void dir24_plan_free(struct dir24_plan *p)
{
	free(p->v);
	free(p->classes);
	memset(p, 0, sizeof(*p));
}
