/*
 * pdf.c -- the typesetter: cmark-gfm tree -> items (pango layouts) ->
 * boxes -> pages (paginate.c) -> cairo PDF pages.
 *
 * Everything is laid out before the first page is emitted, so the table of
 * contents knows its page numbers: the TOC's own length depends only on the
 * number of entries, not on the numbers in it, so it is laid out first, and
 * the body is paginated knowing on which page it starts (chapters begin on
 * recto pages, margins alternate for binding).
 *
 * Measuring and drawing use one PangoContext made from a private cairo font
 * map at 72 dpi with hinting and glyph-position rounding off, so a width
 * measured here is the width drawn in the PDF.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "diag.h"
#include "pdf.h"
#include "util.h"

/* ---- the look ---- */

#define S_BODY_FONT	"DejaVu Serif 10.5"
#define S_SANS		"DejaVu Sans"
#define S_MONO_FONT	"DejaVu Sans Mono 8.5"
#define S_TABLE_FONT	"DejaVu Sans 8.8"
#define S_CAPTION_FONT	"DejaVu Sans Oblique 8.8"
#define S_HEAD_FONT	"DejaVu Sans 8"
#define S_LEADING	1.18	/* baseline distance / line height, body */
#define S_PARA_GAP	6.5	/* between paragraphs, pt */
#define S_LIST_INDENT	18.0
#define S_QUOTE_INDENT	14.0
#define S_CODE_PAD	6.0
#define S_CELL_PADX	5.0
#define S_CELL_PADY	2.6

/* Margins, pt: the inner (binding) margin is the larger one. */
#define S_M_TOP		66.0
#define S_M_BOTTOM	66.0
#define S_M_INNER	76.0
#define S_M_OUTER	56.0

/* ---- items ---- */

struct S_link {
	int a, b;		/* byte range in the layout's text */
	char *url;
};

/* A laid-out block of text, measured line by line. */
struct S_tl {
	PangoLayout *lay;
	size_t n;
	double *h, *base, *x;	/* per line: height, baseline, left offset */
	struct S_link *links;
	size_t nlinks;
	double height;
};

enum S_type { S_TEXT, S_CODE, S_RULE, S_TABLE, S_FIGURE, S_BREAK, S_TOCENT };

struct S_item {
	enum S_type type;
	int chap;		/* chapter index, -1: front matter */
	double indent;		/* from the text area's left edge */
	double width;
	double bar_x;		/* block quote bar, relative; < 0: none */
	double before, after;
	int keep, recto;
	struct S_tl tl;
	PangoLayout *marker;	/* list bullet/number */
	int level;		/* heading: 0 chapter, 1..; -1 not a heading */
	char *dest;		/* heading destination name */
	char *plain;		/* heading text for TOC and outline */
	/* table */
	size_t rows, cols, head_rows;
	struct S_tl *cells;
	double *colw, *rowh;
	/* figure */
	char *url;
	double fig_h;
	/* TOC entry: the heading item it points at */
	size_t target;
	double whole_h;		/* WHOLE boxes: their height */
};

struct S_chap {
	char *title;
	char *slug;
};

struct S_ts {
	const struct pdf_opts *o;
	double pw, ph, tw, th;	/* page and text area, pt */
	PangoFontMap *fm;
	PangoContext *pc;
	PangoFontDescription *f_body, *f_mono, *f_table, *f_caption, *f_head;
	struct S_item *it;
	size_t nit, capit;
	struct S_chap *chaps;
	size_t nchaps;
	int chap;
	const char *slug;	/* the lesson being read: link resolution */
	char *prefix;		/* destination prefix for its headings */
	char **anchors;		/* anchors used in this prefix */
	size_t nanchors;
	int hshift;		/* added to Markdown heading levels */
	int skip_first_h1;	/* the first H1 is the chapter title */
	const char *marker;	/* list marker waiting for its first block */
	int failed;
};

struct S_bctx {
	double indent;
	double bar_x;
	int depth;		/* list nesting */
	int tight;
	int quote;
};

/* ---- small helpers ---- */

static struct S_item *
S_new_item(struct S_ts *t, enum S_type type)
{
	struct S_item *it;

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

/* Numbers in cairo attribute strings must not follow the locale. */
static void
S_num(char *out, size_t sz, double v)
{
	util_fmt_g(out, sz, 7, v);
}

/* Cairo attribute strings quote with '...' and escape with backslash. */
static void
S_quote_attr(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* GitHub-style heading anchor, restricted to [a-z0-9_-]. */
static char *
S_anchor(const char *text)
{
	struct buf b;
	const unsigned char *p;

	buf_init(&b);
	for (p = (const unsigned char *)text; *p; p++) {
		if (isalnum(*p))
			buf_putc(&b, (char)tolower(*p));
		else if (*p == ' ' || *p == '-')
			buf_putc(&b, '-');
		else if (*p == '_')
			buf_putc(&b, '_');
	}
	if (b.len == 0)
		buf_puts(&b, "section");
	return buf_take(&b, NULL);
}

static char *
S_unique_dest(struct S_ts *t, const char *text)
{
	char *a = S_anchor(text), *cand;
	size_t i, k;

	for (k = 0;; k++) {
		int used = 0;

		cand = k ? xasprintf("%s-%zu", a, k) : xstrdup(a);
		for (i = 0; i < t->nanchors; i++)
			if (strcmp(t->anchors[i], cand) == 0)
				used = 1;
		if (!used)
			break;
		free(cand);
	}
	free(a);
	t->anchors = xreallocarray(t->anchors, t->nanchors + 1,
	    sizeof(*t->anchors));
	t->anchors[t->nanchors++] = cand;
	a = xasprintf("%s/%s", t->prefix, cand);
	return a;
}

static void
S_set_prefix(struct S_ts *t, const char *prefix)
{
	size_t i;

	for (i = 0; i < t->nanchors; i++)
		free(t->anchors[i]);
	free(t->anchors);
	t->anchors = NULL;
	t->nanchors = 0;
	free(t->prefix);
	t->prefix = xstrdup(prefix);
}

/* ---- text layouts ---- */

static PangoLayout *
S_layout(struct S_ts *t, const PangoFontDescription *fd, double width,
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
S_measure(struct S_tl *tl)
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

static void
S_tl_free(struct S_tl *tl)
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
	struct S_link *links;
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
S_inline(struct S_ts *t, cmark_node *parent, struct S_inl *in)
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
S_tl_from_inl(struct S_ts *t, struct S_tl *tl, struct S_inl *in,
    const PangoFontDescription *fd, double width, double spacing,
    PangoAlignment align, int justify)
{
	tl->lay = S_layout(t, fd, width, spacing);
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

static void
S_tl_plain(struct S_ts *t, struct S_tl *tl, const char *text,
    const PangoFontDescription *fd, double width, PangoAlignment align)
{
	tl->lay = S_layout(t, fd, width, 0);
	pango_layout_set_text(tl->lay, text, -1);
	pango_layout_set_alignment(tl->lay, align);
	S_measure(tl);
}

/* ---- blocks ---- */

static void S_blocks(struct S_ts *, cmark_node *, const struct S_bctx *);

static void
S_take_marker(struct S_ts *t, struct S_item *it)
{
	if (!t->marker)
		return;
	it->marker = S_layout(t, t->f_body, 0, 0);
	pango_layout_set_text(it->marker, t->marker, -1);
	t->marker = NULL;
}

/* A new item for a block inside bc: its indent, width and quote bar, and
 * the list marker waiting for the block's first line. */
static struct S_item *
S_block_item(struct S_ts *t, enum S_type type, const struct S_bctx *bc)
{
	struct S_item *it = S_new_item(t, type);

	it->indent = bc->indent;
	it->width = t->tw - bc->indent;
	it->bar_x = bc->bar_x;
	S_take_marker(t, it);
	return it;
}

static struct S_item *
S_paragraph(struct S_ts *t, cmark_node *node, const struct S_bctx *bc)
{
	struct S_item *it = S_block_item(t, S_TEXT, bc);
	struct S_inl in;
	PangoFontDescription *fd = t->f_body;

	it->after = bc->depth > 0 && bc->tight ? 2.5 : S_PARA_GAP;
	S_inl_init(&in);
	S_inline(t, node, &in);
	if (bc->quote) {
		fd = pango_font_description_copy(t->f_body);
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	}
	S_tl_from_inl(t, &it->tl, &in, fd, it->width, S_LEADING,
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
static struct S_item *
S_heading_item(struct S_ts *t, struct S_inl *in, int lvl, char *dest)
{
	struct S_item *it = S_new_item(t, S_TEXT);
	PangoFontDescription *fd;
	size_t i;

	if (lvl > 5)
		lvl = 5;
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, S_SANS);
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
S_heading(struct S_ts *t, cmark_node *node)
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
	S_heading_item(t, &in, lvl, S_unique_dest(t, in.text.data ? in.text.data : ""));
	S_inl_free(&in);
}

static void
S_code(struct S_ts *t, cmark_node *node, const struct S_bctx *bc)
{
	struct S_item *it = S_block_item(t, S_CODE, bc);
	const char *lit = cmark_node_get_literal(node);
	size_t len = lit ? strlen(lit) : 0;

	it->before = 10;
	it->after = 10;
	while (len > 0 && lit[len - 1] == '\n')
		len--;
	it->tl.lay = S_layout(t, t->f_mono, it->width - 2 * S_CODE_PAD, 0);
	pango_layout_set_wrap(it->tl.lay, PANGO_WRAP_CHAR);
	pango_layout_set_text(it->tl.lay, len ? lit : " ", len ? (int)len : 1);
	S_measure(&it->tl);
}

static double
S_tl_width(struct S_tl *tl)
{
	PangoRectangle log;

	pango_layout_get_extents(tl->lay, NULL, &log);
	return (double)log.width / PANGO_SCALE;
}

static void
S_table(struct S_ts *t, cmark_node *node, const struct S_bctx *bc)
{
	struct S_item *it = S_block_item(t, S_TABLE, bc);
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
			struct S_tl *tl = &it->cells[r * it->cols + c];
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
			w = S_tl_width(tl) + 2 * S_CELL_PADX;
			if (w > nat[c])
				nat[c] = w;
			/* Narrowest: every word on its own line. */
			pango_layout_set_width(tl->lay, 1);
			pango_layout_set_wrap(tl->lay, PANGO_WRAP_WORD);
			w = S_tl_width(tl) + 2 * S_CELL_PADX;
			if (w > mn[c])
				mn[c] = w;
		}
		/* Short rows get empty cells. */
		for (; c < it->cols; c++)
			S_tl_plain(t, &it->cells[r * it->cols + c], "", t->f_table, 0,
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
			struct S_tl *tl = &it->cells[r * it->cols + c];

			pango_layout_set_width(tl->lay,
			    (int)((it->colw[c] - 2 * S_CELL_PADX) * PANGO_SCALE));
			pango_layout_set_wrap(tl->lay, PANGO_WRAP_WORD_CHAR);
			S_measure(tl);
			if (tl->height > h)
				h = tl->height;
		}
		it->rowh[r] = h + 2 * S_CELL_PADY;
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
S_figure(struct S_ts *t, cmark_node *img, const struct S_bctx *bc)
{
	struct S_item *it = S_new_item(t, S_FIGURE);
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
S_keep_intro(struct S_ts *t, cmark_node *node)
{
	cmark_node *prev = cmark_node_previous(node);
	struct S_item *it;
	const char *txt;
	size_t len;

	if (!prev || cmark_node_get_type(prev) != CMARK_NODE_PARAGRAPH ||
	    t->nit == 0)
		return;
	it = &t->it[t->nit - 1];
	if (it->type != S_TEXT || it->level >= 0 || !it->tl.lay)
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
S_block(struct S_ts *t, cmark_node *node, const struct S_bctx *bc)
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
		struct S_item *it = S_new_item(t, S_RULE);

		it->before = it->after = 12;
		it->whole_h = 1;
		return;
	}
	case CMARK_NODE_HTML_BLOCK:
		return;
	case CMARK_NODE_BLOCK_QUOTE:
		sub.bar_x = bc->indent + 2;
		sub.indent = bc->indent + S_QUOTE_INDENT;
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

		sub.indent = bc->indent + S_LIST_INDENT;
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
		if (t->nit > first && t->it[t->nit - 1].after < S_PARA_GAP)
			t->it[t->nit - 1].after = S_PARA_GAP;
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
S_blocks(struct S_ts *t, cmark_node *parent, const struct S_bctx *bc)
{
	cmark_node *n;

	for (n = cmark_node_first_child(parent); n; n = cmark_node_next(n))
		S_block(t, n, bc);
}

static cmark_node *
S_parse(const char *md)
{
	cmark_parser *p;
	cmark_node *doc;
	static const char *const exts[] = { "table", "strikethrough", "autolink" };
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);

		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, md, strlen(md));
	doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	return doc;
}

/* Adds a Markdown document's blocks. */
static int
S_markdown(struct S_ts *t, const char *md)
{
	cmark_node *doc = S_parse(md ? md : "");
	struct S_bctx bc = { 0, -1, 0, 0, 0 };

	if (!doc) {
		diag_error(NULL, "pdf: cannot parse the Markdown of %s", t->slug);
		return -1;
	}
	S_blocks(t, doc, &bc);
	cmark_node_free(doc);
	return 0;
}

/* The first block of the Markdown, if it is an H1: its text, which then
 * serves as the chapter title. */
static char *
S_first_h1(const char *md)
{
	cmark_node *doc = S_parse(md ? md : ""), *n;
	char *s = NULL;

	if (!doc)
		return NULL;
	n = cmark_node_first_child(doc);
	if (n && cmark_node_get_type(n) == CMARK_NODE_HEADING &&
	    cmark_node_get_heading_level(n) == 1) {
		struct buf b;
		cmark_iter *it = cmark_iter_new(n);
		cmark_event_type ev;

		/* Every text under the heading, emphasis and code included. */
		buf_init(&b);
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *c = cmark_iter_get_node(it);

			if (ev != CMARK_EVENT_ENTER)
				continue;
			if (cmark_node_get_type(c) == CMARK_NODE_TEXT ||
			    cmark_node_get_type(c) == CMARK_NODE_CODE)
				buf_puts(&b, cmark_node_get_literal(c));
			else if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK)
				buf_putc(&b, ' ');
		}
		cmark_iter_free(it);
		s = buf_take(&b, NULL);
	}
	cmark_node_free(doc);
	return s;
}

static void
S_break(struct S_ts *t, int recto)
{
	struct S_item *it = S_new_item(t, S_BREAK);

	it->recto = recto;
}

static void
S_plain_heading(struct S_ts *t, const char *text, int lvl, const char *dest)
{
	struct S_inl in;

	S_inl_init(&in);
	buf_puts(&in.text, text);
	S_heading_item(t, &in, lvl, xstrdup(dest));
	S_inl_free(&in);
}

/* One lesson as a chapter: its title heading, its body, and its answers
 * when they go inline. */
static int
S_chapter(struct S_ts *t, const struct pdf_doc *d, int handout)
{
	char *h1 = S_first_h1(d->markdown), *dest;
	const char *title = d->title && *d->title ? d->title : h1 ? h1 : d->slug;
	int rc;

	t->chaps = xreallocarray(t->chaps, t->nchaps + 1, sizeof(*t->chaps));
	t->chaps[t->nchaps].title = xstrdup(title);
	t->chaps[t->nchaps].slug = xstrdup(d->slug);
	t->chap = (int)t->nchaps++;
	t->slug = d->slug;
	S_set_prefix(t, d->slug);
	if (!handout)
		S_break(t, 1);
	S_plain_heading(t, title, 0, d->slug);
	t->skip_first_h1 = h1 != NULL;
	t->hshift = 0;
	rc = S_markdown(t, d->markdown);
	free(h1);
	if (rc == 0 && t->o->answers != PDF_ANSWERS_NONE && d->answers_md &&
	    *d->answers_md && (t->o->answers == PDF_ANSWERS_INLINE || handout)) {
		if (t->o->answers == PDF_ANSWERS_APPENDIX)
			S_break(t, 0);
		dest = xasprintf("%s.answers", d->slug);
		S_set_prefix(t, dest);
		S_plain_heading(t, "Worked answers", 1, dest);
		free(dest);
		t->hshift = 1;
		t->skip_first_h1 = 1;
		rc = S_markdown(t, d->answers_md);
		t->hshift = 0;
	}
	return rc;
}

/* The book's "Answers" chapter: one section per lesson that has any. */
static int
S_appendix(struct S_ts *t, const struct pdf_doc *docs, size_t n)
{
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
	S_plain_heading(t, "Answers", 0, "answers");
	for (i = 0; i < n; i++) {
		if (!docs[i].answers_md || !*docs[i].answers_md)
			continue;
		t->slug = docs[i].slug;
		dest = xasprintf("%s.answers", docs[i].slug);
		S_set_prefix(t, dest);
		S_plain_heading(t, docs[i].title ? docs[i].title : docs[i].slug,
		    1, dest);
		free(dest);
		t->hshift = 1;
		t->skip_first_h1 = 1;
		if (S_markdown(t, docs[i].answers_md) != 0)
			return -1;
		t->hshift = 0;
	}
	return 0;
}

/* ---- boxes ---- */

static void
S_boxes(struct S_ts *t, size_t from, size_t to, struct pdf_box *bx)
{
	size_t i;

	for (i = from; i < to; i++) {
		struct S_item *it = &t->it[i];
		struct pdf_box *b = &bx[i - from];

		memset(b, 0, sizeof(*b));
		b->before_pt = it->before;
		b->after_pt = it->after;
		b->keep_with_next = it->keep;
		switch (it->type) {
		case S_TEXT:
		case S_CODE:
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
		case S_TABLE:
			b->kind = PDF_BOX_ROWS;
			b->n = it->rows;
			b->h_pt = it->rowh;
			b->head_rows = it->head_rows;
			break;
		case S_RULE:
		case S_FIGURE:
		case S_TOCENT:
			b->kind = PDF_BOX_WHOLE;
			b->n = 1;
			b->h_pt = &it->whole_h;
			break;
		case S_BREAK:
			b->kind = PDF_BOX_BREAK;
			b->recto = it->recto;
			break;
		}
	}
}

/* ---- drawing ---- */

struct S_page {
	int chap;		/* chapter of its first slice; -1 */
	int opens_chapter;
	int used;
};

struct S_out {
	struct S_ts *t;
	cairo_surface_t *surf;
	cairo_t *cr;
};

static int
S_is_recto(long page)
{
	return page % 2 == 1;
}

static double
S_left(const struct S_ts *t, long page)
{
	return S_is_recto(page) ? S_M_INNER : t->pw - S_M_INNER - t->tw;
}

/* Destination of a link, or NULL to print it as plain text. */
static char *
S_resolve(const struct S_ts *t, int chap, const char *url, int *external)
{
	const char *slug = chap >= 0 && (size_t)chap < t->nchaps ?
	    t->chaps[chap].slug : "";
	char *cand = NULL, *hash;
	size_t i, k;

	*external = 0;
	if (!*url)
		return NULL;
	if (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0 ||
	    strncmp(url, "mailto:", 7) == 0) {
		*external = 1;
		return xstrdup(url);
	}
	if (url[0] == '#') {
		char *tries[2];

		tries[0] = xasprintf("%s/%s", slug, url + 1);
		tries[1] = xasprintf("%s.answers/%s", slug, url + 1);
		for (k = 0; k < 2; k++)
			for (i = 0; i < t->nit && !cand; i++)
				if (t->it[i].dest && strcmp(t->it[i].dest, tries[k]) == 0)
					cand = xstrdup(tries[k]);
		free(tries[0]);
		free(tries[1]);
		return cand;
	}
	/* "slug.html#anchor", "slug.html", "slug#anchor", "slug" */
	cand = xstrdup(url);
	if (strncmp(cand, "./", 2) == 0)
		memmove(cand, cand + 2, strlen(cand + 2) + 1);
	hash = strchr(cand, '#');
	if (hash)
		*hash = '\0';
	k = strlen(cand);
	if (k > 5 && strcmp(cand + k - 5, ".html") == 0)
		cand[k - 5] = '\0';
	else if (k > 1 && cand[k - 1] == '/')
		cand[k - 1] = '\0';
	if (hash) {
		char *full = xasprintf("%s/%s", cand, hash + 1);

		free(cand);
		cand = full;
	}
	for (i = 0; i < t->nit; i++)
		if (t->it[i].dest && strcmp(t->it[i].dest, cand) == 0)
			return cand;
	/* "answers.html#q1": the worked answers are set after a lesson or
	 * in the appendix, as "<slug>.answers/q1" ('.' never occurs in a
	 * heading anchor, so a lesson's own "Answers" heading cannot
	 * collide). */
	if (strncmp(cand, "answers", 7) == 0 && (cand[7] == '\0' || cand[7] == '/')) {
		const char *want = cand + 7;
		size_t wl = strlen(want);

		for (i = 0; i < t->nit; i++) {
			const char *d = t->it[i].dest, *a;

			if (!d || t->it[i].type != S_TEXT)
				continue;
			if (wl == 0 && strcmp(d, "answers") == 0)
				break;
			a = strstr(d, ".answers");
			if (a && strcmp(a + 8, want) == 0)
				break;
		}
		free(cand);
		return i < t->nit ? xstrdup(t->it[i].dest) : NULL;
	}
	free(cand);
	return NULL;
}

/* Links that lead nowhere in this PDF print as plain text, not in the
 * link colour. */
static void
S_unlink_tl(struct S_ts *t, int chap, struct S_tl *tl)
{
	PangoAttrList *al;
	size_t k;
	int ext;

	for (k = 0; k < tl->nlinks; k++) {
		char *target = S_resolve(t, chap, tl->links[k].url, &ext);
		PangoAttribute *a;

		if (target) {
			free(target);
			continue;
		}
		al = pango_layout_get_attributes(tl->lay);
		if (!al)
			continue;
		a = pango_attr_foreground_new(0, 0, 0);
		a->start_index = (guint)tl->links[k].a;
		a->end_index = (guint)tl->links[k].b;
		pango_attr_list_change(al, a);
		pango_layout_context_changed(tl->lay);
		tl->links[k].url[0] = '\0';
	}
}

static void
S_unlink(struct S_ts *t)
{
	size_t i, c;

	for (i = 0; i < t->nit; i++) {
		struct S_item *it = &t->it[i];

		S_unlink_tl(t, it->chap, &it->tl);
		for (c = 0; c < it->rows * it->cols; c++)
			S_unlink_tl(t, it->chap, &it->cells[c]);
	}
}

static void
S_link_rect(struct S_out *o, int chap, const char *url, double x, double y,
    double w, double h)
{
	struct buf b;
	char n[4][32];
	int ext;
	char *target = S_resolve(o->t, chap, url, &ext);

	if (!target)
		return;
	S_num(n[0], sizeof(n[0]), x);
	S_num(n[1], sizeof(n[1]), y);
	S_num(n[2], sizeof(n[2]), w);
	S_num(n[3], sizeof(n[3]), h);
	buf_init(&b);
	buf_printf(&b, "rect=[%s %s %s %s] %s=", n[0], n[1], n[2], n[3],
	    ext ? "uri" : "dest");
	S_quote_attr(&b, target);
	cairo_tag_begin(o->cr, CAIRO_TAG_LINK, b.data);
	cairo_tag_end(o->cr, CAIRO_TAG_LINK);
	buf_free(&b);
	free(target);
}

/* Draws lines [a, b) of tl with the top of line a at (x, y). */
static void
S_draw_tl(struct S_out *o, int chap, const struct S_tl *tl, size_t a,
    size_t b, double x, double y)
{
	size_t j, k;
	double yy = y;

	for (j = a; j < b && j < tl->n; j++) {
		PangoLayoutLine *line = pango_layout_get_line_readonly(tl->lay,
		    (int)j);

		cairo_move_to(o->cr, x + tl->x[j], yy + tl->base[j]);
		pango_cairo_show_layout_line(o->cr, line);
		for (k = 0; k < tl->nlinks; k++) {
			int s = tl->links[k].a, e = tl->links[k].b, x0, x1;

			if (s < line->start_index)
				s = line->start_index;
			if (e > line->start_index + line->length)
				e = line->start_index + line->length;
			if (s >= e)
				continue;
			pango_layout_line_index_to_x(line, s, 0, &x0);
			pango_layout_line_index_to_x(line, e, 0, &x1);
			if (x1 < x0) {
				int tmp = x0;

				x0 = x1;
				x1 = tmp;
			}
			S_link_rect(o, chap, tl->links[k].url,
			    x + tl->x[j] + (double)x0 / PANGO_SCALE, yy,
			    (double)(x1 - x0) / PANGO_SCALE, tl->h[j]);
		}
		yy += tl->h[j];
	}
}

static double
S_lines_h(const struct S_tl *tl, size_t a, size_t b)
{
	double s = 0;

	for (; a < b && a < tl->n; a++)
		s += tl->h[a];
	return s;
}

static void
S_dest(struct S_out *o, const char *name, double x, double y)
{
	struct buf b;
	char nx[32], ny[32];

	S_num(nx, sizeof(nx), x);
	S_num(ny, sizeof(ny), y);
	buf_init(&b);
	buf_puts(&b, "name=");
	S_quote_attr(&b, name);
	buf_printf(&b, " x=%s y=%s", nx, ny);
	cairo_tag_begin(o->cr, CAIRO_TAG_DEST, b.data);
	cairo_tag_end(o->cr, CAIRO_TAG_DEST);
	buf_free(&b);
}

static void
S_draw_table(struct S_out *o, const struct S_item *it,
    const struct pdf_slice *s, double x, double y)
{
	cairo_t *cr = o->cr;
	double tw = 0, yy = y;
	size_t r, c, k, nrun = 0, run[2][2];

	for (c = 0; c < it->cols; c++)
		tw += it->colw[c];
	/* Rows to draw: the repeated header, then the part itself. */
	if (s->repeat_head && it->head_rows > 0) {
		run[nrun][0] = 0;
		run[nrun++][1] = it->head_rows;
	}
	run[nrun][0] = s->from;
	run[nrun++][1] = s->to;
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.9);
	cairo_move_to(cr, x, yy);
	cairo_line_to(cr, x + tw, yy);
	cairo_stroke(cr);
	for (k = 0; k < nrun; k++) {
		for (r = run[k][0]; r < run[k][1]; r++) {
			double xx = x;

			if (r < it->head_rows) {
				cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
				cairo_rectangle(cr, x, yy, tw, it->rowh[r]);
				cairo_fill(cr);
			}
			cairo_set_source_rgb(cr, 0, 0, 0);
			for (c = 0; c < it->cols; c++) {
				const struct S_tl *tl = &it->cells[r * it->cols + c];

				S_draw_tl(o, it->chap, tl, 0, tl->n, xx + S_CELL_PADX,
				    yy + S_CELL_PADY);
				xx += it->colw[c];
			}
			yy += it->rowh[r];
			if (r + 1 == it->head_rows) {
				cairo_set_line_width(cr, 0.6);
				cairo_set_source_rgb(cr, 0, 0, 0);
			} else if (r + 1 == run[k][1] && k + 1 == nrun) {
				cairo_set_line_width(cr, 0.9);
				cairo_set_source_rgb(cr, 0, 0, 0);
			} else {
				cairo_set_line_width(cr, 0.3);
				cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
			}
			cairo_move_to(cr, x, yy);
			cairo_line_to(cr, x + tw, yy);
			cairo_stroke(cr);
		}
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void
S_draw_figure(struct S_out *o, const struct S_item *it, double x, double y)
{
	cairo_t *cr = o->cr;
	const struct pdf_opts *op = o->t->o;

	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_rectangle(cr, 0, 0, it->width, it->fig_h);
	cairo_clip(cr);
	if (op->draw && strncmp(it->url, "chart:", 6) == 0) {
		op->draw(op->draw_ctx, it->url, cr, it->width, it->fig_h);
	} else {
		cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
		cairo_set_line_width(cr, 0.6);
		cairo_rectangle(cr, 0.3, 0.3, it->width - 0.6, it->fig_h - 0.6);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	S_draw_tl(o, it->chap, &it->tl, 0, it->tl.n, x, y + it->fig_h + 6);
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void
S_draw_slice(struct S_out *o, const struct S_item *it,
    const struct pdf_slice *s, long page, const char *pagenum)
{
	struct S_ts *t = o->t;
	cairo_t *cr = o->cr;
	double left = S_left(t, page), x = left + it->indent;
	double y = S_M_TOP + s->y_pt, h;

	switch (it->type) {
	case S_TEXT:
		h = S_lines_h(&it->tl, s->from, s->to);
		if (it->bar_x >= 0) {
			cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
			cairo_rectangle(cr, left + it->bar_x, y, 2, h);
			cairo_fill(cr);
		}
		cairo_set_source_rgb(cr, 0, 0, 0);
		if (it->level >= 0)
			S_dest(o, it->dest, x, y);
		if (it->marker && s->from == 0 && it->tl.n > 0) {
			PangoRectangle log;

			pango_layout_get_extents(it->marker, NULL, &log);
			cairo_move_to(cr, x - 5 - (double)log.width / PANGO_SCALE,
			    y + it->tl.base[0]);
			pango_cairo_show_layout_line(cr,
			    pango_layout_get_line_readonly(it->marker, 0));
		}
		/* A heading is one WHOLE box however many lines it has. */
		if (it->level >= 0)
			S_draw_tl(o, it->chap, &it->tl, 0, it->tl.n, x, y);
		else
			S_draw_tl(o, it->chap, &it->tl, s->from, s->to, x, y);
		if (it->level >= 0)
			h = it->tl.height;
		if (it->level == 0) {
			cairo_set_line_width(cr, 0.8);
			cairo_move_to(cr, left, y + h + 5);
			cairo_line_to(cr, left + t->tw, y + h + 5);
			cairo_stroke(cr);
		}
		break;
	case S_CODE:
		h = S_lines_h(&it->tl, s->from, s->to);
		cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
		cairo_rectangle(cr, x, y - 4, it->width, h + 8);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		if (it->marker && s->from == 0 && it->tl.n > 0) {
			cairo_move_to(cr, x - 12, y + it->tl.base[0]);
			pango_cairo_show_layout_line(cr,
			    pango_layout_get_line_readonly(it->marker, 0));
		}
		S_draw_tl(o, it->chap, &it->tl, s->from, s->to, x + S_CODE_PAD, y);
		break;
	case S_RULE:
		cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
		cairo_set_line_width(cr, 0.5);
		cairo_move_to(cr, x + it->width * 0.3, y + 0.5);
		cairo_line_to(cr, x + it->width * 0.7, y + 0.5);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		break;
	case S_TABLE:
		S_draw_table(o, it, s, x, y);
		break;
	case S_FIGURE:
		S_draw_figure(o, it, x, y);
		break;
	case S_TOCENT: {
		const struct S_tl *tl = &it->tl;
		PangoLayout *num = S_layout(t, it->level == 0 ? t->f_head : t->f_body,
		    0, 0);
		PangoRectangle log, ll;
		double nx, lx, by;
		size_t last = tl->n ? tl->n - 1 : 0;

		if (it->level == 0) {
			PangoFontDescription *fd = pango_font_description_copy(t->f_body);

			pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
			pango_layout_set_font_description(num, fd);
			pango_font_description_free(fd);
		}
		pango_layout_set_text(num, pagenum, -1);
		pango_layout_get_extents(num, NULL, &log);
		nx = left + t->tw - (double)log.width / PANGO_SCALE;
		S_draw_tl(o, it->chap, tl, 0, tl->n, x, y);
		by = y + S_lines_h(tl, 0, last) + (tl->n ? tl->base[last] : 0);
		cairo_move_to(cr, nx, by);
		pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(num, 0));
		/* Dot leaders: vector dots, so the text stays "title page". */
		if (tl->n) {
			pango_layout_line_get_extents(
			    pango_layout_get_line_readonly(tl->lay, (int)last), NULL, &ll);
			lx = x + tl->x[last] + (double)ll.width / PANGO_SCALE + 6;
			lx = 4.5 * (double)(long)(lx / 4.5 + 1);
			cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
			for (; lx < nx - 6; lx += 4.5) {
				cairo_arc(cr, lx, by - 0.6, 0.45, 0, 6.283185307179586);
				cairo_fill(cr);
			}
			cairo_set_source_rgb(cr, 0, 0, 0);
		}
		g_object_unref(num);
		if (it->dest) {
			struct buf b;
			char n[4][32];

			S_num(n[0], sizeof(n[0]), x);
			S_num(n[1], sizeof(n[1]), y);
			S_num(n[2], sizeof(n[2]), left + t->tw - x);
			S_num(n[3], sizeof(n[3]), tl->height);
			buf_init(&b);
			buf_printf(&b, "rect=[%s %s %s %s] dest=", n[0], n[1], n[2], n[3]);
			S_quote_attr(&b, it->dest);
			cairo_tag_begin(cr, CAIRO_TAG_LINK, b.data);
			cairo_tag_end(cr, CAIRO_TAG_LINK);
			buf_free(&b);
		}
		break;
	}
	case S_BREAK:
		break;
	}
}

/* Running head and page number (none on blank pages, on a page that opens
 * a chapter only the number). */
static void
S_furniture(struct S_out *o, long page, const char *head)
{
	struct S_ts *t = o->t;
	cairo_t *cr = o->cr;
	PangoLayout *l;
	PangoRectangle log;
	char num[32];
	double left = S_left(t, page), x;
	int recto = S_is_recto(page);

	l = S_layout(t, t->f_head, 0, 0);
	if (head && *head) {
		pango_layout_set_text(l, head, -1);
		pango_layout_get_extents(l, NULL, &log);
		if ((double)log.width / PANGO_SCALE > t->tw) {
			pango_layout_set_width(l, (int)(t->tw * PANGO_SCALE));
			pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
			pango_layout_get_extents(l, NULL, &log);
		}
		x = recto ? left + t->tw - (double)log.width / PANGO_SCALE - log.x /
		    (double)PANGO_SCALE : left;
		cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
		cairo_move_to(cr, x, S_M_TOP - 26);
		pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(l, 0));
		cairo_set_line_width(cr, 0.4);
		cairo_move_to(cr, left, S_M_TOP - 20);
		cairo_line_to(cr, left + t->tw, S_M_TOP - 20);
		cairo_stroke(cr);
	}
	snprintf(num, sizeof(num), "%ld", page);
	pango_layout_set_width(l, -1);
	pango_layout_set_font_description(l, t->f_body);
	pango_layout_set_text(l, num, -1);
	pango_layout_get_extents(l, NULL, &log);
	x = recto ? left + t->tw - (double)log.width / PANGO_SCALE : left;
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, x, t->ph - S_M_BOTTOM + 34);
	pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(l, 0));
	g_object_unref(l);
}

/* Emits pages [0, npages) of a paginated run of items, page 0 being
 * absolute page first.  TOC entries take their numbers from pagenums. */
static void
S_emit(struct S_out *o, size_t item0, const struct pdf_slice *sl, size_t ns,
    size_t npages, long first, const long *pagenums, int furniture)
{
	struct S_ts *t = o->t;
	struct S_page *pg = xcalloc(npages, sizeof(*pg));
	size_t p, i = 0;
	char num[32];

	for (p = 0; p < npages; p++)
		pg[p].chap = -1;
	for (i = 0; i < ns; i++) {
		const struct S_item *it = &t->it[item0 + sl[i].box];

		p = sl[i].page;
		if (!pg[p].used)
			pg[p].chap = it->chap;
		pg[p].used = 1;
		if (it->level == 0 && it->type == S_TEXT)
			pg[p].opens_chapter = 1;
	}
	i = 0;
	for (p = 0; p < npages; p++) {
		long abs = first + (long)p;

		if (pg[p].used && furniture) {
			const char *head = NULL;

			if (!pg[p].opens_chapter)
				head = S_is_recto(abs) && pg[p].chap >= 0 ?
				    t->chaps[pg[p].chap].title : t->o->title;
			S_furniture(o, abs, head);
		}
		for (; i < ns && sl[i].page == p; i++) {
			const struct S_item *it = &t->it[item0 + sl[i].box];

			num[0] = '\0';
			if (it->type == S_TOCENT && pagenums)
				snprintf(num, sizeof(num), "%ld", pagenums[it->target]);
			S_draw_slice(o, it, &sl[i], abs, num);
		}
		cairo_show_page(o->cr);
	}
	free(pg);
}

/* ---- the document ---- */

static cairo_status_t
S_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void
S_metadata(cairo_surface_t *s, const struct pdf_opts *o, const char *title)
{
	long long e = o->date_epoch_s;

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	if (o->author)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, o->author);
	if (o->subject)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT,
		    o->subject);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	    "inferbook " INFERBOOK_VERSION);
	if (e < 0 && pdf_source_date(&e) != 0)
		e = -1;
	if (e >= 0 && e <= PDF_MAX_DATE_EPOCH) {
		time_t tt = (time_t)e;
		struct tm tm;
		char iso[32];

		gmtime_r(&tt, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, iso);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, iso);
	} else {
		/* cairo 1.16 writes the clock as /CreationDate unless told
		 * otherwise; a date it cannot parse makes it write none. */
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "");
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "");
	}
}

static int
S_ts_init(struct S_ts *t, const struct pdf_opts *o, struct S_out *out,
    struct buf *dst, const char *title)
{
	cairo_font_options_t *fo;

	memset(t, 0, sizeof(*t));
	memset(out, 0, sizeof(*out));
	t->o = o;
	pdf_paper_size(o->paper, &t->pw, &t->ph);
	t->tw = t->pw - S_M_INNER - S_M_OUTER;
	t->th = t->ph - S_M_TOP - S_M_BOTTOM;
	t->chap = -1;
	out->t = t;
	out->surf = cairo_pdf_surface_create_for_stream(S_write, dst, t->pw, t->ph);
	out->cr = cairo_create(out->surf);
	if (cairo_status(out->cr) != CAIRO_STATUS_SUCCESS) {
		diag_error(NULL, "pdf: %s", cairo_status_to_string(cairo_status(out->cr)));
		return -1;
	}
	S_metadata(out->surf, o, title);
	t->fm = pango_cairo_font_map_new();
	pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(t->fm), 72);
	t->pc = pango_font_map_create_context(t->fm);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(t->pc, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(t->pc, 72);
	pango_context_set_round_glyph_positions(t->pc, FALSE);
	pango_context_set_language(t->pc, pango_language_from_string("en"));
	t->f_body = pango_font_description_from_string(S_BODY_FONT);
	t->f_mono = pango_font_description_from_string(S_MONO_FONT);
	t->f_table = pango_font_description_from_string(S_TABLE_FONT);
	t->f_caption = pango_font_description_from_string(S_CAPTION_FONT);
	t->f_head = pango_font_description_from_string(S_HEAD_FONT);
	return 0;
}

static void
S_item_free(struct S_item *it)
{
	size_t i;

	S_tl_free(&it->tl);
	if (it->marker)
		g_object_unref(it->marker);
	free(it->dest);
	free(it->plain);
	for (i = 0; i < it->rows * it->cols; i++)
		S_tl_free(&it->cells[i]);
	free(it->cells);
	free(it->colw);
	free(it->rowh);
	free(it->url);
}

/* Finishes the PDF and frees everything; returns -1 on a cairo error. */
static int
S_ts_done(struct S_ts *t, struct S_out *out)
{
	cairo_status_t st = CAIRO_STATUS_SUCCESS;
	size_t i;

	if (out->cr) {
		st = cairo_status(out->cr);
		cairo_destroy(out->cr);
	}
	if (out->surf) {
		cairo_surface_finish(out->surf);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_status(out->surf);
		cairo_surface_destroy(out->surf);
	}
	for (i = 0; i < t->nit; i++)
		S_item_free(&t->it[i]);
	free(t->it);
	for (i = 0; i < t->nchaps; i++) {
		free(t->chaps[i].title);
		free(t->chaps[i].slug);
	}
	free(t->chaps);
	S_set_prefix(t, "");
	free(t->prefix);
	if (t->f_body) {
		pango_font_description_free(t->f_body);
		pango_font_description_free(t->f_mono);
		pango_font_description_free(t->f_table);
		pango_font_description_free(t->f_caption);
		pango_font_description_free(t->f_head);
	}
	if (t->pc)
		g_object_unref(t->pc);
	if (t->fm)
		g_object_unref(t->fm);
	if (st != CAIRO_STATUS_SUCCESS) {
		diag_error(NULL, "pdf: %s", cairo_status_to_string(st));
		return -1;
	}
	return t->failed ? -1 : 0;
}

/* Bookmarks for every heading, nested by level, in document order. */
static void
S_outline(struct S_out *o, size_t from, size_t to, int toc)
{
	struct S_ts *t = o->t;
	int parent[8], i, lvl;
	size_t k;

	for (i = 0; i < 8; i++)
		parent[i] = CAIRO_PDF_OUTLINE_ROOT;
	if (toc)
		cairo_pdf_surface_add_outline(o->surf, CAIRO_PDF_OUTLINE_ROOT,
		    "Contents", "dest='toc'", 0);
	for (k = from; k < to; k++) {
		const struct S_item *it = &t->it[k];
		struct buf b;
		int id;

		if (it->level < 0 || it->type != S_TEXT || !it->dest)
			continue;
		lvl = it->level > 6 ? 6 : it->level;
		buf_init(&b);
		buf_puts(&b, "dest=");
		S_quote_attr(&b, it->dest);
		id = cairo_pdf_surface_add_outline(o->surf, parent[lvl], it->plain,
		    b.data, lvl == 0 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
		buf_free(&b);
		for (i = lvl + 1; i < 8; i++)
			parent[i] = id;
	}
}

/* Centred lines of the title page. */
static double
S_centre(struct S_out *o, const char *text, const char *font, double y,
    double r, double g, double bl)
{
	struct S_ts *t = o->t;
	struct S_tl tl;
	PangoFontDescription *fd = pango_font_description_from_string(font);
	double left = S_left(t, 1);

	memset(&tl, 0, sizeof(tl));
	S_tl_plain(t, &tl, text, fd, t->tw, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(o->cr, r, g, bl);
	S_draw_tl(o, -1, &tl, 0, tl.n, left, y);
	cairo_set_source_rgb(o->cr, 0, 0, 0);
	y += tl.height;
	S_tl_free(&tl);
	pango_font_description_free(fd);
	return y;
}

static const char *
S_edition(enum pdf_answers a)
{
	switch (a) {
	case PDF_ANSWERS_NONE:
		return "Student edition";
	case PDF_ANSWERS_INLINE:
		return "Teacher edition \xe2\x80\x94 worked answers after each lesson";
	case PDF_ANSWERS_APPENDIX:
		return "Teacher edition \xe2\x80\x94 worked answers in the appendix";
	}
	return "";
}

static void
S_title_page(struct S_out *o)
{
	const struct pdf_opts *op = o->t->o;
	double y = o->t->ph * 0.28, left = S_left(o->t, 1);

	y = S_centre(o, op->title, "DejaVu Sans Bold 26", y, 0, 0, 0);
	if (op->subtitle && *op->subtitle)
		y = S_centre(o, op->subtitle, "DejaVu Serif Italic 14", y + 14,
		    0.2, 0.2, 0.2);
	cairo_set_line_width(o->cr, 0.8);
	cairo_move_to(o->cr, left + o->t->tw * 0.3, y + 18);
	cairo_line_to(o->cr, left + o->t->tw * 0.7, y + 18);
	cairo_stroke(o->cr);
	y += 36;
	if (op->author && *op->author)
		y = S_centre(o, op->author, "DejaVu Serif 12", y, 0, 0, 0);
	y = S_centre(o, S_edition(op->answers), "DejaVu Sans 9.5", o->t->ph * 0.8,
	    0.3, 0.3, 0.3);
	if (op->edition && *op->edition)
		S_centre(o, op->edition, "DejaVu Sans 9.5", y + 4, 0.3, 0.3, 0.3);
	cairo_show_page(o->cr);
}

void
pdf_opts_defaults(struct pdf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->paper = PDF_PAPER_A4;
	o->answers = PDF_ANSWERS_NONE;
	o->title = "Untitled";
	o->date_epoch_s = -1;
	o->justify = 1;
	o->figure_aspect = 0.625;	/* chart.h: CHART_H_PT / CHART_W_PT */
}

int
pdf_paper_parse(const char *s, enum pdf_paper *p)
{
	if (strcmp(s, "a4") == 0)
		*p = PDF_PAPER_A4;
	else if (strcmp(s, "letter") == 0)
		*p = PDF_PAPER_LETTER;
	else
		return -1;
	return 0;
}

int
pdf_answers_parse(const char *s, enum pdf_answers *a)
{
	if (strcmp(s, "none") == 0)
		*a = PDF_ANSWERS_NONE;
	else if (strcmp(s, "inline") == 0)
		*a = PDF_ANSWERS_INLINE;
	else if (strcmp(s, "appendix") == 0)
		*a = PDF_ANSWERS_APPENDIX;
	else
		return -1;
	return 0;
}

void
pdf_paper_size(enum pdf_paper p, double *w, double *h)
{
	if (p == PDF_PAPER_LETTER) {
		*w = 612;
		*h = 792;
	} else {
		*w = 595.2755905511812;	/* 210 mm */
		*h = 841.8897637795276;	/* 297 mm */
	}
}

/* Paginates items [from, to) starting on absolute page `first`. */
static void
S_flow(struct S_ts *t, size_t from, size_t to, long first,
    struct pdf_slice **sl, size_t *ns, size_t *np)
{
	struct pdf_box *bx = xcalloc(to - from + 1, sizeof(*bx));
	struct pdf_flow f;

	f.body_h_pt = t->th;
	f.min_lines = 2;
	f.first_page = first;
	S_boxes(t, from, to, bx);
	pdf_paginate(bx, to - from, &f, sl, ns, np);
	free(bx);
}

int
pdf_book(const struct pdf_opts *o, const struct pdf_doc *docs, size_t n,
    struct buf *out)
{
	struct S_ts t;
	struct S_out ou;
	struct pdf_slice *bsl = NULL, *tsl = NULL;
	size_t bns = 0, bnp = 0, tns = 0, tnp = 0, i, body_end, toc0;
	long first, *pagenums = NULL;
	int rc = -1;

	if (S_ts_init(&t, o, &ou, out, o->title) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (S_chapter(&t, &docs[i], 0) != 0)
			goto out;
	if (o->answers == PDF_ANSWERS_APPENDIX && S_appendix(&t, docs, n) != 0)
		goto out;
	body_end = t.nit;
	S_unlink(&t);

	/* The contents: chapters and their first-level sections. */
	toc0 = t.nit;
	t.chap = -1;
	S_plain_heading(&t, "Contents", 0, "toc");
	for (i = 0; i < body_end; i++) {
		struct S_item *h = &t.it[i], *e;
		int lvl = h->level;
		PangoFontDescription *fd;
		char *dest;

		if (h->type != S_TEXT || lvl < 0 || lvl > 1)
			continue;
		dest = xstrdup(h->dest);
		fd = pango_font_description_copy(t.f_body);
		if (lvl == 0)
			pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
		e = S_new_item(&t, S_TOCENT);
		h = &t.it[i];
		e->chap = -1;
		e->target = i;
		e->level = lvl;
		e->dest = dest;
		e->indent = lvl == 0 ? 0 : 16;
		e->before = lvl == 0 ? 9 : 1.5;
		e->keep = lvl == 0;	/* a chapter entry not alone at a foot */
		S_tl_plain(&t, &e->tl, h->plain, fd, t.tw - e->indent - 40,
		    PANGO_ALIGN_LEFT);
		e->whole_h = e->tl.height;
		pango_font_description_free(fd);
	}
	S_flow(&t, toc0, t.nit, 3, &tsl, &tns, &tnp);
	first = 3 + (long)tnp;
	S_flow(&t, 0, body_end, first, &bsl, &bns, &bnp);

	pagenums = xcalloc(body_end + 1, sizeof(long));
	for (i = 0; i < bns; i++)
		if (bsl[i].from == 0)
			pagenums[bsl[i].box] = first + (long)bsl[i].page;

	S_title_page(&ou);
	cairo_show_page(ou.cr);		/* verso of the title page */
	S_emit(&ou, toc0, tsl, tns, tnp, 3, pagenums, 1);
	S_emit(&ou, 0, bsl, bns, bnp, first, NULL, 1);
	S_outline(&ou, 0, body_end, 1);
	rc = 0;
out:
	free(bsl);
	free(tsl);
	free(pagenums);
	if (S_ts_done(&t, &ou) != 0)
		rc = -1;
	return rc;
}

int
pdf_handout(const struct pdf_opts *o, const struct pdf_doc *doc,
    struct buf *out)
{
	struct S_ts t;
	struct S_out ou;
	struct pdf_slice *sl = NULL;
	size_t ns = 0, np = 0;
	char *title;
	int rc = -1;
	struct S_item *m;

	title = xasprintf("%s \xe2\x80\x94 %s", doc->title ? doc->title : doc->slug,
	    o->title);
	if (S_ts_init(&t, o, &ou, out, title) != 0)
		goto out;
	/* Masthead: the book and the edition, kept with the lesson title. */
	m = S_new_item(&t, S_TEXT);
	{
		char *s = o->edition && *o->edition ?
		    xasprintf("%s \xc2\xb7 %s \xc2\xb7 %s", o->title, S_edition(o->answers),
		    o->edition) : xasprintf("%s \xc2\xb7 %s", o->title, S_edition(o->answers));

		S_tl_plain(&t, &m->tl, s, t.f_head, t.tw, PANGO_ALIGN_LEFT);
		free(s);
	}
	m->keep = 1;
	m->after = 10;
	m->chap = 0;
	if (S_chapter(&t, doc, 1) != 0)
		goto out;
	S_unlink(&t);
	S_flow(&t, 0, t.nit, 1, &sl, &ns, &np);
	S_emit(&ou, 0, sl, ns, np, 1, NULL, 1);
	S_outline(&ou, 0, t.nit, 0);
	rc = 0;
out:
	free(sl);
	free(title);
	if (S_ts_done(&t, &ou) != 0)
		rc = -1;
	return rc;
}
