/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A walk over every network of a MaxMind DB (.mmdb or .mmdb.gz), checked
 * against hostile input; the country and ASN readers are built on it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <maxminddb.h>
#include "base/errmsg.h"
#include "base/gzfile.h"
#include "policy/mmdb_walk.h"

/* libmaxminddb looks for its metadata marker in the last 128 KiB only. */
#define METADATA_WINDOW 131072
#define MARKER "\xab\xcd\xefMaxMind.com"
#define MARKER_LEN (sizeof(MARKER) - 1)
/* Between the search tree and the data section (MaxMind DB format 2.0). */
#define DATA_SEPARATOR 16
/* A depth-first walk holds at most one pending sibling per level. */
#define STACK_MAX (128 + 2)
#define NO_NODE UINT64_MAX
/* libmaxminddb 1.7 skips a map or array it does not look into by
 * recursion, one call per nesting level (fixed upstream in 1.13): a
 * record nested a few hundred thousand levels deep overflows an 8 MiB
 * stack. A level takes at least 2 bytes of data section (a map byte and a
 * one-byte key), a call about 32 bytes of stack (measured: 1.7.1, x86-64),
 * so the walk runs on a stack of this many bytes per data-section byte,
 * reserved but only touched as deep as a record really goes. */
#define STACK_PER_DATA_BYTE 32
#define STACK_BASE (8ull << 20)

/* Decoded value per data-section offset: records share their data (a few
 * hundred distinct records behind a million networks), so each is decoded
 * once. */
struct cc_slot {
	uint32_t key;	/* offset + 1; 0 marks a free slot */
	uint32_t value; /* the visitor's decode result, 0 for "no data" */
};

struct cc_cache {
	struct cc_slot *slots;
	size_t cap, n; /* cap is a power of two */
};

struct walk {
	const MMDB_s *mmdb;
	const struct mmdb_visitor *vis;
	struct cc_cache cache;
	uint64_t v4_node; /* root of the IPv4 subtree, NO_NODE if none */
	uint64_t budget;  /* node visits left before the tree counts as hostile */
	uint64_t data_records;
	int bits; /* 32 or 128 */
	char *err;
	size_t errlen;
};

/* A record still to visit, with the network its path spells: a search
 * node to read, or a data record to emit. Data records wait on the stack
 * like nodes, so that networks come out in address order. */
struct pending {
	uint8_t addr[16];
	uint64_t node;	    /* the record: a node number or a data pointer */
	MMDB_entry_s entry; /* of a data record */
	uint8_t len;
	bool data;
};

const char *mmdb_reason(int status)
{
	switch (status) {
	case MMDB_INVALID_METADATA_ERROR:
		return "invalid metadata";
	case MMDB_UNKNOWN_DATABASE_FORMAT_ERROR:
		return "unknown database format";
	case MMDB_CORRUPT_SEARCH_TREE_ERROR:
		return "corrupt search tree";
	case MMDB_INVALID_DATA_ERROR:
		return "invalid data section";
	case MMDB_OUT_OF_MEMORY_ERROR:
		return "out of memory";
	default:
		return MMDB_strerror(status);
	}
}

static int mmdb_errno(int status, int saved_errno)
{
	switch (status) {
	case MMDB_FILE_OPEN_ERROR:
		return saved_errno ? -saved_errno : -EIO;
	case MMDB_IO_ERROR:
		return -EIO;
	case MMDB_OUT_OF_MEMORY_ERROR:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

static int cache_grow(struct cc_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024;
	struct cc_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < c->cap; i++) {
		size_t j;

		if (!c->slots[i].key)
			continue;
		for (j = c->slots[i].key * 2654435761u & (cap - 1); slots[j].key;
		     j = (j + 1) & (cap - 1))
			;
		slots[j] = c->slots[i];
	}
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

/* The slot of offset: either its entry, or the free slot where it goes. */
static struct cc_slot *cache_find(const struct cc_cache *c, uint32_t offset)
{
	uint32_t key = offset + 1;
	size_t j;

	for (j = key * 2654435761u & (c->cap - 1); c->slots[j].key; j = (j + 1) & (c->cap - 1))
		if (c->slots[j].key == key)
			break;
	return &c->slots[j];
}

static int cache_put(struct cc_cache *c, uint32_t offset, uint32_t value)
{
	struct cc_slot *s;

	if ((c->n + 1) * 2 > c->cap) {
		int ret = cache_grow(c);

		if (ret)
			return ret;
	}
	s = cache_find(c, offset);
	if (!s->key)
		c->n++;
	s->key = offset + 1;
	s->value = value;
	return 0;
}

static int record_value(struct walk *w, MMDB_entry_s *entry, uint32_t *value)
{
	struct cc_slot *s = cache_find(&w->cache, entry->offset);
	int ret;

	if (s->key) {
		*value = s->value;
		return 0;
	}
	ret = w->vis->decode(w->vis->ctx, entry, value, w->err, w->errlen);
	if (ret)
		return ret;
	ret = cache_put(&w->cache, entry->offset, *value);
	return ret ? errorf(w->err, w->errlen, ret, "out of memory") : 0;
}

static int push(struct walk *w, bool v4, const uint8_t *addr, uint8_t len, uint32_t value)
{
	return w->vis->sink(w->vis->ctx, v4, addr, len, value, w->err, w->errlen);
}

static bool in_v4_space(const struct pending *p)
{
	static const uint8_t zero[12];

	return !memcmp(p->addr, zero, sizeof(zero));
}

/* In an IPv6 database the IPv4 space is ::/96: a network under it is an
 * IPv4 network, and a network that covers all of it (::/n, n < 96) answers
 * for all of IPv4 as well as for its IPv6 addresses. */
static int emit(struct walk *w, const struct pending *p, uint32_t value)
{
	static const uint8_t any[16];
	int ret;

	if (w->bits == 32)
		return push(w, true, p->addr, p->len, value);
	if (in_v4_space(p) && p->len >= 96)
		return push(w, true, p->addr + 12, (uint8_t)(p->len - 96), value);
	if (in_v4_space(p)) {
		ret = push(w, true, any, 0, value);
		if (ret)
			return ret;
	}
	return push(w, false, p->addr, p->len, value);
}

static int visit_data(struct walk *w, const struct pending *p, uint64_t rec, MMDB_entry_s *entry)
{
	uint64_t nodes = w->mmdb->metadata.node_count;
	uint32_t value;
	int ret;

	/* libmaxminddb 1.7 lets a record point into the separator and hands
	 * back an underflowed offset: check the bounds here. */
	if (rec < nodes + DATA_SEPARATOR ||
	    rec - nodes - DATA_SEPARATOR >= w->mmdb->data_section_size)
		return errorf(w->err, w->errlen, -EINVAL,
			      "corrupt search tree: record %llu points outside the data section",
			      (unsigned long long)rec);
	w->data_records++;
	ret = record_value(w, entry, &value);
	if (ret || !value)
		return ret;
	return emit(w, p, value);
}

static bool is_v4_root(const struct pending *p)
{
	return p->len == 96 && in_v4_space(p);
}

static int visit_record(struct walk *w, struct pending *stack, int *sp,
			const struct pending *parent, int bit, uint64_t rec, uint8_t type,
			MMDB_entry_s *entry)
{
	struct pending child = *parent;

	child.len = parent->len + 1;
	if (bit)
		child.addr[parent->len / 8] |= 0x80 >> (parent->len % 8);
	switch (type) {
	case MMDB_RECORD_TYPE_EMPTY:
		return 0;
	case MMDB_RECORD_TYPE_DATA:
		child.data = true;
		child.entry = *entry;
		break;
	case MMDB_RECORD_TYPE_SEARCH_NODE:
		if (child.len >= w->bits)
			return errorf(w->err, w->errlen, -EINVAL,
				      "corrupt search tree: deeper than %d bits", w->bits);
		/* ::ffff:0:0/96, 2001::/32 and 2002::/16 lead to the IPv4
		 * subtree too (alias_ipv6_to_ipv4): walk it once, as IPv4. */
		if (rec == w->v4_node && !is_v4_root(&child))
			return 0;
		break;
	default:
		return errorf(w->err, w->errlen, -EINVAL,
			      "corrupt search tree: record %llu out of range",
			      (unsigned long long)rec);
	}
	if (*sp >= STACK_MAX)
		return errorf(w->err, w->errlen, -EINVAL, "corrupt search tree");
	child.node = rec;
	stack[(*sp)++] = child;
	return 0;
}

static int walk_tree(struct walk *w)
{
	struct pending stack[STACK_MAX];
	int sp = 1;

	memset(&stack[0], 0, sizeof(stack[0]));
	while (sp) {
		struct pending cur = stack[--sp];
		MMDB_search_node_s node;
		int status, ret;

		if (cur.data) {
			ret = visit_data(w, &cur, cur.node, &cur.entry);
			if (ret)
				return ret;
			continue;
		}
		/* A hostile file can share or loop nodes: bound the work. */
		if (!w->budget--)
			return errorf(w->err, w->errlen, -EINVAL,
				      "corrupt search tree: nodes reached more than once");
		status = MMDB_read_node(w->mmdb, (uint32_t)cur.node, &node);
		if (status != MMDB_SUCCESS)
			return errorf(w->err, w->errlen, -EINVAL, "node %llu: %s",
				      (unsigned long long)cur.node, mmdb_reason(status));
		/* Right first: the left subtree comes off the stack first. */
		ret = visit_record(w, stack, &sp, &cur, 1, node.right_record,
				   node.right_record_type, &node.right_record_entry);
		if (!ret)
			ret = visit_record(w, stack, &sp, &cur, 0, node.left_record,
					   node.left_record_type, &node.left_record_entry);
		if (ret)
			return ret;
	}
	return 0;
}

struct walk_thread {
	struct walk *w;
	int ret;
};

static void *walk_thread_main(void *arg)
{
	struct walk_thread *t = arg;

	t->ret = walk_tree(t->w);
	return NULL;
}

/* walk_tree on a stack deep enough for any record the data section can
 * hold (see STACK_PER_DATA_BYTE). MAP_NORESERVE: the size is address
 * space, not memory; a guard page below it turns a miscount into a clean
 * crash rather than a write into whatever lies there. */
static int walk_on_deep_stack(struct walk *w)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t want = STACK_BASE + w->mmdb->data_section_size * (uint64_t)STACK_PER_DATA_BYTE;
	size_t size = (size_t)((want + (uint64_t)page - 1) / (uint64_t)page * (uint64_t)page);
	struct walk_thread t = { .w = w };
	pthread_attr_t attr;
	pthread_t tid;
	void *stack;
	int ret;

	stack = mmap(NULL, size + (size_t)page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return errorf(w->err, w->errlen, -ENOMEM,
			      "cannot reserve a stack of %zu MiB "
			      "for the search tree walk",
			      size >> 20);
	ret = mprotect(stack, (size_t)page, PROT_NONE) ? -errno : 0;
	if (!ret)
		ret = -pthread_attr_init(&attr);
	if (!ret) {
		ret = -pthread_attr_setstack(&attr, (char *)stack + page, size);
		if (!ret)
			ret = -pthread_create(&tid, &attr, walk_thread_main, &t);
		pthread_attr_destroy(&attr);
	}
	if (!ret) {
		pthread_join(tid, NULL);
		ret = t.ret;
	} else {
		errorf(w->err, w->errlen, ret, "cannot start the search tree walk: %s",
		       strerror(-ret));
	}
	munmap(stack, size + (size_t)page);
	return ret;
}

/* Says "not a MaxMind DB" in words, and keeps libmaxminddb 1.7 away from a
 * marker at the very end of the file (it would decode an empty section). */
static int check_marker(int fd, uint64_t size, char *err, size_t errlen)
{
	size_t n = size < METADATA_WINDOW ? (size_t)size : METADATA_WINDOW;
	uint8_t *buf = malloc(n), *p, *last = NULL;
	int ret;

	if (!buf)
		return errorf(err, errlen, -ENOMEM, "out of memory");
	ret = pread_all(fd, buf, n, (off_t)(size - n));
	if (ret) {
		free(buf);
		return errorf(err, errlen, ret, "%s", strerror(-ret));
	}
	for (p = buf; (p = memmem(p, n - (size_t)(p - buf), MARKER, MARKER_LEN)); p++)
		last = p;
	if (!last)
		ret = errorf(err, errlen, -EINVAL,
			     "not a MaxMind DB file "
			     "(no metadata: another format, or truncated)");
	else if (last + MARKER_LEN == buf + n)
		ret = errorf(err, errlen, -EINVAL, "invalid metadata (empty)");
	free(buf);
	return ret;
}

static int open_mmdb(int fd, MMDB_s *mmdb, char *err, size_t errlen)
{
	char proc[64];
	int status;

	/* Open what was checked, not the path again: it may have changed. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	status = MMDB_open(proc, MMDB_MODE_MMAP, mmdb);
	if (status == MMDB_SUCCESS)
		return 0;
	if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) {
		int e = errno;

		return errorf(err, errlen, mmdb_errno(status, e), "cannot map %s: %s", proc,
			      strerror(e));
	}
	/* Whatever else MMDB_open refuses, it found while decoding metadata. */
	if (status == MMDB_UNKNOWN_DATABASE_FORMAT_ERROR || status == MMDB_OUT_OF_MEMORY_ERROR)
		return errorf(err, errlen, mmdb_errno(status, 0), "%s", mmdb_reason(status));
	return errorf(err, errlen, -EINVAL, "invalid metadata");
}

/* Checks what libmaxminddb 1.7 trusts: a node count whose tree overflows a
 * 32-bit product, or that does not fit in the file, would send
 * MMDB_read_node out of bounds. */
static int check_geometry(const MMDB_s *mmdb, char *err, size_t errlen)
{
	uint64_t tree = (uint64_t)mmdb->metadata.node_count * mmdb->full_record_byte_size;
	uint16_t ipv = mmdb->metadata.ip_version;

	if (ipv != 4 && ipv != 6)
		return errorf(err, errlen, -EINVAL, "invalid metadata: ip_version %u", ipv);
	if (!mmdb->metadata.node_count)
		return errorf(err, errlen, -EINVAL, "invalid metadata: node_count is 0");
	if (mmdb->full_record_byte_size < 6 || mmdb->full_record_byte_size > 8)
		return errorf(err, errlen, -EINVAL, "invalid metadata: record_size %u",
			      mmdb->metadata.record_size);
	if (mmdb->file_size < 0 || tree + DATA_SEPARATOR > (uint64_t)mmdb->file_size)
		return errorf(err, errlen, -EINVAL,
			      "truncated: the search tree runs past the end of the file");
	return 0;
}

static void fill_info(struct geodb_info *info, const MMDB_s *mmdb)
{
	snprintf(info->type, sizeof(info->type), "%s",
		 mmdb->metadata.database_type ? mmdb->metadata.database_type : "");
	info->build_epoch = mmdb->metadata.build_epoch;
	info->node_count = mmdb->metadata.node_count;
	info->ip_version = mmdb->metadata.ip_version;
	info->mmdb_size = (uint64_t)mmdb->file_size;
}

static int read_networks(const MMDB_s *mmdb, const struct mmdb_visitor *vis, char *err,
			 size_t errlen)
{
	const MMDB_ipv4_start_node_s *s = &mmdb->ipv4_start_node;
	struct walk w = {
		.mmdb = mmdb,
		.vis = vis,
		.err = err,
		.errlen = errlen,
		.bits = mmdb->metadata.ip_version == 6 ? 128 : 32,
		.budget = 2ull * mmdb->metadata.node_count + 1000,
		.v4_node = NO_NODE,
	};
	int ret;

	if (w.bits == 128 && s->netmask == 96 && s->node_value < mmdb->metadata.node_count)
		w.v4_node = s->node_value;
	ret = cache_grow(&w.cache);
	if (ret)
		return errorf(err, errlen, ret, "out of memory");
	ret = walk_on_deep_stack(&w);
	free(w.cache.slots);
	if (ret)
		return ret;
	if (!w.data_records)
		return errorf(err, errlen, -EINVAL, "the database holds no networks");
	return 0;
}

/* Opens path (decompressing a gzip file), checks its metadata marker and
 * returns the fd to map. */
static int open_source(const char *path, uint64_t gz_max, struct geodb_info *info, char *err,
		       size_t errlen)
{
	struct gzfile_info gi;
	int fd, ret;

	fd = gzfile_open(path, gz_max, &gi, err, errlen);
	if (fd < 0)
		return fd;
	info->file_size = gi.file_size;
	info->gzip = gi.gzip;
	ret = check_marker(fd, gi.size, err, errlen);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int mmdb_walk_path(const char *path, uint64_t gz_max, const struct mmdb_visitor *vis,
		   struct geodb_info *info, char *err, size_t errlen)
{
	MMDB_s mmdb;
	int fd, ret;

	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "%s", path);
	fd = open_source(path, gz_max, info, err, errlen);
	if (fd < 0)
		return fd;
	memset(&mmdb, 0, sizeof(mmdb));
	ret = open_mmdb(fd, &mmdb, err, errlen);
	/* The mapping keeps the file (or memory file) alive. */
	close(fd);
	if (ret)
		return ret;
	ret = check_geometry(&mmdb, err, errlen);
	if (!ret) {
		fill_info(info, &mmdb);
		ret = read_networks(&mmdb, vis, err, errlen);
	}
	MMDB_close(&mmdb);
	return ret;
}
