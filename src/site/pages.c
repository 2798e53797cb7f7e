/*
 * pages.c -- the HTML pages of the site: the template cache, the layout
 * every page shares (site_page), and the lesson pages, the answers page,
 * the index and the static files.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "html.h"
#include "lesson.h"
#include "md.h"
#include "site.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Templates                                                            */

struct tmpl *
site_tmpl(struct site *s, const char *name)
{
	size_t i;
	struct tmpl *t;

	for (i = 0; i < s->ntmpls; i++)
		if (strcmp(s->tmpl_names[i], name) == 0)
			return s->tmpls[i];
	if ((t = tmpl_load(s->o->templates_dir, name)) == NULL)
		return NULL;
	s->tmpls = xreallocarray(s->tmpls, s->ntmpls + 1, sizeof(*s->tmpls));
	s->tmpl_names = xreallocarray(s->tmpl_names, s->ntmpls + 1, sizeof(*s->tmpl_names));
	s->tmpls[s->ntmpls] = t;
	s->tmpl_names[s->ntmpls++] = xstrdup(name);
	return t;
}

const struct site_genpage site_genpages[] = {
	{ "index", "index.html", "Contents", site_write_index },
	{ "answers", "lesson.html", "Answers", NULL },
	{ "chips", "chips.html", "Chips", site_write_chips },
	{ "models", "models.html", "Models", site_write_models },
	{ "derivations", "derivations.html", "How numbers are computed", site_write_derivations },
	/* Last: it lists what the pages above printed (history.c). */
	{ "changes", "changes.html", "What changed", site_write_changes },
};
const size_t site_ngenpages = sizeof(site_genpages) / sizeof(site_genpages[0]);

/* Names of the site's other outputs (style.css, print.css, numbers.tsv,
 * charts/, handouts/): no lesson may be written over them either. */
static const char *const S_other_outputs[] = { "style", "print", "numbers", "charts", "handouts",
	"editions", "calc" };
#define S_NOTHER (sizeof(S_other_outputs) / sizeof(S_other_outputs[0]))

static const char *S_reserved[sizeof(site_genpages) / sizeof(site_genpages[0]) + S_NOTHER + 1];
static pthread_once_t S_reserved_once = PTHREAD_ONCE_INIT;

static void
S_reserved_init(void)
{
	size_t i, n = 0;

	for (i = 0; i < site_ngenpages; i++)
		S_reserved[n++] = site_genpages[i].slug;
	for (i = 0; i < S_NOTHER; i++)
		S_reserved[n++] = S_other_outputs[i];
	S_reserved[n] = NULL;
}

const char *const *
site_reserved_slugs(void)
{
	pthread_once(&S_reserved_once, S_reserved_init);
	return S_reserved;
}

/* The values every page shares: site title and the lesson navigation. */
static void
S_common(struct site *s, struct tval *ctx, const char *current)
{
	struct tval *nav = tval_set(ctx, "nav", tval_list());
	size_t i;

	tval_set_str(ctx, "site_title", SITE_TITLE);
	for (i = 0; i < s->npages; i++) {
		struct tval *m = tval_push_map(nav);
		const struct lesson *l = s->pages[i].l;

		tval_set_strf(m, "href", "%s.html", l->slug);
		tval_set_str(m, "title", s->pages[i].title);
		tval_set_strf(m, "order", "%ld", l->order);
		tval_set_bool(m, "current", current != NULL && strcmp(current, l->slug) == 0);
	}
	tval_set_bool(ctx, "has_answers", s->have_answers);
	/* The generated pages: site_nav for the navigation, and at_SLUG
	 * for templates that ask about one page. */
	nav = tval_set(ctx, "site_nav", tval_list());
	for (i = 0; i < site_ngenpages; i++) {
		const struct site_genpage *g = &site_genpages[i];
		int here = current != NULL && strcmp(current, g->slug) == 0;
		struct tval *m;
		char *at;

		at = xasprintf("at_%s", g->slug);
		tval_set_bool(ctx, at, here);
		free(at);
		if (g->write == NULL && !s->have_answers)
			continue;
		m = tval_push_map(nav);
		tval_set_strf(m, "href", "%s.html", g->slug);
		tval_set_str(m, "label", g->nav);
		tval_set_bool(m, "current", here);
	}
	site_edition_ctx(s, ctx, current);
}

/*
 * Renders body template `body` over ctx, then the layout page.html around
 * it, and stages the result as `file`.  ctx must hold "title"; it is
 * freed here.
 */
int
site_page(struct site *s, const char *file, const char *body, struct tval *ctx,
    const char *current)
{
	struct tmpl *tb = site_tmpl(s, body), *tl = site_tmpl(s, "page.html");
	struct buf content, page;
	int rc = -1;

	buf_init(&content);
	buf_init(&page);
	if (tb == NULL || tl == NULL)
		goto out;
	S_common(s, ctx, current);
	if (tmpl_render(tb, ctx, &content) != 0)
		goto out;
	buf_putc(&content, '\0');
	tval_set_str(ctx, "content", content.data);
	if (tmpl_render(tl, ctx, &page) != 0)
		goto out;
	rc = site_stage_write(s->stage, file, page.data != NULL ? page.data : "", page.len);
out:
	buf_free(&content);
	buf_free(&page);
	tval_free(ctx);
	return rc;
}

/* Expands a lesson for the web: numbers as links to their derivations. */
static int
S_expand_web(struct site *s, struct lesson *l, enum lesson_answers answers,
    struct buf *md)
{
	struct lesson_expand_opts eo;

	lesson_expand_opts_defaults(&eo);
	eo.numbers = LESSON_NUM_LINK;
	eo.answers = answers;
	eo.figure = site_expand_figure;
	eo.ctx = s;
	return lesson_expand(l, &eo, md);
}

/* Renders md (expanded from lesson l; `above` lines of our own precede
 * the lesson's body in it) with l's own raw-HTML setting, appending to
 * html and to pg->doc; ids are unique across the page. */
static int
S_render_part(struct site *s, struct page *pg, const struct lesson *l, unsigned above,
    const struct buf *md, struct md_ids *ids, struct buf *html)
{
	struct html_opts ho;
	struct html_doc part;
	size_t i;
	int rc;

	memset(&ho, 0, sizeof(ho));
	ho.file = l->path;
	ho.line_offset = l->body_line > above + 1 ? l->body_line - 1 - above : 0;
	ho.unsafe = l->raw_html;
	ho.figure = site_html_figure;
	ho.figure_arg = s;
	ho.ids = ids;
	rc = html_render(md->data != NULL ? md->data : "", md->len, &ho, html, &part);
	if (rc != 0)
		return -1;
	pg->doc.headings = xreallocarray(pg->doc.headings, pg->doc.nheadings + part.nheadings + 1,
	    sizeof(*pg->doc.headings));
	for (i = 0; i < part.nheadings; i++)
		pg->doc.headings[pg->doc.nheadings++] = part.headings[i];
	free(part.headings);
	return 0;
}

/*
 * Expands and renders one lesson page's body (numbers, figures, HTML).
 * A lesson page shows its problems without their worked answers; the
 * answers page (answers != NULL) ends with every lesson's worked answers,
 * problems included, under a heading of their own.  Each lesson's part
 * is rendered with that lesson's raw_html setting and positions: answers
 * that did not opt into raw HTML do not get it from the answers page.
 */
int
site_render_lesson(struct site *s, struct page *pg, const struct page *lessons,
    size_t nlessons)
{
	struct md_ids ids = { NULL, 0 };
	struct buf md, all, html;
	size_t i;
	int rc;

	buf_init(&md);
	buf_init(&all);
	buf_init(&html);
	memset(&pg->doc, 0, sizeof(pg->doc));
	rc = S_expand_web(s, pg->l, lessons != NULL ? LESSON_ANSWERS_SHOW :
	    LESSON_ANSWERS_HIDE, &md);
	if (rc == 0)
		rc = S_render_part(s, pg, pg->l, 0, &md, &ids, &html);
	buf_put(&all, md.data != NULL ? md.data : "", md.len);
	for (i = 0; rc == 0 && i < nlessons; i++) {
		if (lessons[i].l->nanswers == 0)
			continue;
		/* The title is data, not Markdown: escape what could be markup. */
		buf_reset(&md);
		buf_puts(&md, "## ");
		buf_md_text(&md, lessons[i].l->title);
		buf_puts(&md, ": worked answers\n\n");
		rc = S_expand_web(s, lessons[i].l, LESSON_ANSWERS_SHOW, &md);
		if (rc == 0)
			rc = S_render_part(s, pg, lessons[i].l, 2, &md, &ids, &html);
		buf_puts(&all, "\n\n");
		buf_put(&all, md.data != NULL ? md.data : "", md.len);
	}
	buf_putc(&html, '\0');
	pg->html = buf_take(&html, NULL);
	buf_putc(&all, '\0');
	pg->md = buf_take(&all, NULL);
	buf_free(&md);
	md_ids_free(&ids);
	return rc;
}

static struct tval *
S_lesson_ctx(struct site *s, const struct page *pg, size_t idx)
{
	struct tval *ctx = tval_map(), *toc;
	size_t i;

	tval_set_str(ctx, "title", pg->title);
	tval_set_str(ctx, "description", pg->summary);
	tval_set_str(ctx, "summary", pg->summary);
	tval_set_str(ctx, "body", pg->html);
	if (idx != (size_t)-1) {
		tval_set_strf(ctx, "order", "%ld", pg->l->order);
		if (idx > 0) {
			struct tval *p = tval_set(ctx, "prev", tval_map());

			tval_set_strf(p, "href", "%s.html", s->pages[idx - 1].l->slug);
			tval_set_str(p, "title", s->pages[idx - 1].title);
		}
		if (idx + 1 < s->npages) {
			struct tval *p = tval_set(ctx, "next", tval_map());

			tval_set_strf(p, "href", "%s.html", s->pages[idx + 1].l->slug);
			tval_set_str(p, "title", s->pages[idx + 1].title);
		}
	}
	toc = tval_list();
	for (i = 0; i < pg->doc.nheadings; i++) {
		struct tval *h;

		if (pg->doc.headings[i].level != 2)
			continue;
		h = tval_push_map(toc);
		tval_set_str(h, "id", pg->doc.headings[i].id);
		tval_set_str(h, "text", pg->doc.headings[i].text);
	}
	if (tval_len(toc) >= 2) {
		tval_set(ctx, "toc", toc);
		tval_set_bool(ctx, "has_toc", 1);
	} else
		tval_free(toc);
	site_whatif_ctx(s, pg, ctx);
	return ctx;
}

int
site_write_lessons(struct site *s)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->npages; i++) {
		char *file = xasprintf("%s.html", s->pages[i].l->slug);

		if (site_page(s, file, "lesson.html", S_lesson_ctx(s, &s->pages[i], i),
		    s->pages[i].l->slug) != 0)
			rc = -1;
		free(file);
	}
	if (s->have_answers && site_page(s, "answers.html", "lesson.html",
	    S_lesson_ctx(s, &s->answers, (size_t)-1), "answers") != 0)
		rc = -1;
	return rc;
}

int
site_write_index(struct site *s, const struct site_genpage *g)
{
	struct tval *ctx = tval_map(), *list = tval_set(ctx, "lessons", tval_list());
	size_t i;

	tval_set_str(ctx, "title", "Contents");
	tval_set_str(ctx, "description", SITE_DESCRIPTION);
	for (i = 0; i < s->npages; i++) {
		struct tval *m = tval_push_map(list);
		const struct lesson *l = s->pages[i].l;

		tval_set_strf(m, "href", "%s.html", l->slug);
		tval_set_str(m, "title", s->pages[i].title);
		tval_set_str(m, "summary", s->pages[i].summary);
		tval_set_strf(m, "order", "%ld", l->order);
	}
	return site_page(s, "index.html", g->tmpl, ctx, g->slug);
}

int
site_copy_static(struct site *s)
{
	static const char *const files[] = { "style.css", "print.css" };
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = xasprintf("%s/%s", s->o->templates_dir, files[i]);
		char *data;
		size_t len;

		if (util_read_file(path, &data, &len) != 0)
			rc = -1;
		else {
			rc |= site_stage_write(s->stage, files[i], data, len);
			free(data);
		}
		free(path);
	}
	return rc != 0 ? -1 : 0;
}
