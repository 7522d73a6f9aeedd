/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The one-line error reasons that functions hand back to their callers. */
#include <stdarg.h>
#include <stdio.h>
#include "base/errmsg.h"

int errorf(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return ret;
}
