/*
 * main.c -- the command line: site, calc, check, list.
 *
 * Exit status: 0 success, 1 bad input (a diagnostic names the file, line
 * and column, or the option), 2 usage.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "cli.h"
#include "data.h"
#include "diag.h"
#include "util.h"

static const char S_usage[] =
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

static int
S_usage_error(const char *fmt, const char *arg)
{
	fputs("inferbook: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(S_usage, stderr);
	return 2;
}

static int
S_cmd_list(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *what;
	struct data_set set;
	size_t i, n;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else
			return S_usage_error("list: bad option", "");
	}
	if (optind + 1 != argc)
		return S_usage_error("list: expected hardware, models or quantities%s", "");
	what = argv[optind];
	if (strcmp(what, "quantities") == 0) {
		const struct calc_quantity *q = calc_quantities(&n);

		for (i = 0; i < n; i++)
			printf("%-28s %s\n", q[i].name, q[i].what);
		return 0;
	}
	if (strcmp(what, "hardware") != 0 && strcmp(what, "models") != 0)
		return S_usage_error("list: unknown list '%s' (hardware, models, quantities)", what);
	if (data_load(cli_default_dir(dir, "data"), &set) != 0)
		return 1;
	if (what[0] == 'h') {
		printf("%-16s %-26s %8s %8s %9s %9s %8s\n", "id", "name", "mem GB",
		    "TB/s", "bf16 TF/s", "fp8 TF/s", "$/h");
		for (i = 0; i < set.nhw; i++) {
			const struct data_hw *h = &set.hw[i];
			char fp8[16], usd[16];

			if (h->hw.flops_per_s[CALC_FP8] > 0)
				snprintf(fp8, sizeof(fp8), "%.0f", h->hw.flops_per_s[CALC_FP8] / 1e12);
			else
				snprintf(fp8, sizeof(fp8), "-");
			if (h->hw.usd_per_hour >= 0)
				snprintf(usd, sizeof(usd), "%.2f", h->hw.usd_per_hour);
			else
				snprintf(usd, sizeof(usd), "-");
			printf("%-16s %-26s %8.0f %8.4g %9.0f %9s %8s\n", h->id, h->name,
			    h->hw.hbm_bytes / 1e9, h->hw.hbm_bytes_per_s / 1e12,
			    h->hw.flops_per_s[CALC_BF16] / 1e12, fp8, usd);
		}
	} else {
		printf("%-18s %-24s %9s %9s %6s %5s %11s\n", "id", "name", "params B",
		    "active B", "layers", "attn", "max context");
		for (i = 0; i < set.nmodels; i++) {
			const struct data_model *m = &set.models[i];

			printf("%-18s %-24s %9.4g %9.4g %6.0f %5s %11.0f\n", m->id, m->name,
			    m->m.params_total / 1e9, m->m.params_active / 1e9, m->m.layers,
			    calc_attn_name(m->m.attn), m->m.max_context);
		}
	}
	data_free(&set);
	return 0;
}

static int
S_cmd_check(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "lessons", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *lessons = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'l': lessons = optarg; break;
		default: return S_usage_error("check: bad option%s", "");
		}
	}
	if (optind != argc)
		return S_usage_error("check: unexpected argument '%s'", argv[optind]);
	return cli_check(cli_default_dir(dir, "data"), lessons != NULL ? lessons :
	    (dir == NULL ? cli_default_dir(NULL, "lessons") : NULL));
}

int
main(int argc, char *argv[])
{
	const char *cmd;

	if (argc < 2) {
		fputs(S_usage, stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(S_help, stdout);
		fputc('\n', stdout);
		fputs(S_usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("inferbook %s\n", INFERBOOK_VERSION);
		return 0;
	}
	if (strcmp(cmd, "calc") == 0)
		return cli_calc(argc - 1, argv + 1);
	if (strcmp(cmd, "list") == 0)
		return S_cmd_list(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return S_cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "site") == 0)
		return cli_site(argc - 1, argv + 1);
	if (strcmp(cmd, "diff") == 0)
		return cli_diff(argc - 1, argv + 1);
	return S_usage_error("unknown command '%s'", cmd);
}
