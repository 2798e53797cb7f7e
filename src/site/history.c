/*
 * history.c -- the history of the site's editions: DATA/editions.yaml
 * (written and read back), the edition this build publishes, the notice
 * on the pages whose numbers it moved, the "What changed" page and the
 * Atom feed.  What a state is and how two states compare is editions.c.
 *
 * The history file holds the editions, newest first, and the state of the
 * latest: a build compares its own state with that one, so a fresh clone
 * republishes the same history and a build with nothing changed adds
 * nothing.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "lesson.h"
#include "site.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"
#include "ytree.h"

#define S_HISTORY "editions.yaml"

/* ------------------------------------------------------------------ */
/* The history file                                                     */

/* A YAML double-quoted scalar that reads back to exactly s. */
static void
S_yaml_str(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_putc(b, '"');
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p == '\t')
			buf_puts(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* C1 controls are not printable YAML. */
			buf_printf(b, "\\u%04x", p[1]);
			p++;
		} else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

static void
S_yaml_kv(struct buf *b, const char *key, const char *value, int first)
{
	buf_printf(b, "%s%s: ", first ? "" : ", ", key);
	S_yaml_str(b, value);
}

static void
S_write_changes(struct buf *b, const struct site_changes *c)
{
	size_t i;

	buf_printf(b, "    published: %zu\n    new: %zu\n    gone: %zu\n", c->published,
	    c->added, c->removed);
	buf_puts(b, c->nedits > 0 ? "    edits:\n" : "    edits: []\n");
	for (i = 0; i < c->nedits; i++) {
		const struct ed_edit *e = &c->edits[i];

		buf_puts(b, "      - {");
		S_yaml_kv(b, "file", e->file, 1);
		S_yaml_kv(b, "entry", e->entry, 0);
		S_yaml_kv(b, "field", e->field, 0);
		S_yaml_kv(b, "old", e->old, 0);
		S_yaml_kv(b, "new", e->new_, 0);
		S_yaml_kv(b, "source", e->source, 0);
		buf_puts(b, "}\n");
	}
	buf_puts(b, c->nflips > 0 ? "    conclusions:\n" : "    conclusions: []\n");
	for (i = 0; i < c->nflips; i++) {
		buf_puts(b, "      - {");
		S_yaml_kv(b, "page", c->flips[i].page, 1);
		S_yaml_kv(b, "text", c->flips[i].text, 0);
		buf_puts(b, "}\n");
	}
	buf_puts(b, c->nmoves > 0 ? "    numbers:\n" : "    numbers: []\n");
	for (i = 0; i < c->nmoves; i++) {
		const struct ed_move *m = &c->moves[i];

		buf_puts(b, "      - {");
		S_yaml_kv(b, "id", m->id, 1);
		S_yaml_kv(b, "label", m->label, 0);
		S_yaml_kv(b, "old", m->old, 0);
		S_yaml_kv(b, "new", m->new_, 0);
		S_yaml_kv(b, "pages", m->pages, 0);
		S_yaml_kv(b, "page", m->lesson, 0);
		S_yaml_kv(b, "sentence", m->sentence, 0);
		buf_puts(b, "}\n");
	}
}

static void
S_history_text(const struct site_history *h, const struct site_state *st, struct buf *b)
{
	size_t i;

	buf_puts(b, "# editions.yaml -- the published editions of the site, newest first, and\n"
	    "# the state of the latest (every data field and every printed number), which\n"
	    "# the next build compares with.  Written by `make site` (inferbook site\n"
	    "# --record-edition); commit it with the data.  Do not edit by hand.\n"
	    "format: 1\neditions:\n");
	for (i = 0; i < h->n; i++) {
		buf_printf(b, "  - number: %ld\n    date: ", h->e[i].number);
		S_yaml_str(b, h->e[i].date);
		buf_putc(b, '\n');
		S_write_changes(b, h->e[i].ch);
	}
	buf_puts(b, "state:\n  fields:\n");
	for (i = 0; i < st->nf; i++) {
		buf_puts(b, "    - [");
		S_yaml_str(b, st->f[i].file);
		buf_puts(b, ", ");
		S_yaml_str(b, st->f[i].entry);
		buf_puts(b, ", ");
		S_yaml_str(b, st->f[i].field);
		buf_puts(b, ", ");
		S_yaml_str(b, st->f[i].value);
		buf_puts(b, "]\n");
	}
	buf_puts(b, "  numbers:\n");
	for (i = 0; i < st->nn; i++) {
		buf_puts(b, "    - [");
		S_yaml_str(b, st->n[i].id);
		buf_puts(b, ", ");
		S_yaml_str(b, st->n[i].label);
		buf_puts(b, ", ");
		S_yaml_str(b, st->n[i].value);
		buf_puts(b, ", ");
		S_yaml_str(b, st->n[i].pages);
		buf_puts(b, "]\n");
	}
}

/* Reading: every node checked, errors at the node. */
static int
S_want(const struct ynode *n, enum ynode_kind k, const char *what)
{
	if (n != NULL && n->kind == k)
		return 0;
	if (n != NULL)
		diag_error(&n->pos, "%s must be %s", what, ytree_kind_name(k));
	return -1;
}

static const char *
S_str(const struct ynode *map, const char *key, int *rc)
{
	const struct ynode *n = ytree_get(map, key);

	if (n == NULL) {
		diag_error(&map->pos, "missing '%s'", key);
		*rc = -1;
		return "";
	}
	if (n->kind != YNODE_SCALAR) {
		diag_error(&n->pos, "'%s' must be a scalar", key);
		*rc = -1;
		return "";
	}
	return n->value;
}

static long
S_count(const struct ynode *map, const char *key, int *rc)
{
	const struct ynode *n = ytree_get(map, key);
	long v = 0;

	if (n == NULL) {
		diag_error(&map->pos, "missing '%s'", key);
		*rc = -1;
	} else if (ytree_integer(n, key, 0, 100000000L, &v) != 0)
		*rc = -1;
	return v;
}

static const struct ynode *
S_list(const struct ynode *map, const char *key, int *rc)
{
	const struct ynode *n = ytree_get(map, key);

	if (n == NULL) {
		diag_error(&map->pos, "missing '%s'", key);
		*rc = -1;
		return NULL;
	}
	if (S_want(n, YNODE_SEQ, key) != 0) {
		*rc = -1;
		return NULL;
	}
	return n;
}

static struct site_changes *
S_read_changes(const struct ynode *e, int *rc)
{
	struct site_changes *c = xcalloc(1, sizeof(*c));
	const struct ynode *l;
	size_t i;

	c->published = (size_t)S_count(e, "published", rc);
	c->added = (size_t)S_count(e, "new", rc);
	c->removed = (size_t)S_count(e, "gone", rc);
	if ((l = S_list(e, "edits", rc)) != NULL)
		for (i = 0; i < l->n; i++) {
			const struct ynode *m = l->items[i];

			if (S_want(m, YNODE_MAP, "an edit") != 0) {
				*rc = -1;
				continue;
			}
			site_changes_edit_push(c, S_str(m, "file", rc), S_str(m, "entry", rc),
			    S_str(m, "field", rc), S_str(m, "old", rc), S_str(m, "new", rc),
			    S_str(m, "source", rc));
		}
	if ((l = S_list(e, "conclusions", rc)) != NULL)
		for (i = 0; i < l->n; i++) {
			const struct ynode *m = l->items[i];

			if (S_want(m, YNODE_MAP, "a conclusion") != 0) {
				*rc = -1;
				continue;
			}
			site_changes_flip_push(c, S_str(m, "page", rc), S_str(m, "text", rc));
		}
	if ((l = S_list(e, "numbers", rc)) != NULL)
		for (i = 0; i < l->n; i++) {
			const struct ynode *m = l->items[i];

			if (S_want(m, YNODE_MAP, "a number") != 0) {
				*rc = -1;
				continue;
			}
			site_changes_move_push(c, S_str(m, "id", rc), S_str(m, "label", rc),
			    S_str(m, "old", rc), S_str(m, "new", rc), S_str(m, "pages", rc),
			    S_str(m, "page", rc), S_str(m, "sentence", rc));
		}
	return c;
}

/* A row of scalars [a, b, c, d]. */
static int
S_row(const struct ynode *n, size_t want, const char **out)
{
	size_t i;

	if (S_want(n, YNODE_SEQ, "a state row") != 0)
		return -1;
	if (n->n != want) {
		diag_error(&n->pos, "a state row must have %zu items, it has %zu", want, n->n);
		return -1;
	}
	for (i = 0; i < want; i++) {
		if (S_want(n->items[i], YNODE_SCALAR, "a state item") != 0)
			return -1;
		out[i] = n->items[i]->value;
	}
	return 0;
}

void
site_history_free(struct site_history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->e[i].date);
		site_changes_free(h->e[i].ch);
	}
	free(h->e);
	site_state_free(h->state);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

/* DIR/editions.yaml into h (empty when the file is absent): 0 or -1. */
static int
S_history_load(struct site_history *h, const char *dir)
{
	struct ynode *root = NULL;
	const struct ynode *eds, *st, *l;
	char *text;
	size_t len, i;
	int rc = 0;
	struct stat sb;

	memset(h, 0, sizeof(*h));
	h->path = xasprintf("%s/%s", dir, S_HISTORY);
	if (lstat(h->path, &sb) != 0 && errno == ENOENT)
		return 0;
	if (util_read_file(h->path, &text, &len) != 0)
		return -1;
	if (ytree_parse(h->path, text, len, 0, &root) != 0) {
		free(text);
		return -1;
	}
	free(text);
	if (root == NULL) {
		ytree_free(root);
		return 0;
	}
	if (S_want(root, YNODE_MAP, "editions.yaml") != 0) {
		ytree_free(root);
		return -1;
	}
	if (strcmp(S_str(root, "format", &rc), "1") != 0 && rc == 0) {
		diag_error(&ytree_get(root, "format")->pos, "unknown format (this tool writes 1)");
		rc = -1;
	}
	if ((eds = S_list(root, "editions", &rc)) != NULL)
		for (i = 0; i < eds->n; i++) {
			const struct ynode *e = eds->items[i];
			struct site_edition *x;
			long num;

			if (S_want(e, YNODE_MAP, "an edition") != 0) {
				rc = -1;
				continue;
			}
			num = S_count(e, "number", &rc);
			h->e = xreallocarray(h->e, h->n + 1, sizeof(*h->e));
			x = &h->e[h->n++];
			x->number = num;
			x->date = xstrdup(S_str(e, "date", &rc));
			x->ch = S_read_changes(e, &rc);
			/* Edition 1 had nothing to compare with. */
			x->ch->first = num == 1;
			if (h->n > 1 && num != h->e[h->n - 2].number - 1) {
				diag_error(&e->pos, "edition %ld follows edition %ld (newest first, "
				    "numbered without gaps)", num, h->e[h->n - 2].number);
				rc = -1;
			}
		}
	st = ytree_get(root, "state");
	if (st != NULL && S_want(st, YNODE_MAP, "state") == 0) {
		h->state = xcalloc(1, sizeof(*h->state));
		if ((l = S_list(st, "fields", &rc)) != NULL)
			for (i = 0; i < l->n; i++) {
				const char *r[4];

				if (S_row(l->items[i], 4, r) != 0)
					rc = -1;
				else
					site_state_field_add(h->state, r[0], r[1], r[2], r[3]);
			}
		if ((l = S_list(st, "numbers", &rc)) != NULL)
			for (i = 0; i < l->n; i++) {
				const char *r[4];

				if (S_row(l->items[i], 4, r) != 0)
					rc = -1;
				else
					site_state_num_add(h->state, r[0], r[1], r[2], r[3]);
			}
		if (h->state->nf > 0)
			qsort(h->state->f, h->state->nf, sizeof(*h->state->f),
			    site_state_cmp_field);
		site_state_sort(h->state);
	} else if (st != NULL)
		rc = -1;
	if (rc == 0 && h->n > 0 && h->state == NULL) {
		diag_error(&root->pos, "editions without a 'state' to compare with");
		rc = -1;
	}
	ytree_free(root);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The edition this build publishes                                     */

/* YYYY-MM-DD of $SOURCE_DATE_EPOCH (UTC), or "" when it is not set. */
static void
S_epoch_date(char *out, size_t n)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long e;
	time_t t;
	struct tm tm;

	out[0] = '\0';
	if (env == NULL || *env == '\0')
		return;
	e = strtoll(env, &end, 10);
	if (*end != '\0' || e < 0 || e > 253402300799LL)
		return;
	t = (time_t)e;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

static int
S_changes_any(const struct site_changes *c)
{
	return c->nedits > 0 || site_changes_numbers(c);
}

int
site_editions_prepare(struct site *s)
{
	struct site_history *h = &s->hist;
	struct site_state *st;
	char date[32];

	if ((st = site_state_build(s)) == NULL)
		return -1;
	site_state_sort(st);
	s->state = st;
	if (s->o->state_out != NULL) {
		/* `inferbook diff`: the state is all it wants. */
		memset(h, 0, sizeof(*h));
		return 0;
	}
	if (S_history_load(h, s->o->data_dir) != 0)
		return -1;
	S_epoch_date(date, sizeof(date));
	if (h->state != NULL) {
		struct site_changes *c = site_changes_compare(h->state, st);

		if (!S_changes_any(c)) {
			site_changes_free(c);
			s->ed_new = 0;
		} else {
			s->ed_new = 1;
			s->ed_changes = c;
		}
	} else {
		/* The first edition: every number is published, nothing moved. */
		s->ed_changes = xcalloc(1, sizeof(*s->ed_changes));
		s->ed_changes->published = st->nn;
		s->ed_changes->first = 1;
		s->ed_new = 1;
	}
	if (s->ed_new) {
		struct site_edition *x;

		h->e = xreallocarray(h->e, h->n + 1, sizeof(*h->e));
		memmove(h->e + 1, h->e, h->n * sizeof(*h->e));
		x = &h->e[0];
		x->number = h->n > 0 ? h->e[1].number + 1 : 1;
		x->date = xstrdup(date);
		x->ch = s->ed_changes;
		h->n++;
		s->ed_changes = NULL;
		if (s->o->record_edition && date[0] == '\0') {
			struct srcpos pos = { h->path, 0, 0 };

			diag_error(&pos, "a new edition needs a date: set SOURCE_DATE_EPOCH "
			    "(make site sets it to the last commit's)");
			return -1;
		}
	}
	if (h->e[0].date[0] != '\0')
		s->ed_title = xasprintf("Edition %ld, %s", h->e[0].number, h->e[0].date);
	else
		s->ed_title = xasprintf("Edition %ld (not yet recorded)", h->e[0].number);
	return 0;
}

/* True when the latest edition moved a number printed on page `slug`. */
static int
S_moved_on(const struct site *s, const char *slug)
{
	const struct site_changes *c;
	size_t i;

	if (s->hist.n == 0)
		return 0;
	c = s->hist.e[0].ch;
	for (i = 0; i < c->nmoves; i++) {
		const char *p = c->moves[i].pages;
		size_t n = strlen(slug);

		while ((p = strstr(p, slug)) != NULL) {
			if ((p == c->moves[i].pages || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
				return 1;
			p += n;
		}
	}
	return 0;
}

void
site_edition_ctx(struct site *s, struct tval *ctx, const char *current)
{
	if (s->ed_title == NULL)
		return;
	tval_set_str(ctx, "edition_title", s->ed_title);
	tval_set_bool(ctx, "at_changes", current != NULL && strcmp(current, "changes") == 0);
	if (current != NULL && strcmp(current, "changes") != 0 && S_moved_on(s, current)) {
		struct tval *m = tval_set(ctx, "edition_notice", tval_map());

		tval_set_str(m, "title", s->ed_title);
		tval_set_strf(m, "href", "changes.html#edition-%ld", s->hist.e[0].number);
	}
}

/* The title of a page named by slug ("chips" -> "Chips"). */
static const char *
S_page_title(const struct site *s, const char *slug, const char **href_slug)
{
	size_t i;

	/* *href_slug is NULL when the page is no longer published (a lesson
	 * removed or renamed since that edition): history names it, but a link
	 * to it would be dead. */
	*href_slug = slug;
	for (i = 0; i < s->npages; i++)
		if (strcmp(s->pages[i].l->slug, slug) == 0)
			return s->pages[i].l->title;
	if (strcmp(slug, "chips") == 0)
		return "Chips";
	if (strcmp(slug, "models") == 0)
		return "Models";
	if (strcmp(slug, "answers") == 0 && s->have_answers)
		return "Answers";
	*href_slug = NULL;
	return slug;
}

static void
S_edition_tval(const struct site *s, struct tval *m, const struct site_edition *e)
{
	const struct site_changes *c = e->ch;
	struct tval *l, *g = NULL;
	const char *last = NULL, *href;
	size_t i;

	tval_set_strf(m, "number", "%ld", e->number);
	tval_set_str(m, "date", e->date[0] != '\0' ? e->date : "not yet recorded");
	tval_set_bool(m, "first", c->first);
	tval_set_strf(m, "published", "%zu", c->published);
	tval_set_strf(m, "added", "%zu", c->added);
	tval_set_strf(m, "removed", "%zu", c->removed);
	tval_set_bool(m, "has_counts", c->added > 0 || c->removed > 0);
	tval_set_bool(m, "has_edits", c->nedits > 0);
	tval_set_bool(m, "has_flips", c->nflips > 0);
	tval_set_bool(m, "has_moves", c->nmoves > 0);
	tval_set_strf(m, "nmoves", "%zu", c->nmoves);
	/* One group per data entry (edits come sorted by file and entry), so
	 * that its source is printed once, not on every field's row. */
	l = tval_set(m, "entries", tval_list());
	for (i = 0; i < c->nedits; i++) {
		const struct ed_edit *d = &c->edits[i];
		struct tval *x;

		if (i == 0 || strcmp(d->file, c->edits[i - 1].file) != 0 ||
		    strcmp(d->entry, c->edits[i - 1].entry) != 0) {
			struct tval *grp = tval_push_map(l);

			tval_set_str(grp, "file", d->file);
			tval_set_str(grp, "entry", d->entry);
			tval_set_str(grp, "source", d->source);
			g = tval_set(grp, "edits", tval_list());
		}
		x = tval_push_map(g);
		if (d->field[0] == '\0') {
			/* A whole entry: it is new, or gone. */
			tval_set_str(x, "field", "(the entry)");
			tval_set_str(x, "old", d->new_[0] != '\0' ? "\xe2\x80\x94" : "present");
			tval_set_str(x, "new", d->new_[0] != '\0' ? "added" : "removed");
		} else {
			tval_set_str(x, "field", d->field);
			tval_set_str(x, "old", d->old[0] != '\0' ? d->old : "\xe2\x80\x94");
			tval_set_str(x, "new", d->new_[0] != '\0' ? d->new_ : "\xe2\x80\x94");
		}
	}
	l = tval_set(m, "flips", tval_list());
	for (i = 0; i < c->nflips; i++) {
		struct tval *x = tval_push_map(l);

		tval_set_str(x, "page", S_page_title(s, c->flips[i].page, &href));
		tval_set_str(x, "text", c->flips[i].text);
	}
	l = tval_set(m, "groups", tval_list());
	for (i = 0; i < c->nmoves; i++) {
		const struct ed_move *mv = &c->moves[i];
		struct tval *x;

		if (last == NULL || strcmp(last, mv->lesson) != 0) {
			struct tval *grp = tval_push_map(l);

			tval_set_str(grp, "title", S_page_title(s, mv->lesson, &href));
			if (href != NULL)
				tval_set_strf(grp, "href", "%s.html", href);
			tval_set_strf(grp, "anchor", "edition-%ld-%s", e->number, mv->lesson);
			g = tval_set(grp, "numbers", tval_list());
		}
		last = mv->lesson;
		x = tval_push_map(g);
		tval_set_str(x, "label", mv->label);
		tval_set_str(x, "old", mv->old);
		tval_set_str(x, "new", mv->new_);
		tval_set_str(x, "pages", mv->pages);
		tval_set_str(x, "sentence", mv->sentence);
	}
}

int
site_write_changes(struct site *s, const struct site_genpage *g)
{
	struct tval *ctx, *l;
	size_t i;

	if (s->hist.n == 0)
		return 0;
	if (site_write_feed(s) != 0)
		return -1;
	ctx = tval_map();
	tval_set_str(ctx, "title", g->nav);
	tval_set_str(ctx, "description", "Every edition of the site: the data edits, the "
	    "numbers that moved and the conclusions that changed.");
	l = tval_set(ctx, "editions", tval_list());
	for (i = 0; i < s->hist.n; i++)
		S_edition_tval(s, tval_push_map(l), &s->hist.e[i]);
	{
		char *file = xasprintf("%s.html", g->slug);
		int rc = site_page(s, file, g->tmpl, ctx, g->slug);

		free(file);
		return rc;
	}
}

/* XML text (Atom). */
static void
S_xml(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '&')
			buf_puts(b, "&amp;");
		else if (*s == '<')
			buf_puts(b, "&lt;");
		else if (*s == '>')
			buf_puts(b, "&gt;");
		else if (*s == '"')
			buf_puts(b, "&quot;");
		else if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
			buf_putc(b, ' ');
		else
			buf_putc(b, *s);
	}
}

/* One line that sums an edition up (the feed's summaries). */
static char *
S_summary(const struct site_edition *e)
{
	const struct site_changes *c = e->ch;

	if (c->first)
		return xasprintf("The first recorded edition: %zu numbers published.", c->published);
	return xasprintf("%zu data edit%s, %zu number%s moved, %zu new, %zu gone; "
	    "%zu conclusion%s changed.", c->nedits, c->nedits == 1 ? "" : "s", c->nmoves,
	    c->nmoves == 1 ? "" : "s", c->added, c->removed, c->nflips,
	    c->nflips == 1 ? "" : "s");
}

/*
 * editions.atom: one entry per dated edition, newest first.  Ids are tag
 * URIs that never change; every date is the edition's own (never the
 * clock), so the feed is the same bytes for the same history.
 */
int
site_write_feed(struct site *s)
{
	struct buf b;
	size_t i, k;
	const char *updated = NULL;
	int rc;

	if (s->hist.n == 0)
		return 0;
	for (i = 0; i < s->hist.n && updated == NULL; i++)
		if (s->hist.e[i].date[0] != '\0')
			updated = s->hist.e[i].date;
	buf_init(&b);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
	S_xml(&b, SITE_TITLE);
	buf_puts(&b, ": editions</title>\n  <subtitle>What each edition changed: data edits, "
	    "numbers that moved, conclusions that changed.</subtitle>\n"
	    "  <id>tag:inferbook,2026:editions</id>\n"
	    "  <link rel=\"self\" href=\"editions.atom\"/>\n"
	    "  <link rel=\"alternate\" type=\"text/html\" href=\"changes.html\"/>\n");
	buf_printf(&b, "  <updated>%sT00:00:00Z</updated>\n  <author><name>",
	    updated != NULL ? updated : "1970-01-01");
	S_xml(&b, SITE_AUTHOR);
	buf_puts(&b, "</name></author>\n");
	for (i = 0; i < s->hist.n; i++) {
		const struct site_edition *e = &s->hist.e[i];
		const struct site_changes *c = e->ch;
		char *sum;

		if (e->date[0] == '\0')
			continue;
		sum = S_summary(e);
		buf_printf(&b, "  <entry>\n    <title>Edition %ld, %s</title>\n"
		    "    <id>tag:inferbook,2026:editions/%ld</id>\n"
		    "    <link rel=\"alternate\" type=\"text/html\" href=\"changes.html#edition-%ld\"/>\n"
		    "    <updated>%sT00:00:00Z</updated>\n    <summary type=\"text\">",
		    e->number, e->date, e->number, e->number, e->date);
		S_xml(&b, sum);
		buf_puts(&b, "</summary>\n    <content type=\"text\">");
		S_xml(&b, sum);
		for (k = 0; k < c->nedits; k++) {
			const struct ed_edit *d = &c->edits[k];
			char *t = d->field[0] == '\0' ?
			    xasprintf("\n%s %s: entry %s", d->file, d->entry,
			    d->new_[0] != '\0' ? "added" : "removed") :
			    xasprintf("\n%s %s %s: %s -> %s", d->file, d->entry, d->field,
			    site_or_none(d->old), site_or_none(d->new_));

			S_xml(&b, t);
			free(t);
		}
		for (k = 0; k < c->nflips; k++) {
			buf_putc(&b, '\n');
			S_xml(&b, c->flips[k].text);
		}
		buf_puts(&b, "</content>\n  </entry>\n");
		free(sum);
	}
	buf_puts(&b, "</feed>\n");
	rc = site_stage_write(s->stage, "editions.atom", b.data, b.len);
	buf_free(&b);
	return rc;
}

/* After publishing: a new edition goes into DATA/editions.yaml (written
 * beside it and renamed over it, so it is whole or untouched). */
int
site_editions_record(struct site *s)
{
	struct buf b;
	char *tmp;
	FILE *fp;
	int rc = 0;

	if (!s->o->record_edition || !s->ed_new || s->o->state_out != NULL)
		return 0;
	buf_init(&b);
	S_history_text(&s->hist, s->state, &b);
	tmp = xasprintf("%s.tmp", s->hist.path);
	if ((fp = fopen(tmp, "w")) == NULL || fwrite(b.data, 1, b.len, fp) != b.len ||
	    fclose(fp) != 0 || rename(tmp, s->hist.path) != 0) {
		struct srcpos pos = { s->hist.path, 0, 0 };

		diag_error(&pos, "cannot record the edition: %s", strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	buf_free(&b);
	return rc;
}

void
site_editions_free(struct site *s)
{
	site_history_free(&s->hist);
	site_changes_free(s->ed_changes);
	s->ed_changes = NULL;
	if (s->o != NULL && s->o->state_out != NULL && s->state != NULL) {
		*s->o->state_out = s->state;
		s->state = NULL;
	}
	site_state_free(s->state);
	s->state = NULL;
	free(s->ed_title);
	s->ed_title = NULL;
}
