/*
 * tmpl.h -- the site's template language, and the value tree it renders.
 *
 * Syntax (a small, logic-less language after Mustache):
 *   {{name}}  {{a.b}}  {{.}}    a value, escaped for the place it appears
 *   {{name | raw}}  {{{name}}}  trusted HTML, inserted as is
 *   {{#name}} ... {{/name}}     a list: once per item (the item becomes the
 *                               innermost scope); a map: once, in its scope;
 *                               a non-empty string: once; else not at all
 *   {{^name}} ... {{/name}}     once when name is missing, "" or empty
 *   {{> partial}}               templates/partial.html, compiled in place
 *   {{! comment }}              nothing
 * Names are [A-Za-z0-9_-]+ joined by dots; the first part is looked up in
 * the innermost scope that has it, then outwards.
 *
 * Escaping by context.  While compiling, the engine follows the HTML around
 * each tag and escapes what the tag inserts for that place:
 *   - element text and quoted attribute values: & < > " ' become entities;
 *   - URL attributes (href, src, action, poster, cite) when the tag starts
 *     the value: additionally a scheme other than http:, https:, mailto: or
 *     none (a relative URL) is replaced by "#unsafe-url";
 *   - anywhere else (unquoted attribute values, inside a tag, event-handler
 *     and style attributes, <script>/<style> bodies) a plain tag is a
 *     compile error; only `raw` may appear there.
 *
 * Failure.  Compile errors (unterminated or empty tag, bad name, unknown
 * filter, unclosed or mismatched section, unknown partial, partial nesting
 * deeper than TMPL_MAX_DEPTH, more than TMPL_MAX_PARTIALS inclusions or
 * TMPL_MAX_OUTPUT bytes of source with partials, a tag in an unsafe place)
 * are printed through diag as "templates/page.html:LINE:COL: error: ..."
 * and the loader returns NULL.  At render time a plain {{name}} that
 * resolves to nothing, or to a list or map, is an error at the tag's
 * position, and tmpl_render returns -1 (the output buffer then holds a
 * partial page the caller discards).
 * So is a render that exceeds TMPL_MAX_STEPS node visits or writes more
 * than TMPL_MAX_OUTPUT bytes: sections over lists nested k deep repeat
 * their body n^k times, and a page must not take hours or gigabytes.
 */
#ifndef INFERBOOK_TMPL_H
#define INFERBOOK_TMPL_H

#include <stddef.h>
#include "util.h"

#define TMPL_MAX_DEPTH 16		/* nested partials */
#define TMPL_MAX_NAME 64		/* bytes of one name part */
#define TMPL_MAX_PARTIALS 10000	/* partial inclusions in one template */
#define TMPL_MAX_STEPS 2000000	/* template nodes visited by one render (the
				 * biggest real page, derivations, takes ~41,000) */
#define TMPL_MAX_OUTPUT (64 * 1024 * 1024)	/* bytes one render may write */

/* ---- the value tree ---- */

struct tval;

/* Constructors return a new node the caller owns (or hands over). */
struct tval *tval_str(const char *s);		/* copies s */
struct tval *tval_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct tval *tval_list(void);
struct tval *tval_map(void);
/* Appends to a list / sets a key of a map (replacing an earlier value);
 * both take ownership of v.  Return v for chaining, or free v and return
 * NULL when list (map) is not a list (map). */
struct tval *tval_push(struct tval *list, struct tval *v);
struct tval *tval_set(struct tval *map, const char *key, struct tval *v);
/* Shorthands: set a string (copied); set "1" when cond, else nothing. */
void tval_set_str(struct tval *map, const char *key, const char *s);
void tval_set_strf(struct tval *map, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tval_set_bool(struct tval *map, const char *key, int cond);
/* A new map pushed onto a list. */
struct tval *tval_push_map(struct tval *list);

/* Map lookup (NULL when absent or v is not a map); list length/items. */
const struct tval *tval_get(const struct tval *v, const char *key);
size_t tval_len(const struct tval *v);
const struct tval *tval_item(const struct tval *v, size_t i);
const char *tval_cstr(const struct tval *v);	/* NULL unless a string */
void tval_free(struct tval *v);

/* ---- templates ---- */

struct tmpl;

/* Compiles DIR/NAME (e.g. "templates", "page.html"); partials are
 * DIR/PARTIAL.html.  Returns NULL after printing errors. */
struct tmpl *tmpl_load(const char *dir, const char *name);
/* Compiles `len` bytes named `file` (borrowed for the template's life:
 * the caller keeps it alive); partials are read from `dir`. */
struct tmpl *tmpl_parse(const char *file, const char *text, size_t len,
    const char *dir);
/* Appends the rendering of t over ctx to out.  0, or -1 after an error. */
int tmpl_render(const struct tmpl *t, const struct tval *ctx, struct buf *out);
void tmpl_free(struct tmpl *t);

/* ---- escaping (shared with the HTML writer) ---- */

/* Appends s (n bytes) with & < > " ' as entities: safe in element text and
 * in quoted attribute values. */
void tmpl_escape_html(struct buf *out, const char *s, size_t n);
/* 1 when a URL is safe to put in href/src: relative, or http(s)/mailto. */
int tmpl_url_safe(const char *s);

#endif
