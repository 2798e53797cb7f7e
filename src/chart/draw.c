/*
 * draw.c -- drawing a struct chart_fig onto a borrowed cairo_t (output.c
 * makes the SVG and PNG surfaces of it).
 *
 * Layout happens at draw time because it depends on text extents: margins
 * from the widest tick label, a legend placed where it crosses no series
 * (else outside the plot), annotation labels placed greedily where they
 * overlap nothing already placed.  Text metrics are taken with hinting off
 * so the SVG, the PNG and the PDF lay out identically.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "chart.h"
#include "chart_int.h"
#include "util.h"

/* ---- configuration ---- */

void
chart_style_defaults(struct chart_style *st)
{
	st->font = "DejaVu Sans";
	st->font_pt = 9.5;
	st->title_pt = 12;
	st->line_w = 2.0;
	st->card = 1;
	st->card_radius = 10;
}

/* Okabe & Ito (2008), ordered so the first series are the most distinct
 * on white and in greyscale; yellow is left out (unreadable on white). */
static const double S_rgb[CHART_NSTYLES + 1][3] = {
	{ 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 },	/* blue */
	{ 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 },	/* vermillion */
	{ 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0 },	/* bluish green */
	{ 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0 },	/* reddish purple */
	{ 0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0 },	/* orange */
	{ 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 },	/* sky blue */
	{ 0x00 / 255.0, 0x00 / 255.0, 0x00 / 255.0 },	/* black */
	{ 0x70 / 255.0, 0x70 / 255.0, 0x70 / 255.0 },	/* grey: references */
};

/* Dash patterns (points) per style: solid, dashed, dotted, dash-dot, long
 * dash, dash-dot-dot, short dash; the grey reference is solid. */
static const double S_dash[CHART_NSTYLES + 1][6] = {
	{ 0 }, { 6, 3 }, { 0.1, 3.5 }, { 7, 3, 0.1, 3 }, { 11, 4 },
	{ 6, 2.5, 0.1, 2.5, 0.1, 2.5 }, { 2.5, 2 }, { 0 },
};
static const int S_ndash[CHART_NSTYLES + 1] = { 0, 2, 2, 4, 2, 6, 2, 0 };

enum S_marker { M_CIRCLE, M_SQUARE, M_TRIANGLE, M_DIAMOND, M_TRIANGLE_DOWN, M_CROSS, M_PLUS, M_NONE };
static const enum S_marker S_mark[CHART_NSTYLES + 1] = {
	M_CIRCLE, M_SQUARE, M_TRIANGLE, M_DIAMOND, M_TRIANGLE_DOWN, M_CROSS, M_PLUS, M_NONE
};

static int
S_style(int s)
{
	if (s == CHART_STYLE_GREY)
		return s;
	if (s < 0)
		return CHART_STYLE_GREY;
	return s % CHART_NSTYLES;
}

/* ---- the drawing context ---- */

static PangoLayout *
S_layout(struct chart_dctx *c, PangoContext *pc, const char *text, double pt, int bold)
{
	PangoLayout *l = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, c->st->font);
	pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	return l;
}

static void
S_extent(PangoLayout *l, double *w, double *h)
{
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	*w = (double)log.width / PANGO_SCALE;
	*h = (double)log.height / PANGO_SCALE;
}

void
chart_dr_text_size(struct chart_dctx *c, const char *text, double pt, int bold,
    double *w, double *h)
{
	PangoLayout *l = S_layout(c, c->mc, text, pt, bold);

	S_extent(l, w, h);
	g_object_unref(l);
}

/* Draws text with its top-left corner at (x, y). */
void
chart_dr_text_at(struct chart_dctx *c, const char *text, double pt, int bold, double x, double y,
    double r, double g, double b)
{
	PangoLayout *l = S_layout(c, c->pc, text, pt, bold);

	cairo_set_source_rgb(c->cr, r, g, b);
	cairo_move_to(c->cr, x, y);
	pango_cairo_show_layout(c->cr, l);
	g_object_unref(l);
}

/* ---- coordinates ---- */

static double
S_t(const struct chart_axis *a, double v)
{
	switch (a->scale) {
	case CHART_LOG:
		return v > 0 ? log10(v) : NAN;
	case CHART_LOG2:
		return v > 0 ? log2(v) : NAN;
	default:
		return v;
	}
}

double
chart_dr_px(const struct chart_dctx *c, double x)
{
	const struct chart_axis *a = &c->f->x;

	return c->plot.x + (S_t(a, x) - c->tx0) / (c->tx1 - c->tx0) * c->plot.w;
}

double
chart_dr_py(const struct chart_dctx *c, double y)
{
	const struct chart_axis *a = &c->f->y;

	/* Categories run top to bottom, like a table. */
	if (a->scale == CHART_CATEGORY)
		return c->plot.y + (y - c->ty0) / (c->ty1 - c->ty0) * c->plot.h;
	return c->plot.y + c->plot.h - (S_t(a, y) - c->ty0) / (c->ty1 - c->ty0) * c->plot.h;
}

/* Every series point on the page, for the plot rectangle as it is now
 * (call again whenever c->plot changes). */
static void
S_pts_update(struct chart_dctx *c)
{
	const struct chart_fig *f = c->f;
	size_t i, j, n = 0;

	if (c->off == NULL) {
		c->off = xcalloc(f->nseries + 1, sizeof(*c->off));
		for (i = 0; i < f->nseries; i++) {
			c->off[i] = n;
			n += f->series[i].n;
		}
		c->off[f->nseries] = n;
		c->ptx = xcalloc(n + 1, sizeof(*c->ptx));
		c->pty = xcalloc(n + 1, sizeof(*c->pty));
	}
	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		for (j = 0; j < s->n; j++) {
			c->ptx[c->off[i] + j] = chart_dr_px(c, s->x[j]);
			c->pty[c->off[i] + j] = chart_dr_py(c, s->y[j]);
		}
	}
}

int
chart_dr_in_range(const struct chart_axis *a, double v)
{
	double eps = 1e-9 * (fabs(a->lo) + fabs(a->hi));

	return isfinite(S_t(a, v)) && v >= a->lo - eps && v <= a->hi + eps;
}

/* ---- marks ---- */

void
chart_dr_set_color(cairo_t *cr, int style, double alpha)
{
	const double *c = S_rgb[S_style(style)];

	cairo_set_source_rgba(cr, c[0], c[1], c[2], alpha);
}

static void
S_marker(cairo_t *cr, int style, double x, double y, double size)
{
	double r = size / 2;
	enum S_marker m = S_mark[S_style(style)];

	cairo_new_path(cr);
	switch (m) {
	case M_CIRCLE:
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
		break;
	case M_SQUARE:
		cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
		break;
	case M_TRIANGLE:
		cairo_move_to(cr, x, y - 1.2 * r);
		cairo_line_to(cr, x + 1.1 * r, y + 0.8 * r);
		cairo_line_to(cr, x - 1.1 * r, y + 0.8 * r);
		cairo_close_path(cr);
		break;
	case M_TRIANGLE_DOWN:
		cairo_move_to(cr, x, y + 1.2 * r);
		cairo_line_to(cr, x + 1.1 * r, y - 0.8 * r);
		cairo_line_to(cr, x - 1.1 * r, y - 0.8 * r);
		cairo_close_path(cr);
		break;
	case M_DIAMOND:
		cairo_move_to(cr, x, y - 1.25 * r);
		cairo_line_to(cr, x + 1.0 * r, y);
		cairo_line_to(cr, x, y + 1.25 * r);
		cairo_line_to(cr, x - 1.0 * r, y);
		cairo_close_path(cr);
		break;
	case M_CROSS:
	case M_PLUS: {
		double d = m == M_CROSS ? r * 0.95 : r * 1.25;
		cairo_save(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		cairo_set_line_width(cr, 4.0);
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
		cairo_set_source_rgb(cr, 1, 1, 1);
		for (int pass = 0; pass < 2; pass++) {
			if (m == M_CROSS) {
				cairo_move_to(cr, x - d, y - d);
				cairo_line_to(cr, x + d, y + d);
				cairo_move_to(cr, x - d, y + d);
				cairo_line_to(cr, x + d, y - d);
			} else {
				cairo_move_to(cr, x - d, y);
				cairo_line_to(cr, x + d, y);
				cairo_move_to(cr, x, y - d);
				cairo_line_to(cr, x, y + d);
			}
			cairo_stroke(cr);
			cairo_set_line_width(cr, 1.9);
			chart_dr_set_color(cr, style, 1);
		}
		cairo_restore(cr);
		return;
	}
	case M_NONE:
	default:
		return;
	}
	chart_dr_set_color(cr, style, 1);
	cairo_fill_preserve(cr);
	cairo_save(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_set_line_width(cr, 0.9);
	cairo_stroke(cr);
	cairo_restore(cr);
}

static void
S_line_style(struct chart_dctx *c, int style, double lw)
{
	int s = S_style(style);

	cairo_set_line_width(c->cr, lw);
	cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(c->cr, S_ndash[s] ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
	cairo_set_dash(c->cr, S_dash[s], S_ndash[s], 0);
	chart_dr_set_color(c->cr, style, 1);
}

static double
S_series_lw(const struct chart_dctx *c, const struct chart_series *s)
{
	if (s->style == CHART_STYLE_GREY)
		return c->st->line_w * (s->emphasis ? 1.3 : 0.9);
	return s->emphasis ? c->st->line_w * 1.45 : c->st->line_w;
}

/* ---- the parts of the figure ---- */

static void
S_card(struct chart_dctx *c)
{
	double r = c->st->card_radius, w = c->w, h = c->h, i = 0.5;
	cairo_t *cr = c->cr;

	if (!c->st->card) {
		cairo_rectangle(cr, 0, 0, w, h);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill(cr);
		return;
	}
	cairo_new_path(cr);
	cairo_arc(cr, w - r - i, r + i, r, -M_PI / 2, 0);
	cairo_arc(cr, w - r - i, h - r - i, r, 0, M_PI / 2);
	cairo_arc(cr, r + i, h - r - i, r, M_PI / 2, M_PI);
	cairo_arc(cr, r + i, r + i, r, M_PI, 1.5 * M_PI);
	cairo_close_path(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 0.80, 0.80, 0.80);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
}

struct S_legend {
	size_t n;			/* entries */
	size_t cols, rows;		/* 1 column inside the plot; 2 below it */
	double w, h, row_h, text_w;
	struct chart_rect at;
	int inside;
};

#define S_SAMPLE_W 30.0

/* ---- the layout cache ---- */

/* A placed label (text) or leader line (text NULL), in drawing order. */
struct S_op {
	char *text;
	double r[4];			/* the box x y w h, or the leader x0 y0 x1 y1 */
};

/*
 * Everything chart_draw_style() decides from text extents and label
 * placement, for one figure at one size and style: margins, the plot
 * rectangle, the legend, the x labels' stride, the tick labels' sizes and
 * every label and leader placed.  Placement tries up to 96 boxes per
 * label against every mark, so the caller may keep it as a value and
 * pass it back (chart_draw_layout()): the web SVG and the 2x PNG share
 * one.  Text is measured in a context of no surface, so the layout does
 * not depend on which surface computed it.
 */
struct chart_layout {
	double w, h;
	struct chart_style st;
	char *font;			/* st.font's copy */
	struct chart_rect plot;
	struct S_legend lg;
	double tick_h;
	size_t every;
	double xt[CHART_MAX_TICKS][2], yt[CHART_MAX_TICKS][2];	/* tick labels' w, h */
	struct S_op *ops;
	size_t nops;
};

void
chart_layout_free(struct chart_layout *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nops; i++)
		free(l->ops[i].text);
	free(l->ops);
	free(l->font);
	free(l);
}

static int
S_layout_is(const struct chart_layout *l, const struct chart_style *st, double w, double h)
{
	const struct chart_style *a = &l->st;

	return l->w == w && l->h == h && a->font_pt == st->font_pt &&
	    a->title_pt == st->title_pt && a->line_w == st->line_w && a->card == st->card &&
	    a->card_radius == st->card_radius &&
	    strcmp(a->font != NULL ? a->font : "", st->font != NULL ? st->font : "") == 0;
}

void
chart_dr_op_add(struct chart_dctx *c, const char *text, const double *r)
{
	struct chart_layout *l = c->lay;

	if (!c->fresh)
		return;
	l->ops = xreallocarray(l->ops, l->nops + 1, sizeof(*l->ops));
	l->ops[l->nops].text = text != NULL ? xstrdup(text) : NULL;
	memcpy(l->ops[l->nops].r, r, sizeof(l->ops[l->nops].r));
	l->nops++;
}

int
chart_dr_is_inline(const struct chart_series *s)
{
	return s->inline_label && s->kind == CHART_SERIES_LINE;
}

static void
S_legend_measure(struct chart_dctx *c, struct S_legend *lg)
{
	size_t i;
	double tw, th;

	memset(lg, 0, sizeof(*lg));
	for (i = 0; i < c->f->nseries; i++) {
		const struct chart_series *s = &c->f->series[i];
		if (s->label == NULL || s->kind == CHART_SERIES_BAR || chart_dr_is_inline(s))
			continue;
		chart_dr_text_size(c, s->label, c->st->font_pt, 0, &tw, &th);
		if (tw > lg->text_w)
			lg->text_w = tw;
		if (th + 3 > lg->row_h)
			lg->row_h = th + 3;
		lg->n++;
	}
	lg->cols = 1;
	lg->rows = lg->n;
	lg->w = 8 + S_SAMPLE_W + 6 + lg->text_w + 8;
	lg->h = 5 + lg->n * lg->row_h + 5;
}

/* Inside the plot where it covers no series and no marked point, trying
 * the corners first; else outside, to the right of the plot. */
static void
S_legend_place(struct chart_dctx *c, struct S_legend *lg)
{
	const struct chart_rect *p = &c->plot;
	double in = 6;
	double xs[3] = { p->x + p->w - lg->w - in, p->x + in, p->x + (p->w - lg->w) / 2 };
	double ys[3] = { p->y + in, p->y + p->h - lg->h - in, p->y + (p->h - lg->h) / 2 };
	static const int order[][2] = {
		{ 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 }, { 0, 2 }, { 1, 2 }, { 2, 0 }, { 2, 1 }
	};
	size_t k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		struct chart_rect r = { xs[order[k][0]], ys[order[k][1]], lg->w, lg->h };
		if (chart_lbl_hits_data(c, &r, NULL) == 0 && chart_lbl_hits_lines(c, &r, (size_t)-1) == 0) {
			lg->at = r;
			lg->inside = 1;
			return;
		}
	}
	/* Only when every spot inside covers data: outside the plot, to its
	 * right when the legend is narrow, else below the axis title in as
	 * many columns as fit (the plot gets shorter). */
	lg->inside = 0;
	if (lg->w <= 0.3 * c->w) {
		c->plot.w -= lg->w + 10;
		S_pts_update(c);
		lg->at = (struct chart_rect){ c->plot.x + c->plot.w + 10, c->plot.y, lg->w, lg->h };
		return;
	}
	{
		double colw = S_SAMPLE_W + 6 + lg->text_w + 14;
		size_t cols = (size_t)floor((c->w - 32) / colw);
		if (cols < 1)
			cols = 1;
		if (cols > lg->n)
			cols = lg->n;
		lg->cols = cols;
		lg->rows = (lg->n + cols - 1) / cols;
		lg->w = 8 + cols * colw - 6;
		lg->h = 5 + lg->rows * lg->row_h + 5;
		c->plot.h -= lg->h + 6;
		S_pts_update(c);
		lg->at = (struct chart_rect){ (c->w - lg->w) / 2, c->h - 10 - lg->h, lg->w, lg->h };
	}
}

static void
S_legend_sample(struct chart_dctx *c, const struct chart_series *s, double x, double y)
{
	cairo_t *cr = c->cr;

	cairo_save(cr);
	if (s->kind != CHART_SERIES_SCATTER) {
		S_line_style(c, s->style, S_series_lw(c, s));
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x + S_SAMPLE_W, y);
		cairo_stroke(cr);
	}
	if (s->kind == CHART_SERIES_LINE || s->kind == CHART_SERIES_SCATTER)
		S_marker(cr, s->style, x + S_SAMPLE_W / 2, y, 6.5);
	cairo_restore(cr);
}

static void
S_legend_draw(struct chart_dctx *c, const struct S_legend *lg)
{
	cairo_t *cr = c->cr;
	size_t i, k = 0;
	double colw = S_SAMPLE_W + 6 + lg->text_w + 14;

	if (lg->n == 0)
		return;
	cairo_rectangle(cr, lg->at.x, lg->at.y, lg->at.w, lg->at.h);
	cairo_set_source_rgba(cr, 1, 1, 1, 0.94);
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
	cairo_set_line_width(cr, 0.75);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_stroke(cr);
	for (i = 0; i < c->f->nseries; i++) {
		const struct chart_series *s = &c->f->series[i];
		double x, y;
		if (s->label == NULL || s->kind == CHART_SERIES_BAR || chart_dr_is_inline(s))
			continue;
		/* Column-major, so the order reads down each column. */
		x = lg->at.x + 8 + (double)(k / lg->rows) * colw;
		y = lg->at.y + 5 + (double)(k % lg->rows) * lg->row_h;
		S_legend_sample(c, s, x, y + lg->row_h / 2);
		chart_dr_text_at(c, s->label, c->st->font_pt, 0, x + S_SAMPLE_W + 6, y + 1.5,
		    0.13, 0.13, 0.13);
		k++;
	}
}

/* Which tick labels of the x axis to print: every k-th, so neighbours
 * keep 8 points apart. */
static size_t
S_xlabel_every(struct chart_dctx *c)
{
	const struct chart_axis *a = &c->f->x;
	size_t every, i;

	for (every = 1; every < a->nticks + 1; every++) {
		double last_r = -INFINITY;
		int ok = 1;
		for (i = 0; i < a->nticks; i += every) {
			double tw, th, x = chart_dr_px(c, a->ticks[i].v);
			chart_dr_text_size(c, a->ticks[i].label, c->st->font_pt, 0, &tw, &th);
			if (x - tw / 2 < last_r + 8)
				ok = 0;
			last_r = x + tw / 2;
		}
		if (ok)
			return every;
	}
	return a->nticks ? a->nticks : 1;
}

static void
S_axes(struct chart_dctx *c, double tick_h)
{
	cairo_t *cr = c->cr;
	const struct chart_fig *f = c->f;
	const struct chart_rect *p = &c->plot;
	size_t i, every;
	double tw, th;

	cairo_save(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	/* Grid: light enough to read through, major ticks only. */
	cairo_set_line_width(cr, 0.6);
	cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
	for (i = 0; i < f->x.nticks; i++) {
		double x = round(chart_dr_px(c, f->x.ticks[i].v) * 2) / 2;
		if (f->x.scale == CHART_CATEGORY)
			break;
		cairo_move_to(cr, x, p->y);
		cairo_line_to(cr, x, p->y + p->h);
	}
	if (f->y.scale != CHART_CATEGORY)
		for (i = 0; i < f->y.nticks; i++) {
			double y = chart_dr_py(c, f->y.ticks[i].v);
			cairo_move_to(cr, p->x, y);
			cairo_line_to(cr, p->x + p->w, y);
		}
	cairo_stroke(cr);

	/* Frame: left and bottom axes. */
	cairo_set_source_rgb(cr, 0.27, 0.27, 0.27);
	cairo_set_line_width(cr, 0.9);
	cairo_move_to(cr, p->x, p->y);
	cairo_line_to(cr, p->x, p->y + p->h);
	cairo_line_to(cr, p->x + p->w, p->y + p->h);
	cairo_stroke(cr);

	/* Tick marks: major 4 pt, minor 2.5 pt, outside the frame. */
	cairo_set_line_width(cr, 0.8);
	for (i = 0; i < f->x.nticks && f->x.scale != CHART_CATEGORY; i++) {
		double x = chart_dr_px(c, f->x.ticks[i].v);
		cairo_move_to(cr, x, p->y + p->h);
		cairo_line_to(cr, x, p->y + p->h + 4);
	}
	for (i = 0; i < f->x.nminor; i++) {
		double x = chart_dr_px(c, f->x.minor[i]);
		cairo_move_to(cr, x, p->y + p->h);
		cairo_line_to(cr, x, p->y + p->h + 2.5);
	}
	for (i = 0; i < f->y.nticks && f->y.scale != CHART_CATEGORY; i++) {
		double y = chart_dr_py(c, f->y.ticks[i].v);
		cairo_move_to(cr, p->x, y);
		cairo_line_to(cr, p->x - 4, y);
	}
	for (i = 0; i < f->y.nminor; i++) {
		double y = chart_dr_py(c, f->y.minor[i]);
		cairo_move_to(cr, p->x, y);
		cairo_line_to(cr, p->x - 2.5, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);

	if (c->fresh) {
		c->lay->every = S_xlabel_every(c);
		for (i = 0; i < f->x.nticks; i++)
			chart_dr_text_size(c, f->x.ticks[i].label, c->st->font_pt, 0, &c->lay->xt[i][0],
			    &c->lay->xt[i][1]);
		for (i = 0; i < f->y.nticks; i++)
			chart_dr_text_size(c, f->y.ticks[i].label, c->st->font_pt, 0, &c->lay->yt[i][0],
			    &c->lay->yt[i][1]);
	}
	every = c->lay->every;
	for (i = 0; i < f->x.nticks; i += every) {
		double x = chart_dr_px(c, f->x.ticks[i].v);
		tw = c->lay->xt[i][0];
		chart_dr_text_at(c, f->x.ticks[i].label, c->st->font_pt, 0, x - tw / 2, p->y + p->h + 6,
		    0.2, 0.2, 0.2);
	}
	for (i = 0; i < f->y.nticks; i++) {
		double y = chart_dr_py(c, f->y.ticks[i].v);
		tw = c->lay->yt[i][0];
		th = c->lay->yt[i][1];
		chart_dr_text_at(c, f->y.ticks[i].label, c->st->font_pt, 0, p->x - 7 - tw, y - th / 2,
		    0.2, 0.2, 0.2);
	}
	(void)tick_h;
}

static void
S_axis_titles(struct chart_dctx *c, double xtitle_y, double ytitle_x)
{
	cairo_t *cr = c->cr;
	const struct chart_fig *f = c->f;
	double tw, th;

	if (f->x.title != NULL && f->x.title[0]) {
		chart_dr_text_size(c, f->x.title, c->st->font_pt + 0.5, 0, &tw, &th);
		chart_dr_text_at(c, f->x.title, c->st->font_pt + 0.5, 0,
		    c->plot.x + (c->plot.w - tw) / 2, xtitle_y, 0.1, 0.1, 0.1);
	}
	if (f->y.title != NULL && f->y.title[0] && f->y.scale != CHART_CATEGORY) {
		PangoLayout *l = S_layout(c, c->pc, f->y.title, c->st->font_pt + 0.5, 0);
		chart_dr_text_size(c, f->y.title, c->st->font_pt + 0.5, 0, &tw, &th);
		cairo_save(cr);
		cairo_translate(cr, ytitle_x, c->plot.y + (c->plot.h + tw) / 2);
		cairo_rotate(cr, -M_PI / 2);
		pango_cairo_update_context(cr, c->pc);
		pango_layout_context_changed(l);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		cairo_move_to(cr, 0, 0);
		pango_cairo_show_layout(cr, l);
		cairo_restore(cr);
		pango_cairo_update_context(cr, c->pc);
		g_object_unref(l);
	}
}

void
chart_dr_clip_plot(struct chart_dctx *c, double grow)
{
	cairo_rectangle(c->cr, c->plot.x - grow, c->plot.y - grow,
	    c->plot.w + 2 * grow, c->plot.h + 2 * grow);
	cairo_clip(c->cr);
}

static void
S_regions(struct chart_dctx *c)
{
	size_t i;

	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		double x0, x1;
		if (a->kind != CHART_ANNOT_REGION)
			continue;
		x0 = chart_dr_px(c, a->x);
		x1 = chart_dr_px(c, a->x2);
		if (!isfinite(x0) || !isfinite(x1))
			continue;
		cairo_save(c->cr);
		chart_dr_clip_plot(c, 0);
		cairo_rectangle(c->cr, fmin(x0, x1), c->plot.y, fabs(x1 - x0), c->plot.h);
		if (a->style < 0)
			cairo_set_source_rgba(c->cr, 0.5, 0.5, 0.5, 0.12);
		else
			chart_dr_set_color(c->cr, a->style, 0.12);
		cairo_fill(c->cr);
		cairo_restore(c->cr);
	}
}

/* Markers along a line every ~70 points of its length (offset by style so
 * that overlapping curves show both), or at every point of short series. */
static void
S_line_markers(struct chart_dctx *c, const struct chart_series *s)
{
	size_t j;
	double x, y, px = 0, py = 0, acc, next;
	int have = 0;
	const double spacing = 72;

	if (S_mark[S_style(s->style)] == M_NONE)
		return;
	if (s->n <= 12) {
		/* Not on the frame: a half-hidden marker reads as noise. */
		for (j = 0; j < s->n; j++)
			if (chart_dr_in_range(&c->f->x, s->x[j]) && chart_dr_in_range(&c->f->y, s->y[j]) &&
			    chart_lbl_spt(c, s, j, &x, &y) && x > c->plot.x + 1 && x < c->plot.x + c->plot.w - 1)
				S_marker(c->cr, s->style, x, y, 6.5);
		return;
	}
	acc = 0;
	next = 14 + 11.0 * S_style(s->style);
	for (j = 0; j < s->n; j++) {
		if (!chart_lbl_spt(c, s, j, &x, &y)) {
			have = 0;
			continue;
		}
		if (have) {
			double d = hypot(x - px, y - py);
			while (d > 0 && acc + d >= next) {
				double t = (next - acc) / d;
				double mx = px + t * (x - px), my = py + t * (y - py);
				if (chart_lbl_pt_in(&c->plot, mx, my))
					S_marker(c->cr, s->style, mx, my, 6.5);
				next += spacing;
			}
			acc += d;
		}
		px = x;
		py = y;
		have = 1;
	}
}

static void
S_series(struct chart_dctx *c, const struct chart_series *s)
{
	cairo_t *cr = c->cr;
	size_t j;
	double x, y, py = 0;
	int have = 0;

	cairo_save(cr);
	if (s->kind == CHART_SERIES_BAR) {
		double x0 = chart_dr_px(c, c->f->x.scale == CHART_LINEAR ? fmax(c->f->x.lo, 0) : c->f->x.lo);
		for (j = 0; j < s->n; j++) {
			double y0 = chart_dr_py(c, s->y[j] - 0.32), y1 = chart_dr_py(c, s->y[j] + 0.32);
			x = chart_dr_px(c, s->x[j]);
			if (!isfinite(x))
				continue;
			cairo_rectangle(cr, x0, y0, x - x0, y1 - y0);
			chart_dr_set_color(cr, s->style, 1);
			cairo_fill(cr);
			if (s->labels != NULL && s->labels[j] != NULL) {
				double tw, th;
				chart_dr_text_size(c, s->labels[j], c->st->font_pt, 0, &tw, &th);
				/* Beyond the bar's end when there is room, else
				 * inside it in white. */
				if (x + 5 + tw <= c->plot.x + c->plot.w)
					chart_dr_text_at(c, s->labels[j], c->st->font_pt, 0, x + 5,
					    (y0 + y1 - th) / 2, 0.13, 0.13, 0.13);
				else
					chart_dr_text_at(c, s->labels[j], c->st->font_pt, 0, x - 5 - tw,
					    (y0 + y1 - th) / 2, 1, 1, 1);
			}
		}
		cairo_restore(cr);
		return;
	}
	if (s->kind != CHART_SERIES_SCATTER) {
		cairo_save(cr);
		chart_dr_clip_plot(c, 0.5);
		cairo_new_path(cr);
		for (j = 0; j < s->n; j++) {
			if (!chart_lbl_spt(c, s, j, &x, &y)) {
				have = 0;
				continue;
			}
			if (!have)
				cairo_move_to(cr, x, y);
			else if (s->kind == CHART_SERIES_STEP) {
				cairo_line_to(cr, x, py);
				cairo_line_to(cr, x, y);
			} else
				cairo_line_to(cr, x, y);
			py = y;
			have = 1;
		}
		S_line_style(c, s->style, S_series_lw(c, s));
		cairo_stroke(cr);
		cairo_restore(cr);
	}
	chart_dr_clip_plot(c, 6);
	if (s->kind == CHART_SERIES_SCATTER) {
		for (j = 0; j < s->n; j++)
			if (chart_lbl_spt(c, s, j, &x, &y))
				S_marker(cr, s->style, x, y, 7.5);
	} else if (s->kind == CHART_SERIES_LINE) {
		S_line_markers(c, s);
	}
	cairo_restore(cr);
}

/* The labels and leaders a cached layout placed, drawn as placed. */
static void
S_replay(struct chart_dctx *c)
{
	size_t i;

	for (i = 0; i < c->lay->nops; i++) {
		const struct S_op *op = &c->lay->ops[i];
		struct chart_rect r = { op->r[0], op->r[1], op->r[2], op->r[3] };

		if (op->text == NULL)
			chart_lbl_stroke_leader(c, op->r);
		else
			chart_lbl_label_box(c, op->text, &r);
	}
}

void
chart_draw_layout(cairo_t *cr, const struct chart_fig *f, const struct chart_style *st,
    double w_pt, double h_pt, struct chart_layout **lay)
{
	struct chart_dctx c;
	struct S_legend lg;
	cairo_font_options_t *fo;
	double tw, th, title_h, tick_h, ylab_w = 0, axis_title_h, right, last_w = 0;
	const double pad = 16;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.cr = cr;
	c.st = st;
	c.f = f;
	c.w = w_pt;
	c.h = h_pt;
	c.tx0 = S_t(&f->x, f->x.lo);
	c.tx1 = S_t(&f->x, f->x.hi);
	c.ty0 = S_t(&f->y, f->y.lo);
	c.ty1 = S_t(&f->y, f->y.hi);

	cairo_save(cr);
	cairo_new_path(cr);
	/* Text metrics without hinting: identical layout on every surface.
	 * The layout is measured in a context of no surface at all (user
	 * space, unscaled), so that a figure lays out the same whether it is
	 * drawn into an SVG, a 2x image or a PDF page, and the layout can
	 * be computed once per size and kept by the caller. */
	c.pc = pango_cairo_create_context(cr);
	c.mc = pango_font_map_create_context(pango_cairo_font_map_get_default());
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(c.pc, fo);
	pango_cairo_context_set_font_options(c.mc, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(c.pc, 72);
	pango_cairo_context_set_resolution(c.mc, 72);
	pango_context_set_round_glyph_positions(c.pc, FALSE);
	pango_context_set_round_glyph_positions(c.mc, FALSE);

	S_card(&c);

	if (lay != NULL && *lay != NULL && S_layout_is(*lay, st, w_pt, h_pt)) {
		c.lay = *lay;
		c.plot = c.lay->plot;
		lg = c.lay->lg;
		tick_h = c.lay->tick_h;
		S_pts_update(&c);
		chart_dr_text_at(&c, f->title, st->title_pt, 1, pad, pad - 2, 0.07, 0.07, 0.07);
		goto draw;
	}
	c.fresh = 1;
	c.lay = xcalloc(1, sizeof(*c.lay));
	c.lay->w = w_pt;
	c.lay->h = h_pt;
	c.lay->st = *st;
	c.lay->font = st->font != NULL ? xstrdup(st->font) : NULL;
	c.lay->st.font = c.lay->font;

	/* Margins from the texts that sit outside the plot. */
	chart_dr_text_size(&c, f->title, st->title_pt, 1, &tw, &title_h);
	chart_dr_text_size(&c, "0", st->font_pt, 0, &tw, &tick_h);
	chart_dr_text_size(&c, "Ag", st->font_pt + 0.5, 0, &tw, &axis_title_h);
	for (i = 0; i < f->y.nticks; i++) {
		chart_dr_text_size(&c, f->y.ticks[i].label, st->font_pt, 0, &tw, &th);
		if (tw > ylab_w)
			ylab_w = tw;
	}
	if (f->x.nticks > 0)
		chart_dr_text_size(&c, f->x.ticks[f->x.nticks - 1].label, st->font_pt, 0, &last_w, &th);
	right = fmax(pad + 4, last_w / 2 + pad / 2 + 2);
	c.plot.x = pad + (f->y.scale == CHART_CATEGORY ? 0 : axis_title_h + 8) + ylab_w + 8;
	c.plot.y = pad + title_h + 12;
	c.plot.w = w_pt - right - c.plot.x;
	c.plot.h = h_pt - pad - axis_title_h - 6 - tick_h - 8 - c.plot.y;
	S_pts_update(&c);

	chart_dr_text_at(&c, f->title, st->title_pt, 1, pad, pad - 2, 0.07, 0.07, 0.07);

	S_legend_measure(&c, &lg);
	if (lg.n > 0)
		S_legend_place(&c, &lg);
	c.lay->plot = c.plot;
	c.lay->lg = lg;
	c.lay->tick_h = tick_h;
draw:
	if (lg.n > 0)
		chart_lbl_occupy(&c, &lg.at);

	S_regions(&c);
	S_axes(&c, tick_h);
	S_axis_titles(&c, c.plot.y + c.plot.h + 8 + tick_h + 6, pad);
	chart_lbl_annot_lines(&c);
	/* The headline series last, so no other curve hides it. */
	for (i = 0; i < f->nseries; i++)
		if (!f->series[i].emphasis)
			S_series(&c, &f->series[i]);
	for (i = 0; i < f->nseries; i++)
		if (f->series[i].emphasis)
			S_series(&c, &f->series[i]);
	chart_lbl_annot_points(&c);
	if (c.fresh) {
		chart_lbl_annot_labels(&c);
		chart_lbl_scatter_labels(&c);
	} else
		S_replay(&c);
	S_legend_draw(&c, &lg);
	if (c.fresh && lay != NULL) {
		chart_layout_free(*lay);
		*lay = c.lay;
	} else if (c.fresh)
		chart_layout_free(c.lay);

	g_object_unref(c.pc);
	g_object_unref(c.mc);
	free(c.off);
	free(c.ptx);
	free(c.pty);
	cairo_restore(cr);
}

void
chart_draw_style(cairo_t *cr, const struct chart_fig *f, const struct chart_style *st,
    double w_pt, double h_pt)
{
	chart_draw_layout(cr, f, st, w_pt, h_pt, NULL);
}

void
chart_draw(cairo_t *cr, const struct chart_fig *f, double w_pt, double h_pt)
{
	struct chart_style st;

	chart_style_defaults(&st);
	chart_draw_style(cr, f, &st, w_pt, h_pt);
}

/* ---- the axis transform (the What if? marker) ---- */

const char *
chart_scale_name(enum chart_scale s)
{
	switch (s) {
	case CHART_LOG:		return "log";
	case CHART_LOG2:	return "log2";
	case CHART_CATEGORY:	return "category";
	default:		return "linear";
	}
}

void
chart_layout_axes(const struct chart_layout *l, const struct chart_fig *f,
    struct chart_axes *out)
{
	out->plot[0] = l->plot.x;
	out->plot[1] = l->plot.y;
	out->plot[2] = l->plot.w;
	out->plot[3] = l->plot.h;
	out->x.scale = f->x.scale;
	out->x.lo = f->x.lo;
	out->x.hi = f->x.hi;
	out->x.key = f->x.key != NULL ? f->x.key : "";
	out->y.scale = f->y.scale;
	out->y.lo = f->y.lo;
	out->y.hi = f->y.hi;
	out->y.key = f->y.key != NULL ? f->y.key : "";
}

int
chart_axes(const struct chart_fig *f, double w_pt, double h_pt, struct chart_axes *out)
{
	struct chart_layout *lay = NULL;
	struct chart_style st;
	cairo_surface_t *sf;
	cairo_t *cr;

	/* The layout is measured on no surface (chart_draw_layout), so a
	 * 1x1 image gives the one every output of this size uses. */
	chart_style_defaults(&st);
	sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cr = cairo_create(sf);
	chart_draw_layout(cr, f, &st, w_pt, h_pt, &lay);
	cairo_destroy(cr);
	cairo_surface_destroy(sf);
	if (lay == NULL)
		return -1;
	chart_layout_axes(lay, f, out);
	chart_layout_free(lay);
	return 0;
}

void
chart_axes_attrs(const struct chart_axes *a, struct buf *out)
{
	char v[4][40];
	int i;

	for (i = 0; i < 4; i++)
		util_fmt_g(v[i], sizeof(v[i]), 17, a->plot[i]);
	buf_printf(out, " data-plot=\"%s %s %s %s\"", v[0], v[1], v[2], v[3]);
	util_fmt_g(v[0], sizeof(v[0]), 17, a->x.lo);
	util_fmt_g(v[1], sizeof(v[1]), 17, a->x.hi);
	util_fmt_g(v[2], sizeof(v[2]), 17, a->y.lo);
	util_fmt_g(v[3], sizeof(v[3]), 17, a->y.hi);
	buf_printf(out, " data-x=\"%s %s %s %s\" data-y=\"%s %s %s %s\"",
	    chart_scale_name(a->x.scale), v[0], v[1], a->x.key,
	    chart_scale_name(a->y.scale), v[2], v[3], a->y.key);
}
