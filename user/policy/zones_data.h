/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The zone tables of data/zones/, embedded at build time. */
#ifndef JURIS_ZONES_DATA_H
#define JURIS_ZONES_DATA_H

struct embedded_file {
	const char *name; /* file name without .txt */
	const char *text;
};

extern const struct embedded_file zones_data[];
extern const unsigned zones_data_count;

#endif
