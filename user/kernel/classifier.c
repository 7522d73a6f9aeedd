/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The kernel's own egress program as a classifier: a private copy, run on
 * one synthetic packet per address through BPF_PROG_TEST_RUN (juris lookup). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "juris.skel.h"
#include "base/errmsg.h"
#include "base/synth_packet.h"
#include "kernel/classifier.h"
#include "kernel/loader.h"

struct classifier {
	struct juris_bpf *skel; /* NULL for a pinned program */
	int prog_fd;		/* the egress program */
};

int classifier_load(const struct juris_policy *pol, const struct prefix_list *v4,
		    const struct prefix_list *v6, const struct oper_table *oper,
		    const struct juris_maps *reuse, const struct juris_config *cfg,
		    struct classifier **out, char *err, size_t errlen)
{
	struct classifier *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return errorf(err, errlen, -ENOMEM, "out of memory");
	ret = juris_load_private(pol, v4, v6, oper, reuse, &c->skel, err, errlen);
	if (ret) {
		free(c);
		return ret;
	}
	/* Both slots: a shared active index may point at either. */
	for (__u32 slot = 0; slot < POLICY_SLOTS; slot++)
		if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.config), &slot, cfg, BPF_ANY)) {
			ret = errorf(err, errlen, -errno, "cannot write the policy map: %s",
				     strerror(errno));
			classifier_free(c);
			return ret;
		}
	c->prog_fd = bpf_program__fd(c->skel->progs.juris_egress);
	*out = c;
	return 0;
}

int classifier_open_pinned(const char *dir, struct classifier **out)
{
	struct classifier *c;
	char path[4096];
	int ret = pin_path(path, sizeof(path), dir, "prog_", "egress");

	if (ret)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->prog_fd = bpf_obj_get(path);
	if (c->prog_fd < 0) {
		ret = -errno;
		free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void classifier_free(struct classifier *c)
{
	if (!c)
		return;
	if (c->skel)
		juris_bpf__destroy(c->skel);
	else if (c->prog_fd >= 0)
		close(c->prog_fd);
	free(c);
}

int classifier_run(const struct classifier *c, const char *text, struct lookup_result *r)
{
	/* Documentation addresses: the source of a packet that is never sent. */
	static const unsigned char doc_src4[4] = { 192, 0, 2, 1 };
	static const unsigned char doc_src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	unsigned char pkt[SYNTH_PACKET_MAX], dst[16];
	struct __sk_buff ctx = {};
	int family = AF_INET;
	__u32 cb;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .ctx_out = &ctx, .ctx_size_out = sizeof(ctx),
		    .repeat = 1);

	/* inet_pton keeps ::ffff:a.b.c.d as IPv6, so that the kernel's own
	 * handling of IPv4-mapped destinations is what answers. */
	if (inet_pton(AF_INET, text, dst) != 1) {
		family = AF_INET6;
		if (inet_pton(AF_INET6, text, dst) != 1)
			return -EINVAL;
	}
	/* A dry run: the program counts nothing (CB_DRY_RUN in juris.h). */
	ctx.cb[CB_DRY_RUN_WORD] = CB_DRY_RUN;
	opts.data_size_in = synth_udp_packet(pkt, family, family == AF_INET ? doc_src4 : doc_src6,
					     dst, 443);
	if (bpf_prog_test_run_opts(c->prog_fd, &opts))
		return -errno;
	cb = ctx.cb[0];
	r->zone = cb & 0xff;
	r->verdict = (cb >> 8) & 0xff;
	r->country[0] = (char)((cb >> 16) & 0xff);
	r->country[1] = (char)(cb >> 24);
	r->country[2] = 0;
	r->asn = ctx.cb[1];
	r->op_cc[0] = (char)(ctx.cb[2] & 0xff);
	r->op_cc[1] = (char)((ctx.cb[2] >> 8) & 0xff);
	r->op_cc[2] = 0;
	r->flags = (ctx.cb[2] >> 16) & 0xff;
	r->reason = (ctx.cb[2] >> 24) & 0xff;
	return 0;
}
