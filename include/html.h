/*
 * html.h -- lesson Markdown (cmark-gfm: tables, strikethrough, autolinks)
 * to an HTML fragment, with the site's conventions:
 *
 *  - Raw HTML in the Markdown is shown as escaped text unless the lesson
 *    opts in (opts.unsafe); a lone HTML comment (an author's note) is
 *    dropped; link and image URLs with a scheme other than
 *    http, https or mailto become "#unsafe-url" (unless opts.unsafe).
 *  - Every heading gets a stable id: its text, lower-cased, runs of other
 *    characters as '-', ASCII only ("section" when nothing is left), with
 *    -2, -3, ... on repeats; ids in HTML_RESERVED_IDS are never produced.
 *  - Tables are wrapped in <div class="table-scroll"> so that a wide table
 *    scrolls on its own instead of the page.
 *  - A paragraph holding only ![alt](chart:NAME "caption") becomes a
 *    <figure>, written by opts.figure (or html_figure() with no size when
 *    opts.figure is NULL).  NAME must match [a-z0-9-]+; a chart image
 *    inside running text is an error.
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
#include "util.h"

#define HTML_RESERVED_IDS { "top", "main", "content", "toc", "skip", "page-nav", NULL }

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
	int smart;			/* typographic quotes and dashes */
	html_figure_fn figure;		/* NULL: html_figure(..., 0, 0) */
	void *figure_arg;
};

/* Renders `len` bytes of Markdown; appends the fragment to out and, when
 * doc is not NULL, fills it (free with html_doc_free).  0 or -1. */
int html_render(const char *md, size_t len, const struct html_opts *opts,
    struct buf *out, struct html_doc *doc);
void html_doc_free(struct html_doc *doc);

/* The standard figure markup:
 *   <figure class="chart"><a href="charts/NAME.png"><img src="charts/NAME.svg"
 *   alt="ALT" width="W" height="H"></a><figcaption>CAPTION</figcaption></figure>
 * (width/height omitted when 0; figcaption omitted when caption is empty;
 * the link opens the 2x PNG).  Text is escaped. */
void html_figure(struct buf *out, const char *name, const char *alt,
    const char *caption, int width, int height);

/* A heading id for `text` as the rules above say, without the repeat
 * suffix; the caller frees it. */
char *html_slug(const char *text);

/* Escapes for element text / quoted attributes (& < > " '). */
void html_escape(struct buf *out, const char *s);

#endif
