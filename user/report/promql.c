/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* PromQL over the Prometheus HTTP API: see promql.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "base/errmsg.h"
#include "report/http_get.h"
#include "report/promql.h"

/* The server's error text goes to a terminal: printable ASCII only. */
static void sanitise(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

/* The "data" object of a successful answer of resultType want. */
static int parse_data(cJSON *root, const char *want, cJSON **result, char *err, size_t errlen)
{
	cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
	cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	cJSON *type = data ? cJSON_GetObjectItemCaseSensitive(data, "resultType") : NULL;

	if (!cJSON_IsString(status))
		return errorf(err, errlen, -EPROTO, "not a Prometheus API answer");
	if (strcmp(status->valuestring, "success")) {
		cJSON *et = cJSON_GetObjectItemCaseSensitive(root, "errorType");
		cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
		char msg[400];

		snprintf(msg, sizeof(msg), "%s: %s", cJSON_IsString(et) ? et->valuestring : "error",
			 cJSON_IsString(e) ? e->valuestring : "(no reason given)");
		sanitise(msg);
		return errorf(err, errlen, -EPROTO, "%s", msg);
	}
	if (!cJSON_IsString(type) || strcmp(type->valuestring, want))
		return errorf(err, errlen, -EPROTO, "answer is not a %s", want);
	*result = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsArray(*result))
		return errorf(err, errlen, -EPROTO, "answer without a result list");
	return 0;
}

static int copy_labels(cJSON *metric, const char *const *labels, int n, char **out)
{
	for (int i = 0; i < n; i++) {
		cJSON *l = cJSON_IsObject(metric)
				   ? cJSON_GetObjectItemCaseSensitive(metric, labels[i])
				   : NULL;

		out[i] = strdup(cJSON_IsString(l) ? l->valuestring : "");
		if (!out[i])
			return -ENOMEM;
	}
	return 0;
}

/* A [time, "value"] pair. Values are strings in the API ("NaN", "+Inf"). */
static int parse_point(cJSON *pair, int64_t *t, double *v)
{
	cJSON *ts = cJSON_GetArrayItem(pair, 0), *val = cJSON_GetArrayItem(pair, 1);
	char *end;

	if (!cJSON_IsArray(pair) || !cJSON_IsNumber(ts) || !cJSON_IsString(val))
		return -EPROTO;
	*t = (int64_t)ts->valuedouble;
	*v = strtod(val->valuestring, &end);
	if (end == val->valuestring || *end || !isfinite(*v))
		*v = 0; /* no increase() for that series: nothing counted */
	return 0;
}

/* Parses body down to its result list (*result, of resultType kind) and
 * allocates *v with one element of elsize per result, zeroed. *root is
 * the caller's to free, whatever this returns. */
static int open_result(const char *body, const char *kind, int n_labels, size_t elsize,
		       cJSON **root, cJSON **result, void **v, char *err, size_t errlen)
{
	int ret;

	*root = NULL;
	if (n_labels > PROM_MAX_LABELS)
		return -EINVAL;
	*root = cJSON_Parse(body);
	if (!*root)
		return errorf(err, errlen, -EPROTO, "answer is not JSON");
	ret = parse_data(*root, kind, result, err, errlen);
	if (ret)
		return ret;
	*v = calloc((size_t)cJSON_GetArraySize(*result) + 1, elsize);
	return *v ? 0 : -ENOMEM;
}

int prom_parse_vector(const char *body, const char *const *labels, int n_labels,
		      struct prom_vector *out, char *err, size_t errlen)
{
	cJSON *root, *result = NULL, *el;
	void *v = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	out->n_labels = n_labels;
	ret = open_result(body, "vector", n_labels, sizeof(*out->v), &root, &result, &v, err,
			  errlen);
	out->v = v;
	if (ret)
		result = NULL;
	cJSON_ArrayForEach(el, result)
	{
		struct prom_sample *s = &out->v[out->n];
		int64_t t;

		if (parse_point(cJSON_GetObjectItemCaseSensitive(el, "value"), &t, &s->value)) {
			ret = errorf(err, errlen, -EPROTO, "malformed sample in the answer");
			break;
		}
		out->n++;
		ret = copy_labels(cJSON_GetObjectItemCaseSensitive(el, "metric"), labels, n_labels,
				  s->label);
		if (ret)
			break;
	}
	cJSON_Delete(root);
	if (ret)
		prom_vector_free(out);
	return ret;
}

int prom_parse_matrix(const char *body, const char *const *labels, int n_labels,
		      struct prom_matrix *out, char *err, size_t errlen)
{
	cJSON *root, *result = NULL, *el, *pt;
	void *v = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	out->n_labels = n_labels;
	ret = open_result(body, "matrix", n_labels, sizeof(*out->v), &root, &result, &v, err,
			  errlen);
	out->v = v;
	if (ret)
		result = NULL;
	cJSON_ArrayForEach(el, result)
	{
		struct prom_series *s = &out->v[out->n++];
		cJSON *values = cJSON_GetObjectItemCaseSensitive(el, "values");
		size_t n = cJSON_IsArray(values) ? (size_t)cJSON_GetArraySize(values) : 0;

		ret = copy_labels(cJSON_GetObjectItemCaseSensitive(el, "metric"), labels, n_labels,
				  s->label);
		s->t = calloc(n + 1, sizeof(*s->t));
		s->value = calloc(n + 1, sizeof(*s->value));
		if (!ret && (!s->t || !s->value))
			ret = -ENOMEM;
		if (ret)
			values = NULL;
		cJSON_ArrayForEach(pt, values)
		{
			if (parse_point(pt, &s->t[s->n], &s->value[s->n])) {
				ret = errorf(err, errlen, -EPROTO, "malformed point in the answer");
				break;
			}
			s->n++;
		}
		if (ret)
			break;
	}
	cJSON_Delete(root);
	if (ret)
		prom_matrix_free(out);
	return ret;
}

/* GETs base/api/v1/PATH?query=...&rest and checks the answer came. */
static int api_get(const char *base, const char *path, const char *q, const char *rest, char **body,
		   char *err, size_t errlen)
{
	char *eq = http_escape(q), *url = NULL;
	size_t blen = strlen(base), len;
	long status;
	int ret;

	while (blen && base[blen - 1] == '/')
		blen--;
	if (!eq ||
	    asprintf(&url, "%.*s/api/v1/%s?query=%s%s", (int)blen, base, path, eq, rest) < 0) {
		free(eq);
		return -ENOMEM;
	}
	free(eq);
	ret = http_get(url, body, &len, &status, err, errlen);
	free(url);
	/* 400 and 422 carry the API's own error in JSON: the parser says it. */
	if (!ret && status != 200 && status != 400 && status != 422) {
		free(*body);
		*body = NULL;
		return errorf(err, errlen, -EPROTO, "HTTP status %ld", status);
	}
	return ret;
}

int prom_query(const char *base, const char *q, int64_t at, const char *const *labels, int n_labels,
	       struct prom_vector *out, char *err, size_t errlen)
{
	char rest[64], *body = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(rest, sizeof(rest), "&time=%" PRId64, at);
	ret = api_get(base, "query", q, rest, &body, err, errlen);
	if (!ret)
		ret = prom_parse_vector(body, labels, n_labels, out, err, errlen);
	free(body);
	return ret;
}

int prom_query_range(const char *base, const char *q, int64_t start, int64_t end, int64_t step,
		     const char *const *labels, int n_labels, struct prom_matrix *out, char *err,
		     size_t errlen)
{
	char rest[128], *body = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(rest, sizeof(rest), "&start=%" PRId64 "&end=%" PRId64 "&step=%" PRId64, start, end,
		 step);
	ret = api_get(base, "query_range", q, rest, &body, err, errlen);
	if (!ret)
		ret = prom_parse_matrix(body, labels, n_labels, out, err, errlen);
	free(body);
	return ret;
}

void prom_vector_free(struct prom_vector *v)
{
	for (size_t i = 0; v->v && i < v->n; i++)
		for (int l = 0; l < v->n_labels; l++)
			free(v->v[i].label[l]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void prom_matrix_free(struct prom_matrix *m)
{
	for (size_t i = 0; m->v && i < m->n; i++) {
		for (int l = 0; l < m->n_labels; l++)
			free(m->v[i].label[l]);
		free(m->v[i].t);
		free(m->v[i].value);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
