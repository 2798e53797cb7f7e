/*
 * editions.c -- the states of the site and how two compare: what one
 * published state of data/ and lessons/ printed, what changed from one
 * edition to the next (data edits, numbers that moved, conclusions that
 * flipped), and the text and JSON reports of a comparison.  The history
 * of editions (DATA/editions.yaml, the edition a build publishes, the
 * "What changed" page and the Atom feed) is history.c.
 *
 * A state is every field of the data files (file, entry, field -> text as
 * written) and every printed number (id -> label, value, pages).
 *
 * Flipped conclusions are found from the numbers alone (see S_flips):
 *  - a number that changes sign, or that stops or starts being a number
 *    ("n/a" <-> "12 ms"), is a flip of what it says;
 *  - two numbers of the same kind (both times, both sizes, both prices;
 *    not ratios, percentages or bare counts, which measure unlike things)
 *    printed in one sentence or table row state a comparison: when their
 *    order reverses, the comparison flipped (which bound wins, whether a
 *    model fits the memory the sentence names);
 *  - the reference tables rank chips and models: when the best entry of a
 *    column changes (lowest 700B floor, highest bandwidth...), the answer
 *    to "which chip is fastest/cheapest" flipped.
 */
#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "lesson.h"
#include "site.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"
#include "ytree.h"

/* ------------------------------------------------------------------ */
/* States                                                               */

int
site_state_cmp_field(const void *a, const void *b)
{
	const struct ed_field *x = a, *y = b;
	int c;

	if ((c = strcmp(x->file, y->file)) != 0)
		return c;
	if ((c = strcmp(x->entry, y->entry)) != 0)
		return c;
	return strcmp(x->field, y->field);
}

static int
S_cmp_snum(const void *a, const void *b)
{
	return strcmp(((const struct ed_num *)a)->id, ((const struct ed_num *)b)->id);
}

void
site_state_field_add(struct site_state *st, const char *file, const char *entry,
    const char *field, const char *value)
{
	struct ed_field *f;

	st->f = xreallocarray(st->f, st->nf + 1, sizeof(*st->f));
	f = &st->f[st->nf++];
	f->file = xstrdup(file);
	f->entry = xstrdup(entry);
	f->field = xstrdup(field);
	f->value = xstrdup(value);
}

struct ed_num *
site_state_num_add(struct site_state *st, const char *id, const char *label,
    const char *value, const char *pages)
{
	struct ed_num *n;

	st->n = xreallocarray(st->n, st->nn + 1, sizeof(*st->n));
	n = &st->n[st->nn++];
	memset(n, 0, sizeof(*n));
	n->id = xstrdup(id);
	n->label = xstrdup(label);
	n->value = xstrdup(value);
	n->pages = xstrdup(pages);
	return n;
}

void
site_state_free(struct site_state *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nf; i++) {
		free(st->f[i].file);
		free(st->f[i].entry);
		free(st->f[i].field);
		free(st->f[i].value);
	}
	for (i = 0; i < st->nn; i++) {
		free(st->n[i].id);
		free(st->n[i].label);
		free(st->n[i].value);
		free(st->n[i].pages);
		free(st->n[i].sentence);
	}
	free(st->f);
	free(st->n);
	free(st->order);
	free(st);
}

/* Every scalar under node as "a.b[2].c" -> text. */
static void
S_flatten(struct site_state *st, const char *file, const char *entry,
    const struct ynode *n, struct buf *path)
{
	size_t i, keep = path->len;

	switch (n->kind) {
	case YNODE_SCALAR:
		site_state_field_add(st, file, entry, path->data != NULL ? path->data : "",
		    n->value);
		break;
	case YNODE_SEQ:
		for (i = 0; i < n->n; i++) {
			buf_printf(path, "[%zu]", i);
			S_flatten(st, file, entry, n->items[i], path);
			path->len = keep;
			path->data[keep] = '\0';
		}
		break;
	case YNODE_MAP:
		for (i = 0; i < n->n; i++) {
			if (keep == 0 && strcmp(n->keys[i]->value, "id") == 0)
				continue;
			if (keep > 0)
				buf_putc(path, '.');
			buf_puts(path, n->keys[i]->value);
			S_flatten(st, file, entry, n->items[i], path);
			path->len = keep;
			if (path->data != NULL)
				path->data[keep] = '\0';
		}
		break;
	}
}

/* The data files' fields (the files data_load and evidence_load read). */
static int
S_state_data(struct site_state *st, const char *dir)
{
	static const char *const files[] = { "hardware.yaml", "measurements.yaml",
		"models.yaml", "pricing.yaml", NULL };
	size_t k, i;
	int rc = 0;

	for (k = 0; files[k] != NULL; k++) {
		char *path = xasprintf("%s/%s", dir, files[k]), *text;
		struct ynode *root = NULL;
		size_t len;
		struct stat sb;

		if (stat(path, &sb) != 0) {
			free(path);
			continue;
		}
		if (util_read_file(path, &text, &len) != 0) {
			free(path);
			rc = -1;
			continue;
		}
		if (ytree_parse(path, text, len, 0, &root) != 0)
			rc = -1;
		else if (root != NULL && root->kind == YNODE_SEQ) {
			for (i = 0; i < root->n; i++) {
				const struct ynode *e = root->items[i], *id = NULL;
				struct buf p;
				char *entry;

				if (e->kind == YNODE_MAP)
					id = ytree_get(e, "id");
				entry = id != NULL && id->kind == YNODE_SCALAR ? xstrdup(id->value) :
				    xasprintf("#%zu", i + 1);
				buf_init(&p);
				S_flatten(st, files[k], entry, e, &p);
				buf_free(&p);
				free(entry);
			}
		}
		ytree_free(root);
		free(text);
		free(path);
	}
	if (st->nf > 0)
		qsort(st->f, st->nf, sizeof(*st->f), site_state_cmp_field);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Sentences                                                            */

/* Plain text of a piece of the pages' Markdown: links as their text,
 * emphasis and code marks and escapes dropped, spaces collapsed. */
static char *
S_plain(const char *s, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n && s[i + 1] != '\n') {
			buf_putc(&b, s[++i]);
			continue;
		}
		if (c == ']' && i + 1 < n && s[i + 1] == '(') {
			/* Skip the link's "(url "title")". */
			int depth = 0;

			for (i++; i < n; i++) {
				if (s[i] == '\\') {
					i++;
					continue;
				}
				if (s[i] == '"') {
					/* The title may hold any parenthesis. */
					for (i++; i < n && s[i] != '"'; i++)
						if (s[i] == '\\')
							i++;
					continue;
				}
				if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0)
					break;
			}
			continue;
		}
		if (c == '[' || c == '*' || c == '`')
			continue;
		if (c == '|') {
			while (b.len > 0 && b.data[b.len - 1] == ' ')
				b.data[--b.len] = '\0';
			if (b.len > 0)
				buf_puts(&b, " | ");
			continue;
		}
		if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
			if (b.len > 0 && b.data[b.len - 1] != ' ')
				buf_putc(&b, ' ');
			continue;
		}
		buf_putc(&b, c);
	}
	while (b.len > 0 && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '|'))
		b.data[--b.len] = '\0';
	/* A long sentence is cut at a space, the cut marked. */
	if (b.len > 320) {
		size_t cut = 300;

		while (cut > 200 && b.data[cut] != ' ')
			cut--;
		b.len = cut;
		b.data[cut] = '\0';
		buf_puts(&b, " \xe2\x80\xa6");
	}
	{
		char *r = buf_take(&b, NULL);

		return r != NULL ? r : xstrdup("");
	}
}

/* True when a sentence ends at md[i] ('.', '!', '?' before a space or a
 * line end, not inside a number like 3.35). */
static int
S_sentence_end(const char *md, size_t i, size_t len)
{
	char c = md[i];

	if (c != '.' && c != '!' && c != '?')
		return 0;
	return i + 1 >= len || md[i + 1] == ' ' || md[i + 1] == '\n';
}

/* The sentence (or table row) of the page's Markdown that prints the
 * number with that id, as plain text; NULL when it is not there. */
static char *
S_sentence(const char *md, const char *id)
{
	char *needle = xasprintf("#n-%s \"", id);
	const char *hit = md != NULL ? strstr(md, needle) : NULL;
	size_t len, at, from, to, ls;
	char *out;

	free(needle);
	if (hit == NULL)
		return NULL;
	len = strlen(md);
	at = (size_t)(hit - md);
	/* The line it is on: a table row is a sentence of its own. */
	ls = at;
	while (ls > 0 && md[ls - 1] != '\n')
		ls--;
	if (md[ls] == '|') {
		to = at;
		while (to < len && md[to] != '\n')
			to++;
		return S_plain(md + ls, to - ls);
	}
	/* Back to the end of the previous sentence, a blank line, or the
	 * start of a list item or heading. */
	from = at;
	while (from > 0) {
		if (md[from - 1] == '\n' && (from < 2 || md[from - 2] == '\n'))
			break;
		if (md[from - 1] == '\n' && (md[from] == '-' || md[from] == '#' ||
		    md[from] == '>' || (md[from] >= '0' && md[from] <= '9')))
			break;
		if (from >= 2 && S_sentence_end(md, from - 2, len) && md[from - 1] == ' ')
			break;
		from--;
	}
	while (md[from] == '#' || md[from] == '>' || md[from] == '-' || md[from] == ' ')
		from++;
	to = at;
	while (to < len && !S_sentence_end(md, to, len) &&
	    !(md[to] == '\n' && to + 1 < len && md[to + 1] == '\n'))
		to++;
	if (to < len && md[to] != '\n')
		to++;
	out = S_plain(md + from, to > from ? to - from : 0);
	return out;
}

/* ------------------------------------------------------------------ */
/* The numbers of this build                                            */

/* A lesson's numbers; those of a lesson with worked-answer blocks are
 * printed on the answers page too (`also`, or NULL). */
static void
S_lesson_nums(struct site *s, const struct page *pg, const char *also)
{
	const struct lesson *l = pg->l;
	char *pages = also != NULL && l->nanswers > 0 ?
	    xasprintf("%s, %s", l->slug, also) : xstrdup(l->slug);
	size_t i;

	for (i = 0; i < l->nrecs; i++) {
		const struct expr_record *r = &l->recs[i];
		const char *hw = r->nterms > 0 && r->terms[0].scen != NULL &&
		    r->terms[0].scen->hw != NULL ? r->terms[0].scen->hw->id : NULL;
		char *label = hw != NULL ? xasprintf("%s %s", hw, r->text) : xstrdup(r->text);

		/* A long expression is recognisable by its start. */
		if (strlen(label) > 72)
			strcpy(label + 66, " [...]");
		site_num_push(s, r->id, label, r->formatted, pages, hw, r->in_answer);
		free(label);
	}
	free(pages);
}

/* The page a number belongs to (the first of its pages). */
static char *
S_first_page(const char *pages)
{
	const char *c = strchr(pages, ',');

	return c != NULL ? xstrndup(pages, (size_t)(c - pages)) : xstrdup(pages);
}

static void
S_nums_clear(struct site *s)
{
	size_t i;

	for (i = 0; i < s->nnums; i++) {
		free(s->nums[i].id);
		free(s->nums[i].label);
		free(s->nums[i].value);
		free(s->nums[i].pages);
		free(s->nums[i].owner);
	}
	free(s->nums);
	s->nums = NULL;
	s->nnums = 0;
}

void
site_nums_merge(struct site *s)
{
	struct num *ref = s->nums;
	size_t nref = s->nnums, i;

	s->nums = NULL;
	s->nnums = 0;
	for (i = 0; i < s->npages; i++)
		S_lesson_nums(s, &s->pages[i], s->have_answers ? "answers" : NULL);
	if (s->have_answers)
		S_lesson_nums(s, &s->answers, NULL);
	for (i = 0; i < nref; i++) {
		site_num_push(s, ref[i].id, ref[i].label, ref[i].value, ref[i].pages,
		    ref[i].owner, ref[i].answer);
		free(ref[i].id);
		free(ref[i].label);
		free(ref[i].value);
		free(ref[i].pages);
		free(ref[i].owner);
	}
	free(ref);
}

/*
 * The state of this build: the data's fields and every printed number
 * (lessons first, in page order, then the reference pages'), each lesson
 * number with the sentence it is printed in.  The reference pages' numbers
 * come from rendering those pages, but the pages name the edition, which
 * depends on the numbers: they are rendered here into a scratch stage that
 * is thrown away (site.c renders them again, for real, once the edition is
 * known).
 */
struct site_state *
site_state_build(struct site *s)
{
	struct site_state *st = xcalloc(1, sizeof(*st));
	struct site_stage *real = s->stage, *scratch;
	char *sout = xasprintf("%s.edition-scratch", s->o->out_dir);
	size_t i, k;
	int rc;

	scratch = site_stage_open(sout);
	free(sout);
	if (scratch == NULL) {
		site_state_free(st);
		return NULL;
	}
	s->stage = scratch;
	rc = 0;
	for (i = 0; i < site_ngenpages; i++)
		if ((site_genpages[i].write == site_write_chips ||
		    site_genpages[i].write == site_write_models) &&
		    site_genpages[i].write(s, &site_genpages[i]) != 0)
			rc = -1;
	s->stage = real;
	site_stage_abort(scratch);
	tval_free(s->ref_deriv);
	s->ref_deriv = NULL;
	site_nums_merge(s);
	if (rc != 0 || S_state_data(st, s->o->data_dir) != 0) {
		S_nums_clear(s);
		site_state_free(st);
		return NULL;
	}
	for (i = 0; i < s->nnums; i++) {
		const struct num *n = &s->nums[i];
		struct ed_num *e = site_state_num_add(st, n->id, n->label, n->value, n->pages);
		char *page = S_first_page(n->pages);

		for (k = 0; k < s->npages && e->sentence == NULL; k++)
			if (strcmp(s->pages[k].l->slug, page) == 0)
				e->sentence = S_sentence(s->pages[k].md, n->id);
		if (e->sentence == NULL && s->have_answers && strchr(n->id, '.') == NULL)
			e->sentence = S_sentence(s->answers.md, n->id);
		free(page);
	}
	S_nums_clear(s);
	return st;
}

/* ------------------------------------------------------------------ */
/* Comparing two states                                                 */

void
site_changes_edit_push(struct site_changes *c, const char *file, const char *entry,
    const char *field, const char *old, const char *new_, const char *source)
{
	struct ed_edit *e;

	c->edits = xreallocarray(c->edits, c->nedits + 1, sizeof(*c->edits));
	e = &c->edits[c->nedits++];
	e->file = xstrdup(file);
	e->entry = xstrdup(entry);
	e->field = xstrdup(field);
	e->old = xstrdup(old);
	e->new_ = xstrdup(new_);
	e->source = xstrdup(source != NULL ? source : "");
}

void
site_changes_move_push(struct site_changes *c, const char *id, const char *label,
    const char *old, const char *new_, const char *pages, const char *lesson,
    const char *sentence)
{
	struct ed_move *m;

	c->moves = xreallocarray(c->moves, c->nmoves + 1, sizeof(*c->moves));
	m = &c->moves[c->nmoves++];
	m->id = xstrdup(id);
	m->label = xstrdup(label);
	m->old = xstrdup(old);
	m->new_ = xstrdup(new_);
	m->pages = xstrdup(pages);
	m->lesson = xstrdup(lesson);
	m->sentence = xstrdup(sentence != NULL ? sentence : "");
}

void
site_changes_flip_push(struct site_changes *c, const char *page, const char *text)
{
	struct ed_flip *f;

	c->flips = xreallocarray(c->flips, c->nflips + 1, sizeof(*c->flips));
	f = &c->flips[c->nflips++];
	f->page = xstrdup(page);
	f->text = xstrdup(text);
}

void
site_changes_free(struct site_changes *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nedits; i++) {
		free(c->edits[i].file);
		free(c->edits[i].entry);
		free(c->edits[i].field);
		free(c->edits[i].old);
		free(c->edits[i].new_);
		free(c->edits[i].source);
	}
	for (i = 0; i < c->nmoves; i++) {
		free(c->moves[i].id);
		free(c->moves[i].label);
		free(c->moves[i].old);
		free(c->moves[i].new_);
		free(c->moves[i].pages);
		free(c->moves[i].lesson);
		free(c->moves[i].sentence);
	}
	for (i = 0; i < c->nflips; i++) {
		free(c->flips[i].page);
		free(c->flips[i].text);
	}
	free(c->edits);
	free(c->moves);
	free(c->flips);
	free(c);
}

static const char *
S_field_get(const struct site_state *st, const char *file, const char *entry,
    const char *field)
{
	struct ed_field key, *f;

	key.file = (char *)file;
	key.entry = (char *)entry;
	key.field = (char *)field;
	f = st->nf > 0 ? bsearch(&key, st->f, st->nf, sizeof(*st->f), site_state_cmp_field) : NULL;
	return f != NULL ? f->value : NULL;
}

static int
S_has_entry(const struct site_state *st, const char *file, const char *entry)
{
	size_t i;

	for (i = 0; i < st->nf; i++)
		if (strcmp(st->f[i].file, file) == 0 && strcmp(st->f[i].entry, entry) == 0)
			return 1;
	return 0;
}

/* Data edits: a whole entry added or removed is one edit, else one per
 * field (old or new "" when the field was absent). */
static void
S_diff_data(struct site_changes *c, const struct site_state *a, const struct site_state *b)
{
	size_t i = 0, j = 0;

	while (i < a->nf || j < b->nf) {
		int cmp = i >= a->nf ? 1 : j >= b->nf ? -1 :
		    site_state_cmp_field(&a->f[i], &b->f[j]);
		const struct ed_field *f = cmp <= 0 ? &a->f[i] : &b->f[j];
		const char *src;

		if (cmp == 0) {
			if (strcmp(a->f[i].value, b->f[j].value) != 0) {
				src = S_field_get(b, f->file, f->entry, "source");
				site_changes_edit_push(c, f->file, f->entry, f->field,
				    a->f[i].value, b->f[j].value, src);
			}
			i++;
			j++;
			continue;
		}
		if (cmp < 0 && !S_has_entry(b, f->file, f->entry)) {
			/* The entry is gone: say so once. */
			src = S_field_get(a, f->file, f->entry, "source");
			site_changes_edit_push(c, f->file, f->entry, "", "entry", "", src);
			while (i < a->nf && strcmp(a->f[i].file, f->file) == 0 &&
			    strcmp(a->f[i].entry, f->entry) == 0)
				i++;
			continue;
		}
		if (cmp > 0 && !S_has_entry(a, f->file, f->entry)) {
			src = S_field_get(b, f->file, f->entry, "source");
			site_changes_edit_push(c, f->file, f->entry, "", "", "entry", src);
			while (j < b->nf && strcmp(b->f[j].file, f->file) == 0 &&
			    strcmp(b->f[j].entry, f->entry) == 0)
				j++;
			continue;
		}
		if (cmp < 0) {
			src = S_field_get(b, f->file, f->entry, "source");
			site_changes_edit_push(c, f->file, f->entry, f->field, f->value, "", src);
			i++;
		} else {
			src = S_field_get(b, f->file, f->entry, "source");
			site_changes_edit_push(c, f->file, f->entry, f->field, "", f->value, src);
			j++;
		}
	}
}

/*
 * A printed value as a number in a base unit, with its kind: "209 ms" ->
 * 0.209 "s"; "$2.99/h" -> 2.99 "$/h"; "1.2 TB/s" -> 1.2e12 "B/s";
 * "70B" -> 7e10 "count".  0, or -1 when it is no number ("n/a").
 */
static int
S_parse_value(const char *v, double *out, char *kind, size_t kn)
{
	static const struct { const char *unit; double scale; const char *kind; } units[] = {
		{ "ns", 1e-9, "s" }, { "\xc2\xb5s", 1e-6, "s" }, { "us", 1e-6, "s" },
		{ "ms", 1e-3, "s" }, { "s", 1, "s" }, { "min", 60, "s" }, { "h", 3600, "s" },
		{ "B", 1, "B" }, { "KB", 1e3, "B" }, { "MB", 1e6, "B" }, { "GB", 1e9, "B" },
		{ "TB", 1e12, "B" }, { "GB/s", 1e9, "B/s" }, { "TB/s", 1e12, "B/s" },
		{ "MB/s", 1e6, "B/s" }, { "TFLOP/s", 1e12, "FLOP/s" },
		{ "PFLOP/s", 1e15, "FLOP/s" }, { "GFLOP/s", 1e9, "FLOP/s" },
		{ "TFLOP", 1e12, "FLOP" }, { "GFLOP", 1e9, "FLOP" },
		{ NULL, 0, NULL }
	};
	char num[64], *end;
	const char *p = v, *unit;
	size_t n = 0, k;
	int money = 0;
	double x;

	if (*p == '-' && n < sizeof(num) - 1)
		num[n++] = *p++;
	if (*p == '$') {
		money = 1;
		p++;
	}
	if (!(*p >= '0' && *p <= '9'))
		return -1;
	for (; (*p >= '0' && *p <= '9') || *p == '.' || *p == ','; p++)
		if (*p != ',' && n < sizeof(num) - 1)
			num[n++] = *p;
	num[n] = '\0';
	x = strtod(num, &end);
	if (*end != '\0' || !isfinite(x))
		return -1;
	/* A suffix stuck to the number: 70B, 4K, 1.5M (counts). */
	if (*p == 'K' || *p == 'M' || (*p == 'B' && p[1] == '\0') || (*p == 'T' && p[1] == '\0')) {
		x *= *p == 'K' ? 1e3 : *p == 'M' ? 1e6 : *p == 'B' ? 1e9 : 1e12;
		p++;
		snprintf(kind, kn, "count%s", p);
		*out = x;
		return 0;
	}
	unit = *p == ' ' ? p + 1 : p;
	if (money) {
		snprintf(kind, kn, "$%s", unit);
		*out = x;
		return 0;
	}
	for (k = 0; units[k].unit != NULL; k++)
		if (strcmp(unit, units[k].unit) == 0) {
			snprintf(kind, kn, "%s", units[k].kind);
			*out = x * units[k].scale;
			return 0;
		}
	snprintf(kind, kn, "%s", unit);
	*out = x;
	return 0;
}

static int
S_sign(double x)
{
	return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/* The reference tables' columns where one end of the ranking is the
 * answer a reader looks for (ref.c's cell keys). */
static int
S_rank_dir(const char *page, const char *key, const char **word)
{
	static const struct { const char *page, *key, *word; int dir; } cols[] = {
		{ "chips", "floor", "lowest 700B floor", -1 },
		{ "chips", "floor_tps", "most 700B tokens/s", 1 },
		{ "chips", "bandwidth", "highest memory bandwidth", 1 },
		{ "chips", "memory", "most memory", 1 },
		{ "chips", "bf16", "most dense bf16 FLOP/s", 1 },
		{ "chips", "fp8", "most dense fp8 FLOP/s", 1 },
		{ "chips", "price", "lowest price per hour", -1 },
		{ "models", "kv_bf16", "smallest KV cache per token (bf16)", -1 },
		{ "models", "context", "longest context", 1 },
		{ NULL, NULL, NULL, 0 }
	};
	size_t i;

	for (i = 0; cols[i].page != NULL; i++)
		if (strcmp(cols[i].page, page) == 0 && strcmp(cols[i].key, key) == 0) {
			*word = cols[i].word;
			return cols[i].dir;
		}
	return 0;
}

/* "chips-h100-sxm-floor" -> page "chips", owner "h100-sxm", key "floor". */
static int
S_ref_id(const char *id, char *page, char *owner, char *key, size_t n)
{
	const char *d1 = strchr(id, '-'), *d2 = strrchr(id, '-');

	if (d1 == NULL || d2 == d1 || strchr(id, '.') != NULL || (size_t)(d2 - id) >= n ||
	    strlen(d2) >= n)
		return -1;
	if (strncmp(id, "chips-", 6) != 0 && strncmp(id, "models-", 7) != 0)
		return -1;
	snprintf(page, n, "%.*s", (int)(d1 - id), id);
	snprintf(owner, n, "%.*s", (int)(d2 - d1 - 1), d1 + 1);
	snprintf(key, n, "%s", d2 + 1);
	return 0;
}

/* The best entry of one reference column in a state ("" when none). */
static void
S_rank_best(const struct site_state *st, const char *page, const char *key, int dir,
    char *best, char *bestval, size_t n)
{
	char p[128], o[128], k[128], kind[32];
	double bv = 0, v;
	size_t i;

	best[0] = bestval[0] = '\0';
	for (i = 0; i < st->nn; i++) {
		if (S_ref_id(st->n[i].id, p, o, k, sizeof(p)) != 0 || strcmp(p, page) != 0 ||
		    strcmp(k, key) != 0 || S_parse_value(st->n[i].value, &v, kind, sizeof(kind)) != 0)
			continue;
		/* Ties go to the first id in order: the state is sorted. */
		if (best[0] == '\0' || (dir < 0 ? v < bv : v > bv)) {
			bv = v;
			snprintf(best, n, "%s", o);
			snprintf(bestval, n, "%s", st->n[i].value);
		}
	}
}

static const struct ed_num *
S_num_find(const struct site_state *st, const char *id)
{
	struct ed_num key;

	key.id = (char *)id;
	return st->nn > 0 ? bsearch(&key, st->n, st->nn, sizeof(*st->n), S_cmp_snum) : NULL;
}

/* Conclusions that flipped (see the top of the file). */
static void
S_flips(struct site_changes *c, const struct site_state *a, const struct site_state *b)
{
	char kind_a[32], kind_b[32], kind2[32], page[128], owner[128], key[128];
	size_t i, j;
	double va, vb, wa, wb;

	/* Sign, or number <-> no number, of a number printed in a lesson. */
	for (i = 0; i < c->nmoves; i++) {
		const struct ed_move *m = &c->moves[i];
		int pa = S_parse_value(m->old, &va, kind_a, sizeof(kind_a));
		int pb = S_parse_value(m->new_, &vb, kind_b, sizeof(kind_b));
		char *t = NULL;

		if (S_ref_id(m->id, page, owner, key, sizeof(page)) == 0)
			continue;
		if (pa == 0 && pb == 0 && S_sign(va) * S_sign(vb) < 0)
			t = xasprintf("%s changed sign: %s -> %s", m->label, m->old, m->new_);
		else if ((pa == 0) != (pb == 0))
			t = xasprintf("%s is %s: %s -> %s", m->label, pb == 0 ? "a number again" :
			    "no longer a number", m->old, m->new_);
		if (t != NULL) {
			site_changes_flip_push(c, m->lesson, t);
			free(t);
		}
	}
	/* Order of two numbers of one kind in one sentence. */
	for (i = 0; i < b->nn; i++) {
		const struct ed_num *x = &b->n[i], *xo = S_num_find(a, x->id);

		/* Ratios and bare numbers of one sentence measure different
		 * things: only quantities with a unit are compared. */
		if (x->sentence == NULL || x->sentence[0] == '\0' || xo == NULL ||
		    S_parse_value(x->value, &vb, kind_b, sizeof(kind_b)) != 0 ||
		    S_parse_value(xo->value, &va, kind_a, sizeof(kind_a)) != 0 ||
		    strcmp(kind_a, kind_b) != 0 || kind_b[0] == '\0' ||
		    strcmp(kind_b, "x") == 0 || strcmp(kind_b, "%") == 0)
			continue;
		for (j = i + 1; j < b->nn; j++) {
			const struct ed_num *y = &b->n[j], *yo;
			int so, sn;
			char *t, *pg;

			if (y->sentence == NULL || strcmp(y->sentence, x->sentence) != 0 ||
			    strcmp(y->pages, x->pages) != 0 || (yo = S_num_find(a, y->id)) == NULL ||
			    S_parse_value(y->value, &wb, kind2, sizeof(kind2)) != 0 ||
			    strcmp(kind2, kind_b) != 0 ||
			    S_parse_value(yo->value, &wa, kind2, sizeof(kind2)) != 0 ||
			    strcmp(kind2, kind_b) != 0)
				continue;
			so = S_sign(va - wa);
			sn = S_sign(vb - wb);
			if (so == 0 || sn == 0 || so == sn)
				continue;
			pg = S_first_page(x->pages);
			t = xasprintf("%s is now %s %s (%s vs %s; before %s vs %s), in \"%s\"",
			    x->label, sn > 0 ? "above" : "below", y->label, x->value, y->value,
			    xo->value, yo->value, x->sentence);
			site_changes_flip_push(c, pg, t);
			free(t);
			free(pg);
		}
	}
	/* The best chip or model of a reference column. */
	for (i = 0; i < b->nn; i++) {
		const char *word;
		char bo[128], bov[128], bn[128], bnv[128];
		int dir;
		size_t k;

		if (S_ref_id(b->n[i].id, page, owner, key, sizeof(page)) != 0 ||
		    (dir = S_rank_dir(page, key, &word)) == 0)
			continue;
		/* Each column once: at its first cell. */
		for (k = 0; k < i; k++) {
			char p2[128], o2[128], k2[128];

			if (S_ref_id(b->n[k].id, p2, o2, k2, sizeof(p2)) == 0 &&
			    strcmp(p2, page) == 0 && strcmp(k2, key) == 0)
				break;
		}
		if (k < i)
			continue;
		S_rank_best(a, page, key, dir, bo, bov, sizeof(bo));
		S_rank_best(b, page, key, dir, bn, bnv, sizeof(bn));
		if (bo[0] != '\0' && bn[0] != '\0' && strcmp(bo, bn) != 0) {
			char *t = xasprintf("%s: %s (%s) -> %s (%s)", word, bo, bov, bn, bnv);

			site_changes_flip_push(c, page, t);
			free(t);
		}
	}
}

/* b must be sorted by id (a too); b's order of printing is `order`. */
struct site_changes *
site_changes_compare(const struct site_state *a, const struct site_state *b)
{
	struct site_changes *c = xcalloc(1, sizeof(*c));
	size_t i;

	S_diff_data(c, a, b);
	for (i = 0; i < b->nn; i++) {
		const struct ed_num *n = &b->n[b->order != NULL ? b->order[i] : i];
		const struct ed_num *o = S_num_find(a, n->id);
		char *lesson;

		if (o == NULL) {
			c->added++;
			continue;
		}
		if (strcmp(o->value, n->value) == 0)
			continue;
		lesson = S_first_page(n->pages);
		site_changes_move_push(c, n->id, n->label, o->value, n->value, n->pages, lesson,
		    n->sentence);
		free(lesson);
	}
	for (i = 0; i < a->nn; i++)
		if (S_num_find(b, a->n[i].id) == NULL)
			c->removed++;
	c->published = b->nn;
	S_flips(c, a, b);
	return c;
}

int
site_changes_numbers(const struct site_changes *c)
{
	return c->nmoves > 0 || c->added > 0 || c->removed > 0;
}

/* Sorts the state by id and remembers the printing order. */
void
site_state_sort(struct site_state *st)
{
	size_t i;
	struct ed_num *tmp;

	free(st->order);
	st->order = xcalloc(st->nn + 1, sizeof(*st->order));
	/* Tag each number with its printing position through a copy. */
	tmp = xcalloc(st->nn + 1, sizeof(*tmp));
	for (i = 0; i < st->nn; i++) {
		tmp[i] = st->n[i];
		tmp[i].pos = i;
	}
	if (st->nn > 0)
		qsort(tmp, st->nn, sizeof(*tmp), S_cmp_snum);
	for (i = 0; i < st->nn; i++) {
		st->n[i] = tmp[i];
		st->order[tmp[i].pos] = i;
	}
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* Text and JSON reports                                                */

const char *
site_or_none(const char *s)
{
	return s[0] != '\0' ? s : "(none)";
}

void
site_changes_text(const struct site_changes *c, struct buf *b)
{
	size_t i;
	const char *last = NULL;

	buf_printf(b, "%zu data edit%s, %zu number%s moved, %zu new, %zu gone, "
	    "%zu conclusion%s changed\n", c->nedits, c->nedits == 1 ? "" : "s",
	    c->nmoves, c->nmoves == 1 ? "" : "s", c->added, c->removed, c->nflips,
	    c->nflips == 1 ? "" : "s");
	if (c->nedits > 0)
		buf_puts(b, "\ndata edits:\n");
	for (i = 0; i < c->nedits; i++) {
		const struct ed_edit *e = &c->edits[i];

		if (e->field[0] == '\0')
			buf_printf(b, "  %s %s: entry %s\n", e->file, e->entry,
			    e->new_[0] != '\0' ? "added" : "removed");
		else
			buf_printf(b, "  %s %s %s: %s -> %s\n", e->file, e->entry, e->field,
			    site_or_none(e->old), site_or_none(e->new_));
		if (e->source[0] != '\0')
			buf_printf(b, "      source: %s\n", e->source);
	}
	if (c->nflips > 0)
		buf_puts(b, "\nconclusions that changed:\n");
	for (i = 0; i < c->nflips; i++)
		buf_printf(b, "  [%s] %s\n", c->flips[i].page, c->flips[i].text);
	if (c->nmoves > 0)
		buf_puts(b, "\nnumbers that moved:\n");
	for (i = 0; i < c->nmoves; i++) {
		const struct ed_move *m = &c->moves[i];

		if (last == NULL || strcmp(last, m->lesson) != 0)
			buf_printf(b, "  %s\n", m->lesson);
		last = m->lesson;
		buf_printf(b, "    %s: %s -> %s (%s)\n", m->label, m->old, m->new_, m->pages);
		if (m->sentence[0] != '\0')
			buf_printf(b, "      \"%s\"\n", m->sentence);
	}
}

void
site_changes_json(const struct site_changes *c, struct buf *b)
{
	size_t i;

	buf_puts(b, "{\n  \"data_edits\": [");
	for (i = 0; i < c->nedits; i++) {
		const struct ed_edit *e = &c->edits[i];

		buf_puts(b, i > 0 ? ",\n    {" : "\n    {");
		buf_puts(b, "\"file\": ");
		buf_json_str(b, e->file);
		buf_puts(b, ", \"entry\": ");
		buf_json_str(b, e->entry);
		buf_puts(b, ", \"field\": ");
		buf_json_str(b, e->field);
		buf_puts(b, ", \"old\": ");
		buf_json_str(b, e->old);
		buf_puts(b, ", \"new\": ");
		buf_json_str(b, e->new_);
		buf_puts(b, ", \"source\": ");
		buf_json_str(b, e->source);
		buf_putc(b, '}');
	}
	buf_puts(b, c->nedits > 0 ? "\n  ],\n  \"conclusions\": [" : "],\n  \"conclusions\": [");
	for (i = 0; i < c->nflips; i++) {
		buf_puts(b, i > 0 ? ",\n    {\"page\": " : "\n    {\"page\": ");
		buf_json_str(b, c->flips[i].page);
		buf_puts(b, ", \"text\": ");
		buf_json_str(b, c->flips[i].text);
		buf_putc(b, '}');
	}
	buf_puts(b, c->nflips > 0 ? "\n  ],\n  \"numbers\": [" : "],\n  \"numbers\": [");
	for (i = 0; i < c->nmoves; i++) {
		const struct ed_move *m = &c->moves[i];

		buf_puts(b, i > 0 ? ",\n    {" : "\n    {");
		buf_puts(b, "\"id\": ");
		buf_json_str(b, m->id);
		buf_puts(b, ", \"label\": ");
		buf_json_str(b, m->label);
		buf_puts(b, ", \"old\": ");
		buf_json_str(b, m->old);
		buf_puts(b, ", \"new\": ");
		buf_json_str(b, m->new_);
		buf_puts(b, ", \"pages\": ");
		buf_json_str(b, m->pages);
		buf_puts(b, ", \"page\": ");
		buf_json_str(b, m->lesson);
		buf_puts(b, ", \"sentence\": ");
		buf_json_str(b, m->sentence);
		buf_putc(b, '}');
	}
	buf_printf(b, "%s,\n  \"numbers_new\": %zu,\n  \"numbers_gone\": %zu,\n"
	    "  \"numbers_published\": %zu\n}\n", c->nmoves > 0 ? "\n  ]" : "]",
	    c->added, c->removed, c->published);
}
