/*
 * measurements.c -- data/measurements.yaml into evidence_meas, and the
 * "Theory against practice" rows (evidence.h).
 *
 * The setup of each measurement is a lesson scenario (data_scenario_parse),
 * so a measurement is checked against data/ exactly like a lesson is: an
 * unknown model or chip is an error at its line, with the known ids.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

#include "calc.h"
#include "data.h"
#include "diag.h"
#include "evidence.h"
#include "util.h"
#include "ytree.h"

struct S_in {
	char *id, *name, *system, *source, *notes;
	double input_tokens, output_tokens, context, measured;
	struct srcpos measured_pos;
};

#define F(key, type, member, req) \
	{ key, type, offsetof(struct S_in, member), req, YF_NOPOS }
static const struct yfield S_fields[] = {
	F("id", YF_ID, id, 1),
	F("name", YF_STRING, name, 1),
	F("system", YF_STRING, system, 0),
	{ "setup", YF_CUSTOM, 0, 1, YF_NOPOS },
	{ "concurrency", YF_CUSTOM, 0, 1, YF_NOPOS },
	F("input_tokens", YF_POSITIVE, input_tokens, 0),
	F("output_tokens", YF_POSITIVE, output_tokens, 1),
	F("context", YF_POSITIVE, context, 0),
	{ "metric", YF_CUSTOM, 0, 1, YF_NOPOS },
	{ "measured", YF_POSITIVE, offsetof(struct S_in, measured), 1,
	  offsetof(struct S_in, measured_pos) },
	F("source", YF_STRING, source, 1),
	F("notes", YF_STRING, notes, 1),
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};
#undef F

static const char *const S_metric_names[] = {
	[EVIDENCE_OUTPUT_TOKENS_PER_S] = "output_tokens_per_s",
	[EVIDENCE_TOKENS_PER_S_PER_USER] = "tokens_per_s_per_user",
	[EVIDENCE_S_PER_TOKEN] = "ms_per_token",
};

static void
S_meas_free(struct evidence_meas *m)
{
	free(m->id);
	free(m->name);
	free(m->system);
	free(m->source);
	free(m->notes);
	data_scenario_free(&m->setup);
}

void
evidence_free(struct evidence_set *p)
{
	struct evidence_set *es = p;
	size_t i;

	if (es == NULL)
		return;
	for (i = 0; i < es->n; i++)
		S_meas_free(&es->meas[i]);
	free(es->meas);
	free(es->path);
	free(es);
}

static int
S_metric(const struct ynode *n, enum evidence_metric *out)
{
	size_t i;

	if (n->kind == YNODE_SCALAR)
		for (i = 0; i < sizeof(S_metric_names) / sizeof(S_metric_names[0]); i++)
			if (strcmp(n->value, S_metric_names[i]) == 0) {
				*out = (enum evidence_metric)i;
				return 0;
			}
	diag_error(&n->pos, "metric must be output_tokens_per_s, "
	    "tokens_per_s_per_user or ms_per_token");
	return -1;
}

static int
S_concurrency(const struct ynode *n, struct evidence_meas *m)
{
	long v;

	if (n->kind == YNODE_SCALAR && strcmp(n->value, "offline") == 0) {
		m->offline = 1;
		m->concurrency = NAN;
		return 0;
	}
	if (ytree_integer(n, "concurrency (a number of sequences, or offline)",
	    1, 100000000, &v) == -1)
		return -1;
	m->concurrency = (double)v;
	return 0;
}

static int
S_load_one(const struct data_set *set, const struct ynode *e,
    struct evidence_meas *m)
{
	struct S_in in;
	const struct ynode *n;
	int bad = 0;

	memset(m, 0, sizeof(*m));
	memset(&in, 0, sizeof(in));
	in.input_tokens = in.context = NAN;
	if (ytree_map_fields(e, S_fields, &in, "measurement") == -1) {
		/* Still report a bad metric: one run shows every mistake. */
		if (e->kind == YNODE_MAP && (n = ytree_get(e, "metric")) != NULL)
			(void)S_metric(n, &m->metric);
		return -1;
	}
	m->pos = e->pos;
	m->measured_pos = in.measured_pos;
	m->id = in.id;
	m->name = in.name;
	m->system = in.system;
	m->source = in.source;
	m->notes = in.notes;
	m->input_tokens = in.input_tokens;
	m->output_tokens = in.output_tokens;
	m->context = in.context;
	bad |= S_metric(ytree_get(e, "metric"), &m->metric) == -1;
	bad |= S_concurrency(ytree_get(e, "concurrency"), m) == -1;
	m->measured = m->metric == EVIDENCE_S_PER_TOKEN ?
	    in.measured * 1e-3 : in.measured;
	if (isnan(m->context) && isnan(m->input_tokens)) {
		diag_error(&e->pos, "measurement '%s' needs input_tokens or context "
		    "(the tokens in each KV cache)", m->id);
		bad = 1;
	}
	n = ytree_get(e, "setup");
	if (!bad && data_scenario_parse(set, m->id, n, &m->setup) == -1)
		bad = 1;
	if (bad) {
		S_meas_free(m);
		memset(m, 0, sizeof(*m));
		return -1;
	}
	return 0;
}

int
evidence_load(struct data_set *set)
{
	struct evidence_set *es;
	struct ynode *root = NULL;
	struct stat st;
	char *path, *text;
	size_t len, i, j;
	int bad = 0;

	if (set->measurements != NULL)
		return 0;
	path = xasprintf("%s/measurements.yaml", set->dir);
	if (stat(path, &st) == -1) {
		free(path);
		return 0;
	}
	if (util_read_file(path, &text, &len) == -1) {
		free(path);
		return -1;
	}
	es = xcalloc(1, sizeof(*es));
	es->path = path;
	bad = ytree_parse(es->path, text, len, 0, &root) == -1;
	free(text);
	if (!bad && root != NULL && root->kind != YNODE_SEQ) {
		diag_error(&root->pos, "measurements.yaml must be a sequence of "
		    "measurements, got %s", ytree_kind_name(root->kind));
		bad = 1;
	}
	if (!bad && root != NULL) {
		es->meas = xcalloc(root->n ? root->n : 1, sizeof(*es->meas));
		for (i = 0; i < root->n; i++) {
			if (S_load_one(set, root->items[i], &es->meas[es->n]) == -1) {
				bad = 1;
				continue;
			}
			for (j = 0; j < es->n; j++)
				if (strcmp(es->meas[j].id, es->meas[es->n].id) == 0) {
					diag_error(&root->items[i]->pos, "duplicate "
					    "measurement id '%s' (first at line %u)",
					    es->meas[j].id, es->meas[j].pos.line);
					bad = 1;
				}
			es->n++;
		}
	}
	ytree_free(root);
	if (bad) {
		evidence_free(es);
		return -1;
	}
	set->measurements = es;
	return 0;
}

const struct evidence_set *
evidence_get(const struct data_set *set)
{
	return set->measurements;
}

static void
S_row(const struct evidence_meas *m, struct evidence_row *row)
{
	struct calc_scenario sc = m->setup.sc;
	struct calc_result r;
	double per_token_s, b;

	memset(row, 0, sizeof(*row));
	row->meas = m;
	row->measured = m->measured;
	sc.context = !isnan(m->context) ? m->context :
	    m->input_tokens + m->output_tokens / 2;
	if (!isnan(m->input_tokens))
		sc.prompt = m->input_tokens;
	if (m->offline) {
		/* The largest batch that fits at this context: what a
		 * throughput run fills memory with. */
		sc.batch = 1;
		calc_run(&sc, &r);
		b = calc_is_null(r.max_batch_in_memory) ? 1 : r.max_batch_in_memory;
		sc.batch = b >= 1 ? b : 1;
	} else
		sc.batch = m->concurrency;
	calc_run(&sc, &r);
	row->batch = sc.batch;
	row->context = sc.context;
	row->decode = r;
	row->bound = r.bound;

	switch (m->metric) {
	case EVIDENCE_OUTPUT_TOKENS_PER_S:
		per_token_s = r.t_step_s / sc.batch;
		if (!isnan(m->input_tokens)) {
			double prefill = m->input_tokens / m->output_tokens *
			    r.prefill_s_per_token;

			per_token_s += prefill;
			row->prefill_counted = 1;
			/* Prefill is compute-bound at any real prompt length:
			 * when it is the larger share, FLOPs bound the whole. */
			if (prefill > r.t_step_s / sc.batch)
				row->bound = CALC_BOUND_COMPUTE;
		}
		row->predicted = 1.0 / per_token_s;
		row->achieved = row->measured / row->predicted;
		break;
	case EVIDENCE_TOKENS_PER_S_PER_USER:
		row->predicted = r.tokens_per_s_per_user;
		row->achieved = row->measured / row->predicted;
		break;
	case EVIDENCE_S_PER_TOKEN:
		row->predicted = r.t_step_s;
		row->achieved = row->predicted / row->measured;
		break;
	}
}

size_t
evidence_rows(const struct data_set *set, struct evidence_row **rows)
{
	const struct evidence_set *es = evidence_get(set);
	size_t i;

	*rows = NULL;
	if (es == NULL || es->n == 0)
		return 0;
	*rows = xcalloc(es->n, sizeof(**rows));
	for (i = 0; i < es->n; i++)
		S_row(&es->meas[i], &(*rows)[i]);
	return es->n;
}

/* ---- The page's table ---- */
