/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Names of the report's formats and views. */
#include <errno.h>
#include <string.h>
#include "report/report_names.h"

static const char *const format_names[REPORT_FORMAT_MAX] = {
	"table",
	"json",
	"csv",
	"html",
};
static const char *const by_names[BY_MAX] = {
	"zone", "country", "flow", "process", "cgroup", "operator", "host",
};

const char *report_format_name(int format)
{
	return format >= 0 && format < REPORT_FORMAT_MAX ? format_names[format] : "invalid";
}

const char *report_by_name(int by)
{
	return by >= 0 && by < BY_MAX ? by_names[by] : "invalid";
}

static int index_of(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -EINVAL;
}

int parse_report_format(const char *s)
{
	return index_of(format_names, REPORT_FORMAT_MAX, s);
}

int parse_report_by(const char *s)
{
	return index_of(by_names, BY_MAX, s);
}
