/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Escaping of hostile text (process and cgroup names, DNS and AS names):
 * one function per output kind, so that each output escapes in one place. */
#ifndef JURIS_TEXT_ESCAPE_H
#define JURIS_TEXT_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The code point of the UTF-8 sequence at s (at most n bytes): its length,
 * or 0 when the bytes there are not a valid, shortest-form sequence of a
 * Unicode scalar value (surrogates and values past U+10FFFF are invalid). */
int text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* JSON (NDJSON events, report --format json, lookup --json): s with every
 * invalid UTF-8 sequence replaced by U+FFFD, so that strict parsers keep
 * the line; cJSON then escapes the control characters. malloc'd (NULL:
 * out of memory). */
char *text_utf8_clean(const char *s);

/* Terminal (report table, top): s where nothing can move the cursor, erase
 * or forge a line: control characters (C0, DEL, C1), bidirectional
 * overrides, non-printable code points and invalid bytes are shown as
 * \xHH or \u{HHHH}, a backslash as \\. malloc'd (NULL: out of memory). */
char *text_terminal(const char *s);

/* Display columns of a string text_terminal() returned: wide characters
 * take two, combining ones none (wcwidth() in C.UTF-8). */
int text_width(const char *s);

/* Bytes of the longest prefix of s (from text_terminal()) that fits in cols
 * columns, whole characters only; *used gets its width. */
size_t text_cut(const char *s, int cols, int *used);

/* CSV (RFC 4180): s as one field, quoted when it holds a comma, quote, CR
 * or LF, with a leading ' when it begins with = + - @ TAB or CR, so that
 * spreadsheet software never runs it as a formula (OWASP's CSV injection
 * advice); invalid UTF-8 becomes U+FFFD. Returns 0 or -ENOMEM. */
int text_csv_field(FILE *out, const char *s);

/* Syslog: s between double quotes, with control characters, invalid bytes,
 * the quote and the backslash as \xHH, \" and \\, so that no name can end
 * its field, start a line or forge another field. Truncated to fit len. */
const char *text_syslog(const char *s, char *buf, size_t len);

#endif
