/*
 * expr.h -- the small language inside {{ ... }} (lessons/README.md is the
 * user-facing specification): paths to calc quantities of named scenarios,
 * arithmetic, and unit filters that format the result.
 *
 *   {{ floor.t_step_s | ms }}                   233 ms
 *   {{ real[batch=8, context=200000].t_step_s / floor.t_step_s | x:1 }}
 *   {{ real.hardware_name }}                    a string field
 *   {{ price("gemini-2.5-pro", 300000).input | $/Mtok }}   a list price (data/pricing.yaml)
 *   {{ ceil(big.weight_bytes / big.hbm_bytes) | int }}     ceil floor min max
 *   {{ lit "2024" }}                            literal text
 *   {{ figure roofline real }}                  a figure (the caller draws it)
 *
 * Contract
 *  - expr_parse() turns the text between the braces into a statement; it
 *    prints every syntax error through diag at the offending token's
 *    file:line:col (columns count UTF-8 characters) and returns -1.
 *  - expr_eval() evaluates a statement against an environment of named
 *    scenarios (borrowed), re-running calc for [key=value] overrides.
 *    Unknown scenarios, quantities and filters, unknown price ids (the known
 *    ones are listed) and fields, a prompt length no price tier covers,
 *    division by zero, a filter applied to a string or to null, and
 *    scenarios that calc_check() refuses are errors printed through diag;
 *    it returns -1.
 *  - expr_format() is the one place numbers are turned into text: pure,
 *    locale-independent, deterministic.
 *  - Everything returned is owned by the caller and freed with the
 *    matching _free function.
 */
#ifndef INFERBOOK_EXPR_H
#define INFERBOOK_EXPR_H

#include <stddef.h>
#include "calc.h"
#include "data.h"
#include "diag.h"
#include "util.h"

/* Limits (lessons/README.md lists them). */
#define EXPR_MAX_LEN		512	/* bytes between {{ and }} */
#define EXPR_MAX_DEPTH		32	/* nesting of ( ) and unary minus */
#define EXPR_MAX_TERMS		32	/* paths read by one expression */
#define EXPR_MAX_DECIMALS	6	/* largest N of `| filter:N` */

/* ---- Filters and formatting ---- */

enum expr_filter {
	EXPR_F_NONE,		/* no filter: numbers print as `num`, strings as is */
	EXPR_F_NS, EXPR_F_US, EXPR_F_MS, EXPR_F_S,
	EXPR_F_BYTES, EXPR_F_KB, EXPR_F_MB, EXPR_F_GB, EXPR_F_TB,
	EXPR_F_GB_S, EXPR_F_TB_S,
	EXPR_F_GFLOP, EXPR_F_TFLOP, EXPR_F_PFLOP,
	EXPR_F_TFLOP_S, EXPR_F_PFLOP_S,
	EXPR_F_FLOP_BYTE,
	EXPR_F_TOKENS_S,
	EXPR_F_USD, EXPR_F_USD_MTOK, EXPR_F_USD_H,
	EXPR_F_X, EXPR_F_K, EXPR_F_M, EXPR_F_B,
	EXPR_F_INT, EXPR_F_NUM, EXPR_F_PCT,
	EXPR_F__COUNT
};

/* Name as written after `|` ("ms", "$/Mtok"); "" for EXPR_F_NONE. */
const char *expr_filter_name(enum expr_filter f);
/* Looks a filter up by name: 0 and *f, or -1 when unknown. */
int expr_filter_find(const char *name, enum expr_filter *f);
/* Appends "us, ms, s, ..." (every filter name) to out. */
void expr_filter_list(struct buf *out);

/*
 * Formats v (in the filter's input unit, SI: seconds, bytes, FLOP/s, a
 * fraction for pct, ...) into out.  decimals < 0 asks for the default
 * rounding:
 *   - after scaling to the filter's unit, values of 100 and more are
 *     rounded to an integer (1,979 TFLOP/s: datasheet figures keep their
 *     digits), smaller ones to 3 significant digits (233 ms, 4.29
 *     tokens/s, 0.0521), trailing zeros dropped (3 TB/s, 4.6x);
 *   - integers of 1,000 and more get thousands separators;
 *   - pct rounds to a whole percent (69%) unless below 1%;
 *   - int rounds to an integer always (1,234).
 * decimals >= 0 prints exactly that many decimals (no zeros dropped).
 * NaN prints "n/a".  Always succeeds (out is truncated at outsz).
 */
void expr_format(double v, enum expr_filter f, int decimals, char *out, size_t outsz);

/* ---- Syntax ---- */

enum expr_kind {
	EXPR_NUM,		/* a number literal */
	EXPR_PATH,		/* SCEN[overrides].NAME */
	EXPR_PRICE,		/* price("ID"[, TOKENS]).NAME */
	EXPR_CALL,		/* FN(a[, b]) */
	EXPR_NEG,
	EXPR_ADD, EXPR_SUB, EXPR_MUL, EXPR_DIV
};

/* The functions an expression may call (one or two arguments). */
enum expr_fn { EXPR_FN_CEIL, EXPR_FN_FLOOR, EXPR_FN_MIN, EXPR_FN_MAX, EXPR_FN__COUNT };
const char *expr_fn_name(enum expr_fn f);

/* The scenario settings a path may override for one read. */
enum expr_ovr {
	EXPR_O_BATCH, EXPR_O_CONTEXT, EXPR_O_PROMPT, EXPR_O_CHIPS,
	EXPR_O_MBU, EXPR_O_MFU,
	EXPR_O__COUNT
};
const char *expr_ovr_name(enum expr_ovr o);

struct expr_node {
	enum expr_kind kind;
	struct srcpos pos;		/* the token (for a binary op: the operator) */
	double num;			/* EXPR_NUM; EXPR_PRICE: the prompt tokens that
					 * pick the tier (NaN: the first tier) */
	char *scen;			/* EXPR_PATH; EXPR_PRICE: the price id */
	struct srcpos name_pos;		/* EXPR_PATH, EXPR_PRICE: of NAME */
	char *name;			/* EXPR_PATH, EXPR_PRICE */
	enum expr_fn fn;		/* EXPR_CALL (a, and b for min/max) */
	double ovr[EXPR_O__COUNT];	/* EXPR_PATH: NaN = not overridden */
	struct srcpos ovr_pos[EXPR_O__COUNT];
	struct expr_node *a, *b;	/* operands */
};

enum expr_stmt_kind { EXPR_STMT_VALUE, EXPR_STMT_LIT, EXPR_STMT_FIGURE, EXPR_STMT_TABLE };

struct expr_stmt {
	enum expr_stmt_kind kind;
	struct srcpos pos;		/* the first character after "{{" */
	char *text;			/* canonical source: "a[batch=8].x / b.y | ms:1" (one spelling per meaning) */
	struct expr_node *root;		/* VALUE */
	enum expr_filter filter;	/* VALUE */
	int decimals;			/* VALUE: -1 = default */
	struct srcpos filter_pos;
	char *lit;			/* LIT: the string, unescaped */
	char *fig_name, *fig_scen;	/* FIGURE; TABLE: fig_name is the table's name */
	struct srcpos fig_scen_pos;
};

/*
 * Parses `len` bytes of expression source (without the braces) whose first
 * byte sits at `pos` (pos.file is borrowed).  Returns 0 and fills *out, or
 * -1 after printing errors (nothing to free then).
 */
int expr_parse(const char *src, size_t len, struct srcpos pos, struct expr_stmt *out);
void expr_stmt_free(struct expr_stmt *st);

/* Appends an EXPR_PRICE node's call as written canonically:
 * price("gemini-2.5-pro") or price("gemini-2.5-pro", 300000). */
void expr_price_text(const struct expr_node *n, struct buf *out);

/* Appends the canonical text of an expression tree, as in expr_stmt.text
 * ("a[batch=8].x / (b.y + 1)": parentheses only where needed).  When leaf
 * is not NULL it is offered each path and price node first: it may print
 * the node itself and return 1 (e.g. as its value), or return 0 for the
 * canonical text.  ctx is passed through to leaf. */
void expr_node_text(const struct expr_node *n, struct buf *out,
    int (*leaf)(const void *ctx, const struct expr_node *n, struct buf *out),
    const void *ctx);

/* ---- Evaluation ---- */

/* Scenarios an expression may name, with their calc results cached. */
struct expr_env {
	struct data_scenario *const *scen;	/* borrowed */
	size_t nscen;
	/* Optional, borrowed: the data set whose prices price("ID") reads;
	 * NULL (what expr_env_init sets): price() is an error. */
	const struct data_set *set;
	/* 1: expr_eval() makes the value and its text only, no derivation
	 * (terms keep names and values; substituted, inputs and derivation
	 * stay NULL): the browser's core re-evaluates a page per keystroke.
	 * expr_env_init sets 0. */
	int values_only;
	struct calc_result *res;		/* owned cache, one per scenario */
	unsigned char *have;			/* res[i] computed (1) / refused (2) */
};

/* scen[0..n) are borrowed and must outlive the env; env->set is NULL
 * until the caller sets it. */
void expr_env_init(struct expr_env *env, struct data_scenario *const *scen, size_t n);
void expr_env_free(struct expr_env *env);
/* The scenario named `name`, or NULL. */
const struct data_scenario *expr_env_find(const struct expr_env *env, const char *name);
/* Appends "this lesson's scenarios: a, b" or "this lesson has no
 * scenarios", for messages about an unknown name. */
void expr_env_list(const struct expr_env *env, struct buf *out);

/* One SCEN[...].NAME or price("ID").NAME read while evaluating (for the
 * derivations page). */
struct expr_term {
	char *scenario;			/* "real"; a price: 'price("gemini-2.5-pro", 300000)' */
	char *overrides;		/* "batch=8, context=200000" or "" */
	char *name;			/* "t_step_s" */
	double value;			/* SI units; NaN: null */
	const char *unit;		/* "s", "bytes", ... ("" when unitless) */
	const char *formula;		/* the calc quantity table's text; NULL for inputs */
	char *substituted;		/* "t_step_s = max(0.233 s, 0.0014 s) + 0 s = 0.233 s" */
	char *inputs;			/* the scenario's settings: "llama-3.1-405b on h100-sxm, weights fp8, ...";
					 * a price: "gemini-2.5-pro (pricing.yaml:29): Google, Gemini 2.5 Pro,
					 * read 2025-04; tier: prompts above 200000 tokens; source: ..." */
	const struct data_scenario *scen;	/* borrowed: hw/model entries and their srcpos; NULL for a price */
	const struct data_price *price;		/* borrowed: the pricing.yaml entry (pos, date, source); NULL for a scenario */
	const struct data_tier *tier;		/* borrowed: the tier read (NULL: none, e.g. .date) */
};

enum expr_vtype { EXPR_V_NUM, EXPR_V_STR };

struct expr_value {
	enum expr_vtype type;
	double num;			/* NUM: NaN = null */
	char *str;			/* STR, and the formatted text of NUM (owned) */
	struct expr_term *terms;	/* the paths read, in order, duplicates merged */
	size_t nterms;
	char *derivation;		/* NUM: one line for a reader, e.g. "t_step_s = max(t_memory_s,
					 * t_compute_s) + t_comm_s = max(0.2333 s, 0.0007 s) + 0 s = 0.2333 s";
					 * arithmetic: "a.x / b.y = 0.01 s / 0.2 s = 0.05; x = ...; y = ..." */
};

/*
 * Evaluates a VALUE statement: *out gets the value, its formatted text
 * (after the filter) and the terms read.  Returns 0, or -1 after printing
 * every error (out is then empty).  Free with expr_value_free().
 */
int expr_eval(struct expr_env *env, const struct expr_stmt *st, struct expr_value *out);
void expr_value_free(struct expr_value *v);

/* Fields of price("ID"): numbers and strings, and the unit of a number
 * field ("USD/Mtok", "tokens", ""), or NULL when it is no number field. */
void expr_price_field_list(struct buf *out);
const char *expr_price_field_unit(const char *name);

/* The unit label of a quantity or input name ("s", "bytes", "FLOP/s",
 * ""), or NULL when the name is neither. */
const char *expr_name_unit(const char *name);

/* ---- Records of printed numbers (for the derivations page) ---- */

struct expr_record {
	char *id;			/* stable: "<slug>-<8 hex of the expression text>" */
	char *slug;			/* the lesson (or page) it appears in */
	struct srcpos pos;		/* first occurrence */
	char *scenario;			/* the first scenario read (NULL when none) */
	char *text;			/* canonical expression text (expr_stmt.text) */
	double value;			/* before the filter, SI */
	char *formatted;		/* "233 ms" */
	struct expr_term *terms;	/* owned */
	size_t nterms;
	char *derivation;		/* one line: the terms' substituted formulas joined by "; " */
	unsigned count;			/* occurrences on the page */
	int in_answer;			/* every occurrence sits in an {{ answer }} block */
};

void expr_record_free(struct expr_record *r);

/* FNV-1a of the text, as used in record ids (exposed for tests). */
unsigned long expr_hash(const char *text);

#endif
