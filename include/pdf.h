/*
 * pdf.h -- print-ready PDFs of the explainer: the whole book and one
 * handout per lesson, typeset with pango on cairo's PDF surface from the
 * same cmark-gfm tree (GFM tables on) that the HTML pages come from.
 *
 *   pdf_book()     title page, table of contents (with page numbers: the
 *                  layout is done in full before anything is emitted),
 *                  one chapter per document, each starting on a recto page,
 *                  and, for PDF_ANSWERS_APPENDIX, an "Answers" chapter.
 *   pdf_handout()  one lesson: a small masthead, the lesson, its answers
 *                  (inline edition: at the end; appendix: on a new page).
 *
 * Contract
 *  - Input is plain Markdown (lesson_expand's output: numbers already
 *    formatted, no {{ }} left), parsed by md_parse() (md.h), the front end
 *    of the web pages: the same smart punctuation, heading ids and raw-HTML
 *    policy.  Images whose URL starts with "chart:" are figures: the
 *    caller's draw callback paints them as vectors into a w x h pt box
 *    (h = w * figure_aspect); the image's title (else its alt text) is the
 *    caption.  Other images print as a framed box with their caption.  Raw
 *    HTML a lesson opted into (raw_html) is left out; a lesson's raw HTML
 *    that did not opt in prints as code, as the web page shows it.
 *  - Units are PostScript points (1/72 in).  A4 is 595.276 x 841.89 pt,
 *    US Letter 612 x 792 pt.
 *  - Output is appended to a struct buf the caller owns (the site writes
 *    files atomically).  Deterministic: the same inputs and options give
 *    byte-identical PDFs.  The creation/modification date comes from
 *    opts->date_epoch_s, else from $SOURCE_DATE_EPOCH, else it is left out
 *    (never the clock).
 *  - Links: "#anchor" (md_slug() ids, as on the web), "slug.html#anchor",
 *    "slug.html" and "slug#anchor" become internal links when the target is
 *    in the same PDF; "answers.html#anchor" finds the worked answers
 *    wherever the edition sets them; http(s) and mailto links stay
 *    external.  Any other link (another lesson in a handout, a number's
 *    "derivations.html#n-..." link) prints as plain text, so the Markdown
 *    the HTML pages are made from can be passed as it is.
 *  - Numbers: a space between a digit and a letter or '%' is set as a
 *    no-break space ("700 GB" never splits across lines); pdftotext reads
 *    it back as a space.
 *  - Every heading gets a PDF bookmark (outline) and a named destination
 *    "<slug>/<anchor>"; each chapter is "<slug>", its worked answers
 *    "<slug>.answers[/<anchor>]", the book's contents "toc", the appendix
 *    "answers".
 *  - Failure: returns -1 after a diag error (a cairo error); out then
 *    holds a partial PDF that must not be published.  Nothing is printed
 *    on success.  Each call has its own pango font map and cairo surface:
 *    calls share no state of this module.
 */
#ifndef INFERBOOK_PDF_H
#define INFERBOOK_PDF_H

#include <stddef.h>
#include <cairo.h>

struct buf;

enum pdf_paper { PDF_PAPER_A4, PDF_PAPER_LETTER };
/* Worked answers: left out (student edition), after each lesson, or
 * collected in an appendix (teacher editions). */
enum pdf_answers { PDF_ANSWERS_NONE, PDF_ANSWERS_INLINE, PDF_ANSWERS_APPENDIX };

/* Paints the figure `url` ("chart:...") into the box (0,0)-(w_pt,h_pt) of
 * cr (the origin is already translated; the state is saved and restored
 * around the call).  Must not end the page or change the target. */
typedef void (*pdf_draw_fn)(void *ctx, const char *url, cairo_t *cr,
    double w_pt, double h_pt);

struct pdf_opts {
	enum pdf_paper paper;
	enum pdf_answers answers;
	const char *title;		/* book title: title page, running head, /Title */
	const char *subtitle;		/* title page; may be NULL */
	const char *author;		/* /Author, title page; may be NULL */
	const char *subject;		/* /Subject; may be NULL */
	long long date_epoch_s;		/* /CreationDate and /ModDate; < 0: see above */
	const char *edition;		/* "Edition 2, 2026-12-03": the book's title page
					 * and each handout's masthead; NULL: none */
	int justify;			/* 1: justified body text, 0: ragged right */
	double figure_aspect;		/* figure height / width */
	pdf_draw_fn draw;		/* NULL: figures print as framed alt text */
	void *draw_ctx;
};

/* One lesson.  Strings are borrowed for the duration of the call. */
struct pdf_doc {
	const char *slug;		/* [a-z0-9-]+: destination names, links */
	const char *title;		/* chapter title, running head, TOC;
					 * NULL: the body's leading H1, else slug */
	const char *markdown;		/* the expanded lesson body; a leading H1
					 * is taken as the title, not repeated */
	const char *answers_md;		/* its worked answers (a leading H1 is
					 * dropped); NULL or "" if none */
	int raw_html;			/* markdown / answers_md: the lesson opted */
	int answers_raw_html;		/* into raw HTML (md.h: it is left out) */
};

/* Gives pango a break opportunity (a zero-width space, U+200B) after
 * every PDF_MAX_WORD characters of a run without one, in b's bytes from
 * `from` on (the run that ends at `from` counts).  Pango breaks a word
 * wider than the line in time quadratic in its length; real words are
 * far shorter, so real text is unchanged.  b must hold UTF-8. */
#define PDF_MAX_WORD 64
void pdf_break_words(struct buf *b, size_t from);

/* The latest date a PDF can carry: 9999-12-31 23:59:59 UTC. */
#define PDF_MAX_DATE_EPOCH 253402300799LL
/* $SOURCE_DATE_EPOCH for pdf_opts.date_epoch_s: -1 when unset or empty,
 * else whole seconds since 1970 up to PDF_MAX_DATE_EPOCH; anything else
 * (a word, a sign, a year past 9999) is an error naming the variable.
 * 0, or -1 after the diagnostic. */
int pdf_source_date(long long *epoch_s);

/* A4, no answers, title "Untitled", justified, aspect 0.625, no date. */
void pdf_opts_defaults(struct pdf_opts *o);
/* "a4" | "letter" and "none" | "inline" | "appendix": 0, or -1 if unknown. */
int pdf_paper_parse(const char *s, enum pdf_paper *p);
int pdf_answers_parse(const char *s, enum pdf_answers *a);
/* Page size of a paper in points. */
void pdf_paper_size(enum pdf_paper p, double *w_pt, double *h_pt);

/* The whole book (out/explainer.pdf): appends the PDF to out. */
int pdf_book(const struct pdf_opts *o, const struct pdf_doc *docs, size_t n,
    struct buf *out);
/* One lesson's handout (out/handouts/<slug>.pdf): appends the PDF to out. */
int pdf_handout(const struct pdf_opts *o, const struct pdf_doc *doc,
    struct buf *out);

/* ---- Page breaking (exposed so its rules are unit-tested) ----
 *
 * The typesetter turns every block into a box: a run of lines (paragraph,
 * code, list item), a run of table rows, a whole (heading, figure), or a
 * page break.  pdf_paginate() places the boxes on pages of height
 * body_h_pt:
 *  - a LINES box splits only between lines, leaving at least min_lines
 *    (orphans) at a page's foot and min_lines (widows) at the next head;
 *    a box too short to split that way moves whole to the next page;
 *  - a box marked keep_with_next stays on the page of the start of the
 *    next box (a heading is never alone at a page's foot), chains included;
 *  - a ROWS box (table) moves whole to the next page if it does not fit;
 *    only if it is taller than a page does it split between rows, and then
 *    its first head_rows rows are repeated at the top of each part;
 *  - a WHOLE box is never split (if taller than a page, it overflows);
 *  - a BREAK box starts a new page (recto: an odd page, leaving a blank);
 *  - vertical space between boxes is max(after, before) and vanishes at
 *    the top of a page.
 * Pages are numbered from first_page (only its parity matters, for recto
 * breaks). */
enum pdf_box_kind { PDF_BOX_LINES, PDF_BOX_ROWS, PDF_BOX_WHOLE, PDF_BOX_BREAK };

struct pdf_box {
	enum pdf_box_kind kind;
	size_t n;			/* lines or rows; WHOLE: 1 */
	const double *h_pt;		/* n heights (borrowed) */
	double before_pt, after_pt;
	int keep_with_next;
	size_t head_rows;		/* ROWS: header rows to repeat */
	int recto;			/* BREAK: start on an odd page */
};

/* Part [from, to) of box `box` at y_pt (from the top of the text area) of
 * page `page` (0-based from first_page).  For a ROWS part that continues
 * a table, repeat_head says that rows [0, head_rows) are drawn first, at
 * y_pt, and rows [from, to) below them. */
struct pdf_slice {
	size_t box;
	size_t from, to;
	size_t page;
	double y_pt;
	int repeat_head;
};

struct pdf_flow {
	double body_h_pt;
	size_t min_lines;		/* orphans and widows; 2 */
	long first_page;		/* absolute number of page 0 */
};

/* Fills *out (caller frees) with *nout slices in box order and sets
 * *npages (at least 1). */
void pdf_paginate(const struct pdf_box *boxes, size_t n,
    const struct pdf_flow *flow, struct pdf_slice **out, size_t *nout,
    size_t *npages);

#endif
