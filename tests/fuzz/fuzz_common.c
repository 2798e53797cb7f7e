/*
 * fuzz_common.c -- helpers shared by the fuzz targets (fuzz.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "diag.h"
#include "util.h"
#include "fuzz.h"

void
fuzz_quiet(void)
{
	static FILE *null;

	if (null == NULL) {
		if ((null = fopen("/dev/null", "w")) == NULL)
			abort();
		diag_set_stream(null);
	}
	diag_reset();
}

static char S_dir[64];

/* The scratch folder holds only flat files the targets wrote. */
static void
S_cleanup(void)
{
	DIR *d = opendir(S_dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			fuzz_unlink(de->d_name);
	}
	closedir(d);
	rmdir(S_dir);
}

const char *
fuzz_tmpdir(void)
{
	if (S_dir[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(S_dir, sizeof(S_dir), "%s/inferbook-fuzz-XXXXXX",
		    tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
		if (mkdtemp(S_dir) == NULL)
			abort();
		atexit(S_cleanup);
	}
	return S_dir;
}

void
fuzz_write(const char *name, const void *data, size_t n)
{
	char *path = xasprintf("%s/%s", fuzz_tmpdir(), name);
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || (n > 0 && fwrite(data, 1, n, fp) != n) || fclose(fp) != 0)
		abort();
	free(path);
}

void
fuzz_unlink(const char *name)
{
	char *path = xasprintf("%s/%s", fuzz_tmpdir(), name);

	unlink(path);
	free(path);
}

const struct data_set *
fuzz_dataset(void)
{
	static struct data_set set;
	static int loaded;
	const char *dir = getenv("FUZZ_DATA");

	if (!loaded) {
		if (data_load(dir != NULL ? dir : "data", &set) != 0) {
			fprintf(stderr, "fuzz: cannot load %s (run from the project root)\n",
			    dir != NULL ? dir : "data");
			abort();
		}
		loaded = 1;
	}
	return &set;
}
