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

/* The print text of a lesson: numbers without links (there is no
 * derivations page on paper) and, for the student edition, the practice
 * problems' worked answers left out. */
static char *
S_print_md(struct site *s, struct lesson *l, int hide_answers)
{
	struct lesson_expand_opts eo;
	struct buf md;

	lesson_expand_opts_defaults(&eo);
	eo.numbers = LESSON_NUM_BARE;
	eo.answers = hide_answers ? LESSON_ANSWERS_HIDE : LESSON_ANSWERS_SHOW;
	eo.figure = site_expand_figure;
	eo.ctx = s;
	buf_init(&md);
	if (lesson_expand(l, &eo, &md) != 0) {
		buf_free(&md);
		return NULL;
	}
	buf_putc(&md, '\0');
	return buf_take(&md, NULL);
}

int
site_write_pdfs(struct site *s)
{
	struct pdf_opts po;
	struct pdf_doc *docs;
	struct buf b;
	char **mds;
	size_t i, last = 0;
	int rc = 0, hide;

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
	po.author = SITE_AUTHOR;
	po.draw = S_draw;
	po.draw_ctx = s;
	docs = xcalloc(s->npages, sizeof(*docs));
	mds = xcalloc(s->npages + 1, sizeof(*mds));
	/* The student edition leaves the practice problems' worked answers
	 * out (numbers.tsv marks their numbers "answer", so tests know). */
	hide = po.answers == PDF_ANSWERS_NONE;
	for (i = 0; i < s->npages; i++) {
		if ((mds[i] = S_print_md(s, s->pages[i].l, hide)) == NULL)
			rc = -1;
		docs[i].slug = s->pages[i].l->slug;
		docs[i].title = s->pages[i].l->title;
		docs[i].markdown = mds[i] != NULL ? mds[i] : "";
		if (s->have_answers && s->pages[i].l->order < s->answers.l->order &&
		    s->pages[i].l->order >= s->pages[last].l->order)
			last = i;
	}
	/* The worked answers answer the closing questions: in the inline
	 * edition they follow the lesson the answers' own `order` puts them
	 * after (the last one ordered before them), in the appendix edition
	 * they close the book. */
	if (s->have_answers && s->npages > 0) {
		if ((mds[s->npages] = S_print_md(s, s->answers.l, 0)) == NULL)
			rc = -1;
		docs[last].answers_md = mds[s->npages];
	}
	if (rc != 0)
		goto out;
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
out:
	for (i = 0; i <= s->npages; i++)
		free(mds[i]);
	free(mds);
	free(docs);
	return rc;
}
