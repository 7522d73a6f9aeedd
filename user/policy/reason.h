/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Names of enum juris_reason, as reports, events and juris lookup print them. */
#ifndef JURIS_REASON_H
#define JURIS_REASON_H

/* "zone", "unknown", "foreign_operator", "exception", "domain_exception",
 * "local"; "?" for a value this build does not know. */
const char *reason_name(int reason);

#endif
