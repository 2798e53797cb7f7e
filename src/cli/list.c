/*
 * list.c -- `inferbook list hardware|models|quantities`: the ids the data
 * knows (the calculator's --hardware and --model) and the quantity names.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "cli.h"
#include "data.h"

int
cli_list(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *what;
	struct data_set set;
	size_t i, n;
	char *path;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else
			return cli_usage_error("list: bad option", "");
	}
	if (optind + 1 != argc)
		return cli_usage_error("list: expected hardware, models or quantities%s", "");
	what = argv[optind];
	if (strcmp(what, "quantities") == 0) {
		const struct calc_quantity *q = calc_quantities(&n);

		for (i = 0; i < n; i++)
			printf("%-28s %s\n", q[i].name, q[i].what);
		return 0;
	}
	if (strcmp(what, "hardware") != 0 && strcmp(what, "models") != 0)
		return cli_usage_error("list: unknown list '%s' (hardware, models, quantities)", what);
	path = cli_default_dir(dir, "data");
	rc = data_load(path, &set);
	free(path);
	if (rc != 0)
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
