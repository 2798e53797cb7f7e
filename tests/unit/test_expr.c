/*
 * Tests of the {{ }} language: formatting of every filter, parsing
 * (canonical text, every syntax error with its line:col), and evaluation
 * against the scenarios of tests/fixtures/lessons/03-good.md (fixture
 * data, so the numbers do not move when data/ does).  Table-driven, after
 * jq.test: input, expected output or expected diagnostics, exactly.
 * Runs with cwd = tests/.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "data.h"
#include "diag.h"
#include "expr.h"
#include "lesson.h"
#include "testutil.h"

Suite *expr_suite(void);

/* ---- formatting ---- */

static const struct {
	double v;
	enum expr_filter f;
	int decimals;
	const char *want;
} S_fmt[] = {
	{ 0.23333, EXPR_F_MS, -1, "233 ms" },
	{ 0.20896, EXPR_F_MS, -1, "209 ms" },
	{ 0.2333, EXPR_F_MS, 1, "233.3 ms" },
	{ 0.000705, EXPR_F_MS, -1, "0.705 ms" },
	{ 0.041791, EXPR_F_MS, -1, "41.8 ms" },
	{ 5e-6, EXPR_F_US, -1, "5 \xc2\xb5s" },
	{ 3e-9, EXPR_F_NS, -1, "3 ns" },
	{ 1.5, EXPR_F_S, -1, "1.5 s" },
	{ 0, EXPR_F_MS, -1, "0 ms" },
	{ 4.2857, EXPR_F_TOKENS_S, -1, "4.29 tokens/s" },
	{ 1531.7, EXPR_F_TOKENS_S, -1, "1,532 tokens/s" },
	{ 295.2, EXPR_F_NUM, -1, "295" },
	{ 99.96, EXPR_F_NUM, -1, "100" },
	{ 99.94, EXPR_F_NUM, -1, "99.9" },
	{ 9.996, EXPR_F_NUM, -1, "10" },
	{ 0.125, EXPR_F_NUM, 2, "0.13" },
	{ 12345.678, EXPR_F_NUM, 1, "12,345.7" },
	{ 1979e12, EXPR_F_TFLOP_S, -1, "1,979 TFLOP/s" },
	{ 989e12, EXPR_F_TFLOP_S, -1, "989 TFLOP/s" },
	{ 4e15, EXPR_F_PFLOP_S, -1, "4 PFLOP/s" },
	{ 1.4e12, EXPR_F_TFLOP, -1, "1.4 TFLOP" },
	{ 208, EXPR_F_FLOP_BYTE, -1, "208 FLOP/byte" },
	{ 3.35e12, EXPR_F_TB_S, -1, "3.35 TB/s" },
	{ 3e12, EXPR_F_TB_S, -1, "3 TB/s" },
	{ 3e12, EXPR_F_TB_S, 2, "3.00 TB/s" },
	{ 900e9, EXPR_F_GB_S, -1, "900 GB/s" },
	{ 7e11, EXPR_F_GB, -1, "700 GB" },
	{ 141e9, EXPR_F_GB, -1, "141 GB" },
	{ 1.41e12, EXPR_F_TB, -1, "1.41 TB" },
	{ 327680, EXPR_F_KB, -1, "328 KB" },
	{ 52.4e6, EXPR_F_MB, -1, "52.4 MB" },
	{ 327680, EXPR_F_BYTES, -1, "327,680 bytes" },
	{ 1, EXPR_F_BYTES, -1, "1 byte" },
	{ 0.5, EXPR_F_BYTES, -1, "0.5 bytes" },
	{ 1.2345, EXPR_F_USD_MTOK, -1, "$1.23/Mtok" },
	{ 0.05213, EXPR_F_USD_MTOK, -1, "$0.0521/Mtok" },
	{ 2.99, EXPR_F_USD_H, -1, "$2.99/h" },
	{ 1500, EXPR_F_USD, -1, "$1,500" },
	{ -1.5, EXPR_F_USD, -1, "-$1.5" },
	{ 4.6, EXPR_F_X, -1, "4.6x" },
	{ 1.1167, EXPR_F_X, 2, "1.12x" },
	{ -0.5, EXPR_F_X, -1, "-0.5x" },
	{ 196000, EXPR_F_K, -1, "196K" },
	{ 8192, EXPR_F_K, -1, "8.19K" },
	{ 1.5e6, EXPR_F_M, -1, "1.5M" },
	{ 70.6e9, EXPR_F_B, -1, "70.6B" },
	{ 7e11, EXPR_F_B, -1, "700B" },
	{ 1234.4, EXPR_F_INT, -1, "1,234" },
	{ 1234567, EXPR_F_INT, -1, "1,234,567" },
	{ 2.5, EXPR_F_INT, -1, "3" },
	{ 999.5, EXPR_F_INT, -1, "1,000" },
	{ 0.694, EXPR_F_PCT, -1, "69%" },
	{ 0.1045, EXPR_F_PCT, -1, "10%" },
	{ 0.0052, EXPR_F_PCT, -1, "0.52%" },
	{ 0.694, EXPR_F_PCT, 1, "69.4%" },
	{ -0.0001, EXPR_F_NUM, 2, "0.00" },
	{ NAN, EXPR_F_MS, -1, "n/a" },
	{ NAN, EXPR_F_NUM, 2, "n/a" },
	{ 0.00001234, EXPR_F_NUM, -1, "0.0000123" },
	{ 0.2333, EXPR_F_NONE, -1, "0.233" },
};

START_TEST(test_format_each_filter_rounds_to_readable_text)
{
	char out[128];

	expr_format(S_fmt[_i].v, S_fmt[_i].f, S_fmt[_i].decimals, out, sizeof out);
	ck_assert_msg(strcmp(out, S_fmt[_i].want) == 0, "row %d: %g | %s:%d -> '%s', want '%s'",
	    _i, S_fmt[_i].v, expr_filter_name(S_fmt[_i].f), S_fmt[_i].decimals, out,
	    S_fmt[_i].want);
}
END_TEST

START_TEST(test_format_truncates_to_the_buffer)
{
	char out[4];

	expr_format(1234567, EXPR_F_INT, -1, out, sizeof out);
	ck_assert_str_eq(out, "1,2");
}
END_TEST

START_TEST(test_filter_names_round_trip)
{
	enum expr_filter f;
	struct buf b;
	int i;

	for (i = EXPR_F_NONE + 1; i < EXPR_F__COUNT; i++) {
		ck_assert_int_eq(expr_filter_find(expr_filter_name(i), &f), 0);
		ck_assert_int_eq(f, i);
	}
	ck_assert_int_eq(expr_filter_find("mss", &f), -1);
	ck_assert_int_eq(expr_filter_find("", &f), -1);
	buf_init(&b);
	expr_filter_list(&b);
	ck_assert_str_eq(b.data, "ns, us, ms, s, bytes, KB, MB, GB, TB, GB/s, TB/s, "
	    "GFLOP, TFLOP, PFLOP, TFLOP/s, PFLOP/s, FLOP/byte, tokens/s, $, $/Mtok, "
	    "$/h, x, K, M, B, int, num, pct");
	buf_free(&b);
}
END_TEST

/* ---- parsing ---- */

#define FILTERS "ns, us, ms, s, bytes, KB, MB, GB, TB, GB/s, TB/s, GFLOP, TFLOP, " \
	"PFLOP, TFLOP/s, PFLOP/s, FLOP/byte, tokens/s, $, $/Mtok, $/h, x, K, M, B, " \
	"int, num, pct"

/* Source between the braces -> canonical text (NULL: a parse error, the
 * diagnostics in `err`).  The source starts at t.md:5:10. */
static const struct {
	const char *src;
	const char *text;
	const char *err;
} S_parse[] = {
	{ "floor.t_step_s|ms", "floor.t_step_s | ms", NULL },
	{ "  floor.t_step_s  |  ms:1 ", "floor.t_step_s | ms:1", NULL },
	{ "real[context=200000,batch=8].t_step_s/floor.t_step_s|x:1",
	  "real[batch=8, context=200000].t_step_s / floor.t_step_s | x:1", NULL },
	{ "a.x - (b.y - c.z)", "a.x - (b.y - c.z)", NULL },
	{ "(a.x * b.y) + 2", "a.x * b.y + 2", NULL },
	{ "a.x / (b.y * 2)", "a.x / (b.y * 2)", NULL },
	{ "-(a.x + 1.5e3)", "-(a.x + 1500)", NULL },
	{ "1 - - a.x", "1 - -a.x", NULL },
	{ "lit \"say \\\"hi\\\"\"", "lit \"say \\\"hi\\\"\"", NULL },
	{ "lit \"}} {{\"", "lit \"}} {{\"", NULL },
	{ "figure bytes-vs-context long", "figure bytes-vs-context long", NULL },
	{ "lit.t_step_s | ms", "lit.t_step_s | ms", NULL },
	{ "figure[batch=2].x", "figure[batch=2].x", NULL },
	{ "table  measurements", "table measurements", NULL },
	{ "table.t_step_s | ms", "table.t_step_s | ms", NULL },
	{ "", NULL, "t.md:5:10: error: empty {{ }}\n" },
	{ "   ", NULL, "t.md:5:10: error: empty {{ }}\n" },
	{ "floor", NULL, "t.md:5:15: error: unexpected end of expression (expected '.' "
	  "and a quantity name after scenario 'floor')\n" },
	{ "floor.", NULL, "t.md:5:16: error: unexpected end of expression (expected a "
	  "quantity name)\n" },
	{ "floor.t_step_s | mss", NULL, "t.md:5:27: error: unknown filter 'mss' "
	  "(filters: " FILTERS ")\n" },
	{ "floor.t_step_s |", NULL, "t.md:5:26: error: expected a filter name after '|'\n" },
	{ "floor.t_step_s | ms:9", NULL, "t.md:5:30: error: at most 6 decimals\n" },
	{ "floor.t_step_s | ms:", NULL, "t.md:5:30: error: expected a number of "
	  "decimals after ':'\n" },
	{ "floor.t_step_s | int:1", NULL, "t.md:5:31: error: filter 'int' takes no "
	  "decimals\n" },
	{ "floor.t_step_s | ms ms", NULL, "t.md:5:30: error: unexpected 'ms' after "
	  "the expression\n" },
	{ "floor.x # 2", NULL, "t.md:5:18: error: unexpected character '#'\n" },
	{ "floor.x \xc3\x97 2", NULL, "t.md:5:18: error: unexpected character '\xc3\x97'\n" },
	{ "floor[batch=0].x", NULL, "t.md:5:22: error: batch must be a whole number "
	  "of at least 1\n" },
	{ "floor[batch=2.5].x", NULL, "t.md:5:22: error: batch must be a whole number "
	  "of at least 1\n" },
	{ "floor[context=0.5].x", NULL, "t.md:5:24: error: context must be a whole "
	  "number of tokens\n" },
	{ "floor[mbu=1.5].x", NULL, "t.md:5:20: error: mbu must be above 0 and at "
	  "most 1\n" },
	{ "floor[speed=2].x", NULL, "t.md:5:16: error: unknown override 'speed' "
	  "(overrides: batch, context, prompt, chips, mbu, mfu)\n" },
	{ "floor[batch=2, batch=3].x", NULL, "t.md:5:25: error: override 'batch' "
	  "given twice\n" },
	{ "floor[batch=x].x", NULL, "t.md:5:22: error: unexpected 'x' (expected a "
	  "number after 'batch=')\n" },
	{ "floor[batch 2].x", NULL, "t.md:5:22: error: unexpected '2' (expected '=')\n" },
	{ "floor[batch=2.x", NULL, "t.md:5:23: error: unexpected '.' (expected ',' "
	  "or ']')\n" },
	{ "(floor.x", NULL, "t.md:5:18: error: unexpected end of expression "
	  "(expected ')')\n" },
	{ "floor.x +", NULL, "t.md:5:19: error: unexpected end of expression "
	  "(expected a number, a scenario path or '(')\n" },
	{ "floor.x floor.y", NULL, "t.md:5:18: error: unexpected 'floor' after the "
	  "expression\n" },
	{ "\"s\"", NULL, "t.md:5:10: error: a string can only be printed with "
	  "{{ lit \"...\" }}\n" },
	{ "lit 2024", NULL, "t.md:5:14: error: unexpected '2024' (expected a string "
	  "after 'lit', as in {{ lit \"2024\" }})\n" },
	{ "lit \"abc", NULL, "t.md:5:14: error: unterminated string\n" },
	{ "lit \"a\" \"b\"", NULL, "t.md:5:18: error: unexpected '\"b\"' after the "
	  "expression\n" },
	{ "figure", NULL, "t.md:5:16: error: unexpected end of expression (expected "
	  "a figure name and a scenario, as in {{ figure roofline real }})\n" },
	{ "figure roofline", NULL, "t.md:5:25: error: unexpected end of expression "
	  "(expected a scenario name, as in {{ figure roofline real }})\n" },
	{ "figure roofline real extra", NULL, "t.md:5:31: error: unexpected 'extra' "
	  "after the expression\n" },
	{ "1e999", NULL, "t.md:5:10: error: number '1e999' is out of range\n" },
	{ "floor.x +\n  # 2", NULL, "t.md:6:3: error: unexpected character '#'\n" },
	{ "\xc3\xa9t\xc3\xa9.x $", NULL, "t.md:5:10: error: unexpected character "
	  "'\xc3\xa9'\n" },
	/* prices and functions */
	{ "price(\"gpt-4o\").input|$/Mtok", "price(\"gpt-4o\").input | $/Mtok", NULL },
	{ "price( \"a\" , 3e5 ).output", "price(\"a\", 300000).output", NULL },
	{ "price(\"q\\\"\").input", "price(\"q\\\"\").input", NULL },
	{ "price.t_step_s / price[batch=2].x", "price.t_step_s / price[batch=2].x", NULL },
	{ "max(a.x,b.y)*2", "max(a.x, b.y) * 2", NULL },
	{ "ceil((a.x + 1)) - floor(-2.5)", "ceil(a.x + 1) - floor(-2.5)", NULL },
	{ "min(1, max(2, 3))", "min(1, max(2, 3))", NULL },
	{ "max.x + ceil[chips=2].y", "max.x + ceil[chips=2].y", NULL },
	{ "price(gpt).input", NULL, "t.md:5:16: error: unexpected 'gpt' (expected a "
	  "price id in quotes, as in price(\"gpt-4o\"))\n" },
	{ "price(\"a\")", NULL, "t.md:5:20: error: unexpected end of expression "
	  "(expected '.' and a price field after price(...))\n" },
	{ "price(\"a\").", NULL, "t.md:5:21: error: unexpected end of expression "
	  "(expected a price field name)\n" },
	{ "price(\"a\", 1.5).input", NULL, "t.md:5:21: error: prompt tokens must be "
	  "a whole number\n" },
	{ "price(\"a\", x).input", NULL, "t.md:5:21: error: unexpected 'x' (expected "
	  "a number of prompt tokens after ',')\n" },
	{ "price(\"a\" 3).input", NULL, "t.md:5:20: error: unexpected '3' (expected "
	  "')')\n" },
	{ "price(\"\").input", NULL, "t.md:5:16: error: empty price id\n" },
	{ "ceil(1, 2)", NULL, "t.md:5:10: error: ceil() takes 1 argument, not 2\n" },
	{ "max(1)", NULL, "t.md:5:10: error: max() takes 2 arguments, not 1\n" },
	{ "sqrt(2)", NULL, "t.md:5:10: error: unknown function 'sqrt' (functions: "
	  "price, ceil, floor, min, max)\n" },
	{ "max(1, 2", NULL, "t.md:5:18: error: unexpected end of expression "
	  "(expected ',' or ')')\n" },
};

START_TEST(test_parse_canonical_text_and_exact_errors)
{
	struct srcpos pos = { "t.md", 5, 10 };
	struct tu_capture cap;
	struct expr_stmt st;
	char *err;
	int rc;

	tu_capture_start(&cap);
	rc = expr_parse(S_parse[_i].src, strlen(S_parse[_i].src), pos, &st);
	err = tu_capture_end(&cap);
	if (S_parse[_i].text != NULL) {
		ck_assert_msg(rc == 0, "row %d: '%s' failed: %s", _i, S_parse[_i].src, err);
		ck_assert_str_eq(st.text, S_parse[_i].text);
		ck_assert_str_eq(err, "");
		expr_stmt_free(&st);
	} else {
		ck_assert_msg(rc == -1, "row %d: '%s' parsed", _i, S_parse[_i].src);
		ck_assert_msg(strcmp(err, S_parse[_i].err) == 0, "row %d: '%s'\n got: %s\nwant: %s",
		    _i, S_parse[_i].src, err, S_parse[_i].err);
	}
	free(err);
}
END_TEST

START_TEST(test_parse_statement_kinds)
{
	struct srcpos pos = { "t.md", 1, 1 };
	struct expr_stmt st;

	ck_assert_int_eq(expr_parse("lit \"a \\\\ b\"", 12, pos, &st), 0);
	ck_assert_int_eq(st.kind, EXPR_STMT_LIT);
	ck_assert_str_eq(st.lit, "a \\ b");
	expr_stmt_free(&st);
	ck_assert_int_eq(expr_parse("figure roofline real", 20, pos, &st), 0);
	ck_assert_int_eq(st.kind, EXPR_STMT_FIGURE);
	ck_assert_str_eq(st.fig_name, "roofline");
	ck_assert_str_eq(st.fig_scen, "real");
	ck_assert_uint_eq(st.fig_scen_pos.col, 17);
	expr_stmt_free(&st);
	ck_assert_int_eq(expr_parse("a[chips=8, mfu=0.5].t_step_s | ms:2", 35, pos, &st), 0);
	ck_assert_int_eq(st.kind, EXPR_STMT_VALUE);
	ck_assert_int_eq(st.filter, EXPR_F_MS);
	ck_assert_int_eq(st.decimals, 2);
	ck_assert_int_eq(st.root->kind, EXPR_PATH);
	ck_assert_str_eq(st.root->scen, "a");
	ck_assert_str_eq(st.root->name, "t_step_s");
	ck_assert_uint_eq(st.root->name_pos.col, 21);
	ck_assert(st.root->ovr[EXPR_O_CHIPS] == 8);
	ck_assert(st.root->ovr[EXPR_O_MFU] == 0.5);
	ck_assert(isnan(st.root->ovr[EXPR_O_BATCH]));
	expr_stmt_free(&st);
}
END_TEST

START_TEST(test_parse_refuses_deep_nesting_and_long_text)
{
	struct srcpos pos = { "t.md", 1, 1 };
	struct tu_capture cap;
	struct expr_stmt st;
	char src[600], *err;
	int i;

	for (i = 0; i < 40; i++)
		src[i] = '(';
	strcpy(src + 40, "1");
	tu_capture_start(&cap);
	ck_assert_int_eq(expr_parse(src, strlen(src), pos, &st), -1);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err, "t.md:1:33: error: expression nested deeper than 32 levels\n");
	free(err);

	memset(src, ' ', 513);
	src[513] = '\0';
	tu_capture_start(&cap);
	ck_assert_int_eq(expr_parse(src, 513, pos, &st), -1);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err, "t.md:1:1: error: expression is 513 bytes long, more "
	    "than the limit of 512\n");
	free(err);
}
END_TEST

/* Random soup of the language's tokens: parsing never crashes, and the
 * canonical text of whatever parses parses again to itself. */
START_TEST(test_parse_canonical_text_round_trips_on_token_soup)
{
	static const char *const toks[] = {
		"a", "b2", ".", "t_step_s", "[", "]", "batch", "context", "=", "8",
		"0.5", "1e3", ",", "+", "-", "*", "/", "(", ")", "|", "ms", ":", "2",
		"x", "lit", "figure", "\"q\"", "\"", " ", "\n", "$/Mtok", "#", "\xc3\x97",
	};
	struct srcpos pos = { "t.md", 1, 1 };
	unsigned long seed = 12345;
	struct tu_capture cap;
	char src[200], *err;
	int i, parsed = 0;

	tu_capture_start(&cap);
	for (i = 0; i < 20000; i++) {
		struct expr_stmt st, st2;
		size_t len = tu_soup(src, sizeof src, toks, sizeof toks / sizeof toks[0], 12, &seed);

		if (expr_parse(src, len, pos, &st) == -1)
			continue;
		parsed++;
		ck_assert_msg(expr_parse(st.text, strlen(st.text), pos, &st2) == 0,
		    "canonical '%s' of '%s' does not parse", st.text, src);
		ck_assert_str_eq(st2.text, st.text);
		expr_stmt_free(&st2);
		expr_stmt_free(&st);
	}
	err = tu_capture_end(&cap);
	free(err);
	ck_assert_int_gt(parsed, 100);
}
END_TEST

/* ---- evaluation ---- */

static struct data_set S_set;
static struct lesson *S_les;
static struct expr_env S_env;

static void
S_eval_setup(void)
{
	diag_set_stream(NULL);
	ck_assert_int_eq(data_load("fixtures/lessons/data", &S_set), 0);
	ck_assert_int_eq(lesson_load("fixtures/lessons/03-good.md", &S_set, &S_les), 0);
	expr_env_init(&S_env, S_les->scen, S_les->nscen);
	S_env.set = &S_set;
}

static void
S_eval_teardown(void)
{
	expr_env_free(&S_env);
	lesson_free(S_les);
	data_free(&S_set);
}

/* Expression -> printed text, or the diagnostics (at t.md:1:1). */
static const struct {
	const char *src;
	const char *out;
	const char *err;
} S_eval[] = {
	{ "floor.t_step_s | ms", "233 ms", NULL },
	{ "sheet.t_step_s | ms", "209 ms", NULL },
	{ "sheet.t_step_s | ms:1", "209.0 ms", NULL },
	{ "floor.tokens_per_s_per_user | tokens/s", "4.29 tokens/s", NULL },
	{ "floor.weight_bytes | GB", "700 GB", NULL },
	{ "floor.hbm_bytes_per_s | TB/s", "3 TB/s", NULL },
	{ "sheet.hbm_bytes_per_s | TB/s", "3.35 TB/s", NULL },
	{ "sheet.flops_per_s | TFLOP/s", "1,979 TFLOP/s", NULL },
	{ "sheet.flops_per_s_bf16 | TFLOP/s", "989 TFLOP/s", NULL },
	{ "real.flops_per_s | TFLOP/s", "989 TFLOP/s", NULL },
	{ "real.critical_batch | num", "295", NULL },
	{ "real.kv_bytes_per_token | bytes", "327,680 bytes", NULL },
	{ "real.kv_bytes_per_token | KB", "328 KB", NULL },
	{ "real.params_total | B", "70B", NULL },
	{ "real.layers", "80", NULL },
	{ "real.batch | int", "64", NULL },
	{ "real[batch=8].batch | int", "8", NULL },
	{ "real[batch=1, context=0].t_step_s | ms", "41.8 ms", NULL },
	{ "real.usd_per_hour | $/h", "$3.6/h", NULL },
	{ "real.weight_bytes_per_param", "2", NULL },
	{ "sheet.weight_bytes_per_param", "1", NULL },
	{ "floor.t_step_s / sheet.t_step_s | x", "1.12x", NULL },
	{ "1 - floor.hbm_bytes_per_s / sheet.hbm_bytes_per_s | pct", "10%", NULL },
	{ "(1 + 2) * 3 - 4 / 8", "8.5", NULL },
	{ "-floor.t_step_s | ms", "-233 ms", NULL },
	{ "real.hardware_name", "Chip A <b>", NULL },
	{ "real.model_name", "Model A", NULL },
	{ "real.model", "model-a", NULL },
	{ "real.hardware", "chip-a", NULL },
	{ "real.weights", "bf16", NULL },
	{ "sheet.compute", "fp8", NULL },
	{ "sheet.kv", "bf16", NULL },
	{ "sheet.bound", "memory", NULL },
	{ "real[batch=4096, context=0].bound", "compute", NULL },
	{ "nocost.usd_per_mtok_output", "n/a", NULL },
	{ "nocost.link_bytes_per_s", "n/a", NULL },
	{ "nocost.usd_per_mtok_output | $/Mtok", NULL, "t.md:1:30: error: filter "
	  "'$/Mtok' needs a number, but 'nocost.usd_per_mtok_output' is null in this "
	  "scenario\n" },
	{ "real.hardware_name | ms", NULL, "t.md:1:22: error: filter 'ms' needs a "
	  "number, but 'real.hardware_name' is a string\n" },
	{ "real[batch=2].hardware_name + 1", NULL, "t.md:1:29: error: "
	  "'real[batch=2].hardware_name' is a string; arithmetic needs numbers\n" },
	{ "-real.model", NULL, "t.md:1:1: error: 'real.model' is a string; arithmetic "
	  "needs numbers\n" },
	{ "flor.t_step_s", NULL, "t.md:1:1: error: unknown scenario 'flor' (this "
	  "lesson's scenarios: floor, sheet, real, nocost)\n" },
	{ "floor.t_stp_s", NULL, "t.md:1:7: error: unknown quantity 't_stp_s' (did "
	  "you mean 't_step_s'?)\n" },
	{ "floor.hardware_nam", NULL, "t.md:1:7: error: unknown quantity "
	  "'hardware_nam' (did you mean 'hardware_name'?)\n" },
	{ "floor.zzzzzzzzzzzz", NULL, "t.md:1:7: error: unknown quantity "
	  "'zzzzzzzzzzzz' (see lessons/README.md for the names)\n" },
	{ "flor.t_stp_s + flaw.t_step_s", NULL,
	  "t.md:1:1: error: unknown scenario 'flor' (this lesson's scenarios: floor, "
	  "sheet, real, nocost)\n"
	  "t.md:1:6: error: unknown quantity 't_stp_s' (did you mean 't_step_s'?)\n"
	  "t.md:1:16: error: unknown scenario 'flaw' (this lesson's scenarios: floor, "
	  "sheet, real, nocost)\n" },
	{ "floor.t_step_s / real.context", "0.000057", NULL },
	{ "floor.t_step_s / real[context=0].context", NULL,
	  "t.md:1:16: error: division by zero\n" },
	{ "floor.t_step_s / (1 - 1)", NULL, "t.md:1:16: error: division by zero\n" },
	{ "nocost[chips=2].t_step_s", NULL, "t.md:1:1: error: scenario 'nocost' with "
	  "chips=2 cannot be computed: 2 chips need a link between chips, and the "
	  "hardware has neither a scale-up link nor a scale-out network\n" },
	/* prices (tests/fixtures/lessons/data/pricing.yaml) */
	{ "price(\"tiered-a\").input | $/Mtok", "$1.25/Mtok", NULL },
	{ "price(\"tiered-a\").output | $/Mtok", "$10/Mtok", NULL },
	{ "price(\"tiered-a\", 200000).input | $/Mtok", "$1.25/Mtok", NULL },
	{ "price(\"tiered-a\", 200001).input | $/Mtok", "$2.5/Mtok", NULL },
	{ "price(\"tiered-a\", 0).output | $/Mtok", "$10/Mtok", NULL },
	{ "price(\"tiered-a\").output_input_ratio | x", "8x", NULL },
	{ "price(\"tiered-a\", 300000).output_input_ratio | x", "6x", NULL },
	{ "price(\"tiered-a\").tier2_input | $/Mtok", "$2.5/Mtok", NULL },
	{ "price(\"tiered-a\").tier2_output | $/Mtok", "$15/Mtok", NULL },
	{ "price(\"tiered-a\").tier2_input / price(\"tiered-a\").input | x", "2x", NULL },
	{ "price(\"tiered-a\").threshold_tokens | K", "200K", NULL },
	{ "price(\"tiered-a\").tiers", "2", NULL },
	{ "price(\"flat-b\").tiers", "1", NULL },
	{ "price(\"flat-b\", 5000000).input | $/Mtok", "$2.5/Mtok", NULL },
	{ "price(\"flat-b\").output_input_ratio | x", "4x", NULL },
	{ "price(\"flat-b\").threshold_tokens", "n/a", NULL },
	{ "price(\"flat-b\").tier2_output", "n/a", NULL },
	{ "price(\"flat-b\").date", "2024-08", NULL },
	{ "price(\"flat-b\").provider", "Vendor <B>", NULL },
	{ "price(\"flat-b\").model", "Model B", NULL },
	{ "price(\"flat-b\").id", "flat-b", NULL },
	{ "price(\"tiered-a\").source", "fixture pricing page", NULL },
	{ "price(\"tiered-a\").output / real.usd_per_hour | x", "2.78x", NULL },
	{ "price(\"flat-b\").tier2_input | $/Mtok", NULL, "t.md:1:31: error: filter "
	  "'$/Mtok' needs a number, but 'price(\"flat-b\").tier2_input' is null\n" },
	{ "price(\"flat-b\").provider + 1", NULL, "t.md:1:26: error: "
	  "'price(\"flat-b\").provider' is a string; arithmetic needs numbers\n" },
	{ "price(\"flat-b\").date | num", NULL, "t.md:1:24: error: filter 'num' needs "
	  "a number, but 'price(\"flat-b\").date' is a string\n" },
	{ "price(\"nope\").input", NULL, "t.md:1:1: error: unknown price 'nope' "
	  "(known prices: flat-b, tiered-a)\n" },
	{ "price(\"flat-b\").cost", NULL, "t.md:1:17: error: unknown price field "
	  "'cost' (price fields: input, output, output_input_ratio, tier2_input, "
	  "tier2_output, threshold_tokens, tiers, id, provider, model, date, source)\n" },
	{ "price(\"nope\").input + flor.t_step_s", NULL, "t.md:1:1: error: unknown price "
	  "'nope' (known prices: flat-b, tiered-a)\n"
	  "t.md:1:23: error: unknown scenario 'flor' (this lesson's scenarios: floor, "
	  "sheet, real, nocost)\n" },
	/* functions */
	{ "ceil(floor.weight_bytes / real.hbm_bytes) | int", "9", NULL },
	{ "floor(floor.weight_bytes / real.hbm_bytes) | int", "8", NULL },
	{ "floor(-2.5)", "-3", NULL },
	{ "min(real.batch, 100) + max(real.batch, 100)", "164", NULL },
	{ "min(nocost.usd_per_mtok_output, 1)", "n/a", NULL },
	{ "ceil(real.model)", NULL, "t.md:1:1: error: 'real.model' is a string; ceil() "
	  "needs numbers\n" },
};

START_TEST(test_eval_values_and_exact_errors)
{
	struct srcpos pos = { "t.md", 1, 1 };
	struct tu_capture cap;
	struct expr_stmt st;
	struct expr_value v;
	char *err;
	int rc;

	tu_capture_start(&cap);
	ck_assert_int_eq(expr_parse(S_eval[_i].src, strlen(S_eval[_i].src), pos, &st), 0);
	rc = expr_eval(&S_env, &st, &v);
	err = tu_capture_end(&cap);
	if (S_eval[_i].out != NULL) {
		ck_assert_msg(rc == 0, "row %d: '%s' failed: %s", _i, S_eval[_i].src, err);
		ck_assert_msg(strcmp(v.str, S_eval[_i].out) == 0, "row %d: '%s' -> '%s', want '%s'",
		    _i, S_eval[_i].src, v.str, S_eval[_i].out);
		ck_assert_str_eq(err, "");
		expr_value_free(&v);
	} else if (S_eval[_i].err != NULL) {
		ck_assert_msg(rc == -1, "row %d: '%s' evaluated", _i, S_eval[_i].src);
		ck_assert_msg(strcmp(err, S_eval[_i].err) == 0, "row %d: '%s'\n got: %s\nwant: %s",
		    _i, S_eval[_i].src, err, S_eval[_i].err);
	} else
		ck_abort_msg("row %d: no expectation", _i);
	expr_stmt_free(&st);
	free(err);
}
END_TEST

START_TEST(test_eval_records_terms_and_derivation)
{
	struct srcpos pos = { "t.md", 1, 1 };
	const char *src = "floor.t_step_s / sheet.t_step_s + floor.t_step_s * 0 | x";
	struct expr_stmt st;
	struct expr_value v;

	ck_assert_int_eq(expr_parse(src, strlen(src), pos, &st), 0);
	ck_assert_int_eq(expr_eval(&S_env, &st, &v), 0);
	ck_assert_int_eq(v.type, EXPR_V_NUM);
	ck_assert_double_eq_tol(v.num, 3.35 / 3.0, 1e-9);
	/* floor.t_step_s is read twice but listed once. */
	ck_assert_uint_eq(v.nterms, 2);
	ck_assert_str_eq(v.terms[0].scenario, "floor");
	ck_assert_str_eq(v.terms[0].name, "t_step_s");
	ck_assert_str_eq(v.terms[0].overrides, "");
	ck_assert_str_eq(v.terms[0].unit, "s");
	ck_assert_str_eq(v.terms[0].formula, "t_weights_s + t_attention_s + t_comm_s");
	ck_assert_str_eq(v.terms[0].substituted, "floor.t_step_s = t_weights_s + "
	    "t_attention_s + t_comm_s = 0.2333 s + 0 s + 0 s = 0.2333 s");
	ck_assert_str_eq(v.terms[0].inputs, "model-big on chip-a; weights fp8, kv bf16, "
	    "compute fp8; batch 1, context 0, prompt 1024, chips 1, mbu 1, mfu 1; "
	    "overridden: hbm_bytes_per_s 3e12 (data: 3.35e12)");
	ck_assert_str_eq(v.terms[0].scen->hw->id, "chip-a");
	ck_assert_str_eq(v.terms[1].scenario, "sheet");
	ck_assert_str_eq(v.terms[1].inputs, "model-big on chip-a; weights fp8, kv bf16, "
	    "compute fp8; batch 1, context 0, prompt 1024, chips 1, mbu 1, mfu 1");
	ck_assert_str_eq(v.derivation, "floor.t_step_s / sheet.t_step_s + floor.t_step_s "
	    "* 0 = 0.2333 s / 0.209 s + 0.2333 s * 0 = 1.117; floor.t_step_s = "
	    "t_weights_s + t_attention_s + t_comm_s = 0.2333 s + 0 s + 0 s "
	    "= 0.2333 s; sheet.t_step_s = t_weights_s + t_attention_s + t_comm_s = "
	    "0.209 s + 0 s + 0 s = 0.209 s");
	expr_value_free(&v);
	expr_stmt_free(&st);
}
END_TEST

/* A price read says where it came from: the pricing.yaml entry (id, line,
 * date, source) and the tier, for the derivations page. */
START_TEST(test_eval_price_terms_name_their_entry)
{
	struct srcpos pos = { "t.md", 1, 1 };
	const char *src = "price(\"tiered-a\", 300000).output_input_ratio / "
	    "price(\"tiered-a\").output_input_ratio | x";
	struct tu_capture cap;
	struct expr_env bare;
	struct expr_stmt st;
	struct expr_value v;
	char *err;

	ck_assert_int_eq(expr_parse(src, strlen(src), pos, &st), 0);
	ck_assert_int_eq(expr_eval(&S_env, &st, &v), 0);
	ck_assert_str_eq(v.str, "0.75x");
	ck_assert_uint_eq(v.nterms, 2);
	ck_assert_str_eq(v.terms[0].scenario, "price(\"tiered-a\", 300000)");
	ck_assert_str_eq(v.terms[0].overrides, "");
	ck_assert_str_eq(v.terms[0].name, "output_input_ratio");
	ck_assert_str_eq(v.terms[0].formula, "output / input");
	ck_assert_str_eq(v.terms[0].substituted, "price(\"tiered-a\", 300000)."
	    "output_input_ratio = output / input = 15 USD/Mtok / 2.5 USD/Mtok = 6");
	ck_assert_str_eq(v.terms[0].inputs, "tiered-a (pricing.yaml:3): "
	    "Vendor A, Model A Pro, price of 2025-04; tier: prompts above 200000 tokens; "
	    "source: fixture pricing page");
	ck_assert_ptr_null(v.terms[0].scen);
	ck_assert_ptr_nonnull(v.terms[0].price);
	ck_assert_str_eq(v.terms[0].price->id, "tiered-a");
	ck_assert_uint_eq(v.terms[0].price->pos.line, 3);
	ck_assert_ptr_eq(v.terms[0].tier, &v.terms[0].price->tiers[1]);
	ck_assert_ptr_eq(v.terms[1].tier, &v.terms[1].price->tiers[0]);
	ck_assert_str_eq(v.derivation, "price(\"tiered-a\", 300000).output_input_ratio / "
	    "price(\"tiered-a\").output_input_ratio = 6 / 8 = 0.75; price(\"tiered-a\", "
	    "300000).output_input_ratio = output / input = 15 USD/Mtok / 2.5 USD/Mtok = 6; "
	    "price(\"tiered-a\").output_input_ratio = output / input = 10 USD/Mtok / "
	    "1.25 USD/Mtok = 8");
	expr_value_free(&v);
	expr_stmt_free(&st);

	/* A single price: its own line, unit and no tier for the threshold. */
	src = "price(\"tiered-a\").threshold_tokens | K";
	ck_assert_int_eq(expr_parse(src, strlen(src), pos, &st), 0);
	ck_assert_int_eq(expr_eval(&S_env, &st, &v), 0);
	ck_assert_str_eq(v.derivation, "price(\"tiered-a\").threshold_tokens = 200000 tokens");
	ck_assert_ptr_null(v.terms[0].tier);
	ck_assert_str_eq(v.terms[0].inputs, "tiered-a (pricing.yaml:3): "
	    "Vendor A, Model A Pro, price of 2025-04; source: fixture pricing page");
	expr_value_free(&v);

	/* Without a data set (env->set NULL) price() is an error, not a crash. */
	expr_env_init(&bare, S_les->scen, S_les->nscen);
	tu_capture_start(&cap);
	ck_assert_int_eq(expr_eval(&bare, &st, &v), -1);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err, "t.md:1:1: error: price(\"tiered-a\"): no price list is "
	    "loaded here (data/pricing.yaml)\n");
	free(err);
	expr_env_free(&bare);
	expr_stmt_free(&st);
	ck_assert_str_eq(expr_price_field_unit("input"), "USD/Mtok");
	ck_assert_str_eq(expr_price_field_unit("threshold_tokens"), "tokens");
	ck_assert_ptr_null(expr_price_field_unit("date"));
	ck_assert_str_eq(expr_fn_name(EXPR_FN_MAX), "max");
}
END_TEST

START_TEST(test_eval_substitutes_inputs_with_overrides)
{
	struct srcpos pos = { "t.md", 1, 1 };
	const char *src = "real[batch=8, context=1000].kv_bytes_moved | GB";
	struct expr_stmt st;
	struct expr_value v;

	ck_assert_int_eq(expr_parse(src, strlen(src), pos, &st), 0);
	ck_assert_int_eq(expr_eval(&S_env, &st, &v), 0);
	ck_assert_str_eq(v.str, "2.62 GB");
	ck_assert_uint_eq(v.nterms, 1);
	ck_assert_str_eq(v.terms[0].overrides, "batch=8, context=1000");
	ck_assert_str_eq(v.derivation, "real[batch=8, context=1000].kv_bytes_moved = "
	    "B * kv_bytes_per_sequence = 8 * 3.277e8 bytes = 2.621e9 bytes");
	ck_assert_str_eq(v.terms[0].inputs, "model-a on chip-a; weights bf16, kv bf16, "
	    "compute bf16; batch 8, context 1000, prompt 1024, chips 1, mbu 1, mfu 1");
	expr_value_free(&v);
	expr_stmt_free(&st);
}
END_TEST

START_TEST(test_eval_caches_nothing_across_overrides)
{
	struct srcpos pos = { "t.md", 1, 1 };
	const char *a = "real[batch=1].t_step_s | ms", *b = "real.t_step_s | ms";
	struct expr_stmt s1, s2;
	struct expr_value v1, v2, v3;

	ck_assert_int_eq(expr_parse(a, strlen(a), pos, &s1), 0);
	ck_assert_int_eq(expr_parse(b, strlen(b), pos, &s2), 0);
	ck_assert_int_eq(expr_eval(&S_env, &s2, &v1), 0);
	ck_assert_int_eq(expr_eval(&S_env, &s1, &v2), 0);
	ck_assert_int_eq(expr_eval(&S_env, &s2, &v3), 0);
	ck_assert_str_eq(v1.str, v3.str);
	ck_assert_str_ne(v1.str, v2.str);
	expr_value_free(&v1);
	expr_value_free(&v2);
	expr_value_free(&v3);
	expr_stmt_free(&s1);
	expr_stmt_free(&s2);
}
END_TEST

START_TEST(test_name_units_and_hash)
{
	ck_assert_str_eq(expr_name_unit("t_step_s"), "s");
	ck_assert_str_eq(expr_name_unit("hbm_bytes_per_s"), "bytes/s");
	ck_assert_str_eq(expr_name_unit("kv_bytes_per_token"), "bytes/token");
	ck_assert_str_eq(expr_name_unit("hardware_name"), "");
	ck_assert_ptr_null(expr_name_unit("nope"));
	/* FNV-1a 32-bit reference values. */
	ck_assert_uint_eq(expr_hash(""), 0x811c9dc5ul);
	ck_assert_uint_eq(expr_hash("a"), 0xe40c292cul);
}
END_TEST

Suite *
expr_suite(void)
{
	Suite *s = suite_create("expr");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format_each_filter_rounds_to_readable_text, 0,
	    (int)(sizeof S_fmt / sizeof S_fmt[0]));
	tcase_add_test(tc, test_format_truncates_to_the_buffer);
	tcase_add_test(tc, test_filter_names_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_canonical_text_and_exact_errors, 0,
	    (int)(sizeof S_parse / sizeof S_parse[0]));
	tcase_add_test(tc, test_parse_statement_kinds);
	tcase_add_test(tc, test_parse_refuses_deep_nesting_and_long_text);
	tcase_add_test(tc, test_parse_canonical_text_round_trips_on_token_soup);
	suite_add_tcase(s, tc);

	tc = tcase_create("eval");
	tcase_add_checked_fixture(tc, S_eval_setup, S_eval_teardown);
	tcase_add_loop_test(tc, test_eval_values_and_exact_errors, 0,
	    (int)(sizeof S_eval / sizeof S_eval[0]));
	tcase_add_test(tc, test_eval_records_terms_and_derivation);
	tcase_add_test(tc, test_eval_substitutes_inputs_with_overrides);
	tcase_add_test(tc, test_eval_price_terms_name_their_entry);
	tcase_add_test(tc, test_eval_caches_nothing_across_overrides);
	tcase_add_test(tc, test_name_units_and_hash);
	suite_add_tcase(s, tc);
	return s;
}
