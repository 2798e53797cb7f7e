/*
 * Data sanity warnings (sanity.h): planted mistakes in
 * fixtures/sanity/planted/ must each be caught with the exact message
 * (fixtures/sanity/planted/expected.txt), and the real data/ must raise
 * only the warnings it deserves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "data.h"
#include "diag.h"
#include "sanity.h"
#include "util.h"
#include "testutil.h"

Suite *sanity_suite(void);

/* Runs sanity_check() on DIR with diag captured; returns the text. */
static char *
S_warnings(const char *dir, unsigned *count)
{
	struct data_set set;
	struct tu_capture c;
	char *text;

	ck_assert_int_eq(data_load(dir, &set), 0);
	tu_capture_start(&c);
	*count = sanity_check(&set);
	text = tu_capture_end(&c);
	/* Warnings alone never make `inferbook check` fail. */
	ck_assert_int_eq(diag_worst() >= DIAG_ERROR, 0);
	diag_reset();
	data_free(&set);
	return text;
}

START_TEST(test_planted_mistakes_are_each_warned_at_their_field)
{
	char *got, *want;
	size_t len;
	unsigned n;

	got = S_warnings("fixtures/sanity/planted", &n);
	ck_assert_int_eq(util_read_file("fixtures/sanity/planted/expected.txt",
	    &want, &len), 0);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(n, 14);
	free(got);
	free(want);
}
END_TEST

START_TEST(test_sparse_fp8_message_names_both_figures)
{
	char *got;
	unsigned n;

	got = S_warnings("fixtures/sanity/planted", &n);
	ck_assert_ptr_nonnull(strstr(got,
	    "fixtures/sanity/planted/hardware.yaml:48:29: warning: x-l40s: fp8 "
	    "(1466 TFLOP/s) is 4x bf16 (362); dense fp8 is 2x dense bf16, so one "
	    "of them looks like a 2:4-sparsity figure\n"));
	/* The correct entries stay quiet. */
	ck_assert_ptr_null(strstr(got, "x-h100:"));
	ck_assert_ptr_null(strstr(got, "x-ok-8b:"));
	ck_assert_ptr_null(strstr(got, "x-no-dff:"));
	ck_assert_ptr_null(strstr(got, "warning: dated:"));
	free(got);
}
END_TEST

/* The real data: the only warnings are the three chips whose price was
 * read without noting the month (mi325x, tpu-v5e, tpu-v6e; their notes
 * say so).  Those are true findings for the data's owner, not false
 * alarms: every other check must stay quiet on data/. */
START_TEST(test_real_data_warns_only_about_undated_prices)
{
	char *got, *line, *save = NULL;
	unsigned n, lines = 0;

	got = S_warnings("../data", &n);
	for (line = strtok_r(got, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(strstr(line, "has no price_date") != NULL ||
		    strstr(line, "price has no date") != NULL,
		    "unexpected warning on data/: %s", line);
		lines++;
	}
	ck_assert_uint_eq(lines, n);
	ck_assert_uint_le(n, 3);
	free(got);
}
END_TEST

START_TEST(test_params_from_shape_matches_llama_and_skips_mla)
{
	struct data_set set;
	const struct data_model *m;
	double est;

	ck_assert_int_eq(data_load("../data", &set), 0);
	/* 80 x (8192 x 128 x (2x64 + 2x8) + 3 x 8192 x 28672)
	 * + 2 x 128256 x 8192 = 70,552,387,584 */
	m = data_find_model(&set, "llama-3.1-70b");
	ck_assert_ptr_nonnull(m);
	est = sanity_params_from_shape(m);
	ck_assert_msg(fabs(est - 70552387584.0) < 1, "est %.0f", est);
	/* MLA projection ranks are not in the schema: no estimate. */
	m = data_find_model(&set, "deepseek-v3");
	ck_assert_ptr_nonnull(m);
	ck_assert(sanity_params_from_shape(m) == 0);
	data_free(&set);
}
END_TEST

Suite *
sanity_suite(void)
{
	Suite *s = suite_create("sanity");
	TCase *tc = tcase_create("warnings");

	tcase_add_test(tc, test_planted_mistakes_are_each_warned_at_their_field);
	tcase_add_test(tc, test_sparse_fp8_message_names_both_figures);
	tcase_add_test(tc, test_real_data_warns_only_about_undated_prices);
	tcase_add_test(tc, test_params_from_shape_matches_llama_and_skips_mla);
	suite_add_tcase(s, tc);
	return s;
}
