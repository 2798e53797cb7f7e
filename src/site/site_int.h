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
};
#define SITE_NO_JOB ((size_t)-1)

struct page {
	struct lesson *l;
	char *title, *summary;		/* l's, with the typographic punctuation of
					 * the body (md_smart()); summary "" if none */
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

/* ---- editions (editions.c: states and comparing them; history.c: the history) ---- */
struct ed_field {			/* one scalar of a data file */
	char *file, *entry, *field, *value;	/* "hardware.yaml" "h100-sxm" "tflops.bf16" "989" */
};
struct ed_num {				/* one printed number of a state */
	char *id, *label, *value, *pages;
	char *sentence;			/* this build's only: where it is printed; NULL */
	size_t pos;			/* scratch for sorting */
};
struct site_state {
	struct ed_field *f;		/* sorted by file, entry, field */
	size_t nf;
	struct ed_num *n;		/* sorted by id */
	size_t nn;
	size_t *order;			/* printing order: n[order[i]]; NULL: n's order */
};
struct ed_edit {			/* field "": the whole entry (old or new "entry") */
	char *file, *entry, *field, *old, *new_, *source;
};
struct ed_move {			/* a number that moved */
	char *id, *label, *old, *new_, *pages, *lesson, *sentence;
};
struct ed_flip {			/* a conclusion that changed, on page */
	char *page, *text;
};
struct site_changes {
	struct ed_edit *edits;
	size_t nedits;
	struct ed_move *moves;		/* in printing order, lessons first */
	size_t nmoves;
	struct ed_flip *flips;
	size_t nflips;
	size_t added, removed;		/* numbers printed for the first / last time */
	size_t published;		/* numbers printed in the new state */
	int first;			/* the first edition (nothing to compare with) */
};
struct site_edition {
	long number;			/* 1, 2, ... */
	char *date;			/* YYYY-MM-DD; "" while not recorded */
	struct site_changes *ch;	/* owned */
};
struct site_history {			/* DATA/editions.yaml */
	char *path;
	struct site_edition *e;		/* newest first */
	size_t n;
	struct site_state *state;	/* of e[0]; NULL when there is none */
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
	struct site_state *state;	/* this build's (editions.c) */
	struct site_history hist;	/* e[0]: the edition this build publishes */
	struct site_changes *ed_changes;
	int ed_new;			/* e[0] is new: not in the file yet */
	char *ed_title;			/* "Edition 2, 2026-12-03" */
};

/*
 * The generated pages, one row each, in the order they are written: the
 * site navigation (header.html's site_nav), the templates compiled before
 * any work, the slugs no lesson may take and the writer all read this
 * table (pages.c).  A new generated page is one row here.
 */
struct site_genpage {
	const char *slug;		/* written as SLUG.html */
	const char *tmpl;		/* its body template */
	const char *nav;		/* its label in the site navigation */
	/* Writes the page; NULL: written with the lessons (answers.html,
	 * in the navigation only when lessons/answers.md exists). */
	int (*write)(struct site *s, const struct site_genpage *g);
};
extern const struct site_genpage site_genpages[];
extern const size_t site_ngenpages;

/* Renders body template + layout over ctx (freed) into the stage as file. */
int site_page(struct site *s, const char *file, const char *body,
    struct tval *ctx, const char *current);
/* chips.html and models.html (adds their numbers to s->nums), then
 * derivations.html (which lists theirs too). */
int site_write_chips(struct site *s, const struct site_genpage *g);
int site_write_models(struct site *s, const struct site_genpage *g);
int site_write_derivations(struct site *s, const struct site_genpage *g);
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
/* site_num_add() with the "printed only in worked answers" flag. */
void site_num_push(struct site *s, const char *id, const char *label,
    const char *value, const char *pages, const char *owner, int answer);
/*
 * Editions (history.c).  site_editions_prepare() runs once every lesson
 * is rendered, before any page or PDF that shows the edition: it builds
 * this build's state (rendering the reference pages into a scratch stage
 * for their numbers; s->nums is left empty), reads the history and
 * decides the edition (hist.e[0], new when anything changed).
 * site_edition_ctx() adds edition_title and, on a page whose numbers the
 * latest edition moved, edition_notice {title, href} to a page context.
 * site_write_changes() (a row of site_genpages) stages changes.html and,
 * through site_write_feed(), editions.atom; site_editions_record()
 * writes the history after the
 * site is published (only with opts.record_edition and a new edition).
 */
int site_editions_prepare(struct site *s);
void site_edition_ctx(struct site *s, struct tval *ctx, const char *current);
int site_write_changes(struct site *s, const struct site_genpage *g);
int site_write_feed(struct site *s);
int site_editions_record(struct site *s);
void site_editions_free(struct site *s);
void site_history_free(struct site_history *h);
/*
 * States and changes (editions.c), shared with history.c, which builds
 * them from the history file and this build: adding a field or a number
 * to a state (the number's sentence NULL), the field order of a state's
 * f, this build's state (NULL after a diagnostic) and sorting a state's
 * numbers by id (remembering the printing order in order); adding an
 * edit, a move or a flip to a list of changes; s, or "(none)" when empty.
 */
void site_state_field_add(struct site_state *st, const char *file, const char *entry,
    const char *field, const char *value);
struct ed_num *site_state_num_add(struct site_state *st, const char *id, const char *label,
    const char *value, const char *pages);
int site_state_cmp_field(const void *a, const void *b);
struct site_state *site_state_build(struct site *s);
void site_state_sort(struct site_state *st);
void site_changes_edit_push(struct site_changes *c, const char *file, const char *entry,
    const char *field, const char *old, const char *new_, const char *source);
void site_changes_move_push(struct site_changes *c, const char *id, const char *label,
    const char *old, const char *new_, const char *pages, const char *lesson,
    const char *sentence);
void site_changes_flip_push(struct site_changes *c, const char *page, const char *text);
const char *site_or_none(const char *s);
/* Puts the lessons' numbers before the reference pages' in s->nums (editions.c). */
void site_nums_merge(struct site *s);
void site_nums_free(struct site *s);
/* pages.c: the template NAME of the templates folder, compiled once
 * (NULL after a diagnostic). */
struct tmpl *site_tmpl(struct site *s, const char *name);
/* Expands and renders one lesson page's body; with `lessons`, the answers
 * page, which ends with every lesson's worked answers.  0 or -1. */
int site_render_lesson(struct site *s, struct page *pg, const struct page *lessons,
    size_t nlessons);
/* The lesson pages and answers.html, index.html, the static files. */
int site_write_lessons(struct site *s);
int site_write_index(struct site *s, const struct site_genpage *g);
int site_copy_static(struct site *s);
/* figreg.c: html_render()'s figure callback (arg: the site). */
int site_html_figure(void *arg, const struct srcpos *pos, const char *name,
    const char *alt, const char *caption, struct buf *out);
/* Draws one chart job's SVG, PNG and CSV into its buffers (any thread). */
void site_chart_task(const struct site *s, struct chartjob *j);

/*
 * Publishing (publish.c: the staging folder, the lock, the swap;
 * manifest.c: the manifest and removing what is ours), shared between the
 * two.  The manifest's name and first line.  From manifest.c: its list of
 * files, sorted by path with site_mf_cmp (add, find by path, 1 when some
 * listed file lies inside folder rel, free); site_mf_load() reads DIR's
 * manifest into l (1 when DIR has none, 0, or -1 after a diagnostic
 * unless quiet); site_mf_remove_tree() removes an old tree, live being
 * the site now published; site_pub_slurp() reads a small regular file
 * without following a link (0, 1 when absent, -1 with errno set).  From
 * publish.c: site_pub_err(), a diagnostic at path with strerror(errno);
 * site_pub_names(), the sorted names in a folder (NULL when unreadable);
 * site_pub_valid_rel(), 1 when rel is a path a stage may hold.
 */
#define SITE_MANIFEST	".inferbook-site"
#define SITE_MANIFEST_MAGIC	"# inferbook site manifest 1"

/* One published file: its path in the site and the SHA-256 of its bytes. */
struct mf_entry {
	char *rel;
	char hex[65];
};

struct mf_list {
	struct mf_entry *v;
	size_t n, cap;
};
void site_mf_add(struct mf_list *l, const char *rel, const char *hex);
void site_mf_free(struct mf_list *l);
int site_mf_cmp(const void *a, const void *b);
const struct mf_entry *site_mf_find(const struct mf_list *l, const char *rel);
int site_mf_has_dir(const struct mf_list *l, const char *rel);
int site_mf_load(const char *dir, struct mf_list *l, int quiet);
void site_mf_remove_tree(const char *tree, const char *out, const char *live);
int site_pub_slurp(const char *path, struct buf *b);
void site_pub_err(const char *path, const char *what);
char **site_pub_names(const char *path, size_t *n);
void site_pub_names_free(char **v, size_t n);
int site_pub_valid_rel(const char *rel);

#endif
