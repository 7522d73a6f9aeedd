/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the DNS response parser (user/base/dns_parse.c), on hand-built
 * messages: compression, its loops and bad pointers, truncation, counts the
 * message cannot hold, CNAME chains and their loops. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "base/dns_parse.h"

struct msg {
	uint8_t b[2048];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct msg *m, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put(m, b, 2);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* "www.example.test" as labels and the final zero. */
static void put_name(struct msg *m, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		uint8_t len = (uint8_t)l;

		put(m, &len, 1);
		put(m, name, l);
		name += l + (dot ? 1 : 0);
	}
	put(m, "", 1);
}

static void put_ptr(struct msg *m, uint16_t off)
{
	put16(m, 0xc000 | off);
}

/* Header of a response (QR, RD, RA) with one question, then the question. */
static void start(struct msg *m, const char *qname, uint16_t qtype, uint16_t ancount)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, 0x8180);
	put16(m, 1);
	put16(m, ancount);
	put16(m, 0);
	put16(m, 0);
	put_name(m, qname);
	put16(m, qtype);
	put16(m, 1);
}

/* The fixed part of a record of class IN. */
static void rr_fixed(struct msg *m, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

static void rr_a(struct msg *m, uint32_t ttl, const char *addr)
{
	uint8_t a[4];

	assert_int_equal(inet_pton(AF_INET, addr, a), 1);
	rr_fixed(m, 1, ttl, 4);
	put(m, a, 4);
}

static int parse(const struct msg *m, struct dns_result *r)
{
	return dns_parse(m->b, m->n, m->n, r);
}

static void assert_addr(const struct dns_addr *a, const char *text, uint32_t ttl)
{
	uint8_t want[16] = { 0 };
	int fam = strchr(text, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(fam, text, want), 1);
	assert_int_equal(a->family, fam);
	assert_memory_equal(a->addr, want, fam == AF_INET ? 4 : 16);
	assert_int_equal(a->ttl, ttl);
}

static struct dns_result *result(void)
{
	struct dns_result *r = malloc(sizeof(*r));

	assert_non_null(r);
	return r;
}

static void test_a_record_with_compressed_owner_names_the_question(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "WWW.Example.test", 1, 1);
	put_ptr(&m, 12);
	rr_a(&m, 300, "192.0.2.241");
	assert_int_equal(parse(&m, r), 0);
	assert_string_equal(r->qname, "www.example.test");
	assert_int_equal(r->qtype, 1);
	assert_int_equal(r->n_addrs, 1);
	assert_addr(&r->addrs[0], "192.0.2.241", 300);
	assert_false(r->truncated);
	free(r);
}

/* A forger's extra record for another name names nothing, and is counted. */
static void test_record_off_the_chain_is_ignored_and_counted(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "short.gouv.test", 1, 2);
	put_ptr(&m, 12);
	rr_a(&m, 300, "192.0.2.10");
	put_name(&m, "stray.example.test");
	rr_a(&m, 300, "198.51.100.10");
	assert_int_equal(parse(&m, r), 0);
	assert_int_equal(r->n_addrs, 1);
	assert_addr(&r->addrs[0], "192.0.2.10", 300);
	assert_int_equal(r->records_off_chain, 1);
	free(r);
}

static void test_aaaa_record_is_read(void **state)
{
	struct dns_result *r = result();
	uint8_t a6[16];
	struct msg m;

	(void)state;
	start(&m, "v6.example.test", 28, 1);
	put_ptr(&m, 12);
	rr_fixed(&m, 28, 60, 16);
	inet_pton(AF_INET6, "2001:db8:3::10", a6);
	put(&m, a6, 16);
	assert_int_equal(parse(&m, r), 0);
	assert_int_equal(r->n_addrs, 1);
	assert_addr(&r->addrs[0], "2001:db8:3::10", 60);
	free(r);
}

static void test_cname_chain_attributes_addresses_to_the_name_asked(void **state)
{
	struct dns_result *r = result();
	struct msg m;
	size_t cdn, edge;

	(void)state;
	start(&m, "alias.example.test", 1, 4);
	/* alias -> cdn.example.net (TTL 100) -> edge.example.org (TTL 50). */
	put_ptr(&m, 12);
	rr_fixed(&m, 5, 100, 17);
	cdn = m.n;
	put_name(&m, "cdn.example.net");
	put_ptr(&m, (uint16_t)cdn);
	rr_fixed(&m, 5, 50, 18);
	edge = m.n;
	put_name(&m, "edge.example.org");
	put_ptr(&m, (uint16_t)edge);
	rr_a(&m, 300, "192.0.2.130");
	/* Off the chain: not the answer to this question. */
	put_name(&m, "other.test");
	rr_a(&m, 300, "198.51.100.1");
	assert_int_equal(parse(&m, r), 0);
	assert_string_equal(r->qname, "alias.example.test");
	assert_int_equal(r->n_cnames, 2);
	assert_int_equal(r->n_addrs, 1);
	assert_addr(&r->addrs[0], "192.0.2.130", 50);
	free(r);
}

static void test_cname_loop_ends_after_the_hop_limit(void **state)
{
	struct dns_result *r = result();
	struct msg m;
	size_t b;

	(void)state;
	start(&m, "a.test", 1, 2);
	put_ptr(&m, 12); /* a.test CNAME b.test */
	rr_fixed(&m, 5, 60, 8);
	b = m.n;
	put_name(&m, "b.test");
	put_ptr(&m, (uint16_t)b); /* b.test CNAME a.test */
	rr_fixed(&m, 5, 60, 2);
	put_ptr(&m, 12);
	assert_int_equal(parse(&m, r), 0);
	assert_int_equal(r->n_addrs, 0);
	assert_int_equal(r->n_cnames, DNS_MAX_CHAIN);
	free(r);
}

static void test_compression_pointer_to_itself_is_malformed(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 1);
	put_ptr(&m, (uint16_t)m.n);
	rr_a(&m, 60, "192.0.2.241");
	assert_int_equal(parse(&m, r), -EBADMSG);
	free(r);
}

static void test_compression_loop_through_two_pointers_is_malformed(void **state)
{
	struct dns_result *r = result();
	struct msg m;
	size_t first;

	(void)state;
	start(&m, "www.example.test", 1, 1);
	/* x -> (label "a", then a pointer back to x): points before its own
	 * labels only by going back to where they started. */
	first = m.n;
	put(&m, "\001a", 2);
	put_ptr(&m, (uint16_t)first);
	rr_a(&m, 60, "192.0.2.241");
	assert_int_equal(parse(&m, r), -EBADMSG);
	free(r);
}

static void test_forward_and_out_of_range_pointers_are_malformed(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 1);
	put_ptr(&m, (uint16_t)(m.n + 2)); /* forward, to the record's type */
	rr_a(&m, 60, "192.0.2.241");
	assert_int_equal(parse(&m, r), -EBADMSG);
	start(&m, "www.example.test", 1, 1);
	put_ptr(&m, 0x3fff); /* beyond the message */
	rr_a(&m, 60, "192.0.2.241");
	assert_int_equal(parse(&m, r), -EBADMSG);
	free(r);
}

static void test_name_over_255_octets_is_malformed(void **state)
{
	struct dns_result *r = result();
	char label[64];
	struct msg m;

	(void)state;
	memset(label, 'x', 63);
	label[63] = 0;
	start(&m, "q.test", 1, 1);
	for (int i = 0; i < 5; i++) { /* 5 x 64 octets */
		uint8_t l = 63;

		put(&m, &l, 1);
		put(&m, label, 63);
	}
	put(&m, "", 1);
	rr_a(&m, 60, "192.0.2.241");
	assert_int_equal(parse(&m, r), -EBADMSG);
	free(r);
}

static void test_reserved_label_types_are_malformed(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 1);
	put(&m,
	    "\x41"
	    "a",
	    2); /* 0x40: extended label type */
	put(&m, "", 1);
	rr_a(&m, 60, "192.0.2.241");
	assert_int_equal(parse(&m, r), -EBADMSG);
	free(r);
}

static void test_address_with_wrong_length_is_malformed(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 1);
	put_ptr(&m, 12);
	rr_fixed(&m, 1, 60, 5);
	put(&m, "\xc0\x00\x02\xf1\x00", 5);
	assert_int_equal(parse(&m, r), -EBADMSG);
	free(r);
}

static void test_counts_the_message_cannot_hold_are_malformed(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 0xffff);
	put_ptr(&m, 12);
	rr_a(&m, 60, "192.0.2.241");
	assert_int_equal(parse(&m, r), -EBADMSG);
	/* Records announced but absent, message not cut: malformed too. */
	start(&m, "www.example.test", 1, 2);
	put_ptr(&m, 12);
	rr_a(&m, 60, "192.0.2.241");
	put(&m, "\0\0\0\0\0\0\0\0\0\0\0", 11);
	m.b[m.n - 1] = 9; /* RDLENGTH 9 past the end */
	assert_int_equal(parse(&m, r), -EBADMSG);
	free(r);
}

static void test_queries_and_several_questions_are_not_answers(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 0);
	m.b[2] &= 0x7f; /* QR = 0: a query */
	assert_int_equal(parse(&m, r), -EBADMSG);
	start(&m, "www.example.test", 1, 0);
	m.b[5] = 2; /* QDCOUNT = 2 */
	assert_int_equal(parse(&m, r), -EBADMSG);
	assert_int_equal(dns_parse(m.b, 11, 11, r), -EBADMSG);
	free(r);
}

static void test_capture_cut_keeps_the_records_before_the_cut(void **state)
{
	struct dns_result *r = result();
	struct msg m;
	size_t cut;

	(void)state;
	start(&m, "www.example.test", 1, 2);
	put_ptr(&m, 12);
	rr_a(&m, 60, "192.0.2.241");
	cut = m.n + 5;
	put_ptr(&m, 12);
	rr_a(&m, 60, "192.0.2.242");
	assert_int_equal(dns_parse(m.b, cut, m.n, r), 0);
	assert_true(r->truncated);
	assert_int_equal(r->n_addrs, 1);
	assert_addr(&r->addrs[0], "192.0.2.241", 60);
	/* Cut inside the question: nothing to name. */
	assert_int_equal(dns_parse(m.b, 20, m.n, r), -EBADMSG);
	free(r);
}

static void test_tc_bit_marks_the_answer_truncated(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 0);
	m.b[2] |= 0x02;
	assert_int_equal(parse(&m, r), 0);
	assert_true(r->truncated);
	free(r);
}

static void test_ttl_with_top_bit_counts_as_zero(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "www.example.test", 1, 1);
	put_ptr(&m, 12);
	rr_a(&m, 0x80000010, "192.0.2.241");
	assert_int_equal(parse(&m, r), 0);
	assert_int_equal(r->addrs[0].ttl, 0);
	free(r);
}

static void test_odd_bytes_in_names_are_escaped(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "x", 1, 0);
	m.n = 12;
	put(&m, "\003a.b\002\001\\", 7);
	put(&m, "", 1);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(parse(&m, r), 0);
	assert_string_equal(r->qname, "a\\.b.\\001\\\\");
	free(r);
}

static void test_more_records_than_read_are_counted(void **state)
{
	struct dns_result *r = result();
	struct msg m;

	(void)state;
	start(&m, "many.test", 1, DNS_MAX_RECORDS + 3);
	for (int i = 0; i < DNS_MAX_RECORDS + 3; i++) {
		put_ptr(&m, 12);
		rr_a(&m, 60, "192.0.2.10");
	}
	assert_int_equal(parse(&m, r), 0);
	assert_int_equal(r->n_addrs, DNS_MAX_RECORDS);
	assert_int_equal(r->records_skipped, 3);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_record_with_compressed_owner_names_the_question),
		cmocka_unit_test(test_aaaa_record_is_read),
		cmocka_unit_test(test_cname_chain_attributes_addresses_to_the_name_asked),
		cmocka_unit_test(test_cname_loop_ends_after_the_hop_limit),
		cmocka_unit_test(test_record_off_the_chain_is_ignored_and_counted),
		cmocka_unit_test(test_compression_pointer_to_itself_is_malformed),
		cmocka_unit_test(test_compression_loop_through_two_pointers_is_malformed),
		cmocka_unit_test(test_forward_and_out_of_range_pointers_are_malformed),
		cmocka_unit_test(test_name_over_255_octets_is_malformed),
		cmocka_unit_test(test_reserved_label_types_are_malformed),
		cmocka_unit_test(test_address_with_wrong_length_is_malformed),
		cmocka_unit_test(test_counts_the_message_cannot_hold_are_malformed),
		cmocka_unit_test(test_queries_and_several_questions_are_not_answers),
		cmocka_unit_test(test_capture_cut_keeps_the_records_before_the_cut),
		cmocka_unit_test(test_tc_bit_marks_the_answer_truncated),
		cmocka_unit_test(test_ttl_with_top_bit_counts_as_zero),
		cmocka_unit_test(test_odd_bytes_in_names_are_escaped),
		cmocka_unit_test(test_more_records_than_read_are_counted),
	};

	return cmocka_run_group_tests_name("dns_parse", tests, NULL, NULL);
}
