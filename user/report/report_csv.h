/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The CSV printer of juris report. */
#ifndef JURIS_REPORT_CSV_H
#define JURIS_REPORT_CSV_H

#include <stdio.h>
#include "report/report.h"

int report_print_csv(FILE *out, const struct report *r, int width);

#endif
