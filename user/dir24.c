/* DIR-24-8 builder for the IPv4 geo table (see dir24.h). Hand-rolled: the
 * table is the kernel's layout, which no library writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "dir24.h"
#include "errmsg.h"

/* Open addressing over (cc, zone): at most DIR24_MAX_CLASS keys in twice
 * as many slots, so probes stay short. */
#define CLASS_HASH (2 * DIR24_CLASSES)

struct class_index {
	uint32_t key[CLASS_HASH];	/* (cc0, cc1, zone) + 1; 0 = free */
	uint16_t id[CLASS_HASH];
};

static uint32_t class_key(const struct net_prefix *np)
{
	return ((uint32_t)(uint8_t)np->cc[0] << 16 | (uint32_t)(uint8_t)np->cc[1] << 8 | np->zone) + 1;
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

static int by_length(const void *a, const void *b)
{
	const struct dir24_item *x = a, *y = b;

	if (x->len != y->len)
		return x->len - y->len;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
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
			ret = errorf(err, len, -EINVAL, "IPv4 prefix length %u is over 32", np->len);
			goto out;
		}
		if (!cls) {
			ret = errorf(err, len, -E2BIG, "more than %d distinct (country, zone) pairs "
				     "in the IPv4 table", DIR24_MAX_CLASS);
			goto out;
		}
		p->v[p->n++] = (struct dir24_item){
			.addr = np->len ? a & ~(uint32_t)0 << (32 - np->len) : 0,
			.len = np->len, .cls = cls };
	}
	qsort(p->v, p->n, sizeof(*p->v), by_length);
	if (count_groups(p)) {
		ret = errorf(err, len, -ENOMEM, "no memory for the IPv4 table");
		goto out;
	}
	if (p->groups > DIR24_MAX_GROUPS)
		ret = errorf(err, len, -E2BIG, "%u /24 networks hold longer prefixes, over the %d "
			     "of the IPv4 table", p->groups, DIR24_MAX_GROUPS);
out:
	free(ci);
	if (ret)
		dir24_plan_free(p);
	return ret;
}

static void fill16(uint16_t *v, uint32_t n, uint16_t x)
{
	for (uint32_t i = 0; i < n; i++)
		v[i] = x;
}

void dir24_paint(const struct dir24_plan *p, uint16_t *tbl24, uint16_t *tbl8)
{
	uint32_t next = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct dir24_item *it = &p->v[i];
		uint32_t s = it->addr >> 8;
		uint16_t *g;

		if (it->len <= 24) {
			fill16(tbl24 + s, 1u << (24 - it->len), it->cls);
			continue;
		}
		/* The group starts as a copy of what covered its /24. */
		if (!(tbl24[s] & DIR24_GROUP)) {
			fill16(tbl8 + (size_t)next * DIR24_GROUP_SIZE, DIR24_GROUP_SIZE, tbl24[s]);
			tbl24[s] = (uint16_t)(DIR24_GROUP | next++);
		}
		g = tbl8 + (size_t)(tbl24[s] & ~DIR24_GROUP) * DIR24_GROUP_SIZE;
		fill16(g + (it->addr & 0xff), 1u << (32 - it->len), it->cls);
	}
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
