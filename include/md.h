/*
 * md.h -- the one Markdown front end of the web pages and the PDFs.
 *
 * md_parse() turns a lesson's expanded Markdown into a normalised
 * cmark-gfm tree that the HTML writer (html.h) and the PDF typesetter
 * (pdf.h) only walk, the way lowdown's back ends walk its tree:
 *
 *  - One set of parser options: UTF-8 validated, smart punctuation
 *    ("quotes" -> curly, -- and --- -> en and em dash, ... -> ellipsis),
 *    the GFM extensions table, strikethrough, autolink and tagfilter,
 *    registered once (md_init(), which the first md_parse() also runs
 *    under pthread_once).
 *  - One anchor rule for headings: md_slug() of the heading's plain text,
 *    then -2, -3, ... while the id is taken (by an earlier heading, by
 *    opts.ids, or by MD_RESERVED_IDS, the page's own ids).
 *  - One raw-HTML policy.  Unless opts.raw_html: a lone HTML comment (an
 *    author's note) is removed; other inline HTML becomes text; an HTML
 *    block becomes a code block marked md_shown_html() (shown as code);
 *    a link or image URL with a scheme other than http, https or mailto
 *    becomes "#unsafe-url".  With opts.raw_html the HTML stays in the
 *    tree as HTML nodes (the web passes it through, print leaves it out).
 *  - Figures: an image whose URL is "chart:NAME" must stand alone in its
 *    paragraph and NAME match [a-z0-9-]{1,64}; each is listed in figs.
 *
 * Failure: every error is printed through diag at "file:line:col" (lines
 * counted from opts.line_offset + 1) and md_parse() returns -1 with *doc
 * freed.  Deterministic; the tree is the caller's to edit before it frees
 * it with md_doc_free().
 */
#ifndef INFERBOOK_MD_H
#define INFERBOOK_MD_H

#include <stddef.h>
#include <cmark-gfm.h>
#include "diag.h"

#define MD_RESERVED_IDS { "top", "main", "content", "toc", "skip", "page-nav", NULL }

/* Heading ids already used on a page, when one page is made of several
 * md_parse() calls (answers.html).  Start zeroed; md_ids_free(). */
struct md_ids {
	char **v;
	size_t n;
};
void md_ids_free(struct md_ids *ids);

struct md_opts {
	const char *file;		/* for diagnostics (borrowed) */
	unsigned line_offset;		/* lines above the Markdown text */
	int raw_html;			/* the lesson opted into raw HTML */
	struct md_ids *ids;		/* NULL: ids unique within this text only */
};

struct md_heading {
	cmark_node *node;		/* in doc->root */
	int level;			/* 1..6 */
	char *id;			/* the anchor, [a-z0-9-]+ */
	char *text;			/* plain text (typographic punctuation) */
};

struct md_figure {
	cmark_node *image;		/* the chart: image, alone in its paragraph */
	struct srcpos pos;		/* of the paragraph */
	const char *name;		/* after "chart:" (borrowed from the node) */
};

struct md_doc {
	cmark_node *root;
	cmark_llist *exts;		/* for cmark_render_*() (the parser's) */
	struct md_heading *headings;	/* in document order */
	size_t nheadings;
	struct md_figure *figs;
	size_t nfigs;
	cmark_parser *parser;		/* owns exts */
};

/* Registers the cmark-gfm extensions; call before any thread starts. */
void md_init(void);

/* Parses len bytes of text.  0, or -1 after diagnostics. */
int md_parse(const char *text, size_t len, const struct md_opts *opts, struct md_doc *doc);
void md_doc_free(struct md_doc *doc);

/* The heading of node in doc, or NULL. */
const struct md_heading *md_heading_of(const struct md_doc *doc, cmark_node *node);

/* 1 when node is a code block that md_parse() made of raw HTML (to show
 * it as text). */
int md_shown_html(cmark_node *node);

/* A heading id for `text` without the repeat suffix: ASCII letters and
 * digits lower-cased, every other run of ASCII characters as one '-'
 * (an apostrophe joins: "what's" -> "whats"), non-ASCII dropped,
 * "section" when nothing is left.  The caller frees it. */
char *md_slug(const char *text);

/* Plain text (a title, a summary, a caption) with the same typographic
 * punctuation as md_parse() gives Markdown; runs of white space become
 * one space.  The caller frees it. */
char *md_smart(const char *text);

/* Plain text of node's inline content: text, code, line breaks as
 * spaces.  The caller frees it. */
char *md_plain(cmark_node *node);

#endif
