/*
 * Tests of the data layer: ytree (positions, refusals), data_load on the
 * real data/ (figures against ../shared/reference/facts.md) and on one
 * fixture per error class (exact messages), and scenario parsing.
 * Runs with cwd = tests/.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "calc.h"
#include "data.h"
#include "diag.h"
#include "util.h"
#include "ytree.h"
#include "testutil.h"

Suite *data_suite(void);

/* ---- helpers ---- */

static void
S_assert_set_empty(const struct data_set *s)
{
	size_t i;

	ck_assert_ptr_null(s->dir);
	for (i = 0; i < sizeof(s->paths) / sizeof(s->paths[0]); i++)
		ck_assert_ptr_null(s->paths[i]);
	ck_assert_ptr_null(s->hw);
	ck_assert_ptr_null(s->models);
	ck_assert_ptr_null(s->prices);
	ck_assert_uint_eq(s->nhw, 0);
	ck_assert_uint_eq(s->nmodels, 0);
	ck_assert_uint_eq(s->nprices, 0);
}

static struct ynode *
S_parse(const char *text, unsigned line_offset)
{
	struct ynode *root = NULL;

	ck_assert_int_eq(ytree_parse("t.yaml", text, strlen(text), line_offset, &root), 0);
	return root;
}

/* ---- the real data files ---- */

static struct data_set S_real;

static void
S_real_setup(void)
{
	ck_assert_int_eq(data_load("../data", &S_real), 0);
}

static void
S_real_teardown(void)
{
	data_free(&S_real);
}

START_TEST(test_real_data_loads_every_entry)
{
	ck_assert_uint_eq(S_real.nhw, 20);
	ck_assert_uint_eq(S_real.nmodels, 13);
	ck_assert_uint_eq(S_real.nprices, 12);
	ck_assert_str_eq(S_real.paths[0], "../data/hardware.yaml");
}
END_TEST

START_TEST(test_real_h100_sxm_figures_in_si_units)
{
	const struct data_hw *h = data_find_hw(&S_real, "h100-sxm");

	ck_assert_ptr_nonnull(h);
	ck_assert_double_eq_tol(h->hw.hbm_bytes, 80e9, 1);
	ck_assert_double_eq_tol(h->hw.hbm_bytes_per_s, 3.35e12, 1);
	ck_assert_double_eq_tol(h->hw.flops_per_s[CALC_BF16], 989e12, 1);
	ck_assert_double_eq_tol(h->hw.flops_per_s[CALC_FP8], 1979e12, 1);
	ck_assert_double_eq(h->hw.flops_per_s[CALC_FP4], 0);
	ck_assert_double_eq_tol(h->hw.link_bytes_per_s, 450e9, 1);
	ck_assert_double_eq_tol(h->hw.usd_per_hour, 2.99, 1e-12);
	ck_assert_double_eq(h->hw.tdp_w, 700);
	ck_assert_str_eq(h->memory_type, "hbm3");
	ck_assert_str_eq(h->price_date, "2026-03");
	ck_assert_str_eq(h->pos.file, "../data/hardware.yaml");
	ck_assert_uint_gt(h->fpos[DATA_HW_HBM_TB_PER_S].line, h->pos.line);
}
END_TEST

START_TEST(test_real_unpriced_and_linkless_chips)
{
	ck_assert_double_eq(data_find_hw(&S_real, "h100-pcie")->hw.usd_per_hour, -1);
	ck_assert_double_eq(data_find_hw(&S_real, "rtx-4090")->hw.usd_per_hour, -1);
	ck_assert_double_eq(data_find_hw(&S_real, "l40s")->hw.link_bytes_per_s, 0);
	/* TPU ICI is quoted bidirectional; the file holds one direction. */
	ck_assert_double_eq_tol(data_find_hw(&S_real, "tpu-v5p")->hw.link_bytes_per_s, 600e9, 1);
	ck_assert_double_eq_tol(data_find_hw(&S_real, "tpu-v6e")->hw.flops_per_s[CALC_INT8],
	    1836e12, 1);
	ck_assert_ptr_null(data_find_hw(&S_real, "apple-m3-ultra"));
}
END_TEST

START_TEST(test_real_every_chip_has_bf16_and_source)
{
	size_t i;

	for (i = 0; i < S_real.nhw; i++) {
		ck_assert_double_gt(S_real.hw[i].hw.flops_per_s[CALC_BF16], 0);
		ck_assert_ptr_nonnull(S_real.hw[i].source);
	}
	for (i = 0; i < S_real.nmodels; i++)
		ck_assert_ptr_nonnull(S_real.models[i].source);
	for (i = 0; i < S_real.nprices; i++) {
		ck_assert_ptr_nonnull(S_real.prices[i].source);
		ck_assert_ptr_nonnull(S_real.prices[i].date);
	}
}
END_TEST

START_TEST(test_real_llama_70b_shape)
{
	const struct data_model *m = data_find_model(&S_real, "llama-3.1-70b");

	ck_assert_ptr_nonnull(m);
	ck_assert_double_eq(m->m.kv_heads, 8);
	ck_assert_double_eq(m->m.heads, 64);
	ck_assert_double_eq(m->m.layers, 80);
	ck_assert_double_eq_tol(m->m.params_total, 70.6e9, 1);
	ck_assert_double_eq(m->m.params_active, m->m.params_total);
	ck_assert_int_eq(m->m.attn, CALC_GQA);
	ck_assert_double_eq(m->m.experts_total, 0);
	ck_assert_double_eq(m->d_ff, 28672);
}
END_TEST

START_TEST(test_real_deepseek_v3_is_mla_moe)
{
	const struct data_model *m = data_find_model(&S_real, "deepseek-v3");

	ck_assert_int_eq(m->m.attn, CALC_MLA);
	ck_assert_double_eq(m->m.kv_lora_rank, 512);
	ck_assert_double_eq(m->m.rope_dim, 64);
	ck_assert_double_eq(m->m.experts_total, 256);
	ck_assert_double_eq(m->m.experts_active, 8);
	ck_assert_double_eq_tol(m->m.params_active, 37e9, 1);
}
END_TEST

/* facts.md table B, "KV B/token BF16": the model shapes reproduce it. */
START_TEST(test_real_kv_bytes_per_token_match_facts)
{
	static const struct { const char *id; double bf16; } kv[] = {
		{ "llama-3.1-8b", 131072 }, { "llama-3.1-70b", 327680 },
		{ "llama-3.1-405b", 516096 }, { "mixtral-8x7b", 131072 },
		{ "deepseek-v3", 70272 }, { "qwen3-235b-a22b", 192512 },
		{ "gpt-oss-120b", 73728 }, { "gemma-3-27b", 507904 },
		{ "qwen2.5-72b", 327680 },
	};
	size_t i;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		const struct data_model *m = data_find_model(&S_real, kv[i].id);

		ck_assert_msg(m != NULL, "%s missing", kv[i].id);
		ck_assert_msg(calc_kv_bytes_per_token(&m->m, CALC_BF16) == kv[i].bf16,
		    "%s: %g", kv[i].id, calc_kv_bytes_per_token(&m->m, CALC_BF16));
	}
}
END_TEST

START_TEST(test_real_pricing_tiers)
{
	const struct data_price *p = data_find_price(&S_real, "gemini-2.5-pro");

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->provider, "Google");
	ck_assert_uint_eq(p->ntiers, 2);
	ck_assert_double_eq(p->tiers[0].up_to_tokens, 200000);
	ck_assert(isnan(p->tiers[0].above_tokens));
	ck_assert_double_eq(p->tiers[1].above_tokens, 200000);
	ck_assert_double_eq(p->tiers[1].usd_per_mtok_output, 15);
	p = data_find_price(&S_real, "gpt-5");
	ck_assert_uint_eq(p->ntiers, 1);
	ck_assert(isnan(p->tiers[0].up_to_tokens) && isnan(p->tiers[0].above_tokens));
	ck_assert_ptr_null(data_find_price(&S_real, "gpt-6"));
}
END_TEST

START_TEST(test_known_list_is_sorted)
{
	struct tu_capture c;
	char *out, *list;

	list = data_known_list(&S_real, DATA_KIND_HW);
	ck_assert_str_eq(list, "a100-80gb-sxm, b200, b300, cerebras-wse-3, gaudi3, gb200, "
	    "groq-lpu, h100-pcie, h100-sxm, h200-sxm, l40s, mi300x, mi325x, mi355x, rtx-4090, "
	    "tpu-v5e, tpu-v5p, tpu-v6e, tpu-v7, trainium2");
	free(list);
	tu_capture_start(&c);
	data_list_known(&S_real, DATA_KIND_MODELS);
	out = tu_capture_end(&c);
	ck_assert_str_eq(out, "inferbook: note: known models: deepseek-v3, deepseek-v3.2, "
	    "gemma-3-27b, gpt-oss-120b, kimi-k2, llama-3.1-405b, llama-3.1-70b, llama-3.1-8b, "
	    "llama-4-maverick, llama-4-scout, mixtral-8x7b, qwen2.5-72b, qwen3-235b-a22b\n");
	free(out);
	list = data_known_list(&S_real, DATA_KIND_PRICES);
	ck_assert_str_eq(list, "claude-opus-4.5, claude-opus-4.6-fast, claude-sonnet-4, "
	    "claude-sonnet-4-long, deepseek-v3, deepseek-v3.2, gemini-1.5-pro, "
	    "gemini-2.5-pro, gpt-4.1, gpt-4o, gpt-5, gpt-5-priority");
	free(list);
}
END_TEST

/* ---- fixtures: the good one, with positions ---- */

START_TEST(test_good_fixture_positions)
{
	struct data_set s;
	const struct data_hw *h;
	const struct data_price *p;

	ck_assert_int_eq(data_load("fixtures/data/good", &s), 0);
	h = data_find_hw(&s, "chip-a");
	ck_assert_str_eq(h->pos.file, "fixtures/data/good/hardware.yaml");
	ck_assert_uint_eq(h->pos.line, 1);
	ck_assert_uint_eq(h->pos.col, 3);
	ck_assert_uint_eq(h->fpos[DATA_HW_HBM_TB_PER_S].line, 5);
	ck_assert_uint_eq(h->fpos[DATA_HW_HBM_TB_PER_S].col, 17);
	ck_assert_uint_eq(h->tflops_pos[CALC_BF16].line, 7);
	ck_assert_uint_eq(h->tflops_pos[CALC_BF16].col, 11);
	ck_assert_uint_eq(h->fpos[DATA_HW_TDP_W].line, 0);
	ck_assert_ptr_null(h->notes);
	p = data_find_price(&s, "price-a");
	ck_assert_uint_eq(p->date_pos.line, 4);
	ck_assert_uint_eq(p->tiers[1].pos.line, 7);
	ck_assert_uint_eq(p->tiers[1].pos.col, 7);
	data_free(&s);
	S_assert_set_empty(&s);
}
END_TEST

START_TEST(test_pricing_is_optional)
{
	struct data_set s;

	/* The good fixture's chips and models, without a pricing.yaml. */
	ck_assert_int_eq(data_load("fixtures/data/no-pricing", &s), 0);
	ck_assert_uint_eq(s.nprices, 0);
	ck_assert_ptr_null(s.prices);
	data_free(&s);
}
END_TEST

/* ---- fixtures: one per error class, exact messages ---- */

#define F "fixtures/data/"
static const struct {
	const char *dir;
	const char *msgs;
} S_bad[] = {
	{ "unknown-key",
	  F "unknown-key/hardware.yaml:4:3: error: unknown key 'hbm_gbs' in hardware entry (did you mean 'hbm_gb'?)\n"
	  F "unknown-key/hardware.yaml:1:3: error: missing required field 'hbm_gb' in hardware entry\n" },
	{ "type-mapping",
	  F "type-mapping/hardware.yaml:4:11: error: hbm_gb must be a number, got a mapping\n" },
	{ "type-string",
	  F "type-string/hardware.yaml:5:17: error: hbm_tb_per_s must be a number, got 'fast'\n" },
	{ "negative",
	  F "negative/hardware.yaml:5:17: error: hbm_tb_per_s must be a positive number, got -3\n" },
	{ "zero",
	  F "zero/hardware.yaml:4:11: error: hbm_gb must be a positive number, got 0\n" },
	{ "nan",
	  F "nan/hardware.yaml:4:11: error: hbm_gb must be a finite number, got .nan\n" },
	{ "inf",
	  F "inf/hardware.yaml:5:17: error: hbm_tb_per_s must be a finite number, got .inf\n" },
	{ "huge",
	  F "huge/hardware.yaml:4:11: error: hbm_gb must be a finite number, got 1e309 (out of range)\n" },
	{ "dup-id",
	  F "dup-id/hardware.yaml:13:7: error: duplicate id 'chip-a' (first used at line 1)\n" },
	{ "bad-id",
	  F "bad-id/hardware.yaml:1:7: error: id must be lower-case letters, digits, '-' and '.', got 'Chip_A'\n" },
	{ "missing-field",
	  F "missing-field/hardware.yaml:1:3: error: missing required field 'source' in hardware entry\n" },
	{ "bad-enum",
	  F "bad-enum/models.yaml:9:14: error: attention must be one of mha, gqa, mqa, mla; got 'foo'\n" },
	{ "active-total",
	  F "active-total/models.yaml:4:20: error: active_params_b (80) must not exceed params_b (70)\n"
	  F "active-total/models.yaml:17:32: error: experts: active (9) must be less than total (8)\n" },
	{ "kv-heads",
	  F "kv-heads/models.yaml:7:13: error: kv_heads (5) must divide heads (64)\n" },
	{ "mla-missing",
	  F "mla-missing/models.yaml:9:14: error: attention: mla needs an mla block { kv_lora_rank, rope_dim }\n" },
	{ "tabs",
	  F "tabs/hardware.yaml:7:1: error: found character that cannot start any token (a tab: YAML indents with spaces only)\n" },
	{ "unclosed-flow",
	  F "unclosed-flow/hardware.yaml:7:16: error: did not find expected ',' or '}' (while parsing a flow mapping that begins at 6:11)\n" },
	{ "alias",
	  F "alias/hardware.yaml:6:11: error: aliases and anchors are not supported\n" },
	{ "empty",
	  F "empty/hardware.yaml: error: the file is empty; expected a sequence of hardware entries\n" },
	{ "deep",
	  F "deep/hardware.yaml:2:40: error: nesting deeper than 32 levels\n" },
	{ "dup-key",
	  F "dup-key/hardware.yaml:5:3: error: duplicate key 'hbm_gb' (first given at line 4)\n" },
	{ "two-docs",
	  F "two-docs/hardware.yaml:13:1: error: more than one YAML document in the file (only one is allowed)\n" },
	{ "bad-utf8",
	  F "bad-utf8/hardware.yaml:2:14: error: invalid leading UTF-8 octet (the file must be UTF-8 text)\n" },
	{ "not-a-sequence",
	  F "not-a-sequence/hardware.yaml:1:1: error: expected a sequence of hardware entries ('- id: ...'), got a mapping\n" },
	{ "bad-pricing",
	  F "bad-pricing/pricing.yaml:4:9: error: date must be a date YYYY-MM or YYYY-MM-DD, got '2026/03'\n"
	  F "bad-pricing/pricing.yaml:6:7: error: a tier takes up_to_tokens or above_tokens, not both\n"
	  F "bad-pricing/pricing.yaml:11:10: error: tiers must list at least one tier\n" },
	/* Every error of every file, not just the first. */
	{ "many-errors",
	  F "many-errors/hardware.yaml:4:11: error: hbm_gb must be a positive number, got -80\n"
	  F "many-errors/hardware.yaml:5:17: error: hbm_tb_per_s must be a positive number, got 0\n"
	  F "many-errors/hardware.yaml:8:10: error: fp8 must be a number, got 'lots'\n"
	  F "many-errors/models.yaml:1:3: error: missing required field 'layers' in model entry\n" },
	{ "missing-dir",
	  F "missing-dir/hardware.yaml: error: cannot open: No such file or directory\n"
	  F "missing-dir/models.yaml: error: cannot open: No such file or directory\n" },
};
#undef F

START_TEST(test_bad_fixture_exact_messages)
{
	struct tu_capture c;
	struct data_set s;
	char dir[256], *out;
	int r;

	snprintf(dir, sizeof(dir), "fixtures/data/%s", S_bad[_i].dir);
	memset(&s, 0xA5, sizeof(s));	/* data_load must clear it */
	tu_capture_start(&c);
	r = data_load(dir, &s);
	out = tu_capture_end(&c);
	ck_assert_int_eq(r, -1);
	ck_assert_str_eq(out, S_bad[_i].msgs);
	ck_assert_int_eq(diag_worst(), DIAG_ERROR);
	S_assert_set_empty(&s);
	free(out);
}
END_TEST

/* ---- ytree ---- */

START_TEST(test_ytree_positions_are_one_based_with_offset)
{
	struct ynode *root = S_parse("a: 1\nb:\n  - x\n", 3);
	const struct ynode *b;

	ck_assert_int_eq(root->kind, YNODE_MAP);
	ck_assert_uint_eq(root->pos.line, 4);
	ck_assert_uint_eq(root->pos.col, 1);
	b = ytree_get(root, "b");
	ck_assert_int_eq(b->kind, YNODE_SEQ);
	ck_assert_uint_eq(b->items[0]->pos.line, 6);
	ck_assert_uint_eq(b->items[0]->pos.col, 5);
	ck_assert_str_eq(b->items[0]->value, "x");
	ck_assert_ptr_null(ytree_get(root, "c"));
	ytree_free(root);
}
END_TEST

START_TEST(test_ytree_empty_document_is_null)
{
	struct ynode *root = (struct ynode *)1;

	ck_assert_int_eq(ytree_parse("t.yaml", "", 0, 0, &root), 0);
	ck_assert_ptr_null(root);
	ck_assert_int_eq(ytree_parse("t.yaml", "# only a comment\n---\n", 21, 0, &root), 0);
	ck_assert_ptr_null(root);
}
END_TEST

START_TEST(test_ytree_too_many_nodes)
{
	struct tu_capture c;
	struct ynode *root;
	size_t n = YTREE_MAX_NODES + 1, i;
	char *text = malloc(2 * n + 3), *out;

	text[0] = '[';
	for (i = 0; i < n; i++) {
		text[1 + 2 * i] = '1';
		text[2 + 2 * i] = ',';
	}
	text[2 * n] = ']';
	text[2 * n + 1] = '\0';
	tu_capture_start(&c);
	ck_assert_int_eq(ytree_parse("t.yaml", text, strlen(text), 0, &root), -1);
	out = tu_capture_end(&c);
	ck_assert_str_eq(out, "t.yaml:1:400000: error: more than 200000 YAML nodes in the file\n");
	ck_assert_ptr_null(root);
	free(out);
	free(text);
}
END_TEST

START_TEST(test_ytree_numbers)
{
	static const struct { const char *text; int ok; double v; } cases[] = {
		{ "3", 1, 3 }, { "-2.5", 1, -2.5 }, { "1e3", 1, 1000 }, { ".5", 1, 0.5 },
		{ "131_072", 1, 131072 }, { "+7", 1, 7 },
		{ "0x10", 0, 0 }, { "nan", 0, 0 }, { "infinity", 0, 0 }, { "1e", 0, 0 },
		{ "1,5", 0, 0 }, { "_1", 0, 0 }, { "", 0, 0 }, { "-.inf", 0, 0 },
	};
	struct tu_capture c;
	struct ynode n;
	size_t i;
	double v;
	char *out;

	memset(&n, 0, sizeof(n));
	n.kind = YNODE_SCALAR;
	n.plain = 1;
	tu_capture_start(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n.value = (char *)(uintptr_t)cases[i].text;
		v = -99;
		ck_assert_msg((ytree_number(&n, "x", &v) == 0) == cases[i].ok, "%s", cases[i].text);
		if (cases[i].ok)
			ck_assert_double_eq(v, cases[i].v);
	}
	n.value = (char *)(uintptr_t)"5";
	n.plain = 0;
	ck_assert_int_eq(ytree_number(&n, "x", &v), -1);
	out = tu_capture_end(&c);
	ck_assert(strstr(out, "x must be a number, got the quoted string '5'\n") != NULL);
	ck_assert(strstr(out, "x must be a number, got nothing\n") != NULL);
	free(out);
}
END_TEST

START_TEST(test_ytree_integer_messages)
{
	struct tu_capture c;
	struct ynode n;
	long l;
	char *out;

	memset(&n, 0, sizeof(n));
	n.kind = YNODE_SCALAR;
	n.plain = 1;
	n.pos.file = "t.yaml";
	n.pos.line = 2;
	n.pos.col = 9;
	tu_capture_start(&c);
	n.value = (char *)(uintptr_t)"3.5";
	ck_assert_int_eq(ytree_integer(&n, "layers", 1, 100, &l), -1);
	n.value = (char *)(uintptr_t)"0";
	ck_assert_int_eq(ytree_integer(&n, "layers", 1, 100, &l), -1);
	n.value = (char *)(uintptr_t)"42";
	ck_assert_int_eq(ytree_integer(&n, "layers", 1, 100, &l), 0);
	ck_assert_int_eq(l, 42);
	out = tu_capture_end(&c);
	ck_assert_str_eq(out,
	    "t.yaml:2:9: error: layers must be an integer, got 3.5\n"
	    "t.yaml:2:9: error: layers must be an integer from 1 to 100, got 0\n");
	free(out);
}
END_TEST

START_TEST(test_ytree_dates_by_calendar)
{
	static const struct yfield fields[] = {
		{ "d", YF_DATE, 0, 1, YF_NOPOS },
		{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
	};
	static const struct { const char *d; int ok; } cases[] = {
		{ "2028-02-29", 1 }, { "2000-02-29", 1 }, { "2026-12-31", 1 }, { "2026-04", 1 },
		{ "2026-02-29", 0 }, { "2100-02-29", 0 }, { "2026-04-31", 0 }, { "2026-02-31", 0 },
		{ "2026-01-32", 0 }, { "2026-00-01", 0 },
	};
	struct tu_capture c;
	size_t i;
	char *out, *text;

	tu_capture_start(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = NULL;
		struct ynode *root;

		text = xasprintf("d: %s\n", cases[i].d);
		root = S_parse(text, 0);
		ck_assert_msg((ytree_map_fields(root, fields, &d, "t") == 0) == cases[i].ok,
		    "%s", cases[i].d);
		free(d);
		ytree_free(root);
		free(text);
	}
	out = tu_capture_end(&c);
	ck_assert(strstr(out, "t.yaml:1:4: error: d is not a calendar date: 2026-04 has 30 days, "
	    "got '2026-04-31'\n") != NULL);
	free(out);
}
END_TEST

START_TEST(test_ytree_tags_nul_and_tiny_numbers)
{
	static const char *const bad[] = { "a: !!str 3.35\n", "a: !!binary aGk=\n",
	    "a: !x y\n", "!!map { a: 1 }\n", "a: \"x\\0y\"\n", "a: \"\\x00\"\n" };
	struct tu_capture c;
	struct ynode *root, n;
	double v;
	size_t i;
	char *out;

	tu_capture_start(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(ytree_parse("t.yaml", bad[i], strlen(bad[i]), 0, &root) == -1,
		    "%s", bad[i]);
		ck_assert_ptr_null(root);
	}
	memset(&n, 0, sizeof(n));
	n.kind = YNODE_SCALAR;
	n.plain = 1;
	n.pos.file = "t.yaml";
	n.pos.line = n.pos.col = 1;
	n.value = (char *)(uintptr_t)"4e-320";
	ck_assert_int_eq(ytree_number(&n, "x", &v), -1);
	n.value = (char *)(uintptr_t)"1e-15";
	ck_assert_int_eq(ytree_number(&n, "x", &v), 0);
	n.value = (char *)(uintptr_t)"0";
	ck_assert_int_eq(ytree_number(&n, "x", &v), 0);
	out = tu_capture_end(&c);
	ck_assert(strstr(out, "t.yaml:1:4: error: YAML tags are not supported "
	    "(got '!!str')") != NULL);
	ck_assert(strstr(out, "t.yaml:1:4: error: a NUL character (\\0) in a string is not "
	    "allowed\n") != NULL);
	ck_assert(strstr(out, "t.yaml:1:1: error: x is implausibly small, got 4e-320 (a number "
	    "other than 0 must be at least 1e-15 in size)\n") != NULL);
	free(out);
}
END_TEST

struct S_rec {
	char *name;
	char *id;
	double x;
	struct srcpos x_pos;
};

START_TEST(test_ytree_map_fields_frees_strings_on_failure)
{
	static const struct yfield fields[] = {
		{ "name", YF_STRING, offsetof(struct S_rec, name), 1, YF_NOPOS },
		{ "id", YF_ID, offsetof(struct S_rec, id), 1, YF_NOPOS },
		{ "x", YF_POSITIVE, offsetof(struct S_rec, x), 0, offsetof(struct S_rec, x_pos) },
		{ NULL, YF_CUSTOM, 0, 0, YF_NOPOS }
	};
	struct tu_capture c;
	struct S_rec r;
	struct ynode *root;
	char *out;

	memset(&r, 0, sizeof(r));
	root = S_parse("name: A\nid: a\nx: 2\n", 0);
	ck_assert_int_eq(ytree_map_fields(root, fields, &r, "thing"), 0);
	ck_assert_str_eq(r.name, "A");
	ck_assert_str_eq(r.id, "a");
	ck_assert_double_eq(r.x, 2);
	ck_assert_uint_eq(r.x_pos.line, 3);
	ck_assert_uint_eq(r.x_pos.col, 4);
	free(r.name);
	free(r.id);
	ytree_free(root);

	memset(&r, 0, sizeof(r));
	root = S_parse("name: A\nx: -1\nzz: 1\n", 0);
	tu_capture_start(&c);
	ck_assert_int_eq(ytree_map_fields(root, fields, &r, "thing"), -1);
	out = tu_capture_end(&c);
	ck_assert_str_eq(out,
	    "t.yaml:2:4: error: x must be a positive number, got -1\n"
	    "t.yaml:3:1: error: unknown key 'zz' in thing\n"
	    "t.yaml:1:1: error: missing required field 'id' in thing\n");
	ck_assert_ptr_null(r.name);
	free(out);
	ytree_free(root);
}
END_TEST

/* ---- scenarios ---- */

static struct data_scenario *
S_scenario(const char *yaml, char **msgs)
{
	struct tu_capture c;
	struct data_scenario *s = calloc(1, sizeof(*s));
	struct ynode *root = S_parse(yaml, 1);
	int r;

	tu_capture_start(&c);
	r = data_scenario_parse(&S_real, "x", root, s);
	*msgs = tu_capture_end(&c);
	ytree_free(root);
	if (r == -1) {
		free(s);
		return NULL;
	}
	return s;
}

START_TEST(test_scenario_good)
{
	char *msgs;
	struct data_scenario *s = S_scenario(
	    "model: llama-3.1-70b\nhardware: h100-sxm\nweights: fp8\nbatch: 64\n"
	    "context: 4096\nchips: 2\nmbu: 0.8\nlink_latency_us: 3\n", &msgs);

	ck_assert_str_eq(msgs, "");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "x");
	ck_assert_str_eq(s->hw->id, "h100-sxm");
	ck_assert_str_eq(s->model->id, "llama-3.1-70b");
	ck_assert_ptr_eq(s->sc.hw, &s->hw_eff);
	ck_assert_ptr_eq(s->sc.model, &s->model_eff);
	ck_assert_int_eq(s->sc.w, CALC_FP8);
	ck_assert_int_eq(s->sc.kv, CALC_BF16);
	ck_assert_int_eq(s->sc.c, CALC_FP8);	/* the H100 lists fp8 FLOPs */
	ck_assert_double_eq(s->sc.batch, 64);
	ck_assert_double_eq(s->sc.context, 4096);
	ck_assert_double_eq(s->sc.prompt, 1024);
	ck_assert_double_eq(s->sc.chips, 2);
	ck_assert_double_eq(s->sc.mbu, 0.8);
	ck_assert_double_eq(s->sc.mfu, 1);
	ck_assert_double_eq_tol(s->sc.link_latency_s, 3e-6, 1e-18);
	ck_assert(isnan(s->sc.price_ratio));
	ck_assert_int_eq(s->overridden, 0);
	ck_assert_uint_eq(s->pos.line, 2);
	data_scenario_free(s);
	free(s);
	free(msgs);
}
END_TEST

START_TEST(test_scenario_fp8_weights_on_a100_compute_bf16)
{
	char *msgs;
	struct data_scenario *s = S_scenario(
	    "model: llama-3.1-8b\nhardware: a100-80gb-sxm\nweights: fp8\n", &msgs);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->sc.c, CALC_BF16);
	data_scenario_free(s);
	free(s);
	free(msgs);
}
END_TEST

START_TEST(test_scenario_unknown_chip_lists_known)
{
	char *msgs;
	struct data_scenario *s = S_scenario("model: llama-3.1-70b\nhardware: h100\n", &msgs);

	ck_assert_ptr_null(s);
	ck_assert_str_eq(msgs, "t.yaml:3:11: error: unknown hardware 'h100' in scenario 'x' "
	    "(known: a100-80gb-sxm, b200, b300, cerebras-wse-3, gaudi3, gb200, groq-lpu, "
	    "h100-pcie, h100-sxm, h200-sxm, l40s, mi300x, mi325x, mi355x, rtx-4090, tpu-v5e, "
	    "tpu-v5p, tpu-v6e, tpu-v7, trainium2)\n");
	free(msgs);
}
END_TEST

START_TEST(test_scenario_override_bandwidth_scale)
{
	char *msgs;
	struct data_scenario *s = S_scenario(
	    "model: llama-3.1-70b\nhardware: h100-sxm\noverride:\n  bandwidth_scale: 10\n"
	    "  params_b: 700\n", &msgs);

	ck_assert_str_eq(msgs, "");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->overridden, 1);
	ck_assert_double_eq_tol(s->hw_eff.hbm_bytes_per_s, 3.35e13, 10);
	ck_assert_double_eq_tol(s->hw->hw.hbm_bytes_per_s, 3.35e12, 1);	/* untouched */
	ck_assert_double_eq_tol(s->model_eff.params_total, 700e9, 1);
	ck_assert_double_eq_tol(s->model_eff.params_active, 700e9, 1);	/* dense */
	ck_assert_double_eq_tol(s->model->m.params_total, 70.6e9, 1);
	data_scenario_free(s);
	free(s);
	free(msgs);
}
END_TEST

START_TEST(test_scenario_bad_precision)
{
	char *msgs;
	struct data_scenario *s = S_scenario(
	    "model: llama-3.1-70b\nhardware: h100-sxm\nweights: fp6\n", &msgs);

	ck_assert_ptr_null(s);
	ck_assert_str_eq(msgs, "t.yaml:4:10: error: weights must be one of fp32, bf16, fp16, "
	    "fp8, int8, fp4, int4; got 'fp6'\n");
	free(msgs);
}
END_TEST

START_TEST(test_scenario_compute_without_flops)
{
	char *msgs;
	struct data_scenario *s = S_scenario(
	    "model: llama-3.1-70b\nhardware: a100-80gb-sxm\ncompute: fp8\n", &msgs);

	ck_assert_ptr_null(s);
	ck_assert_str_eq(msgs, "t.yaml:4:10: error: scenario 'x': hardware lists no fp8 FLOPs\n");
	free(msgs);
}
END_TEST

START_TEST(test_scenario_bad_values)
{
	char *msgs;
	struct data_scenario *s = S_scenario(
	    "model: llama-3.1-70b\nhardware: h100-sxm\nbatch: 0\nmbu: 1.5\nbatchsize: 3\n",
	    &msgs);

	ck_assert_ptr_null(s);
	ck_assert_str_eq(msgs,
	    "t.yaml:6:1: error: unknown key 'batchsize' in scenario 'x' (did you mean 'batch'?)\n"
	    "t.yaml:4:8: error: batch must be a positive integer, got 0\n"
	    "t.yaml:5:6: error: mbu is a fraction of peak and must be at most 1, got 1.5\n");
	free(msgs);
}
END_TEST

START_TEST(test_scenario_override_errors)
{
	char *msgs;
	struct data_scenario *s = S_scenario(
	    "model: mixtral-8x7b\nhardware: h100-sxm\noverride: { hbm_gbs: 3 }\n", &msgs);

	ck_assert_ptr_null(s);
	ck_assert_str_eq(msgs, "t.yaml:4:13: error: unknown key 'hbm_gbs' in override "
	    "(did you mean 'hbm_gb'?)\n");
	free(msgs);
	s = S_scenario("model: mixtral-8x7b\nhardware: h100-sxm\n"
	    "override: { active_params_b: 50 }\n", &msgs);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(msgs, "t.yaml:4:30: error: override: active parameters (50 B) "
	    "exceed total parameters (46.7 B)\n");
	free(msgs);
}
END_TEST

Suite *
data_suite(void)
{
	Suite *s = suite_create("data");
	TCase *tc;

	tc = tcase_create("real");
	tcase_add_checked_fixture(tc, S_real_setup, S_real_teardown);
	tcase_add_test(tc, test_real_data_loads_every_entry);
	tcase_add_test(tc, test_real_h100_sxm_figures_in_si_units);
	tcase_add_test(tc, test_real_unpriced_and_linkless_chips);
	tcase_add_test(tc, test_real_every_chip_has_bf16_and_source);
	tcase_add_test(tc, test_real_llama_70b_shape);
	tcase_add_test(tc, test_real_deepseek_v3_is_mla_moe);
	tcase_add_test(tc, test_real_kv_bytes_per_token_match_facts);
	tcase_add_test(tc, test_real_pricing_tiers);
	tcase_add_test(tc, test_known_list_is_sorted);
	suite_add_tcase(s, tc);

	tc = tcase_create("fixtures");
	tcase_add_test(tc, test_good_fixture_positions);
	tcase_add_test(tc, test_pricing_is_optional);
	tcase_add_loop_test(tc, test_bad_fixture_exact_messages, 0,
	    (int)(sizeof(S_bad) / sizeof(S_bad[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("ytree");
	tcase_add_test(tc, test_ytree_positions_are_one_based_with_offset);
	tcase_add_test(tc, test_ytree_empty_document_is_null);
	tcase_add_test(tc, test_ytree_too_many_nodes);
	tcase_add_test(tc, test_ytree_numbers);
	tcase_add_test(tc, test_ytree_integer_messages);
	tcase_add_test(tc, test_ytree_dates_by_calendar);
	tcase_add_test(tc, test_ytree_tags_nul_and_tiny_numbers);
	tcase_add_test(tc, test_ytree_map_fields_frees_strings_on_failure);
	suite_add_tcase(s, tc);

	tc = tcase_create("scenario");
	tcase_add_checked_fixture(tc, S_real_setup, S_real_teardown);
	tcase_add_test(tc, test_scenario_good);
	tcase_add_test(tc, test_scenario_fp8_weights_on_a100_compute_bf16);
	tcase_add_test(tc, test_scenario_unknown_chip_lists_known);
	tcase_add_test(tc, test_scenario_override_bandwidth_scale);
	tcase_add_test(tc, test_scenario_bad_precision);
	tcase_add_test(tc, test_scenario_compute_without_flops);
	tcase_add_test(tc, test_scenario_bad_values);
	tcase_add_test(tc, test_scenario_override_errors);
	suite_add_tcase(s, tc);
	return s;
}
