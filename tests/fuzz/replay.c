/*
 * replay.c -- main() for the fuzz targets outside libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line (a
 * folder: on each file in it, sorted) and prints "replay: N inputs".  A
 * crash, a sanitizer finding (make check SAN=1) or a hang is the failure;
 * the inputs are the regression corpus tests/fuzz/regress/NAME/.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fuzz.h"

static unsigned S_count;

static int
S_one(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b;
	char tmp[4096];
	size_t n;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	buf_init(&b);
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_put(&b, tmp, n);
	fclose(fp);
	/* A private copy of exactly len bytes, as libFuzzer hands it over, so
	 * that ASan sees any read past the end. */
	{
		unsigned char *copy = xmalloc(b.len ? b.len : 1);

		if (b.len > 0)
			memcpy(copy, b.data, b.len);
		LLVMFuzzerTestOneInput(copy, b.len);
		free(copy);
	}
	buf_free(&b);
	S_count++;
	return 0;
}

static int
S_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
S_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int r = 0;

	if (d == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), S_cmp);
	for (i = 0; i < n; i++) {
		if (S_one(names[i]) != 0)
			r = -1;
		free(names[i]);
	}
	free(names);
	return r;
}

int
main(int argc, char *argv[])
{
	struct stat st;
	int i, r = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			r = 1;
		} else if (S_ISDIR(st.st_mode) ? S_dir(argv[i]) != 0 : S_one(argv[i]) != 0)
			r = 1;
	}
	printf("replay: %u inputs\n", S_count);
	return r;
}
