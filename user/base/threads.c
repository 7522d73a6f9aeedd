/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* See beside.h. */
#include "base/threads.h"

void beside_start(struct beside *b, void *(*fn)(void *), void *arg)
{
	b->threaded = !pthread_create(&b->thread, NULL, fn, arg);
	if (!b->threaded)
		fn(arg);
}

void beside_join(struct beside *b)
{
	if (b->threaded)
		pthread_join(b->thread, NULL);
}
