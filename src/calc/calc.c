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
	return b == CALC_BOUND_COMPUTE ? "compute" : "memory";
}

int
calc_is_null(double v)
{
	return isnan(v);
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
	s->price_ratio = NAN;
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

/* x > 0 and finite (false for NaN). */
static int
S_pos(double x)
{
	return x > 0 && isfinite(x);
}

const char *
calc_check(const struct calc_scenario *s)
{
	const struct calc_hw *hw = s->hw;
	const struct calc_model *m = s->model;

	if (hw == NULL)
		return "scenario has no hardware";
	if (m == NULL)
		return "scenario has no model";
	if (!S_prec_ok(s->w) || !S_prec_ok(s->kv) || !S_prec_ok(s->c))
		return "unknown precision";
	if (!(hw->flops_per_s[s->c] > 0))
		return S_no_flops[s->c];
	if (!S_pos(hw->hbm_bytes_per_s))
		return "hardware lists no memory bandwidth";
	if (!S_pos(hw->hbm_bytes))
		return "hardware lists no memory capacity";
	if (!S_pos(s->batch))
		return "batch must be positive";
	if (!(s->chips >= 1) || !isfinite(s->chips))
		return "chips must be at least 1";
	if (s->chips > 1 && !S_pos(hw->link_bytes_per_s))
		return "hardware has no scale-up link, so it cannot run on more than one chip";
	if (!(s->context >= 0) || !isfinite(s->context))
		return "context must not be negative";
	if (!S_pos(s->prompt))
		return "prompt must be positive";
	if (!(s->mbu > 0 && s->mbu <= 1))
		return "mbu must be in (0, 1]";
	if (!(s->mfu > 0 && s->mfu <= 1))
		return "mfu must be in (0, 1]";
	if (!(s->link_latency_s >= 0) || !isfinite(s->link_latency_s))
		return "link latency must not be negative";
	if (!S_pos(m->params_total) || !S_pos(m->params_active) ||
	    m->params_active > m->params_total)
		return "model parameters must be positive, active <= total";
	if (!S_pos(m->layers) || !S_pos(m->d_model) || !S_pos(m->heads) ||
	    !S_pos(m->head_dim))
		return "model shape (layers, d_model, heads, head_dim) must be positive";
	if (m->attn == CALC_MLA) {
		if (!S_pos(m->kv_lora_rank) || !(m->rope_dim >= 0))
			return "MLA model needs a positive kv_lora_rank";
	} else if (!S_pos(m->kv_heads))
		return "model needs a positive kv_heads";
	if (m->experts_total != 0 &&
	    !(m->experts_active > 0 && m->experts_active < m->experts_total))
		return "MoE model needs 0 < experts_active < experts_total";
	return NULL;
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
calc_kv_bytes_per_token(const struct calc_model *m, enum calc_prec kv)
{
	if (m->attn == CALC_MLA)
		/* MLA caches one shared latent plus the RoPE key per layer,
		 * not per-head K and V. */
		return m->layers * (m->kv_lora_rank + m->rope_dim) *
		    calc_prec_bytes(kv);
	return 2.0 * m->layers * m->kv_heads * m->head_dim * calc_prec_bytes(kv);
}

double
calc_attention_flops_per_token(const struct calc_model *m, double context)
{
	if (m->attn == CALC_MLA)
		return 2.0 * m->layers * m->heads *
		    (2.0 * m->kv_lora_rank + m->rope_dim) * context;
	return 4.0 * m->layers * m->heads * m->head_dim * context;
}

double
calc_t_comm_s(const struct calc_scenario *s, double tokens)
{
	double n = s->chips;

	if (n <= 1)
		return 0;
	return s->model->layers * 2.0 * (s->link_latency_s +
	    2.0 * (n - 1) / n * tokens * s->model->d_model *
	    calc_prec_bytes(s->c) / s->hw->link_bytes_per_s);
}

double
calc_t_prefill_s(const struct calc_scenario *s, double prompt)
{
	const struct calc_model *m = s->model;
	const struct calc_hw *hw = s->hw;
	double n = s->chips, t_c, t_m;

	/* The prompt's tokens attend on average to half of it. */
	t_c = prompt * (2.0 * m->params_active +
	    calc_attention_flops_per_token(m, prompt / 2)) /
	    (n * hw->flops_per_s[s->c] * s->mfu);
	t_m = calc_weight_bytes_moved(m, s->w, prompt) /
	    (n * hw->hbm_bytes_per_s * s->mbu);
	return fmax(t_c, t_m) + calc_t_comm_s(s, prompt);
}

/*
 * The three parts of one decode step at batch b, given the weight bytes
 * moved at b.  kvpt and attn (the per-token attention FLOPs at the
 * scenario's context) do not depend on b and are passed in, so that
 * calc_run() evaluates pow() for experts_touched(B) once and the bisection
 * in calc_implied_batch() once per step.
 */
struct S_step {
	double t_memory_s, t_compute_s, t_comm_s;
};

static void
S_step(const struct calc_scenario *s, double b, double moved, double kvpt,
    double attn, struct S_step *st)
{
	const struct calc_model *m = s->model;
	const struct calc_hw *hw = s->hw;
	double n = s->chips;

	st->t_memory_s = (moved + b * s->context * kvpt) / (n * hw->hbm_bytes_per_s * s->mbu);
	st->t_compute_s = b * (2.0 * m->params_active + attn) /
	    (n * hw->flops_per_s[s->c] * s->mfu);
	st->t_comm_s = calc_t_comm_s(s, b);
}

static double
S_ratio_at(const struct calc_scenario *s, double b, double kvpt, double attn,
    double prefill_s_per_token)
{
	struct S_step st;

	S_step(s, b, calc_weight_bytes_moved(s->model, s->w, b), kvpt, attn,
	    &st);
	return (fmax(st.t_memory_s, st.t_compute_s) + st.t_comm_s) / b /
	    prefill_s_per_token;
}

double
calc_output_input_ratio_at(const struct calc_scenario *s, double batch)
{
	return S_ratio_at(s, batch, calc_kv_bytes_per_token(s->model, s->kv),
	    calc_attention_flops_per_token(s->model, s->context),
	    calc_t_prefill_s(s, s->prompt) / s->prompt);
}

#define S_IMPLIED_LO 1.0
#define S_IMPLIED_HI 1e7

static double
S_implied_batch(const struct calc_scenario *s, double ratio, double kvpt,
    double attn, double pspt)
{
	double lo = S_IMPLIED_LO, hi = S_IMPLIED_HI, mid;
	int i;

	if (!S_pos(ratio))
		return NAN;
	/* The ratio does not rise with B (see calc.h), so it is reached in
	 * [1, 1e7] only if ratio(1) >= ratio >= ratio(1e7). */
	if (S_ratio_at(s, lo, kvpt, attn, pspt) <= ratio)
		return S_ratio_at(s, lo, kvpt, attn, pspt) == ratio ? lo : NAN;
	if (S_ratio_at(s, hi, kvpt, attn, pspt) > ratio)
		return NAN;
	/* Invariant: ratio(lo) > ratio >= ratio(hi).  Geometric midpoints:
	 * B spans seven decades, and 1e-13 relative needs ~50 steps. */
	for (i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
		mid = sqrt(lo * hi);
		if (mid <= lo || mid >= hi)
			break;
		if (S_ratio_at(s, mid, kvpt, attn, pspt) > ratio)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

double
calc_implied_batch(const struct calc_scenario *s, double ratio)
{
	return S_implied_batch(s, ratio, calc_kv_bytes_per_token(s->model, s->kv),
	    calc_attention_flops_per_token(s->model, s->context),
	    calc_t_prefill_s(s, s->prompt) / s->prompt);
}

double
calc_spec_tokens_per_pass(double k, double a)
{
	if (a == 1.0)
		return k + 1;
	return (1.0 - pow(a, k + 1)) / (1.0 - a);
}

/* ---- Everything at once ---- */

void
calc_run(const struct calc_scenario *s, struct calc_result *r)
{
	const struct calc_model *m = s->model;
	const struct calc_hw *hw = s->hw;
	double n = s->chips, b = s->batch, l = s->context;
	double bw = hw->hbm_bytes_per_s * s->mbu;	/* achieved, per chip */
	double fl = hw->flops_per_s[s->c] * s->mfu;	/* achieved, per chip */
	double bytes_w = calc_prec_bytes(s->w);
	double den, room;
	struct S_step st;

	r->weight_bytes = calc_weight_bytes(m, s->w);
	r->experts_touched = calc_experts_touched(m, b);
	/* calc_weight_bytes_moved() without a second pow(). */
	r->weight_bytes_moved = m->experts_total == 0 ? r->weight_bytes :
	    (calc_params_shared(m) + r->experts_touched *
	    calc_params_per_expert(m)) * bytes_w;
	r->kv_bytes_per_token = calc_kv_bytes_per_token(m, s->kv);
	r->kv_bytes_moved = b * l * r->kv_bytes_per_token;
	r->attention_flops_per_token = calc_attention_flops_per_token(m, l);
	r->flops_step = b * (2.0 * m->params_active + r->attention_flops_per_token);

	S_step(s, b, r->weight_bytes_moved, r->kv_bytes_per_token,
	    r->attention_flops_per_token, &st);
	r->t_memory_s = st.t_memory_s;
	r->t_compute_s = st.t_compute_s;
	r->t_comm_s = st.t_comm_s;
	r->t_step_s = fmax(r->t_memory_s, r->t_compute_s) + r->t_comm_s;
	r->t_step_overlap_s = fmax(fmax(r->t_memory_s, r->t_compute_s), r->t_comm_s);
	r->bound = r->t_memory_s >= r->t_compute_s ?
	    CALC_BOUND_MEMORY : CALC_BOUND_COMPUTE;
	r->tokens_per_s_per_user = 1.0 / r->t_step_s;
	r->tokens_per_s_total = b / r->t_step_s;

	r->ridge_flops_per_byte = fl / bw;
	r->critical_batch = r->ridge_flops_per_byte * bytes_w / 2.0 *
	    (m->params_total / m->params_active);
	/* Per chip: N divides both sides and cancels. */
	den = (2.0 * m->params_active + r->attention_flops_per_token) / fl -
	    l * r->kv_bytes_per_token / bw;
	r->critical_batch_with_kv = den > 0 ? r->weight_bytes / bw / den : NAN;
	r->kv_crossover_context = r->weight_bytes_moved /
	    (b * r->kv_bytes_per_token);

	room = n * hw->hbm_bytes - r->weight_bytes;
	r->fits = room >= 0;
	if (l == 0)
		r->max_batch_in_memory = NAN;
	else if (room <= 0)
		r->max_batch_in_memory = 0;
	else
		r->max_batch_in_memory = floor(room / (l * r->kv_bytes_per_token));

	r->t_prefill_s = calc_t_prefill_s(s, s->prompt);
	r->prefill_s_per_token = r->t_prefill_s / s->prompt;

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
		r->implied_batch = S_implied_batch(s, s->price_ratio,
		    r->kv_bytes_per_token, r->attention_flops_per_token,
		    r->prefill_s_per_token);
	else
		r->implied_batch = NAN;
}

/* ---- The quantity table ---- */

static const struct calc_quantity S_quantities[] = {
	{ "weight_bytes", CALC_U_BYTES,
	  "params_total * bytes(w)",
	  "Bytes of all the model's weights at the weight precision." },
	{ "experts_touched", CALC_U_EXPERTS,
	  "experts_total * (1 - (1 - experts_active/experts_total)^B)",
	  "Distinct experts a batch of B tokens routes to (uniform routing); null for dense models." },
	{ "weight_bytes_moved", CALC_U_BYTES,
	  "dense: weight_bytes; MoE: (P_shared + experts_touched(B) * P_expert) * bytes(w)",
	  "Weight bytes read from memory in one decode step." },
	{ "kv_bytes_per_token", CALC_U_BYTES_PER_TOKEN,
	  "mha/gqa/mqa: 2 * layers * kv_heads * head_dim * bytes(kv); mla: layers * (kv_lora_rank + rope_dim) * bytes(kv)",
	  "KV-cache bytes one token of context occupies." },
	{ "kv_bytes_moved", CALC_U_BYTES,
	  "B * L * kv_bytes_per_token",
	  "KV-cache bytes read in one decode step: every sequence reads its own context." },
	{ "attention_flops_per_token", CALC_U_FLOP_PER_TOKEN,
	  "mha/gqa/mqa: 4 * layers * heads * head_dim * L; mla: 2 * layers * heads * (2 * kv_lora_rank + rope_dim) * L",
	  "Attention FLOPs for one new token looking back over L tokens of context." },
	{ "flops_step", CALC_U_FLOP,
	  "B * (2 * params_active + attention_flops_per_token(L))",
	  "FLOPs of one decode step for the whole batch." },
	{ "t_memory_s", CALC_U_S,
	  "(weight_bytes_moved + kv_bytes_moved) / (N * hbm_bytes_per_s * mbu)",
	  "Time to read the step's weights and KV cache from memory." },
	{ "t_compute_s", CALC_U_S,
	  "flops_step / (N * flops_per_s[c] * mfu)",
	  "Time to do the step's arithmetic." },
	{ "t_comm_s", CALC_U_S,
	  "N == 1: 0; else layers * 2 * (link_latency + 2*(N-1)/N * B * d_model * bytes(c) / link_bytes_per_s)",
	  "Time for the two all-reduces per layer between tensor-parallel chips." },
	{ "t_step_s", CALC_U_S,
	  "max(t_memory_s, t_compute_s) + t_comm_s",
	  "Time for one decode step: every sequence in the batch emits one token." },
	{ "t_step_overlap_s", CALC_U_S,
	  "max(t_memory_s, t_compute_s, t_comm_s)",
	  "Step time if communication overlapped perfectly with the rest (the optimistic bound)." },
	{ "bound", CALC_U_ENUM,
	  "memory if t_memory_s >= t_compute_s, else compute",
	  "Whether memory traffic or arithmetic sets the step time." },
	{ "tokens_per_s_per_user", CALC_U_TOKENS_PER_S,
	  "1 / t_step_s",
	  "Output speed one user sees." },
	{ "tokens_per_s_total", CALC_U_TOKENS_PER_S,
	  "B / t_step_s",
	  "Output tokens per second across the whole batch." },
	{ "ridge_flops_per_byte", CALC_U_FLOP_PER_BYTE,
	  "flops_per_s[c] * mfu / (hbm_bytes_per_s * mbu)",
	  "FLOPs the chip can do in the time it reads one byte." },
	{ "critical_batch", CALC_U_SEQUENCES,
	  "ridge_flops_per_byte * bytes(w) / 2 * (params_total / params_active)",
	  "Batch at which computing with the weights takes as long as reading them (KV ignored)." },
	{ "critical_batch_with_kv", CALC_U_SEQUENCES,
	  "weight_bytes / bw / ((2 * params_active + attention_flops_per_token(L)) / flops - L * kv_bytes_per_token / bw); null when the denominator <= 0",
	  "Batch at which the step turns compute-bound at context L; null when it never does." },
	{ "kv_crossover_context", CALC_U_TOKENS,
	  "weight_bytes_moved(B) / (B * kv_bytes_per_token)",
	  "Context at which the batch's KV-cache reads equal its weight reads." },
	{ "fits", CALC_U_BOOL,
	  "weight_bytes <= N * hbm_bytes",
	  "Whether the weights fit in the chips' memory." },
	{ "max_batch_in_memory", CALC_U_SEQUENCES,
	  "floor((N * hbm_bytes - weight_bytes) / (L * kv_bytes_per_token)); 0 when the weights do not fit; null when L = 0",
	  "Most sequences of context L whose KV caches fit beside the weights." },
	{ "t_prefill_s", CALC_U_S,
	  "max(P * (2 * params_active + attention_flops_per_token(P/2)) / (N * flops_per_s[c] * mfu), weight_bytes_moved(P) / (N * hbm_bytes_per_s * mbu)) + t_comm(P)",
	  "Time to process a prompt of P tokens in one pass." },
	{ "prefill_s_per_token", CALC_U_S_PER_TOKEN,
	  "t_prefill_s / P",
	  "Prefill time per prompt token." },
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
	  "the B at which output_input_cost_ratio equals price_ratio",
	  "Batch at which a given output/input price ratio would match the cost ratio; null if none given or none reaches it." },
};

#define S_NQ (sizeof(S_quantities) / sizeof(S_quantities[0]))

/* Where each quantity lives in struct calc_result, row for row; bound and
 * fits are not doubles and are marked with SIZE_MAX. */
#define S_OFF(f) offsetof(struct calc_result, f)
static const size_t S_offsets[] = {
	S_OFF(weight_bytes), S_OFF(experts_touched), S_OFF(weight_bytes_moved),
	S_OFF(kv_bytes_per_token), S_OFF(kv_bytes_moved),
	S_OFF(attention_flops_per_token), S_OFF(flops_step), S_OFF(t_memory_s),
	S_OFF(t_compute_s), S_OFF(t_comm_s), S_OFF(t_step_s),
	S_OFF(t_step_overlap_s), (size_t)-1 /* bound */,
	S_OFF(tokens_per_s_per_user), S_OFF(tokens_per_s_total),
	S_OFF(ridge_flops_per_byte), S_OFF(critical_batch),
	S_OFF(critical_batch_with_kv), S_OFF(kv_crossover_context),
	(size_t)-1 /* fits */, S_OFF(max_batch_in_memory), S_OFF(t_prefill_s),
	S_OFF(prefill_s_per_token), S_OFF(usd_per_s), S_OFF(usd_per_mtok_output),
	S_OFF(usd_per_mtok_input), S_OFF(output_input_cost_ratio),
	S_OFF(implied_batch),
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
	[CALC_U_BOOL] = "bool", [CALC_U_ENUM] = "enum",
};

const char *
calc_unit_name(enum calc_unit u)
{
	if ((unsigned)u >= sizeof(S_unit_names) / sizeof(S_unit_names[0]))
		return "?";
	return S_unit_names[u];
}
