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

/* One chip.  A flops_per_s entry of 0 means "the chip lists no FLOPs for
 * that precision"; usd_per_hour < 0 means "no price" (no cost figures). */
struct calc_hw {
	double hbm_bytes;
	double hbm_bytes_per_s;
	double flops_per_s[CALC_PREC__COUNT];	/* dense peak, FLOP/s */
	double link_bytes_per_s;		/* scale-up, one direction; 0: none */
	double usd_per_hour;			/* per chip; < 0: unknown */
	double tdp_w;				/* 0: unknown */
};

/* One model.  experts_total == 0 means dense.  kv_lora_rank and rope_dim
 * are used only for CALC_MLA. */
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
	double max_context;
};

/* A scenario borrows its hardware and model. */
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
	double link_latency_s;		/* per all-reduce hop, default 5e-6 */
	double price_ratio;		/* for implied_batch; NaN: none */
};

/* Sets the CALC.md defaults: batch 1, context 0, prompt 1024, chips 1,
 * mbu = mfu = 1, link latency 5e-6 s, w = kv = bf16, price_ratio NaN, and
 * c = calc_default_compute(hw, w) once hw and w are known (call that again
 * after changing hw or w). hw/model are left untouched. */
void calc_scenario_defaults(struct calc_scenario *s);

/* The weights' precision when the chip lists FLOPs for it, else bf16. */
enum calc_prec calc_default_compute(const struct calc_hw *hw, enum calc_prec w);

/* Returns NULL when the scenario can be computed, else a static message
 * naming the problem (e.g. "hardware lists no bf16 FLOPs").  Checks: hw and
 * model set, known precisions, FLOPs at c, bandwidth and capacity > 0,
 * batch > 0, chips >= 1 (and a scale-up link when chips > 1), context >= 0,
 * prompt > 0, mbu and mfu in (0, 1], link latency >= 0, a sane model shape
 * (MoE: 0 < experts_active < experts_total; MLA: kv_lora_rank > 0). */
const char *calc_check(const struct calc_scenario *s);

enum calc_bound { CALC_BOUND_MEMORY, CALC_BOUND_COMPUTE };
const char *calc_bound_name(enum calc_bound b);	/* "memory" | "compute" */

/*
 * Every quantity of CALC.md for one scenario.  Field names are exactly the
 * JSON keys.  NaN = null.
 */
struct calc_result {
	double weight_bytes;		/* params_total * bytes(w) */
	double experts_touched;		/* E(1-(1-k/E)^B); null when dense */
	double weight_bytes_moved;	/* dense: weight_bytes; MoE: (P_shared + touched*P_expert)*bytes(w) */
	double kv_bytes_per_token;	/* 2*layers*kv_heads*head_dim*bytes(kv); MLA: layers*(rank+rope)*bytes(kv) */
	double kv_bytes_moved;		/* B * L * kv_bytes_per_token */
	double attention_flops_per_token; /* at L: 4*layers*heads*head_dim*L; MLA: 2*layers*heads*(2*rank+rope)*L */
	double flops_step;		/* B * (2*params_active + attention_flops_per_token(L)) */
	double t_memory_s;		/* (moved weights + KV) / (N * bw * mbu) */
	double t_compute_s;		/* flops_step / (N * flops[c] * mfu) */
	double t_comm_s;		/* N==1: 0; else layers*2*(lat + 2(N-1)/N * B*d_model*bytes(c)/link) */
	double t_step_s;		/* max(mem, compute) + comm */
	double t_step_overlap_s;	/* max(mem, compute, comm) */
	enum calc_bound bound;		/* memory if t_memory_s >= t_compute_s */
	double tokens_per_s_per_user;	/* 1 / t_step_s */
	double tokens_per_s_total;	/* B / t_step_s */
	double ridge_flops_per_byte;	/* flops[c]*mfu / (bw*mbu) */
	double critical_batch;		/* ridge * bytes(w) / 2 * total/active */
	double critical_batch_with_kv;	/* at L; null when never compute-bound */
	double kv_crossover_context;	/* weight_bytes_moved(B) / (B * kv_bytes_per_token) */
	int fits;			/* weight_bytes <= N * hbm_bytes */
	double max_batch_in_memory;	/* floor((N*hbm - weights)/(L*kvpt)); 0 if no fit; null if L==0 */
	double t_prefill_s;		/* for P prompt tokens, see calc_t_prefill_s() */
	double prefill_s_per_token;	/* t_prefill_s / P */
	double usd_per_s;		/* N * usd_per_hour / 3600; null without price */
	double usd_per_mtok_output;	/* usd_per_s * t_step_s / B * 1e6 */
	double usd_per_mtok_input;	/* usd_per_s * prefill_s_per_token * 1e6 */
	double output_input_cost_ratio;	/* price-free: (t_step_s/B) / prefill_s_per_token */
	double implied_batch;		/* B where the ratio equals price_ratio; null if none given or no such B */
};

/* Computes every quantity.  The scenario must pass calc_check(). */
void calc_run(const struct calc_scenario *s, struct calc_result *r);

/* True when v stands for "null". */
int calc_is_null(double v);

/* ---- The individual formulas (each a pure function; see CALC.md) ---- */

/* P_expert = (total - active) / (E - k); 0 for dense. */
double calc_params_per_expert(const struct calc_model *m);
/* P_shared = active - k * P_expert; == params_active for dense. */
double calc_params_shared(const struct calc_model *m);
/* The calc_result fields of the same names (formulas there): weights,
 * experts and KV at a batch or context other than the scenario's. */
double calc_weight_bytes(const struct calc_model *m, enum calc_prec w);
/* NaN for dense models. */
double calc_experts_touched(const struct calc_model *m, double batch);
double calc_weight_bytes_moved(const struct calc_model *m, enum calc_prec w, double batch);
double calc_kv_bytes_per_token(const struct calc_model *m, enum calc_prec kv);
double calc_attention_flops_per_token(const struct calc_model *m, double context);
/* Two ring all-reduces per layer over `tokens` rows of d_model values. */
double calc_t_comm_s(const struct calc_scenario *s, double tokens);
/* t_prefill_s(P) of CALC.md. */
double calc_t_prefill_s(const struct calc_scenario *s, double prompt);
/* Per-token cost ratio (t_step_s / B) / prefill_s_per_token at batch B,
 * all else from s. */
double calc_output_input_ratio_at(const struct calc_scenario *s, double batch);
/* The smallest real B >= 1 at which calc_output_input_ratio_at() == ratio
 * (bisection; the ratio falls monotonically with B until compute-bound).
 * NaN when no B in [1, 1e7] reaches it.
 *
 * Why bisection is sound: prefill does not depend on B, and t_step_s / B
 * never rises with B.  Per sequence, memory time is
 * weight_bytes_moved(B)/B + L*kv_bytes_per_token (weight_bytes_moved is
 * constant when dense and concave with a positive value at B = 0 for MoE,
 * so divided by B it falls); compute time per sequence is constant; comm
 * time per sequence is latency/B plus a constant.  So the ratio falls
 * strictly while memory-bound and is flat once compute-bound: a price ratio
 * below that plateau is never reached (NaN), and one equal to it returns
 * the B where the plateau begins.  Result to ~1e-13 relative (~50 ratio
 * evaluations, no allocation). */
double calc_implied_batch(const struct calc_scenario *s, double ratio);
/* Expected tokens per weight pass with speculative decoding: k drafted
 * tokens, acceptance rate a: (1 - a^(k+1)) / (1 - a); k + 1 when a == 1. */
double calc_spec_tokens_per_pass(double k, double a);

/* ---- The quantity table: names, units, and accessors ----
 * One row per calc_result field, in JSON key order.  Used by the JSON/CSV
 * writers, the {{ }} expression language and the derivations page, so that
 * a quantity is named and described in exactly one place. */
enum calc_unit {
	CALC_U_BYTES, CALC_U_BYTES_PER_TOKEN, CALC_U_FLOP, CALC_U_FLOP_PER_TOKEN,
	CALC_U_S, CALC_U_S_PER_TOKEN, CALC_U_TOKENS_PER_S, CALC_U_FLOP_PER_BYTE,
	CALC_U_SEQUENCES, CALC_U_TOKENS, CALC_U_EXPERTS, CALC_U_USD_PER_S,
	CALC_U_USD_PER_MTOK, CALC_U_RATIO, CALC_U_BOOL, CALC_U_ENUM
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
 * "experts", "USD/s", "USD/Mtok", "ratio", "bool", "enum" (static). */
const char *calc_unit_name(enum calc_unit u);
/* Looks a quantity up by name; NULL when unknown. */
const struct calc_quantity *calc_quantity_find(const char *name);
/* The numeric value of a quantity in r (bound: 0 memory / 1 compute;
 * fits: 0/1). */
double calc_result_get(const struct calc_result *r, const struct calc_quantity *q);

#endif
