/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The two policy slots: fill the idle one beside the live one, then switch
 * with one write, so that no packet meets a half-loaded table. */
#ifndef JURIS_SLOTS_H
#define JURIS_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "juris.h"
#include "policy/compile.h"
#include "policy/overlay.h"
#include "policy/policy.h"

struct juris_maps;

/* The tables of one policy. */
struct slot_tables {
	const struct prefix_list *v4, *v6;
	const struct except_cidr *excepts;
	int n_excepts;
	const struct oper_table *oper; /* NULL: no operator overlay */
};

/* Creates the tables of t at their size, installs them in slot of the
 * outer maps of m (geo, exceptions, operators) and fills them. On error
 * the slot is left empty, nothing else changed, and err holds a one-line
 * reason (a database over DIR-24-8's limits says which). */
int slot_install(const struct juris_maps *m, __u32 slot, const struct slot_tables *t, char *err,
		 size_t errlen);

/* Installs only the exception tries of v in slot. */
int slot_install_cidrs(int outer4, int outer6, __u32 slot, const struct except_cidr *v, int n);

/* Removes the tables of slot (the kernel frees them once unused). */
void slot_clear(const struct juris_maps *m, __u32 slot);

int slot_active(const struct juris_maps *m, __u32 *slot);

/* Makes slot live: writes its config, flips the index, waits until no
 * program can still be reading the old slot, then empties it. */
int slot_switch(const struct juris_maps *m, __u32 slot, const struct juris_config *cfg);

/* Returns once every BPF program that was running has finished (an RCU
 * grace period): none still reads what was there before. */
void slot_wait_readers(void);

#endif
