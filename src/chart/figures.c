/*
 * figures.c -- the explainer's figures.  Each builder takes the data
 * set and a base scenario (model, chip, precisions, batch, context, chips,
 * efficiencies), varies one or two inputs, and asks the calc core for
 * every plotted value: no physics here, only choices of what to plot.
 *
 * Past 1,200 lines on purpose: it is one concern, a list of independent
 * builders of about 100 lines each and the one table (S_figs, at the end)
 * that names them; splitting it would only scatter that list.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "chart.h"
#include "data.h"
#include "diag.h"
#include "evidence.h"
#include "util.h"

#define S_NPTS 64

/* ---- helpers ---- */

/* "NVIDIA H100 SXM" -> "H100 SXM": the vendor is noise in a legend. */
static void
S_short_name(const struct data_hw *h, char *out, size_t outsz)
{
	const char *n = h->name != NULL ? h->name : h->id;
	size_t vl = h->vendor != NULL ? strlen(h->vendor) : 0;

	if (vl > 0 && strncmp(n, h->vendor, vl) == 0 && n[vl] == ' ')
		n += vl + 1;
	if (strncmp(n, "Instinct ", 9) == 0)
		n += 9;
	snprintf(out, outsz, "%s", n);
}

/* A number as the figures print it (3 significant digits, SI). */
static const char *
S_f(char *out, double v, enum chart_fmt fmt, const char *unit)
{
	chart_fmt(out, 32, v, fmt, unit, CHART_PREFIX_AUTO);
	return out;
}

/* A batch, as a whole number of sequences ("295", "1.2K"). */
static const char *
S_b(char *out, double v)
{
	return S_f(out, round(v), CHART_FMT_COUNT, NULL);
}

/* A context length the way people say it: 4096 -> "4K", 131072 ->
 * "128K"; other values with 3 digits ("3.37K"). */
static const char *
S_ctx(char *out, double v)
{
	if (v >= 1024 && fmod(v, 1024) == 0 && v < 1024.0 * 1024 * 1024)
		snprintf(out, 32, "%.0fK", v / 1024);
	else
		S_f(out, v, CHART_FMT_COUNT, NULL);
	return out;
}

static void
S_geom(double lo, double hi, size_t n, double *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = lo * pow(hi / lo, (double)i / (double)(n - 1));
	out[n - 1] = hi;
}

/* The base scenario on another chip: the same precisions where the chip
 * lists FLOPs for the compute precision, else its default.  0 when the
 * calc core can compute it. */
static int
S_on_hw(const struct data_scenario *base, const struct calc_hw *hw, struct calc_scenario *sc)
{
	*sc = base->sc;
	sc->hw = hw;
	if (hw != base->sc.hw && !(hw->flops_per_s[sc->c] > 0))
		sc->c = calc_default_compute(hw, sc->w);
	return calc_check(sc) == NULL ? 0 : -1;
}

static void
S_run(const struct calc_scenario *base, double batch, double context, double chips,
    struct calc_result *r)
{
	struct calc_scenario s = *base;

	s.batch = batch;
	s.context = context;
	s.chips = chips;
	calc_run(&s, r);
}

struct S_chip {
	const struct data_hw *data;
	const struct calc_hw *hw;	/* the base chip: with the scenario's overrides */
	char name[64];
};

/* The base chip first, then the fixed comparison list (those present). */
static size_t
S_chips(const struct data_set *set, const struct data_scenario *base, struct S_chip *out, size_t max)
{
	static const char *const ids[] = {
		"h100-sxm", "h200-sxm", "b200", "mi300x", "a100-80gb-sxm", "tpu-v5e",
	};
	size_t n = 0, i;

	out[n].data = base->hw;
	out[n].hw = base->sc.hw;
	S_short_name(base->hw, out[n].name, sizeof(out[n].name));
	n++;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]) && n < max; i++) {
		const struct data_hw *h = data_find_hw(set, ids[i]);
		if (h == NULL || strcmp(h->id, base->hw->id) == 0)
			continue;
		out[n].data = h;
		out[n].hw = &h->hw;
		S_short_name(h, out[n].name, sizeof(out[n].name));
		n++;
	}
	return n;
}

/* "Llama 3.1 70B, fp8 weights, on one H100 SXM": the caption's tail. */
static char *
S_desc(const struct data_scenario *base)
{
	char chip[64];
	const struct calc_scenario *s = &base->sc;
	struct buf b;

	S_short_name(base->hw, chip, sizeof(chip));
	buf_init(&b);
	buf_printf(&b, "%s%s, %s weights, %s KV cache, %s compute",
	    base->model->name, base->overridden ? " (modified)" : "",
	    calc_prec_name(s->w), calc_prec_name(s->kv), calc_prec_name(s->c));
	if (s->chips == 1)
		buf_printf(&b, ", on one %s", chip);
	else
		buf_printf(&b, ", on %.0f %s chips", s->chips, chip);
	if (s->mbu != 1 || s->mfu != 1) {
		char a[32], c[32];
		buf_printf(&b, " at %s%% of peak bandwidth and %s%% of peak FLOPs",
		    S_f(a, s->mbu * 100, CHART_FMT_PLAIN, NULL), S_f(c, s->mfu * 100, CHART_FMT_PLAIN, NULL));
	}
	buf_puts(&b, ".");
	return buf_take(&b, NULL);
}

static void
S_caption(struct chart_fig *f, const struct data_scenario *base, const char *what, const char *alt)
{
	char *d = S_desc(base), *cap = xasprintf("%s %s", what, d);

	chart_fig_text(f, cap, alt);
	free(cap);
	free(d);
}

static int
S_insufficient(const struct data_scenario *base, const char *fig, const char *why)
{
	diag_error(&base->pos, "figure %s: %s", fig, why);
	return -1;
}

/* ---- 1. roofline ---- */

/* Arithmetic intensity and achieved FLOP/s per chip of one decode step. */
static void
S_decode_point(const struct calc_scenario *sc, double batch, double *intensity, double *flops)
{
	struct calc_result r;

	S_run(sc, batch, sc->context, sc->chips, &r);
	*intensity = r.flops_step / (r.weight_bytes_moved + r.kv_bytes_moved);
	*flops = r.flops_step / sc->chips / fmax(r.t_memory_s, r.t_compute_s);
}

static int
S_roofline(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	struct S_chip chips[8];
	size_t n = S_chips(set, base, chips, 8), i;
	const struct calc_scenario *b = &base->sc;
	const struct calc_model *m = b->model;
	struct calc_result r;
	double lo, hi, ia[3], fa[3], ip, fp, P = b->prompt, flops, bytes, tp;
	static const double batches[3] = { 1, 8, 64 };
	char lab[96], n1[32];
	int style = 0;

	for (i = 0; i < 3; i++)
		S_decode_point(b, batches[i], &ia[i], &fa[i]);
	/* Prefill of P tokens: one pass over the weights for P tokens. */
	flops = P * (2 * m->params_active + calc_attention_flops_per_token(m, P / 2));
	bytes = calc_weight_bytes_moved(m, b->w, P);
	tp = calc_t_prefill_s(b, P);
	ip = flops / bytes;
	fp = flops / b->chips / tp;
	calc_run(b, &r);
	lo = pow(10, floor(log10(fmin(ia[0], r.ridge_flops_per_byte) / 1.5)));
	hi = pow(10, ceil(log10(fmax(ip, r.ridge_flops_per_byte) * 3)));

	chart_fig_axis(&f->x, "Arithmetic intensity (FLOP per byte moved)", "flop_per_byte",
	    CHART_LOG, CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Attainable FLOP/s per chip", "flop_per_s", CHART_LOG,
	    CHART_FMT_SI, "FLOP/s");
	f->x.lo = lo;
	f->x.hi = hi;
	for (i = 0; i < n; i++) {
		struct calc_scenario sc;
		double peak, bw, x[3], y[3];
		struct chart_series *s;
		if (S_on_hw(base, chips[i].hw, &sc) != 0)
			continue;
		peak = sc.hw->flops_per_s[sc.c] * sc.mfu;
		bw = sc.hw->hbm_bytes_per_s * sc.mbu;
		x[0] = lo;
		y[0] = fmin(bw * lo, peak);
		x[1] = fmax(lo, fmin(peak / bw, hi));
		y[1] = fmin(bw * x[1], peak);
		x[2] = hi;
		y[2] = peak;
		snprintf(lab, sizeof(lab), "%s (%s)", chips[i].name, calc_prec_name(sc.c));
		s = chart_fig_series(f, CHART_SERIES_LINE, lab, style++, x, y, 3);
		s->emphasis = i == 0;
	}
	for (i = 0; i < 3; i++) {
		snprintf(lab, sizeof(lab), "decode, batch %.0f", batches[i]);
		chart_fig_annot(f, CHART_ANNOT_POINT, ia[i], fa[i], NAN, -1, lab);
	}
	snprintf(lab, sizeof(lab), "prefill, %.0f tokens", P);
	chart_fig_annot(f, CHART_ANNOT_POINT, ip, fp, NAN, -1, lab);
	snprintf(lab, sizeof(lab), "ridge: critical batch %s", S_b(n1, r.critical_batch));
	chart_fig_annot(f, CHART_ANNOT_VLINE, r.ridge_flops_per_byte, NAN, NAN, 0, lab);
	{
		char pct[32], a1[32], a2[32], a3[32], a4[32], a5[32], a6[32];
		double peak = b->hw->flops_per_s[b->c] * b->mfu;
		char *alt;
		S_f(pct, 100 * fa[0] / peak, CHART_FMT_PLAIN, NULL);
		alt = xasprintf("On the %s the roofline bends at %s FLOP per byte "
		    "(critical batch %s); decoding at batch 1 reaches %s FLOP per byte and "
		    "%s (%s%% of the peak), while a %s-token prefill reaches %s.",
		    chips[0].name, S_f(a1, r.ridge_flops_per_byte, CHART_FMT_PLAIN, NULL),
		    S_b(a2, r.critical_batch),
		    S_f(a3, ia[0], CHART_FMT_PLAIN, NULL),
		    S_f(a4, fa[0], CHART_FMT_SI, "FLOP/s"), pct,
		    S_ctx(a5, P),
		    S_f(a6, fp, CHART_FMT_SI, "FLOP/s"));
		S_caption(f, base, "Attainable FLOP/s against arithmetic intensity: below the "
		    "ridge a chip is limited by memory bandwidth, above it by compute.", alt);
		free(alt);
	}
	return 0;
}

/* ---- 2. step time against batch ---- */

static int
S_step_time(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	const struct calc_scenario *b = &base->sc;
	double x[S_NPTS], mem[S_NPTS], cmp[S_NPTS], step[S_NPTS], bc, hi;
	struct calc_result r, r1, rc;
	size_t i;
	char a1[32], a2[32], a3[32], lab[96];
	char *alt;

	(void)set;
	calc_run(b, &r);
	bc = r.critical_batch;
	hi = pow(2, ceil(log2(fmax(4 * (isnan(bc) ? r.critical_batch : bc), 256))));
	if (hi > 16384)
		hi = 16384;
	S_geom(1, hi, S_NPTS, x);
	for (i = 0; i < S_NPTS; i++) {
		struct calc_result ri;
		S_run(b, x[i], b->context, b->chips, &ri);
		mem[i] = ri.t_memory_s;
		cmp[i] = ri.t_compute_s;
		step[i] = ri.t_step_s;
	}
	chart_fig_axis(&f->x, "Batch size (sequences decoded together)", "batch", CHART_LOG,
	    CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Time per decode step", "seconds", CHART_LOG, CHART_FMT_SI, "s");
	f->x.lo = 1;
	f->x.hi = hi;
	chart_fig_series(f, CHART_SERIES_LINE, "Memory time (weights + KV cache)", 1, x, mem, S_NPTS);
	chart_fig_series(f, CHART_SERIES_LINE, "Compute time", 2, x, cmp, S_NPTS);
	chart_fig_series(f, CHART_SERIES_LINE, b->chips > 1 ?
	    "Step time (the larger, plus communication)" : "Step time (the larger of the two)",
	    0, x, step, S_NPTS)->emphasis = 1;
	if (!isnan(bc) && bc >= 1 && bc <= hi) {
		S_run(b, bc, b->context, b->chips, &rc);
		snprintf(lab, sizeof(lab), "critical batch %s", S_b(a1, bc));
		chart_fig_annot(f, CHART_ANNOT_VLINE, bc, NAN, NAN, -1, lab);
	}
	if (b->context > 0) {
		S_run(b, 1, b->context, b->chips, &r1);
		if (!calc_is_null(r.max_batch_in_memory) && r.max_batch_in_memory < hi) {
			snprintf(lab, sizeof(lab), "KV cache does not fit in memory (batch > %s)",
			    S_b(a1, r.max_batch_in_memory));
			chart_fig_annot(f, CHART_ANNOT_REGION, fmax(r.max_batch_in_memory, 1), NAN, hi, -1, lab);
		}
	}
	if (b->batch > 1 && b->batch <= hi) {
		snprintf(lab, sizeof(lab), "batch %s: %s", S_b(a1, b->batch),
		    S_f(a2, r.t_step_s, CHART_FMT_SI, "s"));
		chart_fig_annot(f, CHART_ANNOT_POINT, b->batch, r.t_step_s, NAN, 0, lab);
	}
	S_run(b, 1, b->context, b->chips, &r1);
	if (!isnan(bc)) {
		char fit[96] = "";
		if (!calc_is_null(r.max_batch_in_memory) && r.max_batch_in_memory < bc)
			snprintf(fit, sizeof(fit), ", though only %s sequences fit in memory",
			    S_b(a1, r.max_batch_in_memory));
		alt = xasprintf("At batch 1 a decode step takes %s, almost all of it moving "
		    "memory; compute time grows with the batch and overtakes it at the critical "
		    "batch of about %s sequences, where a step takes %s%s.",
		    S_f(a1, r1.t_step_s, CHART_FMT_SI, "s"), S_b(a2, bc),
		    S_f(a3, (S_run(b, bc, b->context, b->chips, &rc), rc.t_step_s), CHART_FMT_SI, "s"), fit);
	}
	else
		alt = xasprintf("At batch 1 a decode step takes %s; at this context the KV cache "
		    "grows as fast as the compute, so the step never becomes compute-bound.",
		    S_f(a1, r1.t_step_s, CHART_FMT_SI, "s"));
	S_caption(f, base, "Time per decode step against batch size: memory time stays "
	    "nearly flat while compute time grows with the batch.", alt);
	free(alt);
	return 0;
}

/* ---- 3. the latency / throughput frontier ---- */

static int
S_frontier(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	struct S_chip chips[8];
	size_t n = S_chips(set, base, chips, 8), i, j, drawn = 0;
	double x[S_NPTS], y[S_NPTS], bs[S_NPTS];
	char a1[32], a2[32], a3[32], lab[96];
	static const double marks[] = { 1, 8, 64, 512 };
	char *alt = NULL, *what;
	struct buf skipped;

	chart_fig_axis(&f->x, "Total tokens/s (all users together)", "tokens_per_s_total",
	    CHART_LOG, CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Tokens/s per user", "tokens_per_s_per_user", CHART_LOG,
	    CHART_FMT_COUNT, NULL);
	buf_init(&skipped);
	for (i = 0; i < n; i++) {
		struct calc_scenario sc;
		struct calc_result r;
		double bmax = 4096;
		if (S_on_hw(base, chips[i].hw, &sc) != 0)
			continue;
		S_run(&sc, 1, sc.context, sc.chips, &r);
		if (!calc_is_null(r.max_batch_in_memory))
			bmax = fmin(bmax, r.max_batch_in_memory);
		if (!r.fits || bmax < 1) {
			buf_printf(&skipped, "%s%s", skipped.len ? ", " : "", chips[i].name);
			continue;
		}
		S_geom(1, fmax(bmax, 1.0001), S_NPTS, bs);
		for (j = 0; j < S_NPTS; j++) {
			S_run(&sc, bs[j], sc.context, sc.chips, &r);
			x[j] = r.tokens_per_s_total;
			y[j] = r.tokens_per_s_per_user;
		}
		chart_fig_series(f, CHART_SERIES_LINE, chips[i].name, (int)drawn, x, y, S_NPTS)->emphasis = i == 0;
		if (i == 0) {
			struct calc_result r1, rb;
			for (j = 0; j < sizeof(marks) / sizeof(marks[0]); j++) {
				if (marks[j] > bmax)
					continue;
				S_run(&sc, marks[j], sc.context, sc.chips, &r);
				snprintf(lab, sizeof(lab), "batch %.0f", marks[j]);
				chart_fig_annot(f, CHART_ANNOT_POINT, r.tokens_per_s_total,
				    r.tokens_per_s_per_user, NAN, -1, lab);
			}
			S_run(&sc, 1, sc.context, sc.chips, &r1);
			S_run(&sc, fmin(64, bmax), sc.context, sc.chips, &rb);
			alt = xasprintf("On the %s one user alone gets %s tokens/s; at batch %s the "
			    "chips serve %s tokens/s in total while each user still gets %s.",
			    chips[i].name, S_f(a1, r1.tokens_per_s_per_user, CHART_FMT_PLAIN, NULL),
			    S_b(lab, fmin(64, floor(bmax))),
			    S_f(a2, rb.tokens_per_s_total, CHART_FMT_COUNT, NULL),
			    S_f(a3, rb.tokens_per_s_per_user, CHART_FMT_PLAIN, NULL));
		}
		drawn++;
	}
	if (drawn == 0 || alt == NULL) {
		free(alt);
		buf_free(&skipped);
		return S_insufficient(base, "frontier", "the model and one sequence's KV cache fit on none of the chips");
	}
	what = xasprintf("Each user's speed against the chips' total output as the batch grows "
	    "(each curve ends where the KV cache fills memory%s%s).",
	    skipped.len ? "; too small for the model: " : "", skipped.len ? skipped.data : "");
	S_caption(f, base, what, alt);
	free(what);
	free(alt);
	buf_free(&skipped);
	return 0;
}

/* ---- 4. bytes moved per step against context ---- */

static int
S_bytes_context(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	const struct calc_scenario *b = &base->sc;
	const struct calc_model *m = b->model;
	double bl[4] = { 1, 8, 64, 0 }, L[S_NPTS], y[S_NPTS], lo = 1000, hi = 1e6;
	size_t nb = 3, i, j;
	int moe = m->experts_total > 0;
	char a1[32], a2[32], a3[32], lab[96];
	struct calc_result r;
	char *alt;

	(void)set;
	if (b->batch > 1 && b->batch != 8 && b->batch != 64 && b->batch <= 4096)
		bl[nb++] = b->batch;
	S_geom(lo, hi, S_NPTS, L);
	chart_fig_axis(&f->x, "Context length (tokens in each sequence\xe2\x80\x99s KV cache)", "context",
	    CHART_LOG, CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Bytes moved per decode step", "bytes", CHART_LOG, CHART_FMT_SI, "B");
	f->x.lo = lo;
	f->x.hi = hi;
	/* Dense: one weights line for every batch.  MoE: the weights moved
	 * grow with the batch, one labelled reference line per batch. */
	for (i = 0; i < nb; i++) {
		if (!moe && i > 0)
			break;
		S_run(b, bl[i], 0, b->chips, &r);
		if (moe) {
			snprintf(lab, sizeof(lab), "weights moved at batch %.0f: %s", bl[i],
			    S_f(a1, r.weight_bytes_moved, CHART_FMT_SI, "B"));
			chart_fig_annot(f, CHART_ANNOT_HLINE, NAN, r.weight_bytes_moved, NAN, -1, lab);
			continue;
		}
		for (j = 0; j < S_NPTS; j++)
			y[j] = r.weight_bytes_moved;
		chart_fig_series(f, CHART_SERIES_LINE, "Weights (shared by the batch)", CHART_STYLE_GREY,
		    L, y, S_NPTS);
	}
	for (i = 0; i < nb; i++) {
		for (j = 0; j < S_NPTS; j++) {
			S_run(b, bl[i], L[j], b->chips, &r);
			y[j] = r.kv_bytes_moved;
		}
		snprintf(lab, sizeof(lab), "KV cache, batch %.0f", bl[i]);
		chart_fig_series(f, CHART_SERIES_LINE, lab, (int)i, L, y, S_NPTS)->emphasis = bl[i] == b->batch;
	}
	for (i = 0; i < nb; i++) {
		S_run(b, bl[i], 0, b->chips, &r);
		if (r.kv_crossover_context >= lo && r.kv_crossover_context <= hi) {
			snprintf(lab, sizeof(lab), "batch %.0f: %s tokens", bl[i], S_ctx(a1, r.kv_crossover_context));
			chart_fig_annot(f, CHART_ANNOT_POINT, r.kv_crossover_context, r.weight_bytes_moved,
			    NAN, (int)i, lab);
		}
	}
	{
		struct calc_result r1, r64;
		S_run(b, 1, 0, b->chips, &r1);
		S_run(b, 64, 0, b->chips, &r64);
		alt = xasprintf("The weights move %s per step whatever the context; the KV cache "
		    "of a batch of 64 overtakes them at %s tokens of context, a single sequence's "
		    "at %s (%s of KV cache per token).",
		    S_f(a1, r1.weight_bytes_moved, CHART_FMT_SI, "B"),
		    S_ctx(a2, r64.kv_crossover_context),
		    S_ctx(a3, r1.kv_crossover_context),
		    S_f(lab, r1.kv_bytes_per_token, CHART_FMT_SI, "B"));
	}
	S_caption(f, base, "Bytes moved per decode step: the weights are read once for the "
	    "whole batch, each sequence's KV cache grows with its context; marked where they are equal.", alt);
	free(alt);
	return 0;
}

/* ---- 5. cost per million output tokens against context ---- */

static int
S_cost_context(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	const struct calc_scenario *b = &base->sc;
	double L[S_NPTS], y[S_NPTS], lo = 1000, hi = 1e6, B0 = b->batch > 1 ? b->batch : 64;
	double bs[2];
	size_t i, j, k, nt = 0;
	int style = 2;
	char a1[32], a2[32], a3[32], a4[32], lab[160];
	char *alt;
	struct calc_result r;

	if (!(b->hw->usd_per_hour >= 0))
		return S_insufficient(base, "cost-vs-context", "the chip has no usd_per_hour");
	bs[0] = B0;
	bs[1] = 1;
	S_geom(lo, hi, S_NPTS, L);
	chart_fig_axis(&f->x, "Context length (tokens)", "context", CHART_LOG, CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "USD per million output tokens", "usd_per_mtok_output", CHART_LOG,
	    CHART_FMT_USD, NULL);
	f->x.lo = lo;
	f->x.hi = hi;
	for (k = 0; k < 2; k++) {
		size_t n = 0;
		for (j = 0; j < S_NPTS; j++) {
			double bb = bs[k];
			S_run(b, 1, L[j], b->chips, &r);
			/* As many sequences as fit, up to the batch asked for. */
			if (!calc_is_null(r.max_batch_in_memory))
				bb = fmin(bb, r.max_batch_in_memory);
			if (bb < 1)
				break;
			S_run(b, bb, L[j], b->chips, &r);
			y[n++] = r.usd_per_mtok_output;
		}
		if (k == 0)
			snprintf(lab, sizeof(lab), "Rented chips, batch %.0f (or as many as fit)", B0);
		else
			snprintf(lab, sizeof(lab), "Rented chips, batch 1");
		if (n > 1)
			chart_fig_series(f, CHART_SERIES_LINE, lab, (int)k, L, y, n)->emphasis = k == 0;
	}
	/* The API prices that change with the prompt's length. */
	for (i = 0; i < set->nprices && nt < 4; i++) {
		const struct data_price *p = &set->prices[i];
		double sx[8], sy[8];
		size_t ns = 0;
		if (p->ntiers < 2)
			continue;
		for (j = 0; j < p->ntiers && ns < 6; j++) {
			const struct data_tier *t = &p->tiers[j];
			double from = !isnan(t->above_tokens) ? t->above_tokens : lo;
			sx[ns] = fmax(from, lo);
			sy[ns] = t->usd_per_mtok_output;
			ns++;
		}
		sx[ns] = hi;
		sy[ns] = sy[ns - 1];
		ns++;
		/* Product names run long ("Claude Sonnet 4 / 4.5, 1M-context
		 * beta"): the id then, which the data file explains. */
		snprintf(lab, sizeof(lab), "%s, list price %s", strlen(p->model) <= 24 ? p->model : p->id,
		    p->date ? p->date : "undated");
		chart_fig_series(f, CHART_SERIES_STEP, lab, style++, sx, sy, ns);
		nt++;
	}
	{
		struct calc_result r1, r2;
		double b1, b2;
		S_run(b, 1, 4096, b->chips, &r1);
		b1 = calc_is_null(r1.max_batch_in_memory) ? B0 : fmin(B0, r1.max_batch_in_memory);
		S_run(b, 1, 131072, b->chips, &r2);
		b2 = calc_is_null(r2.max_batch_in_memory) ? B0 : fmin(B0, r2.max_batch_in_memory);
		if (b1 >= 1)
			S_run(b, b1, 4096, b->chips, &r1);
		if (b2 >= 1)
			S_run(b, b2, 131072, b->chips, &r2);
		alt = xasprintf("At %s per chip-hour, serving %s sequences at 4K tokens of context "
		    "costs %s per million output tokens; at 128K only %s fit and the cost is %s.",
		    S_f(a1, b->hw->usd_per_hour, CHART_FMT_USD, NULL),
		    S_f(a2, floor(b1), CHART_FMT_PLAIN, NULL),
		    b1 >= 1 ? S_f(a3, r1.usd_per_mtok_output, CHART_FMT_USD, NULL) : "n/a",
		    S_f(a4, fmax(floor(b2), 0), CHART_FMT_PLAIN, NULL),
		    b2 >= 1 ? S_f(lab, r2.usd_per_mtok_output, CHART_FMT_USD, NULL) : "not computable");
	}
	S_caption(f, base, "Cost per million output tokens against context, from the chips' rental "
	    "price, with API list prices that step up for long prompts.", alt);
	free(alt);
	return 0;
}

/* ---- 6. output / input cost ratio against batch ---- */

static int
S_output_input(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	const struct calc_scenario *b = &base->sc;
	double x[S_NPTS], y[S_NPTS], ratios[32], hi;
	char names[32][160];
	size_t counts[32], nr = 0, i, j;
	struct calc_result r;
	char a1[32], a2[32], a3[32], lab[256];
	char *alt;
	double bmin = NAN, bmax = NAN, rmin = INFINITY, rmax = 0;

	calc_run(b, &r);
	hi = pow(2, ceil(log2(fmax(2 * r.critical_batch, 256))));
	if (hi > 16384)
		hi = 16384;
	S_geom(1, hi, S_NPTS, x);
	for (i = 0; i < S_NPTS; i++)
		y[i] = calc_output_input_ratio_at(b, x[i]);
	chart_fig_axis(&f->x, "Batch size (sequences decoded together)", "batch", CHART_LOG,
	    CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Cost of an output token / an input token", "ratio", CHART_LOG,
	    CHART_FMT_RATIO, NULL);
	f->x.lo = 1;
	f->x.hi = hi;
	chart_fig_series(f, CHART_SERIES_LINE, "Cost ratio on rented chips", 0, x, y, S_NPTS)->emphasis = 1;
	/* Group the APIs by ratio (within 3%): one reference line each,
	 * naming at most three of them. */
	for (i = 0; i < set->nprices; i++) {
		const struct data_price *p = &set->prices[i];
		double q;
		if (p->ntiers < 1 || !(p->tiers[0].usd_per_mtok_input > 0))
			continue;
		q = p->tiers[0].usd_per_mtok_output / p->tiers[0].usd_per_mtok_input;
		for (j = 0; j < nr; j++)
			if (fabs(q / ratios[j] - 1) <= 0.03)
				break;
		if (j == nr) {
			if (nr == 32)
				continue;
			ratios[nr] = q;
			counts[nr] = 0;
			names[nr][0] = '\0';
			nr++;
		}
		if (counts[j] < 2 && strlen(names[j]) + strlen(p->id) + 3 < sizeof(names[j])) {
			if (counts[j] > 0)
				strcat(names[j], ", ");
			strcat(names[j], p->id);
		}
		counts[j]++;
	}
	for (i = 0; i < nr; i++) {
		double ib = calc_implied_batch(b, ratios[i]);
		char more[32] = "", at[48] = "";
		if (counts[i] > 2)
			snprintf(more, sizeof(more), " and %zu more", counts[i] - 2);
		if (!calc_is_null(ib) && ib <= hi) {
			snprintf(at, sizeof(at), " (batch %s)", S_b(a2, ib));
			chart_fig_annot(f, CHART_ANNOT_POINT, ib, ratios[i], NAN, 0, NULL);
			if (isnan(bmin) || ib < bmin)
				bmin = ib;
			if (isnan(bmax) || ib > bmax)
				bmax = ib;
		}
		snprintf(lab, sizeof(lab), "%s%s: %.160s%s", S_f(a1, ratios[i], CHART_FMT_RATIO, NULL),
		    at, names[i], more);
		chart_fig_annot(f, CHART_ANNOT_HLINE, NAN, ratios[i], NAN, -1, lab);
		rmin = fmin(rmin, ratios[i]);
		rmax = fmax(rmax, ratios[i]);
	}
	if (nr > 0 && !isnan(bmin))
		alt = xasprintf("At batch 1 an output token costs %s an input token; the ratio falls "
		    "as the batch grows. The APIs charge %s to %s, which on these chips means "
		    "batches of about %s to %s.",
		    S_f(a1, y[0], CHART_FMT_RATIO, NULL), S_f(a2, rmin, CHART_FMT_RATIO, NULL),
		    S_f(a3, rmax, CHART_FMT_RATIO, NULL), S_b(lab, bmax), S_b(lab + 64, bmin));
	else
		alt = xasprintf("At batch 1 an output token costs %s an input token; the ratio "
		    "falls to %s at batch %s.", S_f(a1, y[0], CHART_FMT_RATIO, NULL),
		    S_f(a2, y[S_NPTS - 1], CHART_FMT_RATIO, NULL), S_f(a3, hi, CHART_FMT_COUNT, NULL));
	S_caption(f, base, "How much more an output token costs than an input token, against "
	    "batch size, with the APIs' price ratios as reference lines.", alt);
	free(alt);
	return 0;
}

/* ---- 7. every chip: the 700B floor and the critical batch ---- */

struct S_bar {
	char name[64];
	double floor_s, bcrit;
};

static int
S_bar_cmp(const void *a, const void *b)
{
	const struct S_bar *x = a, *y = b;

	if (x->floor_s != y->floor_s)
		return x->floor_s < y->floor_s ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
S_chips_fig(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	struct calc_model m = *base->sc.model;
	struct S_bar *bars = xcalloc(set->nhw + 1, sizeof(*bars));
	double *x = xcalloc(set->nhw + 1, sizeof(double)), *y = xcalloc(set->nhw + 1, sizeof(double));
	size_t n = 0, i;
	struct chart_series *s;
	char a1[32], a2[32], a3[32], a4[32], lab[96], title[128];
	char *alt;

	/* The thought experiment of the first lesson: 700B dense parameters,
	 * every one read once per token, one chip, batch 1. */
	m.params_total = m.params_active = 700e9;
	m.experts_total = m.experts_active = 0;
	for (i = 0; i < set->nhw && n < CHART_MAX_TICKS; i++) {
		struct calc_scenario sc = base->sc;
		struct calc_result r;
		sc.model = &m;
		sc.hw = &set->hw[i].hw;
		sc.c = calc_default_compute(sc.hw, sc.w);
		sc.batch = 1;
		sc.context = 0;
		sc.chips = 1;
		sc.mbu = sc.mfu = 1;
		if (calc_check(&sc) != NULL)
			continue;
		calc_run(&sc, &r);
		S_short_name(&set->hw[i], bars[n].name, sizeof(bars[n].name));
		bars[n].floor_s = r.t_step_s;
		bars[n].bcrit = r.critical_batch;
		n++;
	}
	if (n == 0) {
		free(bars);
		free(x);
		free(y);
		return S_insufficient(base, "chips", "no chip can compute the scenario");
	}
	qsort(bars, n, sizeof(*bars), S_bar_cmp);
	snprintf(title, sizeof(title), "A 700B model at %s, batch 1: time per token on each chip",
	    calc_prec_name(base->sc.w));
	free(f->title);
	f->title = xstrdup(title);
	chart_fig_axis(&f->x, "Time per token: all weights read once (bandwidth floor)", "seconds",
	    CHART_LINEAR, CHART_FMT_SI, "s");
	chart_fig_axis(&f->y, "", "chip", CHART_CATEGORY, CHART_FMT_PLAIN, NULL);
	f->x.zero = 1;
	for (i = 0; i < n; i++) {
		x[i] = bars[i].floor_s;
		y[i] = (double)i;
		chart_axis_category(&f->y, i, bars[i].name);
	}
	s = chart_fig_series(f, CHART_SERIES_BAR, "Time per token", 0, x, y, n);
	for (i = 0; i < n; i++) {
		snprintf(lab, sizeof(lab), "%s \xc2\xb7 critical batch %s",
		    S_f(a1, bars[i].floor_s, CHART_FMT_SI, "s"), S_b(a2, bars[i].bcrit));
		chart_series_bar_label(s, i, lab);
	}
	{
		double bl = INFINITY, bh = 0;
		for (i = 0; i < n; i++) {
			bl = fmin(bl, bars[i].bcrit);
			bh = fmax(bh, bars[i].bcrit);
		}
		alt = xasprintf("Reading 700B %s weights once per token takes from %s on the %s to "
		    "%s on the %s; the batch at which each chip becomes compute-bound ranges from "
		    "%s to %s.", calc_prec_name(base->sc.w),
		    S_f(a1, bars[0].floor_s, CHART_FMT_SI, "s"), bars[0].name,
		    S_f(a2, bars[n - 1].floor_s, CHART_FMT_SI, "s"), bars[n - 1].name,
		    S_b(a3, bl), S_b(a4, bh));
	}
	chart_fig_text(f, "Every chip in the data set, fastest first: the time to read a 700B-parameter "
	    "model's weights once (one token at batch 1, peak bandwidth), and the critical batch "
	    "at which compute catches up.", alt);
	free(alt);
	free(bars);
	free(x);
	free(y);
	return 0;
}

/* ---- 8. scaling out over chips ---- */

static int
S_scale_out(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	const struct calc_scenario *b = &base->sc;
	double x[7], with[7], without[7], comm[7], best = 0, bestn = 1, nfit = 0;
	size_t i;
	char a1[32], a2[32], a3[32], a4[32], lab[96];
	char *alt;

	(void)set;
	if (!(b->hw->link_bytes_per_s > 0))
		return S_insufficient(base, "scale-out", "the chip has no scale-up link (link_gb_per_s)");
	for (i = 0; i < 7; i++) {
		struct calc_result r;
		x[i] = ldexp(1.0, (int)i);
		S_run(b, b->batch, b->context, x[i], &r);
		with[i] = r.tokens_per_s_per_user;
		without[i] = 1 / fmax(r.t_memory_s, r.t_compute_s);
		/* The wall: no step is shorter than its all-reduces. */
		comm[i] = r.t_comm_s > 0 ? 1 / r.t_comm_s : NAN;
		if (!r.fits)
			nfit = x[i];
		if (r.fits && with[i] > best) {
			best = with[i];
			bestn = x[i];
		}
	}
	chart_fig_axis(&f->x, "Chips (tensor parallel)", "chips", CHART_LOG2, CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Tokens/s per user", "tokens_per_s_per_user", CHART_LOG, CHART_FMT_COUNT, NULL);
	f->x.lo = 0.8;
	f->x.hi = 80;
	chart_fig_series(f, CHART_SERIES_LINE, "Without communication (ideal)", 1, x, without, 7);
	chart_fig_series(f, CHART_SERIES_LINE, "With all-reduce time", 0, x, with, 7)->emphasis = 1;
	chart_fig_series(f, CHART_SERIES_LINE, "Limit set by the all-reduces alone", CHART_STYLE_GREY,
	    x, comm, 7);
	if (nfit > 0) {
		snprintf(lab, sizeof(lab), "weights do not fit");
		chart_fig_annot(f, CHART_ANNOT_REGION, 0.8, NAN, nfit * 1.41421356, -1, lab);
	}
	if (best > 0) {
		snprintf(lab, sizeof(lab), "best: %s chips, %s tokens/s", S_f(a1, bestn, CHART_FMT_PLAIN, NULL),
		    S_f(a2, best, CHART_FMT_PLAIN, NULL));
		chart_fig_annot(f, CHART_ANNOT_POINT, bestn, best, NAN, 0, lab);
	}
	alt = xasprintf("At batch %s, spreading the model over more chips raises each user's speed "
	    "to at most %s tokens/s at %s chips; without communication it would reach %s tokens/s "
	    "at 64 chips.", S_b(a3, b->batch), S_f(a1, best, CHART_FMT_PLAIN, NULL),
	    S_f(a2, bestn, CHART_FMT_PLAIN, NULL), S_f(a4, without[6], CHART_FMT_COUNT, NULL));
	S_caption(f, base, "Per-user speed as one model is split over 1 to 64 chips: every layer "
	    "adds two all-reduces, and beyond one scale-up domain they cross the slower network "
	    "between boxes, so the speed turns down.", alt);
	free(alt);
	return 0;
}

/* ---- 9. mixture of experts ---- */

static const struct data_model *
S_moe_model(const struct data_set *set, const struct data_scenario *base)
{
	const struct data_model *m;
	size_t i;

	if (base->model->m.experts_total > 0)
		return base->model;
	if ((m = data_find_model(set, "deepseek-v3")) != NULL && m->m.experts_total > 0)
		return m;
	for (i = 0; i < set->nmodels; i++)
		if (set->models[i].m.experts_total > 0)
			return &set->models[i];
	return NULL;
}

static int
S_moe(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	const struct data_model *dm = S_moe_model(set, base);
	const struct calc_model *m;
	double x[S_NPTS], y[S_NPTS], dense[S_NPTS], total, active, hi = 1024;
	static const double marks[] = { 1, 8, 64 };
	size_t i;
	char a1[32], a2[32], a3[32], a4[32], lab[128];
	char *alt;
	enum calc_prec w = base->sc.w;

	if (dm == NULL)
		return S_insufficient(base, "moe", "no mixture-of-experts model in the data");
	m = dm == base->model ? &base->model_eff : &dm->m;
	S_geom(1, hi, S_NPTS, x);
	active = m->params_active * calc_prec_bytes(w);
	total = calc_weight_bytes(m, w);
	for (i = 0; i < S_NPTS; i++) {
		y[i] = calc_weight_bytes_moved(m, w, x[i]);
		dense[i] = active;
	}
	snprintf(lab, sizeof(lab), "Weight bytes moved per decode step (%s)", calc_prec_name(w));
	chart_fig_axis(&f->x, "Batch size (sequences decoded together)", "batch", CHART_LOG,
	    CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, lab, "weight_bytes_moved", CHART_LOG, CHART_FMT_SI, "B");
	f->x.lo = 1;
	f->x.hi = hi;
	f->y.lo = active / 2;
	f->y.hi = total * 2;
	snprintf(lab, sizeof(lab), "%s (%.0f experts, %.0f per token)", dm->name,
	    m->experts_total, m->experts_active);
	chart_fig_series(f, CHART_SERIES_LINE, lab, 0, x, y, S_NPTS)->emphasis = 1;
	snprintf(lab, sizeof(lab), "Dense model of %sB parameters", S_f(a1, m->params_active / 1e9,
	    CHART_FMT_PLAIN, NULL));
	chart_fig_series(f, CHART_SERIES_LINE, lab, 1, x, dense, S_NPTS);
	snprintf(lab, sizeof(lab), "all experts: %s", S_f(a1, total, CHART_FMT_SI, "B"));
	chart_fig_annot(f, CHART_ANNOT_HLINE, NAN, total, NAN, -1, lab);
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		double t = calc_experts_touched(m, marks[i]);
		snprintf(lab, sizeof(lab), "batch %.0f: %s of %.0f experts", marks[i],
		    S_f(a1, t, CHART_FMT_PLAIN, NULL), m->experts_total);
		chart_fig_annot(f, CHART_ANNOT_POINT, marks[i], calc_weight_bytes_moved(m, w, marks[i]),
		    NAN, 0, lab);
	}
	alt = xasprintf("At batch 1 %s moves %s of %s weights per step; by batch 64 the batch "
	    "touches %s of its %.0f experts and moves %s of the %s total, while a dense model "
	    "of its active size always moves %s.", dm->name,
	    S_f(a1, calc_weight_bytes_moved(m, w, 1), CHART_FMT_SI, "B"), calc_prec_name(w),
	    S_f(a2, calc_experts_touched(m, 64), CHART_FMT_PLAIN, NULL), m->experts_total,
	    S_f(a3, calc_weight_bytes_moved(m, w, 64), CHART_FMT_SI, "B"),
	    S_f(a4, total, CHART_FMT_SI, "B"), S_f(lab, active, CHART_FMT_SI, "B"));
	chart_fig_text(f, "Weight bytes a mixture-of-experts model moves per decode step: each "
	    "sequence picks its own experts, so a batch soon touches nearly all of them "
	    "(uniform routing).", alt);
	free(alt);
	return 0;
}

/* ---- 10. memory capacity ---- */

static int
S_capacity(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	const struct calc_scenario *b = &base->sc;
	double Ns[5] = { 1, 2, 4, 8, 0 }, L[S_NPTS], y[S_NPTS], lo = 1000, hi;
	size_t nn = 4, i, j, drawn = 0;
	/* lab holds "N × CHIP (SIZE)": 20 + 4 + 63 + 2 + 31 + 1 bytes at most. */
	char a1[32], a2[32], a3[32], lab[128], chip[64];
	char *alt;
	struct calc_result r;
	double first_n = 0;

	(void)set;
	if (b->chips > 8 && b->chips <= 1024)
		Ns[nn++] = b->chips;
	hi = fmax(b->model->max_context, 10000);
	S_geom(lo, hi, S_NPTS, L);
	S_short_name(base->hw, chip, sizeof(chip));
	chart_fig_axis(&f->x, "Context length (tokens per sequence)", "context", CHART_LOG,
	    CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Concurrent sequences that fit in memory", "max_batch_in_memory",
	    CHART_LOG, CHART_FMT_COUNT, NULL);
	f->x.lo = lo;
	f->x.hi = hi;
	for (i = 0; i < nn; i++) {
		size_t n = 0;
		for (j = 0; j < S_NPTS; j++) {
			S_run(b, 1, L[j], Ns[i], &r);
			if (!(r.max_batch_in_memory >= 1))
				break;
			y[n++] = r.max_batch_in_memory;
		}
		if (n < 2)
			continue;
		if (drawn == 0)
			first_n = Ns[i];
		snprintf(lab, sizeof(lab), "%ld \xc3\x97 %s (%s)", lround(Ns[i]), chip,
		    S_f(a1, Ns[i] * b->hw->hbm_bytes, CHART_FMT_SI, "B"));
		chart_fig_series(f, CHART_SERIES_LINE, lab, (int)i, L, y, n)->emphasis = Ns[i] == b->chips;
		drawn++;
	}
	if (drawn == 0)
		return S_insufficient(base, "capacity", "the weights do not fit even on 8 chips");
	if (b->context > 0) {
		S_run(b, 1, b->context, b->chips, &r);
		if (r.max_batch_in_memory >= 1) {
			snprintf(lab, sizeof(lab), "%s tokens: %s sequences", S_ctx(a1, b->context),
			    S_b(a2, r.max_batch_in_memory));
			chart_fig_annot(f, CHART_ANNOT_POINT, b->context, r.max_batch_in_memory, NAN, -1, lab);
		}
	}
	{
		struct calc_result r4, r128;
		S_run(b, 1, 4096, first_n, &r4);
		S_run(b, 1, 131072, first_n, &r128);
		alt = xasprintf("With %s weights, %.0f %s hold %s sequences at 4K tokens of context "
		    "and %s at 128K; each doubling of the context halves the count.",
		    S_f(a3, r4.weight_bytes, CHART_FMT_SI, "B"), first_n, chip,
		    S_b(a1, r4.max_batch_in_memory), S_b(a2, r128.max_batch_in_memory));
	}
	S_caption(f, base, "How many sequences fit in the chips' memory after the weights, against "
	    "context length, for 1 to 8 chips.", alt);
	free(alt);
	return 0;
}

/* ---- 11. theory against practice: predicted and measured throughput ---- */

/* "70B" from a measurement's name ("gpt-fast, Llama 2 70B, ..."): the size
 * the model is known by.  Else from the parameter count ("6.7B"). */
static void
S_meas_size(const struct evidence_meas *m, char *out, size_t outsz)
{
	const char *p, *n = m->name != NULL ? m->name : "";
	char a[32];

	for (p = n; *p; p++) {
		const char *q = p;
		if (p > n && p[-1] != ' ')
			continue;
		while ((*q >= '0' && *q <= '9') || (*q == '.' && q > p))
			q++;
		if (q > p && *q == 'B' && (q[1] == ' ' || q[1] == ',' || q[1] == '\0') && q - p < 8) {
			snprintf(out, outsz, "%.*sB", (int)(q - p), p);
			return;
		}
	}
	chart_fmt(a, sizeof(a), m->setup.model_eff.params_total / 1e9, CHART_FMT_PLAIN, NULL,
	    CHART_PREFIX_AUTO);
	snprintf(out, outsz, "%sB", a);
}

/* A point's label: model size, chips, and how it was run ("70B 8×H100
 * offline", "7B A100 batch 1").  The chip by its first word ("H100"). */
static void
S_meas_label(const struct evidence_row *r, char *out, size_t outsz)
{
	const struct evidence_meas *m = r->meas;
	char size[40], chip[64], mode[48], a[32];
	size_t k;

	S_meas_size(m, size, sizeof(size));
	S_short_name(m->setup.hw, chip, sizeof(chip));
	k = strcspn(chip, " ");
	chip[k] = '\0';
	if (m->offline)
		snprintf(mode, sizeof(mode), "offline");
	else
		snprintf(mode, sizeof(mode), "batch %s", S_b(a, m->concurrency));
	if (m->setup.sc.chips > 1)
		snprintf(out, outsz, "%s %ld\xc3\x97%s %s", size, lround(m->setup.sc.chips), chip, mode);
	else
		snprintf(out, outsz, "%s %s %s", size, chip, mode);
}

/* The 1-2-5 value at or below v (dir < 0) or at or above it (dir > 0). */
static double
S_125(double v, int dir)
{
	static const double m[] = { 1, 2, 5, 10 };
	double d = pow(10, floor(log10(v)));
	size_t i;

	if (dir < 0) {
		for (i = 3; i > 0 && m[i] * d > v; i--)
			;
		return m[i] * d;
	}
	for (i = 0; i < 3 && m[i] * d < v; i++)
		;
	return m[i] * d;
}

/* Both as tokens/s: a time per token is a rate of one sequence. */
static void
S_row_rates(const struct evidence_row *r, double *pred, double *meas)
{
	if (r->meas->metric == EVIDENCE_S_PER_TOKEN) {
		*pred = 1 / r->predicted;
		*meas = 1 / r->measured;
	} else {
		*pred = r->predicted;
		*meas = r->measured;
	}
}

static int
S_theory(const struct data_set *set, const struct data_scenario *base, struct chart_fig *f)
{
	struct evidence_row *rows = NULL;
	size_t n, i, k, imin = 0;
	double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0, *x[2], *y[2], gx[2], gy[2];
	struct chart_series *s0;
	size_t cnt[2] = { 0, 0 };
	static const double guides[2] = { 0.75, 0.5 };
	size_t si[2] = { 0, 0 };
	/* Room for S_meas_label's longest: 39 + 1 + 20 + 2 + 63 + 1 + 47 + 1. */
	char lab[192], a1[32], a2[32], lmin[192];
	char *alt;

	/* data_load() read measurements.yaml: the set is only read here. */
	n = evidence_rows(set, &rows);
	if (n == 0)
		return S_insufficient(base, "theory-vs-practice", "the data set has no measurements");
	for (k = 0; k < 2; k++) {
		x[k] = xcalloc(n, sizeof(double));
		y[k] = xcalloc(n, sizeof(double));
	}
	for (i = 0; i < n; i++) {
		double p, m;
		S_row_rates(&rows[i], &p, &m);
		if (!(p > 0 && m > 0 && isfinite(p) && isfinite(m))) {
			diag_error(&rows[i].meas->pos, "figure theory-vs-practice: measurement '%s' "
			    "has no positive prediction or measurement", rows[i].meas->id);
			for (k = 0; k < 2; k++) {
				free(x[k]);
				free(y[k]);
			}
			free(rows);
			return -1;
		}
		k = rows[i].bound != CALC_BOUND_MEMORY;
		x[k][cnt[k]] = p;
		y[k][cnt[k]] = m;
		cnt[k]++;
		xlo = fmin(xlo, p);
		xhi = fmax(xhi, p);
		ylo = fmin(ylo, m);
		yhi = fmax(yhi, m);
		if (rows[i].achieved < rows[imin].achieved)
			imin = i;
	}
	/* Each axis from its own data, to 1-2-5 steps: the points fill the
	 * plot, and the reference lines span it. */
	chart_fig_axis(&f->x, "Predicted by the roofline (tokens/s)", "predicted_tokens_per_s",
	    CHART_LOG, CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Measured (tokens/s)", "measured_tokens_per_s", CHART_LOG,
	    CHART_FMT_COUNT, NULL);
	f->x.lo = S_125(xlo / 1.25, -1);
	f->x.hi = S_125(xhi * 1.25, 1);
	f->y.lo = S_125(ylo / 2.5, -1);
	f->y.hi = S_125(yhi * 2.5, 1);	/* room for the labels above */
	for (k = 0; k < 3; k++) {
		/* From where the line enters the plot to where it leaves. */
		double q = k == 0 ? 1 : guides[k - 1];
		gx[0] = fmax(f->x.lo, f->y.lo / q);
		gx[1] = fmin(f->x.hi, f->y.hi / q);
		gy[0] = gx[0] * q;
		gy[1] = gx[1] * q;
		if (k == 0)
			snprintf(lab, sizeof(lab), "The floor: measured equals predicted");
		else
			snprintf(lab, sizeof(lab), "%.0f%% of predicted", q * 100);
		s0 = chart_fig_series(f, CHART_SERIES_LINE, lab, CHART_STYLE_GREY, gx, gy, 2);
		s0->emphasis = k == 0;
		s0->inline_label = k > 0;
	}
	for (k = 0; k < 2; k++) {
		si[k] = f->nseries;
		if (cnt[k] > 0)
			chart_fig_series(f, CHART_SERIES_SCATTER, k == 0 ?
			    "Memory-bound prediction: a share of the bandwidth" :
			    "Compute- or communication-bound prediction", k == 0 ? 0 : 1,
			    x[k], y[k], cnt[k]);
	}
	/* By index: adding a series moves the others. */
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++) {
		k = rows[i].bound != CALC_BOUND_MEMORY;
		S_meas_label(&rows[i], lab, sizeof(lab));
		chart_series_point_label(&f->series[si[k]], cnt[k]++, lab);
	}
	/* The key numbers: one sequence alone against many at once (their
	 * fractions differ for reasons the page explains), and the lowest. */
	S_meas_label(&rows[imin], lmin, sizeof(lmin));
	{
		double f1lo = INFINITY, f1hi = 0, fnlo = INFINITY, fnhi = 0;
		size_t n1 = 0, nn = 0, above = 0;
		struct buf ab;
		for (i = 0; i < n; i++) {
			double q = rows[i].achieved;
			above += q > 1;
			if (!rows[i].meas->offline && rows[i].batch == 1) {
				n1++;
				f1lo = fmin(f1lo, q);
				f1hi = fmax(f1hi, q);
			} else {
				nn++;
				fnlo = fmin(fnlo, q);
				fnhi = fmax(fnhi, q);
			}
		}
		buf_init(&ab);
		buf_printf(&ab, "Of %zu published measurements ", n);
		if (above == 0)
			buf_puts(&ab, "none is above");
		else
			buf_printf(&ab, "%zu %s above", above, above == 1 ? "is" : "are");
		buf_puts(&ab, " the line where measured equals predicted:");
		if (n1 > 0)
			buf_printf(&ab, " %zu %s of one sequence reach%s %s%% to %s%% of the prediction",
			    n1, n1 == 1 ? "run" : "runs", n1 == 1 ? "es" : "",
			    S_f(a1, 100 * f1lo, CHART_FMT_PLAIN, NULL), S_f(a2, 100 * f1hi, CHART_FMT_PLAIN, NULL));
		if (nn > 0)
			buf_printf(&ab, "%s %zu %s of many sequences at once %s%% to %s%%", n1 > 0 ? "," : "",
			    nn, nn == 1 ? "run" : "runs", S_f(a1, 100 * fnlo, CHART_FMT_PLAIN, NULL),
			    S_f(a2, 100 * fnhi, CHART_FMT_PLAIN, NULL));
		buf_printf(&ab, "; the lowest is %s at %s%%.", lmin,
		    S_f(a1, 100 * rows[imin].achieved, CHART_FMT_PLAIN, NULL));
		alt = buf_take(&ab, NULL);
	}
	{
		char *cap = xasprintf("Measured throughput against the roofline's prediction for "
		    "the same model, chips, precisions, batch and context: %zu published "
		    "measurements (a time per token plotted as one sequence's tokens/s), with "
		    "grey lines at %.0f%% and %.0f%% of the prediction.", n, 100 * guides[0],
		    100 * guides[1]);
		chart_fig_text(f, cap, alt);
		free(cap);
	}
	free(alt);
	for (k = 0; k < 2; k++) {
		free(x[k]);
		free(y[k]);
	}
	free(rows);
	return 0;
}

/* ---- dispatch ---- */

typedef int (*S_builder)(const struct data_set *, const struct data_scenario *, struct chart_fig *);

/* The one list of figures, in the explainer's order: name, builder and
 * title.  chart_names() and the "unknown figure" message are made from
 * it; a new figure is one row here. */
static const struct {
	const char *name;
	const char *title;
	S_builder fn;
} S_figs[] = {
	{ "roofline", "The roofline: decode is memory-bound, prefill compute-bound", S_roofline },
	{ "step-time", "Time per decode step against batch size", S_step_time },
	{ "frontier", "Latency against throughput: one curve per chip", S_frontier },
	{ "bytes-vs-context", "Bytes moved per step: shared weights against private KV cache", S_bytes_context },
	{ "cost-vs-context", "Cost per million output tokens against context length", S_cost_context },
	{ "output-input", "Why output tokens cost more than input tokens", S_output_input },
	{ "chips", "A 700B model, batch 1: time per token on each chip", S_chips_fig },
	{ "scale-out", "Scaling one model over more chips: the communication wall", S_scale_out },
	{ "moe", "Mixture of experts: a batch touches most of the experts", S_moe },
	{ "capacity", "Memory capacity: concurrent sequences against context length", S_capacity },
	{ "theory-vs-practice", "Theory against practice: measured against predicted throughput", S_theory },
};
#define S_NFIGS (sizeof(S_figs) / sizeof(S_figs[0]))

static const char *S_names[S_NFIGS];
static pthread_once_t S_names_once = PTHREAD_ONCE_INIT;

static void
S_names_init(void)
{
	size_t i;

	for (i = 0; i < S_NFIGS; i++)
		S_names[i] = S_figs[i].name;
}

const char *const *
chart_names(size_t *n)
{
	pthread_once(&S_names_once, S_names_init);
	*n = S_NFIGS;
	return S_names;
}

int
chart_known(const char *name)
{
	size_t i;

	for (i = 0; i < S_NFIGS; i++)
		if (strcmp(S_figs[i].name, name) == 0)
			return 1;
	return 0;
}

char *
chart_known_list(void)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < S_NFIGS; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", S_figs[i].name);
	return buf_take(&b, NULL);
}

int
chart_build(const char *name, const struct data_set *set, const struct data_scenario *base,
    struct chart_fig **out)
{
	size_t i;
	struct chart_fig *f;
	char *known;

	*out = NULL;
	for (i = 0; i < S_NFIGS; i++) {
		if (strcmp(S_figs[i].name, name) != 0)
			continue;
		if (calc_check(&base->sc) != NULL) {
			diag_error(&base->pos, "figure %s: %s", name, calc_check(&base->sc));
			return -1;
		}
		f = chart_fig_new(name, S_figs[i].title);
		if (S_figs[i].fn(set, base, f) != 0) {
			chart_fig_free(f);
			return -1;
		}
		chart_fig_finish(f);
		*out = f;
		return 0;
	}
	known = chart_known_list();
	diag_error(base != NULL ? &base->pos : NULL, "unknown figure '%s' (known: %s)", name, known);
	free(known);
	return -1;
}
