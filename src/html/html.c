/*
 * html.c -- lesson Markdown to HTML over cmark-gfm (see html.h).
 *
 * The approach: parse with the GFM extensions, then rewrite the tree
 * before rendering.  Whatever needs markup cmark cannot produce (heading
 * ids, scroll wrappers, figures, escaped raw HTML) is rendered to a string
 * here and put back as a CUSTOM_BLOCK whose on_enter is that string; the
 * final rendering then runs with CMARK_OPT_UNSAFE because every piece of
 * raw HTML left in the tree is our own (the lesson's was neutralised).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>

#include "html.h"
#include "tmpl.h"
#include "util.h"

static pthread_once_t S_once = PTHREAD_ONCE_INIT;

static void
S_register(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

void
html_escape(struct buf *out, const char *s)
{
	tmpl_escape_html(out, s, strlen(s));
}

char *
html_slug(const char *text)
{
	struct buf b;
	const unsigned char *s;
	int dash = 0;

	buf_init(&b);
	for (s = (const unsigned char *)text; *s != '\0'; s++) {
		if (isalnum(*s) && *s < 0x80) {
			if (dash && b.len > 0)
				buf_putc(&b, '-');
			dash = 0;
			buf_putc(&b, (char)tolower(*s));
		} else if (*s < 0x80 && *s != '\'')
			dash = 1;	/* an apostrophe joins: "what's" -> "whats" */
	}
	if (b.len == 0)
		buf_puts(&b, "section");
	return buf_take(&b, NULL);
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

/* Plain text of a node's inline content (text, code, and line breaks as
 * spaces). */
static void
S_plain(cmark_node *n, struct buf *b)
{
	cmark_node *c;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
		buf_puts(b, cmark_node_get_literal(n));
		return;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		buf_putc(b, ' ');
		return;
	default:
		break;
	}
	for (c = cmark_node_first_child(n); c != NULL; c = cmark_node_next(c))
		S_plain(c, b);
}

static char *
S_plain_text(cmark_node *n)
{
	struct buf b;

	buf_init(&b);
	S_plain(n, &b);
	buf_putc(&b, '\0');
	return buf_take(&b, NULL);
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

struct ctx {
	const struct html_opts *o;
	cmark_llist *exts;
	struct html_doc *doc;
	char **ids;
	size_t nids;
};

static void
S_pos(const struct ctx *c, cmark_node *n, struct srcpos *pos)
{
	pos->file = c->o->file;
	pos->line = c->o->line_offset + (unsigned)cmark_node_get_start_line(n);
	pos->col = (unsigned)cmark_node_get_start_column(n);
}

static int
S_id_taken(const struct ctx *c, const char *id)
{
	static const char *const reserved[] = HTML_RESERVED_IDS;
	size_t i;

	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(reserved[i], id) == 0)
			return 1;
	for (i = 0; i < c->nids; i++)
		if (strcmp(c->ids[i], id) == 0)
			return 1;
	return 0;
}

static void
S_heading(struct ctx *c, cmark_node *n)
{
	int level = cmark_node_get_heading_level(n);
	char *text = S_plain_text(n), *slug = html_slug(text), *id, *html;
	struct buf b;
	int k;

	id = xstrdup(slug);
	for (k = 2; S_id_taken(c, id); k++) {
		free(id);
		id = xasprintf("%s-%d", slug, k);
	}
	free(slug);
	c->ids = xreallocarray(c->ids, c->nids + 1, sizeof(*c->ids));
	c->ids[c->nids++] = id;
	if (c->doc != NULL) {
		struct html_heading *h;

		c->doc->headings = xreallocarray(c->doc->headings,
		    c->doc->nheadings + 1, sizeof(*c->doc->headings));
		h = &c->doc->headings[c->doc->nheadings++];
		h->level = level;
		h->id = xstrdup(id);
		h->text = xstrdup(text);
	}
	/* cmark writes "<hN>...</hN>\n": put the id in, add a self-link. */
	html = cmark_render_html(n, CMARK_OPT_UNSAFE, c->exts);
	buf_init(&b);
	buf_printf(&b, "<h%d id=\"%s\">", level, id);
	if (strlen(html) >= 10 && html[0] == '<' && html[1] == 'h' && html[3] == '>')
		buf_put(&b, html + 4, strlen(html) - 4 - 6);	/* between <hN> and </hN>\n */
	else
		html_escape(&b, text);
	buf_printf(&b, " <a class=\"anchor\" href=\"#%s\" aria-label=\"Link to this section\">#</a></h%d>\n",
	    id, level);
	free(html);
	free(text);
	S_replace_block(n, b.data);
	buf_free(&b);
}

static void
S_table(struct ctx *c, cmark_node *n)
{
	char *html = cmark_render_html(n, CMARK_OPT_UNSAFE |
	    CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES, c->exts);
	/* Focusable, so a keyboard can scroll a table wider than the page. */
	char *wrapped = xasprintf("<div class=\"table-scroll\" tabindex=\"0\">\n%s</div>\n", html);

	free(html);
	S_replace_block(n, wrapped);
	free(wrapped);
}

static int
S_valid_chart(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s != '\0'; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return 0;
	return 1;
}

/* A paragraph that holds only the chart image (blanks around allowed). */
static int
S_alone(cmark_node *img)
{
	cmark_node *p = cmark_node_parent(img), *k;

	if (p == NULL || cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
		return 0;
	for (k = cmark_node_first_child(p); k != NULL; k = cmark_node_next(k)) {
		const char *lit;

		if (k == img)
			continue;
		if (cmark_node_get_type(k) == CMARK_NODE_SOFTBREAK)
			continue;
		if (cmark_node_get_type(k) != CMARK_NODE_TEXT)
			return 0;
		for (lit = cmark_node_get_literal(k); *lit != '\0'; lit++)
			if (!isspace((unsigned char)*lit))
				return 0;
	}
	return 1;
}

static int
S_chart(struct ctx *c, cmark_node *img)
{
	const char *url = cmark_node_get_url(img), *name = url + 6;
	const char *title = cmark_node_get_title(img);
	struct srcpos pos;
	char *alt;
	struct buf b;
	int rc;

	S_pos(c, cmark_node_parent(img) != NULL ? cmark_node_parent(img) : img, &pos);
	if (!S_valid_chart(name)) {
		diag_error(&pos, "bad chart name '%s' (want [a-z0-9-]+)", name);
		return -1;
	}
	if (!S_alone(img)) {
		diag_error(&pos, "chart '%s' must stand alone in its paragraph", name);
		return -1;
	}
	alt = S_plain_text(img);
	buf_init(&b);
	if (c->o->figure != NULL)
		rc = c->o->figure(c->o->figure_arg, &pos, name, alt,
		    title != NULL ? title : "", &b);
	else {
		html_figure(&b, name, alt, title != NULL ? title : "", 0, 0);
		rc = 0;
	}
	free(alt);
	if (rc == 0) {
		buf_putc(&b, '\0');
		S_replace_block(cmark_node_parent(img), b.data);
	}
	buf_free(&b);
	return rc;
}

/* Raw HTML of a lesson that did not opt in: shown, not interpreted. */
static int
S_is_comment(const char *lit)
{
	size_t len;

	if (lit == NULL)
		return 0;
	while (*lit == ' ' || *lit == '\t' || *lit == '\n')
		lit++;
	len = strlen(lit);
	while (len > 0 && (lit[len - 1] == '\n' || lit[len - 1] == ' ' || lit[len - 1] == '\t'))
		len--;
	return len >= 7 && strncmp(lit, "<!--", 4) == 0 && strncmp(lit + len - 3, "-->", 3) == 0 &&
	    strstr(lit + 4, "-->") == lit + len - 3;
}

static void
S_neutralise(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);

	/* An author's note (<!-- ... -->) is for the source only. */
	if (S_is_comment(lit)) {
		cmark_node_free(n);
		return;
	}

	if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE) {
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);

		cmark_node_set_literal(t, lit != NULL ? lit : "");
		cmark_node_insert_before(n, t);
		cmark_node_free(n);
	} else {
		struct buf b;
		size_t len = lit != NULL ? strlen(lit) : 0;

		while (len > 0 && lit[len - 1] == '\n')
			len--;
		buf_init(&b);
		buf_puts(&b, "<pre class=\"raw-html\"><code>");
		tmpl_escape_html(&b, lit != NULL ? lit : "", len);
		buf_puts(&b, "</code></pre>\n");
		S_replace_block(n, b.data);
		buf_free(&b);
	}
}

/* Collects the nodes of one kind of interest, so the tree can be edited
 * after the walk rather than under the iterator. */
struct nodes {
	cmark_node **v;
	size_t n;
};

static void
S_push(struct nodes *ns, cmark_node *n)
{
	ns->v = xreallocarray(ns->v, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = n;
}

enum { K_RAW, K_CHART, K_HEADING, K_TABLE, K__N };

int
html_render(const char *md, size_t len, const struct html_opts *o,
    struct buf *out, struct html_doc *doc)
{
	static const char *const extnames[] = { "table", "strikethrough", "autolink", "tagfilter" };
	cmark_parser *parser;
	cmark_node *root, *n;
	cmark_iter *it;
	cmark_event_type ev;
	struct nodes ns[K__N];
	struct ctx c;
	size_t i, k;
	char *html;
	int opt = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | (o->smart ? CMARK_OPT_SMART : 0);
	int rc = 0;

	pthread_once(&S_once, S_register);
	memset(ns, 0, sizeof(ns));
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.doc = doc;
	if (doc != NULL)
		memset(doc, 0, sizeof(*doc));
	parser = cmark_parser_new(opt);
	for (i = 0; i < sizeof(extnames) / sizeof(extnames[0]); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(extnames[i]);

		if (e != NULL)
			cmark_parser_attach_syntax_extension(parser, e);
	}
	cmark_parser_feed(parser, md, len);
	root = cmark_parser_finish(parser);
	c.exts = cmark_parser_get_syntax_extensions(parser);

	it = cmark_iter_new(root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (!o->unsafe)
				S_push(&ns[K_RAW], n);
			break;
		case CMARK_NODE_IMAGE:
			if (strncmp(cmark_node_get_url(n), "chart:", 6) == 0) {
				S_push(&ns[K_CHART], n);
				break;
			}
			/* FALLTHROUGH */
		case CMARK_NODE_LINK:
			if (!o->unsafe && !tmpl_url_safe(cmark_node_get_url(n)))
				cmark_node_set_url(n, "#unsafe-url");
			break;
		case CMARK_NODE_HEADING:
			S_push(&ns[K_HEADING], n);
			break;
		default:
			if (strcmp(cmark_node_get_type_string(n), "table") == 0)
				S_push(&ns[K_TABLE], n);
			break;
		}
	}
	cmark_iter_free(it);

	/* Inline fixes first: headings and tables are rendered from their
	 * (already fixed) children. */
	for (i = 0; i < ns[K_RAW].n; i++)
		S_neutralise(ns[K_RAW].v[i]);
	for (i = 0; i < ns[K_CHART].n && rc == 0; i++)
		rc = S_chart(&c, ns[K_CHART].v[i]);
	if (rc == 0) {
		for (i = 0; i < ns[K_HEADING].n; i++)
			S_heading(&c, ns[K_HEADING].v[i]);
		for (i = 0; i < ns[K_TABLE].n; i++)
			S_table(&c, ns[K_TABLE].v[i]);
		html = cmark_render_html(root, CMARK_OPT_UNSAFE | opt, c.exts);
		buf_puts(out, html);
		free(html);
	}
	for (k = 0; k < K__N; k++)
		free(ns[k].v);
	for (i = 0; i < c.nids; i++)
		free(c.ids[i]);
	free(c.ids);
	cmark_node_free(root);
	cmark_parser_free(parser);
	if (rc != 0 && doc != NULL)
		html_doc_free(doc);
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
