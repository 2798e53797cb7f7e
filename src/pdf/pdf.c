/*
 * pdf.c -- the typesetter: cmark-gfm tree -> items (pango layouts) ->
 * boxes -> pages (paginate.c) -> cairo PDF pages.  typeset.c makes the
 * items and boxes; this file emits the pages and holds the public calls.
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

#include "diag.h"
#include "pdf.h"
#include "pdf_int.h"
#include "util.h"


/* ---- drawing ---- */

struct S_page {
	int chap;		/* chapter of its first slice; -1 */
	int opens_chapter;
	int used;
};

struct S_out {
	struct pdf_ts *t;
	cairo_surface_t *surf;
	cairo_t *cr;
};

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

static int
S_is_recto(long page)
{
	return page % 2 == 1;
}

static double
S_left(const struct pdf_ts *t, long page)
{
	return S_is_recto(page) ? PDF_M_INNER : t->pw - PDF_M_INNER - t->tw;
}

/* Destination of a link, or NULL to print it as plain text. */
static char *
S_resolve(const struct pdf_ts *t, int chap, const char *url, int *external)
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

			if (!d || t->it[i].type != PDF_I_TEXT)
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
S_unlink_tl(struct pdf_ts *t, int chap, struct pdf_tl *tl)
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
S_unlink(struct pdf_ts *t)
{
	size_t i, c;

	for (i = 0; i < t->nit; i++) {
		struct pdf_item *it = &t->it[i];

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
S_draw_tl(struct S_out *o, int chap, const struct pdf_tl *tl, size_t a,
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
S_lines_h(const struct pdf_tl *tl, size_t a, size_t b)
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
S_draw_table(struct S_out *o, const struct pdf_item *it,
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
				const struct pdf_tl *tl = &it->cells[r * it->cols + c];

				S_draw_tl(o, it->chap, tl, 0, tl->n, xx + PDF_CELL_PADX,
				    yy + PDF_CELL_PADY);
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
S_draw_figure(struct S_out *o, const struct pdf_item *it, double x, double y)
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
S_draw_slice(struct S_out *o, const struct pdf_item *it,
    const struct pdf_slice *s, long page, const char *pagenum)
{
	struct pdf_ts *t = o->t;
	cairo_t *cr = o->cr;
	double left = S_left(t, page), x = left + it->indent;
	double y = PDF_M_TOP + s->y_pt, h;

	switch (it->type) {
	case PDF_I_TEXT:
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
	case PDF_I_CODE:
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
		S_draw_tl(o, it->chap, &it->tl, s->from, s->to, x + PDF_CODE_PAD, y);
		break;
	case PDF_I_RULE:
		cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
		cairo_set_line_width(cr, 0.5);
		cairo_move_to(cr, x + it->width * 0.3, y + 0.5);
		cairo_line_to(cr, x + it->width * 0.7, y + 0.5);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		break;
	case PDF_I_TABLE:
		S_draw_table(o, it, s, x, y);
		break;
	case PDF_I_FIGURE:
		S_draw_figure(o, it, x, y);
		break;
	case PDF_I_TOCENT: {
		const struct pdf_tl *tl = &it->tl;
		PangoLayout *num = pdf_ts_layout(t, it->level == 0 ? t->f_head : t->f_body,
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
	case PDF_I_BREAK:
		break;
	}
}

/* Running head and page number (none on blank pages, on a page that opens
 * a chapter only the number). */
static void
S_furniture(struct S_out *o, long page, const char *head)
{
	struct pdf_ts *t = o->t;
	cairo_t *cr = o->cr;
	PangoLayout *l;
	PangoRectangle log;
	char num[32];
	double left = S_left(t, page), x;
	int recto = S_is_recto(page);

	l = pdf_ts_layout(t, t->f_head, 0, 0);
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
		cairo_move_to(cr, x, PDF_M_TOP - 26);
		pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(l, 0));
		cairo_set_line_width(cr, 0.4);
		cairo_move_to(cr, left, PDF_M_TOP - 20);
		cairo_line_to(cr, left + t->tw, PDF_M_TOP - 20);
		cairo_stroke(cr);
	}
	snprintf(num, sizeof(num), "%ld", page);
	pango_layout_set_width(l, -1);
	pango_layout_set_font_description(l, t->f_body);
	pango_layout_set_text(l, num, -1);
	pango_layout_get_extents(l, NULL, &log);
	x = recto ? left + t->tw - (double)log.width / PANGO_SCALE : left;
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, x, t->ph - PDF_M_BOTTOM + 34);
	pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(l, 0));
	g_object_unref(l);
}

/* Emits pages [0, npages) of a paginated run of items, page 0 being
 * absolute page first.  TOC entries take their numbers from pagenums. */
static void
S_emit(struct S_out *o, size_t item0, const struct pdf_slice *sl, size_t ns,
    size_t npages, long first, const long *pagenums, int furniture)
{
	struct pdf_ts *t = o->t;
	struct S_page *pg = xcalloc(npages, sizeof(*pg));
	size_t p, i = 0;
	char num[32];

	for (p = 0; p < npages; p++)
		pg[p].chap = -1;
	for (i = 0; i < ns; i++) {
		const struct pdf_item *it = &t->it[item0 + sl[i].box];

		p = sl[i].page;
		if (!pg[p].used)
			pg[p].chap = it->chap;
		pg[p].used = 1;
		if (it->level == 0 && it->type == PDF_I_TEXT)
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
			const struct pdf_item *it = &t->it[item0 + sl[i].box];

			num[0] = '\0';
			if (it->type == PDF_I_TOCENT && pagenums)
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
S_ts_init(struct pdf_ts *t, const struct pdf_opts *o, struct S_out *out,
    struct buf *dst, const char *title)
{
	cairo_font_options_t *fo;

	memset(t, 0, sizeof(*t));
	memset(out, 0, sizeof(*out));
	t->o = o;
	pdf_paper_size(o->paper, &t->pw, &t->ph);
	t->tw = t->pw - PDF_M_INNER - PDF_M_OUTER;
	t->th = t->ph - PDF_M_TOP - PDF_M_BOTTOM;
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
	t->f_body = pango_font_description_from_string(PDF_BODY_FONT);
	t->f_mono = pango_font_description_from_string(PDF_MONO_FONT);
	t->f_table = pango_font_description_from_string(PDF_TABLE_FONT);
	t->f_caption = pango_font_description_from_string(PDF_CAPTION_FONT);
	t->f_head = pango_font_description_from_string(PDF_HEAD_FONT);
	return 0;
}

static void
S_item_free(struct pdf_item *it)
{
	size_t i;

	pdf_ts_tl_free(&it->tl);
	if (it->marker)
		g_object_unref(it->marker);
	free(it->dest);
	free(it->plain);
	for (i = 0; i < it->rows * it->cols; i++)
		pdf_ts_tl_free(&it->cells[i]);
	free(it->cells);
	free(it->colw);
	free(it->rowh);
	free(it->url);
}

/* Finishes the PDF and frees everything; returns -1 on a cairo error. */
static int
S_ts_done(struct pdf_ts *t, struct S_out *out)
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
	pdf_ts_set_prefix(t, "");
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
	struct pdf_ts *t = o->t;
	int parent[8], i, lvl;
	size_t k;

	for (i = 0; i < 8; i++)
		parent[i] = CAIRO_PDF_OUTLINE_ROOT;
	if (toc)
		cairo_pdf_surface_add_outline(o->surf, CAIRO_PDF_OUTLINE_ROOT,
		    "Contents", "dest='toc'", 0);
	for (k = from; k < to; k++) {
		const struct pdf_item *it = &t->it[k];
		struct buf b;
		int id;

		if (it->level < 0 || it->type != PDF_I_TEXT || !it->dest)
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
	struct pdf_ts *t = o->t;
	struct pdf_tl tl;
	PangoFontDescription *fd = pango_font_description_from_string(font);
	double left = S_left(t, 1);

	memset(&tl, 0, sizeof(tl));
	pdf_ts_tl_plain(t, &tl, text, fd, t->tw, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(o->cr, r, g, bl);
	S_draw_tl(o, -1, &tl, 0, tl.n, left, y);
	cairo_set_source_rgb(o->cr, 0, 0, 0);
	y += tl.height;
	pdf_ts_tl_free(&tl);
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
S_flow(struct pdf_ts *t, size_t from, size_t to, long first,
    struct pdf_slice **sl, size_t *ns, size_t *np)
{
	struct pdf_box *bx = xcalloc(to - from + 1, sizeof(*bx));
	struct pdf_flow f;

	f.body_h_pt = t->th;
	f.min_lines = 2;
	f.first_page = first;
	pdf_ts_boxes(t, from, to, bx);
	pdf_paginate(bx, to - from, &f, sl, ns, np);
	free(bx);
}

int
pdf_book(const struct pdf_opts *o, const struct pdf_doc *docs, size_t n,
    struct buf *out)
{
	struct pdf_ts t;
	struct S_out ou;
	struct pdf_slice *bsl = NULL, *tsl = NULL;
	size_t bns = 0, bnp = 0, tns = 0, tnp = 0, i, body_end, toc0;
	long first, *pagenums = NULL;
	int rc = -1;

	if (S_ts_init(&t, o, &ou, out, o->title) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (pdf_ts_chapter(&t, &docs[i], 0) != 0)
			goto out;
	if (o->answers == PDF_ANSWERS_APPENDIX && pdf_ts_appendix(&t, docs, n) != 0)
		goto out;
	body_end = t.nit;
	S_unlink(&t);

	/* The contents: chapters and their first-level sections. */
	toc0 = t.nit;
	t.chap = -1;
	pdf_ts_plain_heading(&t, "Contents", 0, "toc");
	for (i = 0; i < body_end; i++) {
		struct pdf_item *h = &t.it[i], *e;
		int lvl = h->level;
		PangoFontDescription *fd;
		char *dest;

		if (h->type != PDF_I_TEXT || lvl < 0 || lvl > 1)
			continue;
		dest = xstrdup(h->dest);
		fd = pango_font_description_copy(t.f_body);
		if (lvl == 0)
			pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
		e = pdf_ts_new_item(&t, PDF_I_TOCENT);
		h = &t.it[i];
		e->chap = -1;
		e->target = i;
		e->level = lvl;
		e->dest = dest;
		e->indent = lvl == 0 ? 0 : 16;
		e->before = lvl == 0 ? 9 : 1.5;
		e->keep = lvl == 0;	/* a chapter entry not alone at a foot */
		pdf_ts_tl_plain(&t, &e->tl, h->plain, fd, t.tw - e->indent - 40,
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
	struct pdf_ts t;
	struct S_out ou;
	struct pdf_slice *sl = NULL;
	size_t ns = 0, np = 0;
	char *title;
	int rc = -1;
	struct pdf_item *m;

	title = xasprintf("%s \xe2\x80\x94 %s", doc->title ? doc->title : doc->slug,
	    o->title);
	if (S_ts_init(&t, o, &ou, out, title) != 0)
		goto out;
	/* Masthead: the book and the edition, kept with the lesson title. */
	m = pdf_ts_new_item(&t, PDF_I_TEXT);
	{
		char *s = o->edition && *o->edition ?
		    xasprintf("%s \xc2\xb7 %s \xc2\xb7 %s", o->title, S_edition(o->answers),
		    o->edition) : xasprintf("%s \xc2\xb7 %s", o->title, S_edition(o->answers));

		pdf_ts_tl_plain(&t, &m->tl, s, t.f_head, t.tw, PANGO_ALIGN_LEFT);
		free(s);
	}
	m->keep = 1;
	m->after = 10;
	m->chap = 0;
	if (pdf_ts_chapter(&t, doc, 1) != 0)
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
