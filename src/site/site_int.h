/*
 * site_int.h -- what the files of src/site share (not a public contract).
 */
#ifndef INFERBOOK_SITE_INT_H
#define INFERBOOK_SITE_INT_H

#include <stdio.h>
#include "data.h"
#include "html.h"
#include "pdf.h"
#include "site.h"
#include "util.h"

#define SITE_TITLE "How LLM inference works, and what it costs"
#define SITE_AUTHOR "The inferbook contributors"
#define SITE_DESCRIPTION "A plain-language explainer of why language models write one token at a time, " \
	"why serving many users is cheap and long answers are not, with every number computed from chip and model data."

struct chart_fig;
struct lesson;
struct tmpl;
struct tval;

struct chartjob {
	char *file;			/* "SLUG-FIGURE-SCENARIO": charts/FILE.svg */
	struct chart_fig *fig;
	size_t same;			/* an earlier job with the same figure (whose
					 * files this one's repeat), or SITE_NO_JOB */
	struct buf svg, png, csv;
	int rc;
	int png_kept;			/* the previous build's PNG was still right */
};
#define SITE_NO_JOB ((size_t)-1)

struct page {
	struct lesson *l;
	char *md;			/* expanded Markdown */
	char *html;			/* rendered body */
	struct html_doc doc;
};

/* One printed number (a line of numbers.tsv). */
struct num {
	char *id;			/* stable across builds */
	char *label;			/* "h100-sxm 700B floor" */
	char *value;			/* as printed: "209 ms" */
	char *pages;			/* "03-bandwidth-bound, chips" */
	char *owner;			/* chip or model the number is about ("" when unknown); not in the file */
	int answer;			/* printed only inside worked-answer blocks */
};

struct site {
	const struct site_opts *o;
	struct data_set set;
	int have_set;
	struct page *pages;		/* lessons, in order */
	size_t npages;
	struct page answers;
	int have_answers;
	struct chartjob *charts;
	size_t ncharts;
	struct num *nums;		/* this build */
	size_t nnums;
	char **report;			/* lines of the change report */
	size_t nreport;
	int first_build;		/* no earlier numbers.tsv to compare with */
	size_t files_changed, files_kept;
	struct tval *ref_deriv;		/* derivation groups of the reference pages */
	struct site_stage *stage;
	struct tmpl **tmpls;
	char **tmpl_names;
	size_t ntmpls;
};

/* Renders body template + layout over ctx (freed) into the stage as file. */
int site_page(struct site *s, const char *file, const char *body,
    struct tval *ctx, const char *current);
/* chips.html and models.html (adds their numbers to s->nums). */
int site_write_reference(struct site *s);
/* derivations.html. */
int site_write_derivations(struct site *s);
/* numbers.tsv, and the comparison with the previous build's. */
int site_write_numbers(struct site *s);
void site_report(const struct site *s, FILE *fp);
/* "FOLDER/BASENAME" of path into out (pages never show the build's own
 * folders, so they do not depend on them). */
const char *site_shown_path(const char *path, const char *folder, char *out, size_t n);
/* lesson_expand()'s figure callback (ctx: the site): builds the figure
 * once and prints ![alt](chart:FILE "caption"). */
struct data_scenario;
int site_expand_figure(void *ctx, const struct lesson *l, const char *name,
    const struct data_scenario *scen, const struct srcpos *pos, struct buf *md);
/*
 * explainer.pdf and handouts/SLUG.pdf, in steps, so that the book and
 * each handout can be typeset on any thread beside the figures:
 * site_pdfs_prepare() checks the options and expands every lesson for
 * print (which may ask site_expand_figure() for figures, so it runs
 * before any thread starts); site_pdfs_task(k) typesets document k (0:
 * the book, 1 + i: lesson i's handout) into out[k], reading s and drawing
 * its figures only; site_pdfs_stage() stages every file, in order, after
 * the threads are done; site_pdfs_free() in any case.
 */
struct site_pdfs {
	struct pdf_opts po;
	struct pdf_doc *docs;
	char **mds;
	size_t n;			/* lessons: n + 1 documents */
	struct buf *out;
	int *rc;
};
int site_pdfs_prepare(struct site *s, struct site_pdfs *pp);
void site_pdfs_task(const struct site *s, struct site_pdfs *pp, size_t k);
int site_pdfs_stage(struct site *s, struct site_pdfs *pp);
void site_pdfs_free(struct site_pdfs *pp);
/* The figure a chart file shows (the first job's, for repeated ones). */
const struct chart_fig *site_chart_fig(const struct site *s, const char *file);
/* whatif.c, when site_opts.wasm is set (else no-ops): the "whatif" JSON
 * of a lesson page's context, and the calculator page, the core and the
 * scripts (site.h); publish after the figures are drawn (it reads their
 * layout). */
void site_whatif_ctx(struct site *s, const struct page *pg, struct tval *ctx);
int site_whatif_publish(struct site *s);
void site_num_add(struct site *s, const char *id, const char *label,
    const char *value, const char *page, const char *owner);
void site_nums_free(struct site *s);

#endif
