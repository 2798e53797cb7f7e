/*
 * chart_int.h -- what the files of src/chart share (not a public contract).
 */
#ifndef INFERBOOK_CHART_INT_H
#define INFERBOOK_CHART_INT_H

#include <stddef.h>
#include <cairo.h>
#include <pango/pangocairo.h>

struct chart_fig;
struct chart_axis;
struct chart_series;
struct chart_style;

/* ---- the drawing context draw.c and label.c share ---- */

struct chart_rect {
	double x, y, w, h;
};

#define CHART_MAXOCC 128

struct chart_dctx {
	cairo_t *cr;
	PangoContext *pc;		/* draws text on cr */
	PangoContext *mc;		/* measures it, whatever the surface */
	const struct chart_style *st;
	const struct chart_fig *f;
	double w, h;
	struct chart_rect plot;
	struct chart_rect occ[CHART_MAXOCC];	/* placed texts and the legend */
	size_t nocc;
	double lead[CHART_MAXOCC][4];	/* leader lines drawn: x0 y0 x1 y1 */
	size_t nlead;
	/* The axes' transforms (S_t of lo and hi), and every series point
	 * on the page for the current plot rectangle (S_pts_update): label
	 * placement asks for each point once per candidate box. */
	double tx0, tx1, ty0, ty1;
	double *ptx, *pty;		/* point j of series i at [off[i] + j] */
	size_t *off;
	/* The figure's layout at this size: the caller's, replayed, or
	 * (fresh) being computed by this draw. */
	struct chart_layout *lay;
	int fresh;
};

/* What a label belongs to, so that it does not avoid its own mark: an
 * annotation (annot), point j of series s, or the whole series s (j =
 * (size_t)-1, a line's own label); (px, py) the point on the page, where
 * a leader line from the label ends. */
struct chart_self {
	size_t annot;			/* (size_t)-1: none */
	const struct chart_series *s;	/* NULL: none */
	size_t j;
	double px, py;
};

/* draw.c: coordinates, text and marks */
void chart_dr_text_size(struct chart_dctx *c, const char *text, double pt,
    int bold, double *w, double *h);
void chart_dr_text_at(struct chart_dctx *c, const char *text, double pt, int bold,
    double x, double y, double r, double g, double b);
double chart_dr_px(const struct chart_dctx *c, double x);
double chart_dr_py(const struct chart_dctx *c, double y);
int chart_dr_in_range(const struct chart_axis *a, double v);
void chart_dr_set_color(cairo_t *cr, int style, double alpha);
void chart_dr_op_add(struct chart_dctx *c, const char *text, const double *r);
int chart_dr_is_inline(const struct chart_series *s);
void chart_dr_clip_plot(struct chart_dctx *c, double grow);

/* label.c: label placement */
void chart_lbl_stroke_leader(struct chart_dctx *c, const double *seg);
void chart_lbl_label_box(struct chart_dctx *c, const char *text, const struct chart_rect *r);
int chart_lbl_pt_in(const struct chart_rect *r, double x, double y);
int chart_lbl_spt(const struct chart_dctx *c, const struct chart_series *s,
    size_t j, double *x, double *y);
int chart_lbl_hits_data(const struct chart_dctx *c,
    const struct chart_rect *r0, const struct chart_self *self);
int chart_lbl_hits_lines(const struct chart_dctx *c, const struct chart_rect *r, size_t skip);
void chart_lbl_occupy(struct chart_dctx *c, const struct chart_rect *r);
void chart_lbl_annot_lines(struct chart_dctx *c);
void chart_lbl_annot_points(struct chart_dctx *c);
void chart_lbl_annot_labels(struct chart_dctx *c);
void chart_lbl_scatter_labels(struct chart_dctx *c);


/* The axis transform of a computed layout (draw.c; chart_axes()). */
void chart_layout_axes(const struct chart_layout *l, const struct chart_fig *f,
    struct chart_axes *out);

#endif
