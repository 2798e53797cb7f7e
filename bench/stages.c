/*
 * stages.c -- the publishing stages alone, for the side-by-side rows of
 * `make bench` (bench/run.sh).  Not part of the tool.
 *
 *   stages expand DATA LESSONS OUTDIR
 *       Writes OUTDIR/SLUG.md for every lesson (answers.md and README.md
 *       excepted, as the handouts): the body with every {{ }} expanded
 *       (LESSON_NUM_BARE: plain numbers, no links) and each figure as
 *       ![alt](chart:FILE "caption").  This is the identical input that
 *       pandoc and the HTML stage are given.
 *   stages html RUNS FILE...
 *       The HTML stage (html_render, cmark-gfm + the site's rules) over
 *       all FILEs: one warm-up pass, then RUNS timed passes.
 *   stages pdf RUNS DATA LESSONS OUTDIR
 *       The PDF stage: one handout per lesson (pdf_handout, figures drawn
 *       as vectors), written to OUTDIR/SLUG.pdf on the warm-up pass; then
 *       RUNS timed passes.  Expansion and figure building happen before
 *       the clock starts.
 *   stages png RUNS DATA LESSONS
 *       The 2x PNG of every figure the lessons draw, encoded by cairo's
 *       writer (what chart_png used before) and by chart_png_encode with
 *       several filter and zlib settings (chart_png's among them): time
 *       and bytes per encoder, the measurement behind chart_png's choice
 *       (see bench/RESULTS.md).
 *
 * Output: "cold S" (the warm-up pass), then one "run S" line per timed
 * pass, S in seconds for the whole pass; `png` prints one line per
 * encoder.  Exit status 0, or 1 after a diagnostic.
 */
#include <dirent.h>
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include <cairo.h>

#include "chart.h"
#include "data.h"
#include "diag.h"
#include "html.h"
#include "lesson.h"
#include "pdf.h"
#include "site.h"
#include "util.h"

struct S_fig {
	char *file;
	struct chart_fig *fig;
};

struct S_lessons {
	struct data_set set;
	struct lesson **l;
	char **md;			/* expanded bodies */
	size_t n;
	struct S_fig *figs;
	size_t nfigs;
};

static double
S_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
S_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* {{ figure NAME SCEN }}: build the figure once per file name, print the
 * image reference the site prints. */
static int
S_figure(void *ctx, const struct lesson *l, const char *name,
    const struct data_scenario *scen, const struct srcpos *pos, struct buf *md)
{
	struct S_lessons *ls = ctx;
	struct buf file, alt;
	size_t i;

	buf_init(&file);
	site_chart_file(&file, l->slug, name, scen->name);
	for (i = 0; i < ls->nfigs; i++)
		if (strcmp(ls->figs[i].file, file.data) == 0)
			break;
	if (i == ls->nfigs) {
		struct chart_fig *fig;

		if (chart_build(name, &ls->set, scen, &fig) != 0) {
			diag_error(pos, "figure '%s' cannot be drawn", name);
			buf_free(&file);
			return -1;
		}
		ls->figs = xreallocarray(ls->figs, ls->nfigs + 1, sizeof(*ls->figs));
		ls->figs[ls->nfigs].file = xstrdup(file.data);
		ls->figs[ls->nfigs++].fig = fig;
	}
	buf_init(&alt);
	chart_alt(ls->figs[i].fig, &alt);
	buf_putc(&alt, '\0');
	buf_puts(md, "![");
	buf_md_text(md, alt.data);
	buf_printf(md, "](chart:%s \"", ls->figs[i].file);
	buf_md_text(md, chart_caption(ls->figs[i].fig) != NULL ?
	    chart_caption(ls->figs[i].fig) : "");
	buf_puts(md, "\")");
	buf_free(&alt);
	buf_free(&file);
	return 0;
}

/* Loads and expands every lesson of `dir` (sorted by file name). */
static int
S_load(const char *data_dir, const char *dir, struct S_lessons *ls)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	memset(ls, 0, sizeof(*ls));
	if (data_load(data_dir, &ls->set) != 0)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0 ||
		    e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0 ||
		    strcmp(e->d_name, "answers.md") == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), S_cmp_str);
	ls->l = xcalloc(n > 0 ? n : 1, sizeof(*ls->l));
	ls->md = xcalloc(n > 0 ? n : 1, sizeof(*ls->md));
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct lesson_expand_opts eo;
		struct buf md;

		free(names[i]);
		if (lesson_load(path, &ls->set, &ls->l[ls->n]) != 0) {
			free(path);
			rc = -1;
			continue;
		}
		free(path);
		lesson_expand_opts_defaults(&eo);
		eo.numbers = LESSON_NUM_BARE;
		eo.figure = S_figure;
		eo.ctx = ls;
		buf_init(&md);
		if (lesson_expand(ls->l[ls->n], &eo, &md) != 0)
			rc = -1;
		buf_putc(&md, '\0');
		ls->md[ls->n++] = buf_take(&md, NULL);
	}
	free(names);
	return rc;
}

static void
S_free(struct S_lessons *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++) {
		lesson_free(ls->l[i]);
		free(ls->md[i]);
	}
	for (i = 0; i < ls->nfigs; i++) {
		chart_fig_free(ls->figs[i].fig);
		free(ls->figs[i].file);
	}
	free(ls->l);
	free(ls->md);
	free(ls->figs);
	data_free(&ls->set);
}

static int
S_write(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

static int
S_cmd_expand(int argc, char *argv[])
{
	struct S_lessons ls;
	size_t i;
	int rc;

	if (argc != 5)
		return 2;
	rc = S_load(argv[2], argv[3], &ls);
	mkdir(argv[4], 0755);
	for (i = 0; rc == 0 && i < ls.n; i++) {
		char *path = xasprintf("%s/%s.md", argv[4], ls.l[i]->slug);

		rc = S_write(path, ls.md[i], strlen(ls.md[i]));
		free(path);
	}
	S_free(&ls);
	return rc != 0 ? 1 : 0;
}

static int
S_cmd_html(int argc, char *argv[])
{
	int runs = argc > 2 ? atoi(argv[2]) : 0, r, i, nf = argc - 3;
	char **md;
	size_t *len;

	if (runs < 0 || nf < 1)
		return 2;
	md = xcalloc((size_t)nf, sizeof(*md));
	len = xcalloc((size_t)nf, sizeof(*len));
	for (i = 0; i < nf; i++)
		if (util_read_file(argv[3 + i], &md[i], &len[i]) != 0)
			return 1;
	for (r = -1; r < runs; r++) {
		double t0 = S_now_s();

		for (i = 0; i < nf; i++) {
			struct html_opts ho;
			struct html_doc doc;
			struct buf out;

			memset(&ho, 0, sizeof(ho));
			ho.file = argv[3 + i];
			buf_init(&out);
			if (html_render(md[i], len[i], &ho, &out, &doc) != 0)
				return 1;
			html_doc_free(&doc);
			buf_free(&out);
		}
		printf("%s %.6f\n", r < 0 ? "cold" : "run", S_now_s() - t0);
	}
	for (i = 0; i < nf; i++)
		free(md[i]);
	free(md);
	free(len);
	return 0;
}

static void
S_draw(void *ctx, const char *url, cairo_t *cr, double w_pt, double h_pt)
{
	const struct S_lessons *ls = ctx;
	size_t i;

	if (strncmp(url, "chart:", 6) != 0)
		return;
	for (i = 0; i < ls->nfigs; i++)
		if (strcmp(ls->figs[i].file, url + 6) == 0) {
			chart_draw(cr, ls->figs[i].fig, w_pt, h_pt);
			return;
		}
}

static int
S_cmd_pdf(int argc, char *argv[])
{
	struct S_lessons ls;
	struct pdf_opts po;
	int runs, r, rc = 0;
	size_t i;

	if (argc != 6 || (runs = atoi(argv[2])) < 0)
		return 2;
	if (S_load(argv[3], argv[4], &ls) != 0) {
		S_free(&ls);
		return 1;
	}
	mkdir(argv[5], 0755);
	pdf_opts_defaults(&po);
	po.title = "How LLM inference works, and what it costs";
	po.draw = S_draw;
	po.draw_ctx = &ls;
	for (r = -1; rc == 0 && r < runs; r++) {
		double t0 = S_now_s();

		for (i = 0; rc == 0 && i < ls.n; i++) {
			struct pdf_doc doc;
			struct buf out;

			memset(&doc, 0, sizeof(doc));
			doc.slug = ls.l[i]->slug;
			doc.title = ls.l[i]->title;
			doc.markdown = ls.md[i];
			buf_init(&out);
			if (pdf_handout(&po, &doc, &out) != 0)
				rc = -1;
			else if (r < 0) {
				char *path = xasprintf("%s/%s.pdf", argv[5], doc.slug);

				rc = S_write(path, out.data, out.len);
				free(path);
			}
			buf_free(&out);
		}
		printf("%s %.6f\n", r < 0 ? "cold" : "run", S_now_s() - t0);
	}
	S_free(&ls);
	return rc != 0 ? 1 : 0;
}

/* ---- PNG encoders ---- */

/* The libpng rows use chart_png_encode(), the library's own encoder
 * (chart_png calls it with CHART_PNG_FILTERS and CHART_PNG_LEVEL), with
 * other filter and zlib settings. */

static cairo_status_t
S_cairo_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

static int
S_cmd_png(int argc, char *argv[])
{
	static const struct {
		const char *name;
		int filters, level, strategy;	/* filters < 0: cairo's own writer */
	} enc[] = {
		{ "cairo_surface_write_to_png (chart_png before 2026-11-30)", -1, 0, 0 },
		{ "libpng all filters, zlib 6 (= cairo's settings)", PNG_ALL_FILTERS, 6, Z_DEFAULT_STRATEGY },
		{ "libpng filter none, zlib 6", PNG_FILTER_NONE, 6, Z_DEFAULT_STRATEGY },
		{ "libpng filter sub, zlib 6", PNG_FILTER_SUB, 6, Z_DEFAULT_STRATEGY },
		{ "libpng filter up, zlib 6", PNG_FILTER_UP, 6, Z_DEFAULT_STRATEGY },
		{ "libpng filter up, zlib 3", PNG_FILTER_UP, 3, Z_DEFAULT_STRATEGY },
		{ "libpng filter up, zlib 1", PNG_FILTER_UP, 1, Z_DEFAULT_STRATEGY },
		{ "libpng filter none, zlib 1", PNG_FILTER_NONE, 1, Z_DEFAULT_STRATEGY },
		{ "libpng filter none, zlib 2", PNG_FILTER_NONE, 2, Z_DEFAULT_STRATEGY },
		{ "libpng filter none, zlib 3 (chart_png)", PNG_FILTER_NONE, 3, Z_DEFAULT_STRATEGY },
		{ "libpng filter none, zlib 4", PNG_FILTER_NONE, 4, Z_DEFAULT_STRATEGY },
		{ "libpng filter up, zlib 6 rle", PNG_FILTER_UP, 6, Z_RLE },
	};
	struct S_lessons ls;
	cairo_surface_t **sf;
	int runs;
	size_t i, e;
	double t0, t_draw;

	if (argc != 5 || (runs = atoi(argv[2])) < 1)
		return 2;
	if (S_load(argv[3], argv[4], &ls) != 0) {
		S_free(&ls);
		return 1;
	}
	sf = xcalloc(ls.nfigs > 0 ? ls.nfigs : 1, sizeof(*sf));
	t0 = S_now_s();
	for (i = 0; i < ls.nfigs; i++) {
		cairo_t *cr;

		sf[i] = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
		    (int)lround(CHART_W_PT * 2), (int)lround(CHART_H_PT * 2));
		cr = cairo_create(sf[i]);
		cairo_scale(cr, 2.0, 2.0);
		chart_draw(cr, ls.figs[i].fig, CHART_W_PT, CHART_H_PT);
		cairo_destroy(cr);
		cairo_surface_flush(sf[i]);
	}
	t_draw = S_now_s() - t0;
	printf("figures %zu raster_s %.6f\n", ls.nfigs, t_draw);
	for (e = 0; e < sizeof(enc) / sizeof(enc[0]); e++) {
		double best = 1e30;
		size_t bytes = 0;
		int r;

		for (r = 0; r < runs; r++) {
			bytes = 0;
			t0 = S_now_s();
			for (i = 0; i < ls.nfigs; i++) {
				struct buf out;

				buf_init(&out);
				if (enc[e].filters < 0)
					cairo_surface_write_to_png_stream(sf[i], S_cairo_write, &out);
				else
					chart_png_encode(sf[i], enc[e].filters, enc[e].level, enc[e].strategy,
					    NULL, &out);
				bytes += out.len;
				buf_free(&out);
			}
			t0 = S_now_s() - t0;
			if (t0 < best)
				best = t0;
		}
		printf("encode_s %.6f bytes %zu  %s\n", best, bytes, enc[e].name);
	}
	for (i = 0; i < ls.nfigs; i++)
		cairo_surface_destroy(sf[i]);
	free(sf);
	S_free(&ls);
	return 0;
}

int
main(int argc, char *argv[])
{
	int rc = 2;

	if (argc >= 2 && strcmp(argv[1], "expand") == 0)
		rc = S_cmd_expand(argc, argv);
	else if (argc >= 2 && strcmp(argv[1], "html") == 0)
		rc = S_cmd_html(argc, argv);
	else if (argc >= 2 && strcmp(argv[1], "pdf") == 0)
		rc = S_cmd_pdf(argc, argv);
	else if (argc >= 2 && strcmp(argv[1], "png") == 0)
		rc = S_cmd_png(argc, argv);
	if (rc == 2)
		fputs("usage: stages expand DATA LESSONS OUTDIR | html RUNS FILE... |\n"
		    "              pdf RUNS DATA LESSONS OUTDIR | png RUNS DATA LESSONS\n", stderr);
	return rc;
}
