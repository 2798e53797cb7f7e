/*
 * chart.c -- the data side of a figure: construction, axis ranges and
 * 1-2-5 ticks, locale-free number labels, and the text outputs (dump, CSV,
 * alt text).  Drawing is in draw.c, the named figures in figures.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chart_int.h"
#include "util.h"

/* ---- construction ---- */

static void
S_axis_init(struct chart_axis *a)
{
	memset(a, 0, sizeof(*a));
	a->lo = a->hi = NAN;
}

struct chart_fig *
chart_fig_new(const char *name, const char *title)
{
	struct chart_fig *f = xcalloc(1, sizeof(*f));

	f->name = xstrdup(name);
	f->title = xstrdup(title != NULL ? title : "");
	S_axis_init(&f->x);
	S_axis_init(&f->y);
	return f;
}

static void
S_axis_free(struct chart_axis *a)
{
	free(a->title);
	free(a->key);
	free(a->unit);
}

void
chart_fig_free(struct chart_fig *f)
{
	size_t i, j;

	if (f == NULL)
		return;
	for (i = 0; i < f->nseries; i++) {
		struct chart_series *s = &f->series[i];
		free(s->label);
		free(s->x);
		free(s->y);
		if (s->labels != NULL) {
			for (j = 0; j < s->n; j++)
				free(s->labels[j]);
			free(s->labels);
		}
	}
	free(f->series);
	for (i = 0; i < f->nannots; i++)
		free(f->annots[i].label);
	free(f->annots);
	S_axis_free(&f->x);
	S_axis_free(&f->y);
	free(f->name);
	free(f->title);
	free(f->caption);
	free(f->alt);
	free(f);
}

void
chart_fig_axis(struct chart_axis *a, const char *title, const char *key,
    enum chart_scale scale, enum chart_fmt fmt, const char *unit)
{
	S_axis_free(a);
	a->title = xstrdup(title);
	a->key = xstrdup(key);
	a->unit = unit != NULL ? xstrdup(unit) : NULL;
	a->scale = scale;
	a->fmt = fmt;
}

struct chart_series *
chart_fig_series(struct chart_fig *f, enum chart_kind kind, const char *label,
    int style, const double *x, const double *y, size_t n)
{
	struct chart_series *s;

	f->series = xreallocarray(f->series, f->nseries + 1, sizeof(*f->series));
	s = &f->series[f->nseries++];
	memset(s, 0, sizeof(*s));
	s->label = label != NULL ? xstrdup(label) : NULL;
	s->kind = kind;
	s->style = style;
	s->n = n;
	s->x = xreallocarray(NULL, n ? n : 1, sizeof(double));
	s->y = xreallocarray(NULL, n ? n : 1, sizeof(double));
	if (n > 0) {
		memcpy(s->x, x, n * sizeof(double));
		memcpy(s->y, y, n * sizeof(double));
	}
	return s;
}

void
chart_series_bar_label(struct chart_series *s, size_t i, const char *text)
{
	chart_series_point_label(s, i, text);
}

void
chart_series_point_label(struct chart_series *s, size_t i, const char *text)
{
	if (i >= s->n)
		return;
	if (s->labels == NULL)
		s->labels = xcalloc(s->n, sizeof(char *));
	free(s->labels[i]);
	s->labels[i] = xstrdup(text);
}

void
chart_fig_annot(struct chart_fig *f, enum chart_annot_kind kind, double x,
    double y, double x2, int style, const char *label)
{
	struct chart_annot *a;

	f->annots = xreallocarray(f->annots, f->nannots + 1, sizeof(*f->annots));
	a = &f->annots[f->nannots++];
	a->kind = kind;
	a->x = x;
	a->y = y;
	a->x2 = x2;
	a->style = style;
	a->label = label != NULL ? xstrdup(label) : NULL;
}

void
chart_fig_text(struct chart_fig *f, const char *caption, const char *alt)
{
	free(f->caption);
	free(f->alt);
	f->caption = caption != NULL ? xstrdup(caption) : NULL;
	f->alt = alt != NULL ? xstrdup(alt) : NULL;
}

/* ---- numbers ---- */

/* 10^k exactly for the integers we use (pow() is exact there on glibc,
 * but a loop makes it independent of the libm). */
static double
S_p10(int k)
{
	double r = 1;
	int i;

	for (i = 0; i < (k < 0 ? -k : k); i++)
		r *= 10;
	return k < 0 ? 1 / r : r;
}

/* v with at most `sig` significant digits, in fixed notation, trailing
 * zeros dropped; built from integers so no locale can change the point. */
static void
S_fixed(char *out, size_t outsz, double v, int sig)
{
	int mag, dec;
	long long q, ip, fp;
	double scaled;
	char frac[32];
	size_t fl;

	if (v == 0 || !isfinite(v)) {
		snprintf(out, outsz, "%s", v == 0 ? "0" : isnan(v) ? "n/a" : v > 0 ? "inf" : "-inf");
		return;
	}
	mag = (int)floor(log10(fabs(v)));
	dec = sig - 1 - mag;
	if (dec < 0)
		dec = 0;
	if (dec > 15)
		dec = 15;
	scaled = fabs(v) * S_p10(dec);
	if (scaled > 9e17) {		/* too large for integers: fall back */
		util_fmt_g(out, outsz, sig, v);
		return;
	}
	q = llround(scaled);
	/* Rounding up can add a digit (9.995 -> 10.0): drop one decimal. */
	if (dec > 0 && q >= (long long)S_p10(sig) && q % 10 == 0) {
		q /= 10;
		dec--;
	}
	ip = q / (long long)S_p10(dec);
	fp = q % (long long)S_p10(dec);
	if (dec == 0 || fp == 0) {
		snprintf(out, outsz, "%s%lld", v < 0 ? "-" : "", ip);
		return;
	}
	snprintf(frac, sizeof(frac), "%0*lld", dec, fp);
	fl = strlen(frac);
	while (fl > 0 && frac[fl - 1] == '0')
		frac[--fl] = '\0';
	snprintf(out, outsz, "%s%lld.%s", v < 0 ? "-" : "", ip, frac);
}

static const char *
S_si_prefix(int e)
{
	switch (e) {
	case -15: return "f";
	case -12: return "p";
	case -9: return "n";
	case -6: return "\xc2\xb5";	/* micro sign */
	case -3: return "m";
	case 3: return "K";		/* the project writes KB, like its lessons */
	case 6: return "M";
	case 9: return "G";
	case 12: return "T";
	case 15: return "P";
	case 18: return "E";
	default: return "";
	}
}

static int
S_auto_exp(double v)
{
	int e;

	if (v == 0 || !isfinite(v))
		return 0;
	e = (int)floor(log10(fabs(v)) / 3.0 + 1e-9) * 3;
	/* 999.7 rounds to "1000": use the next prefix. */
	if (fabs(v) / S_p10(e) >= 999.5)
		e += 3;
	return e;
}

void
chart_fmt(char *out, size_t outsz, double v, enum chart_fmt fmt,
    const char *unit, int prefix_exp)
{
	char num[40];
	int e;

	if (!isfinite(v)) {
		snprintf(out, outsz, "n/a");
		return;
	}
	switch (fmt) {
	case CHART_FMT_SI:
		if (v == 0) {
			snprintf(out, outsz, "0");
			return;
		}
		e = prefix_exp == CHART_PREFIX_AUTO ? S_auto_exp(v) : prefix_exp;
		if (e < -15)
			e = -15;
		if (e > 18)
			e = 18;
		S_fixed(num, sizeof(num), v / S_p10(e), 3);
		snprintf(out, outsz, "%s %s%s", num, S_si_prefix(e), unit != NULL ? unit : "");
		return;
	case CHART_FMT_COUNT:
		e = S_auto_exp(v);
		if (e < 3) {
			S_fixed(out, outsz, v, 3);
			return;
		}
		S_fixed(num, sizeof(num), v / S_p10(e), 3);
		snprintf(out, outsz, "%s%s", num, e == 3 ? "K" : e == 6 ? "M" : e == 9 ? "B" : e == 12 ? "T" : "e?");
		return;
	case CHART_FMT_USD:
		S_fixed(num, sizeof(num), v, 3);
		if (num[0] == '-')
			snprintf(out, outsz, "-$%s", num + 1);
		else
			snprintf(out, outsz, "$%s", num);
		return;
	case CHART_FMT_RATIO:
		S_fixed(num, sizeof(num), v, 3);
		snprintf(out, outsz, "%sx", num);
		return;
	case CHART_FMT_PLAIN:
	default:
		S_fixed(out, outsz, v, 3);
		return;
	}
}

/* ---- ticks ---- */

static void
S_add_tick(struct chart_axis *a, double v)
{
	if (a->nticks < CHART_MAX_TICKS) {
		a->ticks[a->nticks].v = v;
		a->ticks[a->nticks].label[0] = '\0';
		a->nticks++;
	}
}

static void
S_label_ticks(struct chart_axis *a)
{
	size_t i;
	int e = CHART_PREFIX_AUTO;

	/* A linear SI axis shares one prefix (0, 0.5 s, 1 s, 1.5 s rather than
	 * 0, 500 ms, 1 s, 1.5 s): the eye compares positions, not prefixes. */
	if (a->scale == CHART_LINEAR && a->fmt == CHART_FMT_SI) {
		double m = 0;
		for (i = 0; i < a->nticks; i++)
			if (fabs(a->ticks[i].v) > m)
				m = fabs(a->ticks[i].v);
		e = m > 0 ? S_auto_exp(m) : 0;
	}
	for (i = 0; i < a->nticks; i++)
		chart_fmt(a->ticks[i].label, sizeof(a->ticks[i].label),
		    a->ticks[i].v, a->fmt, a->unit, e);
}

static const double S_125[] = { 1, 2, 5 };

/* The largest "nice" value <= v (down) or smallest >= v (up), v > 0:
 * 1-2-5 steps for ticks; range ends also take 1.5, 3 and 7 so that a
 * curve just below 5 does not widen the axis to 10. */
static double
S_nice(double v, int up, int ends)
{
	static const double m125[] = { 1, 2, 5 }, mends[] = { 1, 1.5, 2, 3, 5, 7 };
	const double *m = ends ? mends : m125;
	int nm = ends ? 6 : 3;
	int k = (int)floor(log10(v));
	int j, kk;

	if (up) {
		for (kk = k; kk <= k + 1; kk++)
			for (j = 0; j < nm; j++)
				if (m[j] * S_p10(kk) >= v * (1 - 1e-9))
					return m[j] * S_p10(kk);
	} else {
		for (kk = k + 1; kk >= k - 1; kk--)
			for (j = nm - 1; j >= 0; j--)
				if (m[j] * S_p10(kk) <= v * (1 + 1e-9))
					return m[j] * S_p10(kk);
	}
	return v;
}

static void
S_ticks_linear(struct chart_axis *a, double lo, double hi, int widen)
{
	int k, j;
	double step = 1, m = 1;
	long long i0 = 0, i1 = 0, i;
	int kk = 0, found = 0;

	if (a->zero) {
		if (lo > 0)
			lo = 0;
		if (hi < 0)
			hi = 0;
	}
	if (!(hi > lo)) {
		double d = lo != 0 ? fabs(lo) * 0.1 : 1;
		lo -= d;
		hi += d;
	}
	/* The smallest 1-2-5 step giving at most 7 ticks over the range. */
	for (k = (int)floor(log10(hi - lo)) - 2; k <= (int)floor(log10(hi - lo)) + 1 && !found; k++)
		for (j = 0; j < 3 && !found; j++) {
			double st = S_125[j] * S_p10(k);
			long long a0 = (long long)(widen ? floor(lo / st + 1e-9) : ceil(lo / st - 1e-9));
			long long a1 = (long long)(widen ? ceil(hi / st - 1e-9) : floor(hi / st + 1e-9));
			if (a1 - a0 + 1 <= 7) {
				step = st;
				m = S_125[j];
				kk = k;
				i0 = a0;
				i1 = a1;
				found = 1;
			}
		}
	(void)step;
	/* Tick i is i*m*10^kk, computed so that 0.1 + 0.2 never shows. */
	for (i = i0; i <= i1; i++) {
		double v = kk >= 0 ? (double)i * m * S_p10(kk) : (double)i * m / S_p10(-kk);
		S_add_tick(a, v);
	}
	if (widen) {
		a->lo = a->nticks ? a->ticks[0].v : lo;
		a->hi = a->nticks ? a->ticks[a->nticks - 1].v : hi;
	} else {
		a->lo = lo;
		a->hi = hi;
	}
}

static void
S_ticks_log(struct chart_axis *a, double lo, double hi, int widen)
{
	int k0, k1, k, j, every = 1;
	size_t nmaj;

	if (!(lo > 0))
		lo = hi > 0 ? hi / 10 : 1;
	if (!(hi > lo))
		hi = lo * 10;
	if (widen) {
		/* A little room (5% of a decade) so no curve runs along the frame. */
		lo = S_nice(lo / 1.12, 0, 1);
		hi = S_nice(hi * 1.12, 1, 1);
	}
	a->lo = lo;
	a->hi = hi;
	k0 = (int)ceil(log10(lo) - 1e-9);
	k1 = (int)floor(log10(hi) + 1e-9);
	while ((k1 - k0) / every + 1 > 8)
		every++;
	for (k = k0; k <= k1; k++)
		if ((k - k0) % every == 0)
			S_add_tick(a, S_p10(k));
	nmaj = a->nticks;
	if (nmaj < 3) {
		/* Less than two decades: 1-2-5 (or 1-2-3-5 when that is still
		 * sparse) so the axis has at least three numbers. */
		static const double m125[] = { 1, 2, 5 }, m1235[] = { 1, 2, 3, 5 };
		const double *mm = m125;
		size_t nm = 3;
		a->nticks = 0;
		for (;;) {
			for (k = k0 - 1; k <= k1; k++)
				for (j = 0; j < (int)nm; j++) {
					double v = k >= 0 ? mm[j] * S_p10(k) : mm[j] / S_p10(-k);
					if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
						S_add_tick(a, v);
				}
			if (a->nticks >= 3 || mm == m1235)
				break;
			a->nticks = 0;
			mm = m1235;
			nm = 4;
		}
	}
	/* Minor ticks at 2..9 x 10^k where they are not major ticks. */
	a->nminor = 0;
	if (k1 - k0 <= 6)
		for (k = k0 - 1; k <= k1; k++)
			for (j = 1; j <= 9; j++) {
				double v = k >= 0 ? j * S_p10(k) : j / S_p10(-k);
				size_t t;
				int major = 0;
				if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9))
					continue;
				for (t = 0; t < a->nticks; t++)
					if (fabs(a->ticks[t].v - v) <= 1e-9 * v)
						major = 1;
				if (!major && a->nminor < sizeof(a->minor) / sizeof(a->minor[0]))
					a->minor[a->nminor++] = v;
			}
}

static void
S_ticks_log2(struct chart_axis *a, double lo, double hi)
{
	int k;

	if (!(lo > 0))
		lo = 1;
	if (!(hi > lo))
		hi = lo * 2;
	a->lo = lo;
	a->hi = hi;
	for (k = (int)ceil(log2(lo) - 1e-9); k <= (int)floor(log2(hi) + 1e-9); k++)
		S_add_tick(a, ldexp(1.0, k));
}

static void
S_ticks(struct chart_axis *a, double lo, double hi, int widen)
{
	a->nticks = 0;
	a->nminor = 0;
	switch (a->scale) {
	case CHART_LOG:
		S_ticks_log(a, lo, hi, widen);
		break;
	case CHART_LOG2:
		S_ticks_log2(a, lo, hi);
		break;
	case CHART_CATEGORY:
		/* Names are set by the builder; positions 0..n-1 with a half
		 * step of room either side. */
		a->lo = lo - 0.5;
		a->hi = hi + 0.5;
		return;
	case CHART_LINEAR:
	default:
		S_ticks_linear(a, lo, hi, widen);
		break;
	}
	S_label_ticks(a);
}

void
chart_axis_ticks(struct chart_axis *a, double lo, double hi)
{
	S_ticks(a, lo, hi, 1);
}

/* The data range of one coordinate over every series and annotation
 * (positive values only on log axes). */
static void
S_data_range(const struct chart_fig *f, int isx, int logscale, double *lo, double *hi)
{
	size_t i, j;
	double l = INFINITY, h = -INFINITY;

#define S_TAKE(v) do { \
		double v_ = (v); \
		if (isfinite(v_) && (!logscale || v_ > 0)) { \
			l = fmin(l, v_); \
			h = fmax(h, v_); \
		} \
	} while (0)
	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		for (j = 0; j < s->n; j++)
			S_TAKE(isx ? s->x[j] : s->y[j]);
		/* Bars grow from zero (linear) so the axis must show it. */
		if (s->kind == CHART_SERIES_BAR && isx && !logscale)
			S_TAKE(0.0);
	}
	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		switch (a->kind) {
		case CHART_ANNOT_POINT:
			S_TAKE(isx ? a->x : a->y);
			break;
		case CHART_ANNOT_VLINE:
			if (isx)
				S_TAKE(a->x);
			break;
		case CHART_ANNOT_HLINE:
			if (!isx)
				S_TAKE(a->y);
			break;
		case CHART_ANNOT_REGION:
			if (isx) {
				S_TAKE(a->x);
				S_TAKE(a->x2);
			}
			break;
		}
	}
#undef S_TAKE
	if (!(l <= h)) {
		l = 1;
		h = 10;
	}
	*lo = l;
	*hi = h;
}

static void
S_finish_axis(const struct chart_fig *f, struct chart_axis *a, int isx)
{
	double lo, hi;
	int fixed_lo = !isnan(a->lo), fixed_hi = !isnan(a->hi);
	int logscale = a->scale == CHART_LOG || a->scale == CHART_LOG2;
	struct chart_tick keep[CHART_MAX_TICKS];
	size_t nkeep = a->nticks;

	if (a->scale == CHART_CATEGORY) {
		/* Tick names were set by the builder; keep them. */
		memcpy(keep, a->ticks, sizeof(keep));
		S_data_range(f, isx, 0, &lo, &hi);
		S_ticks(a, fixed_lo ? a->lo + 0.5 : lo, fixed_hi ? a->hi - 0.5 : hi, 0);
		memcpy(a->ticks, keep, sizeof(keep));
		a->nticks = nkeep;
		return;
	}
	S_data_range(f, isx, logscale, &lo, &hi);
	if (fixed_lo)
		lo = a->lo;
	if (fixed_hi)
		hi = a->hi;
	/* An explicit range is the builder's choice; a data range gets
	 * widened to nice numbers so curves never touch the frame. */
	S_ticks(a, lo, hi, !(fixed_lo && fixed_hi));
	if (fixed_lo)
		a->lo = lo;
	if (fixed_hi)
		a->hi = hi;
	/* Drop ticks a fixed bound cut off. */
	{
		size_t i, n = 0;
		for (i = 0; i < a->nticks; i++)
			if (a->ticks[i].v >= a->lo - 1e-9 * fabs(a->lo) &&
			    a->ticks[i].v <= a->hi + 1e-9 * fabs(a->hi))
				a->ticks[n++] = a->ticks[i];
		a->nticks = n;
	}
}

void
chart_fig_finish(struct chart_fig *f)
{
	S_finish_axis(f, &f->x, 1);
	S_finish_axis(f, &f->y, 0);
}

/* ---- comparing figures ---- */

static int
S_str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Bit for bit: -0 and 0, or two NaNs, may draw differently. */
static int
S_nums_same(const double *a, const double *b, size_t n)
{
	return n == 0 || memcmp(a, b, n * sizeof(double)) == 0;
}

static int
S_axis_same(const struct chart_axis *a, const struct chart_axis *b)
{
	size_t i;

	if (!S_str_same(a->title, b->title) || !S_str_same(a->key, b->key) ||
	    a->scale != b->scale || a->fmt != b->fmt || !S_str_same(a->unit, b->unit) ||
	    !S_nums_same(&a->lo, &b->lo, 1) || !S_nums_same(&a->hi, &b->hi, 1) ||
	    a->zero != b->zero || a->nticks != b->nticks || a->nminor != b->nminor ||
	    !S_nums_same(a->minor, b->minor, a->nminor))
		return 0;
	for (i = 0; i < a->nticks; i++)
		if (!S_nums_same(&a->ticks[i].v, &b->ticks[i].v, 1) ||
		    strcmp(a->ticks[i].label, b->ticks[i].label) != 0)
			return 0;
	return 1;
}

int
chart_fig_same(const struct chart_fig *a, const struct chart_fig *b)
{
	size_t i, j;

	if (!S_str_same(a->name, b->name) || !S_str_same(a->title, b->title) ||
	    !S_str_same(a->caption, b->caption) || !S_str_same(a->alt, b->alt) ||
	    !S_axis_same(&a->x, &b->x) || !S_axis_same(&a->y, &b->y) ||
	    a->nseries != b->nseries || a->nannots != b->nannots)
		return 0;
	for (i = 0; i < a->nseries; i++) {
		const struct chart_series *p = &a->series[i], *q = &b->series[i];
		if (!S_str_same(p->label, q->label) || p->kind != q->kind || p->style != q->style ||
		    p->emphasis != q->emphasis || p->inline_label != q->inline_label ||
		    p->n != q->n || !S_nums_same(p->x, q->x, p->n) || !S_nums_same(p->y, q->y, p->n) ||
		    (p->labels == NULL) != (q->labels == NULL))
			return 0;
		for (j = 0; p->labels != NULL && j < p->n; j++)
			if (!S_str_same(p->labels[j], q->labels[j]))
				return 0;
	}
	for (i = 0; i < a->nannots; i++) {
		const struct chart_annot *p = &a->annots[i], *q = &b->annots[i];
		if (p->kind != q->kind || !S_nums_same(&p->x, &q->x, 1) ||
		    !S_nums_same(&p->y, &q->y, 1) || !S_nums_same(&p->x2, &q->x2, 1) ||
		    !S_str_same(p->label, q->label) || p->style != q->style)
			return 0;
	}
	return 1;
}

/* ---- text outputs ---- */

static void
S_num(struct buf *b, double v)
{
	char s[40];

	if (isnan(v)) {
		buf_puts(b, "null");
		return;
	}
	util_fmt_g(s, sizeof(s), 6, v);
	buf_puts(b, s);
}

static const char *
S_scale_name(enum chart_scale s)
{
	switch (s) {
	case CHART_LOG: return "log";
	case CHART_LOG2: return "log2";
	case CHART_CATEGORY: return "category";
	case CHART_LINEAR:
	default: return "linear";
	}
}

static const char *
S_kind_name(enum chart_kind k)
{
	switch (k) {
	case CHART_SERIES_SCATTER: return "scatter";
	case CHART_SERIES_STEP: return "step";
	case CHART_SERIES_BAR: return "bar";
	case CHART_SERIES_LINE:
	default: return "line";
	}
}

static const char *
S_annot_name(enum chart_annot_kind k)
{
	switch (k) {
	case CHART_ANNOT_VLINE: return "vline";
	case CHART_ANNOT_HLINE: return "hline";
	case CHART_ANNOT_REGION: return "region";
	case CHART_ANNOT_POINT:
	default: return "point";
	}
}

static void
S_dump_axis(struct buf *b, const char *which, const struct chart_axis *a)
{
	size_t i;

	buf_printf(b, "%s: %s \"%s\" key=%s range=[", which, S_scale_name(a->scale),
	    a->title ? a->title : "", a->key ? a->key : "");
	S_num(b, a->lo);
	buf_puts(b, ", ");
	S_num(b, a->hi);
	buf_puts(b, "]\n  ticks:");
	for (i = 0; i < a->nticks; i++) {
		buf_putc(b, ' ');
		S_num(b, a->ticks[i].v);
		buf_printf(b, "=\"%s\"", a->ticks[i].label);
	}
	buf_printf(b, "\n  minor ticks: %zu\n", a->nminor);
}

void
chart_dump(const struct chart_fig *f, struct buf *out)
{
	size_t i, j;

	buf_printf(out, "figure %s\ntitle: %s\n", f->name, f->title);
	S_dump_axis(out, "x", &f->x);
	S_dump_axis(out, "y", &f->y);
	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		buf_printf(out, "series %zu: %s \"%s\" style=%d%s%s points=%zu\n", i,
		    S_kind_name(s->kind), s->label ? s->label : "", s->style,
		    s->emphasis ? " emphasis" : "", s->inline_label ? " inline" : "", s->n);
		for (j = 0; j < s->n; j++) {
			buf_puts(out, "  ");
			S_num(out, s->x[j]);
			buf_putc(out, ' ');
			S_num(out, s->y[j]);
			if (s->labels != NULL && s->labels[j] != NULL)
				buf_printf(out, " \"%s\"", s->labels[j]);
			buf_putc(out, '\n');
		}
	}
	for (i = 0; i < f->nannots; i++) {
		const struct chart_annot *a = &f->annots[i];
		buf_printf(out, "annotation %zu: %s x=", i, S_annot_name(a->kind));
		S_num(out, a->x);
		buf_puts(out, " y=");
		S_num(out, a->y);
		if (a->kind == CHART_ANNOT_REGION) {
			buf_puts(out, " x2=");
			S_num(out, a->x2);
		}
		buf_printf(out, " style=%d \"%s\"\n", a->style, a->label ? a->label : "");
	}
	buf_printf(out, "caption: %s\nalt: %s\n", f->caption ? f->caption : "",
	    f->alt ? f->alt : "");
}

/* RFC 4180 field: quoted when it holds a comma, quote or newline. */
static void
S_csv_field(struct buf *b, const char *s)
{
	const char *p;

	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\n\r") == NULL) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

static void
S_csv_num(struct buf *b, double v)
{
	char s[40];

	if (isnan(v))
		return;			/* empty field: no value */
	util_fmt_g(s, sizeof(s), 10, v);
	buf_puts(b, s);
}

void
chart_csv(const struct chart_fig *f, struct buf *out)
{
	size_t i, j;
	int bars = 0, labels = 0;

	for (i = 0; i < f->nseries; i++) {
		if (f->series[i].kind == CHART_SERIES_BAR)
			bars = 1;
		else if (f->series[i].labels != NULL)
			labels = 1;	/* labelled points: which is which */
	}
	buf_puts(out, "series,");
	if (bars) {
		/* Bars: the category's name rather than its position. */
		S_csv_field(out, f->y.key ? f->y.key : "category");
		buf_putc(out, ',');
		S_csv_field(out, f->x.key ? f->x.key : "x");
		buf_puts(out, ",label\n");
	} else {
		S_csv_field(out, f->x.key ? f->x.key : "x");
		buf_putc(out, ',');
		S_csv_field(out, f->y.key ? f->y.key : "y");
		buf_puts(out, labels ? ",label\n" : "\n");
	}
	for (i = 0; i < f->nseries; i++) {
		const struct chart_series *s = &f->series[i];
		for (j = 0; j < s->n; j++) {
			S_csv_field(out, s->label ? s->label : "");
			buf_putc(out, ',');
			if (bars) {
				long c = lround(s->y[j]);
				if (f->y.scale == CHART_CATEGORY && c >= 0 && (size_t)c < f->y.nticks)
					S_csv_field(out, f->y.ticks[c].label);
				else
					S_csv_num(out, s->y[j]);
				buf_putc(out, ',');
				S_csv_num(out, s->x[j]);
				buf_putc(out, ',');
				if (s->labels != NULL)
					S_csv_field(out, s->labels[j]);
			} else {
				S_csv_num(out, s->x[j]);
				buf_putc(out, ',');
				S_csv_num(out, s->y[j]);
				if (labels) {
					buf_putc(out, ',');
					if (s->labels != NULL)
						S_csv_field(out, s->labels[j]);
				}
			}
			buf_putc(out, '\n');
		}
	}
}

void
chart_alt(const struct chart_fig *f, struct buf *out)
{
	buf_puts(out, f->alt != NULL ? f->alt : f->title);
}

const char *
chart_caption(const struct chart_fig *f)
{
	return f->caption != NULL ? f->caption : "";
}

void
chart_axis_category(struct chart_axis *a, size_t i, const char *name)
{
	if (i >= CHART_MAX_TICKS)
		return;
	while (a->nticks <= i) {
		a->ticks[a->nticks].v = (double)a->nticks;
		a->ticks[a->nticks].label[0] = '\0';
		a->nticks++;
	}
	snprintf(a->ticks[i].label, sizeof(a->ticks[i].label), "%s", name);
}
