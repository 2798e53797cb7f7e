/*
 * ref.c -- the pages generated from data/ alone (chips.html, models.html)
 * and the page that explains every number (derivations.html).
 *
 * Every figure on these pages is computed by calc and formatted by
 * expr_format(), exactly as the lessons' numbers are, and each links to its
 * derivation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "data.h"
#include "diag.h"
#include "expr.h"
#include "lesson.h"
#include "site.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"

/* The model behind "the 700B floor": 700e9 parameters at one byte each
 * (fp8), dense.  Its shape does not matter at batch 1 and context 0 on
 * one chip; a plausible one keeps calc_check() content. */
#define S_FLOOR_PARAMS 700e9

/* A data file as the reader knows it: "data/hardware.yaml", whatever
 * folder the build read it from (pages must not depend on that). */
const char *
site_shown_path(const char *path, const char *folder, char *out, size_t n)
{
	const char *base = path != NULL ? strrchr(path, '/') : NULL;

	snprintf(out, n, "%s/%s", folder, base != NULL ? base + 1 : (path != NULL ? path : "?"));
	return out;
}

/* The data file of a field position, as shown (one static buffer: use
 * one per expression). */
static const char *
S_df(const char *file)
{
	static char shown[256];

	return site_shown_path(file, "data", shown, sizeof(shown));
}

static void
S_fmt(double v, enum expr_filter f, char *out, size_t n)
{
	if (calc_is_null(v))
		snprintf(out, n, "n/a");
	else
		expr_format(v, f, -1, out, n);
}

/* A data entry a number came from, for the derivations page. */
static void
S_entry(struct tval *list, const char *kind, const char *id,
    const struct srcpos *pos, const char *source)
{
	struct tval *e = tval_push_map(list);
	char shown[256];

	tval_set_str(e, "kind", kind);
	tval_set_str(e, "id", id);
	tval_set_strf(e, "where", "%s:%u", site_shown_path(pos->file, "data", shown,
	    sizeof(shown)), pos->line);
	tval_set_str(e, "source", source != NULL ? source : "");
}

struct refctx {
	struct site *s;
	const char *page;		/* "chips" */
	const char *owner;		/* "h100-sxm" */
	const struct srcpos *pos;	/* the entry */
	const char *source;
	const char *kind;		/* "chip" | "model" */
	struct tval *row;		/* the table row */
	struct tval *dnums;		/* the derivations group's number list */
};

/*
 * One figure of a reference page: a table cell (value, link, hover text),
 * a line of numbers.tsv, and an entry on the derivations page.
 */
static void
S_cell(struct refctx *c, const char *key, const char *what, double v,
    enum expr_filter f, const char *derivation)
{
	struct tval *cell = tval_set(c->row, key, tval_map()), *d;
	char val[64], *id, *label;

	S_fmt(v, f, val, sizeof(val));
	id = xasprintf("%s-%s-%s", c->page, c->owner, key);
	label = xasprintf("%s %s", c->owner, what);
	tval_set_str(cell, "value", val);
	tval_set_strf(cell, "href", "derivations.html#%s", id);
	tval_set_str(cell, "title", derivation);
	tval_set_bool(cell, "na", calc_is_null(v));
	site_num_add(c->s, id, label, val, c->page, c->owner);

	d = tval_push_map(c->dnums);
	tval_set_str(d, "anchor", id);
	tval_set_str(d, "label", label);
	tval_set_str(d, "value", val);
	tval_set_str(d, "derivation", derivation);
	S_entry(tval_set(d, "entries", tval_list()), c->kind, c->owner, c->pos, c->source);
	free(id);
	free(label);
}

/* Writes generated page g (site_genpages) over ctx (freed). */
static int
S_page(struct site *s, const struct site_genpage *g, struct tval *ctx)
{
	char *file = xasprintf("%s.html", g->slug);
	int rc = site_page(s, file, g->tmpl, ctx, g->slug);

	free(file);
	return rc;
}

static struct tval *
S_dgroup(struct site *s, const char *title, const char *href, const char *anchor)
{
	struct tval *g = tval_push_map(s->ref_deriv);

	tval_set_str(g, "title", title);
	tval_set_str(g, "href", href);
	tval_set_str(g, "anchor", anchor);
	return g;
}

/* ---- chips ---- */

static int
S_cmp_hw(const void *a, const void *b)
{
	const struct data_hw *x = *(const struct data_hw *const *)a;
	const struct data_hw *y = *(const struct data_hw *const *)b;

	/* Fastest memory first: the figure that sets the per-token floor. */
	if (x->hw.hbm_bytes_per_s != y->hw.hbm_bytes_per_s)
		return x->hw.hbm_bytes_per_s > y->hw.hbm_bytes_per_s ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
S_chips(struct site *s, struct tval *dnums, const struct site_genpage *g)
{
	struct tval *ctx = tval_map(), *rows = tval_set(ctx, "chips", tval_list());
	const struct data_hw **hw = xcalloc(s->set.nhw + 1, sizeof(*hw));
	struct calc_model m;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.params_total = m.params_active = S_FLOOR_PARAMS;
	m.layers = 80;
	m.d_model = 8192;
	m.heads = 64;
	m.kv_heads = 8;
	m.head_dim = 128;
	m.attn = CALC_GQA;
	m.max_context = 131072;
	for (i = 0; i < s->set.nhw; i++)
		hw[i] = &s->set.hw[i];
	qsort(hw, s->set.nhw, sizeof(*hw), S_cmp_hw);
	tval_set_str(ctx, "title", "Chips");
	tval_set_str(ctx, "description", "Every chip in the data: memory, bandwidth, "
	    "arithmetic, and the figures that follow from them.");
	for (i = 0; i < s->set.nhw; i++) {
		const struct data_hw *h = hw[i];
		struct refctx c = { s, "chips", h->id, &h->pos, h->source, "chip", NULL, dnums };
		struct calc_scenario sc;
		struct calc_result r16, r8;
		char a[64], b[64], d[64], *text;
		const char *why16, *why8;
		double bf16 = h->hw.flops_per_s[CALC_BF16], fp8 = h->hw.flops_per_s[CALC_FP8];

		c.row = tval_push_map(rows);
		tval_set_str(c.row, "id", h->id);
		tval_set_str(c.row, "name", h->name);
		tval_set_str(c.row, "vendor", h->vendor != NULL ? h->vendor : "");
		tval_set_str(c.row, "source", h->source != NULL ? h->source : "");
		tval_set_str(c.row, "memory_type", h->memory_type != NULL ? h->memory_type : "");
		tval_set_str(c.row, "price_date", h->price_date != NULL ? h->price_date : "");

		S_fmt(h->hw.hbm_bytes, EXPR_F_GB, a, sizeof(a));
		text = xasprintf("hbm_gb in %s:%u", S_df(h->fpos[DATA_HW_HBM_GB].file),
		    h->fpos[DATA_HW_HBM_GB].line);
		S_cell(&c, "memory", "memory", h->hw.hbm_bytes, EXPR_F_GB, text);
		free(text);
		text = xasprintf("hbm_tb_per_s in %s:%u", S_df(h->fpos[DATA_HW_HBM_TB_PER_S].file),
		    h->fpos[DATA_HW_HBM_TB_PER_S].line);
		S_cell(&c, "bandwidth", "memory bandwidth", h->hw.hbm_bytes_per_s, EXPR_F_TB_S, text);
		free(text);
		text = xasprintf("tflops.bf16 in %s:%u (dense)", S_df(h->fpos[DATA_HW_TFLOPS].file),
		    h->tflops_pos[CALC_BF16].line);
		S_cell(&c, "bf16", "dense bf16 FLOP/s", bf16 > 0 ? bf16 : NAN, EXPR_F_TFLOP_S, text);
		free(text);
		text = xasprintf("tflops.fp8 in %s:%u (dense)", S_df(h->fpos[DATA_HW_TFLOPS].file),
		    h->tflops_pos[CALC_FP8].line);
		S_cell(&c, "fp8", "dense fp8 FLOP/s", fp8 > 0 ? fp8 : NAN, EXPR_F_TFLOP_S,
		    fp8 > 0 ? text : "the chip lists no fp8 arithmetic");
		free(text);

		/* bf16 weights and arithmetic: the ridge and the critical batch. */
		sc.hw = &h->hw;
		sc.model = &m;
		calc_scenario_defaults(&sc);
		sc.w = sc.kv = CALC_BF16;
		sc.c = CALC_BF16;
		why16 = calc_check(&sc);
		if (why16 == NULL)
			calc_run(&sc, &r16);
		else
			r16.ridge_flops_per_byte = r16.critical_batch = NAN;
		S_fmt(bf16, EXPR_F_TFLOP_S, a, sizeof(a));
		S_fmt(h->hw.hbm_bytes_per_s, EXPR_F_TB_S, b, sizeof(b));
		S_fmt(r16.ridge_flops_per_byte, EXPR_F_NUM, d, sizeof(d));
		text = why16 != NULL ? xasprintf("not computed: %s", why16) :
		    xasprintf("ridge = bf16 FLOP/s / bandwidth = %s / %s = %s FLOP per byte", a, b, d);
		S_cell(&c, "ridge", "ridge point (bf16)", r16.ridge_flops_per_byte, EXPR_F_NUM, text);
		free(text);
		S_fmt(r16.critical_batch, EXPR_F_NUM, a, sizeof(a));
		text = why16 != NULL ? xasprintf("not computed: %s", why16) :
		    xasprintf("critical batch = ridge x bytes per weight / 2 FLOP per weight = "
		    "%s x 2 / 2 = %s sequences (bf16 weights, dense model)", d, a);
		S_cell(&c, "critical_batch", "critical batch (bf16)", r16.critical_batch, EXPR_F_NUM, text);
		free(text);

		/* The floor: 700B parameters at fp8, one sequence, one chip. */
		sc.w = sc.kv = CALC_FP8;
		sc.c = calc_default_compute(&h->hw, CALC_FP8);
		why8 = calc_check(&sc);
		if (why8 == NULL)
			calc_run(&sc, &r8);
		else
			r8.t_step_s = r8.tokens_per_s_per_user = r8.weight_bytes = NAN;
		S_fmt(r8.weight_bytes, EXPR_F_GB, a, sizeof(a));
		S_fmt(r8.t_step_s, EXPR_F_MS, d, sizeof(d));
		text = why8 != NULL ? xasprintf("not computed: %s", why8) :
		    xasprintf("700B parameters x 1 byte (fp8) = %s; %s / %s = %s per token "
		    "(the arithmetic, 2 FLOP per parameter, takes %.3g ms)", a, a, b, d,
		    r8.t_compute_s * 1e3);
		S_cell(&c, "floor", "700B floor", r8.t_step_s, EXPR_F_MS, text);
		free(text);
		S_fmt(r8.tokens_per_s_per_user, EXPR_F_TOKENS_S, a, sizeof(a));
		text = why8 != NULL ? xasprintf("not computed: %s", why8) :
		    xasprintf("1 / %s = %s for one reader", d, a);
		S_cell(&c, "floor_tps", "700B tokens/s", r8.tokens_per_s_per_user, EXPR_F_TOKENS_S, text);
		free(text);
		text = h->hw.usd_per_hour >= 0 ?
		    xasprintf("usd_per_hour in %s:%u%s%s", S_df(h->fpos[DATA_HW_USD_PER_HOUR].file),
		    h->fpos[DATA_HW_USD_PER_HOUR].line, h->price_date != NULL ? ", read " : "",
		    h->price_date != NULL ? h->price_date : "") :
		    xstrdup("no rental price in the data");
		S_cell(&c, "price", "price per hour", h->hw.usd_per_hour >= 0 ? h->hw.usd_per_hour : NAN,
		    EXPR_F_USD_H, text);
		free(text);
	}
	free(hw);
	return S_page(s, g, ctx);
}

/* ---- models ---- */

static int
S_cmp_model(const void *a, const void *b)
{
	const struct data_model *x = *(const struct data_model *const *)a;
	const struct data_model *y = *(const struct data_model *const *)b;

	if (x->m.params_total != y->m.params_total)
		return x->m.params_total > y->m.params_total ? -1 : 1;
	return strcmp(x->id, y->id);
}

static char *
S_kv_text(const struct calc_model *m, enum calc_prec p, double v)
{
	char out[64];

	expr_format(v, EXPR_F_INT, -1, out, sizeof(out));
	if (m->attn == CALC_MLA)
		return xasprintf("layers x (latent + rope) x bytes = %.0f x (%.0f + %.0f) x %g (%s) = %s bytes",
		    m->layers, m->kv_lora_rank, m->rope_dim, calc_prec_bytes(p), calc_prec_name(p), out);
	return xasprintf("2 (K and V) x layers x KV heads x head size x bytes = 2 x %.0f x %.0f x %.0f x %g (%s) = %s bytes",
	    m->layers, m->kv_heads, m->head_dim, calc_prec_bytes(p), calc_prec_name(p), out);
}

static int
S_models(struct site *s, struct tval *dnums, const struct site_genpage *g)
{
	static const struct { enum calc_prec p; const char *key; } wp[] = {
		{ CALC_BF16, "w_bf16" }, { CALC_FP8, "w_fp8" }, { CALC_FP4, "w_fp4" },
	};
	struct tval *ctx = tval_map(), *rows = tval_set(ctx, "models", tval_list());
	const struct data_model **ms = xcalloc(s->set.nmodels + 1, sizeof(*ms));
	size_t i, k;

	for (i = 0; i < s->set.nmodels; i++)
		ms[i] = &s->set.models[i];
	qsort(ms, s->set.nmodels, sizeof(*ms), S_cmp_model);
	tval_set_str(ctx, "title", "Models");
	tval_set_str(ctx, "description", "Every model in the data: parameters, the memory "
	    "its weights and its KV cache take, at each precision.");
	for (i = 0; i < s->set.nmodels; i++) {
		const struct data_model *md = ms[i];
		const struct calc_model *m = &md->m;
		struct refctx c = { s, "models", md->id, &md->pos, md->source, "model", NULL, dnums };
		char a[64], *text;
		double v;

		c.row = tval_push_map(rows);
		tval_set_str(c.row, "id", md->id);
		tval_set_str(c.row, "name", md->name);
		tval_set_str(c.row, "source", md->source != NULL ? md->source : "");
		tval_set_str(c.row, "attention", calc_attn_name(m->attn));
		tval_set_bool(c.row, "moe", m->experts_total > 0);
		text = xasprintf("params_b in %s:%u", S_df(md->fpos[DATA_M_PARAMS_B].file),
		    md->fpos[DATA_M_PARAMS_B].line);
		S_cell(&c, "params", "parameters", m->params_total, EXPR_F_B, text);
		free(text);
		text = m->experts_total > 0 ?
		    xasprintf("active_params_b in %s:%u (%.0f of %.0f experts per token)",
		    S_df(md->fpos[DATA_M_ACTIVE_PARAMS_B].file), md->fpos[DATA_M_ACTIVE_PARAMS_B].line,
		    m->experts_active, m->experts_total) :
		    xstrdup("dense: every parameter is used for every token");
		S_cell(&c, "active", "active parameters", m->params_active, EXPR_F_B, text);
		free(text);
		v = calc_kv_bytes_per_token(m, CALC_BF16);
		text = S_kv_text(m, CALC_BF16, v);
		S_cell(&c, "kv_bf16", "KV bytes per token (bf16)", v, EXPR_F_KB, text);
		free(text);
		v = calc_kv_bytes_per_token(m, CALC_FP8);
		text = S_kv_text(m, CALC_FP8, v);
		S_cell(&c, "kv_fp8", "KV bytes per token (fp8)", v, EXPR_F_KB, text);
		free(text);
		for (k = 0; k < sizeof(wp) / sizeof(wp[0]); k++) {
			char *what = xasprintf("weights (%s)", calc_prec_name(wp[k].p));

			v = calc_weight_bytes(m, wp[k].p);
			S_fmt(v, EXPR_F_GB, a, sizeof(a));
			text = xasprintf("parameters x bytes per parameter = %.4g billion x %g (%s) = %s",
			    m->params_total / 1e9, calc_prec_bytes(wp[k].p), calc_prec_name(wp[k].p), a);
			S_cell(&c, wp[k].key, what, v, EXPR_F_GB, text);
			free(text);
			free(what);
		}
		text = xasprintf("max_context in %s:%u", S_df(md->fpos[DATA_M_MAX_CONTEXT].file),
		    md->fpos[DATA_M_MAX_CONTEXT].line);
		S_cell(&c, "context", "longest context", m->max_context, EXPR_F_K, text);
		free(text);
	}
	free(ms);
	return S_page(s, g, ctx);
}

/* The derivations page's group for a reference page's numbers. */
static struct tval *
S_ref_group(struct site *s, const struct site_genpage *g)
{
	char *href = xasprintf("%s.html", g->slug);
	struct tval *grp;

	if (s->ref_deriv == NULL)
		s->ref_deriv = tval_list();
	grp = S_dgroup(s, g->nav, href, g->slug);
	free(href);
	return tval_set(grp, "numbers", tval_list());
}

int
site_write_chips(struct site *s, const struct site_genpage *g)
{
	return S_chips(s, S_ref_group(s, g), g);
}

int
site_write_models(struct site *s, const struct site_genpage *g)
{
	return S_models(s, S_ref_group(s, g), g);
}

/* ---- derivations ---- */

/* Text from other modules may name the data files as the build was given
 * them ("/home/x/data/pricing.yaml"); pages say "data/pricing.yaml". */
static char *
S_unprefix(const char *text, const char *dir)
{
	char *prefix = xasprintf("%s/", dir);
	size_t plen = strlen(prefix);
	struct buf b;
	const char *p;

	buf_init(&b);
	while ((p = strstr(text, prefix)) != NULL && plen > 1) {
		buf_put(&b, text, (size_t)(p - text));
		buf_puts(&b, "data/");
		text = p + plen;
	}
	buf_puts(&b, text);
	free(prefix);
	buf_putc(&b, '\0');
	return buf_take(&b, NULL);
}

static void
S_set_clean(struct tval *m, const char *key, const char *text, const char *dir)
{
	char *c = S_unprefix(text != NULL ? text : "", dir);

	tval_set_str(m, key, c);
	free(c);
}

static void
S_term(struct tval *list, const struct expr_term *t, const struct expr_term *prev,
    const char *dir)
{
	struct tval *m = tval_push_map(list), *ents;
	char v[64], *e;

	util_fmt_g(v, sizeof(v), 4, t->value);
	if ((e = strstr(v, "e+")) != NULL)	/* 7e+11 -> 7e11, as the formulas write it */
		memmove(e + 1, e + 2, strlen(e + 2) + 1);
	tval_set_strf(m, "path", "%s%s%s%s.%s", t->scenario, t->overrides[0] ? "[" : "",
	    t->overrides, t->overrides[0] ? "]" : "", t->name);
	tval_set_strf(m, "value", "%s%s%s", calc_is_null(t->value) ? "null" : v,
	    t->unit != NULL && t->unit[0] ? " " : "", t->unit != NULL ? t->unit : "");
	tval_set_str(m, "formula", t->formula != NULL ? t->formula : "");
	S_set_clean(m, "substituted", t->substituted, dir);
	S_set_clean(m, "inputs", t->inputs, dir);
	ents = tval_set(m, "entries", tval_list());
	if (t->scen != NULL && t->scen->hw != NULL)
		S_entry(ents, "chip", t->scen->hw->id, &t->scen->hw->pos, t->scen->hw->source);
	if (t->scen != NULL && t->scen->model != NULL)
		S_entry(ents, "model", t->scen->model->id, &t->scen->model->pos,
		    t->scen->model->source);
	if (t->price != NULL)
		S_entry(ents, "price", t->price->id != NULL ? t->price->id : "?", &t->price->pos,
		    t->price->source);
	tval_set_bool(m, "overridden", t->scen != NULL && t->scen->overridden);
	/* The scenario and its data entries are said once per run of terms
	 * that share them. */
	tval_set_bool(m, "same_scenario", prev != NULL && prev->scen == t->scen &&
	    prev->inputs != NULL && t->inputs != NULL && strcmp(prev->inputs, t->inputs) == 0);
}

static void
S_lesson_group(struct tval *groups, const struct page *pg, const char *href,
    const char *dir)
{
	const struct lesson *l = pg->l;
	struct tval *g = tval_push_map(groups), *nums;
	size_t i, k;

	tval_set_str(g, "title", pg->title);
	tval_set_str(g, "href", href);
	tval_set_strf(g, "anchor", "l-%s", l->slug);
	nums = tval_set(g, "numbers", tval_list());
	for (i = 0; i < l->nrecs; i++) {
		const struct expr_record *r = &l->recs[i];
		struct tval *n = tval_push_map(nums), *terms;
		char shown[256];

		tval_set_strf(n, "anchor", "n-%s", r->id);
		tval_set_str(n, "label", r->text);
		tval_set_str(n, "value", r->formatted != NULL ? r->formatted : "");
		S_set_clean(n, "derivation", r->derivation, dir);
		tval_set_strf(n, "where", "%s:%u", site_shown_path(r->pos.file, "lessons",
		    shown, sizeof(shown)), r->pos.line);
		terms = tval_set(n, "terms", tval_list());
		for (k = 0; k < r->nterms; k++)
			S_term(terms, &r->terms[k], k > 0 ? &r->terms[k - 1] : NULL, dir);
	}
}

int
site_write_derivations(struct site *s, const struct site_genpage *g)
{
	struct tval *ctx = tval_map(), *groups = tval_set(ctx, "lessons", tval_list());
	size_t i;

	tval_set_str(ctx, "title", "How every number is computed");
	tval_set_str(ctx, "description", "Each number printed on this site, its formula with the "
	    "inputs filled in, and the data entries it came from.");
	for (i = 0; i < s->npages; i++) {
		char *href = xasprintf("%s.html", s->pages[i].l->slug);

		S_lesson_group(groups, &s->pages[i], href, s->o->data_dir);
		free(href);
	}
	if (s->have_answers)
		S_lesson_group(groups, &s->answers, "answers.html", s->o->data_dir);
	tval_set(ctx, "reference", s->ref_deriv);
	s->ref_deriv = NULL;
	return S_page(s, g, ctx);
}
