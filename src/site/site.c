/*
 * site.c -- site_build(): data and lessons in, every page of out/ staged,
 * then published in one swap (site.h).
 *
 * The order is load everything, check everything, render everything, and
 * only then publish: a single error anywhere leaves out/ as it was.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calc.h"
#include "chart.h"
#include "data.h"
#include "diag.h"
#include "evidence.h"
#include "expr.h"
#include "html.h"
#include "lesson.h"
#include "site.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"

void
site_opts_defaults(struct site_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->out_dir = "out";
	o->data_dir = "data";
	o->lessons_dir = "lessons";
	o->templates_dir = "templates";
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static void
S_nopos_error(const char *fmt, const char *arg)
{
	struct srcpos pos = { NULL, 0, 0 };

	diag_error(&pos, fmt, arg);
}

/* Lower-case [a-z0-9-] form of s (other characters as '-'). */
static void
S_name_part(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			buf_putc(b, c);
		else if (c >= 'A' && c <= 'Z')
			buf_putc(b, (char)(c - 'A' + 'a'));
		else
			buf_putc(b, '-');
	}
}

void
site_chart_file(struct buf *out, const char *slug, const char *figure,
    const char *scenario)
{
	S_name_part(out, slug);
	buf_putc(out, '-');
	S_name_part(out, figure);
	buf_putc(out, '-');
	S_name_part(out, scenario);
}

/* ------------------------------------------------------------------ */
/* Templates                                                            */

static struct tmpl *
S_tmpl(struct site *s, const char *name)
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
		tval_set_str(m, "title", l->title);
		tval_set_strf(m, "order", "%ld", l->order);
		tval_set_bool(m, "current", current != NULL && strcmp(current, l->slug) == 0);
	}
	tval_set_bool(ctx, "has_answers", s->have_answers);
	tval_set_bool(ctx, "at_index", current != NULL && strcmp(current, "index") == 0);
	tval_set_bool(ctx, "at_answers", current != NULL && strcmp(current, "answers") == 0);
	tval_set_bool(ctx, "at_chips", current != NULL && strcmp(current, "chips") == 0);
	tval_set_bool(ctx, "at_models", current != NULL && strcmp(current, "models") == 0);
	tval_set_bool(ctx, "at_derivations", current != NULL && strcmp(current, "derivations") == 0);
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
	struct tmpl *tb = S_tmpl(s, body), *tl = S_tmpl(s, "page.html");
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

/* ------------------------------------------------------------------ */
/* Figures                                                              */

static struct chartjob *
S_chart_find(struct site *s, const char *file)
{
	size_t i;

	for (i = 0; i < s->ncharts; i++)
		if (strcmp(s->charts[i].file, file) == 0)
			return &s->charts[i];
	return NULL;
}

/* lesson_expand() asks for `{{ figure NAME SCEN }}`: build the figure now
 * (drawing comes later, in parallel) and print its image reference. */
int
site_expand_figure(void *ctx, const struct lesson *l, const char *name,
    const struct data_scenario *scen, const struct srcpos *pos, struct buf *md)
{
	struct site *s = ctx;
	struct chartjob *job;
	struct buf file, alt;
	struct chart_fig *fig;

	buf_init(&file);
	site_chart_file(&file, l->slug, name, scen->name);
	if ((job = S_chart_find(s, file.data)) == NULL) {
		if (s->ncharts == LESSON_MAX_SITE_FIGURES) {
			diag_error(pos, "more than %d figures in the site",
			    LESSON_MAX_SITE_FIGURES);
			buf_free(&file);
			return -1;
		}
		if (chart_build(name, &s->set, scen, &fig) != 0) {
			diag_error(pos, "figure '%s' cannot be drawn for scenario '%s'",
			    name, scen->name);
			buf_free(&file);
			return -1;
		}
		s->charts = xreallocarray(s->charts, s->ncharts + 1, sizeof(*s->charts));
		job = &s->charts[s->ncharts++];
		memset(job, 0, sizeof(*job));
		job->file = xstrdup(file.data);
		job->fig = fig;
		/* Two scenarios of other names can give the same figure (a
		 * lesson's and the answers'): drawn once, written under both. */
		job->same = SITE_NO_JOB;
		for (size_t i = 0; i + 1 < s->ncharts; i++)
			if (s->charts[i].same == SITE_NO_JOB && chart_fig_same(s->charts[i].fig, fig)) {
				job->same = i;
				break;
			}
	}
	buf_init(&alt);
	chart_alt(job->fig, &alt);
	buf_puts(md, "![");
	buf_md_text(md, alt.data != NULL ? alt.data : name);
	buf_printf(md, "](chart:%s \"", job->file);
	buf_md_text(md, chart_caption(job->fig) != NULL ? chart_caption(job->fig) : "");
	buf_puts(md, "\")");
	buf_free(&alt);
	buf_free(&file);
	return 0;
}

/* The HTML writer meets `![alt](chart:FILE "caption")`. */
static int
S_html_figure(void *arg, const struct srcpos *pos, const char *name,
    const char *alt, const char *caption, struct buf *out)
{
	struct site *s = arg;

	if (S_chart_find(s, name) == NULL) {
		diag_error(pos, "unknown chart '%s' (figures are written as {{ figure NAME SCENARIO }})",
		    name);
		return -1;
	}
	buf_printf(out, "<figure class=\"chart\" id=\"fig-%s\">\n<a href=\"charts/%s.png\">"
	    "<img src=\"charts/%s.svg\" alt=\"", name, name, name);
	html_escape(out, alt);
	buf_printf(out, "\" width=\"%d\" height=\"%d\"></a>\n<figcaption>", (int)CHART_W_PT,
	    (int)CHART_H_PT);
	html_escape(out, caption);
	buf_printf(out, " <span class=\"fig-data\">(<a href=\"charts/%s.csv\">data</a>, "
	    "<a href=\"charts/%s.png\">large image</a>)</span></figcaption>\n</figure>\n",
	    name, name);
	return 0;
}

const struct chart_fig *
site_chart_fig(const struct site *s, const char *file)
{
	size_t i;

	for (i = 0; i < s->ncharts; i++)
		if (strcmp(s->charts[i].file, file) == 0)
			return s->charts[s->charts[i].same != SITE_NO_JOB ? s->charts[i].same : i].fig;
	return NULL;
}

/* The 2x PNG beside each SVG (1280 x 800 pixels). */
#define S_PNG_SCALE 2.0

/* Reads a regular file of at most UTIL_MAX_FILE_BYTES into b, silently:
 * 0, or -1 when it is missing or anything else (b then empty).  With
 * want_len != (size_t)-1, a file of another size is not read (-1). */
static int
S_read_quiet(const char *path, size_t want_len, struct buf *b)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char chunk[65536];
	ssize_t r;

	buf_reset(b);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > UTIL_MAX_FILE_BYTES ||
	    (want_len != (size_t)-1 && (size_t)sb.st_size != want_len)) {
		close(fd);
		return -1;
	}
	while ((r = read(fd, chunk, sizeof(chunk))) > 0 && b->len + (size_t)r <= UTIL_MAX_FILE_BYTES)
		buf_put(b, chunk, (size_t)r);
	close(fd);
	if (r != 0) {
		buf_reset(b);
		return -1;
	}
	return 0;
}

/*
 * A rebuild keeps the previous build's PNG of a figure whose SVG came out
 * byte-identical, when that PNG is one this renderer made
 * (chart_png_current(): tool version, encoder, library versions): both
 * come from the same drawing calls, and rasterising plus deflating is
 * most of what a figure costs.  Then j->png holds the previous bytes,
 * which the stage links rather than rewrites.
 */
static int
S_png_keep(const struct site *s, struct chartjob *j)
{
	char *path = xasprintf("%s/charts/%s.svg", s->o->out_dir, j->file);
	struct buf prev;
	int keep = 0;

	buf_init(&prev);
	if (S_read_quiet(path, j->svg.len, &prev) == 0 &&
	    memcmp(prev.data != NULL ? prev.data : "", j->svg.data != NULL ? j->svg.data : "",
	    j->svg.len) == 0) {
		free(path);
		path = xasprintf("%s/charts/%s.png", s->o->out_dir, j->file);
		if (S_read_quiet(path, (size_t)-1, &j->png) == 0 &&
		    chart_png_current(j->png.data, j->png.len, S_PNG_SCALE))
			keep = 1;
		else
			buf_reset(&j->png);
	}
	free(path);
	buf_free(&prev);
	return keep;
}

/*
 * The work that can run on any thread, numbered: the book first (the
 * longest single task), then the figures, then the handouts (short ones
 * last, so the threads finish together).  Without PDFs, the figures.
 */
struct pool {
	struct site *s;
	struct site_pdfs *pdfs;		/* NULL: --no-pdf */
	pthread_mutex_t mu;
	size_t next, ntasks;
	pthread_t th[32];
	size_t started;
};

static void
S_chart_task(const struct site *s, struct chartjob *j)
{
	buf_init(&j->svg);
	buf_init(&j->png);
	buf_init(&j->csv);
	if (j->same != SITE_NO_JOB)
		return;
	j->rc = chart_svg(j->fig, &j->svg);
	if (j->rc == 0 && !(j->png_kept = S_png_keep(s, j)))
		j->rc = chart_png(j->fig, S_PNG_SCALE, &j->png);
	chart_csv(j->fig, &j->csv);
}

static void *
S_worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->ntasks)
			return NULL;
		if (p->pdfs != NULL && i == 0) {
			site_pdfs_task(p->s, p->pdfs, 0);
			continue;
		}
		if (p->pdfs != NULL)
			i--;
		if (i < p->s->ncharts)
			S_chart_task(p->s, &p->s->charts[i]);
		else
			site_pdfs_task(p->s, p->pdfs, 1 + i - p->s->ncharts);
	}
}

/*
 * Starts the figures and the PDFs (pdfs may be NULL) on up to opts->jobs
 * threads in all, counting the caller's: the caller writes the pages
 * meanwhile, then joins in S_pool_finish().  On one thread nothing
 * starts, and S_pool_finish() does it all.
 */
static void
S_pool_start(struct site *s, struct site_pdfs *pdfs, struct pool *p)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nth = s->o->jobs > 0 ? (size_t)s->o->jobs : (ncpu > 0 ? (size_t)ncpu : 1);
	size_t i;

	p->s = s;
	p->pdfs = pdfs;
	p->next = 0;
	p->ntasks = s->ncharts + (pdfs != NULL ? pdfs->n + 1 : 0);
	p->started = 0;
	if (nth > 32)
		nth = 32;
	if (nth > p->ntasks)
		nth = p->ntasks;
	pthread_mutex_init(&p->mu, NULL);
	for (i = 1; i < nth; i++)
		if (pthread_create(&p->th[p->started], NULL, S_worker, p) == 0)
			p->started++;
}

/* Does what is left, waits for the threads, and stages every chart's
 * files (a repeated figure's under its own name) and the PDFs. */
static int
S_pool_finish(struct site *s, struct pool *p)
{
	size_t i;
	int rc = 0;

	S_worker(p);
	for (i = 0; i < p->started; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	for (i = 0; i < s->ncharts; i++) {
		struct chartjob *j = &s->charts[i];
		const struct chartjob *d = j->same != SITE_NO_JOB ? &s->charts[j->same] : j;
		char *f;

		if (d->rc != 0) {
			S_nopos_error("cannot draw chart '%s'", j->file);
			rc = -1;
			continue;
		}
		f = xasprintf("charts/%s.svg", j->file);
		rc |= site_stage_write(s->stage, f, d->svg.data, d->svg.len);
		free(f);
		f = xasprintf("charts/%s.png", j->file);
		rc |= site_stage_write(s->stage, f, d->png.data, d->png.len);
		free(f);
		f = xasprintf("charts/%s.csv", j->file);
		rc |= site_stage_write(s->stage, f, d->csv.data != NULL ? d->csv.data : "", d->csv.len);
		free(f);
	}
	if (rc == 0 && p->pdfs != NULL && site_pdfs_stage(s, p->pdfs) != 0)
		rc = -1;
	return rc != 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Lessons                                                              */

static int
S_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
S_cmp_page(const void *a, const void *b)
{
	const struct lesson *x = ((const struct page *)a)->l, *y = ((const struct page *)b)->l;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

/* The lesson files of the folder, sorted by name (answers.md apart). */
static int
S_list_lessons(struct site *s, char ***names, size_t *n, int *answers)
{
	DIR *d = opendir(s->o->lessons_dir);
	struct dirent *e;
	int rc = 0;

	*names = NULL;
	*n = 0;
	*answers = 0;
	if (d == NULL) {
		struct srcpos pos = { s->o->lessons_dir, 0, 0 };

		diag_error(&pos, "cannot read the lessons folder: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *path;
		struct stat sb;

		if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0 || e->d_name[0] == '.')
			continue;
		if (strcmp(e->d_name, "README.md") == 0)
			continue;
		path = xasprintf("%s/%s", s->o->lessons_dir, e->d_name);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			struct srcpos pos = { path, 0, 0 };
			int err = errno, lnk = lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);

			/* A link could lead out of the tree: lessons are plain files. */
			if (lnk)
				diag_error(&pos, "a symbolic link (lessons must be plain files inside the folder)");
			else if (lstat(path, &sb) != 0)
				diag_error(&pos, "cannot read: %s", strerror(err));
			else
				diag_error(&pos, "not a regular file");
			free(path);
			rc = -1;
			continue;
		}
		free(path);
		if (strcmp(e->d_name, "answers.md") == 0) {
			*answers = 1;
			continue;
		}
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), S_cmp_name);
	return rc;
}

static const char *const S_taken[] = { "index", "answers", "chips", "models",
	"derivations", "style", "print", "numbers", "charts", "handouts", NULL };

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

/*
 * Expands and renders one lesson page's body (numbers, figures, HTML).
 * A lesson page shows its problems without their worked answers; the
 * answers page (answers != NULL) ends with every lesson's worked answers,
 * problems included, under a heading of their own.
 */
static int
S_render_lesson(struct site *s, struct page *pg, const struct page *lessons,
    size_t nlessons)
{
	struct html_opts ho;
	struct buf md;
	size_t i;
	int rc;

	buf_init(&md);
	rc = S_expand_web(s, pg->l, lessons != NULL ? LESSON_ANSWERS_SHOW :
	    LESSON_ANSWERS_HIDE, &md);
	for (i = 0; rc == 0 && i < nlessons; i++) {
		if (lessons[i].l->nanswers == 0)
			continue;
		/* The title is data, not Markdown: escape what could be markup. */
		buf_puts(&md, "\n\n## ");
		buf_md_text(&md, lessons[i].l->title);
		buf_puts(&md, ": worked answers\n\n");
		rc = S_expand_web(s, lessons[i].l, LESSON_ANSWERS_SHOW, &md);
	}
	if (rc == 0) {
		struct buf html;

		memset(&ho, 0, sizeof(ho));
		ho.file = pg->l->path;
		ho.line_offset = pg->l->body_line > 0 ? pg->l->body_line - 1 : 0;
		ho.unsafe = pg->l->raw_html;
		ho.smart = 1;
		ho.figure = S_html_figure;
		ho.figure_arg = s;
		buf_init(&html);
		rc = html_render(md.data != NULL ? md.data : "", md.len, &ho, &html, &pg->doc);
		buf_putc(&html, '\0');
		pg->html = buf_take(&html, NULL);
		pg->md = buf_take(&md, NULL);
	}
	buf_free(&md);
	return rc;
}

static int
S_load_lessons(struct site *s)
{
	char **names;
	size_t n, i, j, total[3] = { 0, 0, 0 };
	int answers, rc;

	rc = S_list_lessons(s, &names, &n, &answers);
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", s->o->lessons_dir, names[i]);
		struct lesson *l;

		if (lesson_load(path, &s->set, &l) != 0)
			rc = -1;
		else {
			if (lesson_lint(l) != 0)
				rc = -1;
			s->pages = xreallocarray(s->pages, s->npages + 1, sizeof(*s->pages));
			memset(&s->pages[s->npages], 0, sizeof(*s->pages));
			s->pages[s->npages++].l = l;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	if (answers) {
		char *path = xasprintf("%s/answers.md", s->o->lessons_dir);

		if (lesson_load(path, &s->set, &s->answers.l) != 0)
			rc = -1;
		else {
			s->have_answers = 1;
			if (lesson_lint(s->answers.l) != 0)
				rc = -1;
		}
		free(path);
	}
	if (s->npages > 0)
		qsort(s->pages, s->npages, sizeof(*s->pages), S_cmp_page);
	for (i = 0; i < s->npages; i++) {
		const struct lesson *l = s->pages[i].l;

		for (j = 0; S_taken[j] != NULL; j++)
			if (strcmp(l->slug, S_taken[j]) == 0) {
				diag_error(&l->pos, "slug '%s' is the name of a generated page", l->slug);
				rc = -1;
			}
		if (i > 0 && strcmp(l->slug, s->pages[i - 1].l->slug) == 0) {
			diag_error(&l->pos, "slug '%s' is used by another lesson too", l->slug);
			rc = -1;
		}
	}
	if (rc != 0)
		return -1;
	if (s->npages == 0) {
		struct srcpos pos = { s->o->lessons_dir, 0, 0 };

		diag_error(&pos, "no lessons (*.md files) in the folder");
		return -1;
	}
	for (i = 0; i < s->npages; i++)
		if (S_render_lesson(s, &s->pages[i], NULL, 0) != 0)
			rc = -1;
		else if (lesson_site_bound(s->pages[i].l, total) != 0)
			return -1;
	if (s->have_answers && S_render_lesson(s, &s->answers, s->pages, s->npages) != 0)
		rc = -1;
	return rc;
}

static struct tval *
S_lesson_ctx(struct site *s, const struct page *pg, size_t idx)
{
	struct tval *ctx = tval_map(), *toc;
	size_t i;

	tval_set_str(ctx, "title", pg->l->title);
	tval_set_str(ctx, "description", pg->l->summary != NULL ? pg->l->summary : "");
	tval_set_str(ctx, "summary", pg->l->summary != NULL ? pg->l->summary : "");
	tval_set_str(ctx, "body", pg->html);
	if (idx != (size_t)-1) {
		tval_set_strf(ctx, "order", "%ld", pg->l->order);
		if (idx > 0) {
			struct tval *p = tval_set(ctx, "prev", tval_map());

			tval_set_strf(p, "href", "%s.html", s->pages[idx - 1].l->slug);
			tval_set_str(p, "title", s->pages[idx - 1].l->title);
		}
		if (idx + 1 < s->npages) {
			struct tval *p = tval_set(ctx, "next", tval_map());

			tval_set_strf(p, "href", "%s.html", s->pages[idx + 1].l->slug);
			tval_set_str(p, "title", s->pages[idx + 1].l->title);
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
	return ctx;
}

static int
S_write_lessons(struct site *s)
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

static int
S_write_index(struct site *s)
{
	struct tval *ctx = tval_map(), *list = tval_set(ctx, "lessons", tval_list());
	size_t i;

	tval_set_str(ctx, "title", "Contents");
	tval_set_str(ctx, "description", SITE_DESCRIPTION);
	for (i = 0; i < s->npages; i++) {
		struct tval *m = tval_push_map(list);
		const struct lesson *l = s->pages[i].l;

		tval_set_strf(m, "href", "%s.html", l->slug);
		tval_set_str(m, "title", l->title);
		tval_set_str(m, "summary", l->summary != NULL ? l->summary : "");
		tval_set_strf(m, "order", "%ld", l->order);
	}
	return site_page(s, "index.html", "index.html", ctx, "index");
}

static int
S_copy_static(struct site *s)
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

/* ------------------------------------------------------------------ */

static void
S_free(struct site *s)
{
	size_t i;

	for (i = 0; i < s->npages; i++) {
		lesson_free(s->pages[i].l);
		free(s->pages[i].html);
		free(s->pages[i].md);
		html_doc_free(&s->pages[i].doc);
	}
	free(s->pages);
	if (s->have_answers || s->answers.l != NULL) {
		lesson_free(s->answers.l);
		free(s->answers.html);
		free(s->answers.md);
		html_doc_free(&s->answers.doc);
	}
	for (i = 0; i < s->ncharts; i++) {
		chart_fig_free(s->charts[i].fig);
		free(s->charts[i].file);
		buf_free(&s->charts[i].svg);
		buf_free(&s->charts[i].png);
		buf_free(&s->charts[i].csv);
	}
	free(s->charts);
	site_nums_free(s);
	for (i = 0; i < s->ntmpls; i++) {
		tmpl_free(s->tmpls[i]);
		free(s->tmpl_names[i]);
	}
	free(s->tmpls);
	free(s->tmpl_names);
	if (s->have_set)
		data_free(&s->set);
}

int
site_build(const struct site_opts *o)
{
	struct site s;
	struct site_pdfs pdfs;
	struct pool pool;
	int rc = -1, page_rc;

	memset(&s, 0, sizeof(s));
	memset(&pdfs, 0, sizeof(pdfs));
	s.o = o;
	if (data_load(o->data_dir, &s.set) != 0)
		return -1;
	s.have_set = 1;
	/* measurements.yaml is data too: validate it before anything is
	 * built, and load it here, on one thread, so the figure and the table
	 * that read it later only ever read. */
	if (evidence_load(&s.set) != 0)
		goto out;
	/* Compile every template first: a template error costs no work. */
	if (S_tmpl(&s, "page.html") == NULL || S_tmpl(&s, "lesson.html") == NULL ||
	    S_tmpl(&s, "index.html") == NULL || S_tmpl(&s, "chips.html") == NULL ||
	    S_tmpl(&s, "models.html") == NULL || S_tmpl(&s, "derivations.html") == NULL)
		goto out;
	if (S_load_lessons(&s) != 0)
		goto out;
	if ((s.stage = site_stage_open(o->out_dir)) == NULL)
		goto out;
	if (o->pdf && site_pdfs_prepare(&s, &pdfs) != 0)
		goto out;
	/* The figures and the PDFs (nearly all of a cold build's time) go
	 * to the other cores while this thread writes the pages, then it
	 * helps with what is left. */
	S_pool_start(&s, o->pdf ? &pdfs : NULL, &pool);
	page_rc = S_write_lessons(&s) != 0 || S_write_index(&s) != 0 ||
	    site_write_reference(&s) != 0 || site_write_derivations(&s) != 0 ||
	    S_copy_static(&s) != 0;
	if (S_pool_finish(&s, &pool) != 0 || page_rc || site_write_numbers(&s) != 0)
		goto out;
	if (site_stage_commit(s.stage) != 0) {
		s.stage = NULL;
		goto out;
	}
	s.stage = NULL;
	if (!o->quiet)
		site_report(&s, o->report != NULL ? o->report : stdout);
	rc = 0;
out:
	if (s.stage != NULL)
		site_stage_abort(s.stage);
	site_pdfs_free(&pdfs);
	S_free(&s);
	return rc;
}
