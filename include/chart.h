/*
 * chart.h -- the explainer's figures: computed from the data set with the
 * calc core, drawn with cairo + pango (after kplot: data, configuration and
 * drawing kept apart).
 *
 *   data           struct chart_fig: axes with their ticks, series,
 *                  annotations, caption and alt text.  Built either by a
 *                  named figure builder (chart_build) or by hand with the
 *                  chart_fig_* constructors (tests, one-off figures).
 *   configuration  struct chart_style (chart_style_defaults()).
 *   drawing        chart_draw(): onto a cairo_t the caller owns, at a size
 *                  in points, so one routine yields the web SVG, the 2x PNG
 *                  and the vector figure inside a PDF page.
 *
 * Contract
 *  - Values are SI (seconds, bytes, FLOP/s, USD); tick labels carry SI
 *    prefixes ("1 ms", "10K", "1 TB").  Formatting never depends on the
 *    locale.
 *  - Deterministic: the same figure gives byte-identical SVG and PNG,
 *    whatever was rendered before in the process (SVG ids are renumbered).
 *  - Ownership: chart_build()'s figure belongs to the caller
 *    (chart_fig_free()); every string inside it is owned by the figure.
 *    Output buffers are appended to; the caller owns and frees them.
 *  - Failure: chart_build() prints a diag error and returns -1 when the
 *    name is unknown or the data cannot support the figure (no price for a
 *    cost figure, a model that fits on no chip, ...).  Drawing never fails;
 *    chart_svg()/chart_png() return -1 only if cairo (or, for the PNG,
 *    libpng) reports an error.
 *  - Thread use: figures are read-only while drawn; any figures, the same
 *    one included, may be drawn from different threads at once.  A
 *    layout (what drawing decides from text extents: margins, legend,
 *    label placement) is a value the caller may keep and pass back to
 *    draw the same figure at the same size again without redoing it.
 */
#ifndef INFERBOOK_CHART_H
#define INFERBOOK_CHART_H

#include <stddef.h>
#include <cairo.h>

struct buf;
struct data_set;
struct data_scenario;

/* ---- data ---- */

enum chart_scale {
	CHART_LINEAR,
	CHART_LOG,		/* decades, 1-2-5 inside a short span */
	CHART_LOG2,		/* powers of two (chip counts) */
	CHART_CATEGORY		/* integer positions 0..n-1 named by ticks */
};

/* How tick labels (and dump values) are written. */
enum chart_fmt {
	CHART_FMT_PLAIN,	/* 0.5, 2, 1500 */
	CHART_FMT_SI,		/* value + SI prefix + unit: "1 ms", "10 GB", "1 PFLOP/s" */
	CHART_FMT_COUNT,	/* 500, 10K, 1M, 2B (tokens, users) */
	CHART_FMT_USD,		/* $0.1, $1, $10 */
	CHART_FMT_RATIO		/* 1x, 4x, 0.5x */
};

#define CHART_MAX_TICKS 32
#define CHART_TICK_LABEL 32

struct chart_tick {
	double v;
	char label[CHART_TICK_LABEL];	/* UTF-8; "" for an unlabelled tick */
};

struct chart_axis {
	char *title;			/* with the unit, e.g. "Batch size (sequences)" */
	char *key;			/* CSV column name, e.g. "batch" */
	enum chart_scale scale;
	enum chart_fmt fmt;
	char *unit;			/* for CHART_FMT_SI: "s", "B", "FLOP/s"; else NULL */
	double lo, hi;			/* NaN before chart_fig_finish(): from the data */
	int zero;			/* linear: include 0 in the range */
	struct chart_tick ticks[CHART_MAX_TICKS];
	size_t nticks;
	double minor[CHART_MAX_TICKS * 4];	/* log axes: 2..9 x 10^k */
	size_t nminor;
};

enum chart_kind { CHART_SERIES_LINE, CHART_SERIES_SCATTER, CHART_SERIES_STEP, CHART_SERIES_BAR };

/* Series styles: colour (Okabe-Ito), dash and marker differ together, so
 * a series reads in black-and-white print.  CHART_STYLE_GREY is a neutral
 * reference (e.g. "weights, shared"). */
#define CHART_NSTYLES 7
#define CHART_STYLE_GREY 7

struct chart_series {
	char *label;			/* legend text; NULL: not in the legend */
	enum chart_kind kind;
	int style;			/* 0..CHART_NSTYLES-1 or CHART_STYLE_GREY */
	int emphasis;			/* drawn thicker (the headline series) */
	int inline_label;		/* LINE: the label written on the line, near
					 * its right end, instead of in the legend
					 * (reference lines such as y = x) */
	double *x, *y;			/* n points; BAR: x = value, y = category index */
	char **labels;			/* optional text per point, else NULL: BAR at the
					 * bar's end; SCATTER beside the point */
	size_t n;
};

enum chart_annot_kind {
	CHART_ANNOT_POINT,		/* a marked point (x, y) with a label */
	CHART_ANNOT_VLINE,		/* a vertical reference line at x */
	CHART_ANNOT_HLINE,		/* a horizontal reference line at y */
	CHART_ANNOT_REGION		/* a shaded band x .. x2 */
};

struct chart_annot {
	enum chart_annot_kind kind;
	double x, y, x2;
	char *label;			/* may be NULL */
	int style;			/* colour of the mark; -1: dark grey */
};

struct chart_fig {
	char *name;			/* "roofline", ... */
	char *title;
	char *caption;			/* one sentence under the figure */
	char *alt;			/* 1-2 sentences with the key numbers */
	struct chart_axis x, y;
	struct chart_series *series;
	size_t nseries;
	struct chart_annot *annots;
	size_t nannots;
};

/* ---- the named figures ---- */

/* The figure names, in the explainer's order (static array of *n). */
const char *const *chart_names(size_t *n);
/* 1 when chart_build() knows a figure of that name, else 0. */
int chart_known(const char *name);
/* The names as "roofline, step-time, ..." for messages; the caller frees. */
char *chart_known_list(void);

/* Builds figure `name` from the data set, driven by the base scenario
 * (its model, chip, precisions, batch, context, chips, efficiencies).
 * Both are borrowed and may be freed after the call.  Returns 0 and sets
 * *out, or -1 after a diag error (unknown name, insufficient data).
 * "theory-vs-practice" plots the measurements (evidence.h, loaded by
 * data_load()), each at its own setup, whatever the base scenario.  The
 * set is only read. */
int chart_build(const char *name, const struct data_set *set,
    const struct data_scenario *base, struct chart_fig **out);

/* ---- building a figure by hand ---- */

struct chart_fig *chart_fig_new(const char *name, const char *title);
void chart_fig_free(struct chart_fig *f);
/* Sets an axis (strings copied; unit may be NULL). */
void chart_fig_axis(struct chart_axis *a, const char *title, const char *key,
    enum chart_scale scale, enum chart_fmt fmt, const char *unit);
/* Adds a series of n points (copied); returns it for further settings. */
struct chart_series *chart_fig_series(struct chart_fig *f, enum chart_kind kind,
    const char *label, int style, const double *x, const double *y, size_t n);
/* Names category i of a CHART_CATEGORY axis (bars: y = i). */
void chart_axis_category(struct chart_axis *a, size_t i, const char *name);
/* Sets the text of point i: at the end of a bar (BAR), or beside a
 * scatter point (SCATTER), placed clear of the other marks and texts,
 * with a thin leader line when it has to sit further away. */
void chart_series_point_label(struct chart_series *s, size_t i, const char *text);
/* The same (the name the bar charts use). */
void chart_series_bar_label(struct chart_series *s, size_t i, const char *text);
void chart_fig_annot(struct chart_fig *f, enum chart_annot_kind kind,
    double x, double y, double x2, int style, const char *label);
void chart_fig_text(struct chart_fig *f, const char *caption, const char *alt);
/* 1 when a and b hold the same figure, every number bit for bit and
 * every text, so that every output of one is byte-identical to the
 * other's (a site draws it once); else 0. */
int chart_fig_same(const struct chart_fig *a, const struct chart_fig *b);
/* Computes each axis's range from the data (where lo/hi are NaN) and its
 * ticks, and forgets any layout cached by earlier drawing.  Call once
 * after the last series; chart_build() does. */
void chart_fig_finish(struct chart_fig *f);

/* ---- ticks and numbers (exposed for tests and the pages) ---- */

/* Ticks for [lo, hi] on an axis: linear 1-2-5 steps (4..8 ticks) with the
 * range widened to whole steps; log: powers of ten (every 10^k when the
 * span is long), or 1-2-5 x 10^k within less than two decades; log2:
 * powers of two.  Sets a->lo/hi to the widened range, a->ticks, a->minor. */
void chart_axis_ticks(struct chart_axis *a, double lo, double hi);
/* Formats v as a tick label of format fmt/unit with at most 3 significant
 * digits ("1 ms", "10K", "$0.5", "4x").  For CHART_FMT_SI, prefix_exp (a
 * multiple of 3, e.g. -3 for "m") fixes the prefix; CHART_PREFIX_AUTO
 * chooses it from v. */
#define CHART_PREFIX_AUTO (-99)
void chart_fmt(char *out, size_t outsz, double v, enum chart_fmt fmt,
    const char *unit, int prefix_exp);

/* ---- configuration ---- */

struct chart_style {
	const char *font;		/* pango family, "DejaVu Sans" */
	double font_pt;			/* tick labels and legend */
	double title_pt;
	double line_w;			/* series line width, points */
	int card;			/* draw a white rounded card behind everything */
	double card_radius;
};
void chart_style_defaults(struct chart_style *st);

/* ---- drawing and outputs ---- */

/* Draws f into cr (borrowed; its state is saved and restored) on the
 * rectangle (0,0)-(w_pt,h_pt) of the current user space. */
void chart_draw(cairo_t *cr, const struct chart_fig *f, double w_pt, double h_pt);
void chart_draw_style(cairo_t *cr, const struct chart_fig *f,
    const struct chart_style *st, double w_pt, double h_pt);
/* The same, with the layout an explicit value: lay NULL, the layout is
 * computed and dropped; *lay NULL, or a layout of another size or style,
 * it is computed and stored in *lay (the caller frees it with
 * chart_layout_free(); f must not change while it is kept); otherwise it
 * is replayed, which draws the same as computing it afresh.  Text is
 * measured on no surface, so one layout serves SVG, PNG and PDF. */
struct chart_layout;
void chart_draw_layout(cairo_t *cr, const struct chart_fig *f,
    const struct chart_style *st, double w_pt, double h_pt, struct chart_layout **lay);
void chart_layout_free(struct chart_layout *l);

/* The default figure size, points. */
#define CHART_W_PT 640.0
#define CHART_H_PT 400.0

/* An SVG document of the figure at CHART_W_PT x CHART_H_PT, appended to
 * out, with ids numbered independently of earlier renderings and prefixed
 * by the figure name (safe to inline several on one page).  Its root
 * element carries the axis transform (chart_axes_attrs).  0 or -1. */
int chart_svg(const struct chart_fig *f, struct buf *out);
/* chart_svg() and chart_png(f, scale) with one layout computed for both
 * (each buffer as those write it).  0 or -1. */
int chart_svg_png(const struct chart_fig *f, double scale, struct buf *svg, struct buf *png);

/* The axis transform of a figure drawn (default style) at w_pt x h_pt,
 * so that a page can place a point on the drawn figure without drawing
 * it again (the What if? marker): the plot area in points from the top
 * left, and per axis the scale, the range and the key (the CSV column,
 * which is also the quantity's name when it is one).  A value v lands at
 * x + (t(v) - t(lo)) / (t(hi) - t(lo)) * w, y upwards from y + h, where
 * t is the identity, log10 or log2.  Computes the layout (as drawing
 * does); 0, or -1 when it cannot. */
struct chart_axes {
	double plot[4];				/* x, y, w, h */
	struct { enum chart_scale scale; double lo, hi; const char *key; } x, y;
};
int chart_axes(const struct chart_fig *f, double w_pt, double h_pt, struct chart_axes *out);
/* "linear", "log", "log2", "category" (static). */
const char *chart_scale_name(enum chart_scale s);
/* Appends a transform as attributes:
 *  data-plot="X Y W H" data-x="SCALE LO HI KEY" data-y="SCALE LO HI KEY" */
void chart_axes_attrs(const struct chart_axes *a, struct buf *out);
/* A PNG of the figure at scale pixels per point (2: 1280x800), 8-bit
 * RGBA, encoded by chart_png_encode() with CHART_PNG_FILTERS and
 * CHART_PNG_LEVEL, with a tEXt "Software" chunk holding
 * chart_png_renderer().  0 or -1. */
int chart_png(const struct chart_fig *f, double scale, struct buf *out);
/* The charts are flat colours with antialiased edges: PNG's row filters
 * cost more than they save, and zlib level 3 is within 1 % of level 6's
 * size at half its time (bench/RESULTS.md). */
#define CHART_PNG_FILTERS 0x08		/* PNG_FILTER_NONE */
#define CHART_PNG_LEVEL 3
/* Encodes an ARGB32 image surface (borrowed; flushed here) as an 8-bit
 * RGBA PNG appended to out: png_filters a libpng PNG_FILTER_* mask,
 * zlib_level 0..9, zlib_strategy a zlib Z_* strategy, software the text
 * of a tEXt "Software" chunk or NULL.  Colours are un-premultiplied as
 * cairo's own writer does.  Deterministic for a given libpng and zlib.
 * 0, or -1 (out unchanged) when the surface is not ARGB32 or libpng
 * fails. */
int chart_png_encode(cairo_surface_t *sf, int png_filters, int zlib_level,
    int zlib_strategy, const char *software, struct buf *out);
/* What decides a PNG's bytes besides the drawing: "inferbook VERSION
 * chart-png/REV (cairo V, libpng V, zlib V)" (a static string), written
 * into the PNG's Software text chunk. */
const char *chart_png_renderer(void);
/* The data behind the figure: "series,<x key>,<y key>[,label]" rows (the
 * label column when bars or points carry text). */
void chart_csv(const struct chart_fig *f, struct buf *out);
/* The alt text (one or two sentences with the key numbers). */
void chart_alt(const struct chart_fig *f, struct buf *out);
const char *chart_caption(const struct chart_fig *f);
/* A text dump of everything the drawing shows except the layout:
 * axes with ranges and ticks, series points, annotations, texts.  Golden
 * tests compare it exactly. */
void chart_dump(const struct chart_fig *f, struct buf *out);

#endif
