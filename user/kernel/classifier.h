/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The kernel's own egress program as a classifier, for juris lookup. */
#ifndef JURIS_CLASSIFIER_H
#define JURIS_CLASSIFIER_H

#include <stddef.h>
#include "juris.h"
#include "kernel/maps.h"
#include "policy/overlay.h"
#include "policy/policy.h"
#include "policy/prefix.h"

struct lookup_result {
	char country[3];
	int zone;
	int verdict;
	__u32 asn; /* 0 unless a listed operator announces it */
	char op_cc[3];
	int flags;  /* GEO_F_* */
	int reason; /* enum juris_reason */
};

struct classifier;

/* A private copy of the programs under cfg (nothing attached or pinned),
 * with the given tables, or those of reuse (a running juris's) when not
 * NULL. On error err holds a one-line reason. */
int classifier_load(const struct juris_policy *pol, const struct prefix_list *v4,
		    const struct prefix_list *v6, const struct oper_table *oper,
		    const struct juris_maps *reuse, const struct juris_config *cfg,
		    struct classifier **out, char *err, size_t errlen);

/* The running juris's own pinned egress program under dir, as it is: no
 * program to load, no verifier, a few milliseconds. -errno when none is
 * pinned there. */
int classifier_open_pinned(const char *dir, struct classifier **out);

/* Classifies the address text, as a dry run (the program counts nothing,
 * CB_DRY_RUN in juris.h). -EINVAL when it is not an address. */
int classifier_run(const struct classifier *c, const char *text, struct lookup_result *r);

void classifier_free(struct classifier *c);

#endif
