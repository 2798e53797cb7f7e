/*
 * scenario.c -- a named scenario (lesson front matter, command line) into
 * a calc_scenario over a chip and a model of the data set, with optional
 * what-if overrides of their figures.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include "calc.h"
#include "data.h"
#include "diag.h"
#include "util.h"
#include "ytree.h"

/* Everything except model/hardware/precisions/override goes through the
 * table; those four are looked up by hand (no allocation to undo). */
struct S_sc_in {
	double batch, context, prompt, chips, mbu, mfu, link_latency_us, price_ratio;
	double scale_out_latency_us, prefill_tokens, draft_tokens, acceptance;
	struct srcpos batch_pos, context_pos, prompt_pos, chips_pos, mbu_pos, mfu_pos,
	    lat_pos, ratio_pos, solat_pos, ptok_pos, dtok_pos, acc_pos;
};

#define SF(key, type, member, req) \
	{ key, type, offsetof(struct S_sc_in, member), req, \
	  offsetof(struct S_sc_in, member##_pos) }
static const struct yfield S_sc_fields[] = {
	{ "model", YF_CUSTOM, 0, 1, YF_NOPOS },
	{ "hardware", YF_CUSTOM, 0, 1, YF_NOPOS },
	{ "weights", YF_CUSTOM, 0, 0, YF_NOPOS },
	{ "kv", YF_CUSTOM, 0, 0, YF_NOPOS },
	{ "compute", YF_CUSTOM, 0, 0, YF_NOPOS },
	SF("batch", YF_CUSTOM, batch, 0),
	SF("context", YF_CUSTOM, context, 0),
	SF("prompt", YF_CUSTOM, prompt, 0),
	SF("chips", YF_CUSTOM, chips, 0),
	SF("mbu", YF_POSITIVE, mbu, 0),
	SF("mfu", YF_POSITIVE, mfu, 0),
	{ "link_latency_us", YF_NONNEG, offsetof(struct S_sc_in, link_latency_us), 0,
	  offsetof(struct S_sc_in, lat_pos) },
	{ "price_ratio", YF_POSITIVE, offsetof(struct S_sc_in, price_ratio), 0,
	  offsetof(struct S_sc_in, ratio_pos) },
	{ "scale_out_latency_us", YF_NONNEG, offsetof(struct S_sc_in, scale_out_latency_us), 0,
	  offsetof(struct S_sc_in, solat_pos) },
	{ "prefill_tokens", YF_CUSTOM, offsetof(struct S_sc_in, prefill_tokens), 0,
	  offsetof(struct S_sc_in, ptok_pos) },
	/* Speculative decoding: a draft model id, tokens it guesses per
	 * step, and the chance each guess is accepted; all three together. */
	{ "draft", YF_CUSTOM, 0, 0, YF_NOPOS },
	{ "draft_tokens", YF_CUSTOM, offsetof(struct S_sc_in, draft_tokens), 0,
	  offsetof(struct S_sc_in, dtok_pos) },
	{ "acceptance", YF_NONNEG, offsetof(struct S_sc_in, acceptance), 0,
	  offsetof(struct S_sc_in, acc_pos) },
	{ "override", YF_CUSTOM, 0, 0, YF_NOPOS },
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};
#undef SF

enum {
	S_OV_HBM_GB, S_OV_HBM_TB, S_OV_LINK, S_OV_USD, S_OV_BF16, S_OV_FP8,
	S_OV_PARAMS, S_OV_ACTIVE, S_OV_BW_SCALE, S_OV_SCALE_UP, S_OV_SCALE_OUT, S_OV_EXPERTS,
	S_OV__N
};
struct S_ov_in {
	double v[S_OV__N];
	struct srcpos pos[S_OV__N];
};
#define OF(key, type, i) \
	{ key, type, offsetof(struct S_ov_in, v[i]), 0, offsetof(struct S_ov_in, pos[i]) }
static const struct yfield S_ov_fields[] = {
	OF("hbm_gb", YF_POSITIVE, S_OV_HBM_GB),
	OF("hbm_tb_per_s", YF_POSITIVE, S_OV_HBM_TB),
	OF("link_gb_per_s", YF_NONNEG, S_OV_LINK),
	OF("usd_per_hour", YF_POSITIVE, S_OV_USD),
	OF("tflops_bf16", YF_POSITIVE, S_OV_BF16),
	OF("tflops_fp8", YF_POSITIVE, S_OV_FP8),
	OF("params_b", YF_POSITIVE, S_OV_PARAMS),
	OF("active_params_b", YF_POSITIVE, S_OV_ACTIVE),
	OF("bandwidth_scale", YF_POSITIVE, S_OV_BW_SCALE),
	OF("scale_up_chips", YF_POSITIVE, S_OV_SCALE_UP),
	OF("scale_out_gb_per_s", YF_NONNEG, S_OV_SCALE_OUT),
	/* experts_total: 0 makes a mixture-of-experts model dense, keeping its
	 * attention (a comparison model with the same KV cache). */
	OF("experts_total", YF_NONNEG, S_OV_EXPERTS),
	{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
};
#undef OF

#define S_HAS(ov, i) ((ov).pos[i].line > 0)

/* An integer field of the scenario, min..LONG_MAX. */
static int
S_int(const struct ynode *map, const char *key, long min, double *out)
{
	const struct ynode *n = ytree_get(map, key);
	long l;

	if (n == NULL)
		return 0;
	if (ytree_integer(n, key, min, LONG_MAX, &l) == -1)
		return -1;
	*out = (double)l;
	return 0;
}

static int
S_prec(const struct ynode *map, const char *key, int *given, enum calc_prec *out)
{
	const struct ynode *n = ytree_get(map, key);
	struct buf b;
	int i;

	*given = n != NULL;
	if (n == NULL)
		return 0;
	if (n->kind == YNODE_SCALAR && calc_prec_parse(n->value, out) == 0)
		return 0;
	buf_init(&b);
	for (i = 0; i < CALC_PREC__COUNT; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", calc_prec_name((enum calc_prec)i));
	if (n->kind == YNODE_SCALAR)
		diag_error(&n->pos, "%s must be one of %s; got '%s'", key, b.data, n->value);
	else
		diag_error(&n->pos, "%s must be one of %s; got %s", key, b.data,
		    ytree_kind_name(n->kind));
	buf_free(&b);
	return -1;
}

/* Looks the model or chip up; prints the known ids when it is unknown. */
static const void *
S_lookup(const struct data_set *set, const struct ynode *map, const char *key,
    const char *name, int models)
{
	const struct ynode *n = ytree_get(map, key);
	const char *id;
	const void *found;
	char *known;

	if (n == NULL || ytree_string(n, key, &id) == -1)
		return NULL;
	found = models ? (const void *)data_find_model(set, id) : (const void *)data_find_hw(set, id);
	if (found != NULL)
		return found;
	known = data_known_list(set, models ? DATA_KIND_MODELS : DATA_KIND_HW);
	diag_error(&n->pos, "unknown %s '%s' in scenario '%s' (known: %s)", key, id, name, known);
	free(known);
	return NULL;
}

static int
S_fraction(const struct ynode *map, const char *key, double v)
{
	const struct ynode *n = ytree_get(map, key);

	if (n == NULL || v <= 1)
		return 0;
	diag_error(&n->pos, "%s is a fraction of peak and must be at most 1, got %s", key,
	    n->value);
	return -1;
}

/* Applies what-if overrides to the copies in out; -1 after an error. */
static int
S_override(const struct ynode *ovn, struct data_scenario *out)
{
	struct S_ov_in ov;
	struct calc_hw *hw = &out->hw_eff;
	struct calc_model *m = &out->model_eff;
	int dense;

	memset(&ov, 0, sizeof(ov));
	if (ytree_map_fields(ovn, S_ov_fields, &ov, "override") == -1)
		return -1;
	if (S_HAS(ov, S_OV_EXPERTS)) {
		if (ov.v[S_OV_EXPERTS] != 0) {
			diag_error(&ov.pos[S_OV_EXPERTS], "override: experts_total can only be 0 "
			    "(a dense model of the same shape)");
			return -1;
		}
		m->experts_total = m->experts_active = 0;
		m->params_active = m->params_total;
	}
	dense = m->experts_total == 0;
	if (S_HAS(ov, S_OV_HBM_GB))
		hw->hbm_bytes = ov.v[S_OV_HBM_GB] * 1e9;
	if (S_HAS(ov, S_OV_HBM_TB))
		hw->hbm_bytes_per_s = ov.v[S_OV_HBM_TB] * 1e12;
	/* After hbm_tb_per_s, so "3.0 TB/s, then 10x" reads in that order. */
	if (S_HAS(ov, S_OV_BW_SCALE))
		hw->hbm_bytes_per_s *= ov.v[S_OV_BW_SCALE];
	if (S_HAS(ov, S_OV_LINK))
		hw->link_bytes_per_s = ov.v[S_OV_LINK] * 1e9;
	if (S_HAS(ov, S_OV_SCALE_UP))
		hw->scale_up_chips = ov.v[S_OV_SCALE_UP];
	if (S_HAS(ov, S_OV_SCALE_OUT))
		hw->scale_out_bytes_per_s = ov.v[S_OV_SCALE_OUT] * 1e9;
	if (S_HAS(ov, S_OV_USD))
		hw->usd_per_hour = ov.v[S_OV_USD];
	if (S_HAS(ov, S_OV_BF16))
		hw->flops_per_s[CALC_BF16] = ov.v[S_OV_BF16] * 1e12;
	if (S_HAS(ov, S_OV_FP8))
		hw->flops_per_s[CALC_FP8] = ov.v[S_OV_FP8] * 1e12;
	if (S_HAS(ov, S_OV_PARAMS)) {
		m->params_total = ov.v[S_OV_PARAMS] * 1e9;
		/* A dense model uses every parameter per token. */
		if (dense)
			m->params_active = m->params_total;
	}
	if (S_HAS(ov, S_OV_ACTIVE))
		m->params_active = ov.v[S_OV_ACTIVE] * 1e9;
	if (m->params_active > m->params_total) {
		const struct srcpos *p = S_HAS(ov, S_OV_ACTIVE) ? &ov.pos[S_OV_ACTIVE] :
		    &ov.pos[S_OV_PARAMS];

		diag_error(p, "override: active parameters (%g B) exceed total parameters (%g B)",
		    m->params_active / 1e9, m->params_total / 1e9);
		return -1;
	}
	if (!dense && m->params_active == m->params_total) {
		diag_error(S_HAS(ov, S_OV_ACTIVE) ? &ov.pos[S_OV_ACTIVE] : &ov.pos[S_OV_PARAMS],
		    "override: a mixture-of-experts model needs fewer active than total parameters");
		return -1;
	}
	if (!isfinite(hw->hbm_bytes) || !isfinite(hw->hbm_bytes_per_s) ||
	    !isfinite(hw->link_bytes_per_s) || !isfinite(hw->flops_per_s[CALC_BF16]) ||
	    !isfinite(hw->flops_per_s[CALC_FP8]) || !isfinite(m->params_total) ||
	    !isfinite(m->params_active)) {
		diag_error(&ovn->pos, "override: a value is too large");
		return -1;
	}
	return 0;
}

int
data_scenario_parse(const struct data_set *set, const char *name,
    const struct ynode *map, struct data_scenario *out)
{
	struct S_sc_in in;
	const struct data_hw *hw;
	const struct data_model *model, *draft = NULL;
	const struct ynode *ovn, *cn;
	char why[256];
	enum calc_prec w = CALC_BF16, kv = CALC_BF16, c = CALC_BF16;
	int bad = 0, w_given, kv_given, c_given;
	char *what;
	const char *msg;

	memset(out, 0, sizeof(*out));
	memset(&in, 0, sizeof(in));
	what = xasprintf("scenario '%s'", name);
	bad = ytree_map_fields(map, S_sc_fields, &in, what) == -1;
	free(what);
	if (map->kind != YNODE_MAP)
		return -1;
	hw = S_lookup(set, map, "hardware", name, 0);
	model = S_lookup(set, map, "model", name, 1);
	bad |= (ytree_get(map, "hardware") != NULL && hw == NULL);
	bad |= (ytree_get(map, "model") != NULL && model == NULL);
	bad |= S_prec(map, "weights", &w_given, &w) == -1;
	bad |= S_prec(map, "kv", &kv_given, &kv) == -1;
	bad |= S_prec(map, "compute", &c_given, &c) == -1;
	bad |= S_int(map, "batch", 1, &in.batch) == -1;
	bad |= S_int(map, "context", 0, &in.context) == -1;
	bad |= S_int(map, "prompt", 1, &in.prompt) == -1;
	bad |= S_int(map, "chips", 1, &in.chips) == -1;
	bad |= S_fraction(map, "mbu", in.mbu) == -1;
	bad |= S_fraction(map, "mfu", in.mfu) == -1;
	bad |= S_int(map, "prefill_tokens", 1, &in.prefill_tokens) == -1;
	bad |= S_int(map, "draft_tokens", 1, &in.draft_tokens) == -1;
	bad |= S_fraction(map, "acceptance", in.acceptance) == -1;
	if (ytree_get(map, "draft") != NULL &&
	    (draft = S_lookup(set, map, "draft", name, 1)) == NULL)
		bad = 1;
	if (!bad && (ytree_get(map, "draft") != NULL) != (ytree_get(map, "draft_tokens") !=
	    NULL && ytree_get(map, "acceptance") != NULL)) {
		diag_error(&map->pos, "scenario '%s': draft, draft_tokens and acceptance go "
		    "together", name);
		bad = 1;
	}
	if (bad || hw == NULL || model == NULL)
		return -1;

	out->hw = hw;
	out->model = model;
	out->hw_eff = hw->hw;
	out->model_eff = model->m;
	if ((ovn = ytree_get(map, "override")) != NULL) {
		if (S_override(ovn, out) == -1) {
			memset(out, 0, sizeof(*out));
			return -1;
		}
		out->overridden = 1;
	}

	calc_scenario_defaults(&out->sc);
	out->sc.hw = &out->hw_eff;
	out->sc.model = &out->model_eff;
	out->sc.w = w;
	out->sc.kv = kv;
	out->sc.c = c_given ? c : calc_default_compute(&out->hw_eff, w);
	if (ytree_get(map, "batch") != NULL)
		out->sc.batch = in.batch;
	if (ytree_get(map, "context") != NULL)
		out->sc.context = in.context;
	if (ytree_get(map, "prompt") != NULL)
		out->sc.prompt = in.prompt;
	if (ytree_get(map, "chips") != NULL)
		out->sc.chips = in.chips;
	if (in.mbu_pos.line > 0)
		out->sc.mbu = in.mbu;
	if (in.mfu_pos.line > 0)
		out->sc.mfu = in.mfu;
	if (in.lat_pos.line > 0)
		out->sc.link_latency_s = in.link_latency_us * 1e-6;
	if (in.ratio_pos.line > 0)
		out->sc.price_ratio = in.price_ratio;
	if (in.solat_pos.line > 0)
		out->sc.scale_out_latency_s = in.scale_out_latency_us * 1e-6;
	if (ytree_get(map, "prefill_tokens") != NULL)
		out->sc.prefill_tokens_per_pass = in.prefill_tokens;
	if (draft != NULL) {
		/* Borrowed from the data set, which outlives its scenarios. */
		out->sc.draft = &draft->m;
		out->sc.draft_tokens = in.draft_tokens;
		out->sc.acceptance = in.acceptance;
	}

	if ((msg = calc_check_msg(&out->sc, why, sizeof(why))) != NULL) {
		/* Point at the key most likely at fault. */
		cn = NULL;
		if (!(out->hw_eff.flops_per_s[out->sc.c] > 0))
			cn = ytree_get(map, c_given ? "compute" : "hardware");
		else if (out->sc.chips > 1)
			cn = ytree_get(map, "chips");
		diag_error(cn != NULL ? &cn->pos : &map->pos, "scenario '%s': %s", name, msg);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (out->sc.context > out->model_eff.max_context) {
		const struct ynode *ctx = ytree_get(map, "context");

		diag_warning(&ctx->pos, "context %s exceeds %s's max_context of %.0f tokens",
		    ctx->value, model->id, out->model_eff.max_context);
	}
	out->pos = map->pos;
	out->name = xstrdup(name);
	return 0;
}

void
data_scenario_free(struct data_scenario *s)
{
	if (s == NULL)
		return;
	free(s->name);
	memset(s, 0, sizeof(*s));
}
