/*
 * check.c -- `inferbook check`: validate the data and the lessons and exit
 * 0 or 1.  Warnings alone leave the status 0.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "data.h"
#include "diag.h"
#include "evidence.h"
#include "lesson.h"
#include "sanity.h"
#include "util.h"

static int
S_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every .md file of DIR but README.md (the writers' guide), in name
 * order, loaded, linted and expanded.  As in the site build, a lesson must
 * be a plain file: a symbolic link could point outside the folder.
 * Returns the number of lessons checked, or -1 after errors.
 */
static int
S_check_lessons(const struct data_set *set, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int bad = 0;

	if (d == NULL) {
		struct srcpos pos = { dir, 0, 0 };

		diag_error(&pos, "cannot read the lessons folder: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0 || e->d_name[0] == '.' ||
		    strcmp(e->d_name, "README.md") == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), S_cmp_name);
	for (i = 0; i < n; i++) {
		struct srcpos pos = { names[i], 0, 0 };
		struct lesson *l;
		struct stat sb;
		int found;

		/* sb means nothing when lstat fails (the file may have gone
		 * since readdir). */
		found = lstat(names[i], &sb) == 0;
		if (!found || !S_ISREG(sb.st_mode)) {
			diag_error(&pos, found && S_ISLNK(sb.st_mode) ?
			    "a symbolic link (lessons must be plain files inside the folder)" :
			    "not a regular file");
			bad = 1;
		} else if (lesson_load(names[i], set, &l) != 0) {
			bad = 1;
		} else {
			if (lesson_check(l) != 0)
				bad = 1;
			lesson_free(l);
		}
		free(names[i]);
	}
	free(names);
	return bad ? -1 : (int)n;
}

int
cli_check(const char *data_dir, const char *lessons_dir)
{
	struct data_set set;
	int nlessons = 0;

	if (data_load(data_dir, &set) != 0)
		return 1;
	/* measurements.yaml (when present) is data too; the sanity warnings
	 * flag figures that look like classic slips but leave the status 0. */
	if (evidence_load(&set) != 0) {
		data_free(&set);
		return 1;
	}
	sanity_check(&set);
	if (lessons_dir != NULL)
		nlessons = S_check_lessons(&set, lessons_dir);
	data_free(&set);
	if (nlessons < 0 || diag_worst() >= DIAG_ERROR)
		return 1;
	if (lessons_dir != NULL)
		printf("inferbook: %s, %s: data and %d lessons valid (%u warnings)\n",
		    data_dir, lessons_dir, nlessons, diag_count(DIAG_WARNING));
	else
		printf("inferbook: %s: data valid (%u warnings)\n", data_dir,
		    diag_count(DIAG_WARNING));
	return 0;
}
