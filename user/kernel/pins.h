/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Removing an instance's pins, and telling whether a daemon owns them. */
#ifndef JURIS_PINS_H
#define JURIS_PINS_H

#include <stdbool.h>
#include <stddef.h>

#define DEFAULT_PIN_DIR "/sys/fs/bpf/juris"

/* Detaches every pinned link and tc filter, and removes the pins and dir.
 * On error err (when not NULL) holds a one-line reason. */
int juris_remove_pins(const char *dir, char *err, size_t errlen);

/* True while a juris run daemon owns the pin directory. */
bool juris_daemon_alive(const char *dir);

#endif
