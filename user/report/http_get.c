/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* HTTP GET through libcurl: TLS, proxies (the usual environment variables)
 * and HTTP/1.1 details are its job, not ours. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "base/errmsg.h"
#include "report/http_get.h"

struct sink {
	char *buf;
	size_t len, cap;
	int overflow;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;

	if (s->len + add + 1 > HTTP_GET_MAX_BYTES) {
		s->overflow = 1;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if (s->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		char *b;

		while (cap < s->len + add + 1)
			cap *= 2;
		b = realloc(s->buf, cap);
		if (!b)
			return 0;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, add);
	s->len += add;
	s->buf[s->len] = 0;
	return add;
}

char *http_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *copy = e ? strdup(e) : NULL;

	curl_free(e);
	return copy;
}

int http_get(const char *url, char **body, size_t *len, long *status, char *err, size_t errlen)
{
	struct sink s = { 0 };
	CURL *c = curl_easy_init();
	CURLcode rc;

	*body = NULL;
	*len = 0;
	*status = 0;
	if (!c)
		return errorf(err, errlen, -ENOMEM, "cannot start libcurl");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)HTTP_GET_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "juris-report");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* gzip when offered */
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		free(s.buf);
		if (s.overflow)
			return errorf(err, errlen, -EFBIG, "answer larger than %u MiB",
				      HTTP_GET_MAX_BYTES >> 20);
		return errorf(err, errlen, -EIO, "%s", curl_easy_strerror(rc));
	}
	if (!s.buf) {
		s.buf = strdup("");
		if (!s.buf)
			return -ENOMEM;
	}
	*body = s.buf;
	*len = s.len;
	return 0;
}
