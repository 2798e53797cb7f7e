/*
 * cli.c -- what the subcommands share.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <stdio.h>

#include "cli.h"
#include "diag.h"
#include "util.h"

const char cli_usage[] =
"usage: inferbook site  [--out DIR] [--data DIR] [--lessons DIR] [--templates DIR]\n"
"                       [--paper a4|letter] [--answers none|inline|appendix] [--jobs N]\n"
"                       [--no-pdf] [--quiet] [--lock wait|fail] [--user-files carry|refuse]\n"
"                       [--record-edition]\n"
"       inferbook calc  --model ID --hardware ID [--chips N] [--batch B] [--context L]\n"
"                       [--prompt P] [--weights PREC] [--kv PREC] [--compute PREC]\n"
"                       [--mbu X] [--mfu X] [--link-latency S] [--scale-out-latency S]\n"
"                       [--prefill-tokens T] [--price-ratio R]\n"
"                       [--draft ID --draft-tokens K --acceptance A]\n"
"                       [--data DIR] [--format text|json|csv]\n"
"       inferbook check [--data DIR] [--lessons DIR]\n"
"       inferbook diff  [--format text|json] [--lessons DIR] [--templates DIR] OLD NEW\n"
"       inferbook list  hardware|models|quantities [--data DIR]\n"
"       inferbook --help | --version\n";

int
cli_usage_error(const char *fmt, const char *arg)
{
	diag_error(NULL, fmt, arg);
	fputs(cli_usage, stderr);
	return 2;
}

char *
cli_default_dir(const char *given, const char *name)
{
	struct stat st;
	char *inst;

	if (given != NULL)
		return xstrdup(given);
	/* Run from a checkout: the project's own folders. */
	if (stat(name, &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(name);
	/* Installed: make install copies data, lessons, templates here. */
	inst = xasprintf("%s/%s", INFERBOOK_SHAREDIR, name);
	if (stat(inst, &st) == 0 && S_ISDIR(st.st_mode))
		return inst;
	free(inst);
	return xstrdup(name);
}
