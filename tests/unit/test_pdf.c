/*
 * Unit tests of the PDF typesetter: the page-breaking rules on abstract
 * boxes, and whole documents built from tests/fixtures/pdf/.  When
 * $INFERBOOK_PDF_OUT names a folder, the documents are also written there
 * (tests/t_pdf.sh inspects them with poppler-utils).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "pdf.h"
#include "util.h"

#define S_YS "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"

/* pango 1.50 loads the fontconfig configuration on a thread of its own
 * and never frees it; under SAN=1, LeakSanitizer would fail every test
 * that lays out text.  The hook is weak so that another suite (or the
 * runner) may define the same one. */
const char *__lsan_default_suppressions(void);
__attribute__((weak)) const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

const char *__lsan_default_options(void);
__attribute__((weak)) const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

/* ---- page breaking ---- */

static const struct pdf_flow S_flow100 = { 100.0, 2, 1 };

static struct pdf_box
S_lines(size_t n, const double *h)
{
	struct pdf_box b;

	memset(&b, 0, sizeof(b));
	b.kind = PDF_BOX_LINES;
	b.n = n;
	b.h_pt = h;
	return b;
}

static struct pdf_box
S_whole(const double *h, int keep)
{
	struct pdf_box b;

	memset(&b, 0, sizeof(b));
	b.kind = PDF_BOX_WHOLE;
	b.n = 1;
	b.h_pt = h;
	b.keep_with_next = keep;
	return b;
}

static const double ten[40] = {
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	10, 10, 10, 10, 10, 10
};

START_TEST(test_paginate_splits_paragraph_between_lines)
{
	/* 8 lines of 10 after 50 pt: 5 fit, 3 go over. */
	static const double h50 = 50;
	struct pdf_box b[2];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h50, 0);
	b[1] = S_lines(8, ten);
	pdf_paginate(b, 2, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(np, 2);
	ck_assert_uint_eq(ns, 3);
	ck_assert_uint_eq(s[1].from, 0);
	ck_assert_uint_eq(s[1].to, 5);
	ck_assert_double_eq_tol(s[1].y_pt, 50, 1e-9);
	ck_assert_uint_eq(s[2].from, 5);
	ck_assert_uint_eq(s[2].to, 8);
	ck_assert_uint_eq(s[2].page, 1);
	ck_assert_double_eq_tol(s[2].y_pt, 0, 1e-9);
	free(s);
}
END_TEST

START_TEST(test_paginate_widow_pulls_a_line_over)
{
	/* 6 lines after 50 pt: 5 would fit, but 1 alone on the next page is
	 * a widow, so only 4 stay. */
	static const double h50 = 50;
	struct pdf_box b[2];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h50, 0);
	b[1] = S_lines(6, ten);
	pdf_paginate(b, 2, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(ns, 3);
	ck_assert_uint_eq(s[1].to, 4);
	ck_assert_uint_eq(s[2].from, 4);
	ck_assert_uint_eq(s[2].to, 6);
	free(s);
}
END_TEST

START_TEST(test_paginate_orphan_moves_paragraph)
{
	/* After 90 pt only 1 line fits: an orphan, so the paragraph moves. */
	static const double h90 = 90;
	struct pdf_box b[2];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h90, 0);
	b[1] = S_lines(6, ten);
	pdf_paginate(b, 2, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(np, 2);
	ck_assert_uint_eq(ns, 2);
	ck_assert_uint_eq(s[1].page, 1);
	ck_assert_uint_eq(s[1].from, 0);
	ck_assert_uint_eq(s[1].to, 6);
	free(s);
}
END_TEST

START_TEST(test_paginate_three_line_paragraph_never_splits)
{
	/* 3 lines cannot leave 2 + 2: the whole paragraph moves. */
	static const double h80 = 80;
	struct pdf_box b[2];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h80, 0);
	b[1] = S_lines(3, ten);
	pdf_paginate(b, 2, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(ns, 2);
	ck_assert_uint_eq(s[1].page, 1);
	ck_assert_uint_eq(s[1].to, 3);
	free(s);
}
END_TEST

START_TEST(test_paginate_heading_kept_with_next)
{
	/* A heading at 75 pt fits (15), but the 2 lines that must follow it
	 * do not: the heading moves with them. */
	static const double h75 = 75, h15 = 15;
	struct pdf_box b[3];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h75, 0);
	b[1] = S_whole(&h15, 1);
	b[2] = S_lines(6, ten);
	pdf_paginate(b, 3, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(ns, 3);
	ck_assert_uint_eq(s[1].box, 1);
	ck_assert_uint_eq(s[1].page, 1);
	ck_assert_double_eq_tol(s[1].y_pt, 0, 1e-9);
	ck_assert_uint_eq(s[2].page, 1);
	ck_assert_double_eq_tol(s[2].y_pt, 15, 1e-9);
	free(s);
}
END_TEST

START_TEST(test_paginate_heading_chain_moves_together)
{
	/* Two headings in a row then a figure: all three move. */
	static const double h40 = 40, h10 = 10, fig = 45;
	struct pdf_box b[4];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h40, 0);
	b[1] = S_whole(&h10, 1);
	b[2] = S_whole(&h10, 1);
	b[3] = S_whole(&fig, 0);
	pdf_paginate(b, 4, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(ns, 4);
	ck_assert_uint_eq(s[0].page, 0);
	ck_assert_uint_eq(s[1].page, 1);
	ck_assert_uint_eq(s[2].page, 1);
	ck_assert_uint_eq(s[3].page, 1);
	ck_assert_double_eq_tol(s[3].y_pt, 20, 1e-9);
	free(s);
}
END_TEST

START_TEST(test_paginate_space_collapses_and_vanishes_at_top)
{
	static const double h60 = 60;
	struct pdf_box b[3];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h60, 0);
	b[0].after_pt = 6;
	b[1] = S_lines(2, ten);
	b[1].before_pt = 4;
	b[1].after_pt = 8;
	b[2] = S_lines(2, ten);
	b[2].before_pt = 3;
	pdf_paginate(b, 3, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(np, 2);
	ck_assert_double_eq_tol(s[1].y_pt, 66, 1e-9);	/* max(6, 4) */
	ck_assert_uint_eq(s[2].page, 1);
	ck_assert_double_eq_tol(s[2].y_pt, 0, 1e-9);	/* no space at top */
	free(s);
}
END_TEST

START_TEST(test_break_words_every_64_characters)
{
	struct buf b;
	char *want;
	size_t i;

	/* Real text is untouched. */
	buf_init(&b);
	buf_puts(&b, "700\xc2\xa0GB of weights, llama-3.1-70b/h100");
	pdf_break_words(&b, 0);
	buf_putc(&b, '\0');
	ck_assert_str_eq(b.data, "700\xc2\xa0GB of weights, llama-3.1-70b/h100");
	buf_reset(&b);
	/* 150 letters after "ab " whose run began in an earlier node: a
	 * zero-width space after characters 64 and 128 of the run, counting
	 * the multi-byte ones (e with acute) as one. */
	buf_puts(&b, "ab xx");
	i = b.len;
	buf_puts(&b, "\xc3\xa9");
	while (b.len - i < 149)
		buf_putc(&b, 'y');
	pdf_break_words(&b, i);
	buf_putc(&b, '\0');
	want = xasprintf("ab xx\xc3\xa9%.*s\xe2\x80\x8b%.*s\xe2\x80\x8b%.*s", 61, S_YS, 64, S_YS,
	    147 - 61 - 64, S_YS);
	ck_assert_str_eq(b.data, want);
	free(want);
	buf_free(&b);
}
END_TEST

START_TEST(test_paginate_table_moves_whole)
{
	static const double h50 = 50, rows[4] = { 12, 10, 10, 10 };
	struct pdf_box b[2];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h50, 0);
	memset(&b[1], 0, sizeof(b[1]));
	b[1].kind = PDF_BOX_ROWS;
	b[1].n = 4;
	b[1].h_pt = rows;
	b[1].head_rows = 1;
	b[1].before_pt = 10;
	pdf_paginate(b, 2, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(ns, 2);
	ck_assert_uint_eq(s[1].page, 1);
	ck_assert_uint_eq(s[1].from, 0);
	ck_assert_uint_eq(s[1].to, 4);
	free(s);
}
END_TEST

START_TEST(test_paginate_tall_table_repeats_header)
{
	/* 1 header row + 15 rows of 10: 160 pt, taller than a page. */
	double rows[16];
	struct pdf_box b;
	struct pdf_slice *s;
	size_t ns, np, i;

	for (i = 0; i < 16; i++)
		rows[i] = 10;
	memset(&b, 0, sizeof(b));
	b.kind = PDF_BOX_ROWS;
	b.n = 16;
	b.h_pt = rows;
	b.head_rows = 1;
	pdf_paginate(&b, 1, &S_flow100, &s, &ns, &np);
	ck_assert_uint_eq(np, 2);
	ck_assert_uint_eq(ns, 2);
	ck_assert_uint_eq(s[0].from, 0);
	ck_assert_uint_eq(s[0].to, 10);
	ck_assert_int_eq(s[0].repeat_head, 0);
	/* Page 2: header (10) + rows 10..15 (60). */
	ck_assert_uint_eq(s[1].from, 10);
	ck_assert_uint_eq(s[1].to, 16);
	ck_assert_int_eq(s[1].repeat_head, 1);
	free(s);
}
END_TEST

START_TEST(test_paginate_recto_break_leaves_blank_page)
{
	static const double h10 = 10;
	struct pdf_box b[4];
	struct pdf_slice *s;
	size_t ns, np;

	b[0] = S_whole(&h10, 0);
	memset(&b[1], 0, sizeof(b[1]));
	b[1].kind = PDF_BOX_BREAK;
	b[1].recto = 1;
	b[2] = S_whole(&h10, 0);
	b[3] = b[1];
	pdf_paginate(b, 4, &S_flow100, &s, &ns, &np);
	/* page 1 (recto), page 2 blank, page 3 (recto) */
	ck_assert_uint_eq(ns, 2);
	ck_assert_uint_eq(s[0].page, 0);
	ck_assert_uint_eq(s[1].page, 2);
	/* A trailing break opens no empty pages. */
	ck_assert_uint_eq(np, 3);
	free(s);
}
END_TEST

/* ---- documents ---- */

static char *
S_fixture(const char *name)
{
	char *path = xasprintf("fixtures/pdf/%s", name), *data;
	size_t len;

	ck_assert_int_eq(util_read_file(path, &data, &len), 0);
	free(path);
	return data;
}

/* Figures in the tests: bars on two axes. */
static void
S_draw(void *ctx, const char *url, cairo_t *cr, double w, double h)
{
	int i;

	(void)ctx;
	ck_assert_str_eq(url, "chart:roofline");
	cairo_set_source_rgb(cr, 0.2, 0.3, 0.6);
	for (i = 0; i < 6; i++) {
		cairo_rectangle(cr, 20 + i * (w - 40) / 6, h - 20 - (i + 1) * (h - 40) / 7,
		    (w - 40) / 8, (i + 1) * (h - 40) / 7);
		cairo_fill(cr);
	}
	/* No toy-font text here: cairo keeps toy faces for the process,
	 * which LeakSanitizer reports. */
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, 18, 10);
	cairo_line_to(cr, 18, h - 18);
	cairo_line_to(cr, w - 10, h - 18);
	cairo_stroke(cr);
}

/* A long lesson: many paragraphs and a table taller than a page. */
static char *
S_long_md(void)
{
	struct buf b;
	int i;

	buf_init(&b);
	buf_puts(&b, "# Stress\n\n");
	for (i = 1; i <= 30; i++) {
		if (i % 7 == 0)
			buf_printf(&b, "## Section %d\n\n", i);
		buf_printf(&b, "Paragraph %d. The belt moves %d GB in %d.%d ms, which "
		    "is the floor for this step no matter how fast the workers "
		    "are; batching %d users shares one trip of the belt among "
		    "them, so each pays %d.%02d ms of it. This sentence only "
		    "makes the paragraph long enough to wrap several times on "
		    "the page.\n\n", i, 10 * i, i * 3, i % 10, i + 1, i / 2, i % 100);
	}
	buf_puts(&b, "| Batch | Time per step | Tokens per second |\n"
	    "|------:|--------------:|------------------:|\n");
	for (i = 1; i <= 90; i++)
		buf_printf(&b, "| %d | %d.%d ms | %d |\n", i, 209 + i, i % 10,
		    i * 4);
	buf_puts(&b, "\nThe end of the stress lesson: 4242 tokens.\n");
	return buf_take(&b, NULL);
}

struct S_docs {
	char *moving, *cost, *answers, *stress;
	struct pdf_doc d[3];
};

static void
S_docs_load(struct S_docs *s)
{
	s->moving = S_fixture("moving.md");
	s->cost = S_fixture("cost.md");
	s->answers = S_fixture("cost-answers.md");
	s->stress = S_long_md();
	s->d[0] = (struct pdf_doc){ "moving", NULL, s->moving, NULL, 0, 0 };
	s->d[1] = (struct pdf_doc){ "cost", "What a token costs", s->cost, s->answers, 0, 0 };
	s->d[2] = (struct pdf_doc){ "stress", "Stress test", s->stress, NULL, 0, 0 };
}

static void
S_docs_free(struct S_docs *s)
{
	free(s->moving);
	free(s->cost);
	free(s->answers);
	free(s->stress);
}

static void
S_opts(struct pdf_opts *o)
{
	pdf_opts_defaults(o);
	o->title = "How Inference Works";
	o->subtitle = "Moving stuff versus computing stuff";
	o->author = "The inferbook authors";
	o->subject = "LLM inference speed and cost";
	o->date_epoch_s = 1700000000;
	o->draw = S_draw;
}

static void
S_save(const char *name, const struct buf *b)
{
	const char *dir = getenv("INFERBOOK_PDF_OUT");
	char *path;
	FILE *fp;

	if (!dir || !*dir)
		return;
	path = xasprintf("%s/%s", dir, name);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(b->data, 1, b->len, fp), b->len);
	ck_assert_int_eq(fclose(fp), 0);
	free(path);
}

static int
S_contains(const struct buf *b, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return 1;
	return 0;
}

START_TEST(test_pdf_book_is_deterministic)
{
	struct S_docs s;
	struct pdf_opts o;
	struct buf a, b;

	S_docs_load(&s);
	S_opts(&o);
	buf_init(&a);
	buf_init(&b);
	ck_assert_int_eq(pdf_book(&o, s.d, 3, &a), 0);
	ck_assert_int_eq(pdf_book(&o, s.d, 3, &b), 0);
	ck_assert_uint_gt(a.len, 1000);
	ck_assert_int_eq(memcmp(a.data, "%PDF-1.", 7), 0);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert_int_eq(memcmp(a.data, b.data, a.len), 0);
	/* Dates from the options, in PDF date syntax. */
	ck_assert(S_contains(&a, "/CreationDate (20231114221320Z)"));
	ck_assert(S_contains(&a, "/ModDate (20231114221320Z)"));
	ck_assert(S_contains(&a, "/Outlines"));
	S_save("book-a4-none.pdf", &a);
	buf_free(&a);
	buf_free(&b);
	S_docs_free(&s);
}
END_TEST

START_TEST(test_pdf_book_editions_and_papers)
{
	static const struct {
		enum pdf_paper paper;
		enum pdf_answers answers;
		const char *name;
	} ed[] = {
		{ PDF_PAPER_LETTER, PDF_ANSWERS_NONE, "book-letter-none.pdf" },
		{ PDF_PAPER_A4, PDF_ANSWERS_INLINE, "book-a4-inline.pdf" },
		{ PDF_PAPER_A4, PDF_ANSWERS_APPENDIX, "book-a4-appendix.pdf" },
	};
	struct S_docs s;
	struct pdf_opts o;
	struct buf b;
	size_t i;

	S_docs_load(&s);
	for (i = 0; i < sizeof(ed) / sizeof(ed[0]); i++) {
		S_opts(&o);
		o.paper = ed[i].paper;
		o.answers = ed[i].answers;
		buf_init(&b);
		ck_assert_int_eq(pdf_book(&o, s.d, 3, &b), 0);
		S_save(ed[i].name, &b);
		buf_free(&b);
	}
	S_docs_free(&s);
}
END_TEST

START_TEST(test_pdf_handouts)
{
	struct S_docs s;
	struct pdf_opts o;
	struct buf b;

	S_docs_load(&s);
	S_opts(&o);
	o.answers = PDF_ANSWERS_APPENDIX;
	buf_init(&b);
	ck_assert_int_eq(pdf_handout(&o, &s.d[0], &b), 0);
	ck_assert_int_eq(memcmp(b.data, "%PDF-1.", 7), 0);
	S_save("handout-moving.pdf", &b);
	buf_reset(&b);
	ck_assert_int_eq(pdf_handout(&o, &s.d[1], &b), 0);
	S_save("handout-cost.pdf", &b);
	buf_free(&b);
	S_docs_free(&s);
}
END_TEST

START_TEST(test_pdf_date_from_source_date_epoch_never_the_clock)
{
	struct pdf_opts o;
	struct buf b;
	static const struct pdf_doc d = { "x", "X", "Text 1.\n", NULL, 0, 0 };

	const char *env = getenv("SOURCE_DATE_EPOCH");
	char *saved = env ? xstrdup(env) : NULL;

	pdf_opts_defaults(&o);
	buf_init(&b);
	unsetenv("SOURCE_DATE_EPOCH");
	ck_assert_int_eq(pdf_handout(&o, &d, &b), 0);
	ck_assert(!S_contains(&b, "/CreationDate"));
	ck_assert(!S_contains(&b, "/ModDate"));
	buf_reset(&b);
	setenv("SOURCE_DATE_EPOCH", "86400", 1);
	ck_assert_int_eq(pdf_handout(&o, &d, &b), 0);
	ck_assert(S_contains(&b, "/CreationDate (19700102000000Z)"));
	buf_reset(&b);
	o.date_epoch_s = 0;		/* the options win */
	ck_assert_int_eq(pdf_handout(&o, &d, &b), 0);
	ck_assert(S_contains(&b, "/CreationDate (19700101000000Z)"));
	/* Leave the environment as found (CK_FORK=no runs share it). */
	if (saved)
		setenv("SOURCE_DATE_EPOCH", saved, 1);
	else
		unsetenv("SOURCE_DATE_EPOCH");
	free(saved);
	buf_free(&b);
}
END_TEST

START_TEST(test_pdf_leading_h1_is_the_title)
{
	struct pdf_opts o;
	struct buf b;
	static const struct pdf_doc d = { "lead", NULL,
	    "# The *first* `h1`\n\nBody 42.\n", NULL, 0, 0 };
	const char *env = getenv("INFERBOOK_PDF_OUT");
	char *path, *cmd, line[256];
	FILE *fp;

	pdf_opts_defaults(&o);
	buf_init(&b);
	ck_assert_int_eq(pdf_handout(&o, &d, &b), 0);
	/* The outline names the chapter by the H1's whole text, once. */
	ck_assert(S_contains(&b, "/Title (The first h1)"));
	if (env && *env) {
		S_save("lead.pdf", &b);
		path = xasprintf("%s/lead.pdf", env);
		cmd = xasprintf("pdftotext %s - 2>/dev/null | grep -c 'The first h1'", path);
		fp = popen(cmd, "r");
		ck_assert_ptr_nonnull(fp);
		ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
		pclose(fp);
		ck_assert_str_eq(line, "1\n");
		free(cmd);
		free(path);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_pdf_options_parse)
{
	enum pdf_paper p;
	enum pdf_answers a;
	double w, h;

	ck_assert_int_eq(pdf_paper_parse("letter", &p), 0);
	ck_assert_int_eq(p, PDF_PAPER_LETTER);
	ck_assert_int_eq(pdf_paper_parse("A5", &p), -1);
	ck_assert_int_eq(pdf_answers_parse("appendix", &a), 0);
	ck_assert_int_eq(a, PDF_ANSWERS_APPENDIX);
	ck_assert_int_eq(pdf_answers_parse("all", &a), -1);
	pdf_paper_size(PDF_PAPER_A4, &w, &h);
	ck_assert_double_eq_tol(w, 595.276, 0.001);
	ck_assert_double_eq_tol(h, 841.89, 0.001);
}
END_TEST

Suite *pdf_suite(void);

Suite *
pdf_suite(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("paginate");
	TCase *td = tcase_create("documents");

	tcase_add_test(tc, test_paginate_splits_paragraph_between_lines);
	tcase_add_test(tc, test_paginate_widow_pulls_a_line_over);
	tcase_add_test(tc, test_paginate_orphan_moves_paragraph);
	tcase_add_test(tc, test_paginate_three_line_paragraph_never_splits);
	tcase_add_test(tc, test_paginate_heading_kept_with_next);
	tcase_add_test(tc, test_paginate_heading_chain_moves_together);
	tcase_add_test(tc, test_paginate_space_collapses_and_vanishes_at_top);
	tcase_add_test(tc, test_paginate_table_moves_whole);
	tcase_add_test(tc, test_break_words_every_64_characters);
	tcase_add_test(tc, test_paginate_tall_table_repeats_header);
	tcase_add_test(tc, test_paginate_recto_break_leaves_blank_page);
	suite_add_tcase(s, tc);
	tcase_set_timeout(td, 60);
	tcase_add_test(td, test_pdf_book_is_deterministic);
	tcase_add_test(td, test_pdf_book_editions_and_papers);
	tcase_add_test(td, test_pdf_handouts);
	tcase_add_test(td, test_pdf_options_parse);
	tcase_add_test(td, test_pdf_leading_h1_is_the_title);
	tcase_add_test(td, test_pdf_date_from_source_date_epoch_never_the_clock);
	suite_add_tcase(s, td);
	return s;
}
