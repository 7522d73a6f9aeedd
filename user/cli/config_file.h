/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The policy file: "key = value" lines, the keys being the long options of
 * juris run. Only the syntax is here; options.c gives the keys meaning. */
#ifndef JURIS_CONFIG_FILE_H
#define JURIS_CONFIG_FILE_H

#include <stddef.h>

#define DEFAULT_CONFIG "/etc/juris/juris.conf"
#define CONFIG_MAX_BYTES (1 << 20) /* a policy, not a database */

struct config_entry {
	const char *key;   /* '_' folded to '-' */
	const char *value; /* surrounding double quotes removed */
	int line;
};

struct config_file {
	char path[4096];
	char *text; /* owns the strings of v */
	struct config_entry *v;
	int n;
};

/* Parses text (len bytes, need not be NUL-terminated) named path in
 * messages. On error returns -EINVAL with "PATH:LINE: problem" in err. */
int config_file_parse(const char *text, size_t len, const char *path, struct config_file *f,
		      char *err, size_t errlen);

/* Reads and parses path. -ENOENT (with err set) when it does not exist. */
int config_file_read(const char *path, struct config_file *f, char *err, size_t errlen);

void config_file_free(struct config_file *f);

#endif
