/*
 * eval.c -- evaluation of {{ }} statements against named scenarios, and
 * the derivation text ("formula with the inputs substituted") that the
 * "How every number is computed" page prints for each number.
 *
 * About 1,200 lines on purpose: one concern.  The value and its derivation
 * come from the same walk over the same name tables (strings, inputs,
 * quantities); apart, each half would need its own copy of those tables.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/* ---- names a path may read ---- */

enum S_ntype { N_STR, N_INPUT, N_QTY };

/* String fields. */
static const char *const S_strings[] = {
	"hardware_name", "model_name", "hardware", "model", "weights", "kv",
	"compute", "bound", NULL
};

/* Inputs: the scenario's settings and the chip's and model's figures
 * (after the scenario's overrides). */
struct S_input {
	const char *name;
	const char *unit;
};
static const struct S_input S_inputs[] = {
	{ "hbm_bytes", "bytes" },
	{ "hbm_bytes_per_s", "bytes/s" },
	{ "flops_per_s", "FLOP/s" },
	{ "flops_per_s_fp32", "FLOP/s" },
	{ "flops_per_s_bf16", "FLOP/s" },
	{ "flops_per_s_fp16", "FLOP/s" },
	{ "flops_per_s_fp8", "FLOP/s" },
	{ "flops_per_s_int8", "FLOP/s" },
	{ "flops_per_s_fp4", "FLOP/s" },
	{ "flops_per_s_int4", "FLOP/s" },
	{ "link_bytes_per_s", "bytes/s" },
	{ "scale_up_chips", "" },
	{ "scale_out_bytes_per_s", "bytes/s" },
	{ "usd_per_hour", "USD/h" },
	{ "tdp_w", "W" },
	{ "params_total", "parameters" },
	{ "params_active", "parameters" },
	{ "layers", "" },
	{ "d_model", "" },
	{ "heads", "" },
	{ "kv_heads", "" },
	{ "head_dim", "" },
	{ "experts_total", "" },
	{ "experts_active", "" },
	{ "max_context", "tokens" },
	{ "window_tokens", "tokens" },
	{ "full_layers", "" },
	{ "weight_bytes_per_param", "bytes" },
	{ "kv_bytes_per_value", "bytes" },
	{ "compute_bytes_per_value", "bytes" },
	{ "batch", "sequences" },
	{ "context", "tokens" },
	{ "prompt", "tokens" },
	{ "chips", "" },
	{ "mbu", "" },
	{ "mfu", "" },
	{ "link_latency_s", "s" },
	{ "scale_out_latency_s", "s" },
	{ "prefill_tokens_per_pass", "tokens" },
	{ "price_ratio", "" },
	{ "draft_tokens", "tokens" },
	{ "acceptance", "" },
	{ NULL, NULL }
};

static const char *
S_unit_label(enum calc_unit u)
{
	switch (u) {
	case CALC_U_BYTES:		return "bytes";
	case CALC_U_BYTES_PER_TOKEN:	return "bytes/token";
	case CALC_U_FLOP:		return "FLOP";
	case CALC_U_FLOP_PER_TOKEN:	return "FLOP/token";
	case CALC_U_S:			return "s";
	case CALC_U_S_PER_TOKEN:	return "s/token";
	case CALC_U_TOKENS_PER_S:	return "tokens/s";
	case CALC_U_FLOP_PER_BYTE:	return "FLOP/byte";
	case CALC_U_SEQUENCES:		return "sequences";
	case CALC_U_TOKENS:		return "tokens";
	case CALC_U_EXPERTS:		return "experts";
	case CALC_U_USD_PER_S:		return "USD/s";
	case CALC_U_USD_PER_MTOK:	return "USD/Mtok";
	default:			return "";
	}
}

static int
S_is_string(const char *name)
{
	size_t i;

	for (i = 0; S_strings[i] != NULL; i++)
		if (strcmp(S_strings[i], name) == 0)
			return 1;
	return 0;
}

static const struct S_input *
S_input_find(const char *name)
{
	size_t i;

	for (i = 0; S_inputs[i].name != NULL; i++)
		if (strcmp(S_inputs[i].name, name) == 0)
			return &S_inputs[i];
	return NULL;
}

const char *
expr_name_unit(const char *name)
{
	const struct calc_quantity *q;
	const struct S_input *in;

	if ((in = S_input_find(name)) != NULL)
		return in->unit;
	if ((q = calc_quantity_find(name)) != NULL)
		return S_unit_label(q->unit);
	if (S_is_string(name))
		return "";
	return NULL;
}

/* ---- price("ID") fields ---- */

struct S_pfield {
	const char *name;
	const char *unit;		/* NULL: a string field */
};
static const struct S_pfield S_pfields[] = {
	{ "input", "USD/Mtok" },
	{ "output", "USD/Mtok" },
	{ "output_input_ratio", "" },
	{ "tier2_input", "USD/Mtok" },
	{ "tier2_output", "USD/Mtok" },
	{ "threshold_tokens", "tokens" },
	{ "tiers", "" },
	{ "id", NULL },
	{ "provider", NULL },
	{ "model", NULL },
	{ "date", NULL },
	{ "source", NULL },
	{ NULL, NULL }
};

static const struct S_pfield *
S_pfield_find(const char *name)
{
	size_t i;

	for (i = 0; S_pfields[i].name != NULL; i++)
		if (strcmp(S_pfields[i].name, name) == 0)
			return &S_pfields[i];
	return NULL;
}

void
expr_price_field_list(struct buf *out)
{
	size_t i;

	for (i = 0; S_pfields[i].name != NULL; i++)
		buf_printf(out, "%s%s", i ? ", " : "", S_pfields[i].name);
}

const char *
expr_price_field_unit(const char *name)
{
	const struct S_pfield *f = S_pfield_find(name);

	return f != NULL ? f->unit : NULL;
}

/* ---- the environment ---- */

void
expr_env_init(struct expr_env *env, struct data_scenario *const *scen, size_t n)
{
	env->scen = scen;
	env->nscen = n;
	env->set = NULL;
	env->values_only = 0;
	env->res = xcalloc(n ? n : 1, sizeof *env->res);
	env->have = xcalloc(n ? n : 1, 1);
}

void
expr_env_free(struct expr_env *env)
{
	free(env->res);
	free(env->have);
	memset(env, 0, sizeof *env);
}

static long
S_env_index(const struct expr_env *env, const char *name)
{
	size_t i;

	for (i = 0; i < env->nscen; i++)
		if (strcmp(env->scen[i]->name, name) == 0)
			return (long)i;
	return -1;
}

const struct data_scenario *
expr_env_find(const struct expr_env *env, const char *name)
{
	long i = S_env_index(env, name);

	return i < 0 ? NULL : env->scen[i];
}

/* ---- small helpers ---- */

/* "%.4g" without the exponent's '+' and leading zeros: 7e11, 5e-6. */
static void
S_sig(double v, char *out, size_t outsz)
{
	char tmp[64], *e;
	size_t o = 0, i;

	if (isnan(v)) {
		snprintf(out, outsz, "null");
		return;
	}
	/* Counts such as 327680 bytes/token read best in full. */
	util_fmt_g(tmp, sizeof tmp, v == floor(v) && fabs(v) < 1e6 ? 7 : 4, v);
	if ((e = strchr(tmp, 'e')) == NULL) {
		snprintf(out, outsz, "%s", tmp);
		return;
	}
	for (i = 0; tmp + i <= e && o + 1 < outsz; i++)
		out[o++] = tmp[i];
	i = (size_t)(e - tmp) + 1;
	if (tmp[i] == '-' && o + 1 < outsz)
		out[o++] = '-';
	if (tmp[i] == '+' || tmp[i] == '-')
		i++;
	while (tmp[i] == '0' && tmp[i + 1] != '\0')
		i++;
	for (; tmp[i] != '\0' && o + 1 < outsz; i++)
		out[o++] = tmp[i];
	out[o] = '\0';
}

/* The closest known name within a small edit distance, or NULL. */
static const char *
S_suggest(const char *name)
{
	const struct calc_quantity *q;
	const char *best = NULL;
	size_t i, n, d, bestd = (size_t)-1, limit;

	limit = strlen(name) / 3;
	if (limit < 2)
		limit = 2;
	q = calc_quantities(&n);
	for (i = 0; i < n; i++)
		if ((d = util_edit_distance(name, q[i].name)) < bestd) {
			bestd = d;
			best = q[i].name;
		}
	for (i = 0; S_inputs[i].name != NULL; i++)
		if ((d = util_edit_distance(name, S_inputs[i].name)) < bestd) {
			bestd = d;
			best = S_inputs[i].name;
		}
	for (i = 0; S_strings[i] != NULL; i++)
		if ((d = util_edit_distance(name, S_strings[i])) < bestd) {
			bestd = d;
			best = S_strings[i];
		}
	return bestd <= limit ? best : NULL;
}

/* ---- one scenario, possibly with overrides ---- */

struct S_ctx {
	const struct data_scenario *ds;
	struct calc_scenario sc;	/* with the path's overrides */
	struct calc_result r;
};

static double
S_nullify(double v, int zero_is_null)
{
	return zero_is_null && v == 0 ? NAN : v;
}

/* Value of an input or quantity name in ctx; 0 and *v, or -1 when the
 * name is neither. */
static int
S_lookup(const struct S_ctx *c, const char *name, double *v)
{
	const struct calc_hw *hw = c->sc.hw;
	const struct calc_model *m = c->sc.model;
	const struct calc_quantity *q;
	enum calc_prec p;

	if ((q = calc_quantity_find(name)) != NULL) {
		*v = calc_result_get(&c->r, q);
		return 0;
	}
	if (strncmp(name, "flops_per_s_", 12) == 0 &&
	    calc_prec_parse(name + 12, &p) == 0) {
		*v = S_nullify(hw->flops_per_s[p], 1);
		return 0;
	}
#define IN(n, val) if (strcmp(name, n) == 0) { *v = (val); return 0; }
	IN("hbm_bytes", hw->hbm_bytes);
	IN("hbm_bytes_per_s", hw->hbm_bytes_per_s);
	IN("flops_per_s", S_nullify(hw->flops_per_s[c->sc.c], 1));
	IN("link_bytes_per_s", S_nullify(hw->link_bytes_per_s, 1));
	IN("scale_up_chips", hw->link_bytes_per_s > 0 ? hw->scale_up_chips : 1);
	IN("scale_out_bytes_per_s", S_nullify(hw->scale_out_bytes_per_s, 1));
	IN("usd_per_hour", hw->usd_per_hour < 0 ? NAN : hw->usd_per_hour);
	IN("tdp_w", S_nullify(hw->tdp_w, 1));
	IN("params_total", m->params_total);
	IN("params_active", m->params_active);
	IN("layers", m->layers);
	IN("d_model", m->d_model);
	IN("heads", m->heads);
	IN("kv_heads", m->kv_heads);
	IN("head_dim", m->head_dim);
	IN("experts_total", S_nullify(m->experts_total, 1));
	IN("experts_active", S_nullify(m->experts_active, m->experts_total == 0));
	IN("max_context", m->max_context);
	IN("window_tokens", S_nullify(m->window_tokens, 1));
	IN("full_layers", m->full_layers);
	IN("weight_bytes_per_param", calc_prec_bytes(c->sc.w));
	IN("kv_bytes_per_value", calc_prec_bytes(c->sc.kv));
	IN("compute_bytes_per_value", calc_prec_bytes(c->sc.c));
	IN("batch", c->sc.batch);
	IN("context", c->sc.context);
	IN("prompt", c->sc.prompt);
	IN("chips", c->sc.chips);
	IN("mbu", c->sc.mbu);
	IN("mfu", c->sc.mfu);
	IN("link_latency_s", c->sc.link_latency_s);
	IN("scale_out_latency_s", c->sc.scale_out_latency_s);
	IN("prefill_tokens_per_pass", c->sc.prefill_tokens_per_pass);
	IN("draft_tokens", c->sc.draft != NULL ? c->sc.draft_tokens : NAN);
	IN("acceptance", c->sc.draft != NULL ? c->sc.acceptance : NAN);
	IN("price_ratio", c->sc.price_ratio);
#undef IN
	return -1;
}

static const char *
S_lookup_str(const struct S_ctx *c, const char *name)
{
	if (strcmp(name, "hardware_name") == 0)
		return c->ds->hw->name;
	if (strcmp(name, "model_name") == 0)
		return c->ds->model->name;
	if (strcmp(name, "hardware") == 0)
		return c->ds->hw->id;
	if (strcmp(name, "model") == 0)
		return c->ds->model->id;
	if (strcmp(name, "weights") == 0)
		return calc_prec_name(c->sc.w);
	if (strcmp(name, "kv") == 0)
		return calc_prec_name(c->sc.kv);
	if (strcmp(name, "compute") == 0)
		return calc_prec_name(c->sc.c);
	if (strcmp(name, "bound") == 0)
		return calc_bound_name(c->r.bound);
	return NULL;
}

/* The short names CALC.md's formulas use for the scenario's settings. */
static int
S_lookup_alias(const struct S_ctx *c, const char *id, double *v, const char **s)
{
	*s = NULL;
	if (strcmp(id, "B") == 0)
		*v = c->sc.batch;
	else if (strcmp(id, "L") == 0)
		*v = c->sc.context;
	else if (strcmp(id, "P") == 0)
		*v = c->sc.prompt;
	else if (strcmp(id, "N") == 0)
		*v = c->sc.chips;
	else if (strcmp(id, "w") == 0)
		*s = calc_prec_name(c->sc.w);
	else if (strcmp(id, "kv") == 0)
		*s = calc_prec_name(c->sc.kv);
	else if (strcmp(id, "c") == 0)
		*s = calc_prec_name(c->sc.c);
	else if (strcmp(id, "bw") == 0)
		*v = c->sc.hw->hbm_bytes_per_s;
	else if (strcmp(id, "lat") == 0 || strcmp(id, "link_latency") == 0)
		*v = c->sc.link_latency_s;
	else
		return -1;
	return 0;
}

/* "llama-3.1-405b on h100-sxm; weights fp8, kv bf16, compute fp8; batch 1,
 *  context 0, ...; data overridden: hbm_bytes_per_s 3e12 (data 3.35e12)" */
static char *
S_describe(const struct S_ctx *c)
{
	const struct data_scenario *ds = c->ds;
	const struct calc_scenario *sc = &c->sc;
	struct buf b;
	char v1[32], v2[32], v3[32], v4[32], v5[32], v6[32], v7[32];
	int first = 1;

	buf_init(&b);
	S_sig(sc->batch, v1, sizeof v1);
	S_sig(sc->context, v2, sizeof v2);
	S_sig(sc->prompt, v3, sizeof v3);
	S_sig(sc->chips, v4, sizeof v4);
	S_sig(sc->mbu, v5, sizeof v5);
	S_sig(sc->mfu, v6, sizeof v6);
	buf_printf(&b, "%s on %s; weights %s, kv %s, compute %s; batch %s, "
	    "context %s, prompt %s, chips %s, mbu %s, mfu %s",
	    ds->model->id, ds->hw->id, calc_prec_name(sc->w),
	    calc_prec_name(sc->kv), calc_prec_name(sc->c), v1, v2, v3, v4, v5, v6);
	if (!isnan(sc->price_ratio)) {
		S_sig(sc->price_ratio, v7, sizeof v7);
		buf_printf(&b, ", price_ratio %s", v7);
	}
#define OVR(label, eff, orig) \
	if ((eff) != (orig)) { \
		S_sig((eff), v1, sizeof v1); \
		S_sig((orig), v2, sizeof v2); \
		buf_printf(&b, "%s%s %s (data: %s)", first ? "; overridden: " : ", ", \
		    label, v1, v2); \
		first = 0; \
	}
	OVR("hbm_bytes", ds->hw_eff.hbm_bytes, ds->hw->hw.hbm_bytes);
	OVR("hbm_bytes_per_s", ds->hw_eff.hbm_bytes_per_s, ds->hw->hw.hbm_bytes_per_s);
	OVR("flops_per_s_bf16", ds->hw_eff.flops_per_s[CALC_BF16], ds->hw->hw.flops_per_s[CALC_BF16]);
	OVR("flops_per_s_fp8", ds->hw_eff.flops_per_s[CALC_FP8], ds->hw->hw.flops_per_s[CALC_FP8]);
	OVR("link_bytes_per_s", ds->hw_eff.link_bytes_per_s, ds->hw->hw.link_bytes_per_s);
	OVR("usd_per_hour", ds->hw_eff.usd_per_hour, ds->hw->hw.usd_per_hour);
	OVR("params_total", ds->model_eff.params_total, ds->model->m.params_total);
	OVR("params_active", ds->model_eff.params_active, ds->model->m.params_active);
#undef OVR
	return buf_take(&b, NULL);
}

/* "name = formula = formula with values = value unit" */
static char *
S_substitute(const struct S_ctx *c, const char *name, double value,
    const char *unit, const char *formula)
{
	struct buf b;
	char num[64];
	const char *p;
	int changed = 0;

	buf_init(&b);
	S_sig(value, num, sizeof num);
	if (formula == NULL || *formula == '\0') {
		buf_printf(&b, "%s = %s%s%s", name, num, *unit ? " " : "", unit);
		return buf_take(&b, NULL);
	}
	buf_printf(&b, "%s = %s = ", name, formula);
	for (p = formula; *p != '\0';) {
		if (isalpha((unsigned char)*p) || *p == '_') {
			const char *s = p, *str = NULL, *u = "";
			char *id;
			double v;
			int ok;

			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			id = xstrndup(s, (size_t)(p - s));
			if (S_lookup(c, id, &v) == 0) {
				ok = 1;
				u = expr_name_unit(id);
			} else
				ok = S_lookup_alias(c, id, &v, &str) == 0;
			/* A function name such as max( stays as it is. */
			if (ok && str == NULL && *p == '[') {
				/* flops_per_s[c]: the value already is the entry. */
				const char *e = strchr(p, ']');

				if (e != NULL)
					p = e + 1;
			}
			if (!ok || *p == '(') {
				buf_puts(&b, id);
			} else if (str != NULL) {
				buf_puts(&b, str);
				changed = 1;
			} else {
				char tmp[64];

				S_sig(v, tmp, sizeof tmp);
				buf_printf(&b, "%s%s%s", tmp, u && *u ? " " : "",
				    u ? u : "");
				changed = 1;
			}
			free(id);
		} else
			buf_putc(&b, *p++);
	}
	if (!changed) {
		/* Nothing to substitute: do not print the formula twice. */
		buf_reset(&b);
		buf_printf(&b, "%s = %s", name, formula);
	}
	buf_printf(&b, " = %s%s%s", num, *unit ? " " : "", unit);
	return buf_take(&b, NULL);
}

/* ---- evaluation ---- */

struct S_val {
	int is_str;
	double num;
	const char *str;
	const struct expr_node *src;	/* the path that produced a string */
};

struct S_eval {
	struct expr_env *env;
	struct expr_term *terms;
	size_t nterms;
	int errors;
	int too_many;
};

static char *
S_ovr_text(const struct expr_node *n)
{
	struct buf b;
	char num[64];
	int i, first = 1;

	buf_init(&b);
	buf_put(&b, "", 0);
	for (i = 0; i < EXPR_O__COUNT; i++) {
		if (isnan(n->ovr[i]))
			continue;
		util_fmt_g(num, sizeof num, 15, n->ovr[i]);
		buf_printf(&b, "%s%s=%s", first ? "" : ", ", expr_ovr_name(i), num);
		first = 0;
	}
	return buf_take(&b, NULL);
}

/* The scenario part of a term: "real", or 'price("gpt-4o")'. */
static char *
S_term_scen(const struct expr_node *n)
{
	struct buf b;

	if (n->kind != EXPR_PRICE)
		return xstrdup(n->scen);
	buf_init(&b);
	expr_price_text(n, &b);
	return buf_take(&b, NULL);
}

/* "real[batch=8].t_step_s" (or 'price("gpt-4o").input') for messages. */
static char *
S_path_text(const struct expr_node *n)
{
	struct buf b;

	buf_init(&b);
	expr_node_text(n, &b, NULL, NULL);
	return buf_take(&b, NULL);
}

void
expr_env_list(const struct expr_env *env, struct buf *b)
{
	size_t i;

	if (env->nscen == 0) {
		buf_puts(b, "this lesson has no scenarios");
		return;
	}
	buf_puts(b, "this lesson's scenarios: ");
	for (i = 0; i < env->nscen; i++)
		buf_printf(b, "%s%s", i ? ", " : "", env->scen[i]->name);
}

/* Sets up c for the path's scenario and overrides; -1 after an error. */
static int
S_scenario(struct S_eval *E, const struct expr_node *n, struct S_ctx *c)
{
	struct expr_env *env = E->env;
	const char *why;
	char whybuf[256];
	long i;
	int o, any = 0;

	if ((i = S_env_index(env, n->scen)) < 0) {
		struct buf b;

		buf_init(&b);
		expr_env_list(env, &b);
		diag_error(&n->pos, "unknown scenario '%s' (%s)", n->scen, b.data);
		buf_free(&b);
		return -1;
	}
	c->ds = env->scen[i];
	c->sc = c->ds->sc;
	for (o = 0; o < EXPR_O__COUNT; o++) {
		if (isnan(n->ovr[o]))
			continue;
		any = 1;
		switch (o) {
		case EXPR_O_BATCH:	c->sc.batch = n->ovr[o]; break;
		case EXPR_O_CONTEXT:	c->sc.context = n->ovr[o]; break;
		case EXPR_O_PROMPT:	c->sc.prompt = n->ovr[o]; break;
		case EXPR_O_CHIPS:	c->sc.chips = n->ovr[o]; break;
		case EXPR_O_MBU:	c->sc.mbu = n->ovr[o]; break;
		case EXPR_O_MFU:	c->sc.mfu = n->ovr[o]; break;
		}
	}
	if (!any && env->have[i] == 1) {
		c->r = env->res[i];
		return 0;
	}
	/* The message that names the numbers (chips against heads, domains,
	 * network), as `inferbook calc` prints it for the same scenario. */
	if ((why = calc_check_msg(&c->sc, whybuf, sizeof(whybuf))) != NULL) {
		char *o_text = S_ovr_text(n);

		if (*o_text)
			diag_error(&n->pos, "scenario '%s' with %s cannot be computed: %s",
			    n->scen, o_text, why);
		else
			diag_error(&n->pos, "scenario '%s' cannot be computed: %s",
			    n->scen, why);
		free(o_text);
		return -1;
	}
	calc_run(&c->sc, &c->r);
	if (!any) {
		env->res[i] = c->r;
		env->have[i] = 1;
	}
	return 0;
}

/* The term already read as scen[ovr].name (a price: ovr ""), or NULL. */
static const struct expr_term *
S_term_find(const struct S_eval *E, const char *scen, const char *name,
    const char *ovr)
{
	size_t i;

	for (i = 0; i < E->nterms; i++)
		if (strcmp(E->terms[i].scenario, scen) == 0 &&
		    strcmp(E->terms[i].name, name) == 0 &&
		    strcmp(E->terms[i].overrides, ovr) == 0)
			return &E->terms[i];
	return NULL;
}

/* A new, zeroed term; NULL (and too_many set) past EXPR_MAX_TERMS. */
static struct expr_term *
S_term_new(struct S_eval *E)
{
	struct expr_term *t;

	if (E->nterms >= EXPR_MAX_TERMS) {
		E->too_many = 1;
		return NULL;
	}
	E->terms = xreallocarray(E->terms, E->nterms + 1, sizeof *E->terms);
	t = &E->terms[E->nterms++];
	memset(t, 0, sizeof *t);
	return t;
}

static void
S_add_term(struct S_eval *E, const struct expr_node *n, const struct S_ctx *c,
    double v)
{
	const struct calc_quantity *q = calc_quantity_find(n->name);
	struct expr_term *t;
	char *ovr = S_ovr_text(n);

	if (S_term_find(E, n->scen, n->name, ovr) != NULL ||
	    (t = S_term_new(E)) == NULL) {
		free(ovr);
		return;
	}
	t->scenario = xstrdup(n->scen);
	t->overrides = ovr;
	t->name = xstrdup(n->name);
	t->value = v;
	t->unit = expr_name_unit(n->name);
	t->formula = q ? q->formula : NULL;
	t->scen = c->ds;
	if (E->env->values_only)
		return;
	{
		char *label = S_path_text(n);

		t->substituted = S_substitute(c, label, v, t->unit, t->formula);
		free(label);
	}
	t->inputs = S_describe(c);
}

/* ---- price("ID").NAME ---- */

/* Does tier t apply to a prompt of `tokens` tokens? */
static int
S_tier_applies(const struct data_tier *t, double tokens)
{
	if (!isnan(t->up_to_tokens))
		return tokens <= t->up_to_tokens;
	if (!isnan(t->above_tokens))
		return tokens > t->above_tokens;
	return 1;
}

/* "prompts up to 200000 tokens", "prompts above 200000 tokens", "flat". */
static void
S_tier_text(const struct data_tier *t, struct buf *b)
{
	char num[64];

	if (!isnan(t->up_to_tokens)) {
		S_sig(t->up_to_tokens, num, sizeof num);
		buf_printf(b, "prompts up to %s tokens", num);
	} else if (!isnan(t->above_tokens)) {
		S_sig(t->above_tokens, num, sizeof num);
		buf_printf(b, "prompts above %s tokens", num);
	} else
		buf_puts(b, "one price for every prompt");
}

/* The boundary between tiers: the first tier limit listed; NaN when flat. */
static double
S_threshold(const struct data_price *p)
{
	size_t i;

	for (i = 0; i < p->ntiers; i++) {
		if (!isnan(p->tiers[i].up_to_tokens))
			return p->tiers[i].up_to_tokens;
		if (!isnan(p->tiers[i].above_tokens))
			return p->tiers[i].above_tokens;
	}
	return NAN;
}

/* "gemini-2.5-pro (pricing.yaml:29): Google, Gemini 2.5 Pro, price of
 * 2025-04; tier: prompts above 200000 tokens; source: ..." */
static char *
S_price_inputs(const struct data_price *p, const struct data_tier *t)
{
	const char *file = p->pos.file ? strrchr(p->pos.file, '/') : NULL;
	struct buf b;

	/* The file's name only: the text must not depend on where data/ is. */
	file = file ? file + 1 : p->pos.file ? p->pos.file : "pricing.yaml";
	buf_init(&b);
	buf_printf(&b, "%s (%s:%u): %s, %s, price of %s", p->id, file, p->pos.line,
	    p->provider, p->model, p->date ? p->date : "an unknown month");
	if (t != NULL) {
		buf_puts(&b, "; tier: ");
		S_tier_text(t, &b);
	}
	buf_printf(&b, "; source: %s", p->source ? p->source : "none given");
	return buf_take(&b, NULL);
}

static void
S_add_price_term(struct S_eval *E, const struct expr_node *n,
    const struct data_price *p, const struct data_tier *t, double v,
    const char *formula)
{
	struct expr_term *term;
	char *scen = S_term_scen(n), num[64], a[64], b[64];
	const char *unit = expr_price_field_unit(n->name);

	if (S_term_find(E, scen, n->name, "") != NULL ||
	    (term = S_term_new(E)) == NULL) {
		free(scen);
		return;
	}
	term->scenario = scen;
	term->overrides = xstrdup("");
	term->name = xstrdup(n->name);
	term->value = v;
	term->unit = unit != NULL ? unit : "";
	term->formula = formula;
	S_sig(v, num, sizeof num);
	if (formula != NULL && t != NULL) {
		/* output_input_ratio: the only field with a formula. */
		S_sig(t->usd_per_mtok_output, a, sizeof a);
		S_sig(t->usd_per_mtok_input, b, sizeof b);
		term->substituted = xasprintf("%s.%s = %s = %s USD/Mtok / %s USD/Mtok = %s",
		    scen, n->name, formula, a, b, num);
	} else
		term->substituted = xasprintf("%s.%s = %s%s%s", scen, n->name, num,
		    *term->unit && !isnan(v) ? " " : "", isnan(v) ? "" : term->unit);
	term->inputs = S_price_inputs(p, t);
	term->price = p;
	term->tier = t;
}

static int
S_eval_price(struct S_eval *E, const struct expr_node *n, struct S_val *out)
{
	const struct data_set *set = E->env->set;
	const struct S_pfield *f = S_pfield_find(n->name);
	const struct data_price *p;
	const struct data_tier *t = NULL, *t2;
	const char *formula = NULL;
	double v = NAN;
	size_t i;

	if (set == NULL) {
		diag_error(&n->pos, "price(\"%s\"): no price list is loaded here "
		    "(data/pricing.yaml)", n->scen);
		return -1;
	}
	if ((p = data_find_price(set, n->scen)) == NULL) {
		char *ids = data_known_list(set, DATA_KIND_PRICES);

		if (*ids)
			diag_error(&n->pos, "unknown price '%s' (known prices: %s)",
			    n->scen, ids);
		else
			diag_error(&n->pos, "unknown price '%s' (data/pricing.yaml lists "
			    "no prices)", n->scen);
		free(ids);
		return -1;
	}
	if (f == NULL) {
		struct buf b;

		buf_init(&b);
		expr_price_field_list(&b);
		diag_error(&n->name_pos, "unknown price field '%s' (price fields: %s)",
		    n->name, b.data);
		buf_free(&b);
		return -1;
	}
	if (p->ntiers == 0) {
		diag_error(&n->pos, "price '%s' has no tiers", p->id);
		return -1;
	}
	if (isnan(n->num))
		t = &p->tiers[0];
	else {
		for (i = 0; i < p->ntiers && t == NULL; i++)
			if (S_tier_applies(&p->tiers[i], n->num))
				t = &p->tiers[i];
		if (t == NULL) {
			char num[64];

			S_sig(n->num, num, sizeof num);
			diag_error(&n->pos, "no tier of price '%s' applies to a prompt "
			    "of %s tokens", p->id, num);
			return -1;
		}
	}
	t2 = p->ntiers > 1 ? &p->tiers[1] : NULL;
	if (f->unit == NULL) {
		const char *str = NULL;

		if (strcmp(f->name, "id") == 0)
			str = p->id;
		else if (strcmp(f->name, "provider") == 0)
			str = p->provider;
		else if (strcmp(f->name, "model") == 0)
			str = p->model;
		else if (strcmp(f->name, "date") == 0)
			str = p->date;
		else if (strcmp(f->name, "source") == 0)
			str = p->source;
		out->is_str = 1;
		out->str = str != NULL ? str : "n/a";
		out->src = n;
		return 0;
	}
	if (strcmp(f->name, "input") == 0)
		v = t->usd_per_mtok_input;
	else if (strcmp(f->name, "output") == 0)
		v = t->usd_per_mtok_output;
	else if (strcmp(f->name, "output_input_ratio") == 0) {
		formula = "output / input";
		v = t->usd_per_mtok_input > 0 ?
		    t->usd_per_mtok_output / t->usd_per_mtok_input : NAN;
	} else if (strcmp(f->name, "tier2_input") == 0) {
		t = t2;
		v = t2 ? t2->usd_per_mtok_input : NAN;
	} else if (strcmp(f->name, "tier2_output") == 0) {
		t = t2;
		v = t2 ? t2->usd_per_mtok_output : NAN;
	} else if (strcmp(f->name, "threshold_tokens") == 0) {
		t = NULL;
		v = S_threshold(p);
	} else if (strcmp(f->name, "tiers") == 0) {
		t = NULL;
		v = (double)p->ntiers;
	}
	out->num = v;
	S_add_price_term(E, n, p, t, v, formula);
	return 0;
}

static int
S_eval_node(struct S_eval *E, const struct expr_node *n, struct S_val *out)
{
	struct S_val a, b;
	struct S_ctx c;
	int ra, rb;

	memset(out, 0, sizeof *out);
	switch (n->kind) {
	case EXPR_NUM:
		out->num = n->num;
		return 0;
	case EXPR_PATH: {
		const char *s;
		double v;

		if (!S_is_string(n->name) && expr_name_unit(n->name) == NULL) {
			const char *hint = S_suggest(n->name);

			if (S_env_index(E->env, n->scen) < 0)
				(void)S_scenario(E, n, &c);	/* report the scenario too */
			if (hint != NULL)
				diag_error(&n->name_pos, "unknown quantity '%s' (did you "
				    "mean '%s'?)", n->name, hint);
			else
				diag_error(&n->name_pos, "unknown quantity '%s' (see "
				    "lessons/README.md for the names)", n->name);
			return -1;
		}
		if (S_scenario(E, n, &c) == -1)
			return -1;
		if ((s = S_lookup_str(&c, n->name)) != NULL) {
			out->is_str = 1;
			out->str = s;
			out->src = n;
			return 0;
		}
		if (S_lookup(&c, n->name, &v) == -1)
			return -1;	/* not reached: the names agree */
		out->num = v;
		S_add_term(E, n, &c, v);
		return 0;
	}
	case EXPR_PRICE:
		return S_eval_price(E, n, out);
	case EXPR_CALL:
		ra = S_eval_node(E, n->a, &a);
		rb = n->b != NULL ? S_eval_node(E, n->b, &b) : 0;
		if (ra == -1 || rb == -1)
			return -1;
		if (a.is_str || (n->b != NULL && b.is_str)) {
			char *p = S_path_text(a.is_str ? a.src : b.src);

			diag_error(&n->pos, "'%s' is a string; %s() needs numbers", p,
			    expr_fn_name(n->fn));
			free(p);
			return -1;
		}
		switch (n->fn) {
		case EXPR_FN_CEIL:	out->num = ceil(a.num); break;
		case EXPR_FN_FLOOR:	out->num = floor(a.num); break;
		/* A null argument makes the result null (fmin would hide it). */
		case EXPR_FN_MIN:	out->num = isnan(a.num) || isnan(b.num) ? NAN :
					    a.num < b.num ? a.num : b.num; break;
		case EXPR_FN_MAX:	out->num = isnan(a.num) || isnan(b.num) ? NAN :
					    a.num > b.num ? a.num : b.num; break;
		default:		break;
		}
		return 0;
	case EXPR_NEG:
		if (S_eval_node(E, n->a, &a) == -1)
			return -1;
		if (a.is_str) {
			char *p = S_path_text(a.src);

			diag_error(&n->pos, "'%s' is a string; arithmetic needs numbers", p);
			free(p);
			return -1;
		}
		out->num = -a.num;
		return 0;
	default:
		break;
	}
	ra = S_eval_node(E, n->a, &a);
	rb = S_eval_node(E, n->b, &b);
	if (ra == -1 || rb == -1)
		return -1;
	if (a.is_str || b.is_str) {
		char *p = S_path_text(a.is_str ? a.src : b.src);

		diag_error(&n->pos, "'%s' is a string; arithmetic needs numbers", p);
		free(p);
		return -1;
	}
	switch (n->kind) {
	case EXPR_ADD: out->num = a.num + b.num; break;
	case EXPR_SUB: out->num = a.num - b.num; break;
	case EXPR_MUL: out->num = a.num * b.num; break;
	case EXPR_DIV:
		if (b.num == 0) {
			diag_error(&n->pos, "division by zero");
			return -1;
		}
		out->num = a.num / b.num;
		break;
	default:
		break;
	}
	/* Finite operands, a result that is not: the operation overflowed
	 * (1e200 * 1e200).  Reported here, at the operation, because the
	 * inf would go on to make NaN (inf - inf) that prints as a null
	 * quantity's "n/a".  A null operand (NaN) stays null. */
	if (isfinite(a.num) && isfinite(b.num) && !isfinite(out->num)) {
		diag_error(&n->pos, "the result of this operation is too large for a "
		    "number (it overflows)");
		return -1;
	}
	return 0;
}

static void
S_terms_free(struct expr_term *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].scenario);
		free(t[i].overrides);
		free(t[i].name);
		free(t[i].substituted);
		free(t[i].inputs);
	}
	free(t);
}

/* expr_node_text's leaf for derivations: a path or price read while
 * evaluating prints as its value and unit ("0.2333 s"). */
static int
S_leaf_value(const void *ctx, const struct expr_node *n, struct buf *b)
{
	const struct S_eval *E = ctx;
	char *o = n->kind == EXPR_PATH ? S_ovr_text(n) : xstrdup("");
	char *sc = S_term_scen(n);
	const struct expr_term *t = S_term_find(E, sc, n->name, o);
	char num[64];

	if (t != NULL) {
		S_sig(t->value, num, sizeof num);
		buf_printf(b, "%s%s%s", num, t->unit && *t->unit ? " " : "",
		    t->unit ? t->unit : "");
	}
	free(o);
	free(sc);
	return t != NULL;
}

static char *
S_derivation(const struct S_eval *E, const struct expr_stmt *st, double v)
{
	struct buf b;
	char num[64];
	size_t i;

	if ((st->root->kind == EXPR_PATH || st->root->kind == EXPR_PRICE) &&
	    E->nterms == 1)
		return xstrdup(E->terms[0].substituted);
	buf_init(&b);
	expr_node_text(st->root, &b, NULL, NULL);
	if (E->nterms > 0) {
		buf_puts(&b, " = ");
		expr_node_text(st->root, &b, S_leaf_value, E);
	}
	S_sig(v, num, sizeof num);
	buf_printf(&b, " = %s", num);
	for (i = 0; i < E->nterms; i++)
		buf_printf(&b, "; %s", E->terms[i].substituted);
	return buf_take(&b, NULL);
}

int
expr_eval(struct expr_env *env, const struct expr_stmt *st, struct expr_value *out)
{
	struct S_eval E;
	struct S_val v;
	char text[600];
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&E, 0, sizeof E);
	E.env = env;
	if (st->kind != EXPR_STMT_VALUE) {
		diag_error(&st->pos, "not a value expression");
		return -1;
	}
	if (S_eval_node(&E, st->root, &v) == -1)
		goto fail;
	if (E.too_many) {
		diag_error(&st->pos, "expression reads more than %d quantities",
		    EXPR_MAX_TERMS);
		goto fail;
	}
	if (v.is_str) {
		if (st->filter != EXPR_F_NONE) {
			char *p = S_path_text(v.src);

			diag_error(&st->filter_pos, "filter '%s' needs a number, but "
			    "'%s' is a string", expr_filter_name(st->filter), p);
			free(p);
			goto fail;
		}
		out->type = EXPR_V_STR;
		out->num = NAN;
		out->str = xstrdup(v.str);
		goto done;
	}
	if (isnan(v.num) && st->filter != EXPR_F_NONE) {
		const char *who = NULL;

		for (i = 0; i < E.nterms; i++)
			if (isnan(E.terms[i].value)) {
				who = E.terms[i].name;
				break;
			}
		if (who != NULL)
			diag_error(&st->filter_pos, "filter '%s' needs a number, but "
			    "'%s.%s' is null%s", expr_filter_name(st->filter),
			    E.terms[i].scenario, who, E.terms[i].price != NULL ? "" :
			    " in this scenario");
		else
			diag_error(&st->filter_pos, "filter '%s' needs a number, but "
			    "the value is null", expr_filter_name(st->filter));
		goto fail;
	}
	if (isinf(v.num)) {
		diag_error(&st->pos, "the value is not a finite number");
		goto fail;
	}
	out->type = EXPR_V_NUM;
	out->num = v.num;
	expr_format(v.num, st->filter == EXPR_F_NONE ? EXPR_F_NUM : st->filter,
	    st->decimals, text, sizeof text);
	out->str = xstrdup(text);
	out->derivation = env->values_only ? NULL : S_derivation(&E, st, v.num);
done:
	out->terms = E.terms;
	out->nterms = E.nterms;
	return 0;
fail:
	S_terms_free(E.terms, E.nterms);
	return -1;
}

void
expr_value_free(struct expr_value *v)
{
	if (v == NULL)
		return;
	free(v->str);
	free(v->derivation);
	S_terms_free(v->terms, v->nterms);
	memset(v, 0, sizeof *v);
}

void
expr_record_free(struct expr_record *r)
{
	if (r == NULL)
		return;
	free(r->id);
	free(r->slug);
	free(r->scenario);
	free(r->text);
	free(r->formatted);
	free(r->derivation);
	S_terms_free(r->terms, r->nterms);
	memset(r, 0, sizeof *r);
}

unsigned long
expr_hash(const char *text)
{
	unsigned long h = 2166136261ul;

	for (; *text != '\0'; text++) {
		h ^= (unsigned char)*text;
		h = (h * 16777619ul) & 0xfffffffful;
	}
	return h;
}
