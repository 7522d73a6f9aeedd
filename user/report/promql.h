/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Queries to a Prometheus-compatible HTTP API (/api/v1/query and
 * /api/v1/query_range: Prometheus, Thanos, Mimir, VictoriaMetrics) and their
 * answers, parsed with cJSON. */
#ifndef JURIS_PROMQL_H
#define JURIS_PROMQL_H

#include <stddef.h>
#include <stdint.h>

#define PROM_MAX_LABELS 8

/* One element of an instant vector: the values of the labels asked for
 * ("" when the series has none), and its value. */
struct prom_sample {
	char *label[PROM_MAX_LABELS]; /* malloc'd; untrusted text */
	double value;
};

struct prom_vector {
	struct prom_sample *v;
	size_t n;
	int n_labels;
};

/* One series of a range query: its labels and (time, value) points. */
struct prom_series {
	char *label[PROM_MAX_LABELS];
	int64_t *t;
	double *value;
	size_t n;
};

struct prom_matrix {
	struct prom_series *v;
	size_t n;
	int n_labels;
};

/* The instant query q at time at (seconds since the epoch) against the
 * API at base (http://host:9090, or a path prefix before /api/v1). The
 * labels named in labels[0..n_labels) are kept. err gets one line: the
 * transport's error, or the server's own ("bad_data: ...", sanitised). */
int prom_query(const char *base, const char *q, int64_t at, const char *const *labels, int n_labels,
	       struct prom_vector *out, char *err, size_t errlen);

/* The range query q from start to end every step seconds. */
int prom_query_range(const char *base, const char *q, int64_t start, int64_t end, int64_t step,
		     const char *const *labels, int n_labels, struct prom_matrix *out, char *err,
		     size_t errlen);

void prom_vector_free(struct prom_vector *v);
void prom_matrix_free(struct prom_matrix *m);

/* Parses an API answer (the JSON body): exposed for the unit tests. */
int prom_parse_vector(const char *body, const char *const *labels, int n_labels,
		      struct prom_vector *out, char *err, size_t errlen);
int prom_parse_matrix(const char *body, const char *const *labels, int n_labels,
		      struct prom_matrix *out, char *err, size_t errlen);

#endif
