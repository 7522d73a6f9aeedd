/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The table printer of juris report. */
#ifndef JURIS_REPORT_TABLE_H
#define JURIS_REPORT_TABLE_H

#include <limits.h>
#include <stdio.h>
#include "report/report.h"

int report_print_table(FILE *out, const struct report *r, int width);

/* The width a table may take on fd: $COLUMNS when set (a positive
 * number), else the terminal's; outside a terminal REPORT_WIDTH_ANY, so
 * that output read by grep or a script never has a value cut. */
#define REPORT_WIDTH_ANY INT_MAX
int report_output_width(int fd);

#endif
