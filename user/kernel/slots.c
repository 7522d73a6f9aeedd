/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Policy slots: see slots.h and POLICY_SLOTS in bpf/juris.h. */
#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <bpf/bpf.h>
#include "kernel/maps.h"
#include "kernel/cidr_maps.h"
#include "base/threads.h"
#include "policy/dir24.h"
#include "base/errmsg.h"
#include "kernel/oper_ids.h"
#include "policy/range6.h"
#include "kernel/slots.h"

static int new_trie(const char *name, size_t key_size, size_t value_size, size_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, name, key_size, value_size, n ? n : 1,
				&opts);

	return fd < 0 ? -errno : fd;
}

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's own "not supported", seen by userspace */
#endif

/* Fills an LPM trie in one BPF_MAP_UPDATE_BATCH (4 to 6 times faster than
 * an update per prefix), or prefix by prefix on a kernel without batch
 * updates for this map type. */
static int fill_batch(int fd, const void *keys, size_t key_size, const void *values,
		      size_t value_size, size_t n)
{
	__u32 count = (__u32)n;

	if (!n)
		return 0;
	if (!bpf_map_update_batch(fd, keys, values, &count, NULL))
		return 0;
	if (errno != EINVAL && errno != ENOTSUPP && errno != EOPNOTSUPP)
		return -errno;
	for (size_t i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, (const char *)keys + i * key_size,
					(const char *)values + i * value_size, BPF_ANY))
			return -errno;
	return 0;
}

/* Puts inner in outer[slot]; the outer map keeps its own reference. */
static int install(int outer, __u32 slot, int inner)
{
	return bpf_map_update_elem(outer, &slot, &inner, BPF_ANY) ? -errno : 0;
}

static int new_array(const char *name, __u32 value_size, __u32 n, __u32 flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(__u32), value_size, n, &opts);

	return fd < 0 ? -errno : fd;
}

/* The u16 entries of a DIR-24-8 array of n __u64 elements, to write. */
static uint16_t *map_entries(int fd, size_t n)
{
	void *p = mmap(NULL, n * sizeof(__u64), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int fill_classes(int fd, const struct dir24_plan *p)
{
	for (__u32 id = 1; id <= p->n_classes; id++)
		if (bpf_map_update_elem(fd, &id, &p->classes[id], BPF_ANY))
			return -errno;
	return 0;
}

/* The DIR-24-8 table of l: three arrays (tbl24, tbl8, classes) installed
 * in the idle slot, then painted through mmap (the kernel zeroes them). */
static int install_geo4(const struct juris_maps *m, __u32 slot, const struct prefix_list *l,
			char *err, size_t errlen)
{
	struct dir24_plan p;
	int ret = dir24_plan(l, &p, err, errlen);
	size_t n24 = DIR24_TBL24 / DIR24_PER_ELEM;
	size_t n8 = (size_t)p.groups * DIR24_GROUP_SIZE / DIR24_PER_ELEM;
	int fd[3] = { -1, -1, -1 };
	uint16_t *t24 = NULL, *t8 = NULL;

	if (ret)
		return ret;
	if (!n8)
		n8 = 1;
	fd[0] = ret = new_array("juris_geo4_24", sizeof(__u64), n24, BPF_F_MMAPABLE);
	if (ret >= 0)
		fd[1] = ret = new_array("juris_geo4_8", sizeof(__u64), n8,
					BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	if (ret >= 0)
		fd[2] = ret = new_array("juris_geo4_cls", sizeof(struct geo_val), DIR24_CLASSES, 0);
	if (ret >= 0)
		ret = install(m->fd[MAP_GEO4_TBL24], slot, fd[0]);
	if (!ret)
		ret = install(m->fd[MAP_GEO4_TBL8], slot, fd[1]);
	if (!ret)
		ret = install(m->fd[MAP_GEO4_CLASS], slot, fd[2]);
	if (!ret)
		ret = fill_classes(fd[2], &p);
	if (!ret) {
		t24 = map_entries(fd[0], n24);
		t8 = map_entries(fd[1], n8);
		if (!t24 || !t8)
			ret = -errno;
	}
	if (!ret)
		dir24_paint(&p, t24, t8);
	if (t24)
		munmap(t24, n24 * sizeof(__u64));
	if (t8)
		munmap(t8, n8 * sizeof(__u64));
	for (int i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	dir24_plan_free(&p);
	return ret;
}

/* The IPv6 range table of l, installed in the idle slot and then written
 * through mmap (see install_geo4()). */
static int install_geo6(const struct juris_maps *m, __u32 slot, const struct prefix_list *l,
			char *err, size_t errlen)
{
	struct range6_table t;
	int ret = range6_build(l, &t, err, errlen), fd;
	void *p;

	if (ret)
		return ret;
	fd = ret = new_array("juris_geo6", sizeof(struct geo6_range), (__u32)t.n,
			     BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	if (fd >= 0)
		ret = install(m->fd[MAP_GEO_V6], slot, fd);
	if (!ret) {
		p = mmap(NULL, t.n * sizeof(*t.v), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			ret = -errno;
		} else {
			memcpy(p, t.v, t.n * sizeof(*t.v));
			munmap(p, t.n * sizeof(*t.v));
		}
	}
	if (fd >= 0)
		close(fd);
	range6_free(&t);
	return ret;
}

static int count_family(const struct except_cidr *v, int n, int family)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += v[i].addr.family == family;
	return c;
}

int slot_install_cidrs(int outer4, int outer6, __u32 slot, const struct except_cidr *v, int n)
{
	int fd4 = new_trie("juris_except4", sizeof(struct geo_key4), 1,
			   count_family(v, n, AF_INET));
	int fd6 = fd4 < 0 ? fd4
			  : new_trie("juris_except6", sizeof(struct geo_key6), 1,
				     count_family(v, n, AF_INET6));
	int ret = fd6 < 0 ? fd6 : juris_fill_cidrs(fd4, fd6, v, n);

	if (!ret)
		ret = install(outer4, slot, fd4);
	if (!ret)
		ret = install(outer6, slot, fd6);
	if (fd4 >= 0)
		close(fd4);
	if (fd6 >= 0)
		close(fd6);
	return ret;
}

static size_t count_oper(const struct oper_table *t, int family)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->v[i].family == family;
	return n;
}

/* The overlay's prefixes of one family into its trie, in one batch. */
static int fill_oper(int fd, const struct oper_table *t, int family, const struct oper_id_map *ids)
{
	size_t n = count_oper(t, family), j = 0;
	size_t key_size = family == AF_INET ? sizeof(struct geo_key4) : sizeof(struct geo_key6);
	size_t alen = family == AF_INET ? 4 : 16;
	char *keys = calloc(n ? n : 1, key_size);
	struct oper_val *vals = calloc(n ? n : 1, sizeof(*vals));
	int ret = -ENOMEM;

	if (keys && vals) {
		for (size_t i = 0; i < t->n; i++) {
			const struct oper_prefix *p = &t->v[i];
			__u32 len = (__u32)p->len;

			if (p->family != family)
				continue;
			/* geo_key4 and geo_key6 both start with the length. */
			memcpy(keys + j * key_size, &len, sizeof(len));
			memcpy(keys + j * key_size + sizeof(len), p->addr, alen);
			vals[j++] = (struct oper_val){ .asn = p->asn,
						       .foreign = p->foreign,
						       .home_cc = { p->home_cc[0], p->home_cc[1] },
						       .id = oper_id_of(ids, p->asn) };
		}
		ret = fill_batch(fd, keys, key_size, vals, sizeof(*vals), n);
	}
	free(keys);
	free(vals);
	return ret;
}

/* The overlay's tries, in the idle slot first and then filled (see
 * slot_install()). */
static int install_oper(const struct juris_maps *m, __u32 slot, const struct oper_table *t)
{
	int fd4 = new_trie("juris_oper4", sizeof(struct geo_key4), sizeof(struct oper_val),
			   count_oper(t, AF_INET));
	int fd6 = fd4 < 0 ? fd4
			  : new_trie("juris_oper6", sizeof(struct geo_key6),
				     sizeof(struct oper_val), count_oper(t, AF_INET6));
	struct oper_id_map *ids = malloc(sizeof(*ids));
	int ret = fd6 < 0 ? fd6 : !ids ? -ENOMEM : install(m->fd[MAP_OPER_V4], slot, fd4);

	if (!ret)
		ret = install(m->fd[MAP_OPER_V6], slot, fd6);
	/* The ids before the tries that carry them. */
	if (!ret)
		ret = oper_ids_sync(m->fd[MAP_OPER_IDS], t, ids);
	if (!ret)
		ret = fill_oper(fd4, t, AF_INET, ids);
	if (!ret)
		ret = fill_oper(fd6, t, AF_INET6, ids);
	free(ids);
	if (fd4 >= 0)
		close(fd4);
	if (fd6 >= 0)
		close(fd6);
	return ret;
}

struct geo6_job {
	const struct juris_maps *m;
	__u32 slot;
	const struct prefix_list *l;
	char err[256];
	int ret;
};

static void *geo6_thread(void *arg)
{
	struct geo6_job *j = arg;

	j->ret = install_geo6(j->m, j->slot, j->l, j->err, sizeof(j->err));
	return NULL;
}

/* The two geo tables, each on its own core: they touch 40 and 7 MiB of
 * fresh memory, and a first write to a page costs more than the rest of
 * the fill on a VM. */
static int install_geo(const struct juris_maps *m, __u32 slot, const struct slot_tables *t,
		       char *err, size_t errlen)
{
	struct geo6_job j = { .m = m, .slot = slot, .l = t->v6 };
	struct beside b;
	int ret;

	beside_start(&b, geo6_thread, &j);
	ret = install_geo4(m, slot, t->v4, err, errlen);
	beside_join(&b);
	if (!ret && j.ret) {
		ret = j.ret;
		snprintf(err, errlen, "%s", j.err);
	}
	return ret;
}

int slot_install(const struct juris_maps *m, __u32 slot, const struct slot_tables *t, char *err,
		 size_t errlen)
{
	int ret;

	err[0] = 0;
	/* In the idle slot from the start, where no program looks: a reload
	 * cut short shows in the pins, and the next start clears it. */
	ret = install_geo(m, slot, t, err, errlen);
	if (!ret)
		ret = slot_install_cidrs(m->fd[MAP_EXCEPT_V4], m->fd[MAP_EXCEPT_V6], slot,
					 t->excepts, t->n_excepts);
	if (!ret && t->oper)
		ret = install_oper(m, slot, t->oper);
	if (ret) {
		slot_clear(m, slot);
		if (!err[0])
			errorf(err, errlen, ret, "cannot fill the kernel maps: %s", strerror(-ret));
	}
	return ret;
}

void slot_clear(const struct juris_maps *m, __u32 slot)
{
	static const int outer[] = { MAP_GEO4_TBL24, MAP_GEO4_TBL8, MAP_GEO4_CLASS, MAP_GEO_V6,
				     MAP_EXCEPT_V4,  MAP_EXCEPT_V6, MAP_OPER_V4,    MAP_OPER_V6 };

	for (size_t i = 0; i < sizeof(outer) / sizeof(outer[0]); i++)
		bpf_map_delete_elem(m->fd[outer[i]], &slot);
}

int slot_active(const struct juris_maps *m, __u32 *slot)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->fd[MAP_ACTIVE], &zero, slot))
		return -errno;
	*slot &= POLICY_SLOTS - 1;
	return 0;
}

/* Returns once every BPF program that may have read the old slot index
 * has finished: they run inside RCU read-side sections, and
 * MEMBARRIER_CMD_GLOBAL is a synchronize_rcu() (except on one CPU, where
 * it returns at once, or with nohz_full, where it is refused). */
void slot_wait_readers(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2)
		sleep(1);
}

int slot_switch(const struct juris_maps *m, __u32 slot, const struct juris_config *cfg)
{
	__u32 zero = 0, old;
	int ret = slot_active(m, &old);

	if (ret)
		return ret;
	if (bpf_map_update_elem(m->fd[MAP_CONFIG], &slot, cfg, BPF_ANY))
		return -errno;
	/* The switch: one aligned 32-bit store the programs read once. */
	if (bpf_map_update_elem(m->fd[MAP_ACTIVE], &zero, &slot, BPF_ANY))
		return -errno;
	if (old != slot) {
		slot_wait_readers();
		slot_clear(m, old);
	}
	return 0;
}
