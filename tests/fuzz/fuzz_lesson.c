/*
 * fuzz_lesson.c -- a lesson file: lesson_load() (front matter, scenarios
 * against the project's data), then lesson_check() (lint + expansion of
 * every {{ }}) and a bare-number expansion as the PDF does it.
 */
#include <stdlib.h>

#include "data.h"
#include "diag.h"
#include "lesson.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct data_set *set = fuzz_dataset();
	struct lesson_expand_opts o;
	struct lesson *l;
	struct buf md;
	char *path;

	fuzz_quiet();
	fuzz_write("01-fuzz.md", data, size);
	path = xasprintf("%s/01-fuzz.md", fuzz_tmpdir());
	if (lesson_load(path, set, &l) == 0) {
		lesson_check(l);
		lesson_expand_opts_defaults(&o);
		o.numbers = LESSON_NUM_BARE;
		buf_init(&md);
		lesson_expand(l, &o, &md);
		buf_free(&md);
		lesson_free(l);
	}
	free(path);
	return 0;
}
