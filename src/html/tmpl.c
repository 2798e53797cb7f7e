/*
 * tmpl.c -- the template language of tmpl.h: a compiler that follows the
 * HTML around every tag to pick its escaping, and a renderer over a small
 * value tree.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "diag.h"
#include "tmpl.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* The value tree                                                       */

enum tval_kind { TVAL_STR, TVAL_LIST, TVAL_MAP };

struct tval {
	enum tval_kind kind;
	char *s;			/* STR */
	char **keys;			/* MAP */
	struct tval **items;		/* LIST, MAP */
	size_t n, cap;
};

static struct tval *
S_tval_new(enum tval_kind k)
{
	struct tval *v = xcalloc(1, sizeof(*v));

	v->kind = k;
	return v;
}

struct tval *
tval_str(const char *s)
{
	struct tval *v = S_tval_new(TVAL_STR);

	v->s = xstrdup(s != NULL ? s : "");
	return v;
}

static struct tval *
S_tval_vstrf(const char *fmt, va_list ap)
{
	struct tval *v = S_tval_new(TVAL_STR);

	v->s = xvasprintf(fmt, ap);
	return v;
}

struct tval *
tval_strf(const char *fmt, ...)
{
	struct tval *v;
	va_list ap;

	va_start(ap, fmt);
	v = S_tval_vstrf(fmt, ap);
	va_end(ap);
	return v;
}

struct tval *tval_list(void) { return S_tval_new(TVAL_LIST); }
struct tval *tval_map(void) { return S_tval_new(TVAL_MAP); }

static void
S_grow(struct tval *v)
{
	if (v->n < v->cap)
		return;
	v->cap = v->cap ? v->cap * 2 : 8;
	v->items = xreallocarray(v->items, v->cap, sizeof(*v->items));
	if (v->kind == TVAL_MAP)
		v->keys = xreallocarray(v->keys, v->cap, sizeof(*v->keys));
}

struct tval *
tval_push(struct tval *list, struct tval *v)
{
	if (list->kind != TVAL_LIST) {
		tval_free(v);
		return NULL;
	}
	S_grow(list);
	list->items[list->n++] = v;
	return v;
}

struct tval *
tval_set(struct tval *map, const char *key, struct tval *v)
{
	size_t i;

	if (map->kind != TVAL_MAP) {
		tval_free(v);
		return NULL;
	}
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0) {
			tval_free(map->items[i]);
			map->items[i] = v;
			return v;
		}
	S_grow(map);
	map->keys[map->n] = xstrdup(key);
	map->items[map->n++] = v;
	return v;
}

void
tval_set_str(struct tval *map, const char *key, const char *s)
{
	tval_set(map, key, tval_str(s));
}

void
tval_set_strf(struct tval *map, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tval_set(map, key, S_tval_vstrf(fmt, ap));
	va_end(ap);
}

void
tval_set_bool(struct tval *map, const char *key, int cond)
{
	if (cond)
		tval_set(map, key, tval_str("1"));
}

struct tval *
tval_push_map(struct tval *list)
{
	return tval_push(list, tval_map());
}

const struct tval *
tval_get(const struct tval *v, const char *key)
{
	size_t i;

	if (v == NULL || v->kind != TVAL_MAP)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

size_t
tval_len(const struct tval *v)
{
	return v != NULL && v->kind != TVAL_STR ? v->n : 0;
}

const struct tval *
tval_item(const struct tval *v, size_t i)
{
	return v != NULL && v->kind == TVAL_LIST && i < v->n ? v->items[i] : NULL;
}

const char *
tval_cstr(const struct tval *v)
{
	return v != NULL && v->kind == TVAL_STR ? v->s : NULL;
}

void
tval_free(struct tval *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		tval_free(v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	free(v);
}

/* ------------------------------------------------------------------ */
/* Escaping                                                             */

void
tmpl_escape_html(struct buf *out, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_put(out, s + start, i - start);
		buf_puts(out, rep);
		start = i + 1;
	}
	buf_put(out, s + start, n - start);
}

int
tmpl_url_safe(const char *s)
{
	char scheme[16];
	size_t n = 0;

	/* Browsers drop control characters and blanks inside a scheme
	 * ("java\tscript:"), so they are dropped here too before looking.
	 * No ':' before the first '/', '?' or '#': a relative URL. */
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20)
			continue;
		if (c == '/' || c == '?' || c == '#')
			return 1;
		if (c == ':')
			break;
		if (n + 1 < sizeof(scheme))
			scheme[n] = (char)tolower(c);
		n++;
	}
	if (*s == '\0')
		return 1;
	if (n >= sizeof(scheme))
		return 0;
	scheme[n] = '\0';
	return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
	    strcmp(scheme, "mailto") == 0;
}

/* ------------------------------------------------------------------ */
/* Compiled form                                                        */

enum tn_kind { TN_TEXT, TN_VAR, TN_SECTION, TN_INVERTED, TN_BLOCK };
enum tn_esc { ESC_HTML, ESC_URL, ESC_RAW };

struct tnode {
	enum tn_kind kind;
	struct srcpos pos;
	char *text;			/* TEXT: bytes; VAR/SECTION: the name as written */
	size_t len;
	char **path;			/* VAR/SECTION: parts; npath 0 means "." */
	size_t npath;
	enum tn_esc esc;
	struct tnode *kids;		/* SECTION/INVERTED/BLOCK */
	size_t nkids, capkids;
};

struct tmpl {
	struct tnode root;
	char **names;			/* owned file names that srcpos borrows */
	size_t nnames;
	/* Partials compile in place, so a partial that includes another ten
	 * times, eight levels down, is 10^8 copies: both are bounded. */
	size_t npartials;		/* partial inclusions so far */
	size_t nbytes;			/* source bytes compiled so far */
};

static struct tnode *
S_add(struct tnode *parent, enum tn_kind k)
{
	struct tnode *n;

	if (parent->nkids == parent->capkids) {
		parent->capkids = parent->capkids ? parent->capkids * 2 : 8;
		parent->kids = xreallocarray(parent->kids, parent->capkids,
		    sizeof(*parent->kids));
	}
	n = &parent->kids[parent->nkids++];
	memset(n, 0, sizeof(*n));
	n->kind = k;
	return n;
}

static void
S_node_free(struct tnode *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		S_node_free(&n->kids[i]);
	free(n->kids);
	for (i = 0; i < n->npath; i++)
		free(n->path[i]);
	free(n->path);
	free(n->text);
}

void
tmpl_free(struct tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	S_node_free(&t->root);
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t);
}

static const char *
S_own_name(struct tmpl *t, char *name)
{
	t->names = xreallocarray(t->names, t->nnames + 1, sizeof(*t->names));
	t->names[t->nnames++] = name;
	return name;
}

/* ------------------------------------------------------------------ */
/* Following the HTML: just enough of the HTML5 tokenizer to know where
 * a tag sits (text, which attribute, inside a tag, script/style, comment). */

enum hst {
	H_TEXT, H_TAGOPEN, H_TAGNAME, H_INTAG, H_ATTRNAME, H_AFTERATTR,
	H_BEFOREVAL, H_VAL_DQ, H_VAL_SQ, H_VAL_UQ, H_COMMENT, H_DECL, H_RAW
};

struct hstate {
	enum hst st;
	char tag[12];
	size_t taglen;
	int closing;
	char attr[16];
	size_t attrlen;
	size_t vallen;
	int raw_style;			/* H_RAW: inside <style> (else <script>) */
	/* <meta http-equiv> runs its content (refresh: a redirect), and the
	 * attribute may follow the content: a value placed in a <meta> is
	 * judged when the tag ends.  meta_*: the current tag; bad_*: the
	 * first such value, reported once the file is compiled. */
	int meta_equiv, meta_data;
	struct srcpos meta_pos, bad_pos;
	char meta_name[64], bad_name[64];
	int bad;
};

static void
S_h_endtag(struct hstate *h)
{
	h->tag[h->taglen < sizeof(h->tag) ? h->taglen : sizeof(h->tag) - 1] = '\0';
	if (h->meta_equiv && h->meta_data && !h->bad) {
		h->bad = 1;
		h->bad_pos = h->meta_pos;
		memcpy(h->bad_name, h->meta_name, sizeof(h->bad_name));
	}
	if (!h->closing && (strcmp(h->tag, "script") == 0 ||
	    strcmp(h->tag, "style") == 0)) {
		h->st = H_RAW;
		h->raw_style = h->tag[1] == 't';
	} else
		h->st = H_TEXT;
}

static void
S_h_append(char *dst, size_t cap, size_t *len, char c)
{
	if (*len + 1 < cap)
		dst[*len] = (char)tolower((unsigned char)c);
	(*len)++;
	dst[*len < cap ? *len : cap - 1] = '\0';
}

/* An attribute name is complete. */
static void
S_h_attr_done(struct hstate *h)
{
	if (strcmp(h->tag, "meta") == 0 && strcmp(h->attr, "http-equiv") == 0)
		h->meta_equiv = 1;
}

static void
S_h_feed(struct hstate *h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		int sp = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';

		switch (h->st) {
		case H_TEXT:
			if (c == '<')
				h->st = H_TAGOPEN;
			break;
		case H_TAGOPEN:
			h->taglen = 0;
			h->tag[0] = '\0';
			h->closing = 0;
			h->meta_equiv = h->meta_data = 0;
			if (c == '!' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '-') {
				h->st = H_COMMENT;
				i += 2;
			} else if (c == '!' || c == '?')
				h->st = H_DECL;
			else if (c == '/') {
				h->closing = 1;
				h->st = H_TAGNAME;
			} else if (isalpha((unsigned char)c)) {
				S_h_append(h->tag, sizeof(h->tag), &h->taglen, c);
				h->st = H_TAGNAME;
			} else
				h->st = c == '<' ? H_TAGOPEN : H_TEXT;
			break;
		case H_TAGNAME:
			if (sp || c == '/') {
				h->tag[h->taglen < sizeof(h->tag) ? h->taglen :
				    sizeof(h->tag) - 1] = '\0';
				h->st = H_INTAG;
			}
			else if (c == '>')
				S_h_endtag(h);
			else
				S_h_append(h->tag, sizeof(h->tag), &h->taglen, c);
			break;
		case H_INTAG:
			if (c == '>')
				S_h_endtag(h);
			else if (!sp && c != '/') {
				h->attrlen = 0;
				S_h_append(h->attr, sizeof(h->attr), &h->attrlen, c);
				h->st = H_ATTRNAME;
			}
			break;
		case H_ATTRNAME:
			if (c == '=' || sp || c == '>' || c == '/')
				S_h_attr_done(h);
			if (c == '=')
				h->st = H_BEFOREVAL;
			else if (sp)
				h->st = H_AFTERATTR;
			else if (c == '>')
				S_h_endtag(h);
			else if (c == '/')
				h->st = H_INTAG;
			else
				S_h_append(h->attr, sizeof(h->attr), &h->attrlen, c);
			break;
		case H_AFTERATTR:
			if (c == '=')
				h->st = H_BEFOREVAL;
			else if (c == '>')
				S_h_endtag(h);
			else if (!sp) {
				h->attrlen = 0;
				S_h_append(h->attr, sizeof(h->attr), &h->attrlen, c);
				h->st = H_ATTRNAME;
			}
			break;
		case H_BEFOREVAL:
			h->vallen = 0;
			if (c == '"')
				h->st = H_VAL_DQ;
			else if (c == '\'')
				h->st = H_VAL_SQ;
			else if (c == '>')
				S_h_endtag(h);
			else if (!sp) {
				h->st = H_VAL_UQ;
				h->vallen = 1;
			}
			break;
		case H_VAL_DQ:
		case H_VAL_SQ:
			if (c == (h->st == H_VAL_DQ ? '"' : '\''))
				h->st = H_INTAG;
			else
				h->vallen++;
			break;
		case H_VAL_UQ:
			if (sp)
				h->st = H_INTAG;
			else if (c == '>')
				S_h_endtag(h);
			else
				h->vallen++;
			break;
		case H_COMMENT:
			if (c == '>' && i >= 2 && s[i - 1] == '-' && s[i - 2] == '-')
				h->st = H_TEXT;
			break;
		case H_DECL:
			if (c == '>')
				h->st = H_TEXT;
			break;
		case H_RAW: {
			const char *end = h->raw_style ? "</style" : "</script";
			size_t k = strlen(end);

			if (c == '<' && i + k <= n && strncasecmp(s + i, end, k) == 0) {
				/* past '<': H_TAGOPEN then reads the '/' */
				h->st = H_TAGOPEN;
			}
			break;
		}
		}
	}
}

static int
S_is_url_attr(const char *a)
{
	static const char *const urls[] = { "href", "src", "action", "formaction",
	    "poster", "cite", "xlink:href", NULL };
	size_t i;

	for (i = 0; urls[i] != NULL; i++)
		if (strcmp(a, urls[i]) == 0)
			return 1;
	return 0;
}

/* Picks the escaping for a non-raw tag {{name}} (nlen bytes) at pos, the
 * current place, or returns a message explaining why no escaping makes it
 * safe there. */
static const char *
S_h_place(struct hstate *h, enum tn_esc *esc, const struct srcpos *pos,
    const char *name, size_t nlen)
{
	switch (h->st) {
	case H_TEXT:
	case H_TAGOPEN:
		*esc = ESC_HTML;
		return NULL;
	case H_VAL_DQ:
	case H_VAL_SQ:
		if (strncmp(h->attr, "on", 2) == 0 || strcmp(h->attr, "style") == 0)
			return "in an event-handler or style attribute";
		/* Attributes whose value the browser loads or runs as a
		 * document: escaping cannot make data safe there. */
		if (strcmp(h->attr, "srcdoc") == 0)
			return "in a srcdoc attribute (a document the browser runs)";
		if (strcmp(h->tag, "object") == 0 && strcmp(h->attr, "data") == 0)
			return "in <object data> (a document or plugin the browser runs)";
		if (strcmp(h->tag, "embed") == 0 && strcmp(h->attr, "src") == 0)
			return "in <embed src> (a document or plugin the browser runs)";
		if (strcmp(h->tag, "meta") == 0 && !h->meta_data) {
			h->meta_data = 1;
			h->meta_pos = *pos;
			snprintf(h->meta_name, sizeof(h->meta_name), "%.*s",
			    (int)(nlen < 60 ? nlen : 60), name);
		}
		*esc = S_is_url_attr(h->attr) && h->vallen == 0 ? ESC_URL : ESC_HTML;
		h->vallen++;
		return NULL;
	case H_BEFOREVAL:
	case H_VAL_UQ:
		return "in an unquoted attribute value (quote it)";
	case H_COMMENT:
		return "in an HTML comment";
	case H_DECL:
		return "in a markup declaration";
	case H_RAW:
		return h->raw_style ? "inside <style>" : "inside <script>";
	default:
		return "inside a tag (only an attribute value can hold a value)";
	}
}

/* ------------------------------------------------------------------ */
/* The compiler                                                         */

struct parser {
	struct tmpl *t;
	const char *file;
	const char *s;
	size_t len, i;
	unsigned line, col;		/* of s[i] */
	const char *dir;
	int depth;
	struct hstate *h;
	int failed;
};

static void
S_advance(struct parser *p, size_t to)
{
	for (; p->i < to; p->i++) {
		if (p->s[p->i] == '\n') {
			p->line++;
			p->col = 1;
		} else
			p->col++;
	}
}

static int
S_valid_part(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > TMPL_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

/* Splits "a.b.c" (or ".") into parts; 0 or -1 when malformed. */
static int
S_split_name(struct tnode *nd, const char *s, size_t n)
{
	size_t start = 0, i;

	nd->text = xstrndup(s, n);
	if (n == 1 && s[0] == '.')
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!S_valid_part(s + start, i - start))
			return -1;
		nd->path = xreallocarray(nd->path, nd->npath + 1, sizeof(*nd->path));
		nd->path[nd->npath++] = xstrndup(s + start, i - start);
		start = i + 1;
	}
	return 0;
}

static int S_parse_seq(struct parser *p, struct tnode *parent,
    const struct tnode *open);
static int S_compile_file(struct tmpl *t, const char *file, const char *text,
    size_t len, const char *dir, int depth, struct tnode *into);

static void
S_emit_text(struct parser *p, struct tnode *parent, size_t from, size_t to)
{
	struct tnode *n;

	if (to <= from)
		return;
	S_h_feed(p->h, p->s + from, to - from);
	n = S_add(parent, TN_TEXT);
	n->text = xstrndup(p->s + from, to - from);
	n->len = to - from;
}

static int
S_partial(struct parser *p, struct tnode *parent, const struct srcpos *pos,
    const char *name, size_t n)
{
	char *path;
	char *text;
	size_t len;
	struct tnode *blk;
	int rc;

	if (!S_valid_part(name, n)) {
		diag_error(pos, "bad partial name '%.*s'", (int)n, name);
		return -1;
	}
	if (p->h->st != H_TEXT) {
		diag_error(pos, "partial '%.*s' outside element text", (int)n, name);
		return -1;
	}
	if (p->depth + 1 >= TMPL_MAX_DEPTH) {
		diag_error(pos, "partials nested deeper than %d", TMPL_MAX_DEPTH);
		return -1;
	}
	path = xasprintf("%s/%.*s.html", p->dir, (int)n, name);
	if (access(path, R_OK) != 0) {
		diag_error(pos, "unknown partial '%.*s' (no file %s)", (int)n, name, path);
		free(path);
		return -1;
	}
	if (++p->t->npartials > TMPL_MAX_PARTIALS) {
		diag_error(pos, "more than %d partial inclusions in one template",
		    TMPL_MAX_PARTIALS);
		free(path);
		return -1;
	}
	if (util_read_file(path, &text, &len) != 0) {
		free(path);
		return -1;
	}
	if ((p->t->nbytes += len) > TMPL_MAX_OUTPUT) {
		diag_error(pos, "the template and its partials come to more than %d bytes",
		    TMPL_MAX_OUTPUT);
		free(text);
		free(path);
		return -1;
	}
	S_own_name(p->t, path);
	blk = S_add(parent, TN_BLOCK);
	blk->pos = *pos;
	rc = S_compile_file(p->t, path, text, len, p->dir, p->depth + 1, blk);
	free(text);
	return rc;
}

/* True when s[from..to) holds only blanks. */
static int
S_blank(const char *s, size_t from, size_t to)
{
	for (; from < to; from++)
		if (s[from] != ' ' && s[from] != '\t')
			return 0;
	return 1;
}

/* Parses until EOF (open == NULL) or the {{/name}} that closes `open`. */
static int
S_parse_seq(struct parser *p, struct tnode *parent, const struct tnode *open)
{
	size_t text_from = p->i;

	for (;;) {
		const char *o = NULL;
		size_t at, inner, inner_end, after, k, ls;
		struct srcpos pos;
		int triple;
		char sigil;
		const char *name;
		size_t nlen;

		for (k = p->i; k + 1 < p->len; k++)
			if (p->s[k] == '{' && p->s[k + 1] == '{') {
				o = p->s + k;
				break;
			}
		if (o == NULL) {
			S_emit_text(p, parent, text_from, p->len);
			S_advance(p, p->len);
			if (open != NULL) {
				diag_error(&open->pos, "unclosed section '{{#%s}}'", open->text);
				return -1;
			}
			return 0;
		}
		at = k;
		S_advance(p, at);
		pos.file = p->file;
		pos.line = p->line;
		pos.col = p->col;
		triple = at + 2 < p->len && p->s[at + 2] == '{';
		inner = at + (triple ? 3 : 2);
		/* The tag ends at the first "}}" ("}}}" for a triple). */
		for (k = inner; k + 1 < p->len; k++)
			if (p->s[k] == '}' && p->s[k + 1] == '}')
				break;
		if (k + 1 >= p->len || (triple && (k + 2 >= p->len || p->s[k + 2] != '}'))) {
			diag_error(&pos, triple ? "unterminated '{{{' (no '}}}')" :
			    "unterminated '{{' (no '}}')");
			return -1;
		}
		inner_end = k;
		after = k + (triple ? 3 : 2);
		while (inner < inner_end && isspace((unsigned char)p->s[inner]))
			inner++;
		while (inner_end > inner && isspace((unsigned char)p->s[inner_end - 1]))
			inner_end--;
		if (inner == inner_end) {
			diag_error(&pos, "empty tag");
			return -1;
		}
		sigil = triple ? 0 : p->s[inner];
		if (sigil != '#' && sigil != '^' && sigil != '/' && sigil != '>' &&
		    sigil != '!')
			sigil = 0;

		/* A block tag alone on its line takes the line with it, so that
		 * templates can be indented without leaving blank lines. */
		ls = at;
		while (ls > text_from && p->s[ls - 1] != '\n')
			ls--;
		if (sigil != 0 && (ls == 0 || p->s[ls - 1] == '\n') &&
		    S_blank(p->s, ls, at)) {
			size_t e = after;

			while (e < p->len && (p->s[e] == ' ' || p->s[e] == '\t'))
				e++;
			if (e == p->len || p->s[e] == '\n' ||
			    (p->s[e] == '\r' && e + 1 < p->len && p->s[e + 1] == '\n')) {
				S_emit_text(p, parent, text_from, ls);
				if (e < p->len)
					e += p->s[e] == '\r' ? 2 : 1;
				after = e;
			} else
				S_emit_text(p, parent, text_from, at);
		} else
			S_emit_text(p, parent, text_from, at);

		if (sigil == '!') {
			S_advance(p, after);
			text_from = p->i;
			continue;
		}
		name = p->s + inner + (sigil ? 1 : 0);
		nlen = inner_end - inner - (sigil ? 1 : 0);
		while (nlen > 0 && isspace((unsigned char)*name)) {
			name++;
			nlen--;
		}
		if (sigil == '>') {
			if (S_partial(p, parent, &pos, name, nlen) != 0)
				return -1;
		} else if (sigil == '/') {
			if (open == NULL) {
				diag_error(&pos, "'{{/%.*s}}' closes no section", (int)nlen, name);
				return -1;
			}
			if (strlen(open->text) != nlen || memcmp(open->text, name, nlen) != 0) {
				diag_error(&pos, "'{{/%.*s}}' does not close '{{%c%s}}' (opened at line %u)",
				    (int)nlen, name, open->kind == TN_INVERTED ? '^' : '#',
				    open->text, open->pos.line);
				return -1;
			}
			S_advance(p, after);
			return 0;
		} else if (sigil == '#' || sigil == '^') {
			struct tnode *sec = S_add(parent, sigil == '#' ? TN_SECTION : TN_INVERTED);

			sec->pos = pos;
			if (S_split_name(sec, name, nlen) != 0) {
				diag_error(&pos, "bad name '%.*s' in tag", (int)nlen, name);
				return -1;
			}
			S_advance(p, after);
			/* sec may move when parent->kids grows, but parsing the
			 * body only grows sec->kids. */
			if (S_parse_seq(p, sec, sec) != 0)
				return -1;
			text_from = p->i;
			continue;
		} else {
			/* {{name}}, {{name | raw}}, {{{name}}} */
			const char *bar = memchr(name, '|', nlen);
			size_t vlen = bar != NULL ? (size_t)(bar - name) : nlen;
			enum tn_esc esc = ESC_RAW;
			struct tnode *v;
			const char *why;

			while (vlen > 0 && isspace((unsigned char)name[vlen - 1]))
				vlen--;
			if (bar != NULL) {
				const char *f = bar + 1, *fe = name + nlen;

				while (f < fe && isspace((unsigned char)*f))
					f++;
				if ((size_t)(fe - f) != 3 || memcmp(f, "raw", 3) != 0) {
					diag_error(&pos, "unknown filter '%.*s' (known: raw)",
					    (int)(fe - f), f);
					return -1;
				}
			}
			if (!triple && bar == NULL) {
				why = S_h_place(p->h, &esc, &pos, name, vlen);
				if (why != NULL) {
					diag_error(&pos, "'{{%.*s}}' %s; only '| raw' may appear there",
					    (int)vlen, name, why);
					return -1;
				}
			}
			v = S_add(parent, TN_VAR);
			v->pos = pos;
			v->esc = esc;
			if (S_split_name(v, name, vlen) != 0) {
				diag_error(&pos, "bad name '%.*s' in tag", (int)vlen, name);
				return -1;
			}
		}
		S_advance(p, after);
		text_from = p->i;
	}
}

static int
S_compile_file(struct tmpl *t, const char *file, const char *text, size_t len,
    const char *dir, int depth, struct tnode *into)
{
	struct hstate h;
	struct parser p;

	memset(&h, 0, sizeof(h));
	memset(&p, 0, sizeof(p));
	p.t = t;
	p.file = file;
	p.s = text;
	p.len = len;
	p.line = 1;
	p.col = 1;
	p.dir = dir;
	p.depth = depth;
	p.h = &h;
	if (memchr(text, '\0', len) != NULL) {
		struct srcpos pos = { file, 0, 0 };

		diag_error(&pos, "NUL byte in template");
		return -1;
	}
	if (S_parse_seq(&p, into, NULL) != 0)
		return -1;
	/* A <meta> left open at the end counts as ended. */
	if (!h.bad && h.meta_equiv && h.meta_data) {
		h.bad = 1;
		h.bad_pos = h.meta_pos;
		memcpy(h.bad_name, h.meta_name, sizeof(h.bad_name));
	}
	if (h.bad) {
		diag_error(&h.bad_pos, "'{{%s}}' in a <meta http-equiv> tag (the browser "
		    "acts on its content); only '| raw' may appear there", h.bad_name);
		return -1;
	}
	return 0;
}

struct tmpl *
tmpl_parse(const char *file, const char *text, size_t len, const char *dir)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));

	t->root.kind = TN_BLOCK;
	if (S_compile_file(t, file, text, len, dir, 0, &t->root) != 0) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

struct tmpl *
tmpl_load(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text;
	size_t len;
	struct tmpl *t;

	if (util_read_file(path, &text, &len) != 0) {
		free(path);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->root.kind = TN_BLOCK;
	S_own_name(t, path);
	if (S_compile_file(t, path, text, len, dir, 0, &t->root) != 0) {
		tmpl_free(t);
		t = NULL;
	}
	free(text);
	return t;
}

/* ------------------------------------------------------------------ */
/* The renderer                                                         */

#define S_MAX_SCOPES 64

struct scopes {
	const struct tval *v[S_MAX_SCOPES];
	size_t n;
	/* Work done so far: nested sections over lists multiply (a list of 3
	 * nested 64 deep is 3^64 passes), so the render has a budget. */
	size_t steps;
	size_t start;			/* out->len when the render began */
	const struct tnode *sec;	/* innermost section (for the error) */
};

static const struct tval *
S_lookup(const struct scopes *sc, const struct tnode *nd)
{
	const struct tval *v = NULL;
	size_t i;

	if (nd->npath == 0)
		return sc->n > 0 ? sc->v[sc->n - 1] : NULL;
	for (i = sc->n; i-- > 0;)
		if ((v = tval_get(sc->v[i], nd->path[0])) != NULL)
			break;
	for (i = 1; v != NULL && i < nd->npath; i++)
		v = tval_get(v, nd->path[i]);
	return v;
}

static int
S_render(const struct tnode *nd, struct scopes *sc, struct buf *out)
{
	size_t i;

	if (++sc->steps > TMPL_MAX_STEPS || out->len - sc->start > TMPL_MAX_OUTPUT) {
		diag_error(sc->sec != NULL ? &sc->sec->pos : &nd->pos,
		    "the page is too big to render (more than %d template steps "
		    "or %d bytes: sections over lists nest too deep)",
		    TMPL_MAX_STEPS, TMPL_MAX_OUTPUT);
		return -1;
	}
	switch (nd->kind) {
	case TN_TEXT:
		buf_put(out, nd->text, nd->len);
		return 0;
	case TN_VAR: {
		const struct tval *v = S_lookup(sc, nd);

		if (v == NULL) {
			diag_error(&nd->pos, "no value for '%s'", nd->text);
			return -1;
		}
		if (v->kind != TVAL_STR) {
			diag_error(&nd->pos, "'%s' is a %s, not a string", nd->text,
			    v->kind == TVAL_LIST ? "list" : "map");
			return -1;
		}
		if (nd->esc == ESC_RAW)
			buf_puts(out, v->s);
		else if (nd->esc == ESC_URL && !tmpl_url_safe(v->s))
			buf_puts(out, "#unsafe-url");
		else
			tmpl_escape_html(out, v->s, strlen(v->s));
		return 0;
	}
	case TN_SECTION:
	case TN_INVERTED: {
		const struct tval *v = S_lookup(sc, nd);
		int truthy = v != NULL && (v->kind == TVAL_MAP ||
		    (v->kind == TVAL_LIST && v->n > 0) ||
		    (v->kind == TVAL_STR && v->s[0] != '\0'));
		size_t k, nitems;

		if (nd->kind == TN_INVERTED) {
			if (truthy)
				return 0;
			for (i = 0; i < nd->nkids; i++)
				if (S_render(&nd->kids[i], sc, out) != 0)
					return -1;
			return 0;
		}
		if (!truthy)
			return 0;
		if (sc->n >= S_MAX_SCOPES) {
			diag_error(&nd->pos, "sections nested deeper than %d", S_MAX_SCOPES);
			return -1;
		}
		nitems = v->kind == TVAL_LIST ? v->n : 1;
		sc->sec = nd;
		for (k = 0; k < nitems; k++) {
			sc->v[sc->n++] = v->kind == TVAL_LIST ? v->items[k] : v;
			for (i = 0; i < nd->nkids; i++)
				if (S_render(&nd->kids[i], sc, out) != 0) {
					sc->n--;
					return -1;
				}
			sc->n--;
		}
		return 0;
	}
	case TN_BLOCK:
		for (i = 0; i < nd->nkids; i++)
			if (S_render(&nd->kids[i], sc, out) != 0)
				return -1;
		return 0;
	}
	return 0;
}

int
tmpl_render(const struct tmpl *t, const struct tval *ctx, struct buf *out)
{
	struct scopes sc;

	sc.n = 0;
	sc.steps = 0;
	sc.start = out->len;
	sc.sec = NULL;
	if (ctx != NULL)
		sc.v[sc.n++] = ctx;
	return S_render(&t->root, &sc, out);
}
