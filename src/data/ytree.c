/*
 * ytree.c -- libyaml events into a tree of positioned nodes, and the
 * declarative field tables that map a mapping onto a C struct.
 *
 * The tree is built from the event parser rather than libyaml's document
 * API because the document API expands aliases (an alias bomb would
 * allocate without bound before we could refuse it) and does not let us
 * stop at a depth or node limit.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "diag.h"
#include "util.h"
#include "ytree.h"

struct S_ctx {
	const char *file;
	const char *text;
	size_t len;
	unsigned line_offset;
	struct ynode *root;
	struct ynode *stack[YTREE_MAX_DEPTH];
	struct ynode *pending[YTREE_MAX_DEPTH];	/* a mapping's key awaiting its value */
	size_t depth;
	size_t nodes;
	int ndocs;
	int failed;		/* an error was reported but parsing went on */
};

static struct srcpos
S_pos(const struct S_ctx *c, yaml_mark_t m)
{
	struct srcpos p;

	p.file = c->file;
	p.line = (unsigned)m.line + 1 + c->line_offset;
	p.col = (unsigned)m.column + 1;
	return p;
}

/* Appends to a node's arrays.  They grow at powers of two, so the node
 * needs no capacity field. */
static void
S_append(struct ynode *parent, struct ynode *key, struct ynode *item)
{
	size_t n = parent->n;

	if (n == 0 || (n & (n - 1)) == 0) {
		size_t cap = n == 0 ? 1 : 2 * n;

		parent->items = xreallocarray(parent->items, cap, sizeof(*parent->items));
		if (parent->kind == YNODE_MAP)
			parent->keys = xreallocarray(parent->keys, cap, sizeof(*parent->keys));
	}
	if (parent->kind == YNODE_MAP)
		parent->keys[n] = key;
	parent->items[n] = item;
	parent->n = n + 1;
}

void
ytree_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys != NULL)
			ytree_free(n->keys[i]);
		ytree_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->value);
	free(n);
}

/* Attaches a new node to the open container (or makes it the root).
 * Returns -1 after an error. */
static int
S_attach(struct S_ctx *c, struct ynode *node)
{
	struct ynode *parent;

	if (c->depth == 0) {
		if (c->root != NULL) {
			/* Cannot happen within one document; be safe. */
			ytree_free(node);
			return -1;
		}
		c->root = node;
		return 0;
	}
	parent = c->stack[c->depth - 1];
	if (parent->kind == YNODE_SEQ) {
		S_append(parent, NULL, node);
		return 0;
	}
	if (c->pending[c->depth - 1] == NULL) {
		if (node->kind != YNODE_SCALAR) {
			diag_error(&node->pos, "mapping keys must be plain strings, not %s",
			    ytree_kind_name(node->kind));
			ytree_free(node);
			return -1;
		}
		c->pending[c->depth - 1] = node;
		return 0;
	}
	S_append(parent, c->pending[c->depth - 1], node);
	c->pending[c->depth - 1] = NULL;
	return 0;
}

/* A key and its place in the mapping: qsort has no context argument, and
 * a file-scope pointer to the keys would race when two threads parse. */
struct S_keyref {
	const char *key;
	size_t idx;
};

static int
S_keycmp(const void *a, const void *b)
{
	const struct S_keyref *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r != 0)
		return r;
	/* Ties in document order, so the first occurrence leads its group. */
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Reports every repeated key of a finished mapping, in document order;
 * sorting keeps this O(n log n) for pathological mappings. */
static int
S_check_dups(const struct ynode *map)
{
	struct S_keyref *order;
	size_t *first, i, head;
	int bad = 0;

	if (map->n < 2)
		return 0;
	order = xreallocarray(NULL, map->n, sizeof(*order));
	first = xreallocarray(NULL, map->n, sizeof(*first));
	for (i = 0; i < map->n; i++) {
		order[i].key = map->keys[i]->value;
		order[i].idx = i;
		first[i] = i;
	}
	qsort(order, map->n, sizeof(*order), S_keycmp);
	head = order[0].idx;
	for (i = 1; i < map->n; i++) {
		if (strcmp(order[i].key, map->keys[head]->value) == 0)
			first[order[i].idx] = head;
		else
			head = order[i].idx;
	}
	for (i = 0; i < map->n; i++)
		if (first[i] != i) {
			diag_error(&map->keys[i]->pos, "duplicate key '%s' (first given at line %u)",
			    map->keys[i]->value, map->keys[first[i]]->pos.line);
			bad = 1;
		}
	free(order);
	free(first);
	return bad ? -1 : 0;
}

static struct ynode *
S_new(struct S_ctx *c, enum ynode_kind kind, yaml_mark_t m)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->pos = S_pos(c, m);
	return n;
}

/* The position of a reader error (bad UTF-8, control characters): libyaml
 * gives a byte offset there, not a mark. */
static struct srcpos
S_offset_pos(const struct S_ctx *c, size_t off)
{
	struct srcpos p = { c->file, 1 + c->line_offset, 1 };
	size_t i;

	for (i = 0; i < off && i < c->len; i++) {
		unsigned char ch = (unsigned char)c->text[i];

		if (ch == '\n') {
			p.line++;
			p.col = 1;
		} else if ((ch & 0xC0) != 0x80)
			p.col++;
	}
	return p;
}

/* The byte at a libyaml mark (line and column in characters), or -1. */
static int
S_char_at(const struct S_ctx *c, yaml_mark_t m)
{
	size_t i = 0, line = 0, col = 0;

	while (i < c->len && line < m.line)
		if (c->text[i++] == '\n')
			line++;
	while (i < c->len && c->text[i] != '\n') {
		if (((unsigned char)c->text[i] & 0xC0) != 0x80) {
			if (col == m.column)
				return (unsigned char)c->text[i];
			col++;
		}
		i++;
	}
	return -1;
}

static void
S_libyaml_error(struct S_ctx *c, const yaml_parser_t *p)
{
	struct srcpos pos;
	const char *problem = p->problem != NULL ? p->problem : "malformed YAML";

	if (p->error == YAML_READER_ERROR) {
		pos = S_offset_pos(c, p->problem_offset);
		diag_error(&pos, "%s (the file must be UTF-8 text)", problem);
		return;
	}
	pos = S_pos(c, p->problem_mark);
	if (S_char_at(c, p->problem_mark) == '\t')
		diag_error(&pos, "%s (a tab: YAML indents with spaces only)", problem);
	else if (p->context != NULL)
		/* "did not find expected ',' or '}'" is found far from the
		 * brace that was never closed: say where that began. */
		diag_error(&pos, "%s (%s that begins at %u:%u)", problem, p->context,
		    (unsigned)p->context_mark.line + 1 + c->line_offset,
		    (unsigned)p->context_mark.column + 1);
	else
		diag_error(&pos, "%s", problem);
}

/* An explicit tag ("!!str 3.35", "!!binary", "!local"), or NULL.  The
 * loader types every field itself; a tag would be silently ignored. */
static const char *
S_tag(const yaml_event_t *e)
{
	const yaml_char_t *t = NULL;

	if (e->type == YAML_SCALAR_EVENT)
		t = e->data.scalar.tag;
	else if (e->type == YAML_SEQUENCE_START_EVENT)
		t = e->data.sequence_start.tag;
	else if (e->type == YAML_MAPPING_START_EVENT)
		t = e->data.mapping_start.tag;
	return (const char *)t;
}

static int
S_has_anchor(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return e->data.scalar.anchor != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return e->data.sequence_start.anchor != NULL;
	case YAML_MAPPING_START_EVENT:
		return e->data.mapping_start.anchor != NULL;
	default:
		return 0;
	}
}

/* Handles one event: 1 at the end of the stream, 0 to go on, -1 to stop
 * after an error. */
static int
S_event(struct S_ctx *c, const yaml_event_t *e)
{
	struct srcpos pos = S_pos(c, e->start_mark);
	struct ynode *n;

	if (e->type == YAML_ALIAS_EVENT || S_has_anchor(e)) {
		diag_error(&pos, "aliases and anchors are not supported");
		return -1;
	}
	if (S_tag(e) != NULL) {
		const char *tag = S_tag(e), *core = "tag:yaml.org,2002:";

		/* libyaml expands "!!str" to the core schema's URI: show it as
		 * it was written. */
		if (strncmp(tag, core, strlen(core)) == 0)
			diag_error(&pos, "YAML tags are not supported (got '!!%s'): write the "
			    "value without one", tag + strlen(core));
		else
			diag_error(&pos, "YAML tags are not supported (got '%s'): write the "
			    "value without one", tag);
		return -1;
	}
	switch (e->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (c->ndocs > 0) {
			diag_error(&pos, "more than one YAML document in the file (only one is allowed)");
			return -1;
		}
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		c->ndocs++;
		return 0;
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++c->nodes > YTREE_MAX_NODES) {
			diag_error(&pos, "more than %d YAML nodes in the file", YTREE_MAX_NODES);
			return -1;
		}
		if (e->type == YAML_SCALAR_EVENT) {
			/* "\0" in a quoted string: every string is a C string
			 * here, so it would silently cut the value short. */
			if (memchr(e->data.scalar.value, '\0', e->data.scalar.length) != NULL) {
				diag_error(&pos, "a NUL character (\\0) in a string is not "
				    "allowed");
				return -1;
			}
			n = S_new(c, YNODE_SCALAR, e->start_mark);
			n->value = xstrndup((const char *)e->data.scalar.value,
			    e->data.scalar.length);
			n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			return S_attach(c, n);
		}
		if (c->depth >= YTREE_MAX_DEPTH) {
			diag_error(&pos, "nesting deeper than %d levels", YTREE_MAX_DEPTH);
			return -1;
		}
		n = S_new(c, e->type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ : YNODE_MAP,
		    e->start_mark);
		if (S_attach(c, n) == -1)
			return -1;
		c->pending[c->depth] = NULL;
		c->stack[c->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (c->depth == 0)
			return -1;
		n = c->stack[--c->depth];
		if (n->kind == YNODE_MAP && S_check_dups(n) == -1)
			c->failed = 1;	/* keep going: report every duplicate */
		return 0;
	default:
		return 0;
	}
}

int
ytree_parse(const char *file, const char *text, size_t len,
    unsigned line_offset, struct ynode **root)
{
	yaml_parser_t p;
	yaml_event_t e;
	struct S_ctx c;
	size_t i;
	int r = 0;

	*root = NULL;
	memset(&c, 0, sizeof(c));
	c.file = file;
	c.text = text;
	c.len = len;
	c.line_offset = line_offset;
	if (!yaml_parser_initialize(&p)) {
		struct srcpos pos = { file, 0, 0 };

		diag_error(&pos, "cannot initialise the YAML parser");
		return -1;
	}
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			S_libyaml_error(&c, &p);
			r = -1;
			break;
		}
		r = S_event(&c, &e);
		yaml_event_delete(&e);
		if (r != 0)
			break;
	}
	yaml_parser_delete(&p);
	for (i = 0; i < YTREE_MAX_DEPTH; i++)
		ytree_free(c.pending[i]);
	if (r == -1 || c.failed) {
		ytree_free(c.root);
		return -1;
	}
	/* "---" alone is a document holding an empty scalar: as empty as no
	 * document at all. */
	if (c.root != NULL && c.root->kind == YNODE_SCALAR && c.root->plain &&
	    c.root->value[0] == '\0') {
		ytree_free(c.root);
		c.root = NULL;
	}
	*root = c.root;
	return 0;
}

const struct ynode *
ytree_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != YNODE_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->value, key) == 0)
			return map->items[i];
	return NULL;
}

const char *
ytree_kind_name(enum ynode_kind k)
{
	switch (k) {
	case YNODE_SCALAR:
		return "a scalar";
	case YNODE_SEQ:
		return "a sequence";
	case YNODE_MAP:
		return "a mapping";
	}
	return "a node";
}

/* ---- scalars ---- */

enum { S_NUM_OK, S_NUM_SYNTAX, S_NUM_NONFINITE, S_NUM_RANGE, S_NUM_TINY };

/* YAML 1.2 core-schema numbers (plus "_" between digits, which YAML 1.1
 * allows and makes 131_072 readable).  strtod alone would also take "nan",
 * "infinity" and hex floats, so the syntax is checked first. */
static int
S_parse_number(const char *s, double *out)
{
	char tmp[128];
	const char *p = s;
	size_t n = 0;
	int digits = 0;
	char *end;
	double v;

	if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0)
		return S_NUM_NONFINITE;
	if (*p == '+' || *p == '-')
		p++;
	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0)
		return S_NUM_NONFINITE;
	if (strlen(s) >= sizeof(tmp))
		return S_NUM_SYNTAX;
	p = s;
	if (*p == '+' || *p == '-')
		tmp[n++] = *p++;
	for (; isdigit((unsigned char)*p) || (*p == '_' && digits > 0 &&
	    isdigit((unsigned char)p[1])); p++)
		if (*p != '_') {
			tmp[n++] = *p;
			digits++;
		}
	if (*p == '.') {
		tmp[n++] = *p++;
		for (; isdigit((unsigned char)*p); p++, digits++)
			tmp[n++] = *p;
	}
	if (digits == 0)
		return S_NUM_SYNTAX;
	if (*p == 'e' || *p == 'E') {
		int edigits = 0;

		tmp[n++] = *p++;
		if (*p == '+' || *p == '-')
			tmp[n++] = *p++;
		for (; isdigit((unsigned char)*p); p++, edigits++)
			tmp[n++] = *p;
		if (edigits == 0)
			return S_NUM_SYNTAX;
	}
	if (*p != '\0')
		return S_NUM_SYNTAX;
	tmp[n] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (*end != '\0')
		return S_NUM_SYNTAX;
	/* ERANGE is overflow (+-HUGE_VAL) or underflow (0 or a subnormal
	 * such as 4e-320): two different mistakes. */
	if (errno == ERANGE && fabs(v) < 1)
		return S_NUM_TINY;
	if (errno == ERANGE || !isfinite(v))
		return S_NUM_RANGE;
	*out = v;
	return S_NUM_OK;
}

int
ytree_number(const struct ynode *n, const char *what, double *out)
{
	double v;

	if (n->kind != YNODE_SCALAR) {
		diag_error(&n->pos, "%s must be a number, got %s", what, ytree_kind_name(n->kind));
		return -1;
	}
	if (!n->plain) {
		diag_error(&n->pos, "%s must be a number, got the quoted string '%s'",
		    what, n->value);
		return -1;
	}
	switch (S_parse_number(n->value, &v)) {
	case S_NUM_OK:
		/* A finite 1e308 still overflows once scaled to SI or multiplied
		 * in calc: no figure of this tool comes near the bound. */
		if (fabs(v) > YTREE_MAX_NUMBER) {
			diag_error(&n->pos, "%s is implausibly large, got %s (the limit is %g)",
			    what, n->value, YTREE_MAX_NUMBER);
			return -1;
		}
		if (v != 0 && fabs(v) < YTREE_MIN_NUMBER) {
			diag_error(&n->pos, "%s is implausibly small, got %s (a number other "
			    "than 0 must be at least %g in size)", what, n->value,
			    YTREE_MIN_NUMBER);
			return -1;
		}
		*out = v;
		return 0;
	case S_NUM_TINY:
		diag_error(&n->pos, "%s is implausibly small, got %s (a number other "
		    "than 0 must be at least %g in size)", what, n->value, YTREE_MIN_NUMBER);
		return -1;
	case S_NUM_NONFINITE:
		diag_error(&n->pos, "%s must be a finite number, got %s", what, n->value);
		return -1;
	case S_NUM_RANGE:
		diag_error(&n->pos, "%s must be a finite number, got %s (out of range)",
		    what, n->value);
		return -1;
	default:
		if (n->value[0] == '\0')
			diag_error(&n->pos, "%s must be a number, got nothing", what);
		else
			diag_error(&n->pos, "%s must be a number, got '%s'", what, n->value);
		return -1;
	}
}

int
ytree_positive(const struct ynode *n, const char *what, double *out)
{
	double v;

	if (ytree_number(n, what, &v) == -1)
		return -1;
	if (!(v > 0)) {
		diag_error(&n->pos, "%s must be a positive number, got %s", what, n->value);
		return -1;
	}
	*out = v;
	return 0;
}

int
ytree_nonneg(const struct ynode *n, const char *what, double *out)
{
	double v;

	if (ytree_number(n, what, &v) == -1)
		return -1;
	if (!(v >= 0)) {
		diag_error(&n->pos, "%s must be zero or a positive number, got %s", what, n->value);
		return -1;
	}
	*out = v == 0 ? 0 : v;	/* no -0 */
	return 0;
}

int
ytree_integer(const struct ynode *n, const char *what, long min, long max, long *out)
{
	double v;

	if (ytree_number(n, what, &v) == -1)
		return -1;
	/* 2^53: every integer below is exact in a double. */
	if (v != floor(v) || fabs(v) > 9007199254740992.0) {
		diag_error(&n->pos, "%s must be an integer, got %s", what, n->value);
		return -1;
	}
	if (v < (double)min || v > (double)max) {
		if (max == LONG_MAX && min == 1)
			diag_error(&n->pos, "%s must be a positive integer, got %s", what, n->value);
		else if (max == LONG_MAX && min == 0)
			diag_error(&n->pos, "%s must be zero or a positive integer, got %s",
			    what, n->value);
		else
			diag_error(&n->pos, "%s must be an integer from %ld to %ld, got %s",
			    what, min, max, n->value);
		return -1;
	}
	*out = (long)v;
	return 0;
}

int
ytree_string(const struct ynode *n, const char *what, const char **out)
{
	if (n->kind != YNODE_SCALAR) {
		diag_error(&n->pos, "%s must be a string, got %s", what, ytree_kind_name(n->kind));
		return -1;
	}
	*out = n->value;
	return 0;
}

/* ---- field tables ---- */

/* Ids go into URLs and onto command lines; '.' is allowed because model
 * versions read that way (llama-3.1-70b, gpt-4.1). */
static int
S_is_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		    *s == '.'))
			return 0;
	return 1;
}

/* Gregorian: 2026-02-31 is no date, 2028-02-29 is. */
static int
S_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* 1: YYYY-MM or YYYY-MM-DD, 0: not that form, -1: a day the month does
 * not have (2026-02-31, 2026-04-31). */
static int
S_is_date(const char *s)
{
	int i, year = 0, month, day;

	for (i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		year = year * 10 + (s[i] - '0');
	}
	if (s[4] != '-' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6]))
		return 0;
	month = (s[5] - '0') * 10 + (s[6] - '0');
	if (month < 1 || month > 12)
		return 0;
	if (s[7] == '\0')
		return 1;
	if (s[7] != '-' || !isdigit((unsigned char)s[8]) || !isdigit((unsigned char)s[9]) ||
	    s[10] != '\0')
		return 0;
	day = (s[8] - '0') * 10 + (s[9] - '0');
	if (day < 1 || day > 31)
		return 0;
	return day <= S_days_in_month(year, month) ? 1 : -1;
}

static void
S_unknown_key(const struct ynode *key, const struct yfield *fields, const char *what)
{
	const struct yfield *f, *best = NULL;
	size_t d, bestd = 3;

	/* Close by edits relative to the length ("hbm_gbs"), or a longer
	 * spelling of a key ("batchsize"); "zz" suggests nothing. */
	for (f = fields; f->key != NULL; f++) {
		size_t lk = strlen(key->value), lf = strlen(f->key);

		/* Keys are short; a long one is no typo of a field name, and
		 * skipping it bounds the work. */
		d = lk >= 63 || lf >= 63 ? 99 : util_edit_distance(key->value, f->key);
		if (2 * d >= (lk < lf ? lk : lf))
			d = 99;
		if (d == 99 && lf >= 3 && lk > lf && strncmp(key->value, f->key, lf) == 0)
			d = 2;
		if (d < bestd) {
			bestd = d;
			best = f;
		}
	}
	if (best != NULL)
		diag_error(&key->pos, "unknown key '%s' in %s (did you mean '%s'?)",
		    key->value, what, best->key);
	else
		diag_error(&key->pos, "unknown key '%s' in %s", key->value, what);
}

/* The longest string a field may hold, in bytes.  Names go into headings,
 * table cells, figure legends and PDF lines, where a 50,000-byte word
 * costs minutes of line breaking: prose ("source", "notes", a lesson's
 * "summary", which lesson.c caps further) may be longer than a name,
 * but still bounded. */
static size_t
S_max_len(const struct yfield *f)
{
	if (f->type == YF_ID)
		return YTREE_MAX_ID;
	if (strcmp(f->key, "source") == 0 || strcmp(f->key, "notes") == 0 ||
	    strcmp(f->key, "summary") == 0)
		return YTREE_MAX_TEXT;
	return YTREE_MAX_NAME;
}

/* Stores one field; -1 after an error. */
static int
S_store(const struct ynode *v, const struct yfield *f, void *dst)
{
	char *base = dst;
	const char *s;
	double d;
	long l;

	switch (f->type) {
	case YF_STRING:
	case YF_ID:
	case YF_DATE:
		if (ytree_string(v, f->key, &s) == -1)
			return -1;
		if (f->type == YF_STRING && s[0] == '\0') {
			diag_error(&v->pos, "%s must not be empty", f->key);
			return -1;
		}
		if (strlen(s) > S_max_len(f)) {
			diag_error(&v->pos, "%s is too long: %zu bytes (the limit is %zu)",
			    f->key, strlen(s), S_max_len(f));
			return -1;
		}
		if (f->type == YF_ID && !S_is_id(s)) {
			diag_error(&v->pos, "%s must be lower-case letters, digits, '-' and '.', got '%s'",
			    f->key, s);
			return -1;
		}
		if (f->type == YF_DATE && S_is_date(s) == 0) {
			diag_error(&v->pos, "%s must be a date YYYY-MM or YYYY-MM-DD, got '%s'",
			    f->key, s);
			return -1;
		}
		if (f->type == YF_DATE && S_is_date(s) == -1) {
			diag_error(&v->pos, "%s is not a calendar date: %.7s has %d days, "
			    "got '%s'", f->key, s, S_days_in_month(atoi(s), atoi(s + 5)), s);
			return -1;
		}
		*(char **)(void *)(base + f->offset) = xstrdup(s);
		return 0;
	case YF_NUMBER:
		if (ytree_number(v, f->key, &d) == -1)
			return -1;
		*(double *)(void *)(base + f->offset) = d;
		return 0;
	case YF_POSITIVE:
		if (ytree_positive(v, f->key, &d) == -1)
			return -1;
		*(double *)(void *)(base + f->offset) = d;
		return 0;
	case YF_NONNEG:
		if (ytree_nonneg(v, f->key, &d) == -1)
			return -1;
		*(double *)(void *)(base + f->offset) = d;
		return 0;
	case YF_INT:
		if (ytree_integer(v, f->key, 1, LONG_MAX, &l) == -1)
			return -1;
		*(long *)(void *)(base + f->offset) = l;
		return 0;
	case YF_CUSTOM:
		return 0;
	}
	return -1;
}

static int
S_is_string_type(enum yfield_type t)
{
	return t == YF_STRING || t == YF_ID || t == YF_DATE;
}

int
ytree_map_fields(const struct ynode *map, const struct yfield *fields,
    void *dst, const char *what)
{
	const struct yfield *f;
	char *base = dst;
	size_t i;
	int bad = 0;

	if (map->kind != YNODE_MAP) {
		diag_error(&map->pos, "%s must be a mapping, got %s", what, ytree_kind_name(map->kind));
		return -1;
	}
	for (i = 0; i < map->n; i++) {
		const struct ynode *key = map->keys[i];
		size_t j;

		for (f = fields; f->key != NULL; f++)
			if (strcmp(f->key, key->value) == 0)
				break;
		if (f->key == NULL) {
			S_unknown_key(key, fields, what);
			bad = 1;
			continue;
		}
		/* ytree_parse refuses duplicates; a hand-built tree may not. */
		for (j = 0; j < i; j++)
			if (strcmp(map->keys[j]->value, key->value) == 0)
				break;
		if (j < i) {
			diag_error(&key->pos, "duplicate key '%s' (first given at line %u)",
			    key->value, map->keys[j]->pos.line);
			bad = 1;
			continue;
		}
		if (S_store(map->items[i], f, dst) == -1) {
			bad = 1;
			continue;
		}
		if (f->pos_offset != YF_NOPOS)
			*(struct srcpos *)(void *)(base + f->pos_offset) = map->items[i]->pos;
	}
	for (f = fields; f->key != NULL; f++)
		if (f->required && ytree_get(map, f->key) == NULL) {
			diag_error(&map->pos, "missing required field '%s' in %s", f->key, what);
			bad = 1;
		}
	if (bad) {
		/* Nothing half-filled: free the strings this call stored. */
		for (i = 0; i < map->n; i++)
			for (f = fields; f->key != NULL; f++)
				if (S_is_string_type(f->type) &&
				    strcmp(f->key, map->keys[i]->value) == 0) {
					char **sp = (char **)(void *)(base + f->offset);

					free(*sp);
					*sp = NULL;
				}
		return -1;
	}
	return 0;
}
