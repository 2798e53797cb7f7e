/*
 * figreg.c -- the site's figure registry: each `{{ figure NAME
 * SCENARIO }}` of a lesson becomes one chart job, built while the lessons
 * are expanded (on the main thread), drawn later by any thread
 * (site_chart_task), and shown as a <figure> on the web and as vectors in
 * print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "diag.h"
#include "html.h"
#include "lesson.h"
#include "md.h"
#include "site.h"
#include "site_int.h"
#include "util.h"

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

/* A caption as the title of a Markdown image: with the body's typographic
 * punctuation (titles are not inline-parsed, so md_smart() does it), and
 * every '"' escaped: an unescaped one would end the title early, and the
 * whole image would come out as literal text. */
static void
S_md_title(struct buf *md, const char *caption)
{
	char *t = md_smart(caption != NULL ? caption : ""), *p, *q;

	for (p = t; (q = strchr(p, '"')) != NULL; p = q + 1) {
		*q = '\0';
		buf_md_text(md, p);
		buf_puts(md, "\\\"");
	}
	buf_md_text(md, p);
	free(t);
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
		/* One report per bad input, by whoever knows its position: an
		 * unknown name here, at the {{ figure }}; data that cannot make
		 * the figure in chart_build(), at the scenario. */
		if (!chart_known(name)) {
			char *known = chart_known_list();

			diag_error(pos, "unknown figure '%s' (known: %s)", name, known);
			free(known);
			buf_free(&file);
			return -1;
		}
		if (s->ncharts == LESSON_MAX_SITE_FIGURES) {
			diag_error(pos, "more than %d figures in the site",
			    LESSON_MAX_SITE_FIGURES);
			buf_free(&file);
			return -1;
		}
		if (chart_build(name, &s->set, scen, &fig) != 0) {
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
	S_md_title(md, chart_caption(job->fig));
	buf_puts(md, "\")");
	buf_free(&alt);
	buf_free(&file);
	return 0;
}

/* The HTML writer meets `![alt](chart:FILE "caption")`. */
int
site_html_figure(void *arg, const struct srcpos *pos, const char *name,
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

/*
 * Draws a chart job (any thread).  Every PNG is drawn: a rebuild once kept
 * the previous build's PNG when the SVG was unchanged, which could leave
 * bytes a cold build would not write (and kept a damaged PNG for ever);
 * a rebuild now writes exactly what a cold build writes, and the stage
 * still links a file whose bytes did not change.
 */
void
site_chart_task(const struct site *s, struct chartjob *j)
{
	buf_init(&j->svg);
	buf_init(&j->png);
	buf_init(&j->csv);
	if (j->same != SITE_NO_JOB)
		return;
	(void)s;
	j->rc = chart_svg_png(j->fig, S_PNG_SCALE, &j->svg, &j->png);
	chart_csv(j->fig, &j->csv);
}
