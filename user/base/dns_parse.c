/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A careful reader of DNS responses: every offset checked against the
 * message, compression pointers that can only go backwards (so they cannot
 * loop), names bounded at 255 octets, counts checked against the size.
 * Hand-rolled: Debian's resolver libraries (libresolv's ns_parserr, c-ares,
 * ldns) either trust the message more than juris may, or pull in a whole
 * resolver for 200 lines of reading. Fuzzed by tests/fuzz/fuzz_dns.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "base/dns_parse.h"

#define HDR_LEN 12
#define RR_FIXED 10 /* TYPE, CLASS, TTL, RDLENGTH */
#define TYPE_A 1
#define TYPE_CNAME 5
#define TYPE_AAAA 28
#define CLASS_IN 1
/* A truncated message: internal, never returned. */
#define CUT (-EMSGSIZE)

struct msg {
	const uint8_t *p;
	size_t len;	/* bytes we have */
	size_t msg_len; /* bytes the message has */
};

struct wire_name {
	uint8_t b[DNS_WIRE_NAME_MAX];
	size_t len; /* with the final zero */
};

struct record {
	struct wire_name owner;
	uint16_t type;
	uint32_t ttl;
	uint8_t addr[16];
	struct wire_name target; /* CNAME */
};

/* Bytes [off, off + n) are there: 0; beyond the capture but inside the
 * message: CUT; beyond the message: -EBADMSG. */
static int need(const struct msg *m, size_t off, size_t n)
{
	if (off + n <= m->len)
		return 0;
	return off + n <= m->msg_len ? CUT : -EBADMSG;
}

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads the name at *off into out, lower case and uncompressed; *off moves
 * past it (past the first pointer, when there is one). A pointer must
 * point before the start of the labels it ends: the starts only decrease,
 * so a loop is impossible, whatever the message. */
static int read_name(const struct msg *m, size_t *off, struct wire_name *out)
{
	size_t pos = *off, seg = *off;
	bool jumped = false;
	int ret;

	out->len = 0;
	for (;;) {
		uint8_t l;

		ret = need(m, pos, 1);
		if (ret)
			return ret;
		l = m->p[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			ret = need(m, pos, 2);
			if (ret)
				return ret;
			target = (size_t)(u16(&m->p[pos]) & 0x3fff);
			if (target >= seg)
				return -EBADMSG;
			if (!jumped)
				*off = pos + 2;
			jumped = true;
			pos = seg = target;
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG; /* 0x40, 0x80: reserved label types */
		if (out->len + l + 1 > DNS_WIRE_NAME_MAX)
			return -EBADMSG;
		ret = need(m, pos + 1, l);
		if (ret)
			return ret;
		out->b[out->len++] = l;
		for (size_t i = 0; i < l; i++) {
			uint8_t c = m->p[pos + 1 + i];

			out->b[out->len++] = c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
		}
		pos += 1 + l;
		if (!l)
			break;
	}
	if (!jumped)
		*off = pos;
	return 0;
}

static bool same_name(const struct wire_name *a, const struct wire_name *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

/* Dotted text of a wire name, RFC 1035 5.1 escapes for dots, backslashes
 * and bytes that are not printable ASCII; "." for the root. */
static void name_text(const struct wire_name *n, char *out, size_t size)
{
	size_t o = 0, i = 0;

	while (i < n->len && n->b[i]) {
		uint8_t l = n->b[i++];

		if (o && o + 1 < size)
			out[o++] = '.';
		for (uint8_t j = 0; j < l && i < n->len; j++, i++) {
			uint8_t c = n->b[i];
			int w;

			if (c == '.' || c == '\\')
				w = snprintf(out + o, size - o, "\\%c", c);
			else if (c <= ' ' || c >= 0x7f)
				w = snprintf(out + o, size - o, "\\%03u", c);
			else
				w = snprintf(out + o, size - o, "%c", c);
			if (w < 0 || (size_t)w >= size - o) {
				out[o] = 0;
				return;
			}
			o += (size_t)w;
		}
	}
	if (!o && size > 1)
		out[o++] = '.';
	out[o < size ? o : size - 1] = 0;
}

static uint32_t ttl_of(uint32_t ttl)
{
	return ttl & 0x80000000u ? 0 : ttl; /* RFC 2181 8 */
}

static int read_record(const struct msg *m, size_t *off, struct record *rec)
{
	size_t rdlen, rdata, end;
	uint16_t class;
	int ret = read_name(m, off, &rec->owner);

	if (ret)
		return ret;
	ret = need(m, *off, RR_FIXED);
	if (ret)
		return ret;
	rec->type = u16(&m->p[*off]);
	class = u16(&m->p[*off + 2]);
	rec->ttl = ttl_of(u32(&m->p[*off + 4]));
	rdlen = u16(&m->p[*off + 8]);
	rdata = *off + RR_FIXED;
	end = rdata + rdlen;
	ret = need(m, rdata, rdlen);
	if (ret)
		return ret;
	*off = end;
	if (class != CLASS_IN)
		rec->type = 0; /* not an Internet address: ignored */
	switch (rec->type) {
	case TYPE_A:
	case TYPE_AAAA:
		if (rdlen != (rec->type == TYPE_A ? 4u : 16u))
			return -EBADMSG;
		memcpy(rec->addr, &m->p[rdata], rdlen);
		return 0;
	case TYPE_CNAME: {
		size_t pos = rdata;

		ret = read_name(m, &pos, &rec->target);
		/* The name must fill the RDATA exactly. */
		if (!ret && pos != end)
			return -EBADMSG;
		return ret == CUT ? -EBADMSG : ret;
	}
	default:
		return 0;
	}
}

/* From the question name along its CNAMEs: the addresses the application
 * will use, each with the smallest TTL on its way. A CNAME loop ends at
 * DNS_MAX_CHAIN hops. Records off the chain are not the answer to this
 * question: they are left out, and counted (records_off_chain), as a
 * forger's extra records would be. */
static void follow_chain(const struct record *recs, int n, const struct wire_name *qname,
			 struct dns_result *r)
{
	const struct wire_name *cur = qname;
	uint32_t chain_ttl = UINT32_MAX;
	bool on_chain[DNS_MAX_RECORDS] = { false };

	for (int hop = 0; hop <= DNS_MAX_CHAIN; hop++) {
		const struct record *next = NULL;

		for (int i = 0; i < n; i++) {
			const struct record *rec = &recs[i];

			if (!same_name(&rec->owner, cur))
				continue;
			on_chain[i] = true;
			if (rec->type == TYPE_CNAME && !next) {
				next = rec;
			} else if (rec->type == TYPE_A || rec->type == TYPE_AAAA) {
				struct dns_addr *a;

				if (r->n_addrs >= DNS_MAX_ADDRS) {
					r->records_skipped++;
					continue;
				}
				a = &r->addrs[r->n_addrs++];
				memset(a, 0, sizeof(*a));
				a->family = rec->type == TYPE_A ? AF_INET : AF_INET6;
				memcpy(a->addr, rec->addr, rec->type == TYPE_A ? 4 : 16);
				a->ttl = rec->ttl < chain_ttl ? rec->ttl : chain_ttl;
			}
		}
		if (!next || hop == DNS_MAX_CHAIN)
			break;
		if (next->ttl < chain_ttl)
			chain_ttl = next->ttl;
		cur = &next->target;
		r->n_cnames++;
	}
	for (int i = 0; i < n; i++)
		r->records_off_chain += !on_chain[i];
}

int dns_parse(const uint8_t *p, size_t len, size_t msg_len, struct dns_result *r)
{
	struct msg m = { .p = p, .len = len, .msg_len = msg_len > len ? msg_len : len };
	struct record recs[DNS_MAX_RECORDS]; /* 33 KiB: userspace stacks hold it */
	struct wire_name qname;
	unsigned an, ns, ar;
	size_t off = HDR_LEN;
	int n = 0, ret;

	memset(r, 0, sizeof(*r));
	if (len < HDR_LEN)
		return -EBADMSG;
	/* A response (QR) to a standard query, with exactly one question. */
	if (!(p[2] & 0x80) || (p[2] & 0x78) || u16(&p[4]) != 1)
		return -EBADMSG;
	r->truncated = (p[2] & 0x02) || m.len < m.msg_len;
	r->rcode = p[3] & 0x0f;
	an = u16(&p[6]);
	ns = u16(&p[8]);
	ar = u16(&p[10]);
	/* Each record takes at least 11 bytes (a pointer or the root, then
	 * the fixed part); the question at least 5. */
	if (HDR_LEN + 5 + (size_t)(an + ns + ar) * (RR_FIXED + 1) > m.msg_len)
		return -EBADMSG;
	ret = read_name(&m, &off, &qname);
	if (!ret)
		ret = need(&m, off, 4);
	if (ret)
		return ret == CUT ? -EBADMSG : ret; /* no question, nothing to name */
	r->qtype = u16(&p[off]);
	off += 4;
	name_text(&qname, r->qname, sizeof(r->qname));
	for (unsigned i = 0; i < an; i++) {
		if (n == DNS_MAX_RECORDS) {
			r->records_skipped += (int)(an - i);
			break;
		}
		ret = read_record(&m, &off, &recs[n]);
		if (ret == CUT) {
			r->truncated = true;
			break;
		}
		if (ret)
			return ret;
		n++;
	}
	follow_chain(recs, n, &qname, r);
	return 0;
}
