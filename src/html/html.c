/*
 * html.c -- lesson Markdown to HTML over cmark-gfm (see html.h).
 *
 * The approach: md_parse() (md.h) gives the one normalised tree the PDF
 * typesetter reads too; this back end rewrites it before rendering.  Whatever needs markup cmark cannot produce (heading
 * ids, scroll wrappers, figures, escaped raw HTML) is rendered to a string
 * here and put back as a CUSTOM_BLOCK whose on_enter is that string; the
 * final rendering then runs with CMARK_OPT_UNSAFE because every piece of
 * raw HTML left in the tree is our own or a lesson's that opted in (the
 * front end neutralised the others').
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "html.h"
#include "md.h"
#include "tmpl.h"
#include "util.h"

void
html_escape(struct buf *out, const char *s)
{
	tmpl_escape_html(out, s, strlen(s));
}

char *
html_slug(const char *text)
{
	return md_slug(text);
}

void
html_figure(struct buf *out, const char *name, const char *alt,
    const char *caption, int width, int height)
{
	buf_printf(out, "<figure class=\"chart\" id=\"fig-%s\">\n<a href=\"charts/%s.png\">"
	    "<img src=\"charts/%s.svg\" alt=\"", name, name, name);
	html_escape(out, alt);
	buf_putc(out, '"');
	if (width > 0 && height > 0)
		buf_printf(out, " width=\"%d\" height=\"%d\"", width, height);
	buf_puts(out, "></a>\n");
	if (caption != NULL && caption[0] != '\0') {
		buf_puts(out, "<figcaption>");
		html_escape(out, caption);
		buf_puts(out, "</figcaption>\n");
	}
	buf_puts(out, "</figure>\n");
}

/* Puts a literal block of our own HTML in place of n (n is freed). */
static void
S_replace_block(cmark_node *n, const char *html)
{
	cmark_node *cb = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);

	cmark_node_set_on_enter(cb, html);
	cmark_node_set_on_exit(cb, "");
	cmark_node_insert_before(n, cb);
	cmark_node_free(n);
}

static void
S_heading(const struct md_doc *md, const struct md_heading *h, struct html_doc *doc)
{
	char *html;
	struct buf b;

	if (doc != NULL) {
		struct html_heading *d;

		doc->headings = xreallocarray(doc->headings, doc->nheadings + 1,
		    sizeof(*doc->headings));
		d = &doc->headings[doc->nheadings++];
		d->level = h->level;
		d->id = xstrdup(h->id);
		d->text = xstrdup(h->text);
	}
	/* cmark writes "<hN>...</hN>\n": put the id in, add a self-link. */
	html = cmark_render_html(h->node, CMARK_OPT_UNSAFE, md->exts);
	buf_init(&b);
	buf_printf(&b, "<h%d id=\"%s\">", h->level, h->id);
	if (strlen(html) >= 10 && html[0] == '<' && html[1] == 'h' && html[3] == '>')
		buf_put(&b, html + 4, strlen(html) - 4 - 6);	/* between <hN> and </hN>\n */
	else
		html_escape(&b, h->text);
	buf_printf(&b, " <a class=\"anchor\" href=\"#%s\" aria-label=\"Link to this section\">#</a></h%d>\n",
	    h->id, h->level);
	free(html);
	buf_putc(&b, '\0');
	S_replace_block(h->node, b.data);
	buf_free(&b);
}

static void
S_table(const struct md_doc *md, cmark_node *n)
{
	char *html = cmark_render_html(n, CMARK_OPT_UNSAFE |
	    CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES, md->exts);
	/* Focusable, so a keyboard can scroll a table wider than the page. */
	char *wrapped = xasprintf("<div class=\"table-scroll\" tabindex=\"0\">\n%s</div>\n", html);

	free(html);
	S_replace_block(n, wrapped);
	free(wrapped);
}

static int
S_chart(const struct html_opts *o, const struct md_figure *f)
{
	const char *title = cmark_node_get_title(f->image);
	char *alt = md_plain(f->image);
	struct buf b;
	int rc;

	buf_init(&b);
	if (o->figure != NULL)
		rc = o->figure(o->figure_arg, &f->pos, f->name, alt,
		    title != NULL ? title : "", &b);
	else {
		html_figure(&b, f->name, alt, title != NULL ? title : "", 0, 0);
		rc = 0;
	}
	free(alt);
	if (rc == 0) {
		buf_putc(&b, '\0');
		S_replace_block(cmark_node_parent(f->image), b.data);
	}
	buf_free(&b);
	return rc;
}

/* A lesson's raw HTML that md_parse() turned into a code block. */
static void
S_shown_html(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	size_t len = lit != NULL ? strlen(lit) : 0;
	struct buf b;

	while (len > 0 && lit[len - 1] == '\n')
		len--;
	buf_init(&b);
	buf_puts(&b, "<pre class=\"raw-html\"><code>");
	tmpl_escape_html(&b, lit != NULL ? lit : "", len);
	buf_puts(&b, "</code></pre>\n");
	S_replace_block(n, b.data);
	buf_free(&b);
}

int
html_render_md(struct md_doc *md, const struct html_opts *o, struct buf *out,
    struct html_doc *doc)
{
	cmark_node **tables = NULL, **shown = NULL;
	size_t ntables = 0, nshown = 0, i;
	cmark_iter *it;
	cmark_event_type ev;
	char *html;
	int rc = 0;

	if (doc != NULL)
		memset(doc, 0, sizeof(*doc));
	it = cmark_iter_new(md->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (md_shown_html(n)) {
			shown = xreallocarray(shown, nshown + 1, sizeof(*shown));
			shown[nshown++] = n;
		} else if (strcmp(cmark_node_get_type_string(n), "table") == 0) {
			tables = xreallocarray(tables, ntables + 1, sizeof(*tables));
			tables[ntables++] = n;
		}
	}
	cmark_iter_free(it);

	/* Figures and headings first: tables are rendered from their
	 * (already fixed) children. */
	for (i = 0; i < md->nfigs && rc == 0; i++)
		rc = S_chart(o, &md->figs[i]);
	if (rc == 0) {
		for (i = 0; i < nshown; i++)
			S_shown_html(shown[i]);
		for (i = 0; i < md->nheadings; i++)
			S_heading(md, &md->headings[i], doc);
		for (i = 0; i < ntables; i++)
			S_table(md, tables[i]);
		html = cmark_render_html(md->root, CMARK_OPT_UNSAFE |
		    CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES, md->exts);
		buf_puts(out, html);
		free(html);
	}
	free(tables);
	free(shown);
	if (rc != 0 && doc != NULL)
		html_doc_free(doc);
	return rc;
}

int
html_render(const char *text, size_t len, const struct html_opts *o,
    struct buf *out, struct html_doc *doc)
{
	struct md_opts mo;
	struct md_doc md;
	int rc;

	if (doc != NULL)
		memset(doc, 0, sizeof(*doc));
	memset(&mo, 0, sizeof(mo));
	mo.file = o->file;
	mo.line_offset = o->line_offset;
	mo.raw_html = o->unsafe;
	mo.ids = o->ids;
	if (md_parse(text, len, &mo, &md) != 0)
		return -1;
	rc = html_render_md(&md, o, out, doc);
	md_doc_free(&md);
	return rc;
}

void
html_doc_free(struct html_doc *doc)
{
	size_t i;

	if (doc == NULL)
		return;
	for (i = 0; i < doc->nheadings; i++) {
		free(doc->headings[i].id);
		free(doc->headings[i].text);
	}
	free(doc->headings);
	doc->headings = NULL;
	doc->nheadings = 0;
}
