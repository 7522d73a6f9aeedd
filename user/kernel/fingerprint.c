/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Fingerprints of the inputs of pinned state: the database and policy (a
 * reload changes them), and the layout (only a restart changes it). */
#include <string.h>
#include <sys/stat.h>
#include "kernel/fingerprint.h"
#include "policy/overlay.h"

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t juris_policy_hash(const struct juris_policy *pol, const char *db_path)
{
	uint64_t h = 0xcbf29ce484222325ull;
	char path[4096];
	bool explicit;
	struct stat st;
	int policy[5] = { pol->mode, pol->allow_zone, pol->unknown_deny, pol->us_adequate,
			  pol->foreign_op };

	h = fnv1a(h, db_path, strlen(db_path));
	if (!stat(db_path, &st)) {
		h = fnv1a(h, &st.st_size, sizeof(st.st_size));
		h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
	}
	h = fnv1a(h, policy, sizeof(policy));
	for (int i = 0; i < pol->n_excepts; i++)
		h = fnv1a(h, &pol->excepts[i], sizeof(pol->excepts[i]));
	/* The ASN database in force, by name and by content (size, mtime). */
	if (!overlay_path(pol, path, sizeof(path), &explicit)) {
		h = fnv1a(h, path, strlen(path) + 1);
		if (!stat(path, &st)) {
			h = fnv1a(h, &st.st_size, sizeof(st.st_size));
			h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
		}
	}
	for (int i = 0; i < pol->n_operators; i++)
		h = fnv1a(h, pol->operators[i], strlen(pol->operators[i]) + 1);
	for (int i = 0; i < pol->n_except_domains; i++)
		h = fnv1a(h, pol->except_domains[i], strlen(pol->except_domains[i]) + 1);
	return h;
}

uint64_t juris_layout_hash(const struct juris_policy *pol, const struct cgroup_target *cg, int n_cg,
			   const struct gw_plan *gw)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t format = JURIS_PIN_FORMAT;

	h = fnv1a(h, &format, sizeof(format));
	h = fnv1a(h, &pol->flow_table, sizeof(pol->flow_table));
	/* The cgroups by path, not id: a unit restarted by systemd gets a new
	 * cgroup (a new id) at the same path, and the next juris run adopts
	 * the pins and attaches to it (cgroup_hooks_repair). */
	for (int i = 0; i < n_cg; i++)
		h = fnv1a(h, cg[i].path, strlen(cg[i].path) + 1);
	for (int i = 0; i < pol->n_sources; i++)
		h = fnv1a(h, &pol->sources[i], sizeof(pol->sources[i]));
	for (int i = 0; gw && i < gw->n_uplinks; i++)
		h = fnv1a(h, &gw->uplinks[i].ifindex, sizeof(gw->uplinks[i].ifindex));
	for (int i = 0; gw && i < gw->n_inside; i++)
		h = fnv1a(h, &gw->inside[i].ifindex, sizeof(gw->inside[i].ifindex));
	return h;
}
