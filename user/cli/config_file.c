/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Policy file syntax. Hand-written because the format is four rules
 * (comments, blank lines, key = value, optional quotes) that a general
 * INI or TOML library would loosen: no sections, no types, no escapes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/config_file.h"
#include "base/errmsg.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* A '#' at the start of a line or after a blank begins a comment, so that
 * a value may still hold one ("unit#1" stays whole). */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = 0;
			return;
		}
}

static int parse_line(char *s, int line, const char *path, struct config_file *f, char *err,
		      size_t errlen)
{
	char *eq, *key, *value;
	size_t vlen;

	strip_comment(s);
	s = trim(s);
	if (!*s)
		return 0;
	eq = strchr(s, '=');
	if (!eq)
		return errorf(err, errlen, -EINVAL, "%s:%d: expected key = value: %s", path, line,
			      s);
	*eq = 0;
	key = trim(s);
	value = trim(eq + 1);
	if (!*key)
		return errorf(err, errlen, -EINVAL, "%s:%d: missing key before '='", path, line);
	for (char *p = key; *p; p++) {
		if (*p == '_')
			*p = '-';
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
			return errorf(err, errlen, -EINVAL, "%s:%d: invalid key: %s", path, line,
				      key);
	}
	vlen = strlen(value);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value[vlen - 1] = 0;
		value++;
	} else if (strchr(value, '"')) {
		return errorf(err, errlen, -EINVAL, "%s:%d: unbalanced quote in the value of %s",
			      path, line, key);
	}
	if (!*value)
		return errorf(err, errlen, -EINVAL, "%s:%d: missing value for %s", path, line, key);
	f->v[f->n++] = (struct config_entry){ .key = key, .value = value, .line = line };
	return 0;
}

int config_file_parse(const char *text, size_t len, const char *path, struct config_file *f,
		      char *err, size_t errlen)
{
	int lines = 1, ret = 0, line = 0;
	char *s, *next;

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	if (len > CONFIG_MAX_BYTES)
		return errorf(err, errlen, -EFBIG, "%s: larger than %d bytes: not a policy file",
			      path, CONFIG_MAX_BYTES);
	if (memchr(text, 0, len))
		return errorf(err, errlen, -EINVAL, "%s: contains a NUL byte: not a text file",
			      path);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	f->text = malloc(len + 1);
	f->v = calloc((size_t)lines, sizeof(*f->v));
	if (!f->text || !f->v) {
		config_file_free(f);
		return errorf(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	memcpy(f->text, text, len);
	f->text[len] = 0;
	for (s = f->text; s && !ret; s = next) {
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		ret = parse_line(s, ++line, path, f, err, errlen);
	}
	if (ret)
		config_file_free(f);
	return ret;
}

int config_file_read(const char *path, struct config_file *f, char *err, size_t errlen)
{
	FILE *in = fopen(path, "re");
	char *buf;
	size_t n;
	int ret;

	memset(f, 0, sizeof(*f));
	if (!in)
		return errorf(err, errlen, -errno, "cannot read policy file %s: %s", path,
			      strerror(errno));
	buf = malloc(CONFIG_MAX_BYTES + 1);
	if (!buf) {
		fclose(in);
		return errorf(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	n = fread(buf, 1, CONFIG_MAX_BYTES + 1, in);
	if (ferror(in)) {
		ret = errorf(err, errlen, -EIO, "cannot read policy file %s: %s", path,
			     strerror(errno));
	} else {
		ret = config_file_parse(buf, n, path, f, err, errlen);
	}
	free(buf);
	fclose(in);
	return ret;
}

void config_file_free(struct config_file *f)
{
	free(f->text);
	free(f->v);
	f->text = NULL;
	f->v = NULL;
	f->n = 0;
}
