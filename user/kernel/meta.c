/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The userspace-only meta map: what status needs without the daemon. */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include "kernel/meta.h"

void juris_meta_policy(struct juris_meta *meta, const struct juris_policy *pol, const char *db_path,
		       const struct geodb_info *db, size_t n4, size_t n6)
{
	snprintf(meta->db_path, sizeof(meta->db_path), "%s", db_path);
	snprintf(meta->db_type, sizeof(meta->db_type), "%s", db->type);
	meta->db_build_epoch = db->build_epoch;
	meta->db_file_size = db->file_size;
	meta->prefixes_v4 = n4;
	meta->prefixes_v6 = n6;
	meta->n_excepts = pol->n_excepts;
	meta->us_adequate = pol->us_adequate;
}

int juris_write_meta(const struct juris_maps *m, const struct juris_meta *meta)
{
	__u32 zero = 0;

	return bpf_map_update_elem(m->fd[MAP_META], &zero, meta, BPF_ANY) ? -errno : 0;
}

int juris_read_meta(const struct juris_maps *m, struct juris_meta *meta)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->fd[MAP_META], &zero, meta) ? -errno : 0;
}
