/*
 * lesson.c -- loading a lesson file (front matter + body) and expanding
 * its {{ }} expressions into plain Markdown.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "ytree.h"
#include "scan.h"

/* ---- loading ---- */

/* Offset just past the line at i, and the line's length without "\r\n". */
static size_t
S_line(const char *s, size_t len, size_t i, size_t *linelen)
{
	size_t j = i;

	while (j < len && s[j] != '\n')
		j++;
	*linelen = j - i;
	if (*linelen > 0 && s[i + *linelen - 1] == '\r')
		(*linelen)--;
	return j < len ? j + 1 : len;
}

static int
S_is_marker(const char *s, size_t n, int closing)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return (n == 3 && memcmp(s, "---", 3) == 0) ||
	    (closing && n == 3 && memcmp(s, "...", 3) == 0);
}

/*
 * The file must be UTF-8 text without NUL bytes (as the data files must):
 * a stray Latin-1 byte would otherwise reach the page as U+FFFD, or a NUL
 * cut the text short.  Prints an error at the first bad byte (the column
 * counts characters) and returns -1.
 */
static int
S_check_utf8(const char *path, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	struct srcpos pos = { path, 1, 1 };
	size_t i = 0, k, n;
	unsigned long cp;

	while (i < len) {
		if (u[i] == '\n') {
			pos.line++;
			pos.col = 1;
			i++;
			continue;
		}
		if (u[i] == 0) {
			diag_error(&pos, "a NUL byte (the file must be UTF-8 text)");
			return -1;
		}
		if (u[i] < 0x80) {
			n = 1;
			cp = u[i];
		} else if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			n = 2;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			n = 3;
			cp = u[i] & 0x0f;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4) {
			n = 4;
			cp = u[i] & 0x07;
		} else
			n = 0;
		for (k = 1; n > 0 && k < n; k++) {
			if (i + k >= len || (u[i + k] & 0xc0) != 0x80)
				n = 0;
			else
				cp = cp << 6 | (u[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if (n == 0 || (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
			diag_error(&pos, "invalid UTF-8 byte 0x%02x (the file must be UTF-8 text)",
			    u[i]);
			return -1;
		}
		i += n;
		pos.col++;
	}
	return 0;
}

static int
S_valid_id(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Scenario names are read by expressions: letters, digits and '_'. */
static int
S_valid_scen_name(const char *s)
{
	size_t i;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return i <= 64;
}

/* "lessons/03-bandwidth.md" -> "bandwidth"; NULL when that is no slug. */
static char *
S_slug_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n, d = 0;
	char *s;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".md") == 0)
		n -= 3;
	while (d < n && isdigit((unsigned char)base[d]))
		d++;
	if (d > 0 && d < n && base[d] == '-')
		base += d + 1, n -= d + 1;
	s = xstrndup(base, n);
	if (!S_valid_id(s, LESSON_MAX_SLUG)) {
		free(s);
		return NULL;
	}
	return s;
}

struct S_front {
	char *title;
	long order;
	char *summary;
	char *slug;
	struct srcpos title_pos, summary_pos;
};

static const struct yfield S_front_fields[] = {
	{ "title", YF_STRING, offsetof(struct S_front, title), 1,
	    offsetof(struct S_front, title_pos) },
	{ "order", YF_INT, offsetof(struct S_front, order), 1, YF_NOPOS },
	{ "summary", YF_STRING, offsetof(struct S_front, summary), 1,
	    offsetof(struct S_front, summary_pos) },
	{ "slug", YF_ID, offsetof(struct S_front, slug), 0, YF_NOPOS },
	{ "scenarios", YF_CUSTOM, 0, 0, YF_NOPOS },
	{ "problems", YF_CUSTOM, 0, 0, YF_NOPOS },
	{ "raw_html", YF_CUSTOM, 0, 0, YF_NOPOS },
	{ NULL, 0, 0, 0, 0 }
};

static int
S_scenarios(struct lesson *l, const struct ynode *map)
{
	size_t i, j;
	int errors = 0;

	if (map->kind != YNODE_MAP) {
		diag_error(&map->pos, "scenarios must be a mapping of names to "
		    "scenarios, not %s", ytree_kind_name(map->kind));
		return -1;
	}
	if (map->n > LESSON_MAX_SCENARIOS) {
		diag_error(&map->pos, "%zu scenarios, more than the limit of %d",
		    map->n, LESSON_MAX_SCENARIOS);
		return -1;
	}
	l->scen = xcalloc(map->n ? map->n : 1, sizeof *l->scen);
	for (i = 0; i < map->n; i++) {
		const struct ynode *k = map->keys[i];
		struct data_scenario *ds;

		if (!S_valid_scen_name(k->value)) {
			diag_error(&k->pos, "scenario name '%s' must be letters, digits "
			    "and '_' starting with a letter (expressions read it as "
			    "NAME.quantity)", k->value);
			errors++;
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(map->keys[j]->value, k->value) == 0)
				break;
		if (j < i) {
			diag_error(&k->pos, "scenario '%s' defined twice", k->value);
			errors++;
			continue;
		}
		ds = xcalloc(1, sizeof *ds);
		if (data_scenario_parse(l->set, k->value, map->items[i], ds) == -1) {
			free(ds);
			errors++;
			continue;
		}
		l->scen[l->nscen++] = ds;
	}
	return errors ? -1 : 0;
}

static int
S_front_custom(struct lesson *l, const struct ynode *root)
{
	const struct ynode *n;
	int errors = 0;
	size_t i;

	if ((n = ytree_get(root, "scenarios")) != NULL && S_scenarios(l, n) == -1)
		errors++;
	if ((n = ytree_get(root, "problems")) != NULL) {
		if (n->kind != YNODE_SEQ) {
			diag_error(&n->pos, "problems must be a sequence of mappings, "
			    "not %s", ytree_kind_name(n->kind));
			errors++;
		} else {
			int bad = 0;

			for (i = 0; i < n->n; i++)
				if (n->items[i]->kind != YNODE_MAP) {
					diag_error(&n->items[i]->pos, "each problem must "
					    "be a mapping, not %s",
					    ytree_kind_name(n->items[i]->kind));
					bad = 1;
				}
			if (bad)
				errors++;
			else
				l->problems = n;
		}
	}
	if ((n = ytree_get(root, "raw_html")) != NULL) {
		if (n->kind == YNODE_SCALAR && n->plain && strcmp(n->value, "true") == 0)
			l->raw_html = 1;
		else if (n->kind == YNODE_SCALAR && n->plain &&
		    strcmp(n->value, "false") == 0)
			l->raw_html = 0;
		else {
			diag_error(&n->pos, "raw_html must be true or false");
			errors++;
		}
	}
	return errors ? -1 : 0;
}

static int
S_front(struct lesson *l, const struct ynode *root)
{
	struct S_front f;
	int errors = 0;

	memset(&f, 0, sizeof f);
	if (ytree_map_fields(root, S_front_fields, &f, "lesson front matter") == -1)
		errors++;
	if (S_front_custom(l, root) == -1)
		errors++;
	if (f.title != NULL) {
		if (f.title[0] == '\0') {
			diag_error(&f.title_pos, "title is empty");
			errors++;
		} else if (strlen(f.title) > LESSON_MAX_TITLE) {
			diag_error(&f.title_pos, "title is longer than %d bytes",
			    LESSON_MAX_TITLE);
			errors++;
		} else if (strstr(f.title, "{{") != NULL) {
			diag_error(&f.title_pos, "{{ }} is not expanded in the title");
			errors++;
		}
	}
	if (f.summary != NULL) {
		if (strlen(f.summary) > LESSON_MAX_SUMMARY) {
			diag_error(&f.summary_pos, "summary is longer than %d bytes",
			    LESSON_MAX_SUMMARY);
			errors++;
		} else if (strstr(f.summary, "{{") != NULL) {
			diag_error(&f.summary_pos, "{{ }} is not expanded in the summary");
			errors++;
		}
	}
	if (f.order > LESSON_MAX_ORDER) {
		const struct ynode *n = ytree_get(root, "order");

		diag_error(n ? &n->pos : &l->pos, "order must be at most %d",
		    LESSON_MAX_ORDER);
		errors++;
	}
	if (f.slug != NULL && !S_valid_id(f.slug, LESSON_MAX_SLUG)) {
		/* The slug names output files: no '.', no '/', bounded. */
		const struct ynode *n = ytree_get(root, "slug");

		diag_error(n ? &n->pos : &l->pos, "slug must be 1 to %d lower-case "
		    "letters, digits and '-', got '%s'", LESSON_MAX_SLUG, f.slug);
		free(f.slug);
		f.slug = NULL;
		errors++;
	}
	l->title = f.title;
	l->summary = f.summary;
	l->order = f.order;
	l->title_pos = f.title_pos;
	l->summary_pos = f.summary_pos;
	/* Quoted scalars start one column before their text. */
	{
		const struct ynode *n;

		if ((n = ytree_get(root, "title")) != NULL && !n->plain)
			l->title_pos.col++;
		if ((n = ytree_get(root, "summary")) != NULL && !n->plain)
			l->summary_pos.col++;
	}
	if (f.slug != NULL)
		l->slug = f.slug;
	else if ((l->slug = S_slug_from_path(l->path)) == NULL) {
		diag_error(&l->pos, "cannot make a slug from the file name (name it "
		    "NN-slug.md with a slug of a-z, 0-9 and '-', or set slug:)");
		errors++;
	}
	return errors ? -1 : 0;
}

int
lesson_load(const char *path, const struct data_set *set, struct lesson **out)
{
	struct lesson *l;
	size_t len, i, ll, fm_start, fm_end;
	unsigned line = 1;
	int closed = 0;

	*out = NULL;
	l = xcalloc(1, sizeof *l);
	l->path = xstrdup(path);
	l->pos.file = l->path;
	l->pos.line = l->pos.col = 1;
	l->set = set;
	if (util_read_file(path, &l->text, &len) == -1 ||
	    S_check_utf8(l->path, l->text, len) == -1)
		goto fail;
	/* A UTF-8 byte-order mark (some Windows editors write one) is no
	 * text: dropped, as libyaml drops it in data files. */
	if (len >= 3 && memcmp(l->text, "\xEF\xBB\xBF", 3) == 0) {
		memmove(l->text, l->text + 3, len - 3 + 1);
		len -= 3;
	}
	i = S_line(l->text, len, 0, &ll);
	if (!S_is_marker(l->text, ll, 0)) {
		diag_error(&l->pos, "a lesson starts with YAML front matter: '---' "
		    "on the first line");
		goto fail;
	}
	fm_start = i;
	fm_end = len;
	while (i < len) {
		size_t start = i;

		line++;
		i = S_line(l->text, len, i, &ll);
		if (S_is_marker(l->text + start, ll, 1)) {
			fm_end = start;
			closed = 1;
			break;
		}
	}
	if (!closed) {
		diag_error(&l->pos, "the front matter is not closed (no '---' line "
		    "after it)");
		goto fail;
	}
	l->body = l->text + i;
	l->body_len = len - i;
	l->body_line = line + 1;
	/* The front matter starts on line 2. */
	if (ytree_parse(l->path, l->text + fm_start, fm_end - fm_start, 1,
	    &l->front) == -1)
		goto fail;
	if (l->front == NULL) {
		diag_error(&l->pos, "empty front matter (title, order and summary "
		    "are required)");
		goto fail;
	}
	if (l->front->kind != YNODE_MAP) {
		diag_error(&l->front->pos, "the front matter must be a mapping, not %s",
		    ytree_kind_name(l->front->kind));
		goto fail;
	}
	if (S_front(l, l->front) == -1)
		goto fail;
	*out = l;
	return 0;
fail:
	lesson_free(l);
	return -1;
}

void
lesson_free(struct lesson *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nscen; i++) {
		data_scenario_free(l->scen[i]);
		free(l->scen[i]);
	}
	free(l->scen);
	for (i = 0; i < l->nrecs; i++)
		expr_record_free(&l->recs[i]);
	free(l->recs);
	ytree_free(l->front);
	free(l->title);
	free(l->summary);
	free(l->slug);
	free(l->text);
	free(l->path);
	free(l);
}

/* ---- expansion ---- */

void
lesson_expand_opts_defaults(struct lesson_expand_opts *o)
{
	memset(o, 0, sizeof *o);
	o->numbers = LESSON_NUM_LINK;
	o->derivations_href = "derivations.html";
}

/* A link title in double quotes. */
static void
S_title_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '|')
			buf_putc(b, '\\');
		buf_putc(b, *s == '\n' ? ' ' : *s);
	}
}

static struct expr_record *
S_record(struct lesson *l, const struct expr_stmt *st, const struct srcpos *open,
    struct expr_value *v, int in_answer)
{
	struct expr_record *r;
	char *id;
	size_t i;
	int k = 1;

	for (i = 0; i < l->nrecs; i++)
		if (strcmp(l->recs[i].text, st->text) == 0) {
			l->recs[i].count++;
			l->recs[i].in_answer &= in_answer;
			return &l->recs[i];
		}
	id = xasprintf("%s-%08lx", l->slug, expr_hash(st->text));
	/* Two texts with one hash: the later gets a suffix. */
	for (i = 0; i < l->nrecs; i++)
		if (strcmp(l->recs[i].id, id) == 0) {
			free(id);
			id = xasprintf("%s-%08lx-%d", l->slug, expr_hash(st->text), ++k);
			i = (size_t)-1;
		}
	l->recs = xreallocarray(l->recs, l->nrecs + 1, sizeof *l->recs);
	r = &l->recs[l->nrecs++];
	memset(r, 0, sizeof *r);
	r->id = id;
	r->slug = xstrdup(l->slug);
	r->pos = *open;
	r->scenario = v->nterms > 0 ? xstrdup(v->terms[0].scenario) : NULL;
	r->text = xstrdup(st->text);
	r->value = v->num;
	r->formatted = v->str;
	r->terms = v->terms;
	r->nterms = v->nterms;
	r->derivation = v->derivation;
	r->count = 1;
	r->in_answer = in_answer;
	v->str = NULL;
	v->terms = NULL;
	v->nterms = 0;
	v->derivation = NULL;
	return r;
}

/*
 * A string from data (a chip's or model's name) into the body.  Plain
 * Markdown escaping stops markup in running text, but in a raw_html
 * lesson the string may land inside an HTML block or attribute, where
 * backslashes mean nothing and `"` would end the attribute: there every
 * ASCII punctuation character is written as a numeric character
 * reference, which Markdown text decodes to the character itself and
 * HTML reads as text, in element content and in attributes alike.
 */
static void
S_data_text(const struct lesson *l, struct buf *md, const char *s)
{
	if (!l->raw_html) {
		buf_md_text(md, s);
		return;
	}
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			buf_putc(md, ' ');
		else if (c < 0x80 && ispunct(c))
			buf_printf(md, "&#%u;", (unsigned)c);
		else
			buf_putc(md, (char)c);
	}
}

static void
S_number(const struct lesson_expand_opts *o, const struct expr_record *r,
    struct buf *md)
{
	if (o->number != NULL) {
		o->number(o->ctx, r, md);
		return;
	}
	if (o->numbers == LESSON_NUM_BARE) {
		buf_md_text(md, r->formatted);
		return;
	}
	buf_putc(md, '[');
	buf_md_text(md, r->formatted);
	buf_printf(md, "](%s#n-%s \"", o->derivations_href ? o->derivations_href :
	    "derivations.html", r->id);
	S_title_escape(md, r->derivation ? r->derivation : r->text);
	buf_puts(md, "\")");
}

/* Only blanks between the line's start and `start`, and between `end` and
 * the line's end? */
static int
S_alone_on_line(const char *s, size_t len, size_t start, size_t end)
{
	size_t i;

	for (i = start; i > 0 && s[i - 1] != '\n'; i--)
		if (s[i - 1] != ' ' && s[i - 1] != '\t')
			return 0;
	for (i = end; i < len && s[i] != '\n'; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static int
S_figure(struct lesson *l, const struct lesson_expand_opts *o,
    struct expr_env *env, const struct lscan *sc, const struct lscan_span *sp,
    const struct expr_stmt *st, struct buf *md)
{
	const struct data_scenario *ds;
	struct srcpos open = lscan_pos(sc, sp->start);
	int rc = 0;

	if (!S_alone_on_line(sc->s, sc->len, sp->start, sp->end)) {
		diag_error(&open, "a figure must be on a line of its own");
		rc = -1;
	}
	if ((ds = expr_env_find(env, st->fig_scen)) == NULL) {
		struct buf b;

		buf_init(&b);
		expr_env_list(env, &b);
		diag_error(&st->fig_scen_pos, "unknown scenario '%s' (%s)", st->fig_scen,
		    b.data);
		buf_free(&b);
		return -1;
	}
	if (rc == 0 && o->figure != NULL &&
	    o->figure(o->ctx, l, st->fig_name, ds, &open, md) == -1)
		rc = -1;
	return rc;
}

/*
 * Is the text between the braces a block marker?  1: `answer`, 2: `end
 * answer`, -1: a malformed one (`end`, `end answers`, `answer 2`), 0: an
 * expression.  A scenario may still be called "answer" or "end": a word
 * followed by '.', '[' or '(' is read as an expression.
 */
static int
S_marker(const char *s, size_t n)
{
	size_t i = 0, w;
	int open;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	for (w = i; i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'); i++)
		;
	if (i - w == 6 && memcmp(s + w, "answer", 6) == 0)
		open = 1;
	else if (i - w == 3 && memcmp(s + w, "end", 3) == 0)
		open = 0;
	else
		return 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i < n && (s[i] == '.' || s[i] == '[' || s[i] == '('))
		return 0;
	if (open)
		return i == n ? 1 : -1;
	for (w = i; i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'); i++)
		;
	if (i - w != 6 || memcmp(s + w, "answer", 6) != 0)
		return -1;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i == n ? 2 : -1;
}

/* State of the answer blocks while expanding. */
struct S_blocks {
	int open;			/* inside {{ answer }} ... */
	unsigned count;			/* blocks opened so far */
	struct srcpos open_pos;
	struct buf hidden;		/* where a hidden block's text goes */
};

/* Handles one marker span; returns 0, or -1 after printing an error. */
static int
S_block_marker(const struct lesson_expand_opts *o, struct S_blocks *bl,
    const struct lscan *sc, const struct lscan_span *sp, int kind,
    struct buf **out, struct buf *md)
{
	struct srcpos open = lscan_pos(sc, sp->start);
	int rc = 0;

	if (kind == -1) {
		diag_error(&open, "unknown block marker '{{%.*s}}' (the only block is "
		    "{{ answer }} ... {{ end answer }}, each on a line of its own)",
		    (int)(sp->in_end - sp->in_start), sc->s + sp->in_start);
		return -1;
	}
	/* A misplaced marker still opens or closes its block, so that one
	 * mistake does not cascade into "unpaired" errors. */
	if (!S_alone_on_line(sc->s, sc->len, sp->start, sp->end)) {
		diag_error(&open, "%s must be on a line of its own", kind == 1 ?
		    "{{ answer }}" : "{{ end answer }}");
		rc = -1;
	}
	if (kind == 1) {
		if (bl->open) {
			diag_error(&open, "{{ answer }} inside the answer block opened "
			    "at line %u (close it with {{ end answer }} first)",
			    bl->open_pos.line);
			return -1;
		}
		bl->open = 1;
		bl->open_pos = open;
		bl->count++;
		if (o->answers == LESSON_ANSWERS_HIDE)
			*out = &bl->hidden;
		return rc;
	}
	if (!bl->open) {
		diag_error(&open, "{{ end answer }} without an open {{ answer }}");
		return -1;
	}
	bl->open = 0;
	*out = md;
	return rc;
}

/*
 * `{{ table NAME }}` on a line of its own: a Markdown table generated from
 * the data set.  The one table so far is "measurements" (data/
 * measurements.yaml against the roofline, see evidence.h).
 */
static int
S_table(struct lesson *l, const struct lscan *sc, const struct lscan_span *sp,
    const struct expr_stmt *st, struct buf *out)
{
	struct srcpos open = lscan_pos(sc, sp->start);

	if (!S_alone_on_line(sc->s, sc->len, sp->start, sp->end)) {
		diag_error(&open, "{{ table %s }} must be on a line of its own", st->fig_name);
		return -1;
	}
	if (strcmp(st->fig_name, "measurements") != 0) {
		diag_error(&st->fig_scen_pos, "unknown table '%s' (known tables: measurements)",
		    st->fig_name);
		return -1;
	}
	{
		size_t before = out->len;

		lesson_table_measurements(l->set, out);
		if (out->len == before)
			buf_puts(out, "*No measurements: the data has no measurements.yaml entries.*");
	}
	return 0;
}

/* Whether `n` bytes of expanded Markdown are more than a lesson may make;
 * if so, says so at body offset `at` (where the text that crosses the
 * limit begins). */
static int
S_too_big(size_t n, const struct lscan *sc, size_t at)
{
	struct srcpos pos;

	if (n <= LESSON_MAX_EXPANDED)
		return 0;
	pos = lscan_pos(sc, at);
	diag_error(&pos, "the lesson expands to more than %d KiB of Markdown by here "
	    "(the limit per lesson)", LESSON_MAX_EXPANDED / 1024);
	return 1;
}

int
lesson_expand(struct lesson *l, const struct lesson_expand_opts *opts,
    struct buf *md)
{
	struct S_blocks bl;
	struct buf *out = md;
	struct lesson_expand_opts defaults;
	struct srcpos base = { l->path, l->body_line, 1 };
	struct expr_env env;
	struct lscan sc;
	size_t i, at = 0, md_start, ntables = 0, nfigures = 0;
	int errors = 0;

	if (opts == NULL) {
		lesson_expand_opts_defaults(&defaults);
		opts = &defaults;
	}
	for (i = 0; i < l->nrecs; i++)
		expr_record_free(&l->recs[i]);
	free(l->recs);
	l->recs = NULL;
	l->nrecs = 0;
	if (md->data == NULL)
		buf_put(md, "", 0);
	md_start = md->len;
	memset(&bl, 0, sizeof bl);
	buf_init(&bl.hidden);
	lscan_run(l->body, l->body_len, base, &sc);
	expr_env_init(&env, l->scen, l->nscen);
	env.set = l->set;
	for (i = 0; i < sc.nspans; i++) {
		const struct lscan_span *sp = &sc.spans[i];
		struct srcpos open = lscan_pos(&sc, sp->start);
		struct expr_stmt st;
		struct expr_value v;

		/* Bounded output: 4,000 tables once made 57 MB and minutes of
		 * typesetting from a 104 KB file. */
		if (S_too_big(md->len - md_start + bl.hidden.len + (sp->start - at),
		    &sc, at)) {
			errors++;
			break;
		}
		buf_put(out, l->body + at, sp->start - at);
		at = sp->end;
		if (i == LESSON_MAX_EXPRS) {
			diag_error(&open, "more than %d {{ }} in one lesson",
			    LESSON_MAX_EXPRS);
			errors++;
		}
		if (i >= LESSON_MAX_EXPRS) {
			buf_put(out, l->body + sp->start, sp->end - sp->start);
			continue;
		}
		if (sp->unterminated) {
			diag_error(&open, "unterminated '{{' (no '}}' before the end of "
			    "the paragraph)");
			errors++;
			buf_put(out, l->body + sp->start, sp->end - sp->start);
			continue;
		}
		{
			int mk = S_marker(l->body + sp->in_start, sp->in_end - sp->in_start);

			if (mk != 0) {
				if (S_block_marker(opts, &bl, &sc, sp, mk, &out, md) == -1)
					errors++;
				continue;
			}
		}
		if (expr_parse(l->body + sp->in_start, sp->in_end - sp->in_start,
		    lscan_pos(&sc, sp->in_start), &st) == -1) {
			errors++;
			continue;
		}
		switch (st.kind) {
		case EXPR_STMT_LIT:
			buf_puts(out, st.lit);
			break;
		case EXPR_STMT_FIGURE:
			if (++nfigures == LESSON_MAX_FIGURES + 1)
				diag_error(&open, "more than %d {{ figure }} in one lesson",
				    LESSON_MAX_FIGURES);
			if (nfigures > LESSON_MAX_FIGURES ||
			    S_figure(l, opts, &env, &sc, sp, &st, out) == -1)
				errors++;
			break;
		case EXPR_STMT_TABLE:
			if (++ntables == LESSON_MAX_TABLES + 1)
				diag_error(&open, "more than %d {{ table }} in one lesson",
				    LESSON_MAX_TABLES);
			if (ntables > LESSON_MAX_TABLES || S_table(l, &sc, sp, &st, out) == -1)
				errors++;
			break;
		case EXPR_STMT_VALUE:
			if (expr_eval(&env, &st, &v) == -1) {
				errors++;
				break;
			}
			if (v.type == EXPR_V_STR)
				S_data_text(l, out, v.str);
			else
				S_number(opts, S_record(l, &st, &open, &v, bl.open), out);
			expr_value_free(&v);
			break;
		}
		expr_stmt_free(&st);
	}
	if (i == sc.nspans && !S_too_big(md->len - md_start + bl.hidden.len +
	    (l->body_len - at), &sc, at))
		buf_put(out, l->body + at, l->body_len - at);
	else if (i == sc.nspans)
		errors++;
	if (bl.open) {
		diag_error(&bl.open_pos, "{{ answer }} without {{ end answer }} (the "
		    "block runs to the end of the file)");
		errors++;
	}
	l->nanswers = bl.count;
	l->ntables = ntables;
	l->nexpanded = md->len - md_start + bl.hidden.len;
	buf_free(&bl.hidden);
	expr_env_free(&env);
	lscan_free(&sc);
	return errors ? -1 : 0;
}

int
lesson_site_bound(const struct lesson *l, size_t total[3])
{
	total[0] += l->nexpanded;
	total[1] += l->ntables;
	total[2]++;
	if (total[2] > LESSON_MAX_SITE_LESSONS) {
		diag_error(&l->pos, "more than %d lessons in the site", LESSON_MAX_SITE_LESSONS);
		return -1;
	}
	if (total[0] > LESSON_MAX_SITE_EXPANDED) {
		diag_error(&l->pos, "the lessons expand to more than %d KiB of Markdown "
		    "together with this one (the limit per site)",
		    LESSON_MAX_SITE_EXPANDED / 1024);
		return -1;
	}
	if (total[1] > LESSON_MAX_SITE_TABLES) {
		diag_error(&l->pos, "the lessons hold more than %d {{ table }} together "
		    "with this one (the limit per site)", LESSON_MAX_SITE_TABLES);
		return -1;
	}
	return 0;
}

int
lesson_check(struct lesson *l)
{
	struct buf md;
	int rc = 0;

	if (lesson_lint(l) > 0)
		rc = -1;
	buf_init(&md);
	if (lesson_expand(l, NULL, &md) == -1)
		rc = -1;
	buf_free(&md);
	return rc;
}

const struct expr_record *
lesson_record_find(const struct lesson *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->nrecs; i++)
		if (strcmp(l->recs[i].id, id) == 0)
			return &l->recs[i];
	return NULL;
}
