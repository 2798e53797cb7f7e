/*
 * check.c -- `inferbook check`: validate the data (and the lessons) and
 * exit 0 or 1.  Warnings alone leave the status 0.
 */
#include <stdio.h>

#include "cli.h"
#include "data.h"
#include "diag.h"

int
cli_check(const char *data_dir, const char *lessons_dir)
{
	struct data_set set;

	(void)lessons_dir;
	if (data_load(data_dir, &set) != 0)
		return 1;
	data_free(&set);
	if (diag_worst() >= DIAG_ERROR)
		return 1;
	printf("inferbook: %s: data valid (%u warnings)\n", data_dir,
	    diag_count(DIAG_WARNING));
	return 0;
}
