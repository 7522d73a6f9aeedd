/* The two policy slots: fill the idle one beside the live one, then switch
 * with one write, so that no packet meets a half-loaded table. */
#ifndef JURIS_SLOTS_H
#define JURIS_SLOTS_H

#include <stddef.h>
#include "juris.h"
#include "compile.h"
#include "options.h"

struct juris_maps;

/* The tables of one policy. */
struct slot_tables {
	const struct prefix_list *v4, *v6;
	const struct except_cidr *excepts;
	int n_excepts;
};

/* Creates the tries of t at their size, fills them and installs them in
 * slot of the outer maps (geo and exceptions). On error the slot is left
 * empty and nothing else changed. */
int slot_install(int geo4, int geo6, int except4, int except6, __u32 slot,
		 const struct slot_tables *t);

/* Installs only the exception tries of v in slot. */
int slot_install_cidrs(int outer4, int outer6, __u32 slot, const struct except_cidr *v, int n);

/* Removes the tables of slot (the kernel frees them once unused). */
void slot_clear(const struct juris_maps *m, __u32 slot);

int slot_active(const struct juris_maps *m, __u32 *slot);

/* Makes slot live: writes its config, flips the index, waits until no
 * program can still be reading the old slot, then empties it. */
int slot_switch(const struct juris_maps *m, __u32 slot, const struct juris_config *cfg);

#endif
