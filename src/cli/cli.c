/*
 * cli.c -- what the subcommands share.
 */
#include <sys/stat.h>

#include <stdio.h>

#include "cli.h"

const char *
cli_default_dir(const char *given, const char *name)
{
	static char buf[4096];
	struct stat st;

	if (given != NULL)
		return given;
	/* Run from a checkout: the project's own folders. */
	if (stat(name, &st) == 0 && S_ISDIR(st.st_mode))
		return name;
	/* Installed: make install copies data, lessons, templates here. */
	snprintf(buf, sizeof(buf), "%s/%s", INFERBOOK_SHAREDIR, name);
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return buf;
	return name;
}
