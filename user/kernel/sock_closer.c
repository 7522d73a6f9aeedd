/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Loads and runs the socket iterators that close what a policy switch
 * newly blocks: established connections would otherwise hang until the
 * application times out, their packets dropped one by one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/sock_closer.h"
#include "sock_destroy.skel.h"

static int errorf(char *err, size_t len, int ret, const char *what)
{
	snprintf(err, len, "%s: %s", what, strerror(-ret));
	return ret;
}

int sock_closer_open(struct sock_closer *sc, const struct juris_maps *m, const uint64_t *ids, int n,
		     char *err, size_t errlen)
{
	struct sock_destroy_bpf *s;
	struct bpf_program *p;
	__u8 one = 1;
	int ret;

	memset(sc, 0, sizeof(*sc));
	s = sock_destroy_bpf__open();
	if (!s)
		return errorf(err, errlen, -errno, "cannot open the socket iterators");
	/* The hooks of juris.bpf.c are in this object for their classifier;
	 * they are loaded and attached by juris run, not here. */
	bpf_object__for_each_program(p, s->obj) bpf_program__set_autoload(
		p, p == s->progs.juris_close_tcp || p == s->progs.juris_close_udp);
	/* The live policy is in the pinned maps: share every one of them. */
	for (int i = 0; i < MAP_COUNT; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(s->obj, juris_map_names[i]);

		if (map && m->fd[i] >= 0 && bpf_map__reuse_fd(map, m->fd[i])) {
			ret = -errno;
			sock_destroy_bpf__destroy(s);
			return errorf(err, errlen, ret,
				      "cannot share a pinned map with the "
				      "socket iterators");
		}
	}
	ret = sock_destroy_bpf__load(s);
	if (ret) {
		sock_destroy_bpf__destroy(s);
		return errorf(err, errlen, ret,
			      "cannot load the socket iterators (bpf_sock_destroy "
			      "needs Linux 6.5 or later)");
	}
	for (int i = 0; i < n; i++)
		if (bpf_map_update_elem(bpf_map__fd(s->maps.sd_watched), &ids[i], &one, BPF_ANY)) {
			ret = -errno;
			sock_destroy_bpf__destroy(s);
			return errorf(err, errlen, ret, "cannot fill the watched cgroups");
		}
	sc->tcp = bpf_program__attach_iter(s->progs.juris_close_tcp, NULL);
	sc->udp = sc->tcp ? bpf_program__attach_iter(s->progs.juris_close_udp, NULL) : NULL;
	if (!sc->udp) {
		ret = -errno;
		bpf_link__destroy(sc->tcp);
		sc->tcp = NULL;
		sock_destroy_bpf__destroy(s);
		return errorf(err, errlen, ret, "cannot attach the socket iterators");
	}
	sc->skel = s;
	return 0;
}

/* Runs one iterator to its end; each record it writes is one closed
 * socket's event. */
static int run_one(struct bpf_link *link, sock_closed_fn fn, void *arg, uint64_t *closed)
{
	struct juris_event e;
	size_t have = 0;
	int fd = bpf_iter_create(bpf_link__fd(link)), ret = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t got = read(fd, (char *)&e + have, sizeof(e) - have);

		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			ret = -errno;
			break;
		}
		if (!got)
			break;
		have += (size_t)got;
		if (have == sizeof(e)) {
			(*closed)++;
			if (fn)
				fn(arg, &e);
			have = 0;
		}
	}
	close(fd);
	return ret;
}

int sock_closer_run(struct sock_closer *sc, sock_closed_fn fn, void *arg,
		    struct sock_closer_result *res)
{
	__u32 zero = 0;
	__u64 failed = 0, none = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!sc->skel)
		return -EOPNOTSUPP;
	ret = run_one(sc->tcp, fn, arg, &res->closed);
	if (!ret)
		ret = run_one(sc->udp, fn, arg, &res->closed);
	if (!bpf_map_lookup_elem(bpf_map__fd(sc->skel->maps.sd_failed), &zero, &failed))
		bpf_map_update_elem(bpf_map__fd(sc->skel->maps.sd_failed), &zero, &none, BPF_ANY);
	res->failed = failed;
	return ret;
}

void sock_closer_close(struct sock_closer *sc)
{
	bpf_link__destroy(sc->udp);
	bpf_link__destroy(sc->tcp);
	sock_destroy_bpf__destroy(sc->skel);
	memset(sc, 0, sizeof(*sc));
}
