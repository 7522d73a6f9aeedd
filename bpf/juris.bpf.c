/* SPDX-License-Identifier: GPL-2.0-only */
/* juris egress programs: classify each outgoing flow by destination
 * jurisdiction, count it, and in enforce mode stop what leaves the policy. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "juris.h"
#include "embedded_v4.h"
#include "kernel_types.bpf.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif
#define IP_OFFSET_MASK 0x1fff
#define IPV6_EXT_MAX 4

char LICENSE[] SEC("license") = "GPL";

/* The tables of a policy slot are maps that userspace creates at the
 * size of each compiled table and installs in these arrays of maps, one
 * element per slot (see POLICY_SLOTS): arrays for the geo tables, LPM
 * tries for the others. Sizes rather than types: clang emits only a forward declaration
 * of a type seen through an inner map. */

/* IPv4 geo: DIR-24-8 (see DIR24_* in juris.h), filled through mmap. tbl8
 * grows with the database: BPF_F_INNER_MAP lets a slot hold a tbl8 of
 * another size than this template. */
struct dir24_tbl24 {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DIR24_TBL24 / DIR24_PER_ELEM);
	__type(key, __u32);
	__type(value, __u64);
	__uint(map_flags, BPF_F_MMAPABLE);
};

struct dir24_tbl8 {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
};

struct dir24_class {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DIR24_CLASSES);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct geo_val));
};

/* IPv6 geo: sorted ranges (see GEO6_* in juris.h), filled through mmap. */
struct geo6_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct geo6_range));
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
};

struct cidr_trie4 {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct geo_key4));
	__uint(value_size, sizeof(__u8));
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

struct cidr_trie6 {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct geo_key6));
	__uint(value_size, sizeof(__u8));
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

struct oper_trie4 {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct geo_key4));
	__uint(value_size, sizeof(struct oper_val));
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

struct oper_trie6 {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct geo_key6));
	__uint(value_size, sizeof(struct oper_val));
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct dir24_tbl24);
} geo4_tbl24 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct dir24_tbl8);
} geo4_tbl8 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct dir24_class);
} geo4_class SEC(".maps");

/* The operator overlay of a slot (when juris_config.overlay is set). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct oper_trie4);
} oper_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct oper_trie6);
} oper_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct geo6_table);
} geo_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct cidr_trie4);
} except_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__array(values, struct cidr_trie6);
} except_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, POLICY_SLOTS);
	__type(key, __u32);
	__type(value, struct juris_config);
} config SEC(".maps");

/* Index of the live slot, flipped by a reload. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} active SEC(".maps");

/* Gateway mode: the sensitive source ranges (--source)... */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_GW_SOURCES);
	__type(key, struct geo_key4);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sources_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_GW_SOURCES);
	__type(key, struct geo_key6);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sources_v6 SEC(".maps");

/* ...the uplinks (--iface), by ifindex... */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_GW_IFACES);
	__type(key, __u32);
	__type(value, __u8);
} uplinks SEC(".maps");

/* ...and the inside interfaces whose ingress carries the program. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_GW_IFACES);
	__type(key, __u32);
	__type(value, struct inside_iface);
} inside SEC(".maps");

/* Keyed by flow_id() of the value's key. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct flow_val);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TOTALS_ENTRIES);
	__type(key, __u32);
	__type(value, struct juris_totals);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct classification {
	char cc[2];
	__u8 zone;
	__u8 verdict;
	__u8 flags;
	char op_cc[2];
	__u8 reason; /* enum juris_reason */
	__u16 op_id; /* oper_val.id: the operator's exact counters */
	__u32 asn;
	__u32 generation; /* of the policy that decided */
};

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);

	if (c)
		*c += 1;
}

/* The live policy: the active slot's index, read once, and its config. */
static __always_inline const struct juris_config *live_policy(__u32 *slot)
{
	__u32 zero = 0;
	const __u32 *a = bpf_map_lookup_elem(&active, &zero);

	*slot = a ? *a & (POLICY_SLOTS - 1) : 0;
	return bpf_map_lookup_elem(&config, slot);
}

/* Longest-prefix match of key in the slot's trie of outer (an array of
 * tries). Sets *missing when the slot has no table: a reload removed it
 * after this packet read the old index (see juris_switch()). */
static __always_inline void *lookup_trie(void *outer, __u32 slot, const void *key, int *missing)
{
	void *trie = bpf_map_lookup_elem(outer, &slot);

	if (!trie) {
		*missing = 1;
		return NULL;
	}
	return bpf_map_lookup_elem(trie, key);
}

/* lookup_trie() of daddr in the IPv4 or IPv6 trie. */
static __always_inline void *lookup_slot(void *outer4, void *outer6, __u32 slot, int family,
					 const __u8 *daddr, int *missing)
{
	if (family == AF_INET) {
		struct geo_key4 k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, daddr, 4);
		return lookup_trie(outer4, slot, &k, missing);
	}
	struct geo_key6 k6 = { .prefixlen = 128 };

	__builtin_memcpy(k6.addr, daddr, 16);
	return lookup_trie(outer6, slot, &k6, missing);
}

/* Entry i of a DIR-24-8 table, an array of __u64 holding four __u16. */
static __always_inline int dir24_entry(void *tbl, __u32 i, __u16 *e)
{
	__u32 q = i / DIR24_PER_ELEM;
	const __u16 *v = bpf_map_lookup_elem(tbl, &q);

	if (!v)
		return -1;
	*e = v[i & (DIR24_PER_ELEM - 1)];
	return 0;
}

/* The geo value of IPv4 daddr in the slot's DIR-24-8 table: two array
 * reads at most, whatever the number of prefixes. Sets *missing like
 * lookup_slot(). */
static __always_inline const struct geo_val *lookup_geo4(__u32 slot, const __u8 *daddr,
							 int *missing)
{
	void *t24 = bpf_map_lookup_elem(&geo4_tbl24, &slot);
	void *t8 = bpf_map_lookup_elem(&geo4_tbl8, &slot);
	void *cls = bpf_map_lookup_elem(&geo4_class, &slot);
	__u32 a = (__u32)daddr[0] << 24 | (__u32)daddr[1] << 16 | (__u32)daddr[2] << 8 | daddr[3];
	__u32 key;
	__u16 e;

	if (!t24 || !t8 || !cls) {
		*missing = 1;
		return NULL;
	}
	if (dir24_entry(t24, a >> 8, &e))
		return NULL;
	if ((e & DIR24_GROUP) &&
	    dir24_entry(t8, (__u32)(e & ~DIR24_GROUP) * DIR24_GROUP_SIZE + (a & 0xff), &e))
		return NULL;
	if (!e)
		return NULL;
	key = e & DIR24_MAX_CLASS;
	return bpf_map_lookup_elem(cls, &key);
}

/* Index of the range of IPv6 address (hi, lo) (host order) in the slot's
 * range table: the last range that starts at or before it, found in
 * GEO6_STEPS array reads whatever the number of ranges; -1 when the slot
 * has no table. A global function: the verifier checks it once, where
 * inlined it was checked again on every path of every program that
 * classifies (+47 ms of load). */
__noinline int geo6_find(__u32 slot, __u64 hi, __u64 lo)
{
	void *t = bpf_map_lookup_elem(&geo_v6, &slot);
	const struct geo6_range *r;
	__u32 at = 0;

	if (!t)
		return -1;
#pragma unroll
	for (int s = GEO6_STEPS - 1; s >= 0; s--) {
		__u32 mid = at + (1U << s);

		r = bpf_map_lookup_elem(t, &mid);
		if (r && (r->hi < hi || (r->hi == hi && r->lo <= lo)))
			at = mid;
	}
	return (int)at;
}

/* The geo value of IPv6 daddr in the slot's range table. Sets *missing
 * like lookup_slot(). */
static __always_inline const struct geo_val *lookup_geo6(__u32 slot, const __u8 *daddr,
							 int *missing)
{
	const struct geo6_range *r;
	__u64 hi, lo;
	void *t;
	int at;

	__builtin_memcpy(&hi, daddr, 8);
	__builtin_memcpy(&lo, daddr + 8, 8);
	at = geo6_find(slot, bpf_be64_to_cpu(hi), bpf_be64_to_cpu(lo));
	t = bpf_map_lookup_elem(&geo_v6, &slot);
	if (at < 0 || !t) {
		*missing = 1;
		return NULL;
	}
	r = bpf_map_lookup_elem(t, &at);
	return r ? &r->val : NULL;
}

#include "cgroup_watch.bpf.h"
#include "dns.bpf.h"
#include "exact.bpf.h"
#include "flow_table.bpf.h"
#include "sock_flow.bpf.h"

static __always_inline int zone_allowed(const struct juris_config *cfg, __u8 zone)
{
	if (zone == ZONE_LOCAL)
		return 1;
	if (zone == ZONE_UNKNOWN)
		return !cfg->unknown_deny;
	return zone >= ZONE_FR && zone <= cfg->allow_zone;
}

/* The operator overlay: sets c's operator and GEO_F_FOREIGN_OP. */
static __always_inline void lookup_operator(const struct juris_config *cfg, __u32 slot, int family,
					    const __u8 *daddr, struct classification *c,
					    int *missing)
{
	const struct oper_val *op;

	if (!cfg->overlay)
		return;
	op = lookup_slot(&oper_v4, &oper_v6, slot, family, daddr, missing);
	if (!op)
		return;
	c->asn = op->asn;
	c->op_cc[0] = op->home_cc[0];
	c->op_cc[1] = op->home_cc[1];
	c->op_id = op->id;
	if (op->foreign)
		c->flags |= GEO_F_FOREIGN_OP;
}

/* The IPv4 address an IPv6 destination carries (bpf/embedded_v4.h), in v4:
 * IPv4-mapped, NAT64 (the well-known prefix and the policy's own), 6to4,
 * Teredo. Those are judged by the IPv4 address they reach. */
static __always_inline int embedded_v4(const struct juris_config *cfg, const __u8 *daddr, __u8 *v4)
{
	if (!cfg)
		return embed4_find(NULL, 0, daddr, v4);
	return embed4_find(cfg->nat64, cfg->n_nat64, daddr, v4);
}

/* The one classifier every hook calls. daddr is 16 bytes; for AF_INET only
 * the first four are read. An IPv6 destination that carries an IPv4 one
 * is judged as that IPv4 address; an exception of either allows it. */
static __always_inline void classify_as(int family, const __u8 *daddr, struct classification *c,
					int enforce)
{
	__u32 slot;
	const struct juris_config *cfg = live_policy(&slot);
	const struct geo_val *g;
	const __u8 *daddr6 = NULL;
	__u8 v4[4];
	int missing = 0, foreign;

	if (family == AF_INET6 && embedded_v4(cfg, daddr, v4)) {
		daddr6 = daddr;
		family = AF_INET;
		daddr = v4;
	}
	if (family == AF_INET) {
		g = lookup_geo4(slot, daddr, &missing);
	} else {
		g = lookup_geo6(slot, daddr, &missing);
	}
	c->cc[0] = g ? g->cc[0] : 0;
	c->cc[1] = g ? g->cc[1] : 0;
	c->zone = g ? g->zone : ZONE_UNKNOWN;
	c->flags = g ? g->flags : 0;
	c->verdict = VERDICT_ALLOW;
	c->asn = 0;
	c->op_cc[0] = 0;
	c->op_cc[1] = 0;
	c->reason = c->zone == ZONE_LOCAL     ? REASON_LOCAL
		    : c->zone == ZONE_UNKNOWN ? REASON_UNKNOWN
					      : REASON_ZONE;
	c->op_id = 0;
	c->generation = cfg ? cfg->generation : 0;
	if (!cfg)
		return;
	lookup_operator(cfg, slot, family, daddr, c, &missing);
	foreign = c->flags & GEO_F_FOREIGN_OP;
	if (!missing) {
		if (zone_allowed(cfg, c->zone) &&
		    !(foreign && cfg->foreign_op == FOREIGN_OP_DENY)) {
			/* Audit of foreign operators: reported, never blocked. */
			if (foreign && cfg->foreign_op == FOREIGN_OP_AUDIT &&
			    c->zone != ZONE_LOCAL) {
				c->verdict = VERDICT_WOULD_BLOCK;
				c->reason = REASON_FOREIGN_OP;
			}
			return;
		}
		/* Inside the zone, only the operator keeps it out. */
		if (zone_allowed(cfg, c->zone))
			c->reason = REASON_FOREIGN_OP;
		if (lookup_slot(&except_v4, &except_v6, slot, family, daddr, &missing) ||
		    (daddr6 &&
		     lookup_slot(&except_v4, &except_v6, slot, AF_INET6, daddr6, &missing))) {
			c->flags |= GEO_F_EXCEPTION;
			c->reason = REASON_EXCEPTION;
			return;
		}
		if (dns_excepted(family, daddr) || (daddr6 && dns_excepted(AF_INET6, daddr6))) {
			c->flags |= GEO_F_EXCEPTION;
			c->reason = REASON_DOMAIN_EXCEPTION;
			return;
		}
	}
	if (missing) {
		/* Fail closed, and keep the verdict out of the flow cache. */
		count(CNT_SLOT_MISSING);
		c->generation = 0;
	}
	c->verdict = enforce || cfg->mode == MODE_ENFORCE ? VERDICT_BLOCK : VERDICT_WOULD_BLOCK;
}

static __always_inline void classify(int family, const __u8 *daddr, struct classification *c)
{
	classify_as(family, daddr, c, 0);
}

/* The classification that flow entry v holds. */
static __always_inline void copy_class(const struct flow_val *v, struct classification *c)
{
	c->cc[0] = v->cc[0];
	c->cc[1] = v->cc[1];
	c->zone = v->zone;
	c->verdict = v->verdict;
	c->reason = v->reason;
	c->flags = v->flags;
	c->asn = v->asn;
	c->op_cc[0] = v->op_cc[0];
	c->op_cc[1] = v->op_cc[1];
	c->op_id = v->op_id;
	c->generation = v->generation;
}

/* classify() for a packet of flow k (id: its flow_id()), with a flow cache
 * in front of it: an entry stamped with the live policy generation keeps
 * its verdict, so an established flow skips the prefix tries. Returns the
 * entry, or NULL for a new flow. */
static __always_inline struct flow_val *classify_flow(const struct flow_key *k, __u64 id,
						      struct classification *c)
{
	__u32 slot;
	const struct juris_config *cfg = live_policy(&slot);
	struct flow_val *v = flow_find(k, id);

	if (v && cfg && v->generation == cfg->generation) {
		/* An answer for an --except-domain name since the verdict. */
		if (v->verdict != VERDICT_ALLOW && v->except_seq != dns_except_seq) {
			__u64 zero = 0;

			/* The full barrier of a fetching atomic, on this rare
			 * path: except_dyn is read after the sequence number.
			 * barrier_var: clang would make the add of 0 an or,
			 * which needs -mcpu=v3. */
			barrier_var(zero);
			v->except_seq = __sync_fetch_and_add(&dns_except_seq, zero);
			if (dns_excepted(k->family, k->daddr)) {
				/* A verdict change: account_flow() keeps what
				 * went before under the old one. */
				copy_class(v, c);
				c->verdict = VERDICT_ALLOW;
				c->flags |= GEO_F_EXCEPTION;
				c->reason = REASON_DOMAIN_EXCEPTION;
				return v;
			}
		}
		copy_class(v, c);
		return v;
	}
	classify(k->family, k->daddr, c);
	return v;
}

static __always_inline void emit_event(const struct flow_key *k, const struct classification *c,
				       __u8 type, __u8 hook, const struct sock_owner *owner)
{
	struct juris_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count(CNT_RINGBUF_DROPS);
		return;
	}
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = k->cgroup_id;
	if (owner) {
		e->pid = owner->pid;
		e->uid = owner->uid;
		__builtin_memcpy(e->comm, owner->comm, sizeof(e->comm));
	} else {
		e->pid = 0;
		e->uid = 0;
		__builtin_memset(e->comm, 0, sizeof(e->comm));
	}
	__builtin_memcpy(e->saddr, k->saddr, 16);
	__builtin_memcpy(e->daddr, k->daddr, 16);
	e->sport = bpf_ntohs(k->sport);
	e->dport = bpf_ntohs(k->dport);
	e->type = type;
	e->hook = hook;
	e->family = k->family;
	e->proto = k->proto;
	e->verdict = c->verdict;
	e->zone = c->zone;
	e->cc[0] = c->cc[0];
	e->cc[1] = c->cc[1];
	e->flags = c->flags;
	e->op_cc[0] = c->op_cc[0];
	e->op_cc[1] = c->op_cc[1];
	e->reason = c->reason;
	e->asn = c->asn;
	e->sock = k->sock;
	bpf_ringbuf_submit(e, 0);
}

/* Accounts one packet (or, with packets == 0, a refused connect) to its
 * flow. Returns 1 when this call created the flow-table entry, or when the
 * table could not take the flow (new again at each of its packets). */
static __always_inline int account_flow(const struct flow_key *k, __u64 id, struct flow_val *v,
					const struct classification *c, __u64 packets, __u64 bytes,
					const struct sock_owner *owner, __u32 uid)
{
	struct flow_scratch_slot *slot;
	struct flow_val *nv;
	long err;

	if (v) {
		if (v->generation != c->generation || v->verdict != c->verdict) {
			/* A policy change applies to live flows; what they
			 * sent before stays under the verdict it had. */
			if (v->verdict != c->verdict)
				flow_archive(v);
			v->zone = c->zone;
			v->verdict = c->verdict;
			v->reason = c->reason;
			v->flags = c->flags;
			v->asn = c->asn;
			v->op_cc[0] = c->op_cc[0];
			v->op_cc[1] = c->op_cc[1];
			v->op_id = c->op_id;
			v->generation = c->generation;
		}
		add_counts(v, c, packets, bytes, 0);
		/* The coarse clock (the precise one costs ~30 ns on a VM's
		 * kvm-clock), and only once a tick: the verifier turns
		 * bpf_jiffies64() into a load, the clock is a helper call. */
		if (v->last_jiffies != bpf_jiffies64()) {
			v->last_jiffies = bpf_jiffies64();
			v->last_ns = bpf_ktime_get_coarse_ns();
		}
		return 0;
	}
	/* The new entry is made in flow_scratch: with the packet's key and
	 * classification it would not fit the stack. */
	slot = scratch_get();
	if (!slot) {
		count(CNT_FLOW_INSERT_FAIL);
		add_counts(NULL, c, packets, bytes, 1);
		return 0;
	}
	nv = &slot->v;
	__builtin_memset(nv, 0, sizeof(*nv));
	nv->key = *k;
	nv->lane[0].cpu = bpf_get_smp_processor_id() + 1;
	nv->lane[0].packets = packets;
	nv->lane[0].bytes = bytes;
	nv->first_ns = bpf_ktime_get_boot_ns();
	nv->last_ns = bpf_ktime_get_coarse_ns();
	nv->last_jiffies = bpf_jiffies64();
	nv->uid = uid;
	if (owner) {
		nv->pid = owner->pid;
		nv->uid = owner->uid;
		__builtin_memcpy(nv->comm, owner->comm, sizeof(nv->comm));
	}
	nv->cc[0] = c->cc[0];
	nv->cc[1] = c->cc[1];
	nv->zone = c->zone;
	nv->verdict = c->verdict;
	nv->reason = c->reason;
	nv->flags = c->flags;
	nv->asn = c->asn;
	nv->op_cc[0] = c->op_cc[0];
	nv->op_cc[1] = c->op_cc[1];
	nv->op_id = c->op_id;
	nv->generation = c->generation;
	err = bpf_map_update_elem(&flows, &id, nv, BPF_NOEXIST);
	scratch_put(slot);
	if (err == 0) {
		add_counts(NULL, c, packets, bytes, 1);
		return 1;
	}
	/* Another CPU created it first, or the table refused it, or another
	 * flow holds its id: the totals stay exact either way. A flow the
	 * table cannot hold is new at each packet: 1, so that the caller
	 * still reports it (an event per packet outside the policy, rather
	 * than none: the ring buffer counts what it drops). */
	v = flow_find(k, id);
	add_counts(v, c, packets, bytes, 0);
	if (!v) {
		count(CNT_FLOW_INSERT_FAIL);
		return 1;
	}
	return 0;
}

/* len bytes at off of the packet: read in place when the linear area
 * holds them (no helper call: the headers of almost every packet), else
 * copied to buf. NULL when the packet is shorter. */
static __always_inline const void *pkt_bytes(struct __sk_buff *skb, __u32 off, __u32 len, void *buf)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;

	if (data + off + len <= end)
		return data + off;
	return bpf_skb_load_bytes(skb, off, buf, len) ? NULL : buf;
}

/* Reads the transport ports at off; zero for protocols without ports. */
static __always_inline void read_ports(struct __sk_buff *skb, __u32 off, __u8 proto, __u16 *sport,
				       __u16 *dport)
{
	__u16 buf[2];
	const __u16 *p;

	*sport = 0;
	*dport = 0;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_UDPLITE &&
	    proto != IPPROTO_SCTP)
		return;
	p = pkt_bytes(skb, off, sizeof(buf), buf);
	if (!p)
		return;
	*sport = p[0];
	*dport = p[1];
}

/* nh: offset of the network header, 0 on cgroup hooks, the L2 header's
 * length on tc hooks. */
static __always_inline int parse_ipv4(struct __sk_buff *skb, __u32 nh, struct flow_key *k,
				      __u16 *sport)
{
	struct iphdr buf;
	const struct iphdr *ip = pkt_bytes(skb, nh, sizeof(buf), &buf);
	__u16 sp = 0, dp = 0;

	if (!ip)
		return -1;
	k->family = AF_INET;
	k->proto = ip->protocol;
	__builtin_memcpy(k->saddr, &ip->saddr, 4);
	__builtin_memcpy(k->daddr, &ip->daddr, 4);
	if (!(ip->frag_off & bpf_htons(IP_OFFSET_MASK)))
		read_ports(skb, nh + ip->ihl * 4, ip->protocol, &sp, &dp);
	k->dport = dp;
	k->sport = sp;
	*sport = bpf_ntohs(sp);
	return 0;
}

static __always_inline int parse_ipv6(struct __sk_buff *skb, __u32 nh, struct flow_key *k,
				      __u16 *sport)
{
	struct ipv6hdr buf;
	const struct ipv6hdr *ip6 = pkt_bytes(skb, nh, sizeof(buf), &buf);
	__u32 off = nh + sizeof(buf);
	__u8 nexthdr;
	__u16 sp = 0, dp = 0;

	if (!ip6)
		return -1;
	k->family = AF_INET6;
	__builtin_memcpy(k->saddr, &ip6->saddr, 16);
	__builtin_memcpy(k->daddr, &ip6->daddr, 16);
	nexthdr = ip6->nexthdr;
#pragma unroll
	for (int i = 0; i < IPV6_EXT_MAX; i++) {
		__u8 ext[2];

		if (nexthdr != IPPROTO_HOPOPTS && nexthdr != IPPROTO_ROUTING &&
		    nexthdr != IPPROTO_DSTOPTS)
			break;
		if (bpf_skb_load_bytes(skb, off, ext, sizeof(ext)))
			return -1;
		nexthdr = ext[0];
		off += (ext[1] + 1) * 8;
	}
	k->proto = nexthdr;
	read_ports(skb, off, nexthdr, &sp, &dp);
	k->dport = dp;
	k->sport = sp;
	*sport = bpf_ntohs(sp);
	return 0;
}

/* Sets skb->cb for BPF_PROG_TEST_RUN callers (juris lookup): they read the
 * kernel's answer from ctx_out. */
static __always_inline void set_cb(struct __sk_buff *skb, const struct classification *c)
{
	skb->cb[0] = CB_RESULT(c->zone, c->verdict, c->cc[0], c->cc[1]);
	skb->cb[1] = c->asn;
	skb->cb[2] = CB_OPERATOR(c->op_cc[0], c->op_cc[1], c->flags, c->reason);
}

SEC("cgroup_skb/egress")
int juris_egress(struct __sk_buff *skb)
{
	struct flow_key k = {};
	struct classification c;
	struct sock_flow *sf = NULL;
	const struct juris_config *cfg;
	struct flow_val *v;
	struct bpf_sock *sk;
	__u32 slot;
	__u16 sport = 0;
	__u64 id;
	int err;

	k.cgroup_id = bpf_skb_cgroup_id(skb);
	/* juris lookup's dry run (below) comes from no watched cgroup. */
	if (skb->cb[CB_DRY_RUN_WORD] != CB_DRY_RUN && !cg_watched(k.cgroup_id))
		return 1;
	if (skb->protocol == bpf_htons(ETH_P_IP))
		err = parse_ipv4(skb, 0, &k, &sport);
	else if (skb->protocol == bpf_htons(ETH_P_IPV6))
		err = parse_ipv6(skb, 0, &k, &sport);
	else
		err = -1;
	if (err) {
		count(CNT_NOT_IP);
		return 1;
	}
	/* juris lookup's dry run of the live program: classified as enforce
	 * would, nothing counted, nothing kept. Only BPF_PROG_TEST_RUN can
	 * set cb: the kernel zeroes it before a real packet reaches us. */
	if (skb->cb[CB_DRY_RUN_WORD] == CB_DRY_RUN) {
		classify_as(k.family, k.daddr, &c, 1);
		set_cb(skb, &c);
		return 1;
	}
	/* DNS queries are recorded so that only their answers count. */
	if (k.dport == bpf_htons(DNS_PORT))
		dns_note_query(skb);
	sk = skb->sk;
	if (sk) {
		struct bpf_sock *full = bpf_sk_fullsock(sk);

		/* A socket of no protocol is BPF_PROG_TEST_RUN's stand-in, new
		 * on every run: judged as packets without a socket. */
		if (full && !full->protocol)
			sk = NULL;
		else if (full)
			sf = bpf_sk_storage_get(&sock_flows, full, 0, BPF_SK_STORAGE_GET_F_CREATE);
	}
	if (sf) {
		/* The established path of a socket's packets: its own flow. */
		cfg = live_policy(&slot);
		if (sock_flow_packet(sf, &k, skb->len, cfg)) {
			if (sf->verdict == VERDICT_BLOCK) {
				count(CNT_PACKETS_BLOCKED);
				return 0;
			}
			return 1;
		}
		/* What it counted goes under the verdict it had, before the
		 * flow table's path may change that verdict. */
		sock_flow_flush(sf);
	}
	/* A TIME_WAIT socket keeps its connection's cookie: the last ACK
	 * lands in the connection's entry, not in a flow of its own. */
	if (sk)
		k.sock = bpf_get_socket_cookie(skb);
	k.cgroup_id = bpf_skb_cgroup_id(skb);
	id = flow_id(&k);
	v = classify_flow(&k, id, &c);
	set_cb(skb, &c);
	/* The uid only names a new flow: not worth a helper call on the others. */
	if (account_flow(&k, id, v, &c, 1, skb->len, sf && sf->owner.pid ? &sf->owner : NULL,
			 v ? 0 : bpf_get_socket_uid(skb)) &&
	    c.verdict != VERDICT_ALLOW)
		emit_event(&k, &c, EVENT_NEW_FLOW, HOOK_SKB_EGRESS,
			   sf && sf->owner.pid ? &sf->owner : NULL);
	if (sf)
		sock_flow_follow(sf, &k, id, &c);
	if (c.verdict == VERDICT_BLOCK) {
		count(CNT_PACKETS_BLOCKED);
		return 0;
	}
	return 1;
}

/* Records who owns the socket, for the packet hook's attribution. */
static __always_inline struct sock_owner *remember_owner(struct bpf_sock_addr *ctx,
							 struct sock_owner *tmp)
{
	struct sock_flow *sf = NULL;
	struct sock_owner *o = tmp;

	if (ctx->sk)
		sf = bpf_sk_storage_get(&sock_flows, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (sf)
		o = &sf->owner;
	if (o->pid == 0) {
		o->pid = bpf_get_current_pid_tgid() >> 32;
		o->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(o->comm, sizeof(o->comm));
	}
	return o;
}

/* Common body of the four socket hooks. Returns 0 to refuse (EPERM). */
static __always_inline int sock_hook(struct bpf_sock_addr *ctx, int family, __u8 hook, __u8 type,
				     __u32 counter)
{
	struct flow_key k = {};
	struct classification c;
	struct sock_owner tmp = {}, *owner;
	__u64 id;

	k.cgroup_id = bpf_get_current_cgroup_id();
	if (!cg_watched(k.cgroup_id))
		return 1;
	k.family = family;
	k.proto = ctx->protocol;
	k.dport = (__u16)ctx->user_port;
	if (family == AF_INET) {
		__u32 d = ctx->user_ip4;

		__builtin_memcpy(k.daddr, &d, 4);
		if (hook == HOOK_SENDMSG4) {
			__u32 s = ctx->msg_src_ip4;

			__builtin_memcpy(k.saddr, &s, 4);
		}
	} else {
		__u32 d[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2],
			       ctx->user_ip6[3] };

		__builtin_memcpy(k.daddr, d, 16);
		if (hook == HOOK_SENDMSG6) {
			__u32 s[4] = { ctx->msg_src_ip6[0], ctx->msg_src_ip6[1],
				       ctx->msg_src_ip6[2], ctx->msg_src_ip6[3] };

			__builtin_memcpy(k.saddr, s, 16);
		}
	}
	owner = remember_owner(ctx, &tmp);
	classify(family, k.daddr, &c);
	/* In audit mode the packet hook reports the new flow, attributed
	 * through the socket's owner recorded above: one event, not two. */
	if (c.verdict != VERDICT_BLOCK)
		return 1;
	/* The socket's own entry: two sockets refused the same destination
	 * are two rows, each with its process. */
	k.sock = bpf_get_socket_cookie(ctx);
	if (type == EVENT_SENDMSG) {
		/* One event per socket and destination, not one per datagram:
		 * a UDP storm must not flood the ring buffer. The counter
		 * below still counts every refused datagram. */
		__u64 dst = ((__u64 *)k.daddr)[0] ^ ((__u64 *)k.daddr)[1] ^ k.dport;

		if (owner->last_refused != dst) {
			owner->last_refused = dst;
			emit_event(&k, &c, type, hook, owner);
		}
	} else {
		emit_event(&k, &c, type, hook, owner);
	}
	/* A refused connect never makes a packet: account it as a flow
	 * with no bytes so that reports and totals show it. */
	id = flow_id(&k);
	account_flow(&k, id, flow_find(&k, id), &c, 0, 0, owner, owner->uid);
	count(counter);
	return 0;
}

#include "packet_sock.bpf.h"

SEC("cgroup/connect4")
int juris_connect4(struct bpf_sock_addr *ctx)
{
	return sock_hook(ctx, AF_INET, HOOK_CONNECT4, EVENT_CONNECT, CNT_CONNECT_BLOCKED);
}

SEC("cgroup/connect6")
int juris_connect6(struct bpf_sock_addr *ctx)
{
	return sock_hook(ctx, AF_INET6, HOOK_CONNECT6, EVENT_CONNECT, CNT_CONNECT_BLOCKED);
}

SEC("cgroup/sendmsg4")
int juris_sendmsg4(struct bpf_sock_addr *ctx)
{
	return sock_hook(ctx, AF_INET, HOOK_SENDMSG4, EVENT_SENDMSG, CNT_SENDMSG_BLOCKED);
}

SEC("cgroup/sendmsg6")
int juris_sendmsg6(struct bpf_sock_addr *ctx)
{
	return sock_hook(ctx, AF_INET6, HOOK_SENDMSG6, EVENT_SENDMSG, CNT_SENDMSG_BLOCKED);
}

/* A closed socket's last counts go to its flow's entry: nothing it sent is
 * missing from the reports. */
SEC("cgroup/sock_release")
int juris_sock_release(struct bpf_sock *ctx)
{
	struct sock_flow *sf = bpf_sk_storage_get(&sock_flows, ctx, 0, 0);

	if (sf)
		sock_flow_flush(sf);
	return 1;
}

#ifndef BPF_FIB_LOOKUP_SKIP_NEIGH
#define BPF_FIB_LOOKUP_SKIP_NEIGH (1U << 2)
#endif

static __always_inline int is_sensitive_source(const struct flow_key *k)
{
	if (k->family == AF_INET) {
		struct geo_key4 s = { .prefixlen = 32 };

		__builtin_memcpy(s.addr, k->saddr, 4);
		return bpf_map_lookup_elem(&sources_v4, &s) != NULL;
	}
	struct geo_key6 s6 = { .prefixlen = 128 };

	__builtin_memcpy(s6.addr, k->saddr, 16);
	return bpf_map_lookup_elem(&sources_v6, &s6) != NULL;
}

/* The kernel's own route lookup for this packet, as the forwarding path
 * will do it a moment later: true when it leaves through an uplink. The
 * neighbour is not needed, only the output device. */
static __always_inline int leaves_by_uplink(struct __sk_buff *skb, const struct flow_key *k,
					    __u16 sport, __u8 tos)
{
	struct bpf_fib_lookup p = {};
	long rc;

	p.family = k->family;
	p.l4_protocol = k->proto;
	p.sport = bpf_htons(sport);
	p.dport = k->dport;
	p.ifindex = skb->ingress_ifindex;
	if (k->family == AF_INET) {
		p.tos = tos;
		__builtin_memcpy(&p.ipv4_src, k->saddr, 4);
		__builtin_memcpy(&p.ipv4_dst, k->daddr, 4);
	} else {
		__builtin_memcpy(p.ipv6_src, k->saddr, 16);
		__builtin_memcpy(p.ipv6_dst, k->daddr, 16);
	}
	rc = bpf_fib_lookup(skb, &p, sizeof(p), BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH &&
	    rc != BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return 0; /* local delivery, unreachable, forwarding off */
	return bpf_map_lookup_elem(&uplinks, &p.ifindex) != NULL;
}

static __always_inline __u16 csum_fold(__s64 sum)
{
	__u32 s = (__u32)sum;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/* The TCP checksum of a 20-byte header without payload, over the
 * pseudo-header of its addresses (4 or 16 bytes each). */
static __always_inline __u16 tcp_csum(const void *saddr, const void *daddr, int alen,
				      struct tcphdr *th)
{
	__u32 ph6[10] = {};
	__s64 sum;

	if (alen == 4) {
		__u32 ph4[3];

		__builtin_memcpy(&ph4[0], saddr, 4);
		__builtin_memcpy(&ph4[1], daddr, 4);
		/* zero, protocol, TCP length: in network order. */
		ph4[2] = bpf_htonl(IPPROTO_TCP << 16 | sizeof(*th));
		sum = bpf_csum_diff(NULL, 0, ph4, sizeof(ph4), 0);
	} else {
		__builtin_memcpy(&ph6[0], saddr, 16);
		__builtin_memcpy(&ph6[4], daddr, 16);
		ph6[8] = bpf_htonl(sizeof(*th));
		ph6[9] = bpf_htonl(IPPROTO_TCP);
		sum = bpf_csum_diff(NULL, 0, ph6, sizeof(ph6), 0);
	}
	if (sum < 0)
		return 0;
	sum = bpf_csum_diff(NULL, 0, (__u32 *)th, sizeof(*th), (__u32)sum);
	return sum < 0 ? 0 : csum_fold(sum);
}

/* Fills the reset that answers the TCP segment in (RFC 9293 3.10.7.1:
 * take the sequence number from its ACK, else acknowledge it). */
static __always_inline void fill_rst(const struct tcphdr *in, __u32 seg_len, struct tcphdr *out)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->source = in->dest;
	out->dest = in->source;
	out->doff = 5;
	out->rst = 1;
	if (in->ack) {
		out->seq = in->ack_seq;
	} else {
		out->ack = 1;
		out->ack_seq = bpf_htonl(bpf_ntohl(in->seq) + seg_len + in->syn + in->fin);
	}
}

/* A reply built in place goes back out of the interface its packet came
 * in by: on Ethernet, to the address it came from. */
static __always_inline int swap_macs(struct __sk_buff *skb, struct ethhdr *eth)
{
	__u8 mac[ETH_ALEN];

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	return bpf_skb_store_bytes(skb, 0, eth, sizeof(*eth), 0);
}

/* Turns a denied TCP segment into the reset that answers it and sends it
 * back out of the interface it came in by: the client's connect fails at
 * once (ECONNREFUSED) instead of retrying SYNs for a minute or more.
 * Returns the tc verdict: a redirect, or a drop when the packet is not a
 * plain TCP segment on a link juris knows (IPv4 options, IPv6 extension
 * headers, GSO, a reset itself). */
static __always_inline int reply_rst(struct __sk_buff *skb, __u32 nh, const struct flow_key *k)
{
	struct ethhdr eth;
	struct tcphdr in, th;
	__u32 l4, len;

	if (k->proto != IPPROTO_TCP || (nh != 0 && nh != ETH_HLEN) || skb->gso_size)
		return TC_ACT_SHOT;
	if (nh && bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)))
		return TC_ACT_SHOT;
	if (k->family == AF_INET) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, nh, &ip, sizeof(ip)) || ip.ihl != 5 ||
		    (ip.frag_off & bpf_htons(IP_OFFSET_MASK)))
			return TC_ACT_SHOT;
		l4 = nh + sizeof(ip);
		if (bpf_skb_load_bytes(skb, l4, &in, sizeof(in)) || in.rst)
			return TC_ACT_SHOT;
		len = bpf_ntohs(ip.tot_len);
		if (len < sizeof(ip) + in.doff * 4)
			return TC_ACT_SHOT;
		fill_rst(&in, len - sizeof(ip) - in.doff * 4, &th);
		__builtin_memset(&ip, 0, sizeof(ip));
		ip.version = 4;
		ip.ihl = 5;
		ip.tot_len = bpf_htons(sizeof(ip) + sizeof(th));
		ip.frag_off = bpf_htons(0x4000); /* DF */
		ip.ttl = 64;
		ip.protocol = IPPROTO_TCP;
		__builtin_memcpy(&ip.saddr, k->daddr, 4);
		__builtin_memcpy(&ip.daddr, k->saddr, 4);
		ip.check = csum_fold(bpf_csum_diff(NULL, 0, (__u32 *)&ip, sizeof(ip), 0));
		th.check = tcp_csum(&ip.saddr, &ip.daddr, 4, &th);
		if (bpf_skb_change_tail(skb, l4 + sizeof(th), 0) ||
		    bpf_skb_store_bytes(skb, nh, &ip, sizeof(ip), 0))
			return TC_ACT_SHOT;
	} else {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, nh, &ip6, sizeof(ip6)) || ip6.nexthdr != IPPROTO_TCP)
			return TC_ACT_SHOT;
		l4 = nh + sizeof(ip6);
		if (bpf_skb_load_bytes(skb, l4, &in, sizeof(in)) || in.rst)
			return TC_ACT_SHOT;
		len = bpf_ntohs(ip6.payload_len);
		if (len < in.doff * 4)
			return TC_ACT_SHOT;
		fill_rst(&in, len - in.doff * 4, &th);
		__builtin_memset(&ip6, 0, sizeof(ip6));
		ip6.version = 6;
		ip6.payload_len = bpf_htons(sizeof(th));
		ip6.nexthdr = IPPROTO_TCP;
		ip6.hop_limit = 64;
		__builtin_memcpy(&ip6.saddr, k->daddr, 16);
		__builtin_memcpy(&ip6.daddr, k->saddr, 16);
		th.check = tcp_csum(&ip6.saddr, &ip6.daddr, 16, &th);
		if (bpf_skb_change_tail(skb, l4 + sizeof(th), 0) ||
		    bpf_skb_store_bytes(skb, nh, &ip6, sizeof(ip6), 0))
			return TC_ACT_SHOT;
	}
	if (bpf_skb_store_bytes(skb, l4, &th, sizeof(th), 0))
		return TC_ACT_SHOT;
	if (nh && swap_macs(skb, &eth))
		return TC_ACT_SHOT;
	count(CNT_GW_RESETS_SENT);
	return bpf_redirect(skb->ingress_ifindex, 0);
}

#include "gw_icmp.bpf.h"
#include "packet_tc.bpf.h"

/* Gateway mode, on the ingress of each inside interface: here, before
 * netfilter, the original source is still visible even when the uplink
 * masquerades. Returns TC_ACT_UNSPEC for what juris lets pass, so that
 * the next filter of another tc user still runs. */
SEC("tc")
int juris_tc_ingress(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ingress_ifindex;
	const struct inside_iface *in = bpf_map_lookup_elem(&inside, &ifindex);
	struct flow_key k = {};
	struct classification c;
	struct flow_val *v;
	__u32 nh, len;
	__u16 sport = 0;
	__u8 tos = 0;
	__u64 id;
	int err;

	if (!in)
		return TC_ACT_UNSPEC;
	nh = in->l3_off > 64 ? 64 : in->l3_off;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		err = parse_ipv4(skb, nh, &k, &sport);
		if (!err)
			bpf_skb_load_bytes(skb, nh + 1, &tos, 1);
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		err = parse_ipv6(skb, nh, &k, &sport);
	} else {
		return TC_ACT_UNSPEC; /* ARP and friends: not ours to count */
	}
	if (err || !is_sensitive_source(&k) || !leaves_by_uplink(skb, &k, sport, tos))
		return TC_ACT_UNSPEC;
	id = flow_id(&k);
	v = classify_flow(&k, id, &c);
	/* Bytes as the host hooks count them: from the network header. */
	len = skb->len > nh ? skb->len - nh : 0;
	if (account_flow(&k, id, v, &c, 1, len, NULL, 0) && c.verdict != VERDICT_ALLOW)
		emit_event(&k, &c, EVENT_NEW_FLOW, HOOK_TC_INGRESS, NULL);
	if (c.verdict == VERDICT_BLOCK) {
		count(CNT_GW_PACKETS_BLOCKED);
		return k.proto == IPPROTO_TCP ? reply_rst(skb, nh, &k) : reply_icmp(skb, nh, &k);
	}
	return TC_ACT_UNSPEC;
}
