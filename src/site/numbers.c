/*
 * numbers.c -- out/numbers.tsv (every printed number of a build) and the
 * change report that compares a build with the previous one.
 *
 * The file is the memory between builds: the report must work from what
 * out/ holds, so a maintainer sees "h100-sxm 700B floor: 209 ms -> 175 ms
 * (chips)" right after editing data/hardware.yaml.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "site_int.h"
#include "tmpl.h"
#include "util.h"

/* Tabs and line ends would break the file's lines and columns. */
static char *
S_clean(const char *s)
{
	char *c = xstrdup(s != NULL ? s : ""), *p;

	for (p = c; *p != '\0'; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return c;
}

static void
S_push(struct num **v, size_t *n, const char *id, const char *label,
    const char *value, const char *pages, const char *owner, int answer)
{
	struct num *x;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	x = &(*v)[(*n)++];
	x->id = S_clean(id);
	x->label = S_clean(label);
	x->value = S_clean(value);
	x->pages = S_clean(pages);
	x->owner = xstrdup(owner != NULL ? owner : "");
	x->answer = answer;
}

void
site_num_add(struct site *s, const char *id, const char *label, const char *value,
    const char *page, const char *owner)
{
	S_push(&s->nums, &s->nnums, id, label, value, page, owner, 0);
}

void
site_num_push(struct site *s, const char *id, const char *label, const char *value,
    const char *pages, const char *owner, int answer)
{
	S_push(&s->nums, &s->nnums, id, label, value, pages, owner, answer);
}

static void
S_free_nums(struct num *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].label);
		free(v[i].value);
		free(v[i].pages);
		free(v[i].owner);
	}
	free(v);
}

void
site_nums_free(struct site *s)
{
	size_t i;

	S_free_nums(s->nums, s->nnums);
	s->nums = NULL;
	s->nnums = 0;
	for (i = 0; i < s->nreport; i++)
		free(s->report[i]);
	free(s->report);
	s->report = NULL;
	s->nreport = 0;
	tval_free(s->ref_deriv);
	s->ref_deriv = NULL;
	site_editions_free(s);
}

/* The previous build's numbers (none when the file is absent). */
static void
S_read_prev(const char *path, struct num **v, size_t *n)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	*v = NULL;
	*n = 0;
	if (fp == NULL)
		return;
	while ((len = getline(&line, &cap, fp)) > 0) {
		char *f[5], *p = line;
		size_t k;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (line[0] == '#')
			continue;
		/* id, label, value, pages and (since the answer blocks) where. */
		for (k = 0; k < 5 && p != NULL; k++) {
			f[k] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (k >= 4)
			S_push(v, n, f[0], f[1], f[2], f[3], NULL,
			    k == 5 && strcmp(f[4], "answer") == 0);
	}
	free(line);
	fclose(fp);
}

/* True when the comma-separated list holds page. */
static int
S_has_page(const char *list, const char *page)
{
	size_t n = strlen(page);
	const char *p = list;

	while ((p = strstr(p, page)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

static int
S_cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct num *)a)->id, ((const struct num *)b)->id);
}

int
site_write_numbers(struct site *s)
{
	struct num *all, *prev, *sorted;
	size_t n, nprev, i;
	struct buf b;
	char *path;
	int rc;

	site_nums_merge(s);
	all = s->nums;
	n = s->nnums;

	buf_init(&b);
	/* The edition the numbers belong to heads the file. */
	if (s->ed_title != NULL)
		buf_printf(&b, "# %s\n", s->ed_title);
	/* where: "answer" when the number is printed only inside worked-answer
	 * blocks (the student edition leaves those out), else "text". */
	buf_puts(&b, "# id\tlabel\tvalue\tpages\twhere\n");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\t%s\t%s\t%s\t%s\n", all[i].id, all[i].label, all[i].value,
		    all[i].pages, all[i].answer ? "answer" : "text");
	rc = site_stage_write(s->stage, "numbers.tsv", b.data, b.len);
	buf_free(&b);

	path = xasprintf("%s/numbers.tsv", s->o->out_dir);
	S_read_prev(path, &prev, &nprev);
	free(path);
	s->first_build = nprev == 0;
	if (nprev > 0) {
		struct num *g = NULL;
		size_t ng = 0, k;

		sorted = prev;
		qsort(sorted, nprev, sizeof(*sorted), S_cmp_id);
		/* One line per change of one chip's or model's figure: the same
		 * number printed on several pages (same owner, same old and new
		 * text) is said once, with every page it appears on. */
		for (i = 0; i < n; i++) {
			struct num *old = bsearch(&all[i], sorted, nprev, sizeof(*sorted), S_cmp_id);

			if (old == NULL || strcmp(old->value, all[i].value) == 0)
				continue;
			for (k = 0; k < ng; k++)
				if (all[i].owner[0] != '\0' && strcmp(g[k].owner, all[i].owner) == 0 &&
				    strcmp(g[k].id, old->value) == 0 && strcmp(g[k].value, all[i].value) == 0)
					break;
			if (k == ng) {
				S_push(&g, &ng, old->value, all[i].label, all[i].value, all[i].pages,
				    all[i].owner, 0);
				continue;
			}
			if (!S_has_page(g[k].pages, all[i].pages)) {
				char *p = xasprintf("%s, %s", g[k].pages, all[i].pages);

				free(g[k].pages);
				g[k].pages = p;
			}
			/* A reference page's label names the figure in words. */
			if (strchr(all[i].id, '.') == NULL && (strncmp(all[i].id, "chips-", 6) == 0 ||
			    strncmp(all[i].id, "models-", 7) == 0)) {
				free(g[k].label);
				g[k].label = xstrdup(all[i].label);
			}
		}
		for (k = 0; k < ng; k++) {
			s->report = xreallocarray(s->report, s->nreport + 1, sizeof(*s->report));
			s->report[s->nreport++] = xasprintf("%s: %s -> %s (%s)", g[k].label,
			    g[k].id, g[k].value, g[k].pages);
		}
		S_free_nums(g, ng);
	}
	S_free_nums(prev, nprev);
	site_stage_counts(s->stage, &s->files_changed, &s->files_kept);
	return rc;
}

void
site_report(const struct site *s, FILE *fp)
{
	size_t i;

	for (i = 0; i < s->nreport; i++)
		fprintf(fp, "%s\n", s->report[i]);
	if (s->first_build) {
		fprintf(fp, "site: first build, %zu numbers published; %zu file%s written\n",
		    s->nnums, s->files_changed, s->files_changed == 1 ? "" : "s");
		return;
	}
	fprintf(fp, "site: %zu number%s changed; %zu file%s written, %zu unchanged\n",
	    s->nreport, s->nreport == 1 ? "" : "s", s->files_changed,
	    s->files_changed == 1 ? "" : "s", s->files_kept);
}
