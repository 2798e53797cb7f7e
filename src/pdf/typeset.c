/*
 * typeset.c -- the first half of the typesetter: the cmark-gfm tree of
 * each document -> items (pango layouts measured line by line) -> boxes
 * for pdf_paginate().  Nothing here draws; pdf.c emits the pages.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "diag.h"
#include "md.h"
#include "pdf.h"
#include "pdf_int.h"
#include "util.h"
struct S_bctx {
	double indent;
	double bar_x;
	int depth;		/* list nesting */
	int tight;
	int quote;
};

/* ---- small helpers ---- */

struct pdf_item *
pdf_ts_new_item(struct pdf_ts *t, enum pdf_itype type)
{
	struct pdf_item *it;

	if (t->nit == t->capit) {
		t->capit = t->capit ? t->capit * 2 : 128;
		t->it = xreallocarray(t->it, t->capit, sizeof(*t->it));
	}
	it = &t->it[t->nit++];
	memset(it, 0, sizeof(*it));
	it->type = type;
	it->chap = t->chap;
	it->level = -1;
	it->bar_x = -1;
	it->width = t->tw;
	return it;
}

/* The destination of a heading of the Markdown being read: the prefix
 * (the lesson's slug, or "<slug>.answers") and the front end's id, so
 * that "#id" means the same heading on the web page and in print. */
static char *
S_dest(struct pdf_ts *t, cmark_node *node)
{
	const struct md_heading *h = t->md != NULL ? md_heading_of(t->md, node) : NULL;

	return xasprintf("%s/%s", t->prefix, h != NULL ? h->id : "section");
}

void
pdf_ts_set_prefix(struct pdf_ts *t, const char *prefix)
{
	free(t->prefix);
	t->prefix = xstrdup(prefix);
}

/* ---- text layouts ---- */

PangoLayout *
pdf_ts_layout(struct pdf_ts *t, const PangoFontDescription *fd, double width,
    double spacing)
{
	PangoLayout *l = pango_layout_new(t->pc);

	pango_layout_set_font_description(l, fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	if (spacing > 0)
		pango_layout_set_line_spacing(l, (float)spacing);
	return l;
}

/* Records the lines of tl->lay: heights from one line top to the next so
 * that the leading belongs to the line above. */
static void
S_measure(struct pdf_tl *tl)
{
	PangoLayoutIter *iter;
	PangoRectangle log;
	size_t i = 0;
	int y0, y1;
	double *top;

	free(tl->h);
	free(tl->base);
	free(tl->x);
	tl->n = (size_t)pango_layout_get_line_count(tl->lay);
	tl->h = xcalloc(tl->n + 1, sizeof(double));
	tl->base = xcalloc(tl->n + 1, sizeof(double));
	tl->x = xcalloc(tl->n + 1, sizeof(double));
	top = xcalloc(tl->n + 1, sizeof(double));
	iter = pango_layout_get_iter(tl->lay);
	do {
		pango_layout_iter_get_line_yrange(iter, &y0, &y1);
		pango_layout_iter_get_line_extents(iter, NULL, &log);
		top[i] = (double)y0 / PANGO_SCALE;
		tl->h[i] = (double)(y1 - y0) / PANGO_SCALE;
		tl->base[i] = (double)(pango_layout_iter_get_baseline(iter) - y0) /
		    PANGO_SCALE;
		tl->x[i] = (double)log.x / PANGO_SCALE;
		i++;
	} while (i < tl->n && pango_layout_iter_next_line(iter));
	pango_layout_iter_free(iter);
	for (i = 0; i + 1 < tl->n; i++)
		tl->h[i] = top[i + 1] - top[i];
	tl->height = 0;
	for (i = 0; i < tl->n; i++)
		tl->height += tl->h[i];
	free(top);
}

void
pdf_ts_tl_free(struct pdf_tl *tl)
{
	size_t i;

	if (tl->lay)
		g_object_unref(tl->lay);
	free(tl->h);
	free(tl->base);
	free(tl->x);
	for (i = 0; i < tl->nlinks; i++)
		free(tl->links[i].url);
	free(tl->links);
	memset(tl, 0, sizeof(*tl));
}

/* Text plus attributes gathered from inline nodes. */
struct S_inl {
	struct buf text;
	PangoAttrList *attrs;
	struct pdf_link *links;
	size_t nlinks;
};

static void
S_attr(struct S_inl *in, PangoAttribute *a, size_t start)
{
	a->start_index = (guint)start;
	a->end_index = (guint)in->text.len;
	pango_attr_list_insert(in->attrs, a);
}

/* Whether the word at s looks like a unit: "GB", "ms", "TB/s",
 * "tokens/s", "%" -- short, or with a slash.  Binding a number to a long
 * word ("295 operations") would leave wide gaps in justified lines. */
static int
S_unit_like(const char *s)
{
	size_t k = 0;
	int slash = 0;

	if (*s == '%')
		return 1;
	for (; isalpha((unsigned char)s[k]) || s[k] == '/'; k++)
		if (s[k] == '/')
			slash = 1;
	return k > 0 && (k <= 6 || slash);
}

/* Appends text, binding a number to its unit ("700 GB", "3.35 TB/s")
 * with a no-break space so a line never ends between them; pdftotext
 * still reads it as a space. */
static void
S_text(struct S_inl *in, const char *s)
{
	for (; *s; s++) {
		char prev = in->text.len ? in->text.data[in->text.len - 1] : 0;

		if (*s == ' ' && prev >= '0' && prev <= '9' && S_unit_like(s + 1))
			buf_puts(&in->text, "\xc2\xa0");
		else
			buf_putc(&in->text, *s);
	}
}

static void
S_inline(struct pdf_ts *t, cmark_node *parent, struct S_inl *in)
{
	cmark_node *n;
	size_t start;

	for (n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		const char *lit = cmark_node_get_literal(n);
		const char *ts = cmark_node_get_type_string(n);

		start = in->text.len;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
			S_text(in, lit ? lit : "");
			pdf_break_words(&in->text, start);
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_putc(&in->text, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_puts(&in->text, "\xe2\x80\xa8");	/* U+2028 */
			break;
		case CMARK_NODE_CODE:
			buf_puts(&in->text, lit ? lit : "");
			pdf_break_words(&in->text, start);
			S_attr(in, pango_attr_family_new("DejaVu Sans Mono"), start);
			S_attr(in, pango_attr_scale_new(0.88), start);
			break;
		case CMARK_NODE_EMPH:
			S_inline(t, n, in);
			S_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start);
			break;
		case CMARK_NODE_STRONG:
			S_inline(t, n, in);
			S_attr(in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start);
			break;
		case CMARK_NODE_LINK:
			S_inline(t, n, in);
			S_attr(in, pango_attr_foreground_new(0x1400, 0x3c00, 0x8c00),
			    start);
			in->links = xreallocarray(in->links, in->nlinks + 1,
			    sizeof(*in->links));
			in->links[in->nlinks].a = (int)start;
			in->links[in->nlinks].b = (int)in->text.len;
			in->links[in->nlinks].url =
			    xstrdup(cmark_node_get_url(n) ? cmark_node_get_url(n) : "");
			in->nlinks++;
			break;
		case CMARK_NODE_IMAGE:
			S_inline(t, n, in);
			break;
		case CMARK_NODE_HTML_INLINE:
			break;
		default:
			S_inline(t, n, in);
			if (ts && strcmp(ts, "strikethrough") == 0)
				S_attr(in, pango_attr_strikethrough_new(TRUE), start);
			break;
		}
	}
}

static void
S_inl_init(struct S_inl *in)
{
	buf_init(&in->text);
	in->attrs = pango_attr_list_new();
	in->links = NULL;
	in->nlinks = 0;
}

/* Makes tl from gathered inline text (taking the links). */
static void
S_tl_from_inl(struct pdf_ts *t, struct pdf_tl *tl, struct S_inl *in,
    const PangoFontDescription *fd, double width, double spacing,
    PangoAlignment align, int justify)
{
	tl->lay = pdf_ts_layout(t, fd, width, spacing);
	pango_layout_set_text(tl->lay, in->text.data ? in->text.data : "",
	    (int)in->text.len);
	pango_layout_set_attributes(tl->lay, in->attrs);
	pango_layout_set_alignment(tl->lay, align);
	pango_layout_set_justify(tl->lay, justify);
	tl->links = in->links;
	tl->nlinks = in->nlinks;
	in->links = NULL;
	in->nlinks = 0;
	S_measure(tl);
}

static void
S_inl_free(struct S_inl *in)
{
	size_t i;

	buf_free(&in->text);
	pango_attr_list_unref(in->attrs);
	for (i = 0; i < in->nlinks; i++)
		free(in->links[i].url);
	free(in->links);
}

void
pdf_ts_tl_plain(struct pdf_ts *t, struct pdf_tl *tl, const char *text,
    const PangoFontDescription *fd, double width, PangoAlignment align)
{
	tl->lay = pdf_ts_layout(t, fd, width, 0);
	pango_layout_set_text(tl->lay, text, -1);
	pango_layout_set_alignment(tl->lay, align);
	S_measure(tl);
}

/* ---- blocks ---- */

static void S_blocks(struct pdf_ts *, cmark_node *, const struct S_bctx *);

static void
S_take_marker(struct pdf_ts *t, struct pdf_item *it)
{
	if (!t->marker)
		return;
	it->marker = pdf_ts_layout(t, t->f_body, 0, 0);
	pango_layout_set_text(it->marker, t->marker, -1);
	t->marker = NULL;
}

/* A new item for a block inside bc: its indent, width and quote bar, and
 * the list marker waiting for the block's first line. */
static struct pdf_item *
S_block_item(struct pdf_ts *t, enum pdf_itype type, const struct S_bctx *bc)
{
	struct pdf_item *it = pdf_ts_new_item(t, type);

	it->indent = bc->indent;
	it->width = t->tw - bc->indent;
	it->bar_x = bc->bar_x;
	S_take_marker(t, it);
	return it;
}

static struct pdf_item *
S_paragraph(struct pdf_ts *t, cmark_node *node, const struct S_bctx *bc)
{
	struct pdf_item *it = S_block_item(t, PDF_I_TEXT, bc);
	struct S_inl in;
	PangoFontDescription *fd = t->f_body;

	it->after = bc->depth > 0 && bc->tight ? 2.5 : PDF_PARA_GAP;
	S_inl_init(&in);
	S_inline(t, node, &in);
	if (bc->quote) {
		fd = pango_font_description_copy(t->f_body);
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	}
	S_tl_from_inl(t, &it->tl, &in, fd, it->width, PDF_LEADING,
	    PANGO_ALIGN_LEFT, t->o->justify);
	if (fd != t->f_body)
		pango_font_description_free(fd);
	S_inl_free(&in);
	return it;
}

static const double S_head_pt[] = { 20.0, 14.0, 12.0, 10.5, 10.5, 10.5 };
static const double S_head_before[] = { 0, 16, 12, 10, 10, 10 };
static const double S_head_after[] = { 16, 6, 4, 3, 3, 3 };

/* A heading item at effective level lvl (0 = chapter) from inline text. */
static struct pdf_item *
S_heading_item(struct pdf_ts *t, struct S_inl *in, int lvl, char *dest)
{
	struct pdf_item *it = pdf_ts_new_item(t, PDF_I_TEXT);
	PangoFontDescription *fd;
	size_t i;

	if (lvl > 5)
		lvl = 5;
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, PDF_SANS);
	pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_font_description_set_size(fd, (gint)(S_head_pt[lvl] * PANGO_SCALE));
	it->level = lvl;
	it->keep = 1;
	it->before = S_head_before[lvl];
	it->after = S_head_after[lvl];
	it->dest = dest;
	it->plain = xstrdup(in->text.data ? in->text.data : "");
	/* An outline entry is one line. */
	for (i = 0; it->plain[i]; i++)
		if ((unsigned char)it->plain[i] == 0xe2 &&
		    strncmp(it->plain + i, "\xe2\x80\xa8", 3) == 0)
			memcpy(it->plain + i, "  \x20", 3);
	S_tl_from_inl(t, &it->tl, in, fd, t->tw, 1.1, PANGO_ALIGN_LEFT, 0);
	pango_font_description_free(fd);
	return it;
}

static void
S_heading(struct pdf_ts *t, cmark_node *node)
{
	struct S_inl in;
	int md = cmark_node_get_heading_level(node), lvl;

	if (t->skip_first_h1 && md == 1) {
		t->skip_first_h1 = 0;
		return;
	}
	t->skip_first_h1 = 0;
	lvl = (md <= 1 ? 1 : md - 1) + t->hshift;
	S_inl_init(&in);
	S_inline(t, node, &in);
	S_heading_item(t, &in, lvl, S_dest(t, node));
	S_inl_free(&in);
}

static void
S_code(struct pdf_ts *t, cmark_node *node, const struct S_bctx *bc)
{
	struct pdf_item *it = S_block_item(t, PDF_I_CODE, bc);
	const char *lit = cmark_node_get_literal(node);
	size_t len = lit ? strlen(lit) : 0;

	it->before = 10;
	it->after = 10;
	while (len > 0 && lit[len - 1] == '\n')
		len--;
	it->tl.lay = pdf_ts_layout(t, t->f_mono, it->width - 2 * PDF_CODE_PAD, 0);
	pango_layout_set_wrap(it->tl.lay, PANGO_WRAP_CHAR);
	pango_layout_set_text(it->tl.lay, len ? lit : " ", len ? (int)len : 1);
	S_measure(&it->tl);
}

static double
S_tl_width(struct pdf_tl *tl)
{
	PangoRectangle log;

	pango_layout_get_extents(tl->lay, NULL, &log);
	return (double)log.width / PANGO_SCALE;
}

static void
S_table(struct pdf_ts *t, cmark_node *node, const struct S_bctx *bc)
{
	struct pdf_item *it = S_block_item(t, PDF_I_TABLE, bc);
	uint16_t ncols = cmark_gfm_extensions_get_table_columns(node);
	uint8_t *al = cmark_gfm_extensions_get_table_alignments(node);
	cmark_node *row, *cell;
	size_t r, c, nrows = 0;
	double *nat, *mn, W, sn = 0, sm = 0;
	PangoFontDescription *bold;

	it->before = 8;
	it->after = 10;
	for (row = cmark_node_first_child(node); row; row = cmark_node_next(row))
		nrows++;
	it->rows = nrows;
	it->cols = ncols ? ncols : 1;
	it->cells = xcalloc(nrows * it->cols, sizeof(*it->cells));
	it->colw = xcalloc(it->cols, sizeof(double));
	it->rowh = xcalloc(nrows ? nrows : 1, sizeof(double));
	nat = xcalloc(it->cols, sizeof(double));
	mn = xcalloc(it->cols, sizeof(double));
	bold = pango_font_description_copy(t->f_table);
	pango_font_description_set_weight(bold, PANGO_WEIGHT_BOLD);
	r = 0;
	for (row = cmark_node_first_child(node); row; row = cmark_node_next(row), r++) {
		int head = cmark_gfm_extensions_get_table_row_is_header(row);

		if (head && r == it->head_rows)
			it->head_rows++;
		c = 0;
		for (cell = cmark_node_first_child(row); cell && c < it->cols;
		    cell = cmark_node_next(cell), c++) {
			struct pdf_tl *tl = &it->cells[r * it->cols + c];
			struct S_inl in;
			PangoAlignment pa = PANGO_ALIGN_LEFT;
			double w;

			if (al && al[c] == 'r')
				pa = PANGO_ALIGN_RIGHT;
			else if (al && al[c] == 'c')
				pa = PANGO_ALIGN_CENTER;
			S_inl_init(&in);
			S_inline(t, cell, &in);
			S_tl_from_inl(t, tl, &in, head ? bold : t->f_table, 0, 0,
			    pa, 0);
			S_inl_free(&in);
			w = S_tl_width(tl) + 2 * PDF_CELL_PADX;
			if (w > nat[c])
				nat[c] = w;
			/* Narrowest: every word on its own line. */
			pango_layout_set_width(tl->lay, 1);
			pango_layout_set_wrap(tl->lay, PANGO_WRAP_WORD);
			w = S_tl_width(tl) + 2 * PDF_CELL_PADX;
			if (w > mn[c])
				mn[c] = w;
		}
		/* Short rows get empty cells. */
		for (; c < it->cols; c++)
			pdf_ts_tl_plain(t, &it->cells[r * it->cols + c], "", t->f_table, 0,
			    PANGO_ALIGN_LEFT);
	}
	W = it->width;
	for (c = 0; c < it->cols; c++) {
		sn += nat[c];
		sm += mn[c];
	}
	for (c = 0; c < it->cols; c++) {
		if (sn <= W)
			it->colw[c] = nat[c];
		else if (sm <= W && sn > sm)
			it->colw[c] = mn[c] + (W - sm) * (nat[c] - mn[c]) / (sn - sm);
		else
			it->colw[c] = mn[c] * W / sm;
	}
	for (r = 0; r < nrows; r++) {
		double h = 0;

		for (c = 0; c < it->cols; c++) {
			struct pdf_tl *tl = &it->cells[r * it->cols + c];

			pango_layout_set_width(tl->lay,
			    (int)((it->colw[c] - 2 * PDF_CELL_PADX) * PANGO_SCALE));
			pango_layout_set_wrap(tl->lay, PANGO_WRAP_WORD_CHAR);
			S_measure(tl);
			if (tl->height > h)
				h = tl->height;
		}
		it->rowh[r] = h + 2 * PDF_CELL_PADY;
	}
	pango_font_description_free(bold);
	free(nat);
	free(mn);
}

/* A paragraph that holds one image and nothing else is a figure. */
static cmark_node *
S_figure_image(cmark_node *para)
{
	cmark_node *n, *img = NULL;

	for (n = cmark_node_first_child(para); n; n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) == CMARK_NODE_IMAGE && !img) {
			img = n;
			continue;
		}
		if (cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK)
			continue;
		if (cmark_node_get_type(n) == CMARK_NODE_TEXT) {
			const char *s = cmark_node_get_literal(n);

			while (s && (*s == ' ' || *s == '\t'))
				s++;
			if (!s || !*s)
				continue;
		}
		return NULL;
	}
	return img;
}

static void
S_figure(struct pdf_ts *t, cmark_node *img, const struct S_bctx *bc)
{
	struct pdf_item *it = pdf_ts_new_item(t, PDF_I_FIGURE);
	struct S_inl in;
	const char *title = cmark_node_get_title(img);

	it->indent = bc->indent;
	it->width = t->tw - bc->indent;
	it->before = 10;
	it->after = 12;
	it->url = xstrdup(cmark_node_get_url(img) ? cmark_node_get_url(img) : "");
	/* The site writes ![alt](chart:ID "caption"): the caption is what
	 * the page shows under the figure; the alt text is the fallback. */
	S_inl_init(&in);
	if (title && *title)
		buf_puts(&in.text, title);
	else
		S_inline(t, img, &in);
	S_tl_from_inl(t, &it->tl, &in, t->f_caption, it->width, 0,
	    PANGO_ALIGN_CENTER, 0);
	S_inl_free(&in);
	it->fig_h = it->width * t->o->figure_aspect;
	if (it->fig_h + 6 + it->tl.height > t->th)
		it->fig_h = t->th - 6 - it->tl.height - 1;
	it->whole_h = it->fig_h + 6 + it->tl.height;
}

/* A paragraph that introduces what follows ("Things to remember:", a
 * list item's lead-in to its sublist) stays on the page of its start. */
static void
S_keep_intro(struct pdf_ts *t, cmark_node *node)
{
	cmark_node *prev = cmark_node_previous(node);
	struct pdf_item *it;
	const char *txt;
	size_t len;

	if (!prev || cmark_node_get_type(prev) != CMARK_NODE_PARAGRAPH ||
	    t->nit == 0)
		return;
	it = &t->it[t->nit - 1];
	if (it->type != PDF_I_TEXT || it->level >= 0 || !it->tl.lay)
		return;
	txt = pango_layout_get_text(it->tl.lay);
	len = strlen(txt);
	while (len > 0 && txt[len - 1] == ' ')
		len--;
	if (cmark_node_get_type(node) == CMARK_NODE_LIST ||
	    (len > 0 && txt[len - 1] == ':'))
		it->keep = 1;
}

static void
S_block(struct pdf_ts *t, cmark_node *node, const struct S_bctx *bc)
{
	const char *ts = cmark_node_get_type_string(node);
	struct S_bctx sub = *bc;
	cmark_node *c, *img;
	size_t first, k;
	int start;

	if (cmark_node_get_type(node) != CMARK_NODE_HEADING)
		t->skip_first_h1 = 0;
	S_keep_intro(t, node);
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_PARAGRAPH:
		if ((img = S_figure_image(node)) != NULL && !t->marker)
			S_figure(t, img, bc);
		else
			S_paragraph(t, node, bc);
		return;
	case CMARK_NODE_HEADING:
		S_heading(t, node);
		return;
	case CMARK_NODE_CODE_BLOCK:
		S_code(t, node, bc);
		return;
	case CMARK_NODE_THEMATIC_BREAK: {
		struct pdf_item *it = pdf_ts_new_item(t, PDF_I_RULE);

		it->before = it->after = 12;
		it->whole_h = 1;
		return;
	}
	case CMARK_NODE_HTML_BLOCK:
		return;
	case CMARK_NODE_BLOCK_QUOTE:
		sub.bar_x = bc->indent + 2;
		sub.indent = bc->indent + PDF_QUOTE_INDENT;
		sub.quote = 1;
		first = t->nit;
		S_blocks(t, node, &sub);
		if (t->nit > first) {
			if (t->it[first].before < 8)
				t->it[first].before = 8;
			if (t->it[t->nit - 1].after < 8)
				t->it[t->nit - 1].after = 8;
		}
		return;
	case CMARK_NODE_LIST: {
		int ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
		static const char *const bullets[] = {
			"\xe2\x80\xa2", "\xe2\x80\x93", "\xe2\x97\xa6"
		};
		char mark[32];

		sub.indent = bc->indent + PDF_LIST_INDENT;
		sub.depth = bc->depth + 1;
		sub.tight = cmark_node_get_list_tight(node);
		start = cmark_node_get_list_start(node);
		first = t->nit;
		for (c = cmark_node_first_child(node), k = 0; c;
		    c = cmark_node_next(c), k++) {
			if (ordered)
				snprintf(mark, sizeof(mark), "%ld.", (long)start + (long)k);
			else
				snprintf(mark, sizeof(mark), "%s",
				    bullets[(size_t)bc->depth % 3]);
			t->marker = mark;
			S_blocks(t, c, &sub);
			t->marker = NULL;
		}
		if (t->nit > first && t->it[t->nit - 1].after < PDF_PARA_GAP)
			t->it[t->nit - 1].after = PDF_PARA_GAP;
		return;
	}
	default:
		if (ts && strcmp(ts, "table") == 0) {
			S_table(t, node, bc);
			return;
		}
		S_blocks(t, node, bc);
		return;
	}
}

static void
S_blocks(struct pdf_ts *t, cmark_node *parent, const struct S_bctx *bc)
{
	cmark_node *n;

	for (n = cmark_node_first_child(parent); n; n = cmark_node_next(n))
		S_block(t, n, bc);
}

/* Adds the blocks of a document parsed by the front end.  The first H1
 * is the chapter title when skip_first_h1 is set. */
static void
S_markdown(struct pdf_ts *t, const struct md_doc *md)
{
	struct S_bctx bc = { 0, -1, 0, 0, 0 };

	t->md = md;
	S_blocks(t, md->root, &bc);
	t->md = NULL;
}

/* Parses text with md_parse() (the web pages' front end and options). */
static int
S_parse(struct pdf_ts *t, const char *text, int raw_html, struct md_doc *md)
{
	struct md_opts mo;

	memset(&mo, 0, sizeof(mo));
	mo.file = t->slug;
	mo.raw_html = raw_html;
	if (md_parse(text != NULL ? text : "", text != NULL ? strlen(text) : 0, &mo, md) != 0) {
		diag_error(NULL, "pdf: cannot parse the Markdown of %s", t->slug);
		return -1;
	}
	return 0;
}

/* The document's first block, if it is an H1: its text, which then
 * serves as the chapter title (borrowed from md). */
static const char *
S_first_h1(const struct md_doc *md)
{
	cmark_node *n = cmark_node_first_child(md->root);
	const struct md_heading *h;

	if (n == NULL || cmark_node_get_type(n) != CMARK_NODE_HEADING ||
	    cmark_node_get_heading_level(n) != 1 || (h = md_heading_of(md, n)) == NULL)
		return NULL;
	return h->text;
}

static void
S_break(struct pdf_ts *t, int recto)
{
	struct pdf_item *it = pdf_ts_new_item(t, PDF_I_BREAK);

	it->recto = recto;
}

void
pdf_ts_plain_heading(struct pdf_ts *t, const char *text, int lvl, const char *dest)
{
	struct S_inl in;

	S_inl_init(&in);
	buf_puts(&in.text, text);
	S_heading_item(t, &in, lvl, xstrdup(dest));
	S_inl_free(&in);
}

/* One lesson as a chapter: its title heading, its body, and its answers
 * when they go inline. */
int
pdf_ts_chapter(struct pdf_ts *t, const struct pdf_doc *d, int handout)
{
	struct md_doc md;
	const char *h1, *title;
	char *dest;
	int rc = 0;

	t->slug = d->slug;
	if (S_parse(t, d->markdown, d->raw_html, &md) != 0)
		return -1;
	h1 = S_first_h1(&md);
	title = d->title && *d->title ? d->title : h1 ? h1 : d->slug;
	t->chaps = xreallocarray(t->chaps, t->nchaps + 1, sizeof(*t->chaps));
	t->chaps[t->nchaps].title = xstrdup(title);
	t->chaps[t->nchaps].slug = xstrdup(d->slug);
	t->chap = (int)t->nchaps++;
	pdf_ts_set_prefix(t, d->slug);
	if (!handout)
		S_break(t, 1);
	pdf_ts_plain_heading(t, title, 0, d->slug);
	t->skip_first_h1 = h1 != NULL;
	t->hshift = 0;
	S_markdown(t, &md);
	md_doc_free(&md);
	if (t->o->answers != PDF_ANSWERS_NONE && d->answers_md &&
	    *d->answers_md && (t->o->answers == PDF_ANSWERS_INLINE || handout)) {
		if (S_parse(t, d->answers_md, d->answers_raw_html, &md) != 0)
			return -1;
		if (t->o->answers == PDF_ANSWERS_APPENDIX)
			S_break(t, 0);
		dest = xasprintf("%s.answers", d->slug);
		pdf_ts_set_prefix(t, dest);
		pdf_ts_plain_heading(t, "Worked answers", 1, dest);
		free(dest);
		t->hshift = 1;
		t->skip_first_h1 = 1;
		S_markdown(t, &md);
		md_doc_free(&md);
		t->hshift = 0;
	}
	return rc;
}

/* The book's "Answers" chapter: one section per lesson that has any. */
int
pdf_ts_appendix(struct pdf_ts *t, const struct pdf_doc *docs, size_t n)
{
	struct md_doc md;
	size_t i, any = 0;
	char *dest;

	for (i = 0; i < n; i++)
		if (docs[i].answers_md && *docs[i].answers_md)
			any++;
	if (!any)
		return 0;
	t->chaps = xreallocarray(t->chaps, t->nchaps + 1, sizeof(*t->chaps));
	t->chaps[t->nchaps].title = xstrdup("Answers");
	t->chaps[t->nchaps].slug = xstrdup("answers");
	t->chap = (int)t->nchaps++;
	S_break(t, 1);
	pdf_ts_plain_heading(t, "Answers", 0, "answers");
	for (i = 0; i < n; i++) {
		if (!docs[i].answers_md || !*docs[i].answers_md)
			continue;
		t->slug = docs[i].slug;
		dest = xasprintf("%s.answers", docs[i].slug);
		pdf_ts_set_prefix(t, dest);
		pdf_ts_plain_heading(t, docs[i].title ? docs[i].title : docs[i].slug,
		    1, dest);
		free(dest);
		t->hshift = 1;
		t->skip_first_h1 = 1;
		if (S_parse(t, docs[i].answers_md, docs[i].answers_raw_html, &md) != 0)
			return -1;
		S_markdown(t, &md);
		md_doc_free(&md);
		t->hshift = 0;
	}
	return 0;
}

/* ---- boxes ---- */

void
pdf_ts_boxes(struct pdf_ts *t, size_t from, size_t to, struct pdf_box *bx)
{
	size_t i;

	for (i = from; i < to; i++) {
		struct pdf_item *it = &t->it[i];
		struct pdf_box *b = &bx[i - from];

		memset(b, 0, sizeof(*b));
		b->before_pt = it->before;
		b->after_pt = it->after;
		b->keep_with_next = it->keep;
		switch (it->type) {
		case PDF_I_TEXT:
		case PDF_I_CODE:
			if (it->level >= 0) {
				it->whole_h = it->tl.height;
				b->kind = PDF_BOX_WHOLE;
				b->n = 1;
				b->h_pt = &it->whole_h;
			} else {
				b->kind = PDF_BOX_LINES;
				b->n = it->tl.n;
				b->h_pt = it->tl.h;
			}
			break;
		case PDF_I_TABLE:
			b->kind = PDF_BOX_ROWS;
			b->n = it->rows;
			b->h_pt = it->rowh;
			b->head_rows = it->head_rows;
			break;
		case PDF_I_RULE:
		case PDF_I_FIGURE:
		case PDF_I_TOCENT:
			b->kind = PDF_BOX_WHOLE;
			b->n = 1;
			b->h_pt = &it->whole_h;
			break;
		case PDF_I_BREAK:
			b->kind = PDF_BOX_BREAK;
			b->recto = it->recto;
			break;
		}
	}
}
