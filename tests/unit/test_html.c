/*
 * test_html.c -- the Markdown -> HTML writer: a golden page (tables,
 * escaping of raw HTML, quotes, URLs, heading ids, figures) and the
 * errors of chart figures.  REGEN=1 rewrites the golden file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "diag.h"
#include "html.h"
#include "md.h"
#include "util.h"
#include "testutil.h"

Suite *html_suite(void);

#define S_GOLDEN_MD "golden/site/sample.md"
#define S_GOLDEN_HTML "golden/site/sample.html"

static void
S_check_golden(const char *path, const char *got)
{
	char *want;
	size_t len;

	if (getenv("REGEN") != NULL && strcmp(getenv("REGEN"), "1") == 0) {
		FILE *fp = fopen(path, "w");

		ck_assert_ptr_nonnull(fp);
		fputs(got, fp);
		fclose(fp);
		return;
	}
	ck_assert_int_eq(util_read_file(path, &want, &len), 0);
	ck_assert_str_eq(got, want);
	free(want);
}

START_TEST(test_sample_matches_golden)
{
	struct html_opts o = { S_GOLDEN_MD, 0, 0, NULL, NULL, NULL };
	struct html_doc doc;
	struct buf out;
	char *md;
	size_t len;

	ck_assert_int_eq(util_read_file(S_GOLDEN_MD, &md, &len), 0);
	buf_init(&out);
	ck_assert_int_eq(html_render(md, len, &o, &out, &doc), 0);
	buf_putc(&out, '\0');
	S_check_golden(S_GOLDEN_HTML, out.data);
	/* Heading ids are stable and unique; "main" is the page's own. */
	ck_assert_uint_eq(doc.nheadings, 4);
	ck_assert_str_eq(doc.headings[0].id, "the-three-characters");
	ck_assert_int_eq(doc.headings[0].level, 1);
	ck_assert_str_eq(doc.headings[1].id, "whats-in-a-byte");
	/* One front end for web and print: smart punctuation always. */
	ck_assert_str_eq(doc.headings[1].text, "What\xe2\x80\x99s in a \xe2\x80\x9c" "byte\xe2\x80\x9d?");
	ck_assert_str_eq(doc.headings[2].id, "whats-in-a-byte-2");
	ck_assert_str_eq(doc.headings[3].id, "main-2");
	/* No executable markup survives. */
	ck_assert_ptr_null(strstr(out.data, "<script"));
	ck_assert_ptr_null(strstr(out.data, "<div onclick"));
	ck_assert_ptr_null(strstr(out.data, "javascript:"));
	ck_assert_ptr_null(strstr(out.data, "<b>SXM"));
	html_doc_free(&doc);
	buf_free(&out);
	free(md);
}
END_TEST

START_TEST(test_unsafe_lesson_keeps_raw_html)
{
	static const char md[] = "a <b>bold</b>\n\n<div class=\"x\">raw</div>\n";
	struct html_opts o = { "l.md", 0, 1, NULL, NULL, NULL };
	struct buf out;

	buf_init(&out);
	ck_assert_int_eq(html_render(md, strlen(md), &o, &out, NULL), 0);
	ck_assert_str_eq(out.data, "<p>a <b>bold</b></p>\n<div class=\"x\">raw</div>\n");
	buf_free(&out);
}
END_TEST

static int
S_fig(void *arg, const struct srcpos *pos, const char *name, const char *alt,
    const char *caption, struct buf *out)
{
	(void)pos;
	(*(int *)arg)++;
	if (strcmp(name, "fail") == 0) {
		diag_error(pos, "no such chart '%s'", name);
		return -1;
	}
	html_figure(out, name, alt, caption, 640, 400);
	return 0;
}

static const struct { const char *md, *want; int rc; } S_fig_cases[] = {
	{ "x\n\n![A \"q\" <alt>](chart:kv-crossover 'Cap & more')\n",
	  "<p>x</p>\n<figure class=\"chart\" id=\"fig-kv-crossover\">\n<a href=\"charts/kv-crossover.png\">"
	  "<img src=\"charts/kv-crossover.svg\" alt=\"A \xe2\x80\x9cq\xe2\x80\x9d &lt;alt&gt;\" width=\"640\" height=\"400\"></a>\n"
	  "<figcaption>Cap &amp; more</figcaption>\n</figure>\n", 0 },
	{ "![alt](chart:ok)\n", "<figure class=\"chart\" id=\"fig-ok\">\n<a href=\"charts/ok.png\">"
	  "<img src=\"charts/ok.svg\" alt=\"alt\" width=\"640\" height=\"400\"></a>\n</figure>\n", 0 },
	{ "\n\ntext ![alt](chart:ok) more\n", "l.md:12:1: error: chart 'ok' must stand alone in its paragraph\n", -1 },
	{ "![alt](chart:../../etc)\n", "l.md:10:1: error: bad chart name '../../etc' (want [a-z0-9-]+)\n", -1 },
	{ "![alt](chart:fail)\n", "l.md:10:1: error: no such chart 'fail'\n", -1 },
};

START_TEST(test_chart_figures)
{
	struct html_opts o = { "l.md", 9, 0, S_fig, NULL, NULL };
	struct buf out;
	struct tu_capture c;
	char *diags;
	int calls = 0, rc;

	o.figure_arg = &calls;
	tu_capture_start(&c);
	buf_init(&out);
	rc = html_render(S_fig_cases[_i].md, strlen(S_fig_cases[_i].md), &o, &out, NULL);
	diags = tu_capture_end(&c);
	ck_assert_int_eq(rc, S_fig_cases[_i].rc);
	buf_putc(&out, '\0');
	ck_assert_str_eq(rc == 0 ? out.data : diags, S_fig_cases[_i].want);
	buf_free(&out);
	free(diags);
}
END_TEST

START_TEST(test_slugs)
{
	static const char *const cases[][2] = {
		{ "Why generation is bandwidth-bound", "why-generation-is-bandwidth-bound" },
		{ "  KV cache: 70,272 bytes  ", "kv-cache-70-272-bytes" },
		{ "Ça va?", "a-va" },
		{ "???", "section" },
		{ "It's max(move, compute)", "its-max-move-compute" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = html_slug(cases[i][0]);

		ck_assert_str_eq(s, cases[i][1]);
		free(s);
	}
}
END_TEST

/* md.h: one front end for web and print. */
START_TEST(test_md_one_anchor_rule_and_smart_punctuation)
{
	static const char text[] = "## Prefill & decode\n\n## Prefill & decode\n\n# Main\n";
	struct md_opts o = { "l.md", 0, 0, NULL };
	struct md_doc d;
	char *s;

	ck_assert_int_eq(md_parse(text, strlen(text), &o, &d), 0);
	ck_assert_uint_eq(d.nheadings, 3);
	ck_assert_str_eq(d.headings[0].id, "prefill-decode");	/* not prefill--decode */
	ck_assert_str_eq(d.headings[1].id, "prefill-decode-2");	/* not -1 */
	ck_assert_str_eq(d.headings[2].id, "main-2");		/* the page's own id */
	md_doc_free(&d);

	s = md_smart("  It's \"x\" -- y --- z...\n 1. - # <b> ");
	ck_assert_str_eq(s, "It\xe2\x80\x99s \xe2\x80\x9cx\xe2\x80\x9d \xe2\x80\x93 y "
	    "\xe2\x80\x94 z\xe2\x80\xa6 1. - # <b>");
	free(s);
	s = md_smart("- 1. not a list");
	ck_assert_str_eq(s, "- 1. not a list");
	free(s);
	s = md_smart("12. not a list either");
	ck_assert_str_eq(s, "12. not a list either");
	free(s);
}
END_TEST

Suite *
html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");

	tcase_add_test(tc, test_sample_matches_golden);
	tcase_add_test(tc, test_unsafe_lesson_keeps_raw_html);
	tcase_add_test(tc, test_md_one_anchor_rule_and_smart_punctuation);
	tcase_add_loop_test(tc, test_chart_figures, 0,
	    (int)(sizeof(S_fig_cases) / sizeof(S_fig_cases[0])));
	tcase_add_test(tc, test_slugs);
	suite_add_tcase(s, tc);
	return s;
}
