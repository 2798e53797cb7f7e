/*
 * evidence.h -- data/measurements.yaml: published measured throughput and
 * latency, each with the setup it was measured at, and the rows of the
 * "Theory against practice" page: the roofline prediction at the same
 * setup, the measured value and the fraction of the roofline achieved.
 *
 * Contract
 *  - data_load() reads set->dir/measurements.yaml when it exists, with
 *    evidence_load(), into the typed member set->measurements (a data set
 *    without the file has none; that is not an error), so every later
 *    stage only reads the set.  Every error is printed through diag as
 *    "file:line:col: error: ..." (unknown keys, bad numbers, unknown
 *    model/chip ids, a setup the calc core cannot compute) and it returns
 *    -1 storing nothing; on success 0.  A second call on a set that has
 *    its measurements does nothing and returns 0.  data_free() frees them.
 *  - Units: `measured` and `predicted` are SI in the metric's unit:
 *    tokens/s for the two rates, seconds per token for ms_per_token (the
 *    YAML writes milliseconds).
 *  - Prediction (evidence_rows), per measurement:
 *      batch    the concurrency, or for "offline" the largest batch that
 *               fits in memory at the context (max_batch_in_memory, >= 1)
 *      context  `context` if given, else input_tokens + output_tokens/2
 *      decode   calc_run() of the setup at that batch and context
 *      output_tokens_per_s   1 / (t_step_s / batch
 *                                 + input/output * prefill_s_per_token(input))
 *                            (the prefill term only when input_tokens is known)
 *      tokens_per_s_per_user 1 / t_step_s
 *      ms_per_token          t_step_s
 *      achieved = measured / predicted for rates, predicted / measured for
 *      times: the fraction of the roofline the system reached.  It is a
 *      bandwidth utilisation when the prediction is memory-bound, a FLOPs
 *      utilisation when compute-bound (`bound`).
 *  - evidence_rows() is a pure function of the loaded set; deterministic;
 *    no I/O.  The Markdown table of the rows is written above this layer
 *    (lesson_table_measurements(), lesson.h), with expr_format().
 */
#ifndef INFERBOOK_EVIDENCE_H
#define INFERBOOK_EVIDENCE_H

#include <stddef.h>
#include "calc.h"
#include "data.h"
#include "diag.h"

enum evidence_metric {
	EVIDENCE_OUTPUT_TOKENS_PER_S,	/* whole system, output tokens/s */
	EVIDENCE_TOKENS_PER_S_PER_USER,	/* one sequence, tokens/s */
	EVIDENCE_S_PER_TOKEN		/* one sequence, seconds per output token */
};

struct evidence_meas {
	struct srcpos pos;		/* the entry's mapping */
	struct srcpos measured_pos;
	char *id;			/* [a-z0-9-]+, unique */
	char *name;
	char *system;			/* optional; NULL */
	char *source;
	char *notes;
	struct data_scenario setup;	/* model, chip, precisions, chips, overrides */
	int offline;			/* concurrency: offline */
	double concurrency;		/* sequences in flight; NaN when offline */
	double input_tokens;		/* NaN when not published */
	double output_tokens;
	double context;			/* NaN when it follows from the lengths */
	enum evidence_metric metric;
	double measured;		/* SI: tokens/s, or s per token */
};

struct evidence_set {
	char *path;			/* srcpos.file of every entry borrows it */
	struct evidence_meas *meas;	/* each setup points into itself: do not move */
	size_t n;
};

int evidence_load(struct data_set *set);
void evidence_free(struct evidence_set *es);
/* set->measurements; NULL when none. */
const struct evidence_set *evidence_get(const struct data_set *set);

struct evidence_row {
	const struct evidence_meas *meas;
	double batch;			/* sequences, as predicted */
	double context;			/* tokens per KV cache, as predicted */
	double predicted;		/* SI, the metric's unit */
	double measured;		/* SI, the metric's unit */
	double achieved;		/* fraction of the roofline reached */
	enum calc_bound bound;		/* what bounds the prediction */
	int prefill_counted;		/* the prediction includes prefill */
	struct calc_result decode;	/* the decode step at batch and context */
};

/* Computes one row per measurement, in file order.  Returns the count and
 * sets *rows (caller frees with free(); NULL when the count is 0). */
size_t evidence_rows(const struct data_set *set, struct evidence_row **rows);

#endif
