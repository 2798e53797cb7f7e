/*
 * Tests of util.c: the edit distance behind "did you mean", formatting into
 * fresh strings, and the growable buffer's NUL-termination promise.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "util.h"

Suite *util_suite(void);

START_TEST(test_edit_distance_counts_single_byte_edits)
{
	static const struct { const char *a, *b; size_t d; } cases[] = {
		{ "", "", 0 },
		{ "", "abc", 3 },
		{ "abc", "", 3 },
		{ "hbm_gb", "hbm_gb", 0 },
		{ "hbm_gbs", "hbm_gb", 1 },		/* deletion */
		{ "hbm_b", "hbm_gb", 1 },		/* insertion */
		{ "t_step_x", "t_step_s", 1 },		/* substitution */
		{ "kitten", "sitting", 3 },
		{ "bacth", "batch", 2 },		/* a transposition is two edits */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(util_edit_distance(cases[i].a, cases[i].b) == cases[i].d,
		    "distance('%s', '%s') = %zu, want %zu", cases[i].a, cases[i].b,
		    util_edit_distance(cases[i].a, cases[i].b), cases[i].d);
}
END_TEST

static char *
S_vfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

START_TEST(test_asprintf_returns_owned_text_even_when_empty)
{
	char *s = xasprintf("%s=%d", "batch", 64);
	char *e = S_vfmt("%s", "");

	ck_assert_str_eq(s, "batch=64");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e, "");
	free(s);
	free(e);
}
END_TEST

START_TEST(test_json_str_escapes_for_json_and_script)
{
	struct buf b;

	buf_init(&b);
	buf_json_str(&b, "a\"b\\c\nd\te\x01" "f\x7f</script>&\xc2\xb5");
	ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f"
	    "\\u003c/script>&\xc2\xb5\"");
	buf_reset(&b);
	buf_json_str(&b, NULL);
	ck_assert_str_eq(b.data, "\"\"");
	buf_free(&b);
}
END_TEST

START_TEST(test_md_text_escapes_markup_and_flattens_lines)
{
	struct buf b;

	buf_init(&b);
	buf_md_text(&b, "NVIDIA B200 (HGX) <script>a|b</script> *x* $1 & `c`\nnext\tcell");
	ck_assert_str_eq(b.data, "NVIDIA B200 \\(HGX\\) \\<script\\>a\\|b\\</script\\> "
	    "\\*x\\* \\$1 \\& \\`c\\` next cell");
	buf_reset(&b);
	buf_md_text(&b, NULL);
	buf_md_text(&b, "Llama 3.1 70B: 1,979 TFLOP/s");
	ck_assert_str_eq(b.data, "Llama 3.1 70B: 1,979 TFLOP/s");
	buf_free(&b);
}
END_TEST

START_TEST(test_buf_stays_terminated_and_take_resets)
{
	struct buf b;
	char *p;
	size_t len;

	buf_init(&b);
	buf_puts(&b, "ab");
	buf_putc(&b, 'c');
	buf_printf(&b, "%d", 42);
	ck_assert_str_eq(b.data, "abc42");
	ck_assert_uint_eq(b.len, 5);
	buf_reset(&b);
	ck_assert_str_eq(b.data, "");
	buf_put(&b, "xyz", 2);
	p = buf_take(&b, &len);
	ck_assert_str_eq(p, "xy");
	ck_assert_uint_eq(len, 2);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(p);
	p = buf_take(&b, NULL);		/* never appended to: still a string */
	ck_assert_str_eq(p, "");
	free(p);
}
END_TEST

Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_edit_distance_counts_single_byte_edits);
	tcase_add_test(tc, test_asprintf_returns_owned_text_even_when_empty);
	tcase_add_test(tc, test_buf_stays_terminated_and_take_resets);
	tcase_add_test(tc, test_md_text_escapes_markup_and_flattens_lines);
	tcase_add_test(tc, test_json_str_escapes_for_json_and_script);
	suite_add_tcase(s, tc);
	return s;
}
