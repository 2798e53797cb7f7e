/*
 * test_tmpl.c -- the template language: escaping by context, sections,
 * partials, and every compile/render error with its exact text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>

#include "diag.h"
#include "tmpl.h"
#include "util.h"
#include "testutil.h"

Suite *tmpl_suite(void);

static char S_dir[64];

static struct tval *
S_ctx(void)
{
	struct tval *m = tval_map(), *l, *o;

	tval_set_str(m, "title", "A <b> & \"q\" 'x'");
	tval_set_str(m, "bad", "javascript:alert(1)");
	tval_set_str(m, "tabbed", " java\tscript:x");
	tval_set_str(m, "good", "https://x.org/?a=1&b=2");
	tval_set_str(m, "rel", "charts/a b.svg");
	tval_set_str(m, "html", "<em>hi</em>");
	tval_set_str(m, "flag", "1");
	tval_set_str(m, "blank", "");
	l = tval_set(m, "items", tval_list());
	tval_set_str(tval_push_map(l), "name", "one");
	tval_set_str(tval_push_map(l), "name", "t<w>o");
	tval_set(m, "empty", tval_list());
	l = tval_set(m, "strs", tval_list());
	tval_push(l, tval_str("a"));
	tval_push(l, tval_str("b"));
	o = tval_set(m, "obj", tval_map());
	tval_set_str(o, "inner", "v");
	tval_set_str(o, "title", "shadow");
	return m;
}

/* Renders `src` over S_ctx(); returns the output or the diagnostics. */
static char *
S_run(const char *src, int *rc)
{
	struct tmpl *t;
	struct tval *ctx = S_ctx();
	struct buf out;
	struct tu_capture c;
	char *diags;

	tu_capture_start(&c);
	buf_init(&out);
	t = tmpl_parse("templates/t.html", src, strlen(src), S_dir);
	*rc = t == NULL ? -1 : tmpl_render(t, ctx, &out);
	tmpl_free(t);
	tval_free(ctx);
	diags = tu_capture_end(&c);
	if (*rc != 0) {
		buf_free(&out);
		return diags;
	}
	free(diags);
	buf_putc(&out, '\0');
	return buf_take(&out, NULL);
}

static const struct { const char *src, *want; } S_ok[] = {
	{ "plain", "plain" },
	{ "<p>{{title}}</p>", "<p>A &lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;</p>" },
	{ "<p>{{ title }}</p>", "<p>A &lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;</p>" },
	{ "<p title=\"{{title}}\">", "<p title=\"A &lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;\">" },
	{ "<p title='{{title}}'>", "<p title='A &lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;'>" },
	{ "{{html | raw}}|{{{html}}}|{{html}}", "<em>hi</em>|<em>hi</em>|&lt;em&gt;hi&lt;/em&gt;" },
	{ "<a href=\"{{bad}}\">", "<a href=\"#unsafe-url\">" },
	{ "<a href=\"{{tabbed}}\">", "<a href=\"#unsafe-url\">" },
	{ "<a href=\"{{good}}\">", "<a href=\"https://x.org/?a=1&amp;b=2\">" },
	{ "<img src=\"{{rel}}\" alt=\"{{bad}}\">", "<img src=\"charts/a b.svg\" alt=\"javascript:alert(1)\">" },
	{ "<a href=\"x/{{bad}}\">", "<a href=\"x/javascript:alert(1)\">" },
	{ "<a href=\"{{good}}#{{bad}}\">", "<a href=\"https://x.org/?a=1&amp;b=2#javascript:alert(1)\">" },
	{ "{{#items}}[{{name}}]{{/items}}", "[one][t&lt;w&gt;o]" },
	{ "{{#strs}}<{{.}}>{{/strs}}", "<a><b>" },
	{ "{{#empty}}x{{/empty}}{{^empty}}none{{/empty}}", "none" },
	{ "{{#missing}}x{{/missing}}{{^missing}}no{{/missing}}", "no" },
	{ "{{#flag}}on{{/flag}}{{#blank}}off{{/blank}}{{^blank}}b{{/blank}}", "onb" },
	{ "{{#obj}}{{inner}} {{title}} {{flag}}{{/obj}}", "v shadow 1" },
	{ "{{obj.inner}}", "v" },
	{ "{{#items}}{{#obj}}{{name}}{{/obj}}{{/items}}", "onet&lt;w&gt;o" },
	{ "a{{! a comment }}b", "ab" },
	{ "<ul>\n  {{#strs}}\n  <li>{{.}}</li>\n  {{/strs}}\n</ul>\n", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n" },
	{ "x {{#flag}}y{{/flag}}\n", "x y\n" },
	{ "<!-- {{! not shown }} -->", "<!--  -->" },
	{ "<script>var x = 1 < 2;</script><p>{{flag}}</p>", "<script>var x = 1 < 2;</script><p>1</p>" },
	{ "<style>p{}</style>{{flag}}", "<style>p{}</style>1" },
	{ "<script>{{html|raw}}</script>", "<script><em>hi</em></script>" },
	{ "<!DOCTYPE html><p>{{flag}}</p>", "<!DOCTYPE html><p>1</p>" },
	{ "<p class=a data-x=\"{{flag}}\">", "<p class=a data-x=\"1\">" },
	{ "{{> part}}!", "<b>A &lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;</b>\n!" },
	{ "{{#items}}{{> item}}{{/items}}", "(one)(t&lt;w&gt;o)" },
	{ "1 { 2 } {3}", "1 { 2 } {3}" },
};

START_TEST(test_render_escapes_by_context)
{
	int rc;
	char *got = S_run(S_ok[_i].src, &rc);

	ck_assert_msg(rc == 0, "case %d failed: %s", _i, got);
	ck_assert_str_eq(got, S_ok[_i].want);
	free(got);
}
END_TEST

static const struct { const char *src, *err; } S_bad[] = {
	{ "a\n  {{#items}}x", "templates/t.html:2:3: error: unclosed section '{{#items}}'\n" },
	{ "{{#a}}{{/b}}", "templates/t.html:1:7: error: '{{/b}}' does not close '{{#a}}' (opened at line 1)\n" },
	{ "{{/a}}", "templates/t.html:1:1: error: '{{/a}}' closes no section\n" },
	{ "x {{title", "templates/t.html:1:3: error: unterminated '{{' (no '}}')\n" },
	{ "{{{html}}", "templates/t.html:1:1: error: unterminated '{{{' (no '}}}')\n" },
	{ "{{ }}", "templates/t.html:1:1: error: empty tag\n" },
	{ "{{a b}}", "templates/t.html:1:1: error: bad name 'a b' in tag\n" },
	{ "{{a..b}}", "templates/t.html:1:1: error: bad name 'a..b' in tag\n" },
	{ "{{#a/b}}{{/a/b}}", "templates/t.html:1:1: error: bad name 'a/b' in tag\n" },
	{ "{{title | upper}}", "templates/t.html:1:1: error: unknown filter 'upper' (known: raw)\n" },
	{ "{{> nope}}", "templates/t.html:1:1: error: unknown partial 'nope' (no file DIR/nope.html)\n" },
	{ "{{> ../x}}", "templates/t.html:1:1: error: bad partial name '../x'\n" },
	{ "{{> loop}}", "DIR/loop.html:1:1: error: partials nested deeper than 16\n" },
	{ "<a href={{good}}>", "templates/t.html:1:9: error: '{{good}}' in an unquoted attribute value (quote it); only '| raw' may appear there\n" },
	{ "<a {{flag}}>", "templates/t.html:1:4: error: '{{flag}}' inside a tag (only an attribute value can hold a value); only '| raw' may appear there\n" },
	{ "<a onclick=\"{{flag}}\">", "templates/t.html:1:13: error: '{{flag}}' in an event-handler or style attribute; only '| raw' may appear there\n" },
	{ "<script>\nvar t = '{{title}}';</script>", "templates/t.html:2:10: error: '{{title}}' inside <script>; only '| raw' may appear there\n" },
	{ "<style>{{flag}}</style>", "templates/t.html:1:8: error: '{{flag}}' inside <style>; only '| raw' may appear there\n" },
	{ "<!-- {{flag}} -->", "templates/t.html:1:6: error: '{{flag}}' in an HTML comment; only '| raw' may appear there\n" },
	{ "<p title=\"x\">{{> part}}", NULL },	/* fine: back in text */
	{ "<p title=\"{{> part}}\">", "templates/t.html:1:11: error: partial 'part' outside element text\n" },
	{ "<p>\n {{nothing}}</p>", "templates/t.html:2:2: error: no value for 'nothing'\n" },
	{ "{{obj.none}}", "templates/t.html:1:1: error: no value for 'obj.none'\n" },
	{ "{{items}}", "templates/t.html:1:1: error: 'items' is a list, not a string\n" },
	{ "{{obj}}", "templates/t.html:1:1: error: 'obj' is a map, not a string\n" },
	{ "{{> broken}}", "DIR/broken.html:2:1: error: unclosed section '{{#x}}'\n" },
};

START_TEST(test_errors_are_exact)
{
	int rc;
	char *got = S_run(S_bad[_i].src, &rc);
	struct buf want;
	const char *w = S_bad[_i].err, *d;

	if (w == NULL) {
		ck_assert_msg(rc == 0, "case %d: %s", _i, got);
		free(got);
		return;
	}
	ck_assert_int_eq(rc, -1);
	buf_init(&want);
	/* The partials folder is a fresh temporary one: name it DIR. */
	while ((d = strstr(w, "DIR")) != NULL) {
		buf_put(&want, w, (size_t)(d - w));
		buf_puts(&want, S_dir);
		w = d + 3;
	}
	buf_puts(&want, w);
	ck_assert_str_eq(got, want.data);
	buf_free(&want);
	free(got);
}
END_TEST

START_TEST(test_value_tree_replaces_and_reads)
{
	struct tval *m = tval_map(), *l;

	tval_set_str(m, "k", "1");
	tval_set_str(m, "k", "2");
	tval_set_strf(m, "f", "%d-%s", 7, "x");
	tval_set_bool(m, "yes", 1);
	tval_set_bool(m, "no", 0);
	l = tval_set(m, "l", tval_list());
	tval_push(l, tval_strf("%.2f", 1.5));
	ck_assert_str_eq(tval_cstr(tval_get(m, "k")), "2");
	ck_assert_str_eq(tval_cstr(tval_get(m, "f")), "7-x");
	ck_assert_str_eq(tval_cstr(tval_get(m, "yes")), "1");
	ck_assert_ptr_null(tval_get(m, "no"));
	ck_assert_uint_eq(tval_len(l), 1);
	ck_assert_str_eq(tval_cstr(tval_item(l, 0)), "1.50");
	ck_assert_ptr_null(tval_item(l, 1));
	ck_assert_ptr_null(tval_push(m, tval_str("not a list")));
	tval_free(m);
}
END_TEST

START_TEST(test_url_safety)
{
	ck_assert_int_eq(tmpl_url_safe("a.html#x"), 1);
	ck_assert_int_eq(tmpl_url_safe("derivations.html#n-floor-t_step_s"), 1);
	ck_assert_int_eq(tmpl_url_safe("averyveryverylongscheme:x"), 0);
	ck_assert_int_eq(tmpl_url_safe("https://a"), 1);
	ck_assert_int_eq(tmpl_url_safe("HTTP://a"), 1);
	ck_assert_int_eq(tmpl_url_safe("mailto:a@b"), 1);
	ck_assert_int_eq(tmpl_url_safe("/x:y"), 1);
	ck_assert_int_eq(tmpl_url_safe("JavaScript:x"), 0);
	ck_assert_int_eq(tmpl_url_safe("data:text/html,x"), 0);
	ck_assert_int_eq(tmpl_url_safe("vbscript:x"), 0);
}
END_TEST

static void
S_write(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", S_dir, name);
	FILE *fp = fopen(p, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static void
S_setup(void)
{
	snprintf(S_dir, sizeof(S_dir), "/tmp/tmpl-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(S_dir));
	S_write("part.html", "<b>{{title}}</b>\n");
	S_write("item.html", "({{name}})");
	S_write("loop.html", "{{> loop}}");
	S_write("broken.html", "ok\n{{#x}}\n");
}

static void
S_teardown(void)
{
	static const char *const f[] = { "part", "item", "loop", "broken" };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char *p = xasprintf("%s/%s.html", S_dir, f[i]);

		unlink(p);
		free(p);
	}
	rmdir(S_dir);
}

Suite *
tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("tmpl");

	tcase_add_unchecked_fixture(tc, S_setup, S_teardown);
	tcase_add_loop_test(tc, test_render_escapes_by_context, 0,
	    (int)(sizeof(S_ok) / sizeof(S_ok[0])));
	tcase_add_loop_test(tc, test_errors_are_exact, 0,
	    (int)(sizeof(S_bad) / sizeof(S_bad[0])));
	tcase_add_test(tc, test_value_tree_replaces_and_reads);
	tcase_add_test(tc, test_url_safety);
	suite_add_tcase(s, tc);
	return s;
}
