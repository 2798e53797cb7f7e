/*
 * draw.c -- drawing a struct chart_fig onto a borrowed cairo_t, and the
 * two surfaces the site needs (SVG and PNG, in memory).
 *
 * Layout happens at draw time because it depends on text extents: margins
 * from the widest tick label, a legend placed where it crosses no series
 * (else outside the plot), annotation labels placed greedily where they
 * overlap nothing already placed.  Text metrics are taken with hinting off
 * so the SVG, the PNG and the PDF lay out identically.
 */
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "chart.h"
#include "chart_int.h"
#include "util.h"

#ifndef INFERBOOK_VERSION
#define INFERBOOK_VERSION "unknown"
#endif

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

struct S_rect {
	double x, y, w, h;
};

#define S_MAXOCC 128

struct S_ctx {
	cairo_t *cr;
	PangoContext *pc;		/* draws text on cr */
	PangoContext *mc;		/* measures it, whatever the surface */
	const struct chart_style *st;
	const struct chart_fig *f;
	double w, h;
	struct S_rect plot;
	struct S_rect occ[S_MAXOCC];	/* placed texts and the legend */
	size_t nocc;
	double lead[S_MAXOCC][4];	/* leader lines drawn: x0 y0 x1 y1 */
	size_t nlead;
	/* The axes' transforms (S_t of lo and hi), and every series point
	 * on the page for the current plot rectangle (S_pts_update): label
	 * placement asks for each point once per candidate box. */
	double tx0, tx1, ty0, ty1;
	double *ptx, *pty;		/* point j of series i at [off[i] + j] */
	size_t *off;
	/* The figure's layout at this size: found in the figure's cache,
	 * or (fresh) being computed by this draw, then kept. */
	struct chart_layout *lay;
	int fresh;
};

/* What a label belongs to, so that it does not avoid its own mark: an
 * annotation (annot), point j of series s, or the whole series s (j =
 * (size_t)-1, a line's own label); (px, py) the point on the page, where
 * a leader line from the label ends. */
struct S_self {
	size_t annot;			/* (size_t)-1: none */
	const struct chart_series *s;	/* NULL: none */
	size_t j;
	double px, py;
};

static PangoLayout *
S_layout(struct S_ctx *c, PangoContext *pc, const char *text, double pt, int bold)
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

static void
S_text_size(struct S_ctx *c, const char *text, double pt, int bold, double *w, double *h)
{
	PangoLayout *l = S_layout(c, c->mc, text, pt, bold);

	S_extent(l, w, h);
	g_object_unref(l);
}

/* Draws text with its top-left corner at (x, y). */
static void
S_text_at(struct S_ctx *c, const char *text, double pt, int bold, double x, double y,
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

static double
S_px(const struct S_ctx *c, double x)
{
	const struct chart_axis *a = &c->f->x;

	return c->plot.x + (S_t(a, x) - c->tx0) / (c->tx1 - c->tx0) * c->plot.w;
}

static double
S_py(const struct S_ctx *c, double y)
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
S_pts_update(struct S_ctx *c)
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
			c->ptx[c->off[i] + j] = S_px(c, s->x[j]);
			c->pty[c->off[i] + j] = S_py(c, s->y[j]);
		}
	}
}

static int
S_in_range(const struct chart_axis *a, double v)
{
	double eps = 1e-9 * (fabs(a->lo) + fabs(a->hi));

	return isfinite(S_t(a, v)) && v >= a->lo - eps && v <= a->hi + eps;
}

/* ---- geometry for placement ---- */

static int
S_rect_overlap(const struct S_rect *a, const struct S_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	    a->y < b->y + b->h && b->y < a->y + a->h;
}

static int
S_rect_inside(const struct S_rect *in, const struct S_rect *out)
{
	return in->x >= out->x && in->y >= out->y &&
	    in->x + in->w <= out->x + out->w && in->y + in->h <= out->y + out->h;
}

static int
S_pt_in(const struct S_rect *r, double x, double y)
{
	return x >= r->x && x <= r->x + r->w && y >= r->y && y <= r->y + r->h;
}

/* Liang-Barsky: does the segment cross the rectangle? */
static int
S_seg_hits(const struct S_rect *r, double x0, double y0, double x1, double y1)
{
	double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
	double p[4] = { -dx, dx, -dy, dy };
	double q[4] = { x0 - r->x, r->x + r->w - x0, y0 - r->y, r->y + r->h - y0 };
	int i;

	for (i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return 0;
		} else {
			double t = q[i] / p[i];
			if (p[i] < 0) {
				if (t > t1)
					return 0;
				if (t > t0)
					t0 = t;
			} else {
				if (t < t0)
					return 0;
				if (t < t1)
					t1 = t;
			}
		}
	}
	return 1;
}

static double
S_orient(double ax, double ay, double bx, double by, double cx, double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Do the segments ab (x0 y0 x1 y1) and c-d cross?  Each pair of ends on
 * opposite sides of the other's line. */
static int
S_seg_seg(const double *ab, double cx, double cy, double dx, double dy)
{
	double d1 = S_orient(cx, cy, dx, dy, ab[0], ab[1]);
	double d2 = S_orient(cx, cy, dx, dy, ab[2], ab[3]);
	double d3 = S_orient(ab[0], ab[1], ab[2], ab[3], cx, cy);
	double d4 = S_orient(ab[0], ab[1], ab[2], ab[3], dx, dy);

	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0);
}

/* The screen point of series point j; 0 when it cannot be drawn. */
static int
S_spt(const struct S_ctx *c, const struct chart_series *s, size_t j, double *x, double *y)
{
	size_t k = c->off[s - c->f->series] + j;

	*x = c->ptx[k];
	*y = c->pty[k];
	return isfinite(*x) && isfinite(*y);
}

/* How many series (and marked points) the rectangle touches: what a
 * legend or label must not cover.  A scatter point or a marked point
 * counts twice (a label on a mark hides it); self's own mark not at all. */
static int
S_hits_data(const struct S_ctx *c, const struct S_rect *r0, const struct S_self *self)
{
	const struct chart_fig *f = c->f;
	struct S_rect r = { r0->x - 3, r0->y - 3, r0->w + 6, r0->h + 6 };
	int hits = 0;
	size_t i, j;

	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		int hit = 0;
		double px = 0, py = 0, x, y;
		int have = 0;
		if (self != NULL && self->s == s && self->j == (size_t)-1)
			continue;
		for (j = 0; j < s->n && (!hit || s->kind == CHART_SERIES_SCATTER); j++) {
			if (!S_spt(c, s, j, &x, &y)) {
				have = 0;
				continue;
			}
			if (s->kind == CHART_SERIES_BAR) {
				double y0 = S_py(c, s->y[j] - 0.35), y1 = S_py(c, s->y[j] + 0.35);
				struct S_rect b = { c->plot.x, y0, x - c->plot.x, y1 - y0 };
				if (S_rect_overlap(&b, &r))
					hit = 1;
				continue;
			}
			if (s->kind == CHART_SERIES_SCATTER) {
				struct S_rect m = { x - 2, y - 2, 4, 4 };
				if ((self == NULL || self->s != s || self->j != j) && S_rect_overlap(&m, &r))
					hits += 2;
				continue;
			}
			if (S_pt_in(&r, x, y))
				hit = 1;
			else if (have) {
				if (s->kind == CHART_SERIES_STEP)
					hit = S_seg_hits(&r, px, py, x, py) || S_seg_hits(&r, x, py, x, y);
				else
					hit = S_seg_hits(&r, px, py, x, y);
			}
			px = x;
			py = y;
			have = 1;
		}
		hits += hit;
	}
	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		if (a->kind == CHART_ANNOT_POINT && (self == NULL || i != self->annot)) {
			struct S_rect m = { S_px(c, a->x) - 5, S_py(c, a->y) - 5, 10, 10 };
			if (S_rect_overlap(&m, &r))
				hits += 2;
		}
	}
	return hits;
}

/* What a leader line from a label to its point crosses: the series lines
 * it crosses (returned, each once), and in *occ the other marks, placed
 * texts and leaders it passes (worse: it would seem to point at them). */
static int
S_lead_hits(const struct S_ctx *c, const double *seg, const struct S_self *self, int *occ)
{
	const struct chart_fig *f = c->f;
	int hits = 0;
	size_t i, j;

	*occ = 0;
	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		double px = 0, py = 0, x, y;
		if (self->s == s && self->j == (size_t)-1)
			continue;
		int have = 0, hit = 0;
		for (j = 0; j < s->n && !hit; j++) {
			if (!S_spt(c, s, j, &x, &y)) {
				have = 0;
				continue;
			}
			if (s->kind == CHART_SERIES_SCATTER || s->kind == CHART_SERIES_BAR) {
				struct S_rect m = { x - 5, y - 5, 10, 10 };
				/* A leader past another mark points at it. */
				if ((self->s != s || self->j != j) &&
				    S_seg_hits(&m, seg[0], seg[1], seg[2], seg[3]))
					(*occ)++;
				continue;
			}
			if (have)
				hit = S_seg_seg(seg, px, py, x, y);
			px = x;
			py = y;
			have = 1;
		}
		hits += hit;
	}
	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		if (a->kind == CHART_ANNOT_POINT && i != self->annot) {
			struct S_rect m = { S_px(c, a->x) - 5, S_py(c, a->y) - 5, 10, 10 };
			if (S_seg_hits(&m, seg[0], seg[1], seg[2], seg[3]))
				(*occ)++;
		}
	}
	for (i = 0; i < c->nocc; i++)
		*occ += S_seg_hits(&c->occ[i], seg[0], seg[1], seg[2], seg[3]);
	for (i = 0; i < c->nlead; i++)
		*occ += S_seg_seg(seg, c->lead[i][0], c->lead[i][1], c->lead[i][2], c->lead[i][3]);
	return hits;
}

/* The leader from the point (off its marker) to the nearest spot of r. */
static void
S_leader(const struct S_self *self, const struct S_rect *r, double *seg)
{
	double qx = fmin(fmax(self->px, r->x), r->x + r->w);
	double qy = fmin(fmax(self->py, r->y), r->y + r->h);
	double d = hypot(qx - self->px, qy - self->py);

	seg[0] = self->px + (d > 0 ? (qx - self->px) / d * 6 : 0);
	seg[1] = self->py + (d > 0 ? (qy - self->py) / d * 6 : 0);
	seg[2] = qx;
	seg[3] = qy;
}

static int
S_hits_lines(const struct S_ctx *c, const struct S_rect *r, size_t skip)
{
	const struct chart_fig *f = c->f;
	size_t i;
	int hits = 0;

	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		if (i == skip)
			continue;
		if (a->kind == CHART_ANNOT_VLINE && S_in_range(&f->x, a->x)) {
			double x = S_px(c, a->x);
			hits += x >= r->x && x <= r->x + r->w;
		} else if (a->kind == CHART_ANNOT_HLINE && S_in_range(&f->y, a->y)) {
			double y = S_py(c, a->y);
			hits += y >= r->y && y <= r->y + r->h;
		}
	}
	return hits;
}

static int
S_hits_occ(const struct S_ctx *c, const struct S_rect *r)
{
	size_t i;
	int n = 0;

	for (i = 0; i < c->nocc; i++)
		n += S_rect_overlap(&c->occ[i], r);
	for (i = 0; i < c->nlead; i++)
		n += S_seg_hits(r, c->lead[i][0], c->lead[i][1], c->lead[i][2], c->lead[i][3]);
	return n;
}

static void
S_occupy(struct S_ctx *c, const struct S_rect *r)
{
	if (c->nocc < S_MAXOCC)
		c->occ[c->nocc++] = *r;
}

/* ---- marks ---- */

static void
S_set_color(cairo_t *cr, int style, double alpha)
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
			S_set_color(cr, style, 1);
		}
		cairo_restore(cr);
		return;
	}
	case M_NONE:
	default:
		return;
	}
	S_set_color(cr, style, 1);
	cairo_fill_preserve(cr);
	cairo_save(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_set_line_width(cr, 0.9);
	cairo_stroke(cr);
	cairo_restore(cr);
}

static void
S_line_style(struct S_ctx *c, int style, double lw)
{
	int s = S_style(style);

	cairo_set_line_width(c->cr, lw);
	cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(c->cr, S_ndash[s] ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
	cairo_set_dash(c->cr, S_dash[s], S_ndash[s], 0);
	S_set_color(c->cr, style, 1);
}

static double
S_series_lw(const struct S_ctx *c, const struct chart_series *s)
{
	if (s->style == CHART_STYLE_GREY)
		return c->st->line_w * (s->emphasis ? 1.3 : 0.9);
	return s->emphasis ? c->st->line_w * 1.45 : c->st->line_w;
}

/* ---- the parts of the figure ---- */

static void
S_card(struct S_ctx *c)
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
	struct S_rect at;
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
 * label against every mark, so the web SVG, the 2x PNG and the two PDF
 * pages of a figure compute it twice (640 x 400 and the PDF's size)
 * rather than four times.  Text is measured in a context of no surface,
 * so the layout does not depend on which surface computed it.
 */
struct chart_layout {
	struct chart_layout *next;
	double w, h;
	struct chart_style st;
	char *font;			/* st.font's copy */
	struct S_rect plot;
	struct S_legend lg;
	double tick_h;
	size_t every;
	double xt[CHART_MAX_TICKS][2], yt[CHART_MAX_TICKS][2];	/* tick labels' w, h */
	struct S_op *ops;
	size_t nops;
};

/* One lock for every figure's cache: held only to look up or add. */
static pthread_mutex_t S_layout_mu = PTHREAD_MUTEX_INITIALIZER;

static void
S_layout_free(struct chart_layout *l)
{
	size_t i;

	for (i = 0; i < l->nops; i++)
		free(l->ops[i].text);
	free(l->ops);
	free(l->font);
	free(l);
}

void
chart_layouts_drop(struct chart_fig *f)
{
	struct chart_layout *l, *next;

	for (l = f->layouts; l != NULL; l = next) {
		next = l->next;
		S_layout_free(l);
	}
	f->layouts = NULL;
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

/* The cached layout of f at this size and style, or NULL.  Entries are
 * only added while figures are drawn, so one found stays valid. */
static struct chart_layout *
S_layout_find(const struct chart_fig *f, const struct chart_style *st, double w, double h)
{
	struct chart_layout *l;

	pthread_mutex_lock(&S_layout_mu);
	for (l = f->layouts; l != NULL && !S_layout_is(l, st, w, h); l = l->next)
		;
	pthread_mutex_unlock(&S_layout_mu);
	return l;
}

/* Keeps a freshly computed layout in the figure: the one field drawing
 * writes (the figure is otherwise read-only, and chart.h says so).  When
 * another thread kept the same one meanwhile, this copy goes: both were
 * computed from the same figure and text metrics, so they are equal. */
static void
S_layout_keep(const struct chart_fig *cf, struct chart_layout *l)
{
	struct chart_fig *f = (struct chart_fig *)(uintptr_t)cf;
	struct chart_layout *o;

	pthread_mutex_lock(&S_layout_mu);
	for (o = f->layouts; o != NULL && !S_layout_is(o, &l->st, l->w, l->h); o = o->next)
		;
	if (o == NULL) {
		l->next = f->layouts;
		f->layouts = l;
		l = NULL;
	}
	pthread_mutex_unlock(&S_layout_mu);
	if (l != NULL)
		S_layout_free(l);
}

static void
S_op_add(struct S_ctx *c, const char *text, const double *r)
{
	struct chart_layout *l = c->lay;

	if (!c->fresh)
		return;
	l->ops = xreallocarray(l->ops, l->nops + 1, sizeof(*l->ops));
	l->ops[l->nops].text = text != NULL ? xstrdup(text) : NULL;
	memcpy(l->ops[l->nops].r, r, sizeof(l->ops[l->nops].r));
	l->nops++;
}

static int
S_is_inline(const struct chart_series *s)
{
	return s->inline_label && s->kind == CHART_SERIES_LINE;
}

static void
S_legend_measure(struct S_ctx *c, struct S_legend *lg)
{
	size_t i;
	double tw, th;

	memset(lg, 0, sizeof(*lg));
	for (i = 0; i < c->f->nseries; i++) {
		const struct chart_series *s = &c->f->series[i];
		if (s->label == NULL || s->kind == CHART_SERIES_BAR || S_is_inline(s))
			continue;
		S_text_size(c, s->label, c->st->font_pt, 0, &tw, &th);
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
S_legend_place(struct S_ctx *c, struct S_legend *lg)
{
	const struct S_rect *p = &c->plot;
	double in = 6;
	double xs[3] = { p->x + p->w - lg->w - in, p->x + in, p->x + (p->w - lg->w) / 2 };
	double ys[3] = { p->y + in, p->y + p->h - lg->h - in, p->y + (p->h - lg->h) / 2 };
	static const int order[][2] = {
		{ 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 }, { 0, 2 }, { 1, 2 }, { 2, 0 }, { 2, 1 }
	};
	size_t k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		struct S_rect r = { xs[order[k][0]], ys[order[k][1]], lg->w, lg->h };
		if (S_hits_data(c, &r, NULL) == 0 && S_hits_lines(c, &r, (size_t)-1) == 0) {
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
		lg->at = (struct S_rect){ c->plot.x + c->plot.w + 10, c->plot.y, lg->w, lg->h };
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
		lg->at = (struct S_rect){ (c->w - lg->w) / 2, c->h - 10 - lg->h, lg->w, lg->h };
	}
}

static void
S_legend_sample(struct S_ctx *c, const struct chart_series *s, double x, double y)
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
S_legend_draw(struct S_ctx *c, const struct S_legend *lg)
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
		if (s->label == NULL || s->kind == CHART_SERIES_BAR || S_is_inline(s))
			continue;
		/* Column-major, so the order reads down each column. */
		x = lg->at.x + 8 + (double)(k / lg->rows) * colw;
		y = lg->at.y + 5 + (double)(k % lg->rows) * lg->row_h;
		S_legend_sample(c, s, x, y + lg->row_h / 2);
		S_text_at(c, s->label, c->st->font_pt, 0, x + S_SAMPLE_W + 6, y + 1.5,
		    0.13, 0.13, 0.13);
		k++;
	}
}

/* Which tick labels of the x axis to print: every k-th, so neighbours
 * keep 8 points apart. */
static size_t
S_xlabel_every(struct S_ctx *c)
{
	const struct chart_axis *a = &c->f->x;
	size_t every, i;

	for (every = 1; every < a->nticks + 1; every++) {
		double last_r = -INFINITY;
		int ok = 1;
		for (i = 0; i < a->nticks; i += every) {
			double tw, th, x = S_px(c, a->ticks[i].v);
			S_text_size(c, a->ticks[i].label, c->st->font_pt, 0, &tw, &th);
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
S_axes(struct S_ctx *c, double tick_h)
{
	cairo_t *cr = c->cr;
	const struct chart_fig *f = c->f;
	const struct S_rect *p = &c->plot;
	size_t i, every;
	double tw, th;

	cairo_save(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	/* Grid: light enough to read through, major ticks only. */
	cairo_set_line_width(cr, 0.6);
	cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
	for (i = 0; i < f->x.nticks; i++) {
		double x = round(S_px(c, f->x.ticks[i].v) * 2) / 2;
		if (f->x.scale == CHART_CATEGORY)
			break;
		cairo_move_to(cr, x, p->y);
		cairo_line_to(cr, x, p->y + p->h);
	}
	if (f->y.scale != CHART_CATEGORY)
		for (i = 0; i < f->y.nticks; i++) {
			double y = S_py(c, f->y.ticks[i].v);
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
		double x = S_px(c, f->x.ticks[i].v);
		cairo_move_to(cr, x, p->y + p->h);
		cairo_line_to(cr, x, p->y + p->h + 4);
	}
	for (i = 0; i < f->x.nminor; i++) {
		double x = S_px(c, f->x.minor[i]);
		cairo_move_to(cr, x, p->y + p->h);
		cairo_line_to(cr, x, p->y + p->h + 2.5);
	}
	for (i = 0; i < f->y.nticks && f->y.scale != CHART_CATEGORY; i++) {
		double y = S_py(c, f->y.ticks[i].v);
		cairo_move_to(cr, p->x, y);
		cairo_line_to(cr, p->x - 4, y);
	}
	for (i = 0; i < f->y.nminor; i++) {
		double y = S_py(c, f->y.minor[i]);
		cairo_move_to(cr, p->x, y);
		cairo_line_to(cr, p->x - 2.5, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);

	if (c->fresh) {
		c->lay->every = S_xlabel_every(c);
		for (i = 0; i < f->x.nticks; i++)
			S_text_size(c, f->x.ticks[i].label, c->st->font_pt, 0, &c->lay->xt[i][0],
			    &c->lay->xt[i][1]);
		for (i = 0; i < f->y.nticks; i++)
			S_text_size(c, f->y.ticks[i].label, c->st->font_pt, 0, &c->lay->yt[i][0],
			    &c->lay->yt[i][1]);
	}
	every = c->lay->every;
	for (i = 0; i < f->x.nticks; i += every) {
		double x = S_px(c, f->x.ticks[i].v);
		tw = c->lay->xt[i][0];
		S_text_at(c, f->x.ticks[i].label, c->st->font_pt, 0, x - tw / 2, p->y + p->h + 6,
		    0.2, 0.2, 0.2);
	}
	for (i = 0; i < f->y.nticks; i++) {
		double y = S_py(c, f->y.ticks[i].v);
		tw = c->lay->yt[i][0];
		th = c->lay->yt[i][1];
		S_text_at(c, f->y.ticks[i].label, c->st->font_pt, 0, p->x - 7 - tw, y - th / 2,
		    0.2, 0.2, 0.2);
	}
	(void)tick_h;
}

static void
S_axis_titles(struct S_ctx *c, double xtitle_y, double ytitle_x)
{
	cairo_t *cr = c->cr;
	const struct chart_fig *f = c->f;
	double tw, th;

	if (f->x.title != NULL && f->x.title[0]) {
		S_text_size(c, f->x.title, c->st->font_pt + 0.5, 0, &tw, &th);
		S_text_at(c, f->x.title, c->st->font_pt + 0.5, 0,
		    c->plot.x + (c->plot.w - tw) / 2, xtitle_y, 0.1, 0.1, 0.1);
	}
	if (f->y.title != NULL && f->y.title[0] && f->y.scale != CHART_CATEGORY) {
		PangoLayout *l = S_layout(c, c->pc, f->y.title, c->st->font_pt + 0.5, 0);
		S_text_size(c, f->y.title, c->st->font_pt + 0.5, 0, &tw, &th);
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

static void
S_clip_plot(struct S_ctx *c, double grow)
{
	cairo_rectangle(c->cr, c->plot.x - grow, c->plot.y - grow,
	    c->plot.w + 2 * grow, c->plot.h + 2 * grow);
	cairo_clip(c->cr);
}

static void
S_regions(struct S_ctx *c)
{
	size_t i;

	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		double x0, x1;
		if (a->kind != CHART_ANNOT_REGION)
			continue;
		x0 = S_px(c, a->x);
		x1 = S_px(c, a->x2);
		if (!isfinite(x0) || !isfinite(x1))
			continue;
		cairo_save(c->cr);
		S_clip_plot(c, 0);
		cairo_rectangle(c->cr, fmin(x0, x1), c->plot.y, fabs(x1 - x0), c->plot.h);
		if (a->style < 0)
			cairo_set_source_rgba(c->cr, 0.5, 0.5, 0.5, 0.12);
		else
			S_set_color(c->cr, a->style, 0.12);
		cairo_fill(c->cr);
		cairo_restore(c->cr);
	}
}

/* Markers along a line every ~70 points of its length (offset by style so
 * that overlapping curves show both), or at every point of short series. */
static void
S_line_markers(struct S_ctx *c, const struct chart_series *s)
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
			if (S_in_range(&c->f->x, s->x[j]) && S_in_range(&c->f->y, s->y[j]) &&
			    S_spt(c, s, j, &x, &y) && x > c->plot.x + 1 && x < c->plot.x + c->plot.w - 1)
				S_marker(c->cr, s->style, x, y, 6.5);
		return;
	}
	acc = 0;
	next = 14 + 11.0 * S_style(s->style);
	for (j = 0; j < s->n; j++) {
		if (!S_spt(c, s, j, &x, &y)) {
			have = 0;
			continue;
		}
		if (have) {
			double d = hypot(x - px, y - py);
			while (d > 0 && acc + d >= next) {
				double t = (next - acc) / d;
				double mx = px + t * (x - px), my = py + t * (y - py);
				if (S_pt_in(&c->plot, mx, my))
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
S_series(struct S_ctx *c, const struct chart_series *s)
{
	cairo_t *cr = c->cr;
	size_t j;
	double x, y, py = 0;
	int have = 0;

	cairo_save(cr);
	if (s->kind == CHART_SERIES_BAR) {
		double x0 = S_px(c, c->f->x.scale == CHART_LINEAR ? fmax(c->f->x.lo, 0) : c->f->x.lo);
		for (j = 0; j < s->n; j++) {
			double y0 = S_py(c, s->y[j] - 0.32), y1 = S_py(c, s->y[j] + 0.32);
			x = S_px(c, s->x[j]);
			if (!isfinite(x))
				continue;
			cairo_rectangle(cr, x0, y0, x - x0, y1 - y0);
			S_set_color(cr, s->style, 1);
			cairo_fill(cr);
			if (s->labels != NULL && s->labels[j] != NULL) {
				double tw, th;
				S_text_size(c, s->labels[j], c->st->font_pt, 0, &tw, &th);
				/* Beyond the bar's end when there is room, else
				 * inside it in white. */
				if (x + 5 + tw <= c->plot.x + c->plot.w)
					S_text_at(c, s->labels[j], c->st->font_pt, 0, x + 5,
					    (y0 + y1 - th) / 2, 0.13, 0.13, 0.13);
				else
					S_text_at(c, s->labels[j], c->st->font_pt, 0, x - 5 - tw,
					    (y0 + y1 - th) / 2, 1, 1, 1);
			}
		}
		cairo_restore(cr);
		return;
	}
	if (s->kind != CHART_SERIES_SCATTER) {
		cairo_save(cr);
		S_clip_plot(c, 0.5);
		cairo_new_path(cr);
		for (j = 0; j < s->n; j++) {
			if (!S_spt(c, s, j, &x, &y)) {
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
	S_clip_plot(c, 6);
	if (s->kind == CHART_SERIES_SCATTER) {
		for (j = 0; j < s->n; j++)
			if (S_spt(c, s, j, &x, &y))
				S_marker(cr, s->style, x, y, 7.5);
	} else if (s->kind == CHART_SERIES_LINE) {
		S_line_markers(c, s);
	}
	cairo_restore(cr);
}

/* Places one label: the candidate touching the fewest placed texts, data
 * and reference lines, inside the plot; pen[k] (may be NULL) is what
 * candidate k costs beforehand (its distance from the point).  A
 * candidate with a leader (lead[k]) also pays for what the leader
 * crosses, less than for covering it with text. */
static int
S_place(struct S_ctx *c, const struct S_rect *cand, const double *pen, const int *lead,
    size_t ncand, const struct S_self *self)
{
	size_t k;
	int best = -1;
	double best_score = INFINITY;
	struct S_rect inner = { c->plot.x + 1, c->plot.y + 1, c->plot.w - 2, c->plot.h - 2 };

	for (k = 0; k < ncand; k++) {
		double score = k * 0.01 + (pen != NULL ? pen[k] : 0);
		if (!S_rect_inside(&cand[k], &inner))
			score += 1000;
		score += 300 * S_hits_occ(c, &cand[k]);
		score += 60 * S_hits_data(c, &cand[k], self);
		score += 25 * S_hits_lines(c, &cand[k], self->annot);
		if (lead != NULL && lead[k] && score < best_score) {
			double seg[4];
			int occ;
			S_leader(self, &cand[k], seg);
			score += 10 * S_lead_hits(c, seg, self, &occ) + 300 * occ;
		}
		if (score < best_score) {
			best_score = score;
			best = (int)k;
		}
	}
	return best;
}

static void
S_label_box(struct S_ctx *c, const char *text, const struct S_rect *r)
{
	cairo_t *cr = c->cr;

	/* A white halo so lines behind the text do not cut through it. */
	cairo_rectangle(cr, r->x, r->y, r->w, r->h);
	cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
	cairo_fill(cr);
	S_text_at(c, text, c->st->font_pt - 0.5, 0, r->x + 2, r->y + 1, 0.12, 0.12, 0.12);
	S_occupy(c, r);
	S_op_add(c, text, (const double[4]){ r->x, r->y, r->w, r->h });
}

static void
S_annot_lines(struct S_ctx *c)
{
	cairo_t *cr = c->cr;
	size_t i;
	static const double dash[] = { 4, 3 };

	cairo_save(cr);
	S_clip_plot(c, 0);
	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		if (a->kind == CHART_ANNOT_VLINE && S_in_range(&c->f->x, a->x)) {
			double x = S_px(c, a->x);
			cairo_move_to(cr, x, c->plot.y);
			cairo_line_to(cr, x, c->plot.y + c->plot.h);
		} else if (a->kind == CHART_ANNOT_HLINE && S_in_range(&c->f->y, a->y)) {
			double y = S_py(c, a->y);
			cairo_move_to(cr, c->plot.x, y);
			cairo_line_to(cr, c->plot.x + c->plot.w, y);
		} else
			continue;
		if (a->style < 0)
			cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		else
			S_set_color(cr, a->style, 0.9);
		cairo_set_line_width(cr, 1.1);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
}

static void
S_annot_points(struct S_ctx *c)
{
	size_t i;

	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		double x, y;
		if (a->kind != CHART_ANNOT_POINT || !S_in_range(&c->f->x, a->x) ||
		    !S_in_range(&c->f->y, a->y))
			continue;
		x = S_px(c, a->x);
		y = S_py(c, a->y);
		cairo_new_path(c->cr);
		cairo_arc(c->cr, x, y, 4.2, 0, 2 * M_PI);
		cairo_set_source_rgb(c->cr, 1, 1, 1);
		cairo_fill_preserve(c->cr);
		if (a->style < 0)
			cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		else
			S_set_color(c->cr, a->style, 1);
		cairo_set_line_width(c->cr, 2.2);
		cairo_set_dash(c->cr, NULL, 0, 0);
		cairo_stroke(c->cr);
	}
}

/* Candidate boxes of size w x h around a point: 8 directions at 7 and
 * 16 points (the corners and the sides), then rings of 16 directions
 * further out, whose boxes need a leader line back to the point. */
#define S_NCAND 96

static size_t
S_point_cands(double x, double y, double w, double h, struct S_rect *cand)
{
	static const double ring[] = { 16, 30, 48, 72, 100 };
	size_t n = 0, r, k;

	for (r = 0; r < 2; r++) {
		double o = r == 0 ? 7 : 16;
		cand[n++] = (struct S_rect){ x + o, y - o - h, w, h };	/* NE */
		cand[n++] = (struct S_rect){ x + o, y + o, w, h };	/* SE */
		cand[n++] = (struct S_rect){ x - o - w, y - o - h, w, h };	/* NW */
		cand[n++] = (struct S_rect){ x - o - w, y + o, w, h };	/* SW */
		cand[n++] = (struct S_rect){ x + o + 2, y - h / 2, w, h };	/* E */
		cand[n++] = (struct S_rect){ x - o - 2 - w, y - h / 2, w, h };	/* W */
		cand[n++] = (struct S_rect){ x - w / 2, y - o - h, w, h };	/* N */
		cand[n++] = (struct S_rect){ x - w / 2, y + o, w, h };	/* S */
	}
	for (r = 0; r < sizeof(ring) / sizeof(ring[0]); r++)
		for (k = 0; k < 16; k++) {
			/* The box's centre beyond the spot at angle a, by half
			 * the box in the same direction. */
			double a = k * M_PI / 8, ca = cos(a), sa = sin(a);
			double cx = x + ring[r] * ca + ca * w / 2, cy = y - ring[r] * sa - sa * h / 2;
			if (r == 0 && k % 2 == 0)
				continue;	/* the 8 directions above */
			cand[n++] = (struct S_rect){ cx - w / 2, cy - h / 2, w, h };
		}
	return n;
}

/* From (x, y) to the nearest spot of r; 0 inside. */
static double
S_dist_rect(const struct S_rect *r, double x, double y)
{
	double qx = fmin(fmax(x, r->x), r->x + r->w), qy = fmin(fmax(y, r->y), r->y + r->h);

	return hypot(qx - x, qy - y);
}

/* The distance from r to the nearest marked point other than self's. */
static double
S_nearest_other(const struct S_ctx *c, const struct S_rect *r, const struct S_self *self)
{
	const struct chart_fig *f = c->f;
	double best = INFINITY, x, y;
	size_t i, j;

	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		if (s->kind != CHART_SERIES_SCATTER)
			continue;
		for (j = 0; j < s->n; j++)
			if ((self->s != s || self->j != j) && S_spt(c, s, j, &x, &y))
				best = fmin(best, S_dist_rect(r, x, y));
	}
	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		if (a->kind == CHART_ANNOT_POINT && i != self->annot &&
		    S_in_range(&f->x, a->x) && S_in_range(&f->y, a->y))
			best = fmin(best, S_dist_rect(r, S_px(c, a->x), S_py(c, a->y)));
	}
	return best;
}

static void
S_stroke_leader(struct S_ctx *c, const double *seg)
{
	cairo_save(c->cr);
	cairo_set_dash(c->cr, NULL, 0, 0);
	cairo_set_source_rgb(c->cr, 0.35, 0.35, 0.35);
	cairo_set_line_width(c->cr, 0.8);
	cairo_move_to(c->cr, seg[0], seg[1]);
	cairo_line_to(c->cr, seg[2], seg[3]);
	cairo_stroke(c->cr);
	cairo_restore(c->cr);
}

static void
S_draw_leader(struct S_ctx *c, const struct S_self *self, const struct S_rect *r)
{
	double seg[4];

	S_leader(self, r, seg);
	S_stroke_leader(c, seg);
	if (c->nlead < S_MAXOCC)
		memcpy(c->lead[c->nlead++], seg, sizeof(seg));
	S_op_add(c, NULL, seg);
}

/* The labels and leaders a cached layout placed, drawn as placed. */
static void
S_replay(struct S_ctx *c)
{
	size_t i;

	for (i = 0; i < c->lay->nops; i++) {
		const struct S_op *op = &c->lay->ops[i];
		struct S_rect r = { op->r[0], op->r[1], op->r[2], op->r[3] };

		if (op->text == NULL)
			S_stroke_leader(c, op->r);
		else
			S_label_box(c, op->text, &r);
	}
}

/* One label for a point at (x, y) of the page. */
static void
S_point_label(struct S_ctx *c, const char *text, struct S_self *self, double x, double y)
{
	struct S_rect cand[S_NCAND];
	double pen[S_NCAND], tw, th;
	int lead[S_NCAND], k;
	size_t n, i;

	S_text_size(c, text, c->st->font_pt - 0.5, 0, &tw, &th);
	self->px = x;
	self->py = y;
	n = S_point_cands(x, y, tw + 4, th + 2, cand);
	/* A box that would cross the plot's edge slides back inside, as
	 * long as it leaves its own point uncovered.  Then what it costs
	 * to sit away from the point: a leader beyond 10 points, and more
	 * when another mark is nearer to the box than its own point. */
	for (i = 0; i < n; i++) {
		struct S_rect *r = &cand[i], m = { x - 5, y - 5, 10, 10 };
		double d;
		r->x = fmax(fmin(r->x, c->plot.x + c->plot.w - 1.5 - r->w), c->plot.x + 1.5);
		r->y = fmax(fmin(r->y, c->plot.y + c->plot.h - 1.5 - r->h), c->plot.y + 1.5);
		d = S_dist_rect(r, x, y);
		lead[i] = d > 10;
		pen[i] = d > 10 ? 0.3 * d : 0;
		if (S_rect_overlap(r, &m))
			pen[i] += 1000;
		if (S_nearest_other(c, r, self) < d)
			pen[i] += 50;
	}
	k = S_place(c, cand, pen, lead, n, self);
	if (k < 0)
		return;
	if (lead[k])
		S_draw_leader(c, self, &cand[k]);
	S_label_box(c, text, &cand[k]);
}

static void
S_annot_labels(struct S_ctx *c)
{
	size_t i, n;
	struct S_rect cand[32];

	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		struct S_self self = { i, NULL, 0, 0, 0 };
		double tw, th, x, y, w, h;
		int k;
		if (a->label == NULL || a->label[0] == '\0')
			continue;
		S_text_size(c, a->label, c->st->font_pt - 0.5, 0, &tw, &th);
		w = tw + 4;
		h = th + 2;
		n = 0;
		switch (a->kind) {
		case CHART_ANNOT_POINT:
			if (!S_in_range(&c->f->x, a->x) || !S_in_range(&c->f->y, a->y))
				continue;
			S_point_label(c, a->label, &self, S_px(c, a->x), S_py(c, a->y));
			continue;
		case CHART_ANNOT_VLINE:
			if (!S_in_range(&c->f->x, a->x))
				continue;
			x = S_px(c, a->x);
			for (int r = 0; r < 6; r++) {
				double yy = c->plot.y + 4 + r * (c->plot.h - h - 8) / 5;
				cand[n++] = (struct S_rect){ x + 4, yy, w, h };
				cand[n++] = (struct S_rect){ x - 4 - w, yy, w, h };
			}
			break;
		case CHART_ANNOT_HLINE:
			if (!S_in_range(&c->f->y, a->y))
				continue;
			y = S_py(c, a->y);
			/* On the line itself, its white box interrupting it:
			 * with several close reference lines a label above or
			 * below one would sit as near to its neighbour. */
			for (int r = 0; r < 6; r++) {
				double xx = c->plot.x + c->plot.w - 4 - w - r * (c->plot.w - w - 8) / 5;
				cand[n++] = (struct S_rect){ xx, y - h / 2, w, h };
			}
			for (int r = 0; r < 6; r++) {
				double xx = c->plot.x + c->plot.w - 4 - w - r * (c->plot.w - w - 8) / 5;
				cand[n++] = (struct S_rect){ xx, y - 2 - h, w, h };
				cand[n++] = (struct S_rect){ xx, y + 2, w, h };
			}
			break;
		case CHART_ANNOT_REGION: {
			double x0 = S_px(c, a->x), x1 = S_px(c, a->x2);
			if (!isfinite(x0) || !isfinite(x1))
				continue;
			double xl = fmax(fmin(x0, x1), c->plot.x), xr = fmin(fmax(x0, x1), c->plot.x + c->plot.w);
			double top = c->plot.y + 4, bot = c->plot.y + c->plot.h - 4 - h;
			x = (xl + xr) / 2;
			/* Inside the band when it is wide enough; else against
			 * the plot's right edge or just outside the band. */
			cand[n++] = (struct S_rect){ x - w / 2, top, w, h };
			cand[n++] = (struct S_rect){ x - w / 2, bot, w, h };
			cand[n++] = (struct S_rect){ xl + 4, top, w, h };
			cand[n++] = (struct S_rect){ xl + 4, bot, w, h };
			cand[n++] = (struct S_rect){ xr - 4 - w, top, w, h };
			cand[n++] = (struct S_rect){ xr - 4 - w, bot, w, h };
			cand[n++] = (struct S_rect){ xl - 4 - w, top, w, h };
			cand[n++] = (struct S_rect){ xl - 4 - w, bot, w, h };
			break;
		}
		}
		k = S_place(c, cand, NULL, NULL, n, &self);
		if (k >= 0)
			S_label_box(c, a->label, &cand[k]);
	}
}

/* A line's own label on the line (its white box interrupting it), as
 * near its right end as is clear. */
static void
S_inline_label(struct S_ctx *c, const struct chart_series *s)
{
	struct S_self self = { (size_t)-1, s, (size_t)-1, 0, 0 };
	struct S_rect cand[S_NCAND];
	double len = 0, tw, th, x, y, px = 0, py = 0;
	size_t j, n = 0;
	int have = 0, k;

	S_text_size(c, s->label, c->st->font_pt - 0.5, 0, &tw, &th);
	/* The visible length first, then points at fractions of it. */
	for (j = 0; j < s->n; j++) {
		if (!S_spt(c, s, j, &x, &y)) {
			have = 0;
			continue;
		}
		if (have)
			len += hypot(x - px, y - py);
		px = x;
		py = y;
		have = 1;
	}
	for (k = 0; k < S_NCAND && len > 0; k++) {
		double want = len * (0.94 - 0.028 * k), acc = 0;
		have = 0;
		for (j = 0; j < s->n; j++) {
			double d;
			if (!S_spt(c, s, j, &x, &y)) {
				have = 0;
				continue;
			}
			if (have && (d = hypot(x - px, y - py)) > 0 && acc + d >= want) {
				double t = (want - acc) / d, mx = px + t * (x - px), my = py + t * (y - py);
				cand[n++] = (struct S_rect){ mx - (tw + 4) / 2, my - (th + 2) / 2, tw + 4, th + 2 };
				break;
			}
			if (have)
				acc += hypot(x - px, y - py);
			px = x;
			py = y;
			have = 1;
		}
	}
	k = S_place(c, cand, NULL, NULL, n, &self);
	if (k >= 0)
		S_label_box(c, s->label, &cand[k]);
}

struct S_plabel {
	const struct chart_series *s;
	size_t j;
	int crowd;			/* other marks near the point */
};

/* The labels of scatter points, after the annotations' own, the most
 * crowded points first (they have the fewest free spots); then the
 * reference lines' own labels, which can slide along their lines. */
static void
S_scatter_labels(struct S_ctx *c)
{
	struct S_plabel *pl = NULL;
	size_t i, j, n = 0, k;

	for (i = 0; i < c->f->nseries; i++) {
		const struct chart_series *s = &c->f->series[i];
		if (s->kind != CHART_SERIES_SCATTER || s->labels == NULL)
			continue;
		for (j = 0; j < s->n; j++) {
			double x, y;
			if (s->labels[j] == NULL || s->labels[j][0] == '\0' ||
			    !S_in_range(&c->f->x, s->x[j]) || !S_in_range(&c->f->y, s->y[j]) ||
			    !S_spt(c, s, j, &x, &y))
				continue;
			pl = xreallocarray(pl, n + 1, sizeof(*pl));
			pl[n].s = s;
			pl[n].j = j;
			pl[n].crowd = 0;
			n++;
		}
	}
	for (i = 0; i < n; i++) {
		double x0, y0, x1, y1;
		S_spt(c, pl[i].s, pl[i].j, &x0, &y0);
		for (k = 0; k < n; k++)
			if (k != i && S_spt(c, pl[k].s, pl[k].j, &x1, &y1) &&
			    hypot(x1 - x0, y1 - y0) < 60)
				pl[i].crowd++;
	}
	/* Sorted by crowding, ties in series order (the index in pl). */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && pl[k].crowd > pl[k - 1].crowd; k--) {
			struct S_plabel t = pl[k];
			pl[k] = pl[k - 1];
			pl[k - 1] = t;
		}
	for (i = 0; i < n; i++) {
		struct S_self self = { (size_t)-1, pl[i].s, pl[i].j, 0, 0 };
		double x, y;
		S_spt(c, pl[i].s, pl[i].j, &x, &y);
		S_point_label(c, pl[i].s->labels[pl[i].j], &self, x, y);
	}
	free(pl);
	for (i = 0; i < c->f->nseries; i++)
		if (S_is_inline(&c->f->series[i]) && c->f->series[i].label != NULL)
			S_inline_label(c, &c->f->series[i]);
}

void
chart_draw_style(cairo_t *cr, const struct chart_fig *f, const struct chart_style *st,
    double w_pt, double h_pt)
{
	struct S_ctx c;
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
	 * be computed once per size (S_layout_find). */
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

	if ((c.lay = S_layout_find(f, st, w_pt, h_pt)) != NULL) {
		c.plot = c.lay->plot;
		lg = c.lay->lg;
		tick_h = c.lay->tick_h;
		S_pts_update(&c);
		S_text_at(&c, f->title, st->title_pt, 1, pad, pad - 2, 0.07, 0.07, 0.07);
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
	S_text_size(&c, f->title, st->title_pt, 1, &tw, &title_h);
	S_text_size(&c, "0", st->font_pt, 0, &tw, &tick_h);
	S_text_size(&c, "Ag", st->font_pt + 0.5, 0, &tw, &axis_title_h);
	for (i = 0; i < f->y.nticks; i++) {
		S_text_size(&c, f->y.ticks[i].label, st->font_pt, 0, &tw, &th);
		if (tw > ylab_w)
			ylab_w = tw;
	}
	if (f->x.nticks > 0)
		S_text_size(&c, f->x.ticks[f->x.nticks - 1].label, st->font_pt, 0, &last_w, &th);
	right = fmax(pad + 4, last_w / 2 + pad / 2 + 2);
	c.plot.x = pad + (f->y.scale == CHART_CATEGORY ? 0 : axis_title_h + 8) + ylab_w + 8;
	c.plot.y = pad + title_h + 12;
	c.plot.w = w_pt - right - c.plot.x;
	c.plot.h = h_pt - pad - axis_title_h - 6 - tick_h - 8 - c.plot.y;
	S_pts_update(&c);

	S_text_at(&c, f->title, st->title_pt, 1, pad, pad - 2, 0.07, 0.07, 0.07);

	S_legend_measure(&c, &lg);
	if (lg.n > 0)
		S_legend_place(&c, &lg);
	c.lay->plot = c.plot;
	c.lay->lg = lg;
	c.lay->tick_h = tick_h;
draw:
	if (lg.n > 0)
		S_occupy(&c, &lg.at);

	S_regions(&c);
	S_axes(&c, tick_h);
	S_axis_titles(&c, c.plot.y + c.plot.h + 8 + tick_h + 6, pad);
	S_annot_lines(&c);
	/* The headline series last, so no other curve hides it. */
	for (i = 0; i < f->nseries; i++)
		if (!f->series[i].emphasis)
			S_series(&c, &f->series[i]);
	for (i = 0; i < f->nseries; i++)
		if (f->series[i].emphasis)
			S_series(&c, &f->series[i]);
	S_annot_points(&c);
	if (c.fresh) {
		S_annot_labels(&c);
		S_scatter_labels(&c);
	} else
		S_replay(&c);
	S_legend_draw(&c, &lg);
	if (c.fresh)
		S_layout_keep(f, c.lay);

	g_object_unref(c.pc);
	g_object_unref(c.mc);
	free(c.off);
	free(c.ptx);
	free(c.pty);
	cairo_restore(cr);
}

void
chart_draw(cairo_t *cr, const struct chart_fig *f, double w_pt, double h_pt)
{
	struct chart_style st;

	chart_style_defaults(&st);
	chart_draw_style(cr, f, &st, w_pt, h_pt);
}

/* ---- surfaces ---- */

static cairo_status_t
S_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

static int
S_idchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

struct S_idmap {
	char **old;
	size_t n;
};

static long
S_idfind(const struct S_idmap *m, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strlen(m->old[i]) == len && memcmp(m->old[i], s, len) == 0)
			return (long)i;
	return -1;
}

/*
 * cairo's SVG surface numbers surfaces (and, depending on the version,
 * glyphs and patterns) with process-wide counters, so the same figure
 * rendered second differs from the same figure rendered first.  Every id
 * defined in the document is renamed NAME-N in order of definition, and
 * every reference to it (href="#id", url(#id)) follows.
 */
static void
S_renumber_ids(const char *in, size_t len, const char *name, struct buf *out)
{
	struct S_idmap m = { NULL, 0 };
	const char *p, *end = in + len;
	size_t i;

	for (p = in; p + 4 < end; p++) {
		if (memcmp(p, "id=\"", 4) == 0 && (p == in || !S_idchar(p[-1]))) {
			const char *s = p + 4, *e = s;
			while (e < end && S_idchar(*e))
				e++;
			if (e > s && S_idfind(&m, s, (size_t)(e - s)) < 0) {
				m.old = xreallocarray(m.old, m.n + 1, sizeof(char *));
				m.old[m.n++] = xstrndup(s, (size_t)(e - s));
			}
			p = e - 1;
		}
	}
	for (p = in; p < end; ) {
		const char *s = NULL;
		if (p + 4 <= end && memcmp(p, "id=\"", 4) == 0 && (p == in || !S_idchar(p[-1]))) {
			buf_put(out, p, 4);
			s = p + 4;
		} else if (*p == '#') {
			buf_putc(out, '#');
			s = p + 1;
		}
		if (s != NULL) {
			const char *e = s;
			long k;
			while (e < end && S_idchar(*e))
				e++;
			k = S_idfind(&m, s, (size_t)(e - s));
			if (k >= 0)
				buf_printf(out, "%s-%ld", name, k + 1);
			else
				buf_put(out, s, (size_t)(e - s));
			p = e;
			continue;
		}
		buf_putc(out, *p++);
	}
	for (i = 0; i < m.n; i++)
		free(m.old[i]);
	free(m.old);
}

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

int
chart_axes(const struct chart_fig *f, double w_pt, double h_pt, struct chart_axes *out)
{
	struct chart_style st;
	const struct chart_layout *l;

	chart_style_defaults(&st);
	if ((l = S_layout_find(f, &st, w_pt, h_pt)) == NULL)
		return -1;
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
	return 0;
}

void
chart_axes_attrs(const struct chart_fig *f, struct buf *out)
{
	struct chart_axes a;
	char v[4][40];
	int i;

	if (chart_axes(f, CHART_W_PT, CHART_H_PT, &a) != 0)
		return;
	for (i = 0; i < 4; i++)
		util_fmt_g(v[i], sizeof(v[i]), 17, a.plot[i]);
	buf_printf(out, " data-plot=\"%s %s %s %s\"", v[0], v[1], v[2], v[3]);
	util_fmt_g(v[0], sizeof(v[0]), 17, a.x.lo);
	util_fmt_g(v[1], sizeof(v[1]), 17, a.x.hi);
	util_fmt_g(v[2], sizeof(v[2]), 17, a.y.lo);
	util_fmt_g(v[3], sizeof(v[3]), 17, a.y.hi);
	buf_printf(out, " data-x=\"%s %s %s %s\" data-y=\"%s %s %s %s\"",
	    chart_scale_name(a.x.scale), v[0], v[1], a.x.key,
	    chart_scale_name(a.y.scale), v[2], v[3], a.y.key);
}

int
chart_svg(const struct chart_fig *f, struct buf *out)
{
	struct buf raw;
	cairo_surface_t *sf;
	cairo_t *cr;
	cairo_status_t st;

	buf_init(&raw);
	sf = cairo_svg_surface_create_for_stream(S_write, &raw, CHART_W_PT, CHART_H_PT);
	cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
	cr = cairo_create(sf);
	chart_draw(cr, f, CHART_W_PT, CHART_H_PT);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (st != CAIRO_STATUS_SUCCESS) {
		buf_free(&raw);
		return -1;
	}
	/* The axis transform on the root element, for pages that mark a
	 * point on the figure (chart_axes_attrs). */
	{
		const char *root = raw.data != NULL ? strstr(raw.data, "<svg") : NULL;
		struct buf with;

		buf_init(&with);
		if (root != NULL) {
			buf_put(&with, raw.data, (size_t)(root - raw.data) + 4);
			chart_axes_attrs(f, &with);
			buf_puts(&with, root + 4);
		} else if (raw.data != NULL)
			buf_put(&with, raw.data, raw.len);
		S_renumber_ids(with.data ? with.data : "", with.len, f->name, out);
		buf_free(&with);
	}
	buf_free(&raw);
	return 0;
}

/* ---- PNG ---- */

static void
S_png_write(png_structp p, png_bytep data, size_t len)
{
	buf_put(png_get_io_ptr(p), (const char *)data, len);
}

static void
S_png_flush(png_structp p)
{
	(void)p;
}

int
chart_png_encode(cairo_surface_t *sf, int png_filters, int zlib_level, int zlib_strategy,
    const char *software, struct buf *out)
{
	int w, h, stride, x, y;
	const unsigned char *src;
	uint32_t *row;
	png_structp p;
	png_infop info;
	size_t len0 = out->len;

	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS ||
	    cairo_surface_get_type(sf) != CAIRO_SURFACE_TYPE_IMAGE ||
	    cairo_image_surface_get_format(sf) != CAIRO_FORMAT_ARGB32)
		return -1;
	cairo_surface_flush(sf);
	w = cairo_image_surface_get_width(sf);
	h = cairo_image_surface_get_height(sf);
	stride = cairo_image_surface_get_stride(sf);
	src = cairo_image_surface_get_data(sf);
	if (src == NULL || w < 1 || h < 1)
		return -1;
	if ((p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL)) == NULL)
		return -1;
	if ((info = png_create_info_struct(p)) == NULL) {
		png_destroy_write_struct(&p, NULL);
		return -1;
	}
	row = xreallocarray(NULL, (size_t)w, sizeof(*row));
	if (setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		free(row);
		out->len = len0;
		return -1;
	}
	png_set_write_fn(p, out, S_png_write, S_png_flush);
	png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB_ALPHA,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_filter(p, 0, png_filters);
	png_set_compression_level(p, zlib_level);
	png_set_compression_strategy(p, zlib_strategy);
	if (software != NULL) {
		png_text t;

		memset(&t, 0, sizeof(t));
		t.compression = PNG_TEXT_COMPRESSION_NONE;
		t.key = (png_charp)(uintptr_t)"Software";
		t.text = (png_charp)(uintptr_t)software;
		t.text_length = strlen(software);
		png_set_text(p, info, &t, 1);
	}
	png_write_info(p, info);
	for (y = 0; y < h; y++) {
		/* cairo stores premultiplied native-endian 0xAARRGGBB words;
		 * PNG wants straight R G B A bytes.  Opaque pixels (nearly all)
		 * only move bytes, in a loop the compiler can vectorise; the
		 * others are divided as cairo's own writer does, which keeps
		 * the colours of antialiased edges. */
		const uint32_t *px = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)stride);
		uint32_t all = 0xff;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* R G B A in memory is the word 0xAABBGGRR: swap R and B. */
		for (x = 0; x < w; x++) {
			uint32_t v = px[x];

			all &= v >> 24;
			row[x] = (v & 0xff00ff00u) | ((v >> 16) & 0xffu) | ((v & 0xffu) << 16);
		}
#else
		for (x = 0; x < w; x++) {
			uint32_t v = px[x];
			unsigned char *q = (unsigned char *)(row + x);

			all &= v >> 24;
			q[0] = (unsigned char)(v >> 16);
			q[1] = (unsigned char)(v >> 8);
			q[2] = (unsigned char)v;
			q[3] = (unsigned char)(v >> 24);
		}
#endif
		for (x = 0; all != 0xff && x < w; x++) {
			unsigned char *q = (unsigned char *)(row + x);
			unsigned a = q[3];

			if (a == 255)
				continue;
			if (a == 0)
				q[0] = q[1] = q[2] = 0;
			else {
				q[0] = (unsigned char)((q[0] * 255u + a / 2) / a);
				q[1] = (unsigned char)((q[1] * 255u + a / 2) / a);
				q[2] = (unsigned char)((q[2] * 255u + a / 2) / a);
			}
		}
		png_write_row(p, (png_const_bytep)row);
	}
	png_write_end(p, info);
	png_destroy_write_struct(&p, &info);
	free(row);
	return 0;
}

/* Bump when chart_png's bytes change for the same drawing (encoder
 * settings, chunks): rebuilds key reused PNGs on chart_png_renderer(). */
#define S_PNG_REV 1

static char S_renderer[160];
static pthread_once_t S_renderer_once = PTHREAD_ONCE_INIT;

static void
S_renderer_init(void)
{
	snprintf(S_renderer, sizeof(S_renderer),
	    "inferbook %s chart-png/%d (cairo %s, libpng %s, zlib %s)", INFERBOOK_VERSION,
	    S_PNG_REV, cairo_version_string(), png_get_libpng_ver(NULL), zlibVersion());
}

const char *
chart_png_renderer(void)
{
	pthread_once(&S_renderer_once, S_renderer_init);
	return S_renderer;
}

static uint32_t
S_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int
chart_png_current(const char *data, size_t len, double scale)
{
	static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	const unsigned char *p = (const unsigned char *)data;
	const char *r = chart_png_renderer();
	size_t rl = strlen(r);

	/* Signature, IHDR of the size chart_png(f, scale) makes, then the
	 * tEXt chunk chart_png writes next, and a whole file (IEND). */
	if (!(scale > 0) || len < 33 + 8 + 9 + rl + 4 + sizeof(iend) ||
	    memcmp(p, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) != 0 ||
	    S_be32(p + 16) != (uint32_t)lround(CHART_W_PT * scale) ||
	    S_be32(p + 20) != (uint32_t)lround(CHART_H_PT * scale) ||
	    S_be32(p + 33) != 9 + rl || memcmp(p + 37, "tEXtSoftware", 13) != 0 ||
	    memcmp(p + 50, r, rl) != 0 || memcmp(p + len - sizeof(iend), iend, sizeof(iend)) != 0)
		return 0;
	return 1;
}

int
chart_png(const struct chart_fig *f, double scale, struct buf *out)
{
	cairo_surface_t *sf;
	cairo_t *cr;
	cairo_status_t st;
	int wpx = (int)lround(CHART_W_PT * scale), hpx = (int)lround(CHART_H_PT * scale);
	int rc = -1;

	if (!(scale > 0) || wpx < 1 || hpx < 1 || wpx > 16384 || hpx > 16384)
		return -1;
	sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, wpx, hpx);
	cr = cairo_create(sf);
	cairo_scale(cr, scale, scale);
	chart_draw(cr, f, CHART_W_PT, CHART_H_PT);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		rc = chart_png_encode(sf, CHART_PNG_FILTERS, CHART_PNG_LEVEL, Z_DEFAULT_STRATEGY,
		    chart_png_renderer(), out);
	cairo_surface_destroy(sf);
	return rc;
}
