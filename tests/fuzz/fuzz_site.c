/*
 * fuzz_site.c -- the whole pipeline: one input becomes a site folder
 * (data + one lesson + templates) and site_build() publishes it, so the
 * Markdown rendering, the figures, the templates and the typesetting of
 * the book and one handout PDF are fuzzed together, as `inferbook site`
 * runs them.
 *
 * The input is cut at lines "@@@@" into up to four parts:
 *   0  the lesson, lessons/01-fuzz.md
 *   1  when not empty, replaces templates/lesson.html
 *   2  appended to data/hardware.yaml (a top-level sequence: a mutation
 *      adds chips, e.g. with hostile names, and keeps the real ones)
 *   3  appended to data/models.yaml
 * The other data files and templates are the project's ($FUZZ_DATA or
 * data/, templates/), read once.  The build runs on one thread into a
 * scratch out/ that is removed after every input, so each input is
 * published as a first build (no earlier numbers.tsv or PNGs to reuse).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "site.h"
#include "util.h"
#include "fuzz.h"

#define S_SEP "\n@@@@\n"

struct S_file {
	char *name;			/* "data/hardware.yaml" */
	char *text;
	size_t len;
};

static struct S_file *S_files;
static size_t S_nfiles;
static char *S_root;			/* the scratch site folder */

/* The next S_SEP in [p, end), or NULL. */
static const char *
S_find(const char *p, const char *end)
{
	size_t n = sizeof(S_SEP) - 1;

	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, S_SEP, n) == 0)
			return p;
	return NULL;
}

/* Reads every plain file of folder dir into S_files as "sub/NAME". */
static void
S_read_dir(const char *dir, const char *sub)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		fprintf(stderr, "fuzz: cannot read %s (run from the project root)\n", dir);
		abort();
	}
	while ((de = readdir(d)) != NULL) {
		char *path;
		struct S_file *f;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		S_files = xreallocarray(S_files, S_nfiles + 1, sizeof(*S_files));
		f = &S_files[S_nfiles++];
		f->name = xasprintf("%s/%s", sub, de->d_name);
		if (util_read_file(path, &f->text, &f->len) != 0)
			abort();
		free(path);
	}
	closedir(d);
}

static void
S_cleanup(void)
{
	if (S_root != NULL)
		site_rmtree(S_root);
}

static void
S_write(const char *name, const char *a, size_t alen, const char *b, size_t blen)
{
	char *path = xasprintf("%s/%s", S_root, name);
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || (alen > 0 && fwrite(a, 1, alen, fp) != alen) ||
	    (blen > 0 && fwrite(b, 1, blen, fp) != blen) || fclose(fp) != 0)
		abort();
	free(path);
}

static void
S_setup(void)
{
	const char *data = getenv("FUZZ_DATA");
	static const char *const subs[] = { "data", "lessons", "templates" };
	size_t i;

	S_read_dir(data != NULL ? data : "data", "data");
	S_read_dir("templates", "templates");
	S_root = xasprintf("%s/site", fuzz_tmpdir());
	if (mkdir(S_root, 0700) != 0)
		abort();
	atexit(S_cleanup);
	for (i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", S_root, subs[i]);

		if (mkdir(p, 0700) != 0)
			abort();
		free(p);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[4] = { NULL, NULL, NULL, NULL }, *p, *end, *cut;
	size_t plen[4] = { 0, 0, 0, 0 }, i;
	struct site_opts o;
	char *out, *lessons, *datadir, *tmpls;
	int rc;

	if (S_root == NULL)
		S_setup();
	p = (const char *)data;
	end = p + size;
	for (i = 0; i < 4 && p != NULL; i++) {
		cut = i < 3 ? S_find(p, end) : NULL;
		part[i] = p;
		plen[i] = (size_t)((cut != NULL ? cut : end) - p);
		p = cut != NULL ? cut + sizeof(S_SEP) - 1 : NULL;
	}
	for (i = 0; i < S_nfiles; i++) {
		const struct S_file *f = &S_files[i];
		size_t k = strcmp(f->name, "templates/lesson.html") == 0 ? 1 :
		    strcmp(f->name, "data/hardware.yaml") == 0 ? 2 :
		    strcmp(f->name, "data/models.yaml") == 0 ? 3 : 0;

		if (k == 1 && plen[1] > 0)
			S_write(f->name, part[1], plen[1], NULL, 0);
		else if (k >= 2)
			S_write(f->name, f->text, f->len, part[k], plen[k]);
		else
			S_write(f->name, f->text, f->len, NULL, 0);
	}
	S_write("lessons/01-fuzz.md", part[0], plen[0], NULL, 0);

	out = xasprintf("%s/out", S_root);
	lessons = xasprintf("%s/lessons", S_root);
	datadir = xasprintf("%s/data", S_root);
	tmpls = xasprintf("%s/templates", S_root);
	site_opts_defaults(&o);
	o.out_dir = out;
	o.data_dir = datadir;
	o.lessons_dir = lessons;
	o.templates_dir = tmpls;
	o.jobs = 1;
	o.pdf = 1;
	o.quiet = 1;
	fuzz_quiet();
	rc = site_build(&o);
	/* FUZZ_SHOW=1: which inputs build (to check that seeds go deep). */
	if (getenv("FUZZ_SHOW") != NULL)
		fprintf(stderr, "fuzz_site: %zu bytes: %s\n", size, rc == 0 ? "built" : "refused");
	site_rmtree(out);
	free(out);
	free(lessons);
	free(datadir);
	free(tmpls);
	return 0;
}
