/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Escaping of hostile text, one function per output kind. The UTF-8 decoder
 * is hand-rolled: glibc's mbrtowc() depends on the process's locale and
 * accepts what a strict JSON parser refuses in some glibc versions (it is
 * the locale's view, not RFC 3629's), and a dozen lines decide it exactly. */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "base/text_escape.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

int text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	int len;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* A growing output buffer; out of memory sticks until the end. */
struct sbuf {
	char *p;
	size_t n, cap;
	bool failed;
};

static void put(struct sbuf *b, const void *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static char *done(struct sbuf *b)
{
	if (!b->failed && !b->p)
		put(b, "", 0);
	if (b->failed) {
		free(b->p);
		return NULL;
	}
	return b->p;
}

char *text_utf8_clean(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);
	struct sbuf b = {};

	while (n) {
		uint32_t cp;
		int len = text_utf8_decode(s, n, &cp);

		if (len)
			put(&b, s, (size_t)len);
		else
			put(&b, REPLACEMENT, 3);
		len = len ? len : 1;
		s += len;
		n -= (size_t)len;
	}
	return done(&b);
}

/* wcwidth() answers for the thread's locale: C.UTF-8, whatever the
 * process runs under, so that widths do not depend on the environment. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Columns of cp, -1 when it is not printable. Without a C.UTF-8 locale,
 * every printable code point counts one column. */
static int cp_width(uint32_t cp)
{
	locale_t old;
	int w;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return -1;
	/* Bidirectional overrides and isolates reorder what follows them
	 * ("Trojan Source"): shown, never applied. */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return -1;
	pthread_once(&utf8_once, utf8_locale_init);
	if (!utf8_locale)
		return 1;
	old = uselocale(utf8_locale);
	w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w;
}

char *text_terminal(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);
	struct sbuf b = {};
	char esc[16];

	while (n) {
		uint32_t cp;
		int len = text_utf8_decode(s, n, &cp);

		if (!len) {
			snprintf(esc, sizeof(esc), "\\x%02x", *s);
			put(&b, esc, 4);
			len = 1;
		} else if (cp == '\\') {
			put(&b, "\\\\", 2);
		} else if (cp < 0x80 && cp_width(cp) < 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", cp);
			put(&b, esc, 4);
		} else if (cp_width(cp) < 0) {
			put(&b, esc, (size_t)snprintf(esc, sizeof(esc), "\\u{%04x}", cp));
		} else {
			put(&b, s, (size_t)len);
		}
		s += len;
		n -= (size_t)len;
	}
	return done(&b);
}

size_t text_cut(const char *str, int cols, int *used)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), off = 0;
	int width = 0;

	while (off < n) {
		uint32_t cp;
		int len = text_utf8_decode(s + off, n - off, &cp), w;

		/* Not from text_terminal(): one column per byte, as shown. */
		w = len ? cp_width(cp) : 1;
		if (w < 0)
			w = 1;
		len = len ? len : 1;
		if (width + w > cols)
			break;
		width += w;
		off += (size_t)len;
	}
	if (used)
		*used = width;
	return off;
}

int text_width(const char *s)
{
	int w;

	text_cut(s, 1 << 30, &w);
	return w;
}

int text_csv_field(FILE *out, const char *str)
{
	char *s = text_utf8_clean(str);
	bool formula = strchr("=+-@\t\r", str[0]) && str[0];

	if (!s)
		return -ENOMEM;
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		free(s);
		return 0;
	}
	fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
	free(s);
	return 0;
}

const char *text_syslog(const char *str, char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), o = 0;
	char esc[8];

	if (len < 3) {
		if (len)
			buf[0] = 0;
		return buf;
	}
	buf[o++] = '"';
	while (n) {
		uint32_t cp;
		int l = text_utf8_decode(s, n, &cp);
		const char *piece = esc;
		size_t plen;

		if (!l) {
			snprintf(esc, sizeof(esc), "\\x%02x", *s);
			l = 1;
		} else if (cp == '"' || cp == '\\') {
			snprintf(esc, sizeof(esc), "\\%c", (char)cp);
		} else if (cp < 0x80 && cp_width(cp) < 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", cp);
		} else if (cp_width(cp) < 0) {
			/* C1 controls and bidi overrides, byte by byte. */
			if (o + 4 * (size_t)l + 2 > len)
				break;
			for (int i = 0; i < l; i++, o += 4)
				snprintf(buf + o, 5, "\\x%02x", s[i]);
			s += l;
			n -= (size_t)l;
			continue;
		} else {
			piece = (const char *)s;
			esc[0] = 0;
		}
		plen = piece == esc ? strlen(esc) : (size_t)l;
		/* Room for the piece, the closing quote and the NUL. */
		if (o + plen + 2 > len)
			break;
		memcpy(buf + o, piece, plen);
		o += plen;
		s += l;
		n -= (size_t)l;
	}
	buf[o++] = '"';
	buf[o] = 0;
	return buf;
}
