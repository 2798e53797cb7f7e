/*
 * dir.c -- lesson_dir_load(): which files of a folder are lessons, loaded
 * and checked the same way for `inferbook check` and `inferbook site`
 * (lesson.h).  It was written twice, and only the site checked slugs: a
 * lesson with `slug: index` passed `check`, then failed `make site`.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "lesson.h"
#include "util.h"

static int
S_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
S_cmp_lesson(const void *a, const void *b)
{
	const struct lesson *x = *(struct lesson *const *)a, *y = *(struct lesson *const *)b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

/*
 * The names of the folder's lesson files, sorted.  A name ending in ".md"
 * in any other case ("10-x.MD") is an error rather than silently not a
 * lesson: on a case-insensitive file system it would be one.  A lesson
 * must be a plain file: a symbolic link could point outside the folder.
 */
static int
S_list(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	*names = NULL;
	*n = 0;
	if (d == NULL) {
		struct srcpos pos = { dir, 0, 0 };

		diag_error(&pos, "cannot read the lessons folder: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *path;
		struct stat sb;

		if (len < 4 || e->d_name[0] == '.' || strcasecmp(e->d_name + len - 3, ".md") != 0)
			continue;
		if (strcmp(e->d_name, "README.md") == 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (strcmp(e->d_name + len - 3, ".md") != 0) {
			struct srcpos pos = { path, 0, 0 };

			diag_error(&pos, "a lesson file's name must end in '.md' (lower case)");
			rc = -1;
		} else if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			struct srcpos pos = { path, 0, 0 };
			int err = errno, found = lstat(path, &sb) == 0;

			if (found && S_ISLNK(sb.st_mode))
				diag_error(&pos, "a symbolic link (lessons must be plain files inside the folder)");
			else if (!found)
				diag_error(&pos, "cannot read: %s", strerror(err));
			else
				diag_error(&pos, "not a regular file");
			rc = -1;
		} else {
			*names = xreallocarray(*names, *n + 1, sizeof(**names));
			(*names)[(*n)++] = path;
			continue;
		}
		free(path);
	}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), S_cmp_name);
	return rc;
}

static int
S_base_is(const char *path, const char *base)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash != NULL ? slash + 1 : path, base) == 0;
}

/* Slugs name output files: none may be a reserved name or another
 * lesson's.  A clash is reported at both lessons (whichever order they
 * sort in), so the writer sees which two files to reconcile. */
static int
S_check_slugs(const struct lesson_dir *d, const char *const *reserved)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < d->n; i++) {
		const struct lesson *l = d->lessons[i];

		for (j = 0; reserved != NULL && reserved[j] != NULL; j++)
			if (strcmp(l->slug, reserved[j]) == 0) {
				diag_error(&l->pos, "slug '%s' is the name of a generated page",
				    l->slug);
				rc = -1;
			}
		for (j = 0; j < d->n; j++) {
			const struct lesson *o = d->lessons[j];

			if (j != i && strcmp(l->slug, o->slug) == 0) {
				diag_error(&l->pos, "slug '%s' is used by %s too", l->slug, o->path);
				rc = -1;
			}
		}
	}
	return rc;
}

int
lesson_dir_load(const char *dir, const struct data_set *set, const char *const *reserved,
    struct lesson_dir *out)
{
	char **names;
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = S_list(dir, &names, &n);
	for (i = 0; i < n; i++) {
		struct lesson *l;

		if (lesson_load(names[i], set, &l) != 0)
			rc = -1;
		else {
			if (lesson_lint(l) != 0)
				rc = -1;
			if (S_base_is(names[i], "answers.md"))
				out->answers = l;
			else {
				out->lessons = xreallocarray(out->lessons, out->n + 1,
				    sizeof(*out->lessons));
				out->lessons[out->n++] = l;
			}
		}
		free(names[i]);
	}
	free(names);
	if (out->n > 0)
		qsort(out->lessons, out->n, sizeof(*out->lessons), S_cmp_lesson);
	if (S_check_slugs(out, reserved) != 0)
		rc = -1;
	if (rc == 0 && out->n == 0) {
		struct srcpos pos = { dir, 0, 0 };

		diag_error(&pos, "no lessons (*.md files) in the folder");
		rc = -1;
	}
	if (rc != 0)
		lesson_dir_free(out);
	return rc;
}

void
lesson_dir_free(struct lesson_dir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		lesson_free(d->lessons[i]);
	free(d->lessons);
	if (d->answers != NULL)
		lesson_free(d->answers);
	memset(d, 0, sizeof(*d));
}
