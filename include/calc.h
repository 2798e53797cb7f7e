/*
 * calc.h -- the calculation core: one scenario in, every quantity of
 * ../shared/design/CALC.md out.
 *
 * Contract
 *  - Pure functions of their arguments: no I/O, no globals, no allocation.
 *  - SI base units everywhere: bytes, bytes/s, FLOP, FLOP/s, s, tokens, USD.
 *    Decimal prefixes only (1 GB = 1e9 bytes).  Unit suffixes are in names.
 *  - A quantity that does not exist for a scenario ("null" in CALC.md) is
 *    NaN.  Use calc_is_null() to test; writers print it as null / "n/a".
 *  - Inputs are assumed valid (the data loader validates them); calc_check()
 *    reports what makes a scenario unusable (e.g. no FLOPs for the compute
 *    precision) as a message the caller attaches to a source position.
 */
#ifndef INFERBOOK_CALC_H
#define INFERBOOK_CALC_H

#include <stddef.h>

enum calc_prec {
	CALC_FP32,
	CALC_BF16,
	CALC_FP16,
	CALC_FP8,
	CALC_INT8,
	CALC_FP4,
	CALC_INT4,
	CALC_PREC__COUNT
};

/* Bytes per value: fp32 4, bf16 2, fp16 2, fp8 1, int8 1, fp4 0.5, int4 0.5. */
double calc_prec_bytes(enum calc_prec p);
/* "fp32", "bf16", ... (static string). */
const char *calc_prec_name(enum calc_prec p);
/* Parses a precision name; returns 0 and sets *p, or -1 if unknown. */
int calc_prec_parse(const char *name, enum calc_prec *p);

enum calc_attn { CALC_MHA, CALC_GQA, CALC_MQA, CALC_MLA };
/* "mha", "gqa", "mqa", "mla" (static string). */
const char *calc_attn_name(enum calc_attn a);
/* Parses an attention name; returns 0 and sets *a, or -1 if unknown. */
int calc_attn_parse(const char *name, enum calc_attn *a);

enum calc_memory { CALC_MEM_HBM, CALC_MEM_GDDR, CALC_MEM_SRAM };
/* "hbm", "gddr", "sram" (static string); parse returns 0 or -1. */
const char *calc_memory_name(enum calc_memory k);
int calc_memory_parse(const char *name, enum calc_memory *k);

/* How the chips of one scale-up domain are wired (CALC.md "All-reduce"). */
enum calc_topology { CALC_TOPO_SWITCH, CALC_TOPO_MESH, CALC_TOPO_TORUS };
/* "switch", "mesh", "torus" (static string); parse returns 0 or -1. */
const char *calc_topology_name(enum calc_topology t);
int calc_topology_parse(const char *name, enum calc_topology *t);

/* One chip.  A flops_per_s entry of 0 means "the chip lists no FLOPs for
 * that precision"; usd_per_hour < 0 means "no price" (no cost figures). */
struct calc_hw {
	double hbm_bytes;			/* memory capacity, whatever the kind */
	double hbm_bytes_per_s;
	double flops_per_s[CALC_PREC__COUNT];	/* dense peak, FLOP/s */
	enum calc_memory memory;		/* informational: hbm | gddr | sram */
	double link_bytes_per_s;		/* scale-up, ONE direction, all links; 0: none */
	double scale_up_chips;			/* S: chips in one scale-up domain */
	enum calc_topology topology;		/* of the scale-up domain */
	double scale_out_bytes_per_s;		/* between domains, per chip, 1 way; 0 none */
	double usd_per_hour;			/* per chip; < 0: unknown */
	double tdp_w;				/* 0: unknown */
};

/* One model.  experts_total == 0 means dense.  kv_lora_rank and rope_dim
 * are used only for CALC_MLA.  window_tokens == 0 means no sliding window
 * (every layer attends to the whole context); otherwise full_layers of the
 * layers see the whole context and the rest only the last window_tokens. */
struct calc_model {
	double params_total;
	double params_active;		/* == params_total when dense */
	double layers;
	double d_model;
	double heads;
	double kv_heads;
	double head_dim;
	enum calc_attn attn;
	double kv_lora_rank;
	double rope_dim;
	double experts_total;
	double experts_active;
	double window_tokens;		/* W; 0: none */
	double full_layers;		/* layers seeing the whole context (all without W) */
	double max_context;
};

/* A scenario borrows its hardware and model (and draft model). */
struct calc_scenario {
	const struct calc_hw *hw;
	const struct calc_model *model;
	enum calc_prec w;		/* weights */
	enum calc_prec kv;		/* KV cache */
	enum calc_prec c;		/* compute */
	double batch;			/* B, concurrent sequences */
	double context;			/* L, tokens already in each KV cache */
	double prompt;			/* P, prompt tokens for prefill */
	double chips;			/* N, tensor parallel */
	double mbu;			/* achieved fraction of peak bandwidth */
	double mfu;			/* achieved fraction of peak FLOPs */
	double link_latency_s;		/* one all-reduce in a domain, default 5e-6 */
	double scale_out_latency_s;	/* per tree level between domains, default 5e-6 */
	double prefill_tokens_per_pass;	/* T, default 8192 */
	double price_ratio;		/* for implied_batch; NaN: none */
	const struct calc_model *draft;	/* speculative decoding; NULL: none */
	double draft_tokens;		/* K, drafted tokens per step (with a draft) */
	double acceptance;		/* a in [0, 1] (with a draft) */
};

/* Sets the CALC.md defaults: batch 1, context 0, prompt 1024, chips 1,
 * mbu = mfu = 1, link and scale-out latencies 5e-6 s, prefill tokens per
 * pass 8192, w = kv = c = bf16, price_ratio NaN, no draft (K 0, a NaN).
 * Call calc_default_compute(hw, w) once hw and w are known. hw/model are
 * left untouched. */
void calc_scenario_defaults(struct calc_scenario *s);

/* The weights' precision when the chip lists FLOPs for it, else bf16. */
enum calc_prec calc_default_compute(const struct calc_hw *hw, enum calc_prec w);

/* Returns NULL when the scenario can be computed, else a static message
 * naming the problem (e.g. "hardware lists no bf16 FLOPs").  Checks: hw and
 * model set, known precisions, FLOPs at c, bandwidth and capacity > 0,
 * batch > 0, chips >= 1, context >= 0, prompt > 0, mbu and mfu in (0, 1],
 * latencies >= 0, T > 0, a sane model shape (MoE: 0 < experts_active <
 * experts_total; MLA: kv_lora_rank > 0; window: 0 <= full_layers <= layers),
 * and the CALC.md refusals: tensor parallelism must divide the heads (and
 * the KV heads, or be a multiple of them), N beyond one scale-up domain must
 * be a multiple of it and needs a scale-out network; with a draft, the same
 * for the draft model, K >= 1 whole and a in [0, 1]. */
const char *calc_check(const struct calc_scenario *s);
/* calc_check() with the numbers named: NULL when fine, else buf (always
 * NUL-terminated, truncated to sz) holding e.g. "64 chips are not a
 * multiple of the scale-up domain of 8 chips (h100: scale_up_chips)". */
const char *calc_check_msg(const struct calc_scenario *s, char *buf, size_t sz);

enum calc_bound { CALC_BOUND_MEMORY, CALC_BOUND_COMPUTE, CALC_BOUND_COMM };
/* "memory" | "compute" | "communication" */
const char *calc_bound_name(enum calc_bound b);

/*
 * Every quantity of CALC.md for one scenario.  Field names are exactly the
 * JSON keys.  NaN = null.  Times are per chip (every chip does its share
 * in parallel); per-chip rates BW = hbm_bytes_per_s * mbu, F = flops * mfu.
 */
struct calc_result {
	double weight_bytes;		/* params_total * bytes(w) */
	double experts_touched;		/* E(1-(1-k/E)^B); null when dense */
	double weight_bytes_moved;	/* dense: weight_bytes; MoE: (P_shared + touched*P_expert)*bytes(w) */
	double kv_bytes_per_token;	/* layers * kv_bytes_per_token_layer */
	double kv_bytes_per_sequence;	/* kv_bytes_per_token_layer * kv_tokens_held(L) */
	double kv_bytes_moved;		/* B * kv_bytes_per_sequence */
	double kv_split;		/* min(N, kv_heads); 1 for MLA */
	double kv_bytes_per_chip;	/* kv_bytes_moved / kv_split */
	double attention_flops_per_token; /* c_decode * kv_tokens_held(L) */
	double attention_flops_per_byte; /* c_decode / kv_bytes_per_token_layer */
	double flops_step;		/* B * (2*params_active + attention_flops_per_token(L)) */
	double t_dense_s;		/* roofline of the shared/dense weights */
	double t_experts_s;		/* roofline of the routed experts; 0 dense */
	double t_weights_s;		/* t_dense_s + t_experts_s */
	double t_attention_s;		/* roofline of KV reads and attention FLOPs */
	double t_memory_s;		/* seed picture: (moved/N + kv_bytes_per_chip) / BW */
	double t_compute_s;		/* seed picture: flops_step / (N * F) */
	double t_comm_s;		/* layers * 2 * allreduce(B * d_model * bytes_act, N) */
	double t_step_s;		/* t_weights_s + t_attention_s + t_comm_s */
	double t_step_overlap_s;	/* max(t_weights_s + t_attention_s, t_comm_s) */
	enum calc_bound bound;		/* what most of the step's time waits on */
	double tokens_per_s_per_user;	/* 1 / t_step_s */
	double tokens_per_s_total;	/* B / t_step_s */
	double ridge_flops_per_byte;	/* F / BW */
	double critical_batch;		/* smallest B with every weight part compute-bound */
	double kv_crossover_context;	/* L: per-chip KV traffic = weight traffic */
	int fits;			/* weight_bytes (+ draft's) <= N * hbm_bytes */
	double max_batch_in_memory;	/* per chip; 0 if no fit; null if L == 0 */
	double t_prefill_s;		/* t_prefill_pass_s(P, P) */
	double prefill_s_per_token;	/* t_prefill_pass_s(T', P) / T', T' = max(P, T) */
	double usd_per_s;		/* N * usd_per_hour / 3600; null without price */
	double usd_per_mtok_output;	/* usd_per_s * t_step_s / B * 1e6 */
	double usd_per_mtok_input;	/* usd_per_s * prefill_s_per_token * 1e6 */
	double output_input_cost_ratio;	/* price-free: (t_step_s/B) / prefill_s_per_token */
	double implied_batch;		/* least B >= 1, ratio(B) <= price_ratio; or null */
	double t_draft_s;		/* K * t_step_s(draft); null without a draft */
	double t_verify_s;		/* target step over B*(K+1) rows */
	double spec_tokens_per_step;	/* (1 - a^(K+1)) / (1 - a) */
	double t_spec_step_s;		/* t_draft_s + t_verify_s */
	double spec_tokens_per_s_per_user; /* spec_tokens_per_step / t_spec_step_s */
	double spec_speedup;		/* spec_tokens_per_s_per_user / tokens_per_s_user */
	double usd_per_mtok_output_spec; /* usd_per_s * t_spec_step_s / (B * tokens) * 1e6 */
};

/* Computes every quantity.  The scenario must pass calc_check(). */
void calc_run(const struct calc_scenario *s, struct calc_result *r);

/* True when v stands for "null". */
int calc_is_null(double v);

/* ---- The individual formulas (each a pure function; see CALC.md) ---- */

/* P_expert = (total - active) / (E - k); 0 for dense. */
double calc_params_per_expert(const struct calc_model *m);
/* P_shared = active - k * P_expert; == params_total for dense. */
double calc_params_shared(const struct calc_model *m);
/* The calc_result fields of the same names (formulas there): weights,
 * experts and KV at a batch or context other than the scenario's. */
double calc_weight_bytes(const struct calc_model *m, enum calc_prec w);
/* NaN for dense models. */
double calc_experts_touched(const struct calc_model *m, double batch);
double calc_weight_bytes_moved(const struct calc_model *m, enum calc_prec w, double batch);
double calc_kv_bytes_per_token(const struct calc_model *m, enum calc_prec kv);
/* Bytes one token occupies in one layer's cache (CALC.md). */
double calc_kv_bytes_per_token_layer(const struct calc_model *m, enum calc_prec kv);
/* Token-layers of cache one sequence of context L holds:
 * full_layers * L + (layers - full_layers) * min(L, W); layers * L without W. */
double calc_kv_tokens_held(const struct calc_model *m, double context);
/* kv_bytes_per_token_layer * kv_tokens_held(L). */
double calc_kv_bytes_per_sequence(const struct calc_model *m, enum calc_prec kv, double context);
/* min(N, kv_heads) for mha/gqa/mqa; 1 for MLA. */
double calc_kv_split(const struct calc_model *m, double chips);
/* c_decode * kv_tokens_held(L): attention FLOPs of one new token at context L. */
double calc_attention_flops_per_token(const struct calc_model *m, double context);
/* (query, key) pairs of one causal prompt of P tokens, summed over layers. */
double calc_prefill_pairs(const struct calc_model *m, double prompt);
/* Seconds of one all-reduce of `bytes` per chip over the scenario's chips
 * (CALC.md: one-shot inside a domain, tree + ring between domains). */
double calc_allreduce_s(const struct calc_scenario *s, double bytes);
/* layers * 2 * allreduce_s(tokens * d_model * bytes_act, N); 0 at N = 1. */
double calc_t_comm_s(const struct calc_scenario *s, double tokens);
/* t_prefill_pass_s(T, P) of CALC.md: a pass of `tokens` made of prompts of
 * `prompt` tokens each. */
double calc_t_prefill_pass_s(const struct calc_scenario *s, double tokens, double prompt);
/* t_prefill_pass_s(P, P): one prompt alone. */
double calc_t_prefill_s(const struct calc_scenario *s, double prompt);
/* Per-token cost ratio (t_step_s / B) / prefill_s_per_token at batch B,
 * all else from s. */
double calc_output_input_ratio_at(const struct calc_scenario *s, double batch);
/* The smallest real B >= 1 with calc_output_input_ratio_at() <= ratio
 * (bisection); NaN when ratio(1) < ratio or ratio(1e7) > ratio.
 *
 * Why bisection is sound: prefill does not depend on B, and t_step_s / B
 * never rises with B: every part is max(a, b*B) (a >= 0), or for the
 * experts max(c * touched(B), b*B) with touched(B)/B falling, or for the
 * attention exactly proportional to B; divided by B each falls or stays
 * flat.  Communication is latency plus bytes proportional to B.  Result to
 * ~1e-13 relative (~50 ratio evaluations, no allocation). */
double calc_implied_batch(const struct calc_scenario *s, double ratio);
/* Expected tokens per weight pass with speculative decoding: k drafted
 * tokens, acceptance rate a: (1 - a^(k+1)) / (1 - a); k + 1 when a == 1. */
double calc_spec_tokens_per_pass(double k, double a);
/* The critical batch of CALC.md at achieved ridge `ridge` (FLOP/byte):
 * max(B_dense, B_experts); B_experts by bisection (0 when no positive root). */
double calc_critical_batch(const struct calc_model *m, enum calc_prec w, double ridge);

/* ---- The quantity table: names, units, and accessors ----
 * One row per calc_result field, in JSON key order.  Used by the JSON/CSV
 * writers, the {{ }} expression language and the derivations page, so that
 * a quantity is named and described in exactly one place. */
enum calc_unit {
	CALC_U_BYTES, CALC_U_BYTES_PER_TOKEN, CALC_U_FLOP, CALC_U_FLOP_PER_TOKEN,
	CALC_U_S, CALC_U_S_PER_TOKEN, CALC_U_TOKENS_PER_S, CALC_U_FLOP_PER_BYTE,
	CALC_U_SEQUENCES, CALC_U_TOKENS, CALC_U_EXPERTS, CALC_U_USD_PER_S,
	CALC_U_USD_PER_MTOK, CALC_U_RATIO, CALC_U_BOOL, CALC_U_ENUM, CALC_U_CHIPS
};

struct calc_quantity {
	const char *name;		/* JSON key, e.g. "t_step_s" */
	enum calc_unit unit;
	const char *formula;		/* the CALC.md definition, plain text */
	const char *what;		/* one-line description for readers */
};

/* The table and its length. */
const struct calc_quantity *calc_quantities(size_t *n);
/* The unit's short label: "bytes", "bytes/token", "FLOP", "FLOP/token",
 * "s", "s/token", "tokens/s", "FLOP/byte", "sequences", "tokens",
 * "experts", "USD/s", "USD/Mtok", "ratio", "bool", "enum", "chips" (static). */
const char *calc_unit_name(enum calc_unit u);
/* Looks a quantity up by name; NULL when unknown. */
const struct calc_quantity *calc_quantity_find(const char *name);
/* The numeric value of a quantity in r (bound: 0 memory / 1 compute /
 * 2 communication; fits: 0/1). */
double calc_result_get(const struct calc_result *r, const struct calc_quantity *q);

#endif
