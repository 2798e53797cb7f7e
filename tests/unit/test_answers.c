/*
 * Pins the key numbers of the worked answers (lessons/answers.md), of the
 * practice problems (lessons/practice.md) and of the list prices the
 * lessons quote, computed from the real data/.  A change to calc or to
 * data/ that moves one of these numbers fails here by name, so that the
 * prose around it is re-read before the expected value is updated.
 * Runs with cwd = tests/.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>

#include "data.h"
#include "diag.h"
#include "expr.h"
#include "lesson.h"
#include "util.h"

Suite *answers_suite(void);

static struct data_set S_set;

static void
S_setup(void)
{
	diag_set_stream(NULL);
	ck_assert_int_eq(data_load("../data", &S_set), 0);
}

static void
S_teardown(void)
{
	data_free(&S_set);
}

/* Loads and expands a lesson (errors fail the test); md may be NULL. */
static struct lesson *
S_expand(const char *path, enum lesson_answers answers, struct buf *md)
{
	struct lesson_expand_opts o;
	struct lesson *l = NULL;
	struct buf scratch;

	ck_assert_msg(lesson_load(path, &S_set, &l) == 0, "%s did not load", path);
	lesson_expand_opts_defaults(&o);
	o.numbers = LESSON_NUM_BARE;
	o.answers = answers;
	buf_init(&scratch);
	ck_assert_msg(lesson_expand(l, &o, md ? md : &scratch) == 0, "%s did not expand",
	    path);
	buf_free(&scratch);
	return l;
}

/* The record of an expression, by its canonical text; fails when absent. */
static const struct expr_record *
S_rec(const struct lesson *l, const char *text)
{
	size_t i;

	for (i = 0; i < l->nrecs; i++)
		if (strcmp(l->recs[i].text, text) == 0)
			return &l->recs[i];
	ck_abort_msg("%s no longer prints '%s' (update the pin with the prose)", l->path, text);
	return NULL;
}

struct S_pin {
	const char *text;	/* canonical expression text */
	const char *want;	/* formatted value */
};

static void
S_check_pins(const char *path, const struct S_pin *pins, size_t n)
{
	struct lesson *l = S_expand(path, LESSON_ANSWERS_SHOW, NULL);
	const struct expr_record *r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = S_rec(l, pins[i].text);
		ck_assert_msg(strcmp(r->formatted, pins[i].want) == 0,
		    "%s: '%s' prints '%s', the answer's prose was written for '%s'",
		    path, pins[i].text, r->formatted, pins[i].want);
	}
	lesson_free(l);
}

/* ---- Q1: "ten times faster" ---- */

static const struct S_pin S_q1[] = {
	/* the starting point */
	{ "base.tokens_per_s_per_user | tokens/s", "148 tokens/s" },
	{ "base.usd_per_mtok_output | $/Mtok", "$0.701/Mtok" },
	/* dedicated capacity: barely faster, far dearer */
	{ "base[batch=1].tokens_per_s_per_user | tokens/s", "242 tokens/s" },
	{ "base[batch=1].tokens_per_s_per_user / base.tokens_per_s_per_user | x", "1.63x" },
	{ "base[batch=1].usd_per_mtok_output / base.usd_per_mtok_output | x", "39.2x" },
	/* more chips per copy */
	{ "base[chips=16].tokens_per_s_per_user / base.tokens_per_s_per_user | x", "0.852x" },
	{ "base[chips=64].tokens_per_s_per_user / base.tokens_per_s_per_user | x", "0.662x" },
	{ "base[chips=64].usd_per_mtok_output / base.usd_per_mtok_output | x", "12.1x" },
	/* precision */
	{ "b16.tokens_per_s_per_user / base.tokens_per_s_per_user | x", "0.56x" },
	{ "f4.tokens_per_s_per_user / base.tokens_per_s_per_user | x", "1.65x" },
	{ "f4.usd_per_mtok_output / base.usd_per_mtok_output | x", "0.608x" },
	/* speculative decoding, k = 4, a = 0.7, with the 8B draft's own steps
	 * (v2): barely a gain at 64 users, a loss at 256, real at 1 */
	{ "spec.spec_tokens_per_step | num", "2.77" },
	{ "spec.t_draft_s | ms", "6.51 ms" },
	{ "spec.t_verify_s | ms", "11.8 ms" },
	{ "spec.spec_speedup | x", "1.02x" },
	{ "spec.usd_per_mtok_output_spec / spec.usd_per_mtok_output | x", "0.977x" },
	{ "spec[batch=1].spec_speedup | x", "1.64x" },
	{ "spec[batch=256].spec_speedup | x", "0.704x" },
	/* faster memory: the H200 is faster but dearer, the B200 both */
	{ "h200.tokens_per_s_per_user / base.tokens_per_s_per_user | x", "1.31x" },
	{ "h200.usd_per_mtok_output / base.usd_per_mtok_output | x", "1.38x" },
	{ "b200.tokens_per_s_per_user / base.tokens_per_s_per_user | x", "2.02x" },
	{ "b200.usd_per_mtok_output / base.usd_per_mtok_output | x", "0.621x" },
	/* changing the product */
	{ "small.tokens_per_s_per_user / base.tokens_per_s_per_user | x", "4.15x" },
	{ "sparse.tokens_per_s_per_user / base.tokens_per_s_per_user | x", "1.97x" },
	{ "base[context=1024].tokens_per_s_per_user / base.tokens_per_s_per_user | x", "1.29x" },
	/* the verdict: one user with speculation on one box */
	{ "spec[batch=1].spec_tokens_per_s_per_user / base.tokens_per_s_per_user | x", "2.67x" },
	{ "spec[batch=1].usd_per_mtok_output_spec / base.usd_per_mtok_output | x", "24x" },
	/* SRAM chips: capacity in chips, predicted against measured */
	{ "ceil(wse.weight_bytes / wse.hbm_bytes) | int", "4" },
	{ "ceil(lpu.weight_bytes / lpu.hbm_bytes) | int", "614" },
	{ "wse.tokens_per_s_per_user | tokens/s", "310 tokens/s" },
	{ "wse.t_comm_s | ms", "3.23 ms" },
	{ "450 / base[batch=1].tokens_per_s_per_user | x", "1.86x" },
};

START_TEST(test_q1_tactics_table)
{
	S_check_pins("../lessons/answers.md", S_q1, sizeof S_q1 / sizeof S_q1[0]);
}
END_TEST

/* ---- Q2: MoE and the optimal batch ---- */

static const struct S_pin S_q2[] = {
	{ "ds.params_total / ds.params_active | x", "18.1x" },
	{ "ds[mbu=1, mfu=1].critical_batch | int", "6,597" },
	{ "d37[mbu=1, mfu=1].critical_batch | int", "206" },
	{ "ds[mbu=1, mfu=1].critical_batch / d37[mbu=1, mfu=1].critical_batch | x", "32x" },
	{ "mx[mbu=1, mfu=1].critical_batch | int", "825" },
	{ "d13[mbu=1, mfu=1].critical_batch | int", "206" },
	/* experts touched as the batch grows */
	{ "ds[batch=1].experts_touched | num", "8" },
	{ "ds[batch=8].experts_touched | num", "57.4" },
	{ "ds[batch=64].experts_touched | num", "222" },
	{ "ds[batch=256].experts_touched | num", "256" },
	{ "ds[batch=1].weight_bytes_moved | GB", "37 GB" },
	{ "ds[batch=256].weight_bytes_moved | GB", "671 GB" },
	/* cost against the dense model of equal active size */
	{ "ds[batch=64].usd_per_mtok_output / d37[batch=64].usd_per_mtok_output | x", "4.84x" },
	{ "ds[batch=1024].usd_per_mtok_output / d37[batch=1024].usd_per_mtok_output | x",
	  "1.29x" },
	/* each expert's own batch stays small */
	{ "ds[batch=256].batch * ds[batch=1].experts_touched / "
	  "ds[batch=100000, context=0].experts_touched | num", "8" },
	/* compressed notes leave room for big batches */
	{ "ds.kv_bytes_per_token | KB", "35.1 KB" },
	{ "ds.max_batch_in_memory | int", "396" },
	{ "d37.max_batch_in_memory | int", "947" },
	{ "mx[batch=8].experts_touched | num", "7.2" },
};

START_TEST(test_q2_moe_moves_the_batch_up)
{
	S_check_pins("../lessons/answers.md", S_q2, sizeof S_q2 / sizeof S_q2[0]);
}
END_TEST

/* ---- Q3: bandwidth times ten, before and after ---- */

static const struct S_pin S_q3[] = {
	{ "floor10.hbm_bytes_per_s / floor.hbm_bytes_per_s | num", "10" },
	{ "floor.t_step_s | ms", "209 ms" },
	{ "floor10.t_step_s | ms", "20.9 ms" },
	{ "ridge.critical_batch | int", "295" },
	{ "ridge10.critical_batch | int", "30" },
	{ "base.t_step_s | ms", "6.75 ms" },
	{ "base10.t_step_s | ms", "2.79 ms" },
	{ "base.t_comm_s / base.t_step_s | pct", "22%" },
	{ "base10.t_comm_s / base10.t_step_s | pct", "52%" },
	{ "base10.usd_per_mtok_output | $/Mtok", "$0.29/Mtok" },
	{ "base.usd_per_mtok_output / base10.usd_per_mtok_output | x", "2.42x" },
	{ "base.usd_per_mtok_input | $/Mtok", "$0.188/Mtok" },
	{ "base10.usd_per_mtok_input | $/Mtok", "$0.188/Mtok" },
	{ "base.output_input_cost_ratio | x", "3.73x" },
	{ "base10.output_input_cost_ratio | x", "1.54x" },
	{ "base10[batch=1].tokens_per_s_per_user / base[batch=1].tokens_per_s_per_user | x",
	  "3.62x" },
	{ "base10[batch=1].t_comm_s / base10[batch=1].t_step_s | pct", "71%" },
	{ "long.kv_crossover_context | K", "196K" },
	{ "long10.kv_crossover_context | K", "196K" },
	{ "long.usd_per_mtok_output / long[context=4096].usd_per_mtok_output | x", "1.57x" },
	{ "long10.usd_per_mtok_output / long10[context=4096].usd_per_mtok_output | x", "1.37x" },
	{ "long10.max_batch_in_memory | int", "21" },
	{ "long.attention_flops_per_token | TFLOP", "1.08 TFLOP" },
};

START_TEST(test_q3_bandwidth_times_ten)
{
	struct buf md;
	struct lesson *l;

	S_check_pins("../lessons/answers.md", S_q3, sizeof S_q3 / sizeof S_q3[0]);
	/* The bound flips from memory to communication: the weights turn
	 * compute-bound, the all-reduces stay (strings are not records). */
	buf_init(&md);
	l = S_expand("../lessons/answers.md", LESSON_ANSWERS_SHOW, &md);
	ck_assert_ptr_nonnull(strstr(md.data, "| step at the starting point: what limits it | "
	    "memory | communication |"));
	ck_assert_ptr_nonnull(strstr(md.data, "waits most on communication instead of memory"));
	buf_free(&md);
	lesson_free(l);
}
END_TEST

/* ---- practice problems ---- */

static const struct S_pin S_practice[] = {
	/* 1: the per-token floor */
	{ "s[batch=1, context=0].weight_bytes_moved / (s.chips * s.hbm_bytes_per_s) | ms",
	  "2.63 ms" },
	{ "s.chips * s.hbm_bytes_per_s / s[batch=1, context=0].weight_bytes_moved | tokens/s",
	  "380 tokens/s" },
	/* 2: chips to hold the model */
	{ "s.weight_bytes | GB", "70.6 GB" },
	{ "ceil(s.weight_bytes / s.hbm_bytes) | int", "1" },
	/* 3: the largest batch that fits */
	{ "s.hbm_bytes - s.weight_bytes / s.chips | GB", "71.2 GB" },
	{ "s.kv_split | int", "8" },
	{ "s.max_batch_in_memory | int", "848" },
	{ "s[context=131072].max_batch_in_memory | int", "26" },
	/* 4: the KV crossover */
	{ "s.weight_bytes_moved / s.chips / (s.batch * s.kv_bytes_per_token / s.kv_split) | K",
	  "6.73K" },
	{ "s[batch=1].kv_crossover_context | K", "431K" },
	/* 5: the critical batch */
	{ "s[mbu=1, mfu=1].ridge_flops_per_byte | FLOP/byte", "591 FLOP/byte" },
	{ "s[mbu=1, mfu=1].ridge_flops_per_byte * s.weight_bytes_per_param / 2 | int", "295" },
	{ "s.critical_batch | int", "185" },
	/* 6: output against input (v2: prefill in passes of 8,192 tokens) */
	{ "s.t_step_s / s.batch / s.prefill_s_per_token | x", "3.66x" },
	{ "s[batch=8].output_input_cost_ratio | x", "19.2x" },
	/* 7: one user on many chips: 64 are slower than 8 (v2: the network
	 * between HGX boxes) */
	{ "s[batch=1].tokens_per_s_per_user | tokens/s", "242 tokens/s" },
	{ "s[batch=1].t_comm_s / s[batch=1].t_step_s | pct", "20%" },
	{ "s[batch=1, chips=64].tokens_per_s_per_user / s[batch=1].tokens_per_s_per_user | x",
	  "0.602x" },
	/* 8: cost of a million output tokens */
	{ "s.usd_per_s / s.tokens_per_s_total * 1000000 | $/Mtok", "$0.701/Mtok" },
	{ "s[batch=1].usd_per_mtok_output | $/Mtok", "$27.5/Mtok" },
	/* 9: reading the prompt */
	{ "s.t_prefill_s | ms", "118 ms" },
	{ "s.usd_per_mtok_input | $/Mtok", "$0.191/Mtok" },
};

START_TEST(test_practice_answers)
{
	S_check_pins("../lessons/practice.md", S_practice,
	    sizeof S_practice / sizeof S_practice[0]);
}
END_TEST

/* Each answer's hand working agrees with the calculation core, for the
 * page's choice and for another model and chip. */
static const struct {
	const char *working, *calc;
	int floor_working;		/* the working is rounded down by the prose */
	int dense_only;			/* the working counts weights used in full */
} S_agree[] = {
	{ "s[batch=1, context=0].weight_bytes_moved / (s.chips * s.hbm_bytes_per_s) | ms",
	  "s[batch=1, context=0, mbu=1].t_memory_s | ms", 0, 0 },
	{ "(s.hbm_bytes - s.weight_bytes / s.chips) * s.kv_split / s.kv_bytes_per_sequence | num",
	  "s.max_batch_in_memory | int", 1, 0 },
	{ "s.weight_bytes_moved / s.chips / (s.batch * s.kv_bytes_per_token / s.kv_split) | K",
	  "s.kv_crossover_context | K", 0, 0 },
	{ "s[mbu=1, mfu=1].ridge_flops_per_byte * s.weight_bytes_per_param / 2 | int",
	  "s[mbu=1, mfu=1].critical_batch | int", 0, 1 },
	{ "s.t_step_s / s.batch / s.prefill_s_per_token | x", "s.output_input_cost_ratio | x",
	  0, 0 },
	{ "s.usd_per_s / s.tokens_per_s_total * 1000000 | $/Mtok",
	  "s.usd_per_mtok_output | $/Mtok", 0, 0 },
	{ "1 / s[batch=1].t_step_s | tokens/s", "s[batch=1].tokens_per_s_per_user | tokens/s",
	  0, 0 },
};

static void
S_check_agreement(const struct lesson *l, int moe)
{
	size_t i;

	for (i = 0; i < sizeof S_agree / sizeof S_agree[0]; i++) {
		if (moe && S_agree[i].dense_only)
			continue;
		const struct expr_record *w = S_rec(l, S_agree[i].working);
		const struct expr_record *c = S_rec(l, S_agree[i].calc);
		double wv = S_agree[i].floor_working ? floor(w->value) : w->value;

		ck_assert_msg(fabs(wv - c->value) <= 1e-9 * fabs(c->value),
		    "%s: the working '%s' = %.12g, the calculation '%s' = %.12g", l->path,
		    S_agree[i].working, wv, S_agree[i].calc, c->value);
	}
}

/* Writes practice.md with another model and chip; the caller unlinks. */
static char *
S_practice_variant(const char *model, const char *hardware)
{
	char *text, *path = xstrdup("/tmp/inferbook-practice-XXXXXX");
	struct buf b;
	const char *p, *q;
	int fd;
	FILE *fp;

	ck_assert_int_eq(util_read_file("../lessons/practice.md", &text, NULL), 0);
	buf_init(&b);
	p = strstr(text, "    model: llama-3.1-70b\n");
	q = strstr(text, "    hardware: h100-sxm\n");
	ck_assert_msg(p != NULL && q != NULL && p < q, "practice.md's scenario s moved");
	buf_put(&b, text, (size_t)(p - text));
	buf_printf(&b, "    model: %s\n    hardware: %s\n", model, hardware);
	p = q + strlen("    hardware: h100-sxm\n");
	buf_puts(&b, p);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(b.data, 1, b.len, fp), b.len);
	fclose(fp);
	buf_free(&b);
	free(text);
	return path;
}

START_TEST(test_practice_working_agrees_with_calc_for_any_choice)
{
	struct lesson *l = S_expand("../lessons/practice.md", LESSON_ANSWERS_SHOW, NULL);
	char *path;

	S_check_agreement(l, 0);
	lesson_free(l);

	/* Another choice: another problem, another answer, the same agreement. */
	path = S_practice_variant("deepseek-v3", "h200-sxm");
	l = S_expand(path, LESSON_ANSWERS_SHOW, NULL);
	S_check_agreement(l, 1);
	ck_assert_str_eq(S_rec(l, "s[batch=1, context=0].weight_bytes_moved / (s.chips * "
	    "s.hbm_bytes_per_s) | ms")->formatted, "0.964 ms");
	ck_assert_str_eq(S_rec(l, "ceil(s.weight_bytes / s.hbm_bytes) | int")->formatted, "5");
	ck_assert_str_eq(S_rec(l, "s[mbu=1, mfu=1].critical_batch | int")->formatted, "6,597");
	ck_assert_int_eq(lesson_check(l), 0);
	lesson_free(l);
	unlink(path);
	free(path);
}
END_TEST

/* The student edition drops every worked answer and keeps every problem. */
START_TEST(test_practice_student_edition_hides_answers)
{
	struct buf show, hide;
	struct lesson *l;
	const char *p;
	int problems = 0, answers = 0;

	buf_init(&show);
	buf_init(&hide);
	l = S_expand("../lessons/practice.md", LESSON_ANSWERS_SHOW, &show);
	lesson_free(l);
	l = S_expand("../lessons/practice.md", LESSON_ANSWERS_HIDE, &hide);
	for (p = show.data; (p = strstr(p, "**Answer.**")) != NULL; p++)
		answers++;
	for (p = hide.data; (p = strstr(p, "\n## Problem ")) != NULL; p++)
		problems++;
	ck_assert_int_ge(problems, 8);
	ck_assert_int_eq(answers, problems);
	ck_assert_ptr_null(strstr(hide.data, "**Answer.**"));
	ck_assert_ptr_null(strstr(hide.data, "{{"));
	/* The problem statements keep their givens. */
	ck_assert_ptr_nonnull(strstr(hide.data, "## Problem 1: the per-token floor"));
	ck_assert_ptr_nonnull(strstr(hide.data, "each chip moves 3.35 TB/s from its memory"));
	ck_assert_ptr_null(strstr(hide.data, "2.63 ms"));
	ck_assert_ptr_nonnull(strstr(show.data, "**2.63 ms**"));
	ck_assert_str_eq(l->slug, "practice");
	ck_assert_str_eq(l->title, "Practice problems");
	ck_assert_int_gt(l->order, 10);
	lesson_free(l);
	buf_free(&show);
	buf_free(&hide);
}
END_TEST

/* ---- list prices quoted by the lessons ---- */

static const struct {
	const char *path;
	struct S_pin pin;
} S_prices[] = {
	{ "../lessons/06-long-context.md",
	  { "price(\"gemini-2.5-pro\").threshold_tokens | K", "200K" } },
	{ "../lessons/06-long-context.md",
	  { "price(\"gemini-2.5-pro\").tier2_input / price(\"gemini-2.5-pro\").input | x", "2x" } },
	{ "../lessons/06-long-context.md",
	  { "price(\"gemini-2.5-pro\").tier2_output / price(\"gemini-2.5-pro\").output | x",
	    "1.5x" } },
	{ "../lessons/06-long-context.md", { "long.kv_crossover_context | K", "196K" } },
	{ "../lessons/07-output-vs-input.md",
	  { "price(\"gpt-4o\").output_input_ratio | x", "4x" } },
	{ "../lessons/07-output-vs-input.md",
	  { "price(\"gpt-5\").output_input_ratio | x", "8x" } },
	{ "../lessons/07-output-vs-input.md",
	  { "price(\"claude-sonnet-4\").output_input_ratio | x", "5x" } },
	{ "../lessons/07-output-vs-input.md",
	  { "price(\"deepseek-v3.2\").output_input_ratio | x", "1.5x" } },
	{ "../lessons/07-output-vs-input.md", { "serve.output_input_cost_ratio | x", "3.66x" } },
	{ "../lessons/08-no-instant-answers.md",
	  { "price(\"claude-opus-4.6-fast\").output / price(\"claude-opus-4.5\").output | x",
	    "6x" } },
	{ "../lessons/08-no-instant-answers.md",
	  { "price(\"gpt-5-priority\").output / price(\"gpt-5\").output | x", "2x" } },
};

START_TEST(test_lesson_prices)
{
	S_check_pins(S_prices[_i].path, &S_prices[_i].pin, 1);
}
END_TEST

Suite *
answers_suite(void)
{
	Suite *s = suite_create("answers");
	TCase *tc;

	tc = tcase_create("worked");
	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_q1_tactics_table);
	tcase_add_test(tc, test_q2_moe_moves_the_batch_up);
	tcase_add_test(tc, test_q3_bandwidth_times_ten);
	suite_add_tcase(s, tc);

	tc = tcase_create("practice");
	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_practice_answers);
	tcase_add_test(tc, test_practice_working_agrees_with_calc_for_any_choice);
	tcase_add_test(tc, test_practice_student_edition_hides_answers);
	suite_add_tcase(s, tc);

	tc = tcase_create("prices");
	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_add_loop_test(tc, test_lesson_prices, 0,
	    (int)(sizeof S_prices / sizeof S_prices[0]));
	suite_add_tcase(s, tc);
	return s;
}
