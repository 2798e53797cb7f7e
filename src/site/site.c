/*
 * site.c -- site_build(): data and lessons in, every page of out/ staged,
 * then published in one swap (site.h).
 *
 * The order is load everything, check everything, render everything, and
 * only then publish: a single error anywhere leaves out/ as it was.  This
 * file orchestrates (the thread pool included); pages.c writes the HTML
 * pages, figreg.c keeps the figures, book.c the PDFs, ref.c the pages made
 * from data, numbers.c numbers.tsv and the change report.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calc.h"
#include "chart.h"
#include "data.h"
#include "diag.h"
#include "expr.h"
#include "html.h"
#include "lesson.h"
#include "md.h"
#include "site.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"

void
site_opts_defaults(struct site_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->out_dir = "out";
	o->data_dir = "data";
	o->lessons_dir = "lessons";
	o->templates_dir = "templates";
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static void
S_nopos_error(const char *fmt, const char *arg)
{
	struct srcpos pos = { NULL, 0, 0 };

	diag_error(&pos, fmt, arg);
}

/*
 * The work that can run on any thread, numbered: the book first (the
 * longest single task), then the figures, then the handouts (short ones
 * last, so the threads finish together).  Without PDFs, the figures.
 */
struct pool {
	struct site *s;
	struct site_pdfs *pdfs;		/* NULL: --no-pdf */
	pthread_mutex_t mu;
	size_t next, ntasks;
	pthread_t th[32];
	size_t started;
};

static void *
S_worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->ntasks)
			return NULL;
		if (p->pdfs != NULL && i == 0) {
			site_pdfs_task(p->s, p->pdfs, 0);
			continue;
		}
		if (p->pdfs != NULL)
			i--;
		if (i < p->s->ncharts)
			site_chart_task(p->s, &p->s->charts[i]);
		else
			site_pdfs_task(p->s, p->pdfs, 1 + i - p->s->ncharts);
	}
}

/*
 * Starts the figures and the PDFs (pdfs may be NULL) on up to opts->jobs
 * threads in all, counting the caller's: the caller writes the pages
 * meanwhile, then joins in S_pool_finish().  On one thread nothing
 * starts, and S_pool_finish() does it all.
 */
static void
S_pool_start(struct site *s, struct site_pdfs *pdfs, struct pool *p)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nth = s->o->jobs > 0 ? (size_t)s->o->jobs : (ncpu > 0 ? (size_t)ncpu : 1);
	size_t i;

	p->s = s;
	p->pdfs = pdfs;
	p->next = 0;
	p->ntasks = s->ncharts + (pdfs != NULL ? pdfs->n + 1 : 0);
	p->started = 0;
	if (nth > 32)
		nth = 32;
	if (nth > p->ntasks)
		nth = p->ntasks;
	pthread_mutex_init(&p->mu, NULL);
	for (i = 1; i < nth; i++)
		if (pthread_create(&p->th[p->started], NULL, S_worker, p) == 0)
			p->started++;
}

/* Does what is left, waits for the threads, and stages every chart's
 * files (a repeated figure's under its own name) and the PDFs. */
static int
S_pool_finish(struct site *s, struct pool *p)
{
	size_t i;
	int rc = 0;

	S_worker(p);
	for (i = 0; i < p->started; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	for (i = 0; i < s->ncharts; i++) {
		struct chartjob *j = &s->charts[i];
		const struct chartjob *d = j->same != SITE_NO_JOB ? &s->charts[j->same] : j;
		char *f;

		if (d->rc != 0) {
			S_nopos_error("cannot draw chart '%s'", j->file);
			rc = -1;
			continue;
		}
		f = xasprintf("charts/%s.svg", j->file);
		rc |= site_stage_write(s->stage, f, d->svg.data, d->svg.len);
		free(f);
		f = xasprintf("charts/%s.png", j->file);
		rc |= site_stage_write(s->stage, f, d->png.data, d->png.len);
		free(f);
		f = xasprintf("charts/%s.csv", j->file);
		rc |= site_stage_write(s->stage, f, d->csv.data != NULL ? d->csv.data : "", d->csv.len);
		free(f);
	}
	if (rc == 0 && p->pdfs != NULL && site_pdfs_stage(s, p->pdfs) != 0)
		rc = -1;
	return rc != 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Lessons                                                              */


/* A page for lesson l: the title and summary it shows are set with the
 * body's typographic punctuation, so that the page title, the navigation,
 * the contents and the PDF's TOC and bookmarks read as the text does. */
static void
S_page_init(struct page *pg, struct lesson *l)
{
	memset(pg, 0, sizeof(*pg));
	pg->l = l;
	pg->title = md_smart(l->title);
	pg->summary = md_smart(l->summary != NULL ? l->summary : "");
}

static int
S_load_lessons(struct site *s)
{
	struct lesson_dir d;
	size_t i, total[3] = { 0, 0, 0 };
	int rc = 0;

	if (lesson_dir_load(s->o->lessons_dir, &s->set, site_reserved_slugs(), &d) != 0)
		return -1;
	s->pages = xcalloc(d.n + 1, sizeof(*s->pages));
	for (i = 0; i < d.n; i++)
		S_page_init(&s->pages[s->npages++], d.lessons[i]);
	if (d.answers != NULL) {
		S_page_init(&s->answers, d.answers);
		s->have_answers = 1;
	}
	free(d.lessons);	/* the lessons now belong to the pages */
	for (i = 0; i < s->npages; i++)
		if (site_render_lesson(s, &s->pages[i], NULL, 0) != 0)
			rc = -1;
		else if (lesson_site_bound(s->pages[i].l, total) != 0)
			return -1;
	if (s->have_answers && site_render_lesson(s, &s->answers, s->pages, s->npages) != 0)
		rc = -1;
	return rc;
}

/* ------------------------------------------------------------------ */

static void
S_free(struct site *s)
{
	size_t i;

	for (i = 0; i < s->npages; i++) {
		lesson_free(s->pages[i].l);
		free(s->pages[i].title);
		free(s->pages[i].summary);
		free(s->pages[i].html);
		free(s->pages[i].md);
		html_doc_free(&s->pages[i].doc);
	}
	free(s->pages);
	if (s->have_answers || s->answers.l != NULL) {
		lesson_free(s->answers.l);
		free(s->answers.title);
		free(s->answers.summary);
		free(s->answers.html);
		free(s->answers.md);
		html_doc_free(&s->answers.doc);
	}
	for (i = 0; i < s->ncharts; i++) {
		chart_fig_free(s->charts[i].fig);
		free(s->charts[i].file);
		buf_free(&s->charts[i].svg);
		buf_free(&s->charts[i].png);
		buf_free(&s->charts[i].csv);
	}
	free(s->charts);
	site_nums_free(s);
	for (i = 0; i < s->ntmpls; i++) {
		tmpl_free(s->tmpls[i]);
		free(s->tmpl_names[i]);
	}
	free(s->tmpls);
	free(s->tmpl_names);
	if (s->have_set)
		data_free(&s->set);
}

int
site_build(const struct site_opts *o)
{
	struct site s;
	struct site_pdfs pdfs;
	struct pool pool;
	size_t i;
	int rc = -1, page_rc;

	memset(&s, 0, sizeof(s));
	memset(&pdfs, 0, sizeof(pdfs));
	s.o = o;
	md_init();	/* before the threads: cmark-gfm's extension registry */
	if (data_load(o->data_dir, &s.set) != 0)
		return -1;
	s.have_set = 1;
	/* Compile every template first: a template error costs no work. */
	if (site_tmpl(&s, "page.html") == NULL || site_tmpl(&s, "lesson.html") == NULL)
		goto out;
	for (i = 0; i < site_ngenpages; i++)
		if (site_tmpl(&s, site_genpages[i].tmpl) == NULL)
			goto out;
	if (S_load_lessons(&s) != 0)
		goto out;
	if ((s.stage = site_stage_open_opts(o->out_dir, o)) == NULL)
		goto out;
	/* The edition every page and PDF names (history.c). */
	if (site_editions_prepare(&s) != 0)
		goto out;
	if (o->pdf && site_pdfs_prepare(&s, &pdfs) != 0)
		goto out;
	/* The figures and the PDFs (nearly all of a cold build's time) go
	 * to the other cores while this thread writes the pages, then it
	 * helps with what is left. */
	S_pool_start(&s, o->pdf ? &pdfs : NULL, &pool);
	page_rc = site_write_lessons(&s) != 0;
	for (i = 0; i < site_ngenpages && !page_rc; i++)
		if (site_genpages[i].write != NULL &&
		    site_genpages[i].write(&s, &site_genpages[i]) != 0)
			page_rc = 1;
	page_rc = page_rc || site_copy_static(&s) != 0;
	if (S_pool_finish(&s, &pool) != 0 || page_rc || site_whatif_publish(&s) != 0 ||
	    site_write_numbers(&s) != 0)
		goto out;
	if (o->state_out != NULL) {
		rc = 0;		/* `inferbook diff`: the state, nothing published */
		goto out;
	}
	if (site_stage_commit(s.stage) != 0) {
		s.stage = NULL;
		goto out;
	}
	s.stage = NULL;
	if (site_editions_record(&s) != 0)
		goto out;
	if (!o->quiet)
		site_report(&s, o->report != NULL ? o->report : stdout);
	rc = 0;
out:
	if (s.stage != NULL)
		site_stage_abort(s.stage);
	site_pdfs_free(&pdfs);
	S_free(&s);
	return rc;
}
