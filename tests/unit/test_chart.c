/*
 * test_chart.c -- the chart engine (ticks, labels, outputs, determinism)
 * and the ten figures built from the real data/ (golden text dumps).
 *
 *   CHART_REGEN=1    rewrite tests/golden/charts/NAME.txt from the output
 *   CHART_PNG_DIR=D  also write D/NAME.png (2x) and D/NAME.svg to look at
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "chart.h"
#include "util.h"

/* ---- numbers and ticks ---- */

static const char *
S_fmt(double v, enum chart_fmt fmt, const char *unit)
{
	static char s[64];

	chart_fmt(s, sizeof(s), v, fmt, unit, CHART_PREFIX_AUTO);
	return s;
}

START_TEST(test_fmt_si_prefixes_and_three_digits)
{
	ck_assert_str_eq(S_fmt(0.001, CHART_FMT_SI, "s"), "1 ms");
	ck_assert_str_eq(S_fmt(0.0209, CHART_FMT_SI, "s"), "20.9 ms");
	ck_assert_str_eq(S_fmt(0.2333333, CHART_FMT_SI, "s"), "233 ms");
	ck_assert_str_eq(S_fmt(5e-6, CHART_FMT_SI, "s"), "5 \xc2\xb5s");
	ck_assert_str_eq(S_fmt(1.5, CHART_FMT_SI, "s"), "1.5 s");
	ck_assert_str_eq(S_fmt(70.6e9, CHART_FMT_SI, "B"), "70.6 GB");
	ck_assert_str_eq(S_fmt(989e12, CHART_FMT_SI, "FLOP/s"), "989 TFLOP/s");
	ck_assert_str_eq(S_fmt(1e15, CHART_FMT_SI, "FLOP/s"), "1 PFLOP/s");
	/* 999.7 would print as "1000 ms": the next prefix instead. */
	ck_assert_str_eq(S_fmt(0.9997, CHART_FMT_SI, "s"), "1 s");
	ck_assert_str_eq(S_fmt(0, CHART_FMT_SI, "s"), "0");
}
END_TEST

START_TEST(test_fmt_count_usd_ratio_plain)
{
	ck_assert_str_eq(S_fmt(500, CHART_FMT_COUNT, NULL), "500");
	ck_assert_str_eq(S_fmt(10000, CHART_FMT_COUNT, NULL), "10K");
	ck_assert_str_eq(S_fmt(131072, CHART_FMT_COUNT, NULL), "131K");
	ck_assert_str_eq(S_fmt(1e6, CHART_FMT_COUNT, NULL), "1M");
	ck_assert_str_eq(S_fmt(2.5e9, CHART_FMT_COUNT, NULL), "2.5B");
	ck_assert_str_eq(S_fmt(0.1, CHART_FMT_USD, NULL), "$0.1");
	ck_assert_str_eq(S_fmt(12.345, CHART_FMT_USD, NULL), "$12.3");
	ck_assert_str_eq(S_fmt(4, CHART_FMT_RATIO, NULL), "4x");
	ck_assert_str_eq(S_fmt(4.6049, CHART_FMT_RATIO, NULL), "4.6x");
	ck_assert_str_eq(S_fmt(0.3, CHART_FMT_PLAIN, NULL), "0.3");
	ck_assert_str_eq(S_fmt(295.2, CHART_FMT_PLAIN, NULL), "295");
	ck_assert_str_eq(S_fmt(-2.5, CHART_FMT_PLAIN, NULL), "-2.5");
	ck_assert_str_eq(S_fmt(9.996, CHART_FMT_PLAIN, NULL), "10");
	ck_assert_str_eq(S_fmt(NAN, CHART_FMT_PLAIN, NULL), "n/a");
}
END_TEST

/* "v=label v=label ..." of an axis, for exact comparisons. */
static const char *
S_ticks(const struct chart_axis *a)
{
	static char s[1024];
	size_t i, n = 0;

	s[0] = '\0';
	for (i = 0; i < a->nticks && n < sizeof(s) - 64; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%s", i ? " " : "", a->ticks[i].label);
	return s;
}

static struct chart_axis *
S_axis(enum chart_scale sc, enum chart_fmt fmt, const char *unit)
{
	static struct chart_axis a;

	memset(&a, 0, sizeof(a));
	a.scale = sc;
	a.fmt = fmt;
	a.unit = (char *)unit;
	return &a;
}

START_TEST(test_ticks_linear_125_and_widened)
{
	struct chart_axis *a = S_axis(CHART_LINEAR, CHART_FMT_PLAIN, NULL);

	chart_axis_ticks(a, 0, 1);
	ck_assert_str_eq(S_ticks(a), "0 0.2 0.4 0.6 0.8 1");
	a = S_axis(CHART_LINEAR, CHART_FMT_PLAIN, NULL);
	chart_axis_ticks(a, 3, 97);
	ck_assert_str_eq(S_ticks(a), "0 20 40 60 80 100");
	ck_assert(a->lo == 0 && a->hi == 100);
	a = S_axis(CHART_LINEAR, CHART_FMT_PLAIN, NULL);
	chart_axis_ticks(a, 0.1, 0.7);
	ck_assert_str_eq(S_ticks(a), "0.1 0.2 0.3 0.4 0.5 0.6 0.7");
	/* One prefix for the whole linear axis. */
	a = S_axis(CHART_LINEAR, CHART_FMT_SI, "s");
	chart_axis_ticks(a, 0, 1.4);
	ck_assert_str_eq(S_ticks(a), "0 0.5 s 1 s 1.5 s");
	a = S_axis(CHART_LINEAR, CHART_FMT_SI, "s");
	chart_axis_ticks(a, 0.02, 0.2);
	ck_assert_str_eq(S_ticks(a), "0 50 ms 100 ms 150 ms 200 ms");
}
END_TEST

START_TEST(test_ticks_log_decades_and_short_spans)
{
	struct chart_axis *a = S_axis(CHART_LOG, CHART_FMT_COUNT, NULL);

	chart_axis_ticks(a, 1, 1e6);
	ck_assert_str_eq(S_ticks(a), "1 10 100 1K 10K 100K 1M");
	ck_assert_uint_eq(a->nminor, 6 * 8);
	/* Less than two decades: 1-2-5, the range widened to 1-2-5 values. */
	a = S_axis(CHART_LOG, CHART_FMT_SI, "s");
	chart_axis_ticks(a, 0.0209, 0.35);
	ck_assert_str_eq(S_ticks(a), "20 ms 50 ms 100 ms 200 ms 500 ms");
	ck_assert(fabs(a->lo - 0.02) < 1e-15 && fabs(a->hi - 0.5) < 1e-15);
	/* Twelve decades: every other power of ten (at most 8 labels). */
	a = S_axis(CHART_LOG, CHART_FMT_SI, "FLOP/s");
	chart_axis_ticks(a, 1e9, 1e21);
	ck_assert_str_eq(S_ticks(a), "1 GFLOP/s 100 GFLOP/s 10 TFLOP/s 1 PFLOP/s 100 PFLOP/s 10 EFLOP/s 1000 EFLOP/s");
	ck_assert_uint_eq(a->nminor, 0);
	a = S_axis(CHART_LOG2, CHART_FMT_COUNT, NULL);
	chart_axis_ticks(a, 1, 64);
	ck_assert_str_eq(S_ticks(a), "1 2 4 8 16 32 64");
}
END_TEST

/* ---- a synthetic figure: the engine without the data set ---- */

static struct chart_fig *
S_synthetic(const char *name)
{
	struct chart_fig *f = chart_fig_new(name, "Time per decode step against batch");
	double x[40], mem[40], cmp[40], step[40];
	size_t i;

	for (i = 0; i < 40; i++) {
		x[i] = pow(2, i * 10.0 / 39);
		mem[i] = 0.0209 + x[i] * 1e-5;
		cmp[i] = x[i] * 7.1e-5;
		step[i] = fmax(mem[i], cmp[i]);
	}
	chart_fig_axis(&f->x, "Batch size (sequences)", "batch", CHART_LOG, CHART_FMT_COUNT, NULL);
	chart_fig_axis(&f->y, "Time per step", "t_s", CHART_LOG, CHART_FMT_SI, "s");
	f->x.lo = 1;
	f->x.hi = 1024;
	chart_fig_series(f, CHART_SERIES_LINE, "Memory time", 1, x, mem, 40);
	chart_fig_series(f, CHART_SERIES_LINE, "Compute time", 2, x, cmp, 40);
	chart_fig_series(f, CHART_SERIES_LINE, "Step time", 0, x, step, 40)->emphasis = 1;
	chart_fig_annot(f, CHART_ANNOT_VLINE, 295.2, NAN, NAN, -1, "critical batch 295");
	chart_fig_annot(f, CHART_ANNOT_POINT, 295.2, 0.0239, NAN, 0, "B = 295: 23.9 ms");
	chart_fig_annot(f, CHART_ANNOT_HLINE, NAN, 0.1, NAN, -1, "100 ms budget");
	chart_fig_annot(f, CHART_ANNOT_REGION, 1, NAN, 16, 5, "interactive");
	chart_fig_text(f, "Memory time is flat until the critical batch.",
	    "The step takes 20.9 ms up to batch 295, then grows with the batch.");
	chart_fig_finish(f);
	return f;
}

static void
S_maybe_write(const char *name, const char *ext, const struct buf *b)
{
	const char *dir = getenv("CHART_PNG_DIR");
	char *path;
	FILE *fp;

	if (dir == NULL || *dir == '\0')
		return;
	path = xasprintf("%s/%s.%s", dir, name, ext);
	fp = fopen(path, "wb");
	if (fp != NULL) {
		fwrite(b->data, 1, b->len, fp);
		fclose(fp);
	}
	free(path);
}

static uint32_t
S_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* PNG: signature, then IHDR first with the width and height asked for. */
static void
S_check_png(const struct buf *b, uint32_t w, uint32_t h)
{
	const unsigned char *p = (const unsigned char *)b->data;

	ck_assert_uint_gt(b->len, 1000);
	ck_assert_int_eq(memcmp(p, "\x89PNG\r\n\x1a\n", 8), 0);
	ck_assert_int_eq(memcmp(p + 12, "IHDR", 4), 0);
	ck_assert_uint_eq(S_be32(p + 16), w);
	ck_assert_uint_eq(S_be32(p + 20), h);
	ck_assert_int_eq(memcmp(p + b->len - 8, "IEND", 4), 0);
}

static void
S_check_svg(const struct buf *b)
{
	const char *end;

	ck_assert_uint_gt(b->len, 1000);
	ck_assert_int_eq(strncmp(b->data, "<?xml", 5), 0);
	ck_assert_ptr_nonnull(strstr(b->data, "<svg"));
	ck_assert_ptr_nonnull(strstr(b->data, "width=\"640pt\""));
	ck_assert_ptr_nonnull(strstr(b->data, "height=\"400pt\""));
	end = b->data + b->len;
	while (end > b->data && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	ck_assert_int_eq(strncmp(end - 6, "</svg>", 6), 0);
	/* Balanced elements: every <g / <symbol opened is closed. */
	{
		size_t og = 0, cg = 0;
		const char *p;
		for (p = b->data; (p = strstr(p, "<g")) != NULL; p++)
			if (p[2] == ' ' || p[2] == '>')
				og++;
		for (p = b->data; (p = strstr(p, "</g>")) != NULL; p++)
			cg++;
		ck_assert_uint_eq(og, cg);
	}
}

START_TEST(test_synthetic_svg_png_structure)
{
	struct chart_fig *f = S_synthetic("synthetic");
	struct buf svg, png;

	buf_init(&svg);
	buf_init(&png);
	ck_assert_int_eq(chart_svg(f, &svg), 0);
	ck_assert_int_eq(chart_png(f, 2, &png), 0);
	S_check_svg(&svg);
	S_check_png(&png, 1280, 800);
	S_maybe_write("synthetic", "svg", &svg);
	S_maybe_write("synthetic", "png", &png);
	/* ids were renamed after the figure. */
	ck_assert_ptr_nonnull(strstr(svg.data, "id=\"synthetic-1\""));
	ck_assert_ptr_null(strstr(svg.data, "id=\"surface"));
	buf_free(&svg);
	buf_free(&png);
	chart_fig_free(f);
}
END_TEST

START_TEST(test_svg_independent_of_render_order)
{
	struct chart_fig *a = S_synthetic("a"), *b = S_synthetic("b");
	struct buf a1, bb, a2, p1, p2;

	buf_init(&a1);
	buf_init(&bb);
	buf_init(&a2);
	buf_init(&p1);
	buf_init(&p2);
	b->series[0].style = 3;
	ck_assert_int_eq(chart_svg(a, &a1), 0);
	ck_assert_int_eq(chart_svg(b, &bb), 0);
	ck_assert_int_eq(chart_svg(a, &a2), 0);
	ck_assert_uint_eq(a1.len, a2.len);
	ck_assert_int_eq(memcmp(a1.data, a2.data, a1.len), 0);
	ck_assert_int_eq(chart_png(a, 2, &p1), 0);
	ck_assert_int_eq(chart_png(b, 1, &p2), 0);
	buf_reset(&p2);
	ck_assert_int_eq(chart_png(a, 2, &p2), 0);
	ck_assert_uint_eq(p1.len, p2.len);
	ck_assert_int_eq(memcmp(p1.data, p2.data, p1.len), 0);
	buf_free(&a1);
	buf_free(&bb);
	buf_free(&a2);
	buf_free(&p1);
	buf_free(&p2);
	chart_fig_free(a);
	chart_fig_free(b);
}
END_TEST

START_TEST(test_dump_and_csv_of_synthetic)
{
	struct chart_fig *f = S_synthetic("synthetic");
	struct buf d, c, alt;

	buf_init(&d);
	buf_init(&c);
	buf_init(&alt);
	chart_dump(f, &d);
	chart_csv(f, &c);
	chart_alt(f, &alt);
	ck_assert_ptr_nonnull(strstr(d.data, "figure synthetic\ntitle: Time per decode step against batch\n"));
	ck_assert_ptr_nonnull(strstr(d.data,
	    "x: log \"Batch size (sequences)\" key=batch range=[1, 1024]\n"
	    "  ticks: 1=\"1\" 10=\"10\" 100=\"100\" 1000=\"1K\"\n"));
	ck_assert_ptr_nonnull(strstr(d.data, "series 2: line \"Step time\" style=0 emphasis points=40\n  1 0.02091\n"));
	ck_assert_ptr_nonnull(strstr(d.data, "annotation 0: vline x=295.2 y=null style=-1 \"critical batch 295\"\n"));
	ck_assert_ptr_nonnull(strstr(d.data, "annotation 3: region x=1 y=null x2=16 style=5 \"interactive\"\n"));
	ck_assert_int_eq(strncmp(c.data, "series,batch,t_s\nMemory time,1,0.02091\n", 39), 0);
	ck_assert_str_eq(alt.data, "The step takes 20.9 ms up to batch 295, then grows with the batch.");
	ck_assert_str_eq(chart_caption(f), "Memory time is flat until the critical batch.");
	buf_free(&d);
	buf_free(&c);
	buf_free(&alt);
	chart_fig_free(f);
}
END_TEST

START_TEST(test_bar_chart_categories_csv)
{
	struct chart_fig *f = chart_fig_new("bars", "Bars");
	double x[3] = { 0.209, 0.1, 0.35 }, y[3] = { 0, 1, 2 };
	struct chart_series *s;
	struct buf c, png;

	chart_fig_axis(&f->x, "Time per token", "t_s", CHART_LINEAR, CHART_FMT_SI, "s");
	chart_fig_axis(&f->y, "", "chip", CHART_CATEGORY, CHART_FMT_PLAIN, NULL);
	chart_axis_category(&f->y, 0, "H100, SXM");
	chart_axis_category(&f->y, 1, "B200");
	chart_axis_category(&f->y, 2, "A100");
	s = chart_fig_series(f, CHART_SERIES_BAR, NULL, 0, x, y, 3);
	chart_series_bar_label(s, 0, "209 ms");
	chart_fig_finish(f);
	ck_assert(f->x.lo == 0);
	ck_assert(f->y.lo == -0.5 && f->y.hi == 2.5);
	buf_init(&c);
	chart_csv(f, &c);
	ck_assert_str_eq(c.data, "series,chip,t_s,label\n,\"H100, SXM\",0.209,209 ms\n,B200,0.1,\n,A100,0.35,\n");
	buf_init(&png);
	ck_assert_int_eq(chart_png(f, 1, &png), 0);
	S_check_png(&png, 640, 400);
	S_maybe_write("bars", "png", &png);
	buf_free(&c);
	buf_free(&png);
	chart_fig_free(f);
}
END_TEST

Suite *chart_suite(void);

Suite *
chart_suite(void)
{
	Suite *s = suite_create("chart");
	TCase *tc = tcase_create("engine");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fmt_si_prefixes_and_three_digits);
	tcase_add_test(tc, test_fmt_count_usd_ratio_plain);
	tcase_add_test(tc, test_ticks_linear_125_and_widened);
	tcase_add_test(tc, test_ticks_log_decades_and_short_spans);
	tcase_add_test(tc, test_synthetic_svg_png_structure);
	tcase_add_test(tc, test_svg_independent_of_render_order);
	tcase_add_test(tc, test_dump_and_csv_of_synthetic);
	tcase_add_test(tc, test_bar_chart_categories_csv);
	suite_add_tcase(s, tc);
	return s;
}
