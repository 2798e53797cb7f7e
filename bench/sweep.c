/*
 * sweep.c -- the calculation core alone: every quantity of CALC.md for a
 * grid of scenarios (models x chips x batches x contexts x precisions),
 * timed without the data loading.
 *
 *   sweep [DATA_DIR [MIN_SCENARIOS]]
 *
 * Prints one line: "scenarios N refused F seconds S per_s R sum X".
 * The grid grows the batch and context axes until it holds at least
 * MIN_SCENARIOS (1e6 by default).  A scenario that calc_check() refuses
 * (no FLOPs at the compute precision) still counts: the check is part of
 * the work a sweep does.  The checksum keeps the compiler from
 * dropping the results and lets two builds be compared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "calc.h"
#include "data.h"

static const enum calc_prec S_prec[] = { CALC_BF16, CALC_FP8, CALC_FP4, CALC_INT4 };
#define S_NPREC (sizeof(S_prec) / sizeof(S_prec[0]))

static double
S_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char *argv[])
{
	const char *dir = argc > 1 ? argv[1] : "data";
	double want = argc > 2 ? atof(argv[2]) : 1e6;
	struct data_set set;
	double *batches, *contexts, t0, t1, sum = 0;
	size_t nb = 1, nc = 1, ib, ic, im, ih, ip, n = 0, refused = 0;

	if (data_load(dir, &set) != 0)
		return 1;
	if (set.nhw == 0 || set.nmodels == 0) {
		fprintf(stderr, "sweep: no chips or models in %s\n", dir);
		return 1;
	}
	/* Grow the two free axes alternately until the grid is big enough. */
	while ((double)(set.nmodels * set.nhw * S_NPREC * nb * nc) < want) {
		if (nb <= nc)
			nb++;
		else
			nc++;
	}
	batches = calloc(nb, sizeof(*batches));
	contexts = calloc(nc, sizeof(*contexts));
	if (batches == NULL || contexts == NULL)
		return 1;
	/* Batches 1 .. ~1024 and contexts 0 .. ~128k, geometric. */
	for (ib = 0; ib < nb; ib++)
		batches[ib] = floor(pow(1024.0, (double)ib / (double)(nb > 1 ? nb - 1 : 1)));
	contexts[0] = 0;
	for (ic = 1; ic < nc; ic++)
		contexts[ic] = floor(128.0 * pow(1024.0, (double)(ic - 1) / (double)(nc > 2 ? nc - 2 : 1)));

	t0 = S_now_s();
	for (im = 0; im < set.nmodels; im++)
		for (ih = 0; ih < set.nhw; ih++)
			for (ip = 0; ip < S_NPREC; ip++)
				for (ib = 0; ib < nb; ib++)
					for (ic = 0; ic < nc; ic++) {
						struct calc_scenario sc;
						struct calc_result r;

						sc.hw = &set.hw[ih].hw;
						sc.model = &set.models[im].m;
						calc_scenario_defaults(&sc);
						sc.w = S_prec[ip];
						sc.c = calc_default_compute(sc.hw, sc.w);
						sc.batch = batches[ib];
						sc.context = contexts[ic];
						n++;
						if (calc_check(&sc) != NULL) {
							refused++;
							continue;
						}
						calc_run(&sc, &r);
						sum += r.t_step_s + r.tokens_per_s_total * 1e-9;
					}
	t1 = S_now_s();
	printf("scenarios %zu refused %zu seconds %.6f per_s %.0f sum %.9g\n",
	    n, refused, t1 - t0, (double)n / (t1 - t0), sum);
	free(batches);
	free(contexts);
	data_free(&set);
	return 0;
}
