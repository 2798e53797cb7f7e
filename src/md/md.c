/*
 * md.c -- the one Markdown front end (see md.h): parse once with one set
 * of options, then normalise the tree (raw HTML, unsafe URLs, figures,
 * heading ids) so that the back ends have no rule of their own to keep
 * in step.  Before this, html.c parsed with smart punctuation and pdf.c
 * without, and each had its own anchor rule: the print edition had
 * straight quotes and anchors the web pages did not.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "diag.h"
#include "md.h"
#include "tmpl.h"
#include "util.h"

#define S_OPTS (CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART)

static pthread_once_t S_once = PTHREAD_ONCE_INIT;

/* cmark-gfm keeps its extensions in one global list: registering it from
 * two threads at once races, so it happens once, before any thread. */
static void
S_register(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

void
md_init(void)
{
	pthread_once(&S_once, S_register);
}

/* Marks a code block that shows a lesson's raw HTML (user data is not
 * otherwise used in this program). */
static char S_raw_mark;

int
md_shown_html(cmark_node *node)
{
	return cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK &&
	    cmark_node_get_user_data(node) == &S_raw_mark;
}

char *
md_slug(const char *text)
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

char *
md_plain(cmark_node *n)
{
	struct buf b;

	buf_init(&b);
	S_plain(n, &b);
	buf_putc(&b, '\0');
	return buf_take(&b, NULL);
}

static cmark_parser *
S_parser(void)
{
	static const char *const names[] = { "table", "strikethrough", "autolink", "tagfilter" };
	cmark_parser *p;
	size_t i;

	md_init();
	p = cmark_parser_new(S_OPTS);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);

		if (e != NULL)
			cmark_parser_attach_syntax_extension(p, e);
	}
	return p;
}

char *
md_smart(const char *text)
{
	cmark_parser *p = S_parser();
	cmark_node *root;
	struct buf md;
	const char *s = text != NULL ? text : "";
	char *out;
	size_t k;
	int space = 0;

	/* The text as one Markdown paragraph: every ASCII punctuation
	 * character escaped but the four smart punctuation reads (" ' - .),
	 * and a leading '-' or the '.' / ')' after leading digits escaped
	 * too, so that no list, rule or heading can start. */
	buf_init(&md);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (k = 0; s[k] != '\0'; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && md.len > 0)
			buf_putc(&md, ' ');
		space = 0;
		if (ispunct(c) && c != '"' && c != '\'' && c != '-' && c != '.')
			buf_putc(&md, '\\');
		else if (md.len == 0 && c == '-')
			buf_putc(&md, '\\');
		else if (c == '.' && md.len == k && k > 0 && strspn(s, "0123456789") == k)
			buf_putc(&md, '\\');
		buf_putc(&md, (char)c);
	}
	cmark_parser_feed(p, md.data != NULL ? md.data : "", md.len);
	root = cmark_parser_finish(p);
	out = md_plain(root);
	cmark_node_free(root);
	cmark_parser_free(p);
	buf_free(&md);
	return out;
}

void
md_ids_free(struct md_ids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		free(ids->v[i]);
	free(ids->v);
	ids->v = NULL;
	ids->n = 0;
}

static int
S_id_taken(const struct md_ids *ids, const char *id)
{
	static const char *const reserved[] = MD_RESERVED_IDS;
	size_t i;

	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(reserved[i], id) == 0)
			return 1;
	for (i = 0; i < ids->n; i++)
		if (strcmp(ids->v[i], id) == 0)
			return 1;
	return 0;
}

static void
S_heading(struct md_doc *doc, struct md_ids *ids, cmark_node *n)
{
	char *text = md_plain(n), *slug = md_slug(text), *id = xstrdup(slug);
	struct md_heading *h;
	int k;

	for (k = 2; S_id_taken(ids, id); k++) {
		free(id);
		id = xasprintf("%s-%d", slug, k);
	}
	free(slug);
	ids->v = xreallocarray(ids->v, ids->n + 1, sizeof(*ids->v));
	ids->v[ids->n++] = xstrdup(id);
	doc->headings = xreallocarray(doc->headings, doc->nheadings + 1, sizeof(*doc->headings));
	h = &doc->headings[doc->nheadings++];
	h->node = n;
	h->level = cmark_node_get_heading_level(n);
	h->id = id;
	h->text = text;
}

const struct md_heading *
md_heading_of(const struct md_doc *doc, cmark_node *node)
{
	size_t i;

	for (i = 0; i < doc->nheadings; i++)
		if (doc->headings[i].node == node)
			return &doc->headings[i];
	return NULL;
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

		if (k == img || cmark_node_get_type(k) == CMARK_NODE_SOFTBREAK)
			continue;
		if (cmark_node_get_type(k) != CMARK_NODE_TEXT)
			return 0;
		for (lit = cmark_node_get_literal(k); *lit != '\0'; lit++)
			if (!isspace((unsigned char)*lit))
				return 0;
	}
	return 1;
}

static void
S_pos(const struct md_opts *o, cmark_node *n, struct srcpos *pos)
{
	pos->file = o->file;
	pos->line = o->line_offset + (unsigned)cmark_node_get_start_line(n);
	pos->col = (unsigned)cmark_node_get_start_column(n);
}

static int
S_figure(struct md_doc *doc, const struct md_opts *o, cmark_node *img)
{
	const char *name = cmark_node_get_url(img) + 6;
	cmark_node *para = cmark_node_parent(img);
	struct md_figure *f;
	struct srcpos pos;

	S_pos(o, para != NULL ? para : img, &pos);
	if (!S_valid_chart(name)) {
		diag_error(&pos, "bad chart name '%s' (want [a-z0-9-]+)", name);
		return -1;
	}
	if (!S_alone(img)) {
		diag_error(&pos, "chart '%s' must stand alone in its paragraph", name);
		return -1;
	}
	doc->figs = xreallocarray(doc->figs, doc->nfigs + 1, sizeof(*doc->figs));
	f = &doc->figs[doc->nfigs++];
	f->image = img;
	f->pos = pos;
	f->name = name;
	return 0;
}

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

/* Raw HTML of a lesson that did not opt in: shown, not interpreted. */
static void
S_neutralise(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	cmark_node *t;

	/* An author's note (<!-- ... -->) is for the source only. */
	if (S_is_comment(lit)) {
		cmark_node_free(n);
		return;
	}
	if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE) {
		t = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(t, lit != NULL ? lit : "");
	} else {
		t = cmark_node_new(CMARK_NODE_CODE_BLOCK);
		cmark_node_set_literal(t, lit != NULL ? lit : "");
		cmark_node_set_user_data(t, &S_raw_mark);
	}
	cmark_node_insert_before(n, t);
	cmark_node_free(n);
}

/* Nodes of interest, collected so that the tree is edited after the walk
 * rather than under the iterator. */
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

int
md_parse(const char *text, size_t len, const struct md_opts *o, struct md_doc *doc)
{
	struct nodes raw = { NULL, 0 }, figs = { NULL, 0 }, heads = { NULL, 0 };
	struct md_ids own = { NULL, 0 }, *ids = o->ids != NULL ? o->ids : &own;
	cmark_iter *it;
	cmark_event_type ev;
	size_t i;
	int rc = 0;

	memset(doc, 0, sizeof(*doc));
	doc->parser = S_parser();
	cmark_parser_feed(doc->parser, text, len);
	doc->root = cmark_parser_finish(doc->parser);
	doc->exts = cmark_parser_get_syntax_extensions(doc->parser);

	it = cmark_iter_new(doc->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (!o->raw_html)
				S_push(&raw, n);
			break;
		case CMARK_NODE_IMAGE:
			if (strncmp(cmark_node_get_url(n), "chart:", 6) == 0) {
				S_push(&figs, n);
				break;
			}
			/* FALLTHROUGH */
		case CMARK_NODE_LINK:
			if (!o->raw_html && !tmpl_url_safe(cmark_node_get_url(n)))
				cmark_node_set_url(n, "#unsafe-url");
			break;
		case CMARK_NODE_HEADING:
			S_push(&heads, n);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);

	for (i = 0; i < raw.n; i++)
		S_neutralise(raw.v[i]);
	for (i = 0; i < figs.n; i++)
		if (S_figure(doc, o, figs.v[i]) != 0)
			rc = -1;
	for (i = 0; i < heads.n; i++)
		S_heading(doc, ids, heads.v[i]);
	free(raw.v);
	free(figs.v);
	free(heads.v);
	md_ids_free(&own);
	if (rc != 0)
		md_doc_free(doc);
	return rc;
}

void
md_doc_free(struct md_doc *doc)
{
	size_t i;

	if (doc == NULL)
		return;
	for (i = 0; i < doc->nheadings; i++) {
		free(doc->headings[i].id);
		free(doc->headings[i].text);
	}
	free(doc->headings);
	free(doc->figs);
	if (doc->root != NULL)
		cmark_node_free(doc->root);
	if (doc->parser != NULL)
		cmark_parser_free(doc->parser);
	memset(doc, 0, sizeof(*doc));
}
