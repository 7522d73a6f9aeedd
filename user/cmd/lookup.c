/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris lookup: classify addresses with the kernel's own egress program,
 * run on one synthetic packet per address through BPF_PROG_TEST_RUN. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "base/text_escape.h"
#include "kernel/bpf_access.h"
#include "policy/names.h"
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "kernel/classifier.h"
#include "cmd/commands.h"
#include "policy/database.h"
#include "kernel/loader.h"
#include "policy/overlay.h"
#include "policy/policy_data.h"
#include "policy/reason.h"

static const char *lookup_verdict(int verdict)
{
	/* The private program runs in enforce mode: would_block comes only
	 * from foreign-operator = audit, reported but never blocked. */
	return verdict == VERDICT_ALLOW ? "allow" : verdict == VERDICT_BLOCK ? "deny" : "audit";
}

/* What a lookup prints beside the kernel's answer. */
struct lookup_ctx {
	const struct operator_table *ops;
	const struct nat64_list *nat64; /* of the policy the kernel ran */
};

static void print_result(const struct juris_opts *o, const struct lookup_ctx *lc, const char *ip,
			 const struct lookup_result *r)
{
	const struct operator* op = r->asn ? operator_find(lc->ops, r->asn) : NULL;
	bool foreign = r->flags & GEO_F_FOREIGN_OP;
	char v4text[INET_ADDRSTRLEN] = "";
	unsigned char a[16];
	uint8_t v4[4];
	int kind = EMBED4_NONE;

	/* The IPv4 address the kernel judged an IPv6 one by. */
	if (inet_pton(AF_INET6, ip, a) == 1) {
		kind = embedded_ipv4(lc->nat64, a, v4);
		if (kind)
			inet_ntop(AF_INET, v4, v4text, sizeof(v4text));
	}
	/* AS names come from the databases: escaped for each output. */
	char *name = op ? (o->json ? text_utf8_clean(op->name) : text_terminal(op->name)) : NULL;

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
			cJSON_AddStringToObject(obj, "as_org", name ? name : "");
			cJSON_AddStringToObject(obj, "operator_country", r->op_cc);
		}
		cJSON_AddBoolToObject(obj, "foreign_operator", foreign);
		if (kind) {
			cJSON_AddStringToObject(obj, "embedded_ipv4", v4text);
			cJSON_AddStringToObject(obj, "embedding", embed4_kind_name(kind));
		}
		s = cJSON_PrintUnformatted(obj);
		if (s)
			puts(s);
		cJSON_free(s);
		cJSON_Delete(obj);
		free(name);
		return;
	}
	printf("%-39s  %-7s  %-8s  %-7s  %-16s  ", ip, r->country[0] ? r->country : "-",
	       zone_name(r->zone), lookup_verdict(r->verdict), reason_name(r->reason));
	if (r->asn)
		printf("AS%u %s (%s%s)", r->asn, name ? name : "", r->op_cc[0] ? r->op_cc : "?",
		       foreign ? ", foreign" : "");
	else
		printf("-");
	if (kind)
		printf("  [%s %s]", embed4_kind_name(kind), v4text);
	printf("\n");
	free(name);
}

static int lookup_text(const struct juris_opts *o, const struct lookup_ctx *lc,
		       const struct classifier *cls, const char *text)
{
	struct lookup_result r;
	int ret = classifier_run(cls, text, &r);

	if (ret == -EINVAL) {
		fprintf(stderr, "juris: invalid address: %s\n", text);
		return ret;
	}
	if (ret) {
		fprintf(stderr, "juris: cannot run the classifier: %s\n", strerror(-ret));
		return ret;
	}
	print_result(o, lc, text, &r);
	return 0;
}

/* Reads whitespace-separated addresses; a bad one is reported and skipped. */
static int lookup_stdin(const struct juris_opts *o, const struct lookup_ctx *lc,
			const struct classifier *cls)
{
	char word[256];
	int ret = 0;

	while (scanf("%255s", word) == 1) {
		int r = lookup_text(o, lc, cls, word);

		if (r == -EINVAL)
			ret = r;
		else if (r)
			return r;
	}
	return ret;
}

/* The policy of a lookup: the flags, or else that of the running juris. */
static void lookup_config(const struct juris_opts *o, const struct juris_maps *pinned, bool overlay,
			  struct juris_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (pinned && !o->policy_given && !juris_read_config(pinned, cfg)) {
		cfg->mode = MODE_ENFORCE;
		return;
	}
	cfg->mode = MODE_ENFORCE; /* so that "deny" reads as a block */
	cfg->allow_zone = o->policy.allow_zone;
	cfg->unknown_deny = o->policy.unknown_deny;
	cfg->foreign_op = o->policy.foreign_op;
	cfg->overlay = overlay;
	config_set_nat64(cfg, &o->policy.nat64);
}

/* A running juris's maps answer at once, unless the lookup asks for other
 * tables: another database, other zones (--us-adequate), another overlay,
 * or a policy under which the pinned overlay's "foreign" marks differ. */
static bool use_pins(const struct juris_opts *o, struct juris_maps *pinned,
		     struct juris_config *pcfg)
{
	if (o->policy.db || o->policy.us_adequate || o->policy.asn_db || o->policy.n_operators)
		return false;
	if (juris_open_pinned(o->policy.pin_dir, pinned))
		return false;
	if (juris_read_config(pinned, pcfg) ||
	    (pcfg->overlay && o->policy_given && o->policy.allow_zone != pcfg->allow_zone)) {
		juris_maps_close(pinned);
		return false;
	}
	return true;
}

int cmd_lookup(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_maps pinned, *reuse = NULL;
	struct loaded_db db = { 0 };
	struct overlay ov = { 0 };
	struct classifier *cls = NULL;
	struct juris_config cfg, pcfg;
	struct nat64_list nat64;
	struct lookup_ctx lc = { .ops = &ov.ops, .nat64 = &nat64 };
	char err[512];
	int ret = 0;

	(void)exiting; /* a one-shot command: nothing to interrupt */
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
		if (o->policy.n_excepts) {
			close(pinned.fd[MAP_EXCEPT_V4]);
			close(pinned.fd[MAP_EXCEPT_V6]);
			pinned.fd[MAP_EXCEPT_V4] = pinned.fd[MAP_EXCEPT_V6] = -1;
		}
		ret = overlay_operators(&o->policy, &ov.ops, err, sizeof(err));
	} else {
		ret = policy_data_load(&o->policy, false, &db, &ov, err, sizeof(err));
		if (!ret)
			database_warn_age(stderr, db.path, db.info.build_epoch);
	}
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		goto out;
	}
	/* Under the running juris's own policy, its pinned program answers:
	 * no program to load, no verifier, a few milliseconds. */
	if (reuse && !o->policy_given && !o->policy.n_excepts &&
	    !classifier_open_pinned(o->policy.pin_dir, &cls))
		goto classify;
	lookup_config(o, reuse, reuse ? pcfg.overlay : ov.loaded, &cfg);
	config_get_nat64(&cfg, &nat64);
	ret = classifier_load(&o->policy, reuse ? NULL : &db.v4, reuse ? NULL : &db.v6,
			      ov.loaded ? &ov.table : NULL, reuse, &cfg, &cls, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		goto out;
	}
classify:
	if (!o->json)
		printf("%-39s  %-7s  %-8s  %-7s  %-16s  %s\n", "ADDRESS", "COUNTRY", "ZONE",
		       "VERDICT", "REASON", "OPERATOR");
	if (o->n_args == 0) {
		ret = lookup_stdin(o, &lc, cls);
	} else {
		for (int i = 0; i < o->n_args && !ret; i++)
			ret = lookup_text(o, &lc, cls, o->args[i]);
	}
out:
	classifier_free(cls);
	if (reuse)
		juris_maps_close(reuse);
	overlay_free(&ov);
	database_free(&db);
	return ret;
}
