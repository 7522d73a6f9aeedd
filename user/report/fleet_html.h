/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --prometheus --format html: the fleet's page. */
#ifndef JURIS_FLEET_HTML_H
#define JURIS_FLEET_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "report/fleet.h"

/* The fleet page of --format html. */
int fleet_print_html(FILE *out, const struct fleet_query *q, uint32_t top, char *err,
		     size_t errlen);

#endif
