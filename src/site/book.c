/*
 * book.c -- the print editions: out/explainer.pdf (every lesson) and
 * out/handouts/SLUG.pdf (one each), typeset by the PDF writer from the
 * same expanded Markdown as the pages, figures drawn as vectors.
 */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "diag.h"
#include "lesson.h"
#include "pdf.h"
#include "site.h"
#include "site_int.h"
#include "util.h"

/* The PDF writer meets ![...](chart:FILE): draw that figure into its box. */
static void
S_draw(void *ctx, const char *url, cairo_t *cr, double w_pt, double h_pt)
{
	const struct site *s = ctx;
	size_t i;

	if (strncmp(url, "chart:", 6) != 0)
		return;
	for (i = 0; i < s->ncharts; i++)
		if (strcmp(s->charts[i].file, url + 6) == 0) {
			chart_draw(cr, s->charts[i].fig, w_pt, h_pt);
			return;
		}
}

int
site_write_pdfs(struct site *s)
{
	struct pdf_opts po;
	struct pdf_doc *docs;
	struct buf b;
	size_t i, last = 0;
	int rc = 0;

	pdf_opts_defaults(&po);
	if (s->o->paper != NULL && pdf_paper_parse(s->o->paper, &po.paper) != 0) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "unknown paper '%s' (a4, letter)", s->o->paper);
		return -1;
	}
	if (s->o->answers != NULL && pdf_answers_parse(s->o->answers, &po.answers) != 0) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "unknown answers edition '%s' (none, inline, appendix)",
		    s->o->answers);
		return -1;
	}
	po.title = SITE_TITLE;
	po.subject = SITE_DESCRIPTION;
	po.draw = S_draw;
	po.draw_ctx = s;
	docs = xcalloc(s->npages, sizeof(*docs));
	for (i = 0; i < s->npages; i++) {
		docs[i].slug = s->pages[i].l->slug;
		docs[i].title = s->pages[i].l->title;
		docs[i].markdown = s->pages[i].md != NULL ? s->pages[i].md : "";
		if (s->pages[i].l->order >= s->pages[last].l->order)
			last = i;
	}
	/* The worked answers answer the closing questions: they follow the
	 * last lesson (or go to the appendix, as the edition says). */
	if (s->have_answers && s->npages > 0)
		docs[last].answers_md = s->answers.md;
	buf_init(&b);
	if (pdf_book(&po, docs, s->npages, &b) != 0 ||
	    site_stage_write(s->stage, "explainer.pdf", b.data, b.len) != 0)
		rc = -1;
	for (i = 0; rc == 0 && i < s->npages; i++) {
		char *f = xasprintf("handouts/%s.pdf", docs[i].slug);

		buf_reset(&b);
		if (pdf_handout(&po, &docs[i], &b) != 0 ||
		    site_stage_write(s->stage, f, b.data, b.len) != 0)
			rc = -1;
		free(f);
	}
	buf_free(&b);
	free(docs);
	return rc;
}
