/*
 * check.c -- `inferbook check`: validate the data and the lessons and exit
 * 0 or 1.  Warnings alone leave the status 0.  The lessons are read by
 * lesson_dir_load() with the site's reserved names and their figures are
 * built, so check refuses what `inferbook site` would refuse for the same
 * data and lessons (templates are the site build's alone).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "data.h"
#include "diag.h"
#include "lesson.h"
#include "md.h"
#include "sanity.h"
#include "site.h"
#include "util.h"

/* lesson_expand()'s figure callback: the figure is built as the site
 * builds it (and the same errors reported), then dropped. */
static int
S_figure(void *ctx, const struct lesson *l, const char *name,
    const struct data_scenario *scen, const struct srcpos *pos, struct buf *md)
{
	const struct data_set *set = ctx;
	struct chart_fig *f;

	(void)l;
	(void)md;
	if (!chart_known(name)) {
		char *known = chart_known_list();

		diag_error(pos, "unknown figure '%s' (known: %s)", name, known);
		free(known);
		return -1;
	}
	if (chart_build(name, set, scen, &f) != 0)
		return -1;
	chart_fig_free(f);
	return 0;
}

static int
S_expand(struct lesson *l, const struct data_set *set)
{
	struct lesson_expand_opts eo;
	struct buf md;
	int rc;

	lesson_expand_opts_defaults(&eo);
	eo.figure = S_figure;
	eo.ctx = (void *)(uintptr_t)set;
	buf_init(&md);
	rc = lesson_expand(l, &eo, &md);
	if (rc == 0) {
		/* The Markdown front end's own checks (chart figures), as the
		 * pages and the PDFs parse it. */
		struct md_opts mo = { l->path, l->body_line > 0 ? l->body_line - 1 : 0,
		    l->raw_html, NULL };
		struct md_doc doc;

		rc = md_parse(md.data != NULL ? md.data : "", md.len, &mo, &doc);
		if (rc == 0)
			md_doc_free(&doc);
	}
	buf_free(&md);
	return rc;
}

/* Every lesson of dir: -1 after errors, else how many files were checked
 * (answers.md included). */
static int
S_check_lessons(struct data_set *set, const char *dir)
{
	struct lesson_dir d;
	size_t i;
	int bad = 0;

	if (lesson_dir_load(dir, set, site_reserved_slugs(), &d) != 0)
		return -1;
	for (i = 0; i < d.n; i++)
		if (S_expand(d.lessons[i], set) != 0)
			bad = 1;
	if (d.answers != NULL && S_expand(d.answers, set) != 0)
		bad = 1;
	i = d.n + (d.answers != NULL);
	lesson_dir_free(&d);
	return bad ? -1 : (int)i;
}

int
cli_check(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "lessons", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *lessons = NULL;
	char *data_dir, *lessons_dir = NULL;
	struct data_set set;
	int c, nlessons = 0, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'l': lessons = optarg; break;
		default: return cli_usage_error("check: bad option%s", "");
		}
	}
	if (optind != argc)
		return cli_usage_error("check: unexpected argument '%s'", argv[optind]);
	/* --data alone checks that data; otherwise the lessons too (the
	 * project's, or the installed ones). */
	data_dir = cli_default_dir(data, "data");
	if (lessons != NULL || data == NULL)
		lessons_dir = cli_default_dir(lessons, "lessons");
	if (data_load(data_dir, &set) != 0)
		goto out;
	/* The sanity warnings flag figures that look like classic slips but
	 * leave the status 0. */
	sanity_check(&set);
	if (lessons_dir != NULL)
		nlessons = S_check_lessons(&set, lessons_dir);
	data_free(&set);
	if (nlessons < 0 || diag_worst() >= DIAG_ERROR)
		goto out;
	if (lessons_dir != NULL)
		printf("inferbook: %s, %s: data and %d lessons valid (%u warnings)\n",
		    data_dir, lessons_dir, nlessons, diag_count(DIAG_WARNING));
	else
		printf("inferbook: %s: data valid (%u warnings)\n", data_dir,
		    diag_count(DIAG_WARNING));
	rc = 0;
out:
	free(data_dir);
	free(lessons_dir);
	return rc;
}
