/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The report's formats and views, as the command line spells them. */
#ifndef JURIS_REPORT_NAMES_H
#define JURIS_REPORT_NAMES_H

enum report_format {
	REPORT_TABLE,
	REPORT_JSON,
	REPORT_CSV,
	REPORT_HTML,
	REPORT_FORMAT_MAX,
};

enum report_by {
	BY_ZONE,
	BY_COUNTRY,
	BY_FLOW,
	BY_PROCESS,
	BY_CGROUP,
	BY_OPERATOR,
	BY_HOST, /* juris report --prometheus only */
	BY_MAX,
};

const char *report_format_name(int format);
const char *report_by_name(int by);
/* Each returns the value or -EINVAL. */
int parse_report_format(const char *s);
int parse_report_by(const char *s);

#endif
