/*
 * html.h -- the HTML back end: the tree of md_parse() (md.h: one set of
 * cmark-gfm options with smart punctuation, one heading-id rule, one
 * raw-HTML policy, figures checked) to an HTML fragment, with the site's
 * conventions:
 *
 *  - Raw HTML of a lesson that opted in (opts.unsafe) passes through;
 *    otherwise the front end made it text (a block shows as
 *    <pre class="raw-html"><code>...</code></pre>).
 *  - Every heading gets the front end's id (md_slug(), -2, -3, ... on
 *    repeats, MD_RESERVED_IDS never produced) and a self-link.
 *  - Tables are wrapped in <div class="table-scroll"> so that a wide table
 *    scrolls on its own instead of the page.
 *  - A paragraph holding only ![alt](chart:NAME "caption") becomes a
 *    <figure>, written by opts.figure (or html_figure() with no size when
 *    opts.figure is NULL).
 *
 * Failure: errors are printed through diag at "file:line:col" (lines are
 * counted from opts.line_offset + 1, for text below front matter) and the
 * function returns -1; `out` then holds nothing the caller should use.
 * Output is deterministic and depends only on the arguments.
 */
#ifndef INFERBOOK_HTML_H
#define INFERBOOK_HTML_H

#include <stddef.h>
#include "diag.h"
#include "md.h"
#include "util.h"

#define HTML_RESERVED_IDS MD_RESERVED_IDS

struct html_heading {
	int level;			/* 1..6 */
	char *id;			/* the anchor, as written in id="" */
	char *text;			/* plain text of the heading */
};

/* What a rendering found (the page template uses it for a contents box). */
struct html_doc {
	struct html_heading *headings;
	size_t nheadings;
};

/* Writes the figure for chart NAME; returns 0 or -1 after a diagnostic
 * at pos. */
typedef int (*html_figure_fn)(void *arg, const struct srcpos *pos,
    const char *name, const char *alt, const char *caption, struct buf *out);

struct html_opts {
	const char *file;		/* for diagnostics (borrowed) */
	unsigned line_offset;		/* lines above the Markdown text */
	int unsafe;			/* the lesson opted into raw HTML */
	html_figure_fn figure;		/* NULL: html_figure(..., 0, 0) */
	void *figure_arg;
	struct md_ids *ids;		/* ids taken by earlier parts of the page; NULL: none */
};

/* Parses `len` bytes of Markdown with md_parse() and renders it: appends
 * the fragment to out and, when doc is not NULL, fills it (free with
 * html_doc_free).  0 or -1. */
int html_render(const char *md, size_t len, const struct html_opts *opts,
    struct buf *out, struct html_doc *doc);
/* The same over a tree already parsed (opts: figure and figure_arg
 * only); the tree is edited on the way. */
int html_render_md(struct md_doc *md, const struct html_opts *opts, struct buf *out,
    struct html_doc *doc);
void html_doc_free(struct html_doc *doc);

/* The standard figure markup:
 *   <figure class="chart"><a href="charts/NAME.png"><img src="charts/NAME.svg"
 *   alt="ALT" width="W" height="H"></a><figcaption>CAPTION</figcaption></figure>
 * (width/height omitted when 0; figcaption omitted when caption is empty;
 * the link opens the 2x PNG).  Text is escaped. */
void html_figure(struct buf *out, const char *name, const char *alt,
    const char *caption, int width, int height);

/* md_slug(): a heading id for `text` without the repeat suffix; the
 * caller frees it. */
char *html_slug(const char *text);

/* Escapes for element text / quoted attributes (& < > " '). */
void html_escape(struct buf *out, const char *s);

#endif
