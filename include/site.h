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
 *   .inferbook-site       the manifest: every file above as "SHA256  PATH"
 *   numbers.tsv           every printed number (id, label, value, pages),
 *                         headed by its edition: the next build's change
 *                         report compares against it
 *   changes.html          "What changed": every edition's data edits,
 *                         moved numbers and changed conclusions
 *   editions.atom         an Atom feed of the dated editions
 *
 * Contract
 *  - All or nothing: pages are written into a fresh folder beside out_dir
 *    ("OUT.tmp-PID-XXXXXX") that replaces out_dir only when every step
 *    succeeded (an atomic exchange where the kernel offers one).  On any
 *    failure out_dir is left exactly as it was and the folder is removed.
 *  - Ownership: out_dir is replaced only when it is absent, empty, or holds
 *    the manifest (.inferbook-site) of an earlier build; it may not be, or
 *    hold, the data, lessons or templates folder or the working directory.
 *    Files in it that the manifest does not list are the user's: carried
 *    into the new site as hard links (or refused: user_files_refuse).
 *  - One build at a time: OUT.lock (flock) is held from before the first
 *    read of out_dir until after the swap; a second build waits, or fails
 *    (lock_fail).  Only "OUT.tmp-PID-*" / "OUT.old-PID-*" folders whose
 *    process is gone are ever cleaned; a half-done fallback swap is
 *    finished (or undone) by the next build.
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
	int lock_fail;			/* out_dir locked by another build: fail, not wait */
	int user_files_refuse;		/* refuse out_dir holding files not in its
					 * manifest (default: carry them) */
	const char *wasm;		/* the core as WebAssembly (make wasm): also publish
					 * "What if?" pages, calc.html, inferbook.wasm,
					 * inferbook-wasm.js, whatif.js/.css; NULL: static only */
	FILE *report;			/* NULL: stdout */
	int record_edition;		/* a new edition goes into DATA/editions.yaml
					 * after publishing (dated by SOURCE_DATE_EPOCH,
					 * required then) */
	struct site_state **state_out;	/* non-NULL: publish nothing, read no history;
					 * *state_out gets this build's state
					 * (site_state_free) */
};

void site_opts_defaults(struct site_opts *o);

/* The names of the pages, files and folders the site generates
 * (NULL-terminated, static): no lesson's slug may be one of them
 * (lesson_dir_load()). */
const char *const *site_reserved_slugs(void);

struct buf;
/* Appends the base name (no extension) of the chart files a lesson's
 * `{{ figure FIGURE SCENARIO }}` is published under, charts/BASE.svg etc.:
 * "SLUG-FIGURE-SCENARIO", each part lower-cased with any character outside
 * [a-z0-9] as '-'.  Other programs that expand lessons the way the site
 * does (bench/stages.c) name figures with it too. */
void site_chart_file(struct buf *out, const char *slug, const char *figure,
    const char *scenario);
int site_build(const struct site_opts *o);

/* ---- the staging folder (exposed for tests and other writers) ----
 * One thread opens, writes, commits or aborts a stage (site_stage_write
 * is not thread-safe); site_stage_prev_hash may be called from any. */
/*
 * ---- editions (editions.c) ----
 * A state is what one build printed: every field of the data files and
 * every number with its pages.  site_changes_compare() lists what changed
 * from a to b: data edits (file, entry, field, old -> new, source), the
 * numbers that moved (old -> new, pages, the sentence they are printed
 * in, b's printing order), how many numbers appeared or disappeared, and
 * the conclusions that flipped (editions.c says how they are found).
 * site_changes_numbers() is true when any printed number moved, appeared
 * or disappeared.  The text and JSON reports are appended to out.
 */
struct site_state;
struct site_changes;
void site_state_free(struct site_state *st);
struct site_changes *site_changes_compare(const struct site_state *a,
    const struct site_state *b);
int site_changes_numbers(const struct site_changes *c);
void site_changes_text(const struct site_changes *c, struct buf *out);
void site_changes_json(const struct site_changes *c, struct buf *out);
void site_changes_free(struct site_changes *c);

/* ---- the staging folder (exposed for tests and other writers) ---- */

struct site_stage;

/* Checks that out_dir may be published into (see "Ownership" above; the
 * input folders and lock_fail/user_files_refuse come from o, which may be
 * NULL for none and the defaults), takes OUT.lock (released by commit or
 * abort), finishes a half-done swap, removes what builds that are gone
 * left, and creates "OUT.tmp-PID-XXXXXX".  NULL after a diagnostic. */
struct site_stage *site_stage_open_opts(const char *out_dir, const struct site_opts *o);
/* site_stage_open_opts(out_dir, NULL). */
struct site_stage *site_stage_open(const char *out_dir);
/* Writes `len` bytes to REL inside the stage (folders created as
 * needed).  REL must be a relative path of [A-Za-z0-9._-] parts separated
 * by '/', none of them "." or ".."; anything else is an error.  When
 * out_dir/REL holds the same bytes, that file is linked instead.
 * 0 or -1 after a diagnostic. */
int site_stage_write(struct site_stage *st, const char *rel, const void *data,
    size_t len);
/* The SHA-256 (hex) out_dir's manifest lists for REL when the stage was
 * opened: 0, or -1 when it lists none (a file to be checked before it is
 * reused: its bytes may have changed since).  Read-only: any thread. */
int site_stage_prev_hash(const struct site_stage *st, const char *rel, char hex[65]);
/* How many files were new or changed / kept, so far. */
void site_stage_counts(const struct site_stage *st, size_t *changed, size_t *kept);
/* Carries the user's files of out_dir into the stage, writes the
 * manifest, swaps the stage in for out_dir and removes the old tree (only
 * files its manifest lists that still hold the listed bytes, and what
 * lives on in the new site; anything else is kept in "OUT.kept-XXXXXX",
 * with a warning): 0 or -1.  The stage is freed and the lock released
 * either way. */
int site_stage_commit(struct site_stage *st);
/* Removes the stage and frees it (out_dir untouched). */
void site_stage_abort(struct site_stage *st);
/* The stage's own path (for callers that add files by other means). */
const char *site_stage_path(const struct site_stage *st);

/* The SHA-256 of data as 64 lower-case hex digits (the manifest's hash). */
void site_sha256_hex(const void *data, size_t len, char hex[65]);

/* Removes a folder tree (no symlink is followed).  0 or -1 (errno set). */
int site_rmtree(const char *path);

#endif
