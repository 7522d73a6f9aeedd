/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The pinned map dns_names: address -> the name an application looked up,
 * written by the daemon, read by juris report and juris top (also after the
 * daemon is gone). */
#ifndef JURIS_DNS_NAMES_H
#define JURIS_DNS_NAMES_H

#include <stddef.h>
#include "kernel/flow_read.h"

/* The name of flow f's destination into buf ("" when none): the answer
 * must have been valid when the flow started. fd_ptr points to the map's
 * descriptor (the report_input.domain_of signature). Returns 0 or -ENOENT. */
int dns_names_of_flow(void *fd_ptr, const struct flow_entry *f, char *buf, size_t len);

#endif
