/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The one-line error reasons that functions hand back to their callers. */
#ifndef JURIS_ERRMSG_H
#define JURIS_ERRMSG_H

#include <stddef.h>

/* Formats a reason into err and returns ret (a negative errno), so that an
 * error path reads `return errorf(err, len, -ENOENT, "no %s", what);`. */
int errorf(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
