/*
 * output.c -- the two surfaces the site needs, in memory: the SVG (its
 * glyph and clip ids renamed after the figure, so that two figures inlined
 * in one page cannot collide) and the PNG, encoded with libpng directly.
 * The drawing itself is draw.c's chart_draw().
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

#include "chart.h"
#include "chart_int.h"
#include "util.h"

#ifndef INFERBOOK_VERSION
#define INFERBOOK_VERSION "unknown"
#endif

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

static int
S_svg(const struct chart_fig *f, struct chart_layout **lay, struct buf *out)
{
	struct chart_style style;
	struct chart_layout *own = NULL, **lp = lay != NULL ? lay : &own;
	struct chart_axes axes;
	struct buf raw, with;
	const char *root;
	cairo_surface_t *sf;
	cairo_t *cr;
	cairo_status_t st;

	buf_init(&raw);
	sf = cairo_svg_surface_create_for_stream(S_write, &raw, CHART_W_PT, CHART_H_PT);
	cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
	cr = cairo_create(sf);
	chart_style_defaults(&style);
	chart_draw_layout(cr, f, &style, CHART_W_PT, CHART_H_PT, lp);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (st != CAIRO_STATUS_SUCCESS || *lp == NULL) {
		chart_layout_free(own);
		buf_free(&raw);
		return -1;
	}
	/* The axis transform on the root element, for pages that mark a
	 * point on the figure (chart_axes). */
	chart_layout_axes(*lp, f, &axes);
	chart_layout_free(own);
	buf_init(&with);
	root = raw.data != NULL ? strstr(raw.data, "<svg") : NULL;
	if (root != NULL) {
		buf_put(&with, raw.data, (size_t)(root - raw.data) + 4);
		chart_axes_attrs(&axes, &with);
		buf_puts(&with, root + 4);
	} else if (raw.data != NULL)
		buf_put(&with, raw.data, raw.len);
	S_renumber_ids(with.data ? with.data : "", with.len, f->name, out);
	buf_free(&with);
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

static int
S_png(const struct chart_fig *f, double scale, struct chart_layout **lay, struct buf *out)
{
	struct chart_style style;
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
	chart_style_defaults(&style);
	chart_draw_layout(cr, f, &style, CHART_W_PT, CHART_H_PT, lay);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		rc = chart_png_encode(sf, CHART_PNG_FILTERS, CHART_PNG_LEVEL, Z_DEFAULT_STRATEGY,
		    chart_png_renderer(), out);
	cairo_surface_destroy(sf);
	return rc;
}

int
chart_svg(const struct chart_fig *f, struct buf *out)
{
	return S_svg(f, NULL, out);
}

int
chart_png(const struct chart_fig *f, double scale, struct buf *out)
{
	return S_png(f, scale, NULL, out);
}

int
chart_svg_png(const struct chart_fig *f, double scale, struct buf *svg, struct buf *png)
{
	struct chart_layout *lay = NULL;
	int rc;

	rc = S_svg(f, &lay, svg);
	if (rc == 0)
		rc = S_png(f, scale, &lay, png);
	chart_layout_free(lay);
	return rc;
}
