/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Closes the open sockets that a policy switch newly blocks (socket
 * iterators with bpf_sock_destroy(), bpf/sock_destroy.bpf.c). */
#ifndef JURIS_SOCK_CLOSER_H
#define JURIS_SOCK_CLOSER_H

#include <stddef.h>
#include <stdint.h>
#include "juris.h"
#include "kernel/maps.h"

struct sock_destroy_bpf;
struct bpf_link;

struct sock_closer {
	struct sock_destroy_bpf *skel; /* NULL: not available on this kernel */
	struct bpf_link *tcp, *udp;
};

/* What one pass closed. */
struct sock_closer_result {
	uint64_t closed; /* sockets closed, one event each */
	uint64_t failed; /* sockets bpf_sock_destroy() refused */
};

/* Loads the iterators on the pinned maps m (they judge with the live
 * policy) for the sockets of the cgroups ids[0..n) and below. Needs the
 * privileges of juris run's start (CAP_BPF, CAP_PERFMON): call it before
 * they are dropped; the passes need none. Returns 0 or a negative errno,
 * with err saying why (a kernel before 6.5 has no bpf_sock_destroy()). */
int sock_closer_open(struct sock_closer *sc, const struct juris_maps *m, const uint64_t *ids, int n,
		     char *err, size_t errlen);

/* Called with each socket closed, as the event it makes. */
typedef void (*sock_closed_fn)(void *arg, const struct juris_event *e);

/* One pass over the TCP and UDP sockets of every network namespace's
 * tables reachable from this one: closes those of watched cgroups whose
 * destination the live policy blocks. Returns 0 or a negative errno. */
int sock_closer_run(struct sock_closer *sc, sock_closed_fn fn, void *arg,
		    struct sock_closer_result *res);

void sock_closer_close(struct sock_closer *sc);

#endif
