/*
 * pdf_int.h -- what the files of src/pdf share (not a public contract):
 * the look, the items a document is typeset into, and the typesetter's
 * state.  typeset.c fills the items; pdf.c draws them.
 */
#ifndef INFERBOOK_PDF_INT_H
#define INFERBOOK_PDF_INT_H

#include <stddef.h>
#include <pango/pangocairo.h>

#include "util.h"

struct md_doc;

/* ---- the look ---- */

#define PDF_BODY_FONT	"DejaVu Serif 10.5"
#define PDF_SANS		"DejaVu Sans"
#define PDF_MONO_FONT	"DejaVu Sans Mono 8.5"
#define PDF_TABLE_FONT	"DejaVu Sans 8.8"
#define PDF_CAPTION_FONT	"DejaVu Sans Oblique 8.8"
#define PDF_HEAD_FONT	"DejaVu Sans 8"
#define PDF_LEADING	1.18	/* baseline distance / line height, body */
#define PDF_PARA_GAP	6.5	/* between paragraphs, pt */
#define PDF_LIST_INDENT	18.0
#define PDF_QUOTE_INDENT	14.0
#define PDF_CODE_PAD	6.0
#define PDF_CELL_PADX	5.0
#define PDF_CELL_PADY	2.6

/* Margins, pt: the inner (binding) margin is the larger one. */
#define PDF_M_TOP		66.0
#define PDF_M_BOTTOM	66.0
#define PDF_M_INNER	76.0
#define PDF_M_OUTER	56.0

/* ---- items ---- */

struct pdf_link {
	int a, b;		/* byte range in the layout's text */
	char *url;
};

/* A laid-out block of text, measured line by line. */
struct pdf_tl {
	PangoLayout *lay;
	size_t n;
	double *h, *base, *x;	/* per line: height, baseline, left offset */
	struct pdf_link *links;
	size_t nlinks;
	double height;
};

enum pdf_itype {
	PDF_I_TEXT, PDF_I_CODE, PDF_I_RULE, PDF_I_TABLE, PDF_I_FIGURE, PDF_I_BREAK, PDF_I_TOCENT
};

struct pdf_item {
	enum pdf_itype type;
	int chap;		/* chapter index, -1: front matter */
	double indent;		/* from the text area's left edge */
	double width;
	double bar_x;		/* block quote bar, relative; < 0: none */
	double before, after;
	int keep, recto;
	struct pdf_tl tl;
	PangoLayout *marker;	/* list bullet/number */
	int level;		/* heading: 0 chapter, 1..; -1 not a heading */
	char *dest;		/* heading destination name */
	char *plain;		/* heading text for TOC and outline */
	/* table */
	size_t rows, cols, head_rows;
	struct pdf_tl *cells;
	double *colw, *rowh;
	/* figure */
	char *url;
	double fig_h;
	/* TOC entry: the heading item it points at */
	size_t target;
	double whole_h;		/* WHOLE boxes: their height */
};

struct pdf_chap {
	char *title;
	char *slug;
};

struct pdf_ts {
	const struct pdf_opts *o;
	double pw, ph, tw, th;	/* page and text area, pt */
	PangoFontMap *fm;
	PangoContext *pc;
	PangoFontDescription *f_body, *f_mono, *f_table, *f_caption, *f_head;
	struct pdf_item *it;
	size_t nit, capit;
	struct pdf_chap *chaps;
	size_t nchaps;
	int chap;
	const char *slug;	/* the lesson being read: link resolution */
	char *prefix;		/* destination prefix for its headings */
	const struct md_doc *md;	/* the document being read */
	int hshift;		/* added to Markdown heading levels */
	int skip_first_h1;	/* the first H1 is the chapter title */
	const char *marker;	/* list marker waiting for its first block */
	int failed;
};

/* ---- typeset.c ---- */

struct pdf_doc;
struct pdf_box;
/* A new item of the current chapter, full width (t->it may move). */
struct pdf_item *pdf_ts_new_item(struct pdf_ts *t, enum pdf_itype type);
/* Headings that follow get destinations "PREFIX/ANCHOR". */
void pdf_ts_set_prefix(struct pdf_ts *t, const char *prefix);
PangoLayout *pdf_ts_layout(struct pdf_ts *t, const PangoFontDescription *fd, double width,
    double spacing);
void pdf_ts_tl_free(struct pdf_tl *tl);
/* tl: `text` (not Markup) in one font, measured. */
void pdf_ts_tl_plain(struct pdf_ts *t, struct pdf_tl *tl, const char *text,
    const PangoFontDescription *fd, double width, PangoAlignment align);
/* A heading item of plain text at level lvl (0: chapter) with destination dest. */
void pdf_ts_plain_heading(struct pdf_ts *t, const char *text, int lvl, const char *dest);
/* One lesson as a chapter (its answers too, when the edition sets them inline). */
int pdf_ts_chapter(struct pdf_ts *t, const struct pdf_doc *d, int handout);
/* The book's "Answers" chapter. */
int pdf_ts_appendix(struct pdf_ts *t, const struct pdf_doc *docs, size_t n);
/* The boxes of items [from, to) into bx. */
void pdf_ts_boxes(struct pdf_ts *t, size_t from, size_t to, struct pdf_box *bx);

#endif
