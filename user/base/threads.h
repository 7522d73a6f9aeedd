/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Work beside the caller's own: a function on a second thread, for the
 * load's independent halves (the machine has at least two cores). */
#ifndef JURIS_THREADS_H
#define JURIS_THREADS_H

#include <pthread.h>
#include <stdbool.h>

struct beside {
	pthread_t thread;
	bool threaded; /* false: fn already ran in the caller's thread */
};

/* Starts fn(arg) on a new thread, or runs it at once when none can start. */
void beside_start(struct beside *b, void *(*fn)(void *), void *arg);

/* Waits for fn to end. */
void beside_join(struct beside *b);

#endif
