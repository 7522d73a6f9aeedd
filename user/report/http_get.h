/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* HTTP GET of a whole answer into memory, through libcurl. */
#ifndef JURIS_HTTP_GET_H
#define JURIS_HTTP_GET_H

#include <stddef.h>

#define HTTP_GET_MAX_BYTES (256u << 20) /* a larger answer is refused */
#define HTTP_GET_TIMEOUT_S 60

/* GETs url (http or https only, no redirects); *body is malloc'd and
 * NUL-terminated, *status the HTTP status. A transport failure or an answer
 * over HTTP_GET_MAX_BYTES is an error, with a one-line reason in err; an
 * HTTP error status is not (the caller reads the body). */
int http_get(const char *url, char **body, size_t *len, long *status, char *err, size_t errlen);

/* url-encodes s for a query string; malloc'd, NULL when out of memory. */
char *http_escape(const char *s);

#endif
