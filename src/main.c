/*
 * main.c -- the command line: site, calc, check, list (each in src/cli/).
 *
 * Exit status: 0 success, 1 bad input (a diagnostic names the file, line
 * and column, or the option), 2 usage.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char S_help[] =
"inferbook publishes an explainer of LLM inference cost: every number is\n"
"computed from data/ by one calculation core.\n"
"\n"
"commands:\n"
"  site    build the HTML site, charts and PDF handouts into out/\n"
"  calc    compute every quantity of one scenario (see inferbook(1))\n"
"  check   validate data/ (and the lessons), exit 0 or 1\n"
"  diff    what changed in the printed numbers between two data folders or git\n"
"          revisions (exit 0: nothing moved, 1: numbers moved)\n"
"  list    list the chips, models or quantities known to the data\n"
"\n"
"precisions: fp32 bf16 fp16 fp8 int8 fp4 int4\n";

int
main(int argc, char *argv[])
{
	const char *cmd;

	if (argc < 2) {
		fputs(cli_usage, stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(S_help, stdout);
		fputc('\n', stdout);
		fputs(cli_usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("inferbook %s\n", INFERBOOK_VERSION);
		return 0;
	}
	if (strcmp(cmd, "calc") == 0)
		return cli_calc(argc - 1, argv + 1);
	if (strcmp(cmd, "list") == 0)
		return cli_list(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cli_check(argc - 1, argv + 1);
	if (strcmp(cmd, "site") == 0)
		return cli_site(argc - 1, argv + 1);
	if (strcmp(cmd, "diff") == 0)
		return cli_diff(argc - 1, argv + 1);
	return cli_usage_error("unknown command '%s'", cmd);
}
