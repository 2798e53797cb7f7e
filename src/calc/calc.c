/*
 * calc.c -- the calculation core (../shared/design/CALC.md).
 *
 * Every quantity is a direct transcription of its CALC.md definition; the
 * quantity table at the end repeats those definitions as text, so that the
 * derivations page prints exactly what the code computes.  Nothing here
 * allocates or touches global state: calc_run() is called a million times
 * by the sweep benchmark and by every chart.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "calc.h"

/* ---- Precisions, attention kinds, bound ---- */

static const struct {
	const char *name;
	double bytes;
} S_prec[CALC_PREC__COUNT] = {
	[CALC_FP32] = { "fp32", 4.0 },
	[CALC_BF16] = { "bf16", 2.0 },
	[CALC_FP16] = { "fp16", 2.0 },
	[CALC_FP8]  = { "fp8",  1.0 },
	[CALC_INT8] = { "int8", 1.0 },
	[CALC_FP4]  = { "fp4",  0.5 },
	[CALC_INT4] = { "int4", 0.5 },
};

static int
S_prec_ok(enum calc_prec p)
{
	return (unsigned)p < CALC_PREC__COUNT;
}

double
calc_prec_bytes(enum calc_prec p)
{
	return S_prec_ok(p) ? S_prec[p].bytes : NAN;
}

const char *
calc_prec_name(enum calc_prec p)
{
	return S_prec_ok(p) ? S_prec[p].name : "?";
}

int
calc_prec_parse(const char *name, enum calc_prec *p)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CALC_PREC__COUNT; i++)
		if (strcmp(name, S_prec[i].name) == 0) {
			*p = (enum calc_prec)i;
			return 0;
		}
	return -1;
}

static const char *const S_attn_names[] = {
	[CALC_MHA] = "mha", [CALC_GQA] = "gqa", [CALC_MQA] = "mqa", [CALC_MLA] = "mla",
};
#define S_NATTN (sizeof(S_attn_names) / sizeof(S_attn_names[0]))

const char *
calc_attn_name(enum calc_attn a)
{
	return (unsigned)a < S_NATTN ? S_attn_names[a] : "?";
}

int
calc_attn_parse(const char *name, enum calc_attn *a)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < S_NATTN; i++)
		if (strcmp(name, S_attn_names[i]) == 0) {
			*a = (enum calc_attn)i;
			return 0;
		}
	return -1;
}

const char *
calc_bound_name(enum calc_bound b)
{
	return b == CALC_BOUND_COMPUTE ? "compute" :
	    b == CALC_BOUND_COMM ? "communication" : "memory";
}

int
calc_is_null(double v)
{
	return isnan(v);
}

/* ---- Memory kinds, topologies ---- */

static const char *const S_mem_names[] = {
	[CALC_MEM_HBM] = "hbm", [CALC_MEM_GDDR] = "gddr", [CALC_MEM_SRAM] = "sram",
};
static const char *const S_topo_names[] = {
	[CALC_TOPO_SWITCH] = "switch", [CALC_TOPO_MESH] = "mesh", [CALC_TOPO_TORUS] = "torus",
};

static int
S_parse_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
calc_memory_name(enum calc_memory k)
{
	return (unsigned)k < 3 ? S_mem_names[k] : "?";
}

int
calc_memory_parse(const char *name, enum calc_memory *k)
{
	int i = S_parse_name(S_mem_names, 3, name);

	if (i < 0)
		return -1;
	*k = (enum calc_memory)i;
	return 0;
}

const char *
calc_topology_name(enum calc_topology t)
{
	return (unsigned)t < 3 ? S_topo_names[t] : "?";
}

int
calc_topology_parse(const char *name, enum calc_topology *t)
{
	int i = S_parse_name(S_topo_names, 3, name);

	if (i < 0)
		return -1;
	*t = (enum calc_topology)i;
	return 0;
}

/* ---- Scenario set-up and validation ---- */

void
calc_scenario_defaults(struct calc_scenario *s)
{
	s->w = CALC_BF16;
	s->kv = CALC_BF16;
	/* calc_default_compute(hw, bf16) is bf16 whatever the chip lists, so
	 * the default needs no hardware (which may not be set yet). */
	s->c = CALC_BF16;
	s->batch = 1;
	s->context = 0;
	s->prompt = 1024;
	s->chips = 1;
	s->mbu = 1.0;
	s->mfu = 1.0;
	s->link_latency_s = 5e-6;
	s->scale_out_latency_s = 5e-6;
	s->prefill_tokens_per_pass = 8192;
	s->price_ratio = NAN;
	s->draft = NULL;
	s->draft_tokens = 0;
	s->acceptance = NAN;
}

enum calc_prec
calc_default_compute(const struct calc_hw *hw, enum calc_prec w)
{
	/* A chip without FLOPs at the weights' precision de-quantises them
	 * and multiplies in bf16 (fp8 weights on an A100). */
	if (hw != NULL && S_prec_ok(w) && hw->flops_per_s[w] > 0)
		return w;
	return CALC_BF16;
}

/* x > 0 and finite (false for NaN). */
static int
S_pos(double x)
{
	return x > 0 && isfinite(x);
}

/* Chips in one scale-up domain: 1 without a link. */
static double
S_domain(const struct calc_hw *hw)
{
	if (!(hw->link_bytes_per_s > 0) || !(hw->scale_up_chips >= 1))
		return 1;
	return hw->scale_up_chips;
}

/* The checks on one model's shape and on how N chips split it; `who` is
 * "model" or "draft model" for the message. */
/* Writes the message into buf and returns it. */
#define S_SAY(...) do { snprintf(buf, sz, __VA_ARGS__); return buf; } while (0)

static const char *
S_check_model(const struct calc_model *m, double n, const char *who, char *buf, size_t sz)
{
	if (!S_pos(m->params_total) || !S_pos(m->params_active) ||
	    m->params_active > m->params_total)
		S_SAY("%s parameters must be positive, active <= total", who);
	if (!S_pos(m->layers) || !S_pos(m->d_model) || !S_pos(m->heads) ||
	    !S_pos(m->head_dim))
		S_SAY("%s shape (layers, d_model, heads, head_dim) must be "
		    "positive", who);
	if (m->attn == CALC_MLA) {
		if (!S_pos(m->kv_lora_rank) || !(m->rope_dim >= 0))
			S_SAY("MLA %s needs a positive kv_lora_rank", who);
	} else if (!S_pos(m->kv_heads))
		S_SAY("%s needs a positive kv_heads", who);
	if (m->experts_total != 0 &&
	    !(m->experts_active > 0 && m->experts_active < m->experts_total))
		S_SAY("MoE %s needs 0 < experts_active < experts_total", who);
	if (m->window_tokens != 0 && (!S_pos(m->window_tokens) ||
	    !(m->full_layers >= 0 && m->full_layers <= m->layers)))
		S_SAY("%s window needs tokens > 0 and 0 <= full_layers <= "
		    "layers", who);
	/* Tensor parallelism splits whole heads: a fraction of a head per
	 * chip does not exist. */
	if (fmod(m->heads, n) != 0)
		S_SAY("%g chips do not divide the %s's %g attention heads "
		    "(tensor parallelism splits whole heads)", n, who, m->heads);
	if (m->attn != CALC_MLA && fmod(m->kv_heads, n) != 0 && fmod(n, m->kv_heads) != 0)
		S_SAY("%g chips neither divide the %s's %g KV heads nor are a "
		    "multiple of them", n, who, m->kv_heads);
	return NULL;
}
#undef S_SAY

/* The message for a compute precision without FLOPs, one per precision so
 * that calc_check() can return a static string naming it. */
static const char *const S_no_flops[CALC_PREC__COUNT] = {
	[CALC_FP32] = "hardware lists no fp32 FLOPs",
	[CALC_BF16] = "hardware lists no bf16 FLOPs",
	[CALC_FP16] = "hardware lists no fp16 FLOPs",
	[CALC_FP8]  = "hardware lists no fp8 FLOPs",
	[CALC_INT8] = "hardware lists no int8 FLOPs",
	[CALC_FP4]  = "hardware lists no fp4 FLOPs",
	[CALC_INT4] = "hardware lists no int4 FLOPs",
};

#define S_RET(msg) do { snprintf(buf, sz, "%s", (msg)); return buf; } while (0)

const char *
calc_check_msg(const struct calc_scenario *s, char *buf, size_t sz)
{
	const struct calc_hw *hw = s->hw;
	const struct calc_model *m = s->model;
	double n = s->chips, dom;

	if (hw == NULL)
		S_RET("scenario has no hardware");
	if (m == NULL)
		S_RET("scenario has no model");
	if (!S_prec_ok(s->w) || !S_prec_ok(s->kv) || !S_prec_ok(s->c))
		S_RET("unknown precision");
	if (!(hw->flops_per_s[s->c] > 0))
		S_RET(S_no_flops[s->c]);
	if (!S_pos(hw->hbm_bytes_per_s))
		S_RET("hardware lists no memory bandwidth");
	if (!S_pos(hw->hbm_bytes))
		S_RET("hardware lists no memory capacity");
	if (!S_pos(s->batch))
		S_RET("batch must be positive");
	if (!(n >= 1) || !isfinite(n) || n != floor(n))
		S_RET("chips must be a whole number, at least 1");
	if (!(s->context >= 0) || !isfinite(s->context))
		S_RET("context must not be negative");
	if (!S_pos(s->prompt))
		S_RET("prompt must be positive");
	if (!(s->mbu > 0 && s->mbu <= 1))
		S_RET("mbu must be in (0, 1]");
	if (!(s->mfu > 0 && s->mfu <= 1))
		S_RET("mfu must be in (0, 1]");
	if (!(s->link_latency_s >= 0) || !isfinite(s->link_latency_s))
		S_RET("link latency must not be negative");
	if (!(s->scale_out_latency_s >= 0) || !isfinite(s->scale_out_latency_s))
		S_RET("scale-out latency must not be negative");
	if (!S_pos(s->prefill_tokens_per_pass))
		S_RET("prefill tokens per pass must be positive");
	dom = S_domain(hw);
	if (n > dom) {
		if (!(hw->link_bytes_per_s > 0) && !(hw->scale_out_bytes_per_s > 0)) {
			snprintf(buf, sz, "%g chips need a link between chips, and the hardware "
			    "has neither a scale-up link nor a scale-out network", n);
			return buf;
		}
		if (fmod(n, dom) != 0) {
			snprintf(buf, sz, "%g chips are not a multiple of the scale-up domain "
			    "of %g chips", n, dom);
			return buf;
		}
		if (!(hw->scale_out_bytes_per_s > 0)) {
			snprintf(buf, sz, "%g chips span %g scale-up domains of %g chips, and the "
			    "hardware has no scale-out network between domains "
			    "(scale_out_gb_per_s)", n, n / dom, dom);
			return buf;
		}
	}
	if (S_check_model(m, n, "model", buf, sz) != NULL)
		return buf;
	if (s->draft != NULL) {
		if (S_check_model(s->draft, n, "draft model", buf, sz) != NULL)
			return buf;
		if (!(s->draft_tokens >= 1) || s->draft_tokens != floor(s->draft_tokens) ||
		    !isfinite(s->draft_tokens))
			S_RET("draft tokens must be a whole number, at least 1");
		if (!(s->acceptance >= 0 && s->acceptance <= 1))
			S_RET("acceptance must be in [0, 1]");
	}
	return NULL;
}
#undef S_RET

const char *
calc_check(const struct calc_scenario *s)
{
	/* The static forms of calc_check_msg's messages, for callers that
	 * attach their own position and need no numbers. */
	char buf[256];
	const char *why = calc_check_msg(s, buf, sizeof(buf));
	static const char *const known[] = {
		"scenario has no hardware", "scenario has no model", "unknown precision",
		"hardware lists no memory bandwidth", "hardware lists no memory capacity",
		"batch must be positive", "chips must be a whole number, at least 1",
		"context must not be negative", "prompt must be positive",
		"mbu must be in (0, 1]", "mfu must be in (0, 1]",
		"link latency must not be negative", "scale-out latency must not be negative",
		"prefill tokens per pass must be positive",
		"draft tokens must be a whole number, at least 1",
		"acceptance must be in [0, 1]",
		"model parameters must be positive, active <= total",
		"model shape (layers, d_model, heads, head_dim) must be positive",
		"MLA model needs a positive kv_lora_rank", "model needs a positive kv_heads",
		"MoE model needs 0 < experts_active < experts_total",
		"model window needs tokens > 0 and 0 <= full_layers <= layers",
	};
	size_t i;

	if (why == NULL)
		return NULL;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(why, known[i]) == 0)
			return known[i];
	for (i = 0; i < CALC_PREC__COUNT; i++)
		if (strcmp(why, S_no_flops[i]) == 0)
			return S_no_flops[i];
	if (strstr(why, "scale-up") != NULL || strstr(why, "scale-out") != NULL)
		return "the chips do not fit the hardware's scale-up domains and network";
	if (strstr(why, "heads") != NULL && strstr(why, "chips") != NULL)
		return "tensor parallelism must divide the heads";
	return "the model's shape is not valid";
}

/* ---- The individual formulas ---- */

double
calc_params_per_expert(const struct calc_model *m)
{
	if (m->experts_total == 0)
		return 0;
	return (m->params_total - m->params_active) /
	    (m->experts_total - m->experts_active);
}

double
calc_params_shared(const struct calc_model *m)
{
	if (m->experts_total == 0)
		return m->params_total;
	return m->params_active - m->experts_active * calc_params_per_expert(m);
}

double
calc_weight_bytes(const struct calc_model *m, enum calc_prec w)
{
	return m->params_total * calc_prec_bytes(w);
}

double
calc_experts_touched(const struct calc_model *m, double batch)
{
	double e = m->experts_total;

	if (e == 0)
		return NAN;
	/* Uniform routing: each of B tokens picks k of E experts, so an
	 * expert is missed by all of them with probability (1 - k/E)^B. */
	return e * (1.0 - pow(1.0 - m->experts_active / e, batch));
}

double
calc_weight_bytes_moved(const struct calc_model *m, enum calc_prec w,
    double batch)
{
	if (m->experts_total == 0)
		return calc_weight_bytes(m, w);
	return (calc_params_shared(m) +
	    calc_experts_touched(m, batch) * calc_params_per_expert(m)) *
	    calc_prec_bytes(w);
}

double
calc_kv_bytes_per_token_layer(const struct calc_model *m, enum calc_prec kv)
{
	if (m->attn == CALC_MLA)
		/* MLA caches one shared latent plus the RoPE key per layer,
		 * not per-head K and V. */
		return (m->kv_lora_rank + m->rope_dim) * calc_prec_bytes(kv);
	return 2.0 * m->kv_heads * m->head_dim * calc_prec_bytes(kv);
}

double
calc_kv_bytes_per_token(const struct calc_model *m, enum calc_prec kv)
{
	return m->layers * calc_kv_bytes_per_token_layer(m, kv);
}

double
calc_kv_tokens_held(const struct calc_model *m, double context)
{
	if (m->window_tokens <= 0)
		return m->layers * context;
	return m->full_layers * context +
	    (m->layers - m->full_layers) * fmin(context, m->window_tokens);
}

double
calc_kv_bytes_per_sequence(const struct calc_model *m, enum calc_prec kv, double context)
{
	return calc_kv_bytes_per_token_layer(m, kv) * calc_kv_tokens_held(m, context);
}

double
calc_kv_split(const struct calc_model *m, double chips)
{
	/* The MLA latent is shared by all heads, so splitting the heads does
	 * not split it: every chip holds (and reads) the whole cache. */
	if (m->attn == CALC_MLA)
		return 1;
	return fmin(chips, m->kv_heads);
}

/* FLOPs per (query token, held key) pair, summed over heads, in decode. */
static double
S_c_decode(const struct calc_model *m)
{
	if (m->attn == CALC_MLA)
		/* Absorbed: scores against the latent plus the RoPE key, the
		 * weighted sum over the latent. */
		return 2.0 * m->heads * (2.0 * m->kv_lora_rank + m->rope_dim);
	return 4.0 * m->heads * m->head_dim;
}

/* The same in prefill: MLA runs without absorption (keys of head_dim +
 * rope_dim, values of head_dim). */
static double
S_c_prefill(const struct calc_model *m)
{
	if (m->attn == CALC_MLA)
		return 2.0 * m->heads * (2.0 * m->head_dim + m->rope_dim);
	return 4.0 * m->heads * m->head_dim;
}

double
calc_attention_flops_per_token(const struct calc_model *m, double context)
{
	return S_c_decode(m) * calc_kv_tokens_held(m, context);
}

double
calc_prefill_pairs(const struct calc_model *m, double p)
{
	double w = m->window_tokens, local;

	if (w <= 0)
		return m->layers * p * p / 2;
	/* A windowed layer's query i sees min(i, W) keys. */
	local = p <= w ? p * p / 2 : p * w - w * w / 2;
	return m->full_layers * p * p / 2 + (m->layers - m->full_layers) * local;
}

double
calc_allreduce_s(const struct calc_scenario *s, double bytes)
{
	const struct calc_hw *hw = s->hw;
	double n = s->chips, dom = S_domain(hw), n_up, n_out, bw_up, t = 0;

	if (n <= 1)
		return 0;
	n_up = fmin(n, dom);
	n_out = n / n_up;
	if (n_up > 1) {
		bw_up = hw->link_bytes_per_s;
		/* A full mesh gives each pair of chips 1/(S-1) of a chip's
		 * links: fewer chips than the domain use only part of them. */
		if (hw->topology == CALC_TOPO_MESH && dom > 1)
			bw_up *= (n_up - 1) / (dom - 1);
		t += s->link_latency_s * (n_out > 1 ? 2 : 1) +
		    2.0 * (n_up - 1) / n_up * bytes / bw_up;
	}
	if (n_out > 1)
		t += 2.0 * ceil(log2(n_out)) * s->scale_out_latency_s +
		    2.0 * (n_out - 1) / n_out * (bytes / n_up) / hw->scale_out_bytes_per_s;
	return t;
}

/* Activations cross the links in bf16 unless the arithmetic is fp32. */
static double
S_bytes_act(const struct calc_scenario *s)
{
	return fmax(2.0, calc_prec_bytes(s->c));
}

static double
S_comm_rows(const struct calc_scenario *s, const struct calc_model *m, double rows)
{
	if (s->chips <= 1)
		return 0;
	return m->layers * 2.0 * calc_allreduce_s(s, rows * m->d_model * S_bytes_act(s));
}

double
calc_t_comm_s(const struct calc_scenario *s, double tokens)
{
	return S_comm_rows(s, s->model, tokens);
}

/*
 * The parts of one decode step of model m: `rows` rows of arithmetic (B,
 * or B * (K + 1) when verifying drafted tokens) over the caches of `seqs`
 * sequences.  Each part is its own roofline; *mem and *cmp (may be NULL)
 * collect the parts' time by regime for `bound`.
 */
struct S_parts {
	double dense, experts, attention, comm;
	double mem_time, cmp_time;	/* the parts' time summed by regime */
};

static void
S_roof(double t_mem, double t_cmp, double *part, struct S_parts *p)
{
	*part = fmax(t_mem, t_cmp);
	if (t_mem >= t_cmp)
		p->mem_time += *part;
	else
		p->cmp_time += *part;
}

static void
S_decode_parts(const struct calc_scenario *s, const struct calc_model *m, double seqs,
    double rows, struct S_parts *p)
{
	double n = s->chips, bw = s->hw->hbm_bytes_per_s * s->mbu;
	double fl = s->hw->flops_per_s[s->c] * s->mfu, bw_bytes = calc_prec_bytes(s->w);
	double shared = calc_params_shared(m), pe, kv_chip;

	memset(p, 0, sizeof(*p));
	S_roof(shared * bw_bytes / (n * bw), 2.0 * shared * rows / (n * fl), &p->dense, p);
	if (m->experts_total > 0) {
		pe = calc_params_per_expert(m);
		S_roof(calc_experts_touched(m, rows) * pe * bw_bytes / (n * bw),
		    2.0 * m->experts_active * pe * rows / (n * fl), &p->experts, p);
	}
	kv_chip = seqs * calc_kv_bytes_per_sequence(m, s->kv, s->context) /
	    calc_kv_split(m, n);
	S_roof(kv_chip / bw, rows * calc_attention_flops_per_token(m, s->context) / (n * fl),
	    &p->attention, p);
	p->comm = S_comm_rows(s, m, rows);
}

static double
S_step_s(const struct calc_scenario *s, const struct calc_model *m, double b)
{
	struct S_parts p;

	S_decode_parts(s, m, b, b, &p);
	return p.dense + p.experts + p.attention + p.comm;
}

double
calc_t_prefill_pass_s(const struct calc_scenario *s, double t, double prompt)
{
	const struct calc_model *m = s->model;
	double n = s->chips, bw = s->hw->hbm_bytes_per_s * s->mbu;
	double fl = s->hw->flops_per_s[s->c] * s->mfu, bw_bytes = calc_prec_bytes(s->w);
	double shared = calc_params_shared(m), pe, total;

	total = fmax(shared * bw_bytes / (n * bw), 2.0 * shared * t / (n * fl));
	if (m->experts_total > 0) {
		pe = calc_params_per_expert(m);
		total += fmax(calc_experts_touched(m, t) * pe * bw_bytes / (n * bw),
		    2.0 * m->experts_active * pe * t / (n * fl));
	}
	/* Writing the prompt's cache; attention over (query, key) pairs of
	 * t / prompt prompts. */
	total += fmax(t * calc_kv_bytes_per_token(m, s->kv) / calc_kv_split(m, n) / bw,
	    t / prompt * S_c_prefill(m) * calc_prefill_pairs(m, prompt) / (n * fl));
	return total + S_comm_rows(s, m, t);
}

double
calc_t_prefill_s(const struct calc_scenario *s, double prompt)
{
	return calc_t_prefill_pass_s(s, prompt, prompt);
}

static double
S_prefill_s_per_token(const struct calc_scenario *s)
{
	double t = fmax(s->prompt, s->prefill_tokens_per_pass);

	return calc_t_prefill_pass_s(s, t, s->prompt) / t;
}

static double
S_ratio_at(const struct calc_scenario *s, double b, double prefill_s_per_token)
{
	return S_step_s(s, s->model, b) / b / prefill_s_per_token;
}

double
calc_output_input_ratio_at(const struct calc_scenario *s, double batch)
{
	return S_ratio_at(s, batch, S_prefill_s_per_token(s));
}

#define S_IMPLIED_LO 1.0
#define S_IMPLIED_HI 1e7

static double
S_implied_batch(const struct calc_scenario *s, double ratio, double pspt)
{
	double lo = S_IMPLIED_LO, hi = S_IMPLIED_HI, mid, r1;
	int i;

	if (!S_pos(ratio))
		return NAN;
	/* The ratio does not rise with B (see calc.h), so it is reached in
	 * [1, 1e7] only if ratio(1) >= ratio >= ratio(1e7). */
	r1 = S_ratio_at(s, lo, pspt);
	if (r1 <= ratio)
		return r1 == ratio ? lo : NAN;
	if (S_ratio_at(s, hi, pspt) > ratio)
		return NAN;
	/* Invariant: ratio(lo) > ratio >= ratio(hi).  Geometric midpoints:
	 * B spans seven decades, and 1e-13 relative needs ~50 steps. */
	for (i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		mid = sqrt(lo * hi);
		if (mid <= lo || mid >= hi)
			break;
		if (S_ratio_at(s, mid, pspt) > ratio)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

double
calc_implied_batch(const struct calc_scenario *s, double ratio)
{
	return S_implied_batch(s, ratio, S_prefill_s_per_token(s));
}

double
calc_spec_tokens_per_pass(double k, double a)
{
	if (a == 1.0)
		return k + 1;
	return (1.0 - pow(a, k + 1)) / (1.0 - a);
}

double
calc_critical_batch(const struct calc_model *m, enum calc_prec w, double ridge)
{
	double rb = ridge * calc_prec_bytes(w), e = m->experts_total;
	double k = m->experts_active, lo, hi, mid, b_experts;
	int i;

	if (e == 0)
		return rb / 2;
	/* g(B) = 2kB - rb * touched(B): g(0) = 0, g is convex; it has a
	 * positive root only when its slope at 0 is negative. */
	if (rb * e * -log1p(-k / e) <= 2 * k)
		b_experts = 0;
	else {
		/* At B = rb * E / (2k), 2kB = rb * E >= rb * touched(B). */
		lo = 0;
		hi = rb * e / (2 * k);
		for (i = 0; i < 200; i++) {
			mid = (lo + hi) / 2;
			if (mid <= lo || mid >= hi)
				break;
			if (2 * k * mid - rb * calc_experts_touched(m, mid) < 0)
				lo = mid;
			else
				hi = mid;
		}
		b_experts = hi;
	}
	return fmax(rb / 2, b_experts);
}

/* The context at which the per-chip KV traffic of b sequences equals the
 * per-chip weight traffic: kv_tokens_held(L) = h, solved piecewise. */
static double
S_kv_crossover(const struct calc_model *m, enum calc_prec w, enum calc_prec kv, double n,
    double b)
{
	double h = calc_weight_bytes_moved(m, w, b) / n * calc_kv_split(m, n) /
	    (b * calc_kv_bytes_per_token_layer(m, kv));
	double wt = m->window_tokens;

	if (wt <= 0 || h <= m->layers * wt)
		return h / m->layers;
	/* Past the window only the full layers grow. */
	if (m->full_layers <= 0)
		return NAN;
	return (h - (m->layers - m->full_layers) * wt) / m->full_layers;
}

/* ---- Everything at once ---- */

void
calc_run(const struct calc_scenario *s, struct calc_result *r)
{
	const struct calc_model *m = s->model, *d = s->draft;
	const struct calc_hw *hw = s->hw;
	double n = s->chips, b = s->batch, l = s->context;
	double bw = hw->hbm_bytes_per_s * s->mbu;	/* achieved, per chip */
	double fl = hw->flops_per_s[s->c] * s->mfu;	/* achieved, per chip */
	double kvptl = calc_kv_bytes_per_token_layer(m, s->kv);
	double weights_all, room, per_seq;
	struct S_parts p;

	r->weight_bytes = calc_weight_bytes(m, s->w);
	r->experts_touched = calc_experts_touched(m, b);
	r->weight_bytes_moved = calc_weight_bytes_moved(m, s->w, b);
	r->kv_bytes_per_token = calc_kv_bytes_per_token(m, s->kv);
	r->kv_bytes_per_sequence = calc_kv_bytes_per_sequence(m, s->kv, l);
	r->kv_bytes_moved = b * r->kv_bytes_per_sequence;
	r->kv_split = calc_kv_split(m, n);
	r->kv_bytes_per_chip = r->kv_bytes_moved / r->kv_split;
	r->attention_flops_per_token = calc_attention_flops_per_token(m, l);
	r->attention_flops_per_byte = S_c_decode(m) / kvptl;
	r->flops_step = b * (2.0 * m->params_active + r->attention_flops_per_token);

	S_decode_parts(s, m, b, b, &p);
	r->t_dense_s = p.dense;
	r->t_experts_s = p.experts;
	r->t_weights_s = p.dense + p.experts;
	r->t_attention_s = p.attention;
	r->t_comm_s = p.comm;
	r->t_memory_s = (r->weight_bytes_moved / n + r->kv_bytes_per_chip) / bw;
	r->t_compute_s = r->flops_step / (n * fl);
	r->t_step_s = r->t_weights_s + r->t_attention_s + r->t_comm_s;
	r->t_step_overlap_s = fmax(r->t_weights_s + r->t_attention_s, r->t_comm_s);
	/* Ties: memory, then compute. */
	if (p.mem_time >= p.cmp_time && p.mem_time >= p.comm)
		r->bound = CALC_BOUND_MEMORY;
	else if (p.cmp_time >= p.comm)
		r->bound = CALC_BOUND_COMPUTE;
	else
		r->bound = CALC_BOUND_COMM;
	r->tokens_per_s_per_user = 1.0 / r->t_step_s;
	r->tokens_per_s_total = b / r->t_step_s;

	r->ridge_flops_per_byte = fl / bw;
	r->critical_batch = calc_critical_batch(m, s->w, r->ridge_flops_per_byte);
	r->kv_crossover_context = S_kv_crossover(m, s->w, s->kv, n, b);

	/* Memory per chip: the weights' share, then KV caches of context L
	 * (split kv_split ways, copied beyond); a draft model adds both. */
	weights_all = r->weight_bytes + (d != NULL ? calc_weight_bytes(d, s->w) : 0);
	r->fits = weights_all <= n * hw->hbm_bytes;
	room = hw->hbm_bytes - weights_all / n;
	per_seq = r->kv_bytes_per_sequence / r->kv_split;
	if (d != NULL)
		per_seq += calc_kv_bytes_per_sequence(d, s->kv, l) / calc_kv_split(d, n);
	if (l == 0)
		r->max_batch_in_memory = NAN;
	else if (room <= 0)
		r->max_batch_in_memory = 0;
	else
		r->max_batch_in_memory = floor(room / per_seq);

	r->t_prefill_s = calc_t_prefill_s(s, s->prompt);
	r->prefill_s_per_token = S_prefill_s_per_token(s);

	if (hw->usd_per_hour >= 0) {
		r->usd_per_s = n * hw->usd_per_hour / 3600.0;
		r->usd_per_mtok_output = r->usd_per_s * r->t_step_s / b * 1e6;
		r->usd_per_mtok_input = r->usd_per_s * r->prefill_s_per_token * 1e6;
	} else {
		r->usd_per_s = NAN;
		r->usd_per_mtok_output = NAN;
		r->usd_per_mtok_input = NAN;
	}
	r->output_input_cost_ratio = r->t_step_s / b / r->prefill_s_per_token;

	/* The bisection (~50 steps) runs only when asked for: sweeps leave
	 * price_ratio NaN and stay cheap. */
	if (S_pos(s->price_ratio))
		r->implied_batch = S_implied_batch(s, s->price_ratio, r->prefill_s_per_token);
	else
		r->implied_batch = NAN;

	if (d != NULL) {
		double k = s->draft_tokens;

		r->t_draft_s = k * S_step_s(s, d, b);
		/* One target step checks K + 1 tokens of each sequence: the
		 * arithmetic and the exchanges grow with the rows, the caches
		 * are read once. */
		S_decode_parts(s, m, b, b * (k + 1), &p);
		r->t_verify_s = p.dense + p.experts + p.attention + p.comm;
		r->spec_tokens_per_step = calc_spec_tokens_per_pass(k, s->acceptance);
		r->t_spec_step_s = r->t_draft_s + r->t_verify_s;
		r->spec_tokens_per_s_per_user = r->spec_tokens_per_step / r->t_spec_step_s;
		r->spec_speedup = r->spec_tokens_per_s_per_user / r->tokens_per_s_per_user;
		r->usd_per_mtok_output_spec = calc_is_null(r->usd_per_s) ? NAN :
		    r->usd_per_s * r->t_spec_step_s / (b * r->spec_tokens_per_step) * 1e6;
	} else {
		r->t_draft_s = r->t_verify_s = r->spec_tokens_per_step = NAN;
		r->t_spec_step_s = r->spec_tokens_per_s_per_user = NAN;
		r->spec_speedup = r->usd_per_mtok_output_spec = NAN;
	}
}

/* ---- The quantity table ---- */

static const struct calc_quantity S_quantities[] = {
	{ "weight_bytes", CALC_U_BYTES,
	  "params_total * bytes(w)",
	  "Bytes of all the model's weights at the weight precision." },
	{ "experts_touched", CALC_U_EXPERTS,
	  "experts_total * (1 - (1 - experts_active/experts_total)^B)",
	  "Distinct experts a batch of B tokens routes to (uniform routing); null for "
	  "dense models." },
	{ "weight_bytes_moved", CALC_U_BYTES,
	  "dense: weight_bytes; MoE: (P_shared + experts_touched(B) * P_expert) * bytes(w)",
	  "Weight bytes read from memory in one decode step (all chips together)." },
	{ "kv_bytes_per_token", CALC_U_BYTES_PER_TOKEN,
	  "layers * kv_bytes_per_token_layer; mha/gqa/mqa: 2 * kv_heads * head_dim * "
	  "bytes(kv) per layer, mla: (kv_lora_rank + rope_dim) * bytes(kv)",
	  "KV-cache bytes one token occupies when every layer keeps it." },
	{ "kv_bytes_per_sequence", CALC_U_BYTES,
	  "kv_bytes_per_token_layer * (full_layers * L + (layers - full_layers) * min(L, W)); "
	  "no window: kv_bytes_per_token * L",
	  "KV-cache bytes one sequence of context L holds (windowed layers keep only the "
	  "last W tokens)." },
	{ "kv_bytes_moved", CALC_U_BYTES,
	  "B * kv_bytes_per_sequence",
	  "KV-cache bytes read in one decode step: every sequence reads its own cache." },
	{ "kv_split", CALC_U_CHIPS,
	  "mha/gqa/mqa: min(N, kv_heads); mla: 1",
	  "How many ways tensor parallelism splits the KV cache; beyond it the cache is copied." },
	{ "kv_bytes_per_chip", CALC_U_BYTES,
	  "kv_bytes_moved / kv_split",
	  "KV-cache bytes each chip reads in one decode step." },
	{ "attention_flops_per_token", CALC_U_FLOP_PER_TOKEN,
	  "c_decode * kv_tokens_held(L); c_decode = mha/gqa/mqa: 4 * heads * head_dim, mla: 2 "
	  "* heads * (2 * kv_lora_rank + rope_dim)",
	  "Attention FLOPs for one new token looking back over its context." },
	{ "attention_flops_per_byte", CALC_U_FLOP_PER_BYTE,
	  "mha/gqa/mqa: 2 * heads / (kv_heads * bytes(kv)); mla: 2 * heads * (2 * "
	  "kv_lora_rank + rope_dim) / ((kv_lora_rank + rope_dim) * bytes(kv))",
	  "Attention FLOPs per byte of KV cache read; per chip times kv_split / N." },
	{ "flops_step", CALC_U_FLOP,
	  "B * (2 * params_active + attention_flops_per_token(L))",
	  "FLOPs of one decode step for the whole batch." },
	{ "t_dense_s", CALC_U_S,
	  "max(P_shared * bytes(w) / (N * BW), 2 * P_shared * B / (N * F))",
	  "Time for the dense (shared) weights: reading them or multiplying with them, "
	  "whichever is longer." },
	{ "t_experts_s", CALC_U_S,
	  "MoE: max(experts_touched(B) * P_expert * bytes(w) / (N * BW), 2 * k * P_expert * B "
	  "/ (N * F)); dense: 0",
	  "Time for the routed experts, each seeing only its share of the batch." },
	{ "t_weights_s", CALC_U_S,
	  "t_dense_s + t_experts_s",
	  "Time for all the weight multiplications of one step." },
	{ "t_attention_s", CALC_U_S,
	  "max(kv_bytes_per_chip / BW, B * attention_flops_per_token(L) / (N * F))",
	  "Time for attention: reading the KV cache or its arithmetic, whichever is longer." },
	{ "t_memory_s", CALC_U_S,
	  "(weight_bytes_moved / N + kv_bytes_per_chip) / BW",
	  "The one-picture view: time to read the step's weights and KV cache from memory." },
	{ "t_compute_s", CALC_U_S,
	  "flops_step / (N * F)",
	  "The one-picture view: time to do the step's arithmetic." },
	{ "t_comm_s", CALC_U_S,
	  "layers * 2 * allreduce_s(B * d_model * bytes_act, N); 0 when N = 1",
	  "Time for the two all-reduces per layer between tensor-parallel chips (inside "
	  "and across scale-up domains)." },
	{ "t_step_s", CALC_U_S,
	  "t_weights_s + t_attention_s + t_comm_s",
	  "Time for one decode step: every sequence in the batch emits one token." },
	{ "t_step_overlap_s", CALC_U_S,
	  "max(t_weights_s + t_attention_s, t_comm_s)",
	  "Step time if communication overlapped perfectly with the rest (the optimistic "
	  "bound)." },
	{ "bound", CALC_U_ENUM,
	  "the largest of: parts whose memory time >= compute time (memory), the other parts "
	  "(compute), t_comm_s (communication)",
	  "What most of the step's time waits on: memory, compute or communication." },
	{ "tokens_per_s_per_user", CALC_U_TOKENS_PER_S,
	  "1 / t_step_s",
	  "Output speed one user sees." },
	{ "tokens_per_s_total", CALC_U_TOKENS_PER_S,
	  "B / t_step_s",
	  "Output tokens per second across the whole batch." },
	{ "ridge_flops_per_byte", CALC_U_FLOP_PER_BYTE,
	  "F / BW = flops_per_s[c] * mfu / (hbm_bytes_per_s * mbu)",
	  "FLOPs the chip can do in the time it reads one byte." },
	{ "critical_batch", CALC_U_SEQUENCES,
	  "dense: ridge * bytes(w) / 2; MoE: max(that, B_experts), 2 * k * B_experts = ridge "
	  "* bytes(w) * experts_touched(B_experts)",
	  "Smallest batch at which every weight multiplication is compute-bound." },
	{ "kv_crossover_context", CALC_U_TOKENS,
	  "the L with B * kv_bytes_per_sequence(L) / kv_split = weight_bytes_moved(B) / N",
	  "Context at which each chip reads as many KV-cache bytes as weight bytes; null "
	  "if none." },
	{ "fits", CALC_U_BOOL,
	  "weight_bytes (+ the draft's) <= N * hbm_bytes",
	  "Whether the weights fit in the chips' memory." },
	{ "max_batch_in_memory", CALC_U_SEQUENCES,
	  "floor((hbm_bytes - weight_bytes / N) * kv_split / kv_bytes_per_sequence(L)) "
	  "(with a draft, its weights and its cache under its own kv_split count too); 0 "
	  "when the weights do not fit; null when L = 0",
	  "Most sequences of context L whose KV caches fit beside the weights on each chip." },
	{ "t_prefill_s", CALC_U_S,
	  "t_prefill_pass_s(P, P): dense and expert rooflines over P rows + max(cache writes, "
	  "attention over pairs(P)) + all-reduces",
	  "Time to first token for one prompt of P tokens on an idle server." },
	{ "prefill_s_per_token", CALC_U_S_PER_TOKEN,
	  "t_prefill_pass_s(T', P) / T', T' = max(P, prefill_tokens_per_pass)",
	  "Prefill time per prompt token when the server fills its prefill passes." },
	{ "usd_per_s", CALC_U_USD_PER_S,
	  "N * usd_per_hour / 3600",
	  "Rent of the chips per second; null without a price." },
	{ "usd_per_mtok_output", CALC_U_USD_PER_MTOK,
	  "usd_per_s * t_step_s / B * 1e6",
	  "Hardware cost of a million output tokens; null without a price." },
	{ "usd_per_mtok_input", CALC_U_USD_PER_MTOK,
	  "usd_per_s * prefill_s_per_token * 1e6",
	  "Hardware cost of a million prompt tokens; null without a price." },
	{ "output_input_cost_ratio", CALC_U_RATIO,
	  "(t_step_s / B) / prefill_s_per_token",
	  "How many times more an output token costs than an input token (price-free)." },
	{ "implied_batch", CALC_U_SEQUENCES,
	  "the smallest B >= 1 with output_input_cost_ratio(B) <= price_ratio",
	  "Batch at which a given output/input price ratio would match the cost ratio; "
	  "null if none given or none reaches it." },
	{ "t_draft_s", CALC_U_S,
	  "K * t_step_s(draft model, same scenario)",
	  "Time for the draft model's K guesses; null without a draft." },
	{ "t_verify_s", CALC_U_S,
	  "the target's decode step with B * (K + 1) rows of arithmetic over the same KV reads",
	  "Time for the target to check the K guesses and add one token; null without a draft." },
	{ "spec_tokens_per_step", CALC_U_TOKENS,
	  "(1 - a^(K+1)) / (1 - a); K + 1 when a = 1",
	  "Tokens each sequence gains per speculative step; null without a draft." },
	{ "t_spec_step_s", CALC_U_S,
	  "t_draft_s + t_verify_s",
	  "Time of one speculative step (draft, then verify); null without a draft." },
	{ "spec_tokens_per_s_per_user", CALC_U_TOKENS_PER_S,
	  "spec_tokens_per_step / t_spec_step_s",
	  "Output speed one user sees with speculative decoding; null without a draft." },
	{ "spec_speedup", CALC_U_RATIO,
	  "spec_tokens_per_s_per_user / tokens_per_s_per_user",
	  "How much faster speculative decoding makes each user; null without a draft." },
	{ "usd_per_mtok_output_spec", CALC_U_USD_PER_MTOK,
	  "usd_per_s * t_spec_step_s / (B * spec_tokens_per_step) * 1e6",
	  "Hardware cost of a million output tokens with speculative decoding; null "
	  "without a draft or a price." },
};

#define S_NQ (sizeof(S_quantities) / sizeof(S_quantities[0]))

/* Where each quantity lives in struct calc_result, row for row; bound and
 * fits are not doubles and are marked with SIZE_MAX. */
#define S_OFF(f) offsetof(struct calc_result, f)
static const size_t S_offsets[] = {
	S_OFF(weight_bytes), S_OFF(experts_touched), S_OFF(weight_bytes_moved),
	S_OFF(kv_bytes_per_token), S_OFF(kv_bytes_per_sequence), S_OFF(kv_bytes_moved),
	S_OFF(kv_split), S_OFF(kv_bytes_per_chip),
	S_OFF(attention_flops_per_token), S_OFF(attention_flops_per_byte), S_OFF(flops_step),
	S_OFF(t_dense_s), S_OFF(t_experts_s), S_OFF(t_weights_s), S_OFF(t_attention_s),
	S_OFF(t_memory_s), S_OFF(t_compute_s), S_OFF(t_comm_s), S_OFF(t_step_s),
	S_OFF(t_step_overlap_s), (size_t)-1 /* bound */,
	S_OFF(tokens_per_s_per_user), S_OFF(tokens_per_s_total),
	S_OFF(ridge_flops_per_byte), S_OFF(critical_batch), S_OFF(kv_crossover_context),
	(size_t)-1 /* fits */, S_OFF(max_batch_in_memory), S_OFF(t_prefill_s),
	S_OFF(prefill_s_per_token), S_OFF(usd_per_s), S_OFF(usd_per_mtok_output),
	S_OFF(usd_per_mtok_input), S_OFF(output_input_cost_ratio),
	S_OFF(implied_batch), S_OFF(t_draft_s), S_OFF(t_verify_s),
	S_OFF(spec_tokens_per_step), S_OFF(t_spec_step_s),
	S_OFF(spec_tokens_per_s_per_user), S_OFF(spec_speedup),
	S_OFF(usd_per_mtok_output_spec),
};

_Static_assert(sizeof(S_offsets) / sizeof(S_offsets[0]) == S_NQ,
    "one offset per quantity");

const struct calc_quantity *
calc_quantities(size_t *n)
{
	if (n != NULL)
		*n = S_NQ;
	return S_quantities;
}

const struct calc_quantity *
calc_quantity_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < S_NQ; i++)
		if (strcmp(S_quantities[i].name, name) == 0)
			return &S_quantities[i];
	return NULL;
}

double
calc_result_get(const struct calc_result *r, const struct calc_quantity *q)
{
	size_t i;
	double v;

	if (q < S_quantities || q >= S_quantities + S_NQ)
		return NAN;
	i = (size_t)(q - S_quantities);
	if (S_offsets[i] == (size_t)-1)
		return strcmp(q->name, "bound") == 0 ?
		    (double)r->bound : (double)r->fits;
	memcpy(&v, (const char *)r + S_offsets[i], sizeof v);
	return v;
}

static const char *const S_unit_names[] = {
	[CALC_U_BYTES] = "bytes", [CALC_U_BYTES_PER_TOKEN] = "bytes/token",
	[CALC_U_FLOP] = "FLOP", [CALC_U_FLOP_PER_TOKEN] = "FLOP/token",
	[CALC_U_S] = "s", [CALC_U_S_PER_TOKEN] = "s/token",
	[CALC_U_TOKENS_PER_S] = "tokens/s", [CALC_U_FLOP_PER_BYTE] = "FLOP/byte",
	[CALC_U_SEQUENCES] = "sequences", [CALC_U_TOKENS] = "tokens",
	[CALC_U_EXPERTS] = "experts", [CALC_U_USD_PER_S] = "USD/s",
	[CALC_U_USD_PER_MTOK] = "USD/Mtok", [CALC_U_RATIO] = "ratio",
	[CALC_U_BOOL] = "bool", [CALC_U_ENUM] = "enum", [CALC_U_CHIPS] = "chips",
};

const char *
calc_unit_name(enum calc_unit u)
{
	if ((unsigned)u >= sizeof(S_unit_names) / sizeof(S_unit_names[0]))
		return "?";
	return S_unit_names[u];
}
