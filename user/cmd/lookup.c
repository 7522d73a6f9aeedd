/* juris lookup: classify addresses with the kernel's own egress program,
 * run on one synthetic packet per address through BPF_PROG_TEST_RUN. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cjson/cJSON.h>
#include "juris.skel.h"
#include "cmd/commands.h"
#include "policy/database.h"
#include "kernel/loader.h"
#include "policy/overlay.h"
#include "policy/policy_data.h"
#include "policy/reason.h"
#include "base/synth_packet.h"

struct lookup_result {
	char country[3];
	int zone;
	int verdict;
	__u32 asn;		/* 0 unless a listed operator announces it */
	char op_cc[3];
	int flags;		/* GEO_F_* */
	int reason;		/* enum juris_reason */
};

static int classify_one(int prog_fd, const char *text, struct lookup_result *r)
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
	opts.data_size_in = synth_udp_packet(pkt, family,
					     family == AF_INET ? doc_src4 : doc_src6, dst, 443);
	if (bpf_prog_test_run_opts(prog_fd, &opts))
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

static const char *lookup_verdict(int verdict)
{
	/* The private program runs in enforce mode: would_block comes only
	 * from foreign-operator = audit, reported but never blocked. */
	return verdict == VERDICT_ALLOW ? "allow" : verdict == VERDICT_BLOCK ? "deny" : "audit";
}

static void print_result(const struct juris_opts *o, const struct operator_table *ops,
			 const char *ip, const struct lookup_result *r)
{
	const struct operator *op = r->asn ? operator_find(ops, r->asn) : NULL;
	bool foreign = r->flags & GEO_F_FOREIGN_OP;

	if (o->json) {
		cJSON *obj = cJSON_CreateObject();
		char *s;

		cJSON_AddStringToObject(obj, "ip", ip);
		cJSON_AddStringToObject(obj, "country", r->country);
		cJSON_AddStringToObject(obj, "zone", zone_name(r->zone));
		cJSON_AddStringToObject(obj, "verdict", lookup_verdict(r->verdict));
		cJSON_AddStringToObject(obj, "reason", reason_name(r->reason));
		if (r->asn) {
			cJSON_AddNumberToObject(obj, "asn", r->asn);
			cJSON_AddStringToObject(obj, "as_org", op ? op->name : "");
			cJSON_AddStringToObject(obj, "operator_country", r->op_cc);
		}
		cJSON_AddBoolToObject(obj, "foreign_operator", foreign);
		s = cJSON_PrintUnformatted(obj);
		if (s)
			puts(s);
		cJSON_free(s);
		cJSON_Delete(obj);
		return;
	}
	printf("%-39s  %-7s  %-8s  %-7s  %-16s  ", ip, r->country[0] ? r->country : "-",
	       zone_name(r->zone), lookup_verdict(r->verdict), reason_name(r->reason));
	if (r->asn)
		printf("AS%u %s (%s%s)\n", r->asn, op ? op->name : "", r->op_cc[0] ? r->op_cc : "?",
		       foreign ? ", foreign" : "");
	else
		printf("-\n");
}

static int lookup_text(const struct juris_opts *o, const struct operator_table *ops, int prog_fd,
		       const char *text)
{
	struct lookup_result r;
	int ret = classify_one(prog_fd, text, &r);

	if (ret == -EINVAL) {
		fprintf(stderr, "juris: invalid address: %s\n", text);
		return ret;
	}
	if (ret) {
		fprintf(stderr, "juris: cannot run the classifier: %s\n", strerror(-ret));
		return ret;
	}
	print_result(o, ops, text, &r);
	return 0;
}

/* Reads whitespace-separated addresses; a bad one is reported and skipped. */
static int lookup_stdin(const struct juris_opts *o, const struct operator_table *ops,
			int prog_fd)
{
	char word[256];
	int ret = 0;

	while (scanf("%255s", word) == 1) {
		int r = lookup_text(o, ops, prog_fd, word);

		if (r == -EINVAL)
			ret = r;
		else if (r)
			return r;
	}
	return ret;
}

/* The policy of a lookup: the flags, or else that of the running juris. */
static void lookup_config(const struct juris_opts *o, const struct juris_maps *pinned,
			  bool overlay, struct juris_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (pinned && !o->policy_given && !juris_read_config(pinned, cfg)) {
		cfg->mode = MODE_ENFORCE;
		return;
	}
	cfg->mode = MODE_ENFORCE;	/* so that "deny" reads as a block */
	cfg->allow_zone = o->allow_zone;
	cfg->unknown_deny = o->unknown_deny;
	cfg->foreign_op = o->foreign_op;
	cfg->overlay = overlay;
}

/* A running juris's maps answer at once, unless the lookup asks for other
 * tables: another database, other zones (--us-adequate), another overlay,
 * or a policy under which the pinned overlay's "foreign" marks differ. */
static bool use_pins(const struct juris_opts *o, struct juris_maps *pinned,
		     struct juris_config *pcfg)
{
	if (o->db || o->us_adequate || o->asn_db || o->n_operators)
		return false;
	if (juris_open_pinned(o->pin_dir, pinned))
		return false;
	if (juris_read_config(pinned, pcfg) ||
	    (pcfg->overlay && o->policy_given && o->allow_zone != pcfg->allow_zone)) {
		juris_maps_close(pinned);
		return false;
	}
	return true;
}

int cmd_lookup(const struct juris_opts *o)
{
	struct juris_maps pinned, *reuse = NULL;
	struct loaded_db db = { 0 };
	struct overlay ov = { 0 };
	struct juris_bpf *skel = NULL;
	struct juris_config cfg, pcfg;
	char err[512];
	int ret = 0, prog_fd, pinned_prog = -1;

	/* Validate arguments before any slow work. */
	for (int i = 0; i < o->n_args; i++) {
		unsigned char a[16];

		if (inet_pton(AF_INET, o->args[i], a) != 1 &&
		    inet_pton(AF_INET6, o->args[i], a) != 1) {
			fprintf(stderr, "juris: invalid address: %s\n", o->args[i]);
			return -EINVAL;
		}
	}
	ret = juris_check_privilege(err, sizeof(err));
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		return ret;
	}
	if (use_pins(o, &pinned, &pcfg)) {
		reuse = &pinned;
		if (o->n_excepts) {
			close(pinned.fd[MAP_EXCEPT_V4]);
			close(pinned.fd[MAP_EXCEPT_V6]);
			pinned.fd[MAP_EXCEPT_V4] = pinned.fd[MAP_EXCEPT_V6] = -1;
		}
		ret = overlay_operators(o, &ov.ops, err, sizeof(err));
	} else {
		ret = policy_data_load(o, &db, &ov, err, sizeof(err));
		if (!ret)
			database_warn_age(stderr, db.path, db.info.build_epoch);
	}
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		goto out;
	}
	/* Under the running juris's own policy, its pinned program answers:
	 * no program to load, no verifier, a few milliseconds. */
	if (reuse && !o->policy_given && !o->n_excepts) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/prog_egress", o->pin_dir);
		pinned_prog = bpf_obj_get(path);
	}
	if (pinned_prog >= 0) {
		prog_fd = pinned_prog;
		goto classify;
	}
	ret = juris_load_private(o, reuse ? NULL : &db.v4, reuse ? NULL : &db.v6,
				 ov.loaded ? &ov.table : NULL, reuse, &skel, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		goto out;
	}
	lookup_config(o, reuse, reuse ? pcfg.overlay : ov.loaded, &cfg);
	/* Both slots: a shared active index may point at either. */
	for (__u32 slot = 0; slot < POLICY_SLOTS; slot++)
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.config), &slot, &cfg, BPF_ANY)) {
			ret = -errno;
			fprintf(stderr, "juris: cannot write the policy map: %s\n",
				strerror(errno));
			goto out;
		}
	prog_fd = bpf_program__fd(skel->progs.juris_egress);
classify:
	if (!o->json)
		printf("%-39s  %-7s  %-8s  %-7s  %-16s  %s\n", "ADDRESS", "COUNTRY", "ZONE", "VERDICT",
		       "REASON", "OPERATOR");
	if (o->n_args == 0) {
		ret = lookup_stdin(o, &ov.ops, prog_fd);
	} else {
		for (int i = 0; i < o->n_args && !ret; i++)
			ret = lookup_text(o, &ov.ops, prog_fd, o->args[i]);
	}
out:
	if (pinned_prog >= 0)
		close(pinned_prog);
	juris_bpf__destroy(skel);
	if (reuse)
		juris_maps_close(reuse);
	overlay_free(&ov);
	database_free(&db);
	return ret;
}
