/*
 * lesson.h -- one lesson file (lessons/NN-slug.md): YAML front matter,
 * a Markdown body whose numbers are {{ ... }} expressions (expr.h), and
 * the lint that forbids numbers typed into the prose.
 *
 *   lesson_load()    read and validate the file (front matter, scenarios)
 *   lesson_expand()  body -> plain Markdown for cmark-gfm, every {{ }}
 *                    replaced; records each printed number (for the
 *                    derivations page and the "what changed" report)
 *   lesson_lint()    numbers with units typed outside {{ }}
 *
 * Contract
 *  - Every error is printed through diag as "file:line:col: error: ..."
 *    with the true position in the file (front matter lines included);
 *    the functions report all the errors they find, then return -1.
 *  - Code spans, fenced code blocks and HTML comments are left verbatim:
 *    neither expanded nor linted (they may show literal examples).
 *  - The body's own text (HTML included) is not escaped here: the HTML
 *    writer escapes it (and passes raw HTML through only when raw_html is
 *    true).  Text that comes from data (names, numbers) is backslash-
 *    escaped for Markdown so it can never become markup.
 *  - A lesson borrows the data set it was loaded with; free it first.
 */
#ifndef INFERBOOK_LESSON_H
#define INFERBOOK_LESSON_H

#include <stddef.h>
#include "data.h"
#include "diag.h"
#include "expr.h"
#include "util.h"

/* Limits (lessons/README.md lists them). */
#define LESSON_MAX_SCENARIOS	64	/* scenarios per lesson */
#define LESSON_MAX_EXPRS	4096	/* {{ }} per lesson */
#define LESSON_MAX_TITLE	200	/* bytes */
#define LESSON_MAX_SUMMARY	1000	/* bytes */
#define LESSON_MAX_SLUG		64	/* bytes */
#define LESSON_MAX_ORDER	999	/* order: 1 .. LESSON_MAX_ORDER */
#define LESSON_MAX_TABLES	8	/* {{ table NAME }} per lesson */
#define LESSON_MAX_SITE_TABLES	32	/* {{ table NAME }} in a site (1 real) */
#define LESSON_MAX_FIGURES	16	/* {{ figure NAME SCENARIO }} per lesson */
#define LESSON_MAX_SITE_FIGURES	128	/* distinct figures in a site (16 real) */
/* Bytes of Markdown one lesson_expand() call may add (hidden answers
 * included): what the HTML writer and the typesetter get is bounded, so
 * is the time they take.  The biggest real lesson makes ~60 KB. */
#define LESSON_MAX_EXPANDED	(256 * 1024)
/* The same for all the lessons of a site together (the real ones make
 * ~210 KB): the book typesets them all again. */
#define LESSON_MAX_SITE_EXPANDED	(1024 * 1024)
/* Lessons in a site (12 real): each is a page and a handout PDF. */
#define LESSON_MAX_SITE_LESSONS	128

struct ynode;

struct lesson {
	char *path;			/* owned; every srcpos.file borrows it */
	char *slug;			/* [a-z0-9-]+: front matter, else the file name minus "NN-" and ".md" */
	char *title;
	char *summary;
	long order;
	int raw_html;			/* front matter raw_html: true */
	struct srcpos pos;		/* 1:1 of the file */
	struct srcpos title_pos, summary_pos;
	struct data_scenario **scen;	/* owned, in file order */
	size_t nscen;
	const struct ynode *problems;	/* a sequence of mappings, or NULL (borrowed from front) */
	struct ynode *front;		/* owned front matter tree */
	char *text;			/* owned: the whole file */
	const char *body;		/* into text: after the closing "---" line */
	size_t body_len;
	unsigned body_line;		/* file line of body[0] */
	const struct data_set *set;	/* borrowed */
	/* Filled by lesson_expand(): one record per distinct expression,
	 * in order of first appearance. */
	struct expr_record *recs;
	size_t nrecs;
	unsigned nanswers;		/* {{ answer }} blocks seen by the last lesson_expand() */
	size_t ntables;			/* {{ table }} seen by the last lesson_expand() */
	size_t nexpanded;		/* bytes it made, hidden answers included */
};

/*
 * Reads `path` and checks its front matter against `set` (model and
 * hardware ids of the scenarios).  Returns 0 and *out (free with
 * lesson_free()), or -1 after printing every error found.
 */
int lesson_load(const char *path, const struct data_set *set, struct lesson **out);
void lesson_free(struct lesson *l);

/* What lesson_expand() does with the text between the lines
 * `{{ answer }}` and `{{ end answer }}` (a practice problem's worked answer). */
enum lesson_answers {
	LESSON_ANSWERS_SHOW,	/* kept (the markers' lines become blank lines): web, teacher edition */
	LESSON_ANSWERS_HIDE	/* dropped: the student edition */
};

/* How lesson_expand() prints a number. */
enum lesson_numbers {
	LESSON_NUM_LINK,	/* [233 ms](HREF#n-ID "derivation"): the site */
	LESSON_NUM_BARE		/* 233 ms: PDF, benchmarks */
};

struct lesson_expand_opts {
	enum lesson_numbers numbers;
	/* Default LESSON_ANSWERS_SHOW.  Hidden blocks are still evaluated
	 * and recorded (l->recs is the same either way), so errors in them
	 * are reported and their numbers can be linked from another page. */
	enum lesson_answers answers;
	/* Target of the links; NULL: "derivations.html". */
	const char *derivations_href;
	/* Optional: writes the Markdown for one number instead of the
	 * built-in forms (rec->formatted is the text, not yet escaped). */
	void (*number)(void *ctx, const struct expr_record *rec, struct buf *md);
	/* Optional: appends the Markdown for `{{ figure NAME SCEN }}` (the
	 * site draws the chart and returns an image reference).  Returns 0,
	 * or -1 after printing an error at *pos (e.g. an unknown figure).
	 * NULL: figures are checked (scenario known) and print nothing. */
	int (*figure)(void *ctx, const struct lesson *l, const char *name,
	    const struct data_scenario *scen, const struct srcpos *pos,
	    struct buf *md);
	void *ctx;
};

/* Sets the defaults: links to derivations.html, no callbacks. */
void lesson_expand_opts_defaults(struct lesson_expand_opts *o);

/*
 * Appends the body with every {{ }} replaced to md_out and rebuilds
 * l->recs.  Strings print verbatim after Markdown escaping; `lit` text
 * prints as written.  `{{ answer }}` and `{{ end answer }}` must each stand
 * alone on a line and pair up (no nesting); any other `{{ end ... }}` or
 * `{{ answer ... }}`, a marker inside a line, or an unpaired one is an
 * error at its "{{".  Returns 0, or -1 after printing every error (md_out
 * then holds a best-effort expansion).  opts may be NULL (defaults).
 */
int lesson_expand(struct lesson *l, const struct lesson_expand_opts *opts,
    struct buf *md_out);

/*
 * Prints an error for each number with a unit typed in the prose (body,
 * title, summary) outside {{ }}, code and comments:
 *   FILE:12:40: error: number with a unit typed into prose: '230 ms'
 *   (compute it with {{ }} or mark it with {{ lit "..." }})
 * Returns the number of such errors (0: clean).
 */
int lesson_lint(const struct lesson *l);

/* Lint text that is not a lesson (tests, other Markdown): `pos` is the
 * position of text[0]; code spans/fences/comments/{{ }} are skipped. */
int lesson_lint_text(const char *text, size_t len, struct srcpos pos);

/* The per-site bounds, called after each lesson's lesson_expand(): adds
 * l->nexpanded, l->ntables and 1 to total[0], total[1] and total[2]
 * (zeroed by the caller first); -1 after an error at l's position once
 * one passes LESSON_MAX_SITE_EXPANDED, LESSON_MAX_SITE_TABLES or
 * LESSON_MAX_SITE_LESSONS, else 0.  The caller stops expanding then.
 * (Hidden answers count: the answers page and the teacher editions
 * print them all.) */
int lesson_site_bound(const struct lesson *l, size_t total[3]);

/* lesson_lint() + lesson_expand() into a scratch buffer: everything
 * `inferbook check` verifies about one lesson.  0 or -1. */
int lesson_check(struct lesson *l);

/*
 * The lessons of a folder, as `inferbook check` and `inferbook site` both
 * read them: every file of DIR named *.md but README.md (the writers' guide), each a
 * plain file (a symbolic link is an error, and so is a name ending in
 * ".MD" or another case of ".md"), loaded against `set` and linted;
 * answers.md apart (the worked answers, not a lesson page).  Lessons are
 * sorted by order, then slug.  A slug in `reserved` (NULL-terminated, the
 * names of generated pages; may be NULL) or shared by two lessons is an
 * error at each lesson concerned; a folder with no lesson is an error.
 * Returns 0 and *out (lesson_dir_free()), or -1 after printing every
 * error found, *out empty.
 */
struct lesson_dir {
	struct lesson **lessons;	/* owned */
	size_t n;
	struct lesson *answers;		/* owned; NULL without answers.md */
};
int lesson_dir_load(const char *dir, const struct data_set *set, const char *const *reserved,
    struct lesson_dir *out);
void lesson_dir_free(struct lesson_dir *d);

/* `{{ table measurements }}`: one Markdown table row per measurement of
 * set (evidence.h: name and system, predicted, measured, the fraction
 * reached, what bounds the prediction, the note), numbers by expr_format(),
 * data text Markdown-escaped.  Appends nothing without measurements. */
void lesson_table_measurements(const struct data_set *set, struct buf *out);

/* Finds a record by id; NULL when absent. */
const struct expr_record *lesson_record_find(const struct lesson *l, const char *id);

#endif
