/*
 * The reference suite: numbers that public texts print (tests/reference/
 * cases.yaml, format in tests/reference/README.md), recomputed by the
 * calculation core.  One line per case goes to stdout, so `make check`
 * shows every published answer next to ours.
 *
 * A case passes when |computed - expected| <= tolerance.  A case whose
 * published number lies outside the tolerance must say why the source's
 * number is not the correct one (published_why); otherwise it fails too,
 * so a disagreement can never pass silently.
 *
 * Scenarios name chips and models of data/ (loaded with data_load()) or
 * give their figures inline; the inline form is parsed here because the
 * sources' own figures (1.5 TB/s A100s, kipply's 12.58B-parameter "13B")
 * are not, and should not be, data/ entries.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "calc.h"
#include "data.h"
#include "evidence.h"
#include "lesson.h"
#include "diag.h"
#include "util.h"
#include "ytree.h"
#include "testutil.h"

Suite *reference_suite(void);

#define S_CASES "reference/cases.yaml"
#define S_DATA "../data"

/* Keys each mapping may hold: typos must not pass silently. */
static const char *const S_case_keys[] = { "id", "source", "says",
	"scenario", "quantity", "unit", "expected", "tolerance",
	"tolerance_why", "published", "published_why", "notes", NULL };
static const char *const S_scen_keys[] = { "model", "hardware", "weights",
	"kv", "compute", "batch", "context", "prompt", "chips", "mbu", "mfu",
	"link_latency_us", "override", NULL };
static const char *const S_model_keys[] = { "params_b", "active_params_b",
	"layers", "d_model", "heads", "kv_heads", "head_dim", "attention",
	"mla", "experts", "max_context", NULL };
static const char *const S_hw_keys[] = { "hbm_gb", "hbm_tb_per_s",
	"link_gb_per_s", "scale_up_chips", "tflops", NULL };
static const char *const S_ov_keys[] = { "hbm_gb", "hbm_tb_per_s",
	"link_gb_per_s", "tflops_bf16", "tflops_fp8", "params_b",
	"active_params_b", NULL };

static int
S_keys_ok(const struct ynode *map, const char *const *keys, const char *what)
{
	size_t i, k;
	int bad = 0;

	if (map->kind != YNODE_MAP) {
		diag_error(&map->pos, "%s must be a mapping", what);
		return -1;
	}
	for (i = 0; i < map->n; i++) {
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(map->keys[i]->value, keys[k]) == 0)
				break;
		if (keys[k] == NULL) {
			diag_error(&map->keys[i]->pos, "unknown key '%s' in %s",
			    map->keys[i]->value, what);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* An optional number; *out is left alone when the key is absent. */
static int
S_num(const struct ynode *map, const char *key, double *out)
{
	const struct ynode *n = ytree_get(map, key);

	return n == NULL ? 0 : ytree_number(n, key, out);
}

static int
S_req(const struct ynode *map, const char *key, double *out, const char *what)
{
	if (ytree_get(map, key) == NULL) {
		diag_error(&map->pos, "missing required field '%s' in %s", key, what);
		return -1;
	}
	return S_num(map, key, out);
}

static int
S_prec(const struct ynode *map, const char *key, enum calc_prec *p)
{
	const struct ynode *n = ytree_get(map, key);

	if (n == NULL)
		return 0;
	if (n->kind != YNODE_SCALAR || calc_prec_parse(n->value, p) == -1) {
		diag_error(&n->pos, "%s: unknown precision", key);
		return -1;
	}
	return 0;
}

static int
S_inline_model(const struct ynode *map, struct calc_model *m)
{
	const struct ynode *a, *sub;
	double params_b = 0, active_b = 0;
	int bad = 0;

	if (S_keys_ok(map, S_model_keys, "inline model") == -1)
		return -1;
	memset(m, 0, sizeof(*m));
	m->max_context = 1e9;		/* the sources' contexts are their own */
	bad |= S_req(map, "params_b", &params_b, "inline model");
	bad |= S_num(map, "active_params_b", &active_b);
	bad |= S_req(map, "layers", &m->layers, "inline model");
	bad |= S_req(map, "d_model", &m->d_model, "inline model");
	bad |= S_req(map, "heads", &m->heads, "inline model");
	bad |= S_num(map, "kv_heads", &m->kv_heads);
	bad |= S_req(map, "head_dim", &m->head_dim, "inline model");
	bad |= S_num(map, "max_context", &m->max_context);
	m->params_total = params_b * 1e9;
	m->params_active = active_b > 0 ? active_b * 1e9 : m->params_total;
	m->attn = CALC_MHA;
	if ((a = ytree_get(map, "attention")) != NULL &&
	    (a->kind != YNODE_SCALAR || calc_attn_parse(a->value, &m->attn) == -1)) {
		diag_error(&a->pos, "attention: unknown kind");
		bad = 1;
	}
	if ((sub = ytree_get(map, "mla")) != NULL) {
		bad |= S_req(sub, "kv_lora_rank", &m->kv_lora_rank, "mla");
		bad |= S_req(sub, "rope_dim", &m->rope_dim, "mla");
	}
	if ((sub = ytree_get(map, "experts")) != NULL) {
		bad |= S_req(sub, "total", &m->experts_total, "experts");
		bad |= S_req(sub, "active", &m->experts_active, "experts");
	}
	return bad ? -1 : 0;
}

static int
S_inline_hw(const struct ynode *map, struct calc_hw *h)
{
	const struct ynode *t;
	double gb = 0, tbs = 0, link = 0, dom = 1;
	enum calc_prec p;
	size_t i;
	int bad = 0;

	if (S_keys_ok(map, S_hw_keys, "inline hardware") == -1)
		return -1;
	memset(h, 0, sizeof(*h));
	h->usd_per_hour = -1;
	bad |= S_req(map, "hbm_gb", &gb, "inline hardware");
	bad |= S_req(map, "hbm_tb_per_s", &tbs, "inline hardware");
	bad |= S_num(map, "link_gb_per_s", &link);
	/* A source that spreads a model over chips assumes one domain of
	 * them: the case says how many a domain joins. */
	bad |= S_num(map, "scale_up_chips", &dom);
	if (link > 0 && ytree_get(map, "scale_up_chips") == NULL) {
		diag_error(&map->pos, "inline hardware with a link needs scale_up_chips");
		bad = 1;
	}
	h->scale_up_chips = dom;
	h->hbm_bytes = gb * 1e9;
	h->hbm_bytes_per_s = tbs * 1e12;
	h->link_bytes_per_s = link * 1e9;
	if ((t = ytree_get(map, "tflops")) == NULL || t->kind != YNODE_MAP) {
		diag_error(&map->pos, "inline hardware needs a tflops mapping");
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		double v;

		if (calc_prec_parse(t->keys[i]->value, &p) == -1) {
			diag_error(&t->keys[i]->pos, "tflops: unknown precision '%s'",
			    t->keys[i]->value);
			bad = 1;
		} else if (ytree_positive(t->items[i], "tflops", &v) == -1)
			bad = 1;
		else
			h->flops_per_s[p] = v * 1e12;
	}
	return bad ? -1 : 0;
}

static int
S_override(const struct ynode *map, struct calc_hw *h, struct calc_model *m)
{
	double v;
	int bad = 0;

	if (S_keys_ok(map, S_ov_keys, "override") == -1)
		return -1;
	v = NAN;
	bad |= S_num(map, "hbm_gb", &v);
	if (!isnan(v)) h->hbm_bytes = v * 1e9;
	v = NAN;
	bad |= S_num(map, "hbm_tb_per_s", &v);
	if (!isnan(v)) h->hbm_bytes_per_s = v * 1e12;
	v = NAN;
	bad |= S_num(map, "link_gb_per_s", &v);
	if (!isnan(v)) h->link_bytes_per_s = v * 1e9;
	v = NAN;
	bad |= S_num(map, "tflops_bf16", &v);
	if (!isnan(v)) h->flops_per_s[CALC_BF16] = v * 1e12;
	v = NAN;
	bad |= S_num(map, "tflops_fp8", &v);
	if (!isnan(v)) h->flops_per_s[CALC_FP8] = v * 1e12;
	v = NAN;
	bad |= S_num(map, "params_b", &v);
	if (!isnan(v)) {
		/* A dense model stays dense: active follows total. */
		if (m->params_active == m->params_total)
			m->params_active = v * 1e9;
		m->params_total = v * 1e9;
	}
	v = NAN;
	bad |= S_num(map, "active_params_b", &v);
	if (!isnan(v)) m->params_active = v * 1e9;
	return bad ? -1 : 0;
}

/* Builds the case's scenario into *sc over *h and *m (owned by the caller). */
static int
S_scenario(const struct data_set *set, const struct ynode *map,
    struct calc_scenario *sc, struct calc_hw *h, struct calc_model *m)
{
	const struct ynode *n;
	enum calc_prec c = CALC_BF16;
	double lat_us = NAN;
	int bad = 0, c_given;

	if (S_keys_ok(map, S_scen_keys, "scenario") == -1)
		return -1;
	if ((n = ytree_get(map, "model")) == NULL) {
		diag_error(&map->pos, "scenario needs a model");
		return -1;
	}
	if (n->kind == YNODE_MAP)
		bad |= S_inline_model(n, m);
	else {
		const struct data_model *dm = data_find_model(set, n->value);

		if (dm == NULL) {
			diag_error(&n->pos, "unknown model '%s'", n->value);
			return -1;
		}
		*m = dm->m;
	}
	if ((n = ytree_get(map, "hardware")) == NULL) {
		diag_error(&map->pos, "scenario needs hardware");
		return -1;
	}
	if (n->kind == YNODE_MAP)
		bad |= S_inline_hw(n, h);
	else {
		const struct data_hw *dh = data_find_hw(set, n->value);

		if (dh == NULL) {
			diag_error(&n->pos, "unknown hardware '%s'", n->value);
			return -1;
		}
		*h = dh->hw;
	}
	if (bad)
		return -1;
	if ((n = ytree_get(map, "override")) != NULL && S_override(n, h, m) == -1)
		return -1;

	calc_scenario_defaults(sc);
	sc->hw = h;
	sc->model = m;
	bad |= S_prec(map, "weights", &sc->w);
	bad |= S_prec(map, "kv", &sc->kv);
	c_given = ytree_get(map, "compute") != NULL;
	bad |= S_prec(map, "compute", &c);
	sc->c = c_given ? c : calc_default_compute(h, sc->w);
	bad |= S_num(map, "batch", &sc->batch);
	bad |= S_num(map, "context", &sc->context);
	bad |= S_num(map, "prompt", &sc->prompt);
	bad |= S_num(map, "chips", &sc->chips);
	bad |= S_num(map, "mbu", &sc->mbu);
	bad |= S_num(map, "mfu", &sc->mfu);
	bad |= S_num(map, "link_latency_us", &lat_us);
	if (!isnan(lat_us))
		sc->link_latency_s = lat_us * 1e-6;
	return bad ? -1 : 0;
}

/* The SI value of one unit of `unit`; 0 when unknown. */
static double
S_unit(const char *unit)
{
	static const struct { const char *name; double scale; } u[] = {
		{ "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "bytes", 1 },
		{ "kB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 },
	};
	size_t i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (strcmp(unit, u[i].name) == 0)
			return u[i].scale;
	return 0;
}

/*
 * Runs one case: returns 0 when it passes, 1 when it fails (and says why
 * on stdout), -1 when it cannot be read (diag says where).
 */
static int
S_run_case(const struct data_set *set, const struct ynode *c, FILE *out)
{
	const struct ynode *idn, *qn, *un, *scn, *whyn, *pwhy;
	const struct calc_quantity *q;
	struct calc_scenario sc;
	struct calc_hw h;
	struct calc_model m;
	struct calc_result r;
	const char *id, *unit = "", *sp, *msg;
	double scale = 1, expected = NAN, tol = NAN, published = NAN, got;
	int bad = 0;

	if (S_keys_ok(c, S_case_keys, "reference case") == -1)
		return -1;
	idn = ytree_get(c, "id");
	qn = ytree_get(c, "quantity");
	scn = ytree_get(c, "scenario");
	whyn = ytree_get(c, "tolerance_why");
	if (idn == NULL || qn == NULL || scn == NULL || whyn == NULL ||
	    ytree_get(c, "source") == NULL) {
		diag_error(&c->pos, "a reference case needs id, source, scenario, "
		    "quantity, expected, tolerance and tolerance_why");
		return -1;
	}
	id = idn->value;
	if ((q = calc_quantity_find(qn->value)) == NULL) {
		diag_error(&qn->pos, "case %s: unknown quantity '%s'", id, qn->value);
		return -1;
	}
	if ((un = ytree_get(c, "unit")) != NULL) {
		unit = un->value;
		if ((scale = S_unit(unit)) == 0) {
			diag_error(&un->pos, "case %s: unknown unit '%s'", id, unit);
			return -1;
		}
	}
	bad |= S_req(c, "expected", &expected, "reference case");
	bad |= S_req(c, "tolerance", &tol, "reference case");
	bad |= S_num(c, "published", &published);
	if (bad || S_scenario(set, scn, &sc, &h, &m) == -1)
		return -1;
	if ((msg = calc_check(&sc)) != NULL) {
		diag_error(&scn->pos, "case %s: %s", id, msg);
		return -1;
	}
	calc_run(&sc, &r);
	got = calc_result_get(&r, q) / scale;

	sp = *unit != '\0' ? " " : "";
	if (!(fabs(got - expected) <= tol)) {
		fprintf(out, "reference: FAIL %s  %s = %.6g%s%s, expected %.6g +- %g%s%s\n",
		    id, q->name, got, sp, unit, expected, tol, sp, unit);
		return 1;
	}
	pwhy = ytree_get(c, "published_why");
	if (!isnan(published) && !(fabs(published - expected) <= tol) && pwhy == NULL) {
		fprintf(out, "reference: FAIL %s  the source prints %.6g%s%s, outside "
		    "the tolerance of the correct %.6g, and published_why does not "
		    "say why\n", id, published, sp, unit, expected);
		return 1;
	}
	fprintf(out, "reference: ok   %s  %s = %.7g%s%s (expected %.7g +- %g%s%s",
	    id, q->name, got, sp, unit, expected, tol, sp, unit);
	if (!isnan(published))
		fprintf(out, "; source prints %.6g%s", published,
		    pwhy != NULL ? ", corrected" : "");
	fprintf(out, ")\n");
	return 0;
}

/* Runs every case of a YAML sequence; returns the number that failed or
 * could not be read, and counts the cases in *ncases. */
static int
S_run_all(const struct data_set *set, const char *file, const char *text,
    FILE *out, size_t *ncases)
{
	struct ynode *root = NULL;
	size_t i;
	int failed = 0, r;

	*ncases = 0;
	if (ytree_parse(file, text, strlen(text), 0, &root) == -1)
		return 1;
	if (root == NULL || root->kind != YNODE_SEQ) {
		ytree_free(root);
		return 1;
	}
	for (i = 0; i < root->n; i++) {
		r = S_run_case(set, root->items[i], out);
		failed += r != 0;
	}
	*ncases = root->n;
	ytree_free(root);
	return failed;
}

START_TEST(test_published_answers_are_reproduced)
{
	struct data_set set;
	char *text;
	size_t len, n;
	int failed;

	ck_assert_int_eq(data_load(S_DATA, &set), 0);
	ck_assert_int_eq(util_read_file(S_CASES, &text, &len), 0);
	failed = S_run_all(&set, S_CASES, text, stdout, &n);
	fflush(stdout);
	free(text);
	data_free(&set);
	ck_assert_msg(n >= 20, "only %zu reference cases", n);
	ck_assert_msg(failed == 0, "%d of %zu reference cases failed (see above)",
	    failed, n);
}
END_TEST

/* The runner itself must be able to fail: a wrong expectation, an
 * unexplained disagreement with the source, and a typo in a key. */
START_TEST(test_runner_fails_wrong_and_unexplained_cases)
{
	static const char *const bad[] = {
		/* wrong expected value */
		"- id: wrong\n  source: s\n  scenario: { model: llama-3.1-70b, hardware: h100-sxm }\n"
		"  quantity: critical_batch\n  expected: 300\n  tolerance: 0.5\n  tolerance_why: w\n",
		/* published outside tolerance, no reason */
		"- id: unexplained\n  source: s\n  scenario: { model: llama-3.1-70b, hardware: h100-sxm }\n"
		"  quantity: critical_batch\n  expected: 295.2\n  tolerance: 0.1\n  tolerance_why: w\n"
		"  published: 300\n",
		/* typo in a scenario key */
		"- id: typo\n  source: s\n  scenario: { model: llama-3.1-70b, hardware: h100-sxm, bacth: 2 }\n"
		"  quantity: critical_batch\n  expected: 295.2\n  tolerance: 0.1\n  tolerance_why: w\n",
	};
	static const char *const want[] = {
		"reference: FAIL wrong  critical_batch = 295.224, expected 300 +- 0.5\n",
		"reference: FAIL unexplained  the source prints 300, outside the "
		"tolerance of the correct 295.2, and published_why does not say why\n",
		"",
	};
	struct data_set set;
	char *buf = NULL, *dbuf = NULL;
	size_t blen = 0, dlen = 0, n, i;
	FILE *out, *dfp;

	ck_assert_int_eq(data_load(S_DATA, &set), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = open_memstream(&buf, &blen);
		dfp = open_memstream(&dbuf, &dlen);
		diag_set_stream(dfp);
		ck_assert_int_eq(S_run_all(&set, "t.yaml", bad[i], out, &n), 1);
		fclose(out);
		diag_set_stream(NULL);
		fclose(dfp);
		ck_assert_str_eq(buf, want[i]);
		if (i == 2)
			ck_assert_str_eq(dbuf,
			    "t.yaml:3:57: error: unknown key 'bacth' in scenario\n");
		free(buf);
		free(dbuf);
		buf = dbuf = NULL;
	}
	diag_reset();
	data_free(&set);
}
END_TEST

/* ---- Theory against practice (evidence.h) ---- */

static const struct evidence_row *
S_row(const struct evidence_row *rows, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].meas->id, id) == 0)
			return &rows[i];
	ck_abort_msg("no evidence row '%s'", id);
	return NULL;
}

START_TEST(test_measurements_give_the_known_utilisations)
{
	struct data_set set;
	struct evidence_row *rows;
	const struct evidence_row *r;
	size_t n;

	ck_assert_int_eq(data_load(S_DATA, &set), 0);
	ck_assert_int_eq(evidence_load(&set), 0);
	ck_assert_ptr_nonnull(evidence_get(&set));
	n = evidence_rows(&set, &rows);
	ck_assert_uint_ge(n, 10);

	/* gpt-fast, batch 1: 6.74e9 x 2 bytes + 105 x 131,072 bytes of KV
	 * = 13.494e9 bytes per token at 2.039e12 B/s: 151.1 tokens/s
	 * predicted, 104.9 measured: 69.4% of peak bandwidth (the README's
	 * own 1397/2039 = 68.5% counts slightly fewer bytes). */
	r = S_row(rows, n, "gpt-fast-llama-2-7b-a100");
	ck_assert_msg(fabs(r->predicted - 151.10) < 0.05, "%g", r->predicted);
	ck_assert_msg(fabs(r->achieved - 0.6942) < 0.0005, "%g", r->achieved);
	ck_assert_int_eq(r->bound, CALC_BOUND_MEMORY);
	ck_assert_int_eq(r->prefill_counted, 0);

	/* kipply: 12.58e9 x 2 + 517 x 131,072 bytes at 1.555e12 B/s =
	 * 16.23 ms predicted, 22.0 ms measured: 73.8%. */
	r = S_row(rows, n, "kipply-13b-a100-fastertransformer");
	ck_assert_msg(fabs(r->predicted - 0.016227) < 2e-6, "%g", r->predicted);
	ck_assert_msg(fabs(r->achieved - 0.7376) < 0.0005, "%g", r->achieved);

	/* Offline runs fill memory: the batch is max_batch_in_memory and,
	 * with the prompt length known, prefill is counted. */
	r = S_row(rows, n, "trtllm-llama-3.3-70b-h200-tp1");
	ck_assert(r->batch == r->decode.max_batch_in_memory || r->batch == 1);
	ck_assert_int_eq(r->prefill_counted, 1);
	ck_assert(r->achieved > 0 && r->achieved < 1);
	/* A second load is a no-op, not a leak or an error. */
	ck_assert_int_eq(evidence_load(&set), 0);
	free(rows);
	data_free(&set);
}
END_TEST

START_TEST(test_table_rows_print_prediction_measurement_and_fraction)
{
	struct data_set set;
	struct buf b;

	ck_assert_int_eq(data_load(S_DATA, &set), 0);
	ck_assert_int_eq(evidence_load(&set), 0);
	buf_init(&b);
	lesson_table_measurements(&set, &b);
	ck_assert_msg(strncmp(b.data, "| Measurement | Predicted (roofline) | "
	    "Measured | Reached | Limited by | What the roofline leaves out |\n"
	    "|---|--:|--:|--:|---|---|\n| gpt-fast, Llama 2 7B, one A100 80GB, "
	    "batch 1 (gpt-fast \\(PyTorch, torch.compile\\), bf16, 5-token "
	    "prompt, 200 new tokens; the GPU power-limited to 330 W) | "
	    "151 tokens/s per user | 104.9 tokens/s per user | 69% | memory "
	    "bandwidth | ", 300) == 0, "%.400s", b.data);
	/* Whole numbers from 100 up get separators; times print in ms. */
	ck_assert_ptr_nonnull(strstr(b.data, " | 24,525 tokens/s | "));
	ck_assert_ptr_nonnull(strstr(b.data, " | 22 ms/token | 74% | "));
	buf_free(&b);
	data_free(&set);
}
END_TEST

START_TEST(test_bad_measurements_are_errors_at_their_lines)
{
	struct data_set set;
	struct tu_capture c;
	char *got, *want;
	size_t len;

	/* measurements.yaml is data: data_load() reads it and refuses the set. */
	tu_capture_start(&c);
	ck_assert_int_eq(data_load("fixtures/sanity/bad-measurements", &set), -1);
	got = tu_capture_end(&c);
	ck_assert_int_eq(util_read_file("fixtures/sanity/bad-measurements/expected.txt",
	    &want, &len), 0);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	diag_reset();
	data_free(&set);
}
END_TEST

Suite *
reference_suite(void)
{
	Suite *s = suite_create("reference");
	TCase *tc = tcase_create("published");
	TCase *ev = tcase_create("evidence");

	tcase_add_test(tc, test_published_answers_are_reproduced);
	tcase_add_test(tc, test_runner_fails_wrong_and_unexplained_cases);
	suite_add_tcase(s, tc);
	tcase_add_test(ev, test_measurements_give_the_known_utilisations);
	tcase_add_test(ev, test_table_rows_print_prediction_measurement_and_fraction);
	tcase_add_test(ev, test_bad_measurements_are_errors_at_their_lines);
	suite_add_tcase(s, ev);
	return s;
}
