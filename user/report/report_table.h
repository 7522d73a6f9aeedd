/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The table printer of juris report. */
#ifndef JURIS_REPORT_TABLE_H
#define JURIS_REPORT_TABLE_H

#include <stdio.h>
#include "report/report.h"

int report_print_table(FILE *out, const struct report *r, int width);

#endif
