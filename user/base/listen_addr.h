/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Listening addresses given as [ADDR:]PORT. */
#ifndef JURIS_LISTEN_ADDR_H
#define JURIS_LISTEN_ADDR_H

#include <sys/socket.h>

/* Parses PORT (bound to 127.0.0.1, so that nothing is exposed by
 * accident), ADDR:PORT or [IPV6]:PORT. Returns 0 or -EINVAL. */
int listen_addr_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len);

#endif
