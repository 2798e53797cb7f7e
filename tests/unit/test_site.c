/*
 * test_site.c -- the staging folder: paths that would leave out/ are
 * refused, unchanged files keep their inode, commit swaps, abort leaves
 * out/ alone; the manifest lists the tool's files and the user's are
 * carried; only dead builds' stages are cleaned; a site's figures: each
 * drawn once, and a rebuild keeps the PNGs whose SVG did not change.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>

#include "chart.h"
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

/* ---- the manifest, the user's files, the names beside out/ ---- */

START_TEST(test_sha256_known_answers)
{
	char hex[65], *a = xmalloc(1000000);

	site_sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	site_sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the padding needs a second block. */
	site_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(a, 'a', 1000000);
	site_sha256_hex(a, 1000000, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}
END_TEST

static void
S_put_file(const char *rel, const char *text)
{
	char *p = S_path(rel);
	FILE *fp = fopen(p, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

START_TEST(test_stage_manifest_lists_ours_and_carries_the_users)
{
	char *out = S_path("out"), *man = S_path("out/.inferbook-site"), *cname = S_path("out/CNAME");
	char *mine = S_path("out/charts/mine.txt"), *diags, *text, hex[65];
	struct site_stage *st;
	struct stat s1, s2;
	size_t len;

	st = site_stage_open(out);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(S_write_q(st, "index.html", "one", &diags), 0);
	free(diags);
	ck_assert_int_eq(S_write_q(st, "charts/a.svg", "<svg/>", &diags), 0);
	free(diags);
	/* The manifest's name is the tool's own. */
	ck_assert_int_eq(S_write_q(st, ".inferbook-site", "x", &diags), -1);
	ck_assert_str_eq(diags, "inferbook: error: refusing to write '.inferbook-site': "
	    "not a plain relative path\n");
	free(diags);
	ck_assert_int_eq(site_stage_commit(st), 0);
	ck_assert_int_eq(util_read_file(man, &text, &len), 0);
	ck_assert_str_eq(text, "# inferbook site manifest 1\n"
	    "# Every file inferbook published here, as SHA-256 and path (sha256sum -c\n"
	    "# checks them).  Files not listed are yours: the next build keeps them.\n"
	    "d4dc56669143034f31aa309635d4113d9ad76a02b1739da22c965ed2049be9e6  charts/a.svg\n"
	    "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed  index.html\n");
	free(text);

	/* The user adds files; the next build keeps them, as they were. */
	S_put_file("out/CNAME", "example.org\n");
	S_put_file("out/charts/mine.txt", "mine\n");
	ck_assert_int_eq(stat(cname, &s1), 0);
	st = site_stage_open(out);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(site_stage_prev_hash(st, "index.html", hex), 0);
	ck_assert_str_eq(hex, "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed");
	ck_assert_int_eq(site_stage_prev_hash(st, "CNAME", hex), -1);
	ck_assert_int_eq(S_write_q(st, "index.html", "two", &diags), 0);
	free(diags);
	ck_assert_int_eq(site_stage_commit(st), 0);
	ck_assert_int_eq(stat(cname, &s2), 0);
	ck_assert_uint_eq(s1.st_ino, s2.st_ino);
	ck_assert_int_eq(util_read_file(mine, &text, &len), 0);
	ck_assert_str_eq(text, "mine\n");
	free(text);
	/* charts/a.svg was the tool's and this build did not write it. */
	free(out);
	out = S_path("out/charts/a.svg");
	ck_assert_int_ne(access(out, F_OK), 0);
	free(out);
	free(man);
	free(cname);
	free(mine);
}
END_TEST

START_TEST(test_stage_cleans_only_dead_stages)
{
	static const char *const keep[] = {
		"out.tmp-notes", "out.tmp-123456", "out.tmp-1-abcdef", "out.tmp-0-abcdef",
		"out.old-notes", "other.tmp-DEAD-abcdef", "out.old-DEAD",
		"out.tmp-DEAD-abcdefg",
	};
	char *out = S_path("out"), *p, name[64];
	struct site_stage *st;
	pid_t pid = fork();
	size_t i;

	/* A pid that is gone: a child that has exited and been reaped. */
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *d = strstr(keep[i], "DEAD");

		if (d != NULL)
			snprintf(name, sizeof(name), "%.*s%ld%s", (int)(d - keep[i]), keep[i],
			    (long)pid, d + 4);
		else
			snprintf(name, sizeof(name), "%s", keep[i]);
		p = S_path(name);
		ck_assert_int_eq(mkdir(p, 0755), 0);
		free(p);
	}
	snprintf(name, sizeof(name), "out.tmp-%ld-abc123", (long)pid);
	p = S_path(name);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	st = site_stage_open(out);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_ne(access(p, F_OK), 0);
	free(p);
	site_stage_abort(st);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *d = strstr(keep[i], "DEAD");

		if (d != NULL)
			snprintf(name, sizeof(name), "%.*s%ld%s", (int)(d - keep[i]), keep[i],
			    (long)pid, d + 4);
		else
			snprintf(name, sizeof(name), "%s", keep[i]);
		p = S_path(name);
		ck_assert_msg(access(p, F_OK) == 0, "%s was removed", name);
		free(p);
	}
	/* Nothing of the tool's is left: the stage and the lock are gone. */
	p = S_path("out.lock");
	ck_assert_int_ne(access(p, F_OK), 0);
	free(p);
	free(out);
}
END_TEST

/* ---- figures across builds ---- */

/* Two lessons whose scenarios have other names but the same figure. */
static const char S_lesson_a[] =
    "---\ntitle: Lesson A\norder: 1\nsummary: A.\nscenarios:\n"
    "  x:\n    model: llama-3.1-70b\n    hardware: h100-sxm\n    weights: fp8\n    kv: fp8\n"
    "    chips: 8\n    batch: 64\n    context: 4096\n---\n\n# Lesson A\n\n"
    "{{ figure frontier x }}\n\n{{ figure roofline x }}\n";
static const char S_lesson_b[] =
    "---\ntitle: Lesson B\norder: 2\nsummary: B.\nscenarios:\n"
    "  y:\n    model: llama-3.1-70b\n    hardware: h100-sxm\n    weights: fp8\n    kv: fp8\n"
    "    chips: 8\n    batch: 64\n    context: 4096\n---\n\n# Lesson B\n\n"
    "{{ figure frontier y }}\n";

static void
S_put(const char *rel, const void *data, size_t len)
{
	char *path = S_path(rel);
	FILE *fp = fopen(path, "wb");

	ck_assert_msg(fp != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	free(path);
}

static char *
S_get(const char *rel, size_t *len)
{
	char *path = S_path(rel), *data = NULL;

	ck_assert_int_eq(util_read_file(path, &data, len), 0);
	free(path);
	return data;
}


static void
S_site(void)
{
	struct site_opts o;
	char *out = S_path("out"), *lessons = S_path("lessons");

	site_opts_defaults(&o);
	o.out_dir = out;
	o.data_dir = "../data";
	o.lessons_dir = lessons;
	o.templates_dir = "../templates";
	o.jobs = 2;
	o.quiet = 1;
	ck_assert_int_eq(site_build(&o), 0);
	free(out);
	free(lessons);
}

static int
S_same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/*
 * A PNG comes from drawing its figure once, shared by the files of the
 * same figure, and a rebuild writes the bytes a cold build writes: a PNG
 * spoilt in out/ (one pixel byte, its frame intact) is redrawn, never
 * kept because its SVG did not change.
 */
START_TEST(test_site_draws_each_figure_once_and_never_keeps_a_stale_png)
{
	const char *pa = "out/charts/a-frontier-x.png", *pb = "out/charts/b-frontier-y.png";
	const char *sa = "out/charts/a-frontier-x.svg";
	char *a0, *b0, *a1, *b1, *svg;
	size_t a0n, b0n, a1n, b1n, svgn;
	char *dir = S_path("lessons");

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(dir);
	S_put("lessons/a.md", S_lesson_a, strlen(S_lesson_a));
	S_put("lessons/b.md", S_lesson_b, strlen(S_lesson_b));
	S_site();
	a0 = S_get(pa, &a0n);
	b0 = S_get(pb, &b0n);
	ck_assert(S_same(a0, a0n, b0, b0n));
	free(b0);
	b0 = S_get("out/charts/b-frontier-y.svg", &b0n);
	svg = S_get(sa, &svgn);
	ck_assert(S_same(svg, svgn, b0, b0n));
	free(b0);

	/* Spoilt, then rebuilt from the same inputs: the first build's bytes
	 * again, in both files of the figure. */
	a0[a0n / 2] ^= 0x55;
	S_put(pa, a0, a0n);
	a0[a0n / 2] ^= 0x55;
	S_site();
	a1 = S_get(pa, &a1n);
	b1 = S_get(pb, &b1n);
	ck_assert(S_same(a1, a1n, a0, a0n));
	ck_assert(S_same(b1, b1n, a0, a0n));
	free(b1);
	free(a1);
	free(a0);
	free(svg);
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
	tcase_add_test(tc, test_sha256_known_answers);
	tcase_add_test(tc, test_stage_manifest_lists_ours_and_carries_the_users);
	tcase_add_test(tc, test_stage_cleans_only_dead_stages);
	suite_add_tcase(s, tc);
	tc = tcase_create("figures");
	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_site_draws_each_figure_once_and_never_keeps_a_stale_png);
	suite_add_tcase(s, tc);
	return s;
}
