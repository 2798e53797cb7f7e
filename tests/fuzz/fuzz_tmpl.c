/*
 * fuzz_tmpl.c -- the template engine: tmpl_parse() on the raw input
 * (partials come from a scratch folder holding "part.html" and "loop.html",
 * which includes itself: the depth limit must stop it), then tmpl_render()
 * over a context with strings, nested maps and lists, and hostile text.
 */
#include <stdlib.h>

#include "tmpl.h"
#include "util.h"
#include "fuzz.h"

static struct tval *
S_context(void)
{
	struct tval *ctx = tval_map(), *list, *m;
	int i;

	tval_set_str(ctx, "title", "<script>alert(\"x\")</script> & 'q'");
	tval_set_str(ctx, "url", "javascript:alert(1)");
	tval_set_str(ctx, "href", "https://example.org/a?b=c&d");
	tval_set_str(ctx, "empty", "");
	tval_set_bool(ctx, "yes", 1);
	m = tval_set(ctx, "page", tval_map());
	tval_set_str(m, "slug", "01-intro");
	tval_set_str(m, "body", "<p>trusted</p>");
	list = tval_set(ctx, "items", tval_list());
	for (i = 0; i < 3; i++) {
		m = tval_push_map(list);
		tval_set_strf(m, "name", "item %d <b>", i);
		tval_set(m, "sub", tval_list());
	}
	tval_push(tval_set(ctx, "strs", tval_list()), tval_str("a\"b"));
	return ctx;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tval *ctx;
	struct tmpl *t;
	struct buf out;

	if (ctx == NULL) {
		static const char part[] = "<p class=\"{{title}}\">{{#items}}{{name}}{{/items}}</p>\n";
		static const char loop[] = "{{> loop}}";

		fuzz_write("part.html", part, sizeof(part) - 1);
		fuzz_write("loop.html", loop, sizeof(loop) - 1);
		ctx = S_context();
	}
	fuzz_quiet();
	if ((t = tmpl_parse("fuzz.html", (const char *)data, size, fuzz_tmpdir())) == NULL)
		return 0;
	buf_init(&out);
	tmpl_render(t, ctx, &out);
	buf_free(&out);
	tmpl_free(t);
	return 0;
}
