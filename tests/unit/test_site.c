/*
 * test_site.c -- the staging folder: paths that would leave out/ are
 * refused, unchanged files keep their inode, commit swaps, abort leaves
 * out/ alone.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>

#include "diag.h"
#include "site.h"
#include "util.h"

Suite *site_suite(void);

static char S_dir[64];

static char *
S_path(const char *rel)
{
	return xasprintf("%s/%s", S_dir, rel);
}

static int
S_write_q(struct site_stage *st, const char *rel, const char *text, char **diags)
{
	size_t dlen = 0;
	FILE *fp;
	int rc;

	*diags = NULL;
	fp = open_memstream(diags, &dlen);
	diag_set_stream(fp);
	rc = site_stage_write(st, rel, text, strlen(text));
	diag_set_stream(NULL);
	fclose(fp);
	return rc;
}

static const struct { const char *rel, *err; } S_bad_paths[] = {
	{ "../escape.html", "inferbook: error: refusing to write '../escape.html': not a plain relative path\n" },
	{ "charts/../../x", "inferbook: error: refusing to write 'charts/../../x': not a plain relative path\n" },
	{ "/etc/passwd", "inferbook: error: refusing to write '/etc/passwd': not a plain relative path\n" },
	{ "a//b", "inferbook: error: refusing to write 'a//b': not a plain relative path\n" },
	{ "a/./b", "inferbook: error: refusing to write 'a/./b': not a plain relative path\n" },
	{ "a b.html", "inferbook: error: refusing to write 'a b.html': not a plain relative path\n" },
	{ "", "inferbook: error: refusing to write '': not a plain relative path\n" },
};

START_TEST(test_stage_refuses_paths_leaving_out)
{
	char *out = S_path("out"), *diags;
	struct site_stage *st = site_stage_open(out);

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(S_write_q(st, S_bad_paths[_i].rel, "x", &diags), -1);
	ck_assert_str_eq(diags, S_bad_paths[_i].err);
	free(diags);
	site_stage_abort(st);
	free(out);
}
END_TEST

START_TEST(test_stage_commit_keeps_unchanged_files)
{
	char *out = S_path("out"), *f = S_path("out/charts/a.svg"), *g = S_path("out/index.html");
	char *diags, *text;
	struct site_stage *st;
	struct stat s1, s2, s3;
	size_t changed, kept, len;

	/* First build. */
	st = site_stage_open(out);
	ck_assert_int_eq(S_write_q(st, "index.html", "one", &diags), 0);
	free(diags);
	ck_assert_int_eq(S_write_q(st, "charts/a.svg", "<svg/>", &diags), 0);
	free(diags);
	ck_assert_int_eq(S_write_q(st, "numbers.tsv", "# id\n", &diags), 0);
	free(diags);
	ck_assert_int_eq(S_write_q(st, "index.html", "again", &diags), -1);
	ck_assert_ptr_nonnull(strstr(diags, "written twice"));
	free(diags);
	ck_assert_int_eq(site_stage_commit(st), 0);
	ck_assert_int_eq(stat(f, &s1), 0);

	/* Second build: the chart is the same, the page is not. */
	st = site_stage_open(out);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(S_write_q(st, "charts/a.svg", "<svg/>", &diags), 0);
	free(diags);
	ck_assert_int_eq(S_write_q(st, "index.html", "two", &diags), 0);
	free(diags);
	ck_assert_int_eq(S_write_q(st, "numbers.tsv", "# id\n", &diags), 0);
	free(diags);
	site_stage_counts(st, &changed, &kept);
	ck_assert_uint_eq(changed, 1);
	ck_assert_uint_eq(kept, 2);
	ck_assert_int_eq(site_stage_commit(st), 0);
	ck_assert_int_eq(stat(f, &s2), 0);
	ck_assert_uint_eq(s1.st_ino, s2.st_ino);
	ck_assert_int_eq(util_read_file(g, &text, &len), 0);
	ck_assert_str_eq(text, "two");
	free(text);

	/* A build that fails: out/ stays as it was, no staging folder left. */
	st = site_stage_open(out);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(S_write_q(st, "index.html", "three", &diags), 0);
	free(diags);
	site_stage_abort(st);
	ck_assert_int_eq(util_read_file(g, &text, &len), 0);
	ck_assert_str_eq(text, "two");
	free(text);
	ck_assert_int_eq(stat(f, &s3), 0);
	ck_assert_uint_eq(s1.st_ino, s3.st_ino);
	ck_assert_int_eq(site_rmtree(out), 0);
	ck_assert_int_ne(access(out, F_OK), 0);
	free(out);
	free(f);
	free(g);
}
END_TEST

START_TEST(test_stage_refuses_a_foreign_folder)
{
	char *out = S_path("mine"), *file = S_path("mine/precious");
	FILE *fp;
	char *diags = NULL;
	size_t dlen = 0;
	FILE *mem = open_memstream(&diags, &dlen);

	ck_assert_int_eq(mkdir(out, 0755), 0);
	fp = fopen(file, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	diag_set_stream(mem);
	ck_assert_ptr_null(site_stage_open(out));
	diag_set_stream(NULL);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(diags, "refusing to replace"));
	ck_assert_int_eq(access(file, F_OK), 0);
	site_rmtree(out);
	free(diags);
	free(out);
	free(file);
}
END_TEST

static void
S_setup(void)
{
	snprintf(S_dir, sizeof(S_dir), "/tmp/site-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(S_dir));
}

static void
S_teardown(void)
{
	site_rmtree(S_dir);
}

Suite *
site_suite(void)
{
	Suite *s = suite_create("site");
	TCase *tc = tcase_create("stage");

	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_add_loop_test(tc, test_stage_refuses_paths_leaving_out, 0,
	    (int)(sizeof(S_bad_paths) / sizeof(S_bad_paths[0])));
	tcase_add_test(tc, test_stage_commit_keeps_unchanged_files);
	tcase_add_test(tc, test_stage_refuses_a_foreign_folder);
	suite_add_tcase(s, tc);
	return s;
}
