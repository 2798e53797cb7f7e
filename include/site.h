/*
 * site.h -- `inferbook site`: everything published into out/, written
 * atomically, plus the staging folder that makes that possible.
 *
 * What site_build() publishes (all paths relative to opts->out_dir):
 *   index.html            table of contents with each lesson's summary
 *   SLUG.html             one page per lesson file (README.md and
 *                         answers.md excepted), SLUG from the lesson
 *   answers.html          lessons/answers.md, when present
 *   chips.html            every chip: memory, bandwidth, dense FLOPs,
 *                         ridge point, critical batch, the 700B floor,
 *                         price, source
 *   models.html           every model: parameters, KV bytes per token,
 *                         weights at each precision, source
 *   derivations.html      how every printed number is computed
 *   style.css, print.css  copied from the templates folder
 *   calc.html, inferbook.wasm, inferbook-wasm.js, whatif.js, whatif.css,
 *   whatif-figs.js        only with opts->wasm (see src/site/whatif.c)
 *   charts/NAME.{svg,png,csv}  every figure the lessons ask for
 *   numbers.tsv           every printed number (id, label, value, pages):
 *                         the next build compares against it
 *
 * Contract
 *  - All or nothing: pages are written into a fresh folder beside out_dir
 *    ("OUT.tmp-XXXXXX") that replaces out_dir only when every step
 *    succeeded (an atomic exchange where the kernel offers one).  On any
 *    failure out_dir is left exactly as it was and the folder is removed.
 *  - Write-if-changed: a file whose bytes equal the previous build's keeps
 *    that file's inode and mtime (it is hard-linked, or copied with its
 *    times when linking is impossible).
 *  - Deterministic: the same inputs give byte-identical files, whatever
 *    the locale, time zone, working directory or thread count.
 *  - Diagnostics go through diag; the change report ("what the new data
 *    did to the numbers") goes to opts->report (stdout when NULL).
 *  - Returns 0, or -1 after printing errors.
 */
#ifndef INFERBOOK_SITE_H
#define INFERBOOK_SITE_H

#include <stddef.h>
#include <stdio.h>

struct site_opts {
	const char *out_dir;		/* "out" */
	const char *data_dir;		/* "data" */
	const char *lessons_dir;	/* "lessons" */
	const char *templates_dir;	/* "templates" */
	int jobs;			/* chart threads; <= 0: one per online CPU */
	int pdf;			/* also write explainer.pdf and handouts/ (when built with pdf) */
	const char *paper;		/* "a4" | "letter"; NULL: a4 */
	const char *answers;		/* "none" | "inline" | "appendix"; NULL: none */
	int quiet;			/* no change report */
	const char *wasm;		/* the core as WebAssembly (make wasm): also publish
					 * "What if?" pages, calc.html, inferbook.wasm,
					 * inferbook-wasm.js, whatif.js/.css; NULL: static only */
	FILE *report;			/* NULL: stdout */
};

void site_opts_defaults(struct site_opts *o);

struct buf;
/* Appends the base name (no extension) of the chart files a lesson's
 * `{{ figure FIGURE SCENARIO }}` is published under, charts/BASE.svg etc.:
 * "SLUG-FIGURE-SCENARIO", each part lower-cased with any character outside
 * [a-z0-9] as '-'.  Other programs that expand lessons the way the site
 * does (bench/stages.c) name figures with it too. */
void site_chart_file(struct buf *out, const char *slug, const char *figure,
    const char *scenario);
int site_build(const struct site_opts *o);

/* ---- the staging folder (exposed for tests and other writers) ---- */

struct site_stage;

/* Creates "OUT.tmp-XXXXXX" beside out_dir (removing stale ones that
 * earlier killed builds left).  NULL after a diagnostic. */
struct site_stage *site_stage_open(const char *out_dir);
/* Writes `len` bytes to REL inside the stage (folders created as
 * needed).  REL must be a relative path of [A-Za-z0-9._-] parts separated
 * by '/', none of them "." or ".."; anything else is an error.  When
 * out_dir/REL holds the same bytes, that file is linked instead.
 * 0 or -1 after a diagnostic. */
int site_stage_write(struct site_stage *st, const char *rel, const void *data,
    size_t len);
/* How many files were new or changed / kept, so far. */
void site_stage_counts(const struct site_stage *st, size_t *changed, size_t *kept);
/* Swaps the stage in for out_dir and removes the old tree: 0 or -1.  The
 * stage is freed either way. */
int site_stage_commit(struct site_stage *st);
/* Removes the stage and frees it (out_dir untouched). */
void site_stage_abort(struct site_stage *st);
/* The stage's own path (for callers that add files by other means). */
const char *site_stage_path(const struct site_stage *st);

/* Removes a folder tree (no symlink is followed).  0 or -1 (errno set). */
int site_rmtree(const char *path);

#endif
