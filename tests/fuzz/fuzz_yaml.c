/*
 * fuzz_yaml.c -- the YAML loader: ytree_parse() on the raw input, then
 * data_load() on the input cut into hardware.yaml, models.yaml and
 * pricing.yaml at lines "@@@@" (so mutations reach the field mapping,
 * the validation and the duplicate-id checks, not just the parser).
 */
#include <string.h>

#include "data.h"
#include "diag.h"
#include "ytree.h"
#include "fuzz.h"

static const char *const S_files[] = { "hardware.yaml", "models.yaml", "pricing.yaml" };
#define S_SEP "\n@@@@\n"

/* The next S_SEP in [p, end), or NULL (memmem is a GNU extension). */
static const char *
S_find(const char *p, const char *end)
{
	size_t n = sizeof(S_SEP) - 1;

	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, S_SEP, n) == 0)
			return p;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *cut;
	struct ynode *root;
	struct data_set set;
	size_t i;

	fuzz_quiet();
	if (ytree_parse("fuzz.yaml", p, size, 0, &root) == 0)
		ytree_free(root);

	for (i = 0; i < 3; i++) {
		if (p == NULL) {
			fuzz_unlink(S_files[i]);
			continue;
		}
		cut = S_find(p, end);
		fuzz_write(S_files[i], p, (size_t)((cut != NULL ? cut : end) - p));
		p = cut != NULL ? cut + sizeof(S_SEP) - 1 : NULL;
	}
	fuzz_quiet();
	if (data_load(fuzz_tmpdir(), &set) == 0)
		data_free(&set);
	return 0;
}
