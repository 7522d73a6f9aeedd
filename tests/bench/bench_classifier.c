/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* make bench: juris's classifier per packet, load time and map memory, against an empty program. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "juris.skel.h"
#include "empty.skel.h"
#include "policy/database.h"
#include "kernel/loader.h"
#include "base/synth_packet.h"

#define N_DSTS 4096	/* distinct destinations per first-packet case */
#define EST_DSTS 2	/* destinations of the established-flow runs */
#define LIVE_FLOWS 2048 /* established flows cycled through, below the flow table's 4096 */
#define BLOCK 4096	/* first-packet runs per side before switching */
#define DRAIN_EVERY 64	/* runs between two ring-buffer drains (16 KiB buffer) */
#define PKT_MAX SYNTH_PACKET_MAX

struct bench_opts {
	const char *db;
	const char *export_dir;
	long flows;	  /* first-packet runs per case */
	long scale_flows; /* first-packet runs per case of the scaling table */
	long repeat;	  /* BPF_PROG_TEST_RUN repeat of the established runs */
	int rounds;	  /* established runs per destination, median kept */
	long big_flows;	  /* entries of the big flow table, all filled */
};

/* One side of a comparison: a program and, for juris, its ring buffer. */
struct side {
	int prog_fd;
	struct ring_buffer *rb; /* NULL for the empty program */
	struct juris_bpf *skel; /* NULL for the empty program */
};

struct bench_ctx {
	const struct bench_opts *o;
	struct side empty;
	uint64_t rng;
	uint64_t next_flow; /* makes every first-packet run a new flow */
	double full_load_s; /* juris_load_private() of the whole database */
};

struct dst_set {
	int family;
	size_t n;
	unsigned char a[N_DSTS][16];
};

struct pair {
	double empty, juris; /* mean ns per packet */
	long long new_flows; /* flows created during a "next packets" run; -1: not counted */
};

static long long flows_created(struct juris_bpf *s);

static uint64_t rnd(struct bench_ctx *c)
{
	/* xorshift64*: reproducible destinations from run to run. */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545f4914f6cdd1dull;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Source of flow i: the flow key has no source port, so a new flow takes a
 * new (source address, destination port): 192.0.2.x or 2001:db8::x. */
static void flow_source(int family, uint64_t i, unsigned char *src, __u16 *dport)
{
	memset(src, 0, 16);
	*dport = (__u16)(1024 + i % 60000);
	i /= 60000;
	if (family == AF_INET) {
		src[0] = 192, src[2] = 2, src[3] = (unsigned char)(1 + i % 250);
	} else {
		src[0] = 0x20, src[1] = 0x01, src[2] = 0x0d, src[3] = 0xb8;
		src[12] = (unsigned char)(i >> 24), src[13] = (unsigned char)(i >> 16);
		src[14] = (unsigned char)(i >> 8), src[15] = (unsigned char)(i | 1);
	}
}

static int test_run(int prog_fd, const unsigned char *pkt, size_t len, int repeat, __u32 *duration,
		    __u32 *cb0)
{
	struct __sk_buff ctx = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .ctx_out = &ctx, .ctx_size_out = sizeof(ctx),
		    .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*duration = opts.duration;
	if (cb0)
		*cb0 = ctx.cb[0];
	return 0;
}

/* Zone the kernel classifier gives dst (one run, from a source that the
 * measured runs never use). */
static int zone_of(int prog_fd, int family, const unsigned char *dst, int *zone)
{
	unsigned char pkt[PKT_MAX], src[16] = { 198, 51, 100, 1 };
	__u32 d, cb;
	int ret;

	if (family == AF_INET6)
		inet_pton(AF_INET6, "2001:db8:ffff::1", src);
	ret = test_run(prog_fd, pkt, synth_udp_packet(pkt, family, src, dst, 443), 1, &d, &cb);
	*zone = cb & 0xff;
	return ret;
}

static int drain_noop(void *ctx, void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	return 0;
}

/* A random address inside prefix p. */
static void addr_in(struct bench_ctx *c, const struct net_prefix *p, int bits, unsigned char *a)
{
	memcpy(a, p->addr, 16);
	for (int i = p->len; i < bits; i++)
		if (rnd(c) & 1)
			a[i / 8] |= (unsigned char)(0x80 >> (i % 8));
}

/* Destinations found in the database: random addresses of random public
 * (non-local) prefixes of l. */
static void dsts_in(struct bench_ctx *c, const struct prefix_list *l, int family, struct dst_set *d)
{
	int bits = family == AF_INET ? 32 : 128;

	d->family = family;
	d->n = 0;
	while (d->n < N_DSTS) {
		const struct net_prefix *p = &l->v[rnd(c) % l->n];

		if (p->zone == ZONE_LOCAL)
			continue;
		addr_in(c, p, bits, d->a[d->n++]);
	}
}

/* Destinations the database does not know: random public-looking addresses
 * (IPv6 in 2000::/3), kept when the kernel classifier says unknown. */
static int dsts_out(struct bench_ctx *c, int prog_fd, int family, struct dst_set *d)
{
	d->family = family;
	d->n = 0;
	for (long tries = 0; d->n < N_DSTS; tries++) {
		unsigned char *a = d->a[d->n];
		int zone, ret;

		if (tries > 50L * 1000 * 1000)
			return -ENOENT;
		for (int i = 0; i < 16; i += 8) {
			uint64_t r = rnd(c);

			memcpy(a + i, &r, 8);
		}
		if (family == AF_INET6)
			a[0] = 0x20 | (a[0] & 0x1f);
		ret = zone_of(prog_fd, family, a, &zone);
		if (ret)
			return ret;
		if (zone == ZONE_UNKNOWN)
			d->n++;
	}
	return 0;
}

/* Sum of the kernel's durations of n runs (repeat 1), each a new flow. */
static int run_first(struct bench_ctx *c, const struct side *s, const struct dst_set *d, long n,
		     uint64_t *sum)
{
	unsigned char pkt[PKT_MAX], src[16];
	__u16 dport;
	__u32 dur;
	int ret;

	for (long i = 0; i < n; i++) {
		uint64_t f = c->next_flow++;

		flow_source(d->family, f, src, &dport);
		ret = test_run(s->prog_fd, pkt,
			       synth_udp_packet(pkt, d->family, src, d->a[f % d->n], dport), 1,
			       &dur, NULL);
		if (ret)
			return ret;
		*sum += dur;
		/* A real daemon reads every event: so does the bench, outside
		 * the timed run, so that bpf_ringbuf_reserve() succeeds. */
		if (s->rb && i % DRAIN_EVERY == DRAIN_EVERY - 1)
			ring_buffer__consume(s->rb);
	}
	return 0;
}

/* First packet of a flow: repeat 1 over n distinct flows, empty and juris
 * interleaved block by block so that drift hits both alike. */
static int first_packet(struct bench_ctx *c, const struct side *j, const struct dst_set *d, long n,
			struct pair *r)
{
	uint64_t se = 0, sj = 0;
	int ret = 0;

	for (long done = 0; done < n && !ret; done += BLOCK) {
		long k = n - done < BLOCK ? n - done : BLOCK;

		ret = run_first(c, &c->empty, d, k, &se);
		if (!ret)
			ret = run_first(c, j, d, k, &sj);
	}
	r->empty = (double)se / (double)n;
	r->juris = (double)sj / (double)n;
	r->new_flows = -1;
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Following packets: one flow, its first packet sent once, then the same
 * packet repeat times in the kernel; mean over EST_DSTS destinations of the
 * median of rounds runs. */
static int established(struct bench_ctx *c, const struct side *j, const struct dst_set *d,
		       struct pair *r)
{
	const struct bench_opts *o = c->o;
	unsigned char pkt[PKT_MAX], src[16];
	double me[16], mj[16];
	__u16 dport;
	__u32 dur;
	size_t len;
	int ret;

	r->empty = r->juris = 0;
	r->new_flows = 0;
	for (int k = 0; k < EST_DSTS; k++) {
		long long f0;

		flow_source(d->family, c->next_flow++, src, &dport);
		len = synth_udp_packet(pkt, d->family, src, d->a[(size_t)k * 997 % d->n], dport);
		ret = test_run(j->prog_fd, pkt, len, 1, &dur, NULL);
		f0 = flows_created(j->skel);
		for (int i = 0; i < o->rounds && !ret; i++) {
			ret = test_run(c->empty.prog_fd, pkt, len, o->repeat, &dur, NULL);
			me[i] = dur;
			if (!ret)
				ret = test_run(j->prog_fd, pkt, len, o->repeat, &dur, NULL);
			mj[i] = dur;
		}
		if (ret)
			return ret;
		r->new_flows += flows_created(j->skel) - f0;
		ring_buffer__consume(j->rb);
		qsort(me, o->rounds, sizeof(me[0]), cmp_double);
		qsort(mj, o->rounds, sizeof(mj[0]), cmp_double);
		r->empty += me[o->rounds / 2] / EST_DSTS;
		r->juris += mj[o->rounds / 2] / EST_DSTS;
	}
	return 0;
}

/* Following packets of many live flows: LIVE_FLOWS flows created once,
 * then packets of them in turn, repeat 1 each, n runs in all; the caches
 * hold what a busy host's would, not one hot path. */
static int established_many(struct bench_ctx *c, const struct side *j, const struct dst_set *d,
			    long n, struct pair *r)
{
	unsigned char(*pkts)[PKT_MAX] = malloc(sizeof(*pkts) * LIVE_FLOWS);
	size_t len[LIVE_FLOWS];
	uint64_t se = 0, sj = 0;
	unsigned char src[16];
	long long f0;
	__u16 dport;
	__u32 dur;
	int ret = 0;

	if (!pkts)
		return -ENOMEM;
	for (int i = 0; i < LIVE_FLOWS && !ret; i++) {
		flow_source(d->family, c->next_flow++, src, &dport);
		len[i] = synth_udp_packet(pkts[i], d->family, src, d->a[i % d->n], dport);
		ret = test_run(j->prog_fd, pkts[i], len[i], 1, &dur, NULL);
		if (i % DRAIN_EVERY == 0)
			ring_buffer__consume(j->rb);
	}
	/* Two passes before measuring: a flow the LRU evicted while the
	 * others were made is made again, and every flow is referenced. */
	for (int i = 0; i < 2 * LIVE_FLOWS && !ret; i++) {
		ret = test_run(j->prog_fd, pkts[i % LIVE_FLOWS], len[i % LIVE_FLOWS], 1, &dur,
			       NULL);
		if (i % DRAIN_EVERY == 0)
			ring_buffer__consume(j->rb);
	}
	f0 = flows_created(j->skel);
	for (long done = 0; done < n && !ret; done += BLOCK) {
		for (long i = done; i < done + BLOCK && i < n && !ret; i++) {
			ret = test_run(c->empty.prog_fd, pkts[i % LIVE_FLOWS], len[i % LIVE_FLOWS],
				       1, &dur, NULL);
			se += dur;
		}
		for (long i = done; i < done + BLOCK && i < n && !ret; i++) {
			ret = test_run(j->prog_fd, pkts[i % LIVE_FLOWS], len[i % LIVE_FLOWS], 1,
				       &dur, NULL);
			sj += dur;
		}
	}
	r->new_flows = flows_created(j->skel) - f0;
	ring_buffer__consume(j->rb);
	free(pkts);
	r->empty = (double)se / (double)n;
	r->juris = (double)sj / (double)n;
	return ret;
}

/* "@pp ID EMPTY JURIS NEW_FLOWS": one per-packet figure pair, for bench.sh's table. */
static void print_pair(const char *id, const struct pair *p)
{
	printf("@pp %s %.1f %.1f %lld\n", id, p->empty, p->juris, p->new_flows);
	fflush(stdout);
}

/* New flow-table entries the instance has made so far (the per-CPU
 * totals' flows, every zone and verdict): a measured run of "next packets"
 * that makes some has seen evicted flows come back as first packets. */
static long long flows_created(struct juris_bpf *s)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(s->maps.totals);
	struct juris_totals *t;
	long long n = 0;

	if (ncpu < 1)
		return -1;
	t = calloc((size_t)ncpu, sizeof(*t));
	if (!t)
		return -1;
	for (__u32 i = 0; i < TOTALS_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, t)) {
			n = -1;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			n += (long long)t[c].flows;
	}
	free(t);
	return n;
}

/* The policy of a default juris run: audit mode, EU allowed, unknown allowed. */
static int set_policy(struct juris_bpf *s)
{
	struct juris_config cfg = { .mode = MODE_AUDIT, .allow_zone = ZONE_EU };
	__u32 zero = 0;

	return bpf_map_update_elem(bpf_map__fd(s->maps.config), &zero, &cfg, BPF_ANY) ? -errno : 0;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* The map's memlock, as bpftool map show prints it (both read fdinfo). */
static long long map_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "memlock:", 8))
			v = strtoll(line + 8, NULL, 10);
	fclose(f);
	return v;
}

/* memlock of the table that slot 0 of an outer (array of maps) holds. */
static long long slot_memlock(int outer)
{
	__u32 slot = 0, id;
	long long v;
	int fd;

	if (bpf_map_lookup_elem(outer, &slot, &id))
		return -1;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -1;
	v = map_memlock(fd);
	close(fd);
	return v;
}

/* memlock of slot 0's IPv4 table: its three DIR-24-8 arrays. */
static long long geo4_memlock(struct juris_bpf *s)
{
	return slot_memlock(bpf_map__fd(s->maps.geo4_tbl24)) +
	       slot_memlock(bpf_map__fd(s->maps.geo4_tbl8)) +
	       slot_memlock(bpf_map__fd(s->maps.geo4_class));
}

/* Slab settles after RCU frees: let it, then read. */
static long slab_kb(void)
{
	usleep(300 * 1000);
	return meminfo_kb("Slab");
}

static struct side juris_side(struct juris_bpf *s, struct ring_buffer *rb)
{
	return (struct side){ .prog_fd = bpf_program__fd(s->progs.juris_egress),
			      .rb = rb,
			      .skel = s };
}

static int load_juris(const struct juris_policy *jo, const struct prefix_list *v4,
		      const struct prefix_list *v6, struct juris_bpf **s, struct ring_buffer **rb)
{
	char err[512];
	int ret = juris_load_private(jo, v4, v6, NULL, NULL, s, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "bench: %s\n", err);
		return ret;
	}
	ret = set_policy(*s);
	if (!ret) {
		*rb = ring_buffer__new(bpf_map__fd((*s)->maps.events), drain_noop, NULL, NULL);
		if (!*rb)
			ret = -errno;
	}
	if (ret) {
		fprintf(stderr, "bench: cannot prepare the juris instance: %s\n", strerror(-ret));
		juris_bpf__destroy(*s);
	}
	return ret;
}

/* Every stride-th prefix of l, n of them: a smaller database spread over
 * the same address space. */
static int subset(const struct prefix_list *l, size_t n, struct prefix_list *out)
{
	memset(out, 0, sizeof(*out));
	if (n >= l->n)
		n = l->n;
	for (size_t i = 0; i < n; i++) {
		int ret = prefix_list_push(out, &l->v[i * l->n / n]);

		if (ret)
			return ret;
	}
	return 0;
}

static bool denied(const struct net_prefix *p)
{
	return p->zone > ZONE_EU;
}

/* The prefixes a default policy (--allow eu) denies, as an nftables
 * interval set and as ipset hash:net sets, for bench.sh to load. */
static int export_sets(const char *dir, const struct prefix_list *v4, const struct prefix_list *v6,
		       size_t *n4, size_t *n6)
{
	const struct prefix_list *lists[2] = { v4, v6 };
	char path[4096], text[INET6_ADDRSTRLEN];
	FILE *nft, *ips;
	size_t count[2] = { 0, 0 };

	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < lists[f]->n; i++)
			count[f] += denied(&lists[f]->v[i]);
	snprintf(path, sizeof(path), "%s/deny.nft", dir);
	nft = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/deny.ipset", dir);
	ips = fopen(path, "w");
	if (!nft || !ips) {
		if (nft)
			fclose(nft);
		if (ips)
			fclose(ips);
		return -errno;
	}
	/* Sets only: bench.sh adds and removes the chain that uses them. */
	fprintf(nft, "table inet juris_bench {\n"
		     "\tset deny4 { type ipv4_addr; flags interval; }\n"
		     "\tset deny6 { type ipv6_addr; flags interval; }\n"
		     "}\n");
	for (int f = 0; f < 2; f++) {
		const char *set = f ? "deny6" : "deny4";
		size_t k = 0;

		fprintf(ips, "create %s hash:net family %s hashsize 65536 maxelem %zu\n", set,
			f ? "inet6" : "inet", count[f] + 1);
		for (size_t i = 0; i < lists[f]->n; i++) {
			const struct net_prefix *p = &lists[f]->v[i];

			if (!denied(p))
				continue;
			inet_ntop(f ? AF_INET6 : AF_INET, p->addr, text, sizeof(text));
			fprintf(ips, "add %s %s/%u\n", set, text, p->len);
			if (k % 4096 == 0)
				fprintf(nft, "%sadd element inet juris_bench %s { ",
					k ? " }\n" : "", set);
			fprintf(nft, "%s%s/%u", k % 4096 ? ", " : "", text, p->len);
			k++;
		}
		if (k)
			fprintf(nft, " }\n");
	}
	*n4 = count[0];
	*n6 = count[1];
	if (fclose(nft) | fclose(ips))
		return -EIO;
	return 0;
}

/* One row of the scaling table: first and following packets, IPv4 and
 * IPv6, destinations in the (reduced) database. */
static int scale_row(struct bench_ctx *c, const struct juris_policy *jo, const struct loaded_db *db,
		     size_t size, struct juris_bpf *full, struct ring_buffer *full_rb)
{
	struct prefix_list s4 = { 0 }, s6 = { 0 };
	struct juris_bpf *s = full;
	struct ring_buffer *rb = full_rb;
	struct dst_set *d = malloc(sizeof(*d));
	struct pair f4, e4, f6, e6;
	struct side j;
	double t = 0;
	long long mem;
	int ret;

	if (!d)
		return -ENOMEM;
	ret = subset(&db->v4, size ? size : db->v4.n, &s4);
	if (!ret)
		ret = subset(&db->v6, size ? size : db->v6.n, &s6);
	if (!ret && size) {
		t = now_s();
		ret = load_juris(jo, &s4, &s6, &s, &rb);
		t = now_s() - t;
	}
	if (ret)
		goto out;
	j = juris_side(s, rb);
	dsts_in(c, &s4, AF_INET, d);
	ret = first_packet(c, &j, d, c->o->scale_flows, &f4);
	if (!ret)
		ret = established(c, &j, d, &e4);
	if (!ret) {
		dsts_in(c, &s6, AF_INET6, d);
		ret = first_packet(c, &j, d, c->o->scale_flows, &f6);
	}
	if (!ret)
		ret = established(c, &j, d, &e6);
	mem = geo4_memlock(s) + slot_memlock(bpf_map__fd(s->maps.geo_v6));
	if (!ret) {
		printf("@scale %zu %zu %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.3f %lld\n", s4.n,
		       s6.n, f4.empty, f4.juris, e4.empty, e4.juris, f6.empty, f6.juris, e6.empty,
		       e6.juris, size ? t : c->full_load_s, mem);
		fflush(stdout);
	}
out:
	if (s != full) {
		ring_buffer__free(rb);
		juris_bpf__destroy(s);
	}
	prefix_list_free(&s4);
	prefix_list_free(&s6);
	free(d);
	return ret;
}

static int per_packet(struct bench_ctx *c, const struct side *j, const struct loaded_db *db)
{
	static const char *const fam[2] = { "v4", "v6" };
	static const char *const kind[3] = { "first", "hot", "many" };
	struct dst_set *in = malloc(sizeof(*in)), *out = malloc(sizeof(*out));
	struct pair r;
	char id[32];
	int ret = 0;

	if (!in || !out) {
		free(in);
		free(out);
		return -ENOMEM;
	}
	fprintf(stderr, "bench: per packet, full database\n");
	for (int f = 0; f < 2 && !ret; f++) {
		int family = f ? AF_INET6 : AF_INET;

		dsts_in(c, f ? &db->v6 : &db->v4, family, in);
		ret = dsts_out(c, j->prog_fd, family, out);
		if (ret) {
			fprintf(stderr, "bench: no %s address outside the database found\n",
				fam[f]);
			break;
		}
		for (int k = 0; k < 6 && !ret; k++) {
			const struct dst_set *d = k < 3 ? in : out;

			snprintf(id, sizeof(id), "%s_%s_%s", fam[f], k < 3 ? "in" : "out",
				 kind[k % 3]);
			if (k % 3 == 0)
				ret = first_packet(c, j, d, c->o->flows, &r);
			else if (k % 3 == 1)
				ret = established(c, j, d, &r);
			else
				ret = established_many(c, j, d, c->o->flows, &r);
			if (!ret)
				print_pair(id, &r);
		}
	}
	free(in);
	free(out);
	return ret;
}

/* A second instance of the egress program alone (the other programs are
 * not needed here, and the LSM ones fail to load where the BPF LSM is
 * off) that shares the full instance's prefix and exception maps instead
 * of filling its own; NULL with errno set. The caller loads it. */
static struct juris_bpf *open_sharing(const struct juris_bpf *full)
{
	struct juris_bpf *s = juris_bpf__open();
	struct bpf_program *p;
	int ret = 0;

	if (!s)
		return NULL;
	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, p == s->progs.juris_egress);
	if (!ret)
		ret = bpf_map__reuse_fd(s->maps.geo4_tbl24, bpf_map__fd(full->maps.geo4_tbl24));
	if (!ret)
		ret = bpf_map__reuse_fd(s->maps.geo4_tbl8, bpf_map__fd(full->maps.geo4_tbl8));
	if (!ret)
		ret = bpf_map__reuse_fd(s->maps.geo4_class, bpf_map__fd(full->maps.geo4_class));
	if (!ret)
		ret = bpf_map__reuse_fd(s->maps.geo_v6, bpf_map__fd(full->maps.geo_v6));
	if (!ret)
		ret = bpf_map__reuse_fd(s->maps.except_v4, bpf_map__fd(full->maps.except_v4));
	if (!ret)
		ret = bpf_map__reuse_fd(s->maps.except_v6, bpf_map__fd(full->maps.except_v6));
	if (ret) {
		juris_bpf__destroy(s);
		errno = -ret;
		return NULL;
	}
	return s;
}

/* An instance like the full one but whose flow table has n entries, as
 * juris run --flow-table n makes it; it shares the full instance's prefix
 * and exception maps instead of filling its own. */
static int load_big(const struct juris_bpf *full, __u32 n, struct juris_bpf **out,
		    struct ring_buffer **rb)
{
	struct juris_bpf *s = open_sharing(full);
	int ret;

	if (!s)
		return -errno;
	ret = bpf_map__set_max_entries(s->maps.flows, n);
	if (!ret)
		ret = juris_bpf__load(s);
	if (!ret)
		ret = set_policy(s);
	if (!ret) {
		*rb = ring_buffer__new(bpf_map__fd(s->maps.events), drain_noop, NULL, NULL);
		if (!*rb)
			ret = -errno;
	}
	if (ret) {
		juris_bpf__destroy(s);
		return ret;
	}
	*out = s;
	return 0;
}

/* The per-packet cost of the exact counters by country and operator:
 * an instance with them off (exact_off: the totals alone) in place of the
 * empty program, beside the full one, on the same hot flows; and the
 * kernel memory of their maps. "@pp exact_* TOTALS_ALONE WITH_EXACT". */
static int exact_cost(struct bench_ctx *c, struct juris_bpf *full, struct ring_buffer *rb,
		      const struct loaded_db *db)
{
	struct juris_bpf *s = open_sharing(full);
	int ret = s ? 0 : -errno; /* before the calls below can change errno */
	struct bench_ctx alone = *c;
	struct dst_set *d = malloc(sizeof(*d));
	struct side j = juris_side(full, rb);
	int ncpu = libbpf_num_possible_cpus();
	struct pair r;

	if (!s || !d) {
		free(d);
		juris_bpf__destroy(s);
		return s ? -ENOMEM : ret;
	}
	s->rodata->exact_off = 1;
	ret = juris_bpf__load(s);
	if (!ret)
		ret = set_policy(s);
	if (ret)
		goto out;
	alone.empty.prog_fd = bpf_program__fd(s->progs.juris_egress);
	for (int f = 0; f < 2 && !ret; f++) {
		dsts_in(c, f ? &db->v6 : &db->v4, f ? AF_INET6 : AF_INET, d);
		ret = established(&alone, &j, d, &r);
		if (!ret)
			print_pair(f ? "exact_v6_hot" : "exact_v4_hot", &r);
	}
	if (!ret)
		ret = established_many(&alone, &j, d, c->o->flows, &r);
	if (!ret)
		print_pair("exact_many", &r);
	printf("@exact_cpus %d\n@exact_percpu_bytes %zu\n@exact_shared_bytes %zu\n"
	       "@exact_memlock %lld\n",
	       ncpu, (size_t)EXACT_ENTRIES * sizeof(struct juris_totals),
	       (size_t)EXACT_ENTRIES * sizeof(struct juris_totals) +
		       (size_t)OPER_IDS * sizeof(struct oper_ident),
	       map_memlock(bpf_map__fd(full->maps.exact)) +
		       map_memlock(bpf_map__fd(full->maps.exact_nested)) +
		       map_memlock(bpf_map__fd(full->maps.oper_ids)));
out:
	free(d);
	juris_bpf__destroy(s);
	return ret;
}

static long map_entries(int fd)
{
	__u64 id, next; /* flow ids */
	long n = 0;

	for (void *prev = NULL; bpf_map_get_next_key(fd, prev, &next) == 0; prev = &id) {
		id = next;
		n++;
	}
	return n;
}

/* Packet of flow i of the big table: flow_source(i) toward an IPv4
 * destination in the database. */
static size_t big_packet(const struct dst_set *d, uint64_t i, unsigned char *pkt)
{
	unsigned char src[16];
	__u16 dport;

	flow_source(AF_INET, i, src, &dport);
	return synth_udp_packet(pkt, AF_INET, src, d->a[i % d->n], dport);
}

/* Established flows with a full flow table of c->o->big_flows entries:
 * the program itself fills the table, one first packet per flow (repeat
 * 1 each); then a hot flow (repeat c->o->repeat) and c->o->flows packets
 * of flows spread over the whole table, in a scattered order. */
static int big_table(struct bench_ctx *c, const struct juris_bpf *full, const struct loaded_db *db)
{
	const struct bench_opts *o = c->o;
	struct dst_set *d = malloc(sizeof(*d));
	struct juris_bpf *s = NULL;
	struct ring_buffer *rb = NULL;
	unsigned char pkt[PKT_MAX];
	uint64_t nf = (uint64_t)o->big_flows, se = 0, sj = 0;
	struct pair r;
	struct side j;
	__u32 dur;
	size_t len;
	double t;
	int ret;

	if (!d)
		return -ENOMEM;
	fprintf(stderr, "bench: flow table of %ld entries\n", o->big_flows);
	ret = load_big(full, (__u32)o->big_flows, &s, &rb);
	if (ret) {
		fprintf(stderr, "bench: cannot load a %ld-entry flow table: %s\n", o->big_flows,
			strerror(-ret));
		free(d);
		return ret;
	}
	j = juris_side(s, rb);
	dsts_in(c, &db->v4, AF_INET, d);
	t = now_s();
	for (uint64_t i = 0; i < nf && !ret; i++) {
		len = big_packet(d, i, pkt);
		ret = test_run(j.prog_fd, pkt, len, 1, &dur, NULL);
		if (i % DRAIN_EVERY == DRAIN_EVERY - 1)
			ring_buffer__consume(rb);
	}
	t = now_s() - t;
	ring_buffer__consume(rb);
	if (ret)
		goto out;
	printf("@big_flows %ld\n@big_fill_s %.3f\n@big_entries %ld\n@big_memlock %lld\n",
	       o->big_flows, t, map_entries(bpf_map__fd(s->maps.flows)),
	       map_memlock(bpf_map__fd(s->maps.flows)));
	/* Hot: the last flow filled, repeat o->repeat; median of rounds. */
	len = big_packet(d, nf - 1, pkt);
	{
		double me[16], mj[16];

		for (int i = 0; i < o->rounds && !ret; i++) {
			ret = test_run(c->empty.prog_fd, pkt, len, (int)o->repeat, &dur, NULL);
			me[i] = dur;
			if (!ret)
				ret = test_run(j.prog_fd, pkt, len, (int)o->repeat, &dur, NULL);
			mj[i] = dur;
		}
		if (ret)
			goto out;
		qsort(me, o->rounds, sizeof(me[0]), cmp_double);
		qsort(mj, o->rounds, sizeof(mj[0]), cmp_double);
		r.empty = me[o->rounds / 2];
		r.juris = mj[o->rounds / 2];
		r.new_flows = -1;
		print_pair("big_hot", &r);
	}
	/* Many: flow (i * a large odd stride) mod nf, a scattered walk over
	 * the table; empty and juris block by block on the same packets. */
	r.new_flows = flows_created(s);
	for (long done = 0; done < o->flows && !ret; done += BLOCK) {
		for (int side = 0; side < 2 && !ret; side++)
			for (long i = done; i < done + BLOCK && i < o->flows && !ret; i++) {
				len = big_packet(d, (uint64_t)i * 2654435761u % nf, pkt);
				ret = test_run(side ? j.prog_fd : c->empty.prog_fd, pkt, len, 1,
					       &dur, NULL);
				*(side ? &sj : &se) += dur;
			}
	}
	ring_buffer__consume(rb);
	if (!ret) {
		r.empty = (double)se / (double)o->flows;
		r.juris = (double)sj / (double)o->flows;
		r.new_flows = flows_created(s) - r.new_flows;
		print_pair("big_many", &r);
	}
out:
	ring_buffer__free(rb);
	juris_bpf__destroy(s);
	free(d);
	return ret;
}

/* Compile and load, timed; the maps' memory; machine-readable lines
 * "@key value" for bench.sh. */
static int load_and_memory(struct bench_ctx *c, const struct juris_policy *jo, struct loaded_db *db,
			   struct juris_bpf **s, struct ring_buffer **rb)
{
	struct prefix_list none4 = { 0 }, none6 = { 0 };
	struct juris_bpf *bare;
	struct ring_buffer *bare_rb;
	long slab[4];
	const struct bench_opts *o = c->o;
	double t[3];
	char err[512];
	size_t n4 = 0, n6 = 0;
	int ret;

	t[0] = now_s();
	ret = database_load(jo, db, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "bench: %s\n", err);
		return ret;
	}
	t[0] = now_s() - t[0];
	if (o->export_dir) {
		ret = export_sets(o->export_dir, &db->v4, &db->v6, &n4, &n6);
		if (ret) {
			fprintf(stderr, "bench: cannot write the sets in %s: %s\n", o->export_dir,
				strerror(-ret));
			return ret;
		}
	}
	/* The programs and the other maps alone, so that what the full
	 * load adds is the geo maps and their fill. */
	slab[0] = slab_kb();
	t[1] = now_s();
	ret = load_juris(jo, &none4, &none6, &bare, &bare_rb);
	t[1] = now_s() - t[1];
	if (ret)
		return ret;
	slab[1] = slab_kb();
	ring_buffer__free(bare_rb);
	juris_bpf__destroy(bare);
	slab[2] = slab_kb();
	t[2] = now_s();
	ret = load_juris(jo, &db->v4, &db->v6, s, rb);
	t[2] = now_s() - t[2];
	if (ret)
		return ret;
	slab[3] = slab_kb();
	c->full_load_s = t[2];
	printf("@prefixes_v4 %zu\n@prefixes_v6 %zu\n@deny_v4 %zu\n@deny_v6 %zu\n", db->v4.n,
	       db->v6.n, n4, n6);
	printf("@read_v4 %llu\n@read_v6 %llu\n", (unsigned long long)db->stats.read_v4,
	       (unsigned long long)db->stats.read_v6);
	printf("@compile_s %.3f\n@prog_load_s %.3f\n@full_load_s %.3f\n@fill_s %.3f\n", t[0], t[1],
	       t[2], t[2] - t[1]);
	printf("@memlock_v4 %lld\n@memlock_v6 %lld\n", geo4_memlock(*s),
	       slot_memlock(bpf_map__fd((*s)->maps.geo_v6)));
	printf("@slab_kb %ld\n", (slab[3] - slab[2]) - (slab[1] - slab[0]));
	fflush(stdout);
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static long parse_count(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == 0 || *end || v < 1) {
		fprintf(stderr, "bench: invalid %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "export", required_argument, NULL, 'e' },
		{ "flows", required_argument, NULL, 'f' },
		{ "scale-flows", required_argument, NULL, 's' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "big-flows", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	static const size_t sizes[] = { 1000, 10000, 100000, 0 };
	struct bench_opts o = { .flows = 1000000,
				.scale_flows = 200000,
				.repeat = 1000000,
				.rounds = 3,
				.big_flows = 1 << 20 };
	struct juris_policy jo = { .allow_zone = ZONE_EU, .flow_table = DEFAULT_FLOW_TABLE };
	struct bench_ctx c = { .o = &o, .rng = 0x6a75726973ull };
	struct loaded_db db = { 0 };
	struct juris_bpf *s = NULL;
	struct empty_bpf *e = NULL;
	struct ring_buffer *rb = NULL;
	struct side j;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.db = optarg;
			break;
		case 'e':
			o.export_dir = optarg;
			break;
		case 'f':
			o.flows = parse_count(optarg, "flow count");
			break;
		case 's':
			o.scale_flows = parse_count(optarg, "flow count");
			break;
		case 'r':
			o.repeat = parse_count(optarg, "repeat");
			break;
		case 'n':
			o.rounds = (int)parse_count(optarg, "round count");
			break;
		case 'b':
			o.big_flows = parse_count(optarg, "flow count");
			break;
		default:
			fprintf(stderr, "usage: bench_classifier [--db FILE] [--export DIR] "
					"[--flows N] [--scale-flows N] [--repeat N] [--rounds N]\n"
					"                        [--big-flows N]\n");
			return 2;
		}
	}
	if (o.rounds > 15)
		o.rounds = 15;
	jo.db = o.db;
	libbpf_set_print(libbpf_quiet);
	e = empty_bpf__open_and_load();
	if (!e) {
		ret = -errno;
		fprintf(stderr, "bench: cannot load the empty program: %s\n", strerror(errno));
		goto cleanup;
	}
	c.empty.prog_fd = bpf_program__fd(e->progs.bench_empty);
	ret = load_and_memory(&c, &jo, &db, &s, &rb);
	if (ret)
		goto cleanup;
	j = juris_side(s, rb);
	ret = per_packet(&c, &j, &db);
	if (ret)
		goto cleanup;
	fprintf(stderr, "bench: scaling with the prefix count\n");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !ret; i++)
		ret = scale_row(&c, &jo, &db, sizes[i], s, rb);
	if (!ret) {
		fprintf(stderr, "bench: exact counters by country and operator\n");
		ret = exact_cost(&c, s, rb, &db);
	}
	if (!ret)
		ret = big_table(&c, s, &db);
cleanup:
	if (ret && ret != -ENOMEM)
		fprintf(stderr, "bench: failed: %s\n", strerror(-ret));
	ring_buffer__free(rb);
	juris_bpf__destroy(s);
	empty_bpf__destroy(e);
	database_free(&db);
	return ret ? 1 : 0;
}
