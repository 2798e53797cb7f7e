/*
 * label.c -- label placement for draw.c: where annotation, point, line
 * and scatter labels go so that they overlap no text, mark or line
 * already placed, with leader lines when a label must move away from its
 * point; and the geometry (rectangles, segments) that decides it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "chart.h"
#include "chart_int.h"
#include "util.h"

/* ---- geometry for placement ---- */

static int
S_rect_overlap(const struct chart_rect *a, const struct chart_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	    a->y < b->y + b->h && b->y < a->y + a->h;
}

static int
S_rect_inside(const struct chart_rect *in, const struct chart_rect *out)
{
	return in->x >= out->x && in->y >= out->y &&
	    in->x + in->w <= out->x + out->w && in->y + in->h <= out->y + out->h;
}

int
chart_lbl_pt_in(const struct chart_rect *r, double x, double y)
{
	return x >= r->x && x <= r->x + r->w && y >= r->y && y <= r->y + r->h;
}

/* Liang-Barsky: does the segment cross the rectangle? */
static int
S_seg_hits(const struct chart_rect *r, double x0, double y0, double x1, double y1)
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
int
chart_lbl_spt(const struct chart_dctx *c, const struct chart_series *s, size_t j,
    double *x, double *y)
{
	size_t k = c->off[s - c->f->series] + j;

	*x = c->ptx[k];
	*y = c->pty[k];
	return isfinite(*x) && isfinite(*y);
}

/* How many series (and marked points) the rectangle touches: what a
 * legend or label must not cover.  A scatter point or a marked point
 * counts twice (a label on a mark hides it); self's own mark not at all. */
int
chart_lbl_hits_data(const struct chart_dctx *c, const struct chart_rect *r0,
    const struct chart_self *self)
{
	const struct chart_fig *f = c->f;
	struct chart_rect r = { r0->x - 3, r0->y - 3, r0->w + 6, r0->h + 6 };
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
			if (!chart_lbl_spt(c, s, j, &x, &y)) {
				have = 0;
				continue;
			}
			if (s->kind == CHART_SERIES_BAR) {
				double y0 = chart_dr_py(c, s->y[j] - 0.35), y1 = chart_dr_py(c, s->y[j] + 0.35);
				struct chart_rect b = { c->plot.x, y0, x - c->plot.x, y1 - y0 };
				if (S_rect_overlap(&b, &r))
					hit = 1;
				continue;
			}
			if (s->kind == CHART_SERIES_SCATTER) {
				struct chart_rect m = { x - 2, y - 2, 4, 4 };
				if ((self == NULL || self->s != s || self->j != j) && S_rect_overlap(&m, &r))
					hits += 2;
				continue;
			}
			if (chart_lbl_pt_in(&r, x, y))
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
			struct chart_rect m = { chart_dr_px(c, a->x) - 5, chart_dr_py(c, a->y) - 5, 10, 10 };
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
S_lead_hits(const struct chart_dctx *c, const double *seg, const struct chart_self *self, int *occ)
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
			if (!chart_lbl_spt(c, s, j, &x, &y)) {
				have = 0;
				continue;
			}
			if (s->kind == CHART_SERIES_SCATTER || s->kind == CHART_SERIES_BAR) {
				struct chart_rect m = { x - 5, y - 5, 10, 10 };
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
			struct chart_rect m = { chart_dr_px(c, a->x) - 5, chart_dr_py(c, a->y) - 5, 10, 10 };
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
S_leader(const struct chart_self *self, const struct chart_rect *r, double *seg)
{
	double qx = fmin(fmax(self->px, r->x), r->x + r->w);
	double qy = fmin(fmax(self->py, r->y), r->y + r->h);
	double d = hypot(qx - self->px, qy - self->py);

	seg[0] = self->px + (d > 0 ? (qx - self->px) / d * 6 : 0);
	seg[1] = self->py + (d > 0 ? (qy - self->py) / d * 6 : 0);
	seg[2] = qx;
	seg[3] = qy;
}

int
chart_lbl_hits_lines(const struct chart_dctx *c, const struct chart_rect *r, size_t skip)
{
	const struct chart_fig *f = c->f;
	size_t i;
	int hits = 0;

	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		if (i == skip)
			continue;
		if (a->kind == CHART_ANNOT_VLINE && chart_dr_in_range(&f->x, a->x)) {
			double x = chart_dr_px(c, a->x);
			hits += x >= r->x && x <= r->x + r->w;
		} else if (a->kind == CHART_ANNOT_HLINE && chart_dr_in_range(&f->y, a->y)) {
			double y = chart_dr_py(c, a->y);
			hits += y >= r->y && y <= r->y + r->h;
		}
	}
	return hits;
}

static int
S_hits_occ(const struct chart_dctx *c, const struct chart_rect *r)
{
	size_t i;
	int n = 0;

	for (i = 0; i < c->nocc; i++)
		n += S_rect_overlap(&c->occ[i], r);
	for (i = 0; i < c->nlead; i++)
		n += S_seg_hits(r, c->lead[i][0], c->lead[i][1], c->lead[i][2], c->lead[i][3]);
	return n;
}

void
chart_lbl_occupy(struct chart_dctx *c, const struct chart_rect *r)
{
	if (c->nocc < CHART_MAXOCC)
		c->occ[c->nocc++] = *r;
}


/* Places one label: the candidate touching the fewest placed texts, data
 * and reference lines, inside the plot; pen[k] (may be NULL) is what
 * candidate k costs beforehand (its distance from the point).  A
 * candidate with a leader (lead[k]) also pays for what the leader
 * crosses, less than for covering it with text. */
static int
S_place(struct chart_dctx *c, const struct chart_rect *cand, const double *pen, const int *lead,
    size_t ncand, const struct chart_self *self)
{
	size_t k;
	int best = -1;
	double best_score = INFINITY;
	struct chart_rect inner = { c->plot.x + 1, c->plot.y + 1, c->plot.w - 2, c->plot.h - 2 };

	for (k = 0; k < ncand; k++) {
		double score = k * 0.01 + (pen != NULL ? pen[k] : 0);
		if (!S_rect_inside(&cand[k], &inner))
			score += 1000;
		score += 300 * S_hits_occ(c, &cand[k]);
		score += 60 * chart_lbl_hits_data(c, &cand[k], self);
		score += 25 * chart_lbl_hits_lines(c, &cand[k], self->annot);
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

void
chart_lbl_label_box(struct chart_dctx *c, const char *text, const struct chart_rect *r)
{
	cairo_t *cr = c->cr;

	/* A white halo so lines behind the text do not cut through it. */
	cairo_rectangle(cr, r->x, r->y, r->w, r->h);
	cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
	cairo_fill(cr);
	chart_dr_text_at(c, text, c->st->font_pt - 0.5, 0, r->x + 2, r->y + 1, 0.12, 0.12, 0.12);
	chart_lbl_occupy(c, r);
	chart_dr_op_add(c, text, (const double[4]){ r->x, r->y, r->w, r->h });
}

void
chart_lbl_annot_lines(struct chart_dctx *c)
{
	cairo_t *cr = c->cr;
	size_t i;
	static const double dash[] = { 4, 3 };

	cairo_save(cr);
	chart_dr_clip_plot(c, 0);
	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		if (a->kind == CHART_ANNOT_VLINE && chart_dr_in_range(&c->f->x, a->x)) {
			double x = chart_dr_px(c, a->x);
			cairo_move_to(cr, x, c->plot.y);
			cairo_line_to(cr, x, c->plot.y + c->plot.h);
		} else if (a->kind == CHART_ANNOT_HLINE && chart_dr_in_range(&c->f->y, a->y)) {
			double y = chart_dr_py(c, a->y);
			cairo_move_to(cr, c->plot.x, y);
			cairo_line_to(cr, c->plot.x + c->plot.w, y);
		} else
			continue;
		if (a->style < 0)
			cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		else
			chart_dr_set_color(cr, a->style, 0.9);
		cairo_set_line_width(cr, 1.1);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
}

void
chart_lbl_annot_points(struct chart_dctx *c)
{
	size_t i;

	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		double x, y;
		if (a->kind != CHART_ANNOT_POINT || !chart_dr_in_range(&c->f->x, a->x) ||
		    !chart_dr_in_range(&c->f->y, a->y))
			continue;
		x = chart_dr_px(c, a->x);
		y = chart_dr_py(c, a->y);
		cairo_new_path(c->cr);
		cairo_arc(c->cr, x, y, 4.2, 0, 2 * M_PI);
		cairo_set_source_rgb(c->cr, 1, 1, 1);
		cairo_fill_preserve(c->cr);
		if (a->style < 0)
			cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		else
			chart_dr_set_color(c->cr, a->style, 1);
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
S_point_cands(double x, double y, double w, double h, struct chart_rect *cand)
{
	static const double ring[] = { 16, 30, 48, 72, 100 };
	size_t n = 0, r, k;

	for (r = 0; r < 2; r++) {
		double o = r == 0 ? 7 : 16;
		cand[n++] = (struct chart_rect){ x + o, y - o - h, w, h };	/* NE */
		cand[n++] = (struct chart_rect){ x + o, y + o, w, h };	/* SE */
		cand[n++] = (struct chart_rect){ x - o - w, y - o - h, w, h };	/* NW */
		cand[n++] = (struct chart_rect){ x - o - w, y + o, w, h };	/* SW */
		cand[n++] = (struct chart_rect){ x + o + 2, y - h / 2, w, h };	/* E */
		cand[n++] = (struct chart_rect){ x - o - 2 - w, y - h / 2, w, h };	/* W */
		cand[n++] = (struct chart_rect){ x - w / 2, y - o - h, w, h };	/* N */
		cand[n++] = (struct chart_rect){ x - w / 2, y + o, w, h };	/* S */
	}
	for (r = 0; r < sizeof(ring) / sizeof(ring[0]); r++)
		for (k = 0; k < 16; k++) {
			/* The box's centre beyond the spot at angle a, by half
			 * the box in the same direction. */
			double a = k * M_PI / 8, ca = cos(a), sa = sin(a);
			double cx = x + ring[r] * ca + ca * w / 2, cy = y - ring[r] * sa - sa * h / 2;
			if (r == 0 && k % 2 == 0)
				continue;	/* the 8 directions above */
			cand[n++] = (struct chart_rect){ cx - w / 2, cy - h / 2, w, h };
		}
	return n;
}

/* From (x, y) to the nearest spot of r; 0 inside. */
static double
S_dist_rect(const struct chart_rect *r, double x, double y)
{
	double qx = fmin(fmax(x, r->x), r->x + r->w), qy = fmin(fmax(y, r->y), r->y + r->h);

	return hypot(qx - x, qy - y);
}

/* The distance from r to the nearest marked point other than self's. */
static double
S_nearest_other(const struct chart_dctx *c, const struct chart_rect *r,
    const struct chart_self *self)
{
	const struct chart_fig *f = c->f;
	double best = INFINITY, x, y;
	size_t i, j;

	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		if (s->kind != CHART_SERIES_SCATTER)
			continue;
		for (j = 0; j < s->n; j++)
			if ((self->s != s || self->j != j) && chart_lbl_spt(c, s, j, &x, &y))
				best = fmin(best, S_dist_rect(r, x, y));
	}
	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		if (a->kind == CHART_ANNOT_POINT && i != self->annot &&
		    chart_dr_in_range(&f->x, a->x) && chart_dr_in_range(&f->y, a->y))
			best = fmin(best, S_dist_rect(r, chart_dr_px(c, a->x), chart_dr_py(c, a->y)));
	}
	return best;
}

void
chart_lbl_stroke_leader(struct chart_dctx *c, const double *seg)
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
S_draw_leader(struct chart_dctx *c, const struct chart_self *self, const struct chart_rect *r)
{
	double seg[4];

	S_leader(self, r, seg);
	chart_lbl_stroke_leader(c, seg);
	if (c->nlead < CHART_MAXOCC)
		memcpy(c->lead[c->nlead++], seg, sizeof(seg));
	chart_dr_op_add(c, NULL, seg);
}

/* One label for a point at (x, y) of the page. */
static void
S_point_label(struct chart_dctx *c, const char *text, struct chart_self *self, double x, double y)
{
	struct chart_rect cand[S_NCAND];
	double pen[S_NCAND], tw, th;
	int lead[S_NCAND], k;
	size_t n, i;

	chart_dr_text_size(c, text, c->st->font_pt - 0.5, 0, &tw, &th);
	self->px = x;
	self->py = y;
	n = S_point_cands(x, y, tw + 4, th + 2, cand);
	/* A box that would cross the plot's edge slides back inside, as
	 * long as it leaves its own point uncovered.  Then what it costs
	 * to sit away from the point: a leader beyond 10 points, and more
	 * when another mark is nearer to the box than its own point. */
	for (i = 0; i < n; i++) {
		struct chart_rect *r = &cand[i], m = { x - 5, y - 5, 10, 10 };
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
	chart_lbl_label_box(c, text, &cand[k]);
}

void
chart_lbl_annot_labels(struct chart_dctx *c)
{
	size_t i, n;
	struct chart_rect cand[32];

	for (i = 0; i < c->f->nannots; i++) {
		const struct chart_annot *a = &c->f->annots[i];
		struct chart_self self = { i, NULL, 0, 0, 0 };
		double tw, th, x, y, w, h;
		int k;
		if (a->label == NULL || a->label[0] == '\0')
			continue;
		chart_dr_text_size(c, a->label, c->st->font_pt - 0.5, 0, &tw, &th);
		w = tw + 4;
		h = th + 2;
		n = 0;
		switch (a->kind) {
		case CHART_ANNOT_POINT:
			if (!chart_dr_in_range(&c->f->x, a->x) || !chart_dr_in_range(&c->f->y, a->y))
				continue;
			S_point_label(c, a->label, &self, chart_dr_px(c, a->x), chart_dr_py(c, a->y));
			continue;
		case CHART_ANNOT_VLINE:
			if (!chart_dr_in_range(&c->f->x, a->x))
				continue;
			x = chart_dr_px(c, a->x);
			for (int r = 0; r < 6; r++) {
				double yy = c->plot.y + 4 + r * (c->plot.h - h - 8) / 5;
				cand[n++] = (struct chart_rect){ x + 4, yy, w, h };
				cand[n++] = (struct chart_rect){ x - 4 - w, yy, w, h };
			}
			break;
		case CHART_ANNOT_HLINE:
			if (!chart_dr_in_range(&c->f->y, a->y))
				continue;
			y = chart_dr_py(c, a->y);
			/* On the line itself, its white box interrupting it:
			 * with several close reference lines a label above or
			 * below one would sit as near to its neighbour. */
			for (int r = 0; r < 6; r++) {
				double xx = c->plot.x + c->plot.w - 4 - w - r * (c->plot.w - w - 8) / 5;
				cand[n++] = (struct chart_rect){ xx, y - h / 2, w, h };
			}
			for (int r = 0; r < 6; r++) {
				double xx = c->plot.x + c->plot.w - 4 - w - r * (c->plot.w - w - 8) / 5;
				cand[n++] = (struct chart_rect){ xx, y - 2 - h, w, h };
				cand[n++] = (struct chart_rect){ xx, y + 2, w, h };
			}
			break;
		case CHART_ANNOT_REGION: {
			double x0 = chart_dr_px(c, a->x), x1 = chart_dr_px(c, a->x2);
			if (!isfinite(x0) || !isfinite(x1))
				continue;
			double xl = fmax(fmin(x0, x1), c->plot.x), xr = fmin(fmax(x0, x1), c->plot.x + c->plot.w);
			double top = c->plot.y + 4, bot = c->plot.y + c->plot.h - 4 - h;
			x = (xl + xr) / 2;
			/* Inside the band when it is wide enough; else against
			 * the plot's right edge or just outside the band. */
			cand[n++] = (struct chart_rect){ x - w / 2, top, w, h };
			cand[n++] = (struct chart_rect){ x - w / 2, bot, w, h };
			cand[n++] = (struct chart_rect){ xl + 4, top, w, h };
			cand[n++] = (struct chart_rect){ xl + 4, bot, w, h };
			cand[n++] = (struct chart_rect){ xr - 4 - w, top, w, h };
			cand[n++] = (struct chart_rect){ xr - 4 - w, bot, w, h };
			cand[n++] = (struct chart_rect){ xl - 4 - w, top, w, h };
			cand[n++] = (struct chart_rect){ xl - 4 - w, bot, w, h };
			break;
		}
		}
		k = S_place(c, cand, NULL, NULL, n, &self);
		if (k >= 0)
			chart_lbl_label_box(c, a->label, &cand[k]);
	}
}

/* A line's own label on the line (its white box interrupting it), as
 * near its right end as is clear. */
static void
S_inline_label(struct chart_dctx *c, const struct chart_series *s)
{
	struct chart_self self = { (size_t)-1, s, (size_t)-1, 0, 0 };
	struct chart_rect cand[S_NCAND];
	double len = 0, tw, th, x, y, px = 0, py = 0;
	size_t j, n = 0;
	int have = 0, k;

	chart_dr_text_size(c, s->label, c->st->font_pt - 0.5, 0, &tw, &th);
	/* The visible length first, then points at fractions of it. */
	for (j = 0; j < s->n; j++) {
		if (!chart_lbl_spt(c, s, j, &x, &y)) {
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
			if (!chart_lbl_spt(c, s, j, &x, &y)) {
				have = 0;
				continue;
			}
			if (have && (d = hypot(x - px, y - py)) > 0 && acc + d >= want) {
				double t = (want - acc) / d, mx = px + t * (x - px), my = py + t * (y - py);
				cand[n++] = (struct chart_rect){ mx - (tw + 4) / 2, my - (th + 2) / 2, tw + 4, th + 2 };
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
		chart_lbl_label_box(c, s->label, &cand[k]);
}

struct S_plabel {
	const struct chart_series *s;
	size_t j;
	int crowd;			/* other marks near the point */
};

/* The labels of scatter points, after the annotations' own, the most
 * crowded points first (they have the fewest free spots); then the
 * reference lines' own labels, which can slide along their lines. */
void
chart_lbl_scatter_labels(struct chart_dctx *c)
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
			    !chart_dr_in_range(&c->f->x, s->x[j]) || !chart_dr_in_range(&c->f->y, s->y[j]) ||
			    !chart_lbl_spt(c, s, j, &x, &y))
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
		chart_lbl_spt(c, pl[i].s, pl[i].j, &x0, &y0);
		for (k = 0; k < n; k++)
			if (k != i && chart_lbl_spt(c, pl[k].s, pl[k].j, &x1, &y1) &&
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
		struct chart_self self = { (size_t)-1, pl[i].s, pl[i].j, 0, 0 };
		double x, y;
		chart_lbl_spt(c, pl[i].s, pl[i].j, &x, &y);
		S_point_label(c, pl[i].s->labels[pl[i].j], &self, x, y);
	}
	free(pl);
	for (i = 0; i < c->f->nseries; i++)
		if (chart_dr_is_inline(&c->f->series[i]) && c->f->series[i].label != NULL)
			S_inline_label(c, &c->f->series[i]);
}
