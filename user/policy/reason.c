/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Names of enum juris_reason: why a flow has its verdict. */
#include "juris.h"
#include "policy/reason.h"

const char *reason_name(int reason)
{
	static const char *const names[REASON_MAX] = {
		[REASON_ZONE] = "zone",
		[REASON_UNKNOWN] = "unknown",
		[REASON_FOREIGN_OP] = "foreign_operator",
		[REASON_EXCEPTION] = "exception",
		[REASON_DOMAIN_EXCEPTION] = "domain_exception",
		[REASON_LOCAL] = "local",
	};

	return reason >= 0 && reason < REASON_MAX ? names[reason] : "?";
}
