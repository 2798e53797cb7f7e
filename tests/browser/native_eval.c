/*
 * native_eval.c -- the native side of the "What if?" equivalence test
 * (tests/browser/whatif.mjs): evaluates expressions against a lesson's
 * scenarios with the native core, through the lesson loader (real YAML
 * front matter) and the expression evaluator the site uses.
 *
 *   native-eval DATA_DIR FILE...
 *
 * Each FILE is a lesson file whose body lines are "ID<TAB>EXPRESSION".
 * For each file it prints "@FILE", then either "!<message>" lines (the
 * lesson was refused: each diagnostic, position stripped) or one line per
 * body line: "ID<TAB>formatted" or "ID<TAB>!" when the expression has no
 * value for this scenario (the core printed an error).  Exit 0 unless the
 * data cannot be loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "diag.h"
#include "expr.h"
#include "lesson.h"
#include "util.h"

/* Prints captured diagnostics as "!message" lines, without "FILE:L:C: ". */
static void
S_messages(char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, ": error: "), *w = strstr(line, ": warning: ");

		if (p == NULL || (w != NULL && w < p))
			p = w;
		printf("!%s\n", p != NULL ? p + 2 : line);
	}
}

static void
S_file(const struct data_set *set, const char *path)
{
	struct lesson *l;
	struct expr_env env;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	const char *p;

	printf("@%s\n", path);
	diag_set_stream(mem);
	if (lesson_load(path, set, &l) != 0) {
		diag_set_stream(NULL);
		fclose(mem);
		S_messages(buf);
		free(buf);
		return;
	}
	expr_env_init(&env, l->scen, l->nscen);
	env.set = set;
	for (p = l->body; p < l->body + l->body_len;) {
		const char *nl = memchr(p, '\n', (size_t)(l->body + l->body_len - p));
		const char *end = nl != NULL ? nl : l->body + l->body_len;
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		struct srcpos pos = { l->path, 1, 1 };
		struct expr_stmt st;
		struct expr_value v;

		if (tab != NULL) {
			printf("%.*s\t", (int)(tab - p), p);
			if (expr_parse(tab + 1, (size_t)(end - tab - 1), pos, &st) == 0) {
				if (expr_eval(&env, &st, &v) == 0) {
					printf("%s\n", v.str);
					expr_value_free(&v);
				} else
					printf("!\n");
				expr_stmt_free(&st);
			} else
				printf("!\n");
		}
		p = end + 1;
	}
	expr_env_free(&env);
	lesson_free(l);
	diag_set_stream(NULL);
	fclose(mem);
	free(buf);
}

int
main(int argc, char *argv[])
{
	struct data_set set;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: native-eval DATA_DIR FILE...\n");
		return 2;
	}
	if (data_load(argv[1], &set) != 0)
		return 1;
	for (i = 2; i < argc; i++)
		S_file(&set, argv[i]);
	data_free(&set);
	return fflush(stdout) == 0 ? 0 : 1;
}
