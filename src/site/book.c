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
	const struct chart_fig *f;

	if (strncmp(url, "chart:", 6) == 0 && (f = site_chart_fig(s, url + 6)) != NULL)
		chart_draw(cr, f, w_pt, h_pt);
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

/* The options, as the PDF writer takes them. */
static int
S_opts(struct site *s, struct pdf_opts *po)
{
	pdf_opts_defaults(po);
	if (s->o->paper != NULL && pdf_paper_parse(s->o->paper, &po->paper) != 0) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "unknown paper '%s' (a4, letter)", s->o->paper);
		return -1;
	}
	if (s->o->answers != NULL && pdf_answers_parse(s->o->answers, &po->answers) != 0) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "unknown answers edition '%s' (none, inline, appendix)",
		    s->o->answers);
		return -1;
	}
	if (pdf_source_date(&po->date_epoch_s) != 0)
		return -1;
	po->title = SITE_TITLE;
	po->subject = SITE_DESCRIPTION;
	po->author = SITE_AUTHOR;
	po->draw = S_draw;
	po->draw_ctx = s;
	po->edition = s->ed_title;	/* cover and each handout's masthead */
	return 0;
}

int
site_pdfs_prepare(struct site *s, struct site_pdfs *pp)
{
	size_t i, last = 0;
	int rc = 0, hide;

	memset(pp, 0, sizeof(*pp));
	if (S_opts(s, &pp->po) != 0)
		return -1;
	pp->n = s->npages;
	pp->docs = xcalloc(s->npages + 1, sizeof(*pp->docs));
	pp->mds = xcalloc(s->npages + 1, sizeof(*pp->mds));
	pp->out = xcalloc(s->npages + 1, sizeof(*pp->out));
	pp->rc = xcalloc(s->npages + 1, sizeof(*pp->rc));
	/* The student edition leaves the practice problems' worked answers
	 * out (numbers.tsv marks their numbers "answer", so tests know). */
	hide = pp->po.answers == PDF_ANSWERS_NONE;
	for (i = 0; i < s->npages; i++) {
		if ((pp->mds[i] = S_print_md(s, s->pages[i].l, hide)) == NULL)
			rc = -1;
		pp->docs[i].slug = s->pages[i].l->slug;
		pp->docs[i].title = s->pages[i].title;
		pp->docs[i].raw_html = s->pages[i].l->raw_html;
		pp->docs[i].markdown = pp->mds[i] != NULL ? pp->mds[i] : "";
		if (s->have_answers && s->pages[i].l->order < s->answers.l->order &&
		    s->pages[i].l->order >= s->pages[last].l->order)
			last = i;
	}
	/* The worked answers answer the closing questions: in the inline
	 * edition they follow the lesson the answers' own `order` puts them
	 * after (the last one ordered before them), in the appendix edition
	 * they close the book. */
	if (s->have_answers && s->npages > 0) {
		if ((pp->mds[s->npages] = S_print_md(s, s->answers.l, 0)) == NULL)
			rc = -1;
		pp->docs[last].answers_md = pp->mds[s->npages];
		pp->docs[last].answers_raw_html = s->answers.l->raw_html;
	}
	return rc;
}

void
site_pdfs_task(const struct site *s, struct site_pdfs *pp, size_t k)
{
	(void)s;
	buf_init(&pp->out[k]);
	if (k == 0)
		pp->rc[k] = pdf_book(&pp->po, pp->docs, pp->n, &pp->out[k]);
	else
		pp->rc[k] = pdf_handout(&pp->po, &pp->docs[k - 1], &pp->out[k]);
}

int
site_pdfs_stage(struct site *s, struct site_pdfs *pp)
{
	size_t k;
	int rc = 0;

	for (k = 0; rc == 0 && k <= pp->n; k++) {
		char *f = k == 0 ? xstrdup("explainer.pdf") :
		    xasprintf("handouts/%s.pdf", pp->docs[k - 1].slug);

		if (pp->rc[k] != 0 || site_stage_write(s->stage, f, pp->out[k].data,
		    pp->out[k].len) != 0)
			rc = -1;
		free(f);
	}
	return rc;
}

void
site_pdfs_free(struct site_pdfs *pp)
{
	size_t i;

	for (i = 0; pp->mds != NULL && i <= pp->n; i++) {
		free(pp->mds[i]);
		buf_free(&pp->out[i]);
	}
	free(pp->mds);
	free(pp->docs);
	free(pp->out);
	free(pp->rc);
	memset(pp, 0, sizeof(*pp));
}
