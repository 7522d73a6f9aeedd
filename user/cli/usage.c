/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris --help and juris COMMAND --help, from the option table. */
#include <stdio.h>
#include <string.h>
#include "cli/option_table.h"
#include "cli/usage.h"

void usage(const char *command)
{
	unsigned mask = FOR_ALL;

	printf("Usage: juris %s [OPTION]...%s\n", command ? command : "COMMAND",
	       command && !strcmp(command, "lookup") ? " [ADDRESS]..." : "");
	for (size_t i = 0; i < n_commands; i++) {
		if (command && strcmp(command, commands[i].name))
			continue;
		printf(command ? "%s%s\n" : "  juris %-7s %s\n", command ? "" : commands[i].name,
		       commands[i].synopsis);
		if (command) /* check takes the options of run */
			mask = 1u << (commands[i].cmd == CMD_CHECK ? CMD_RUN : commands[i].cmd);
	}
	printf("\nOptions:\n");
	for (size_t i = 0; i < n_options; i++) {
		const struct option_doc *d = &option_table[i];
		char left[64];

		if (!(d->commands & mask))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", d->opt.name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		printf("  %-30s %s\n", left, d->help);
	}
	printf("\nSee README.md for zones, modes and examples.\n");
}
