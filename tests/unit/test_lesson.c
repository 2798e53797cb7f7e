/*
 * Tests of lesson files: front matter (fields, scenarios, slug, true file
 * line numbers in every error), expansion of {{ }} into Markdown (the
 * link form, the bare form, callbacks, records with stable ids), and the
 * lint against numbers typed into prose.  Fixtures: tests/fixtures/lessons/
 * with their own data/ (numbers there never move).  Runs with cwd = tests/.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "data.h"
#include "diag.h"
#include "expr.h"
#include "lesson.h"
#include "util.h"
#include "ytree.h"
#include "testutil.h"

Suite *lesson_suite(void);

#define FX "fixtures/lessons/"

static struct data_set S_set;

static void
S_setup(void)
{
	diag_set_stream(NULL);
	ck_assert_int_eq(data_load(FX "data", &S_set), 0);
}

static void
S_teardown(void)
{
	data_free(&S_set);
}

static struct lesson *
S_load(const char *path)
{
	struct lesson *l = NULL;

	ck_assert_msg(lesson_load(path, &S_set, &l) == 0, "%s did not load", path);
	return l;
}

/* ---- loading ---- */

START_TEST(test_load_reads_front_matter_and_scenarios)
{
	struct lesson *l = S_load(FX "03-good.md");

	ck_assert_str_eq(l->title, "Why generation is bandwidth-bound");
	ck_assert_int_eq(l->order, 3);
	ck_assert_str_eq(l->summary, "The floor on the time per token.");
	ck_assert_str_eq(l->slug, "good");
	ck_assert_int_eq(l->raw_html, 0);
	ck_assert_ptr_null(l->problems);
	ck_assert_uint_eq(l->nscen, 4);
	ck_assert_str_eq(l->scen[0]->name, "floor");
	ck_assert_str_eq(l->scen[3]->name, "nocost");
	ck_assert_double_eq(l->scen[0]->sc.hw->hbm_bytes_per_s, 3e12);
	ck_assert_uint_eq(l->body_line, 24);
	ck_assert(strncmp(l->body, "# {{ floor.model_name }}", 24) == 0);
	ck_assert_uint_eq(l->title_pos.line, 2);
	ck_assert_uint_eq(l->title_pos.col, 8);
	lesson_free(l);
}
END_TEST

START_TEST(test_load_keeps_problems_and_raw_html_opt_in)
{
	struct lesson *l = S_load(FX "04-raw.md");

	ck_assert_str_eq(l->slug, "raw-html");
	ck_assert_int_eq(l->raw_html, 1);
	ck_assert_ptr_nonnull(l->problems);
	ck_assert_uint_eq(l->problems->n, 2);
	ck_assert_uint_eq(l->problems->pos.line, 8);
	ck_assert_uint_eq(l->nscen, 0);
	lesson_free(l);
}
END_TEST

/* File -> every error, exactly, with true file positions. */
static const struct {
	const char *file;
	const char *err;
} S_bad[] = {
	{ "no-front.md", FX "no-front.md:1:1: error: a lesson starts with YAML front "
	  "matter: '---' on the first line\n" },
	{ "unclosed.md", FX "unclosed.md:1:1: error: the front matter is not closed "
	  "(no '---' line after it)\n" },
	{ "empty-front.md", FX "empty-front.md:1:1: error: empty front matter (title, "
	  "order and summary are required)\n" },
	{ "not-mapping.md", FX "not-mapping.md:2:1: error: the front matter must be a "
	  "mapping, not a sequence\n" },
	{ "fields.md",
	  FX "fields.md:2:1: error: unknown key 'titel' in lesson front matter (did you "
	  "mean 'title'?)\n"
	  FX "fields.md:3:8: error: order must be a positive integer, got 0\n"
	  FX "fields.md:2:1: error: missing required field 'title' in lesson front "
	  "matter\n"
	  FX "fields.md:6:11: error: problems must be a sequence of mappings, not a "
	  "scalar\n"
	  FX "fields.md:5:11: error: raw_html must be true or false\n" },
	{ "evil.md", FX "evil.md:5:7: error: slug must be lower-case letters, digits, "
	  "'-' and '.', got '../evil'\n" },
	{ "dots.md", FX "dots.md:5:7: error: slug must be lower-case letters, digits, "
	  "'-' and '.', got '..'\n" },
	{ "Bad_Name.md", FX "Bad_Name.md:1:1: error: cannot make a slug from the file "
	  "name (name it NN-slug.md with a slug of a-z, 0-9 and '-', or set slug:)\n" },
	{ "07-order.md",
	  FX "07-order.md:2:8: error: {{ }} is not expanded in the title\n"
	  FX "07-order.md:3:8: error: order must be at most 999\n" },
	{ "02-scenarios.md",
	  FX "02-scenarios.md:9:3: error: scenario name 'long-context' must be letters, "
	  "digits and '_' starting with a letter (expressions read it as "
	  "NAME.quantity)\n"
	  FX "02-scenarios.md:13:12: error: unknown model 'model-z' in scenario 'lost' "
	  "(known: model-a, model-big)\n" },
	{ "missing.md", FX "missing.md: error: cannot open: No such file or directory\n" },
};

START_TEST(test_load_errors_at_true_file_lines)
{
	struct tu_capture cap;
	struct lesson *l = (struct lesson *)1;
	char path[256], *err;
	int rc;

	snprintf(path, sizeof path, FX "%s", S_bad[_i].file);
	tu_capture_start(&cap);
	rc = lesson_load(path, &S_set, &l);
	err = tu_capture_end(&cap);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(l);
	ck_assert_msg(strcmp(err, S_bad[_i].err) == 0, "%s\n got: %s\nwant: %s",
	    S_bad[_i].file, err, S_bad[_i].err);
	free(err);
}
END_TEST

/* ---- expansion ---- */

START_TEST(test_expand_matches_the_expected_markdown)
{
	struct lesson *l = S_load(FX "03-good.md");
	struct tu_capture cap;
	struct buf md;
	char *want, *err;

	ck_assert_int_eq(util_read_file(FX "03-good.expected.md", &want, NULL), 0);
	buf_init(&md);
	tu_capture_start(&cap);
	ck_assert_int_eq(lesson_expand(l, NULL, &md), 0);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err, "");
	/* Data-derived text is escaped ("Chip A <b>"); the lesson's own
	 * <script> is left to the HTML writer. */
	ck_assert_ptr_nonnull(strstr(md.data, "# Model Big on Chip A \\<b\\>\n"));
	ck_assert_ptr_nonnull(strstr(md.data, "; 2024; <script>alert(1)</script>\n"));
	ck_assert_str_eq(md.data, want);
	free(want);
	free(err);
	buf_free(&md);
	lesson_free(l);
}
END_TEST

START_TEST(test_expand_bare_numbers_for_pdf)
{
	struct lesson *l = S_load(FX "03-good.md");
	struct lesson_expand_opts o;
	struct buf md;

	lesson_expand_opts_defaults(&o);
	o.numbers = LESSON_NUM_BARE;
	buf_init(&md);
	ck_assert_int_eq(lesson_expand(l, &o, &md), 0);
	ck_assert_ptr_nonnull(strstr(md.data, "Moving 700 GB at 3 TB/s takes\n233 ms: "
	    "4.29 tokens/s.\nAgain: 233 ms.\n"));
	ck_assert_ptr_nonnull(strstr(md.data, "Ratio 1.12x; 2024;"));
	buf_free(&md);
	lesson_free(l);
}
END_TEST

START_TEST(test_expand_link_target_is_configurable)
{
	struct lesson *l = S_load(FX "03-good.md");
	struct lesson_expand_opts o;
	struct buf md;

	lesson_expand_opts_defaults(&o);
	o.derivations_href = "../derivations.html";
	buf_init(&md);
	ck_assert_int_eq(lesson_expand(l, &o, &md), 0);
	ck_assert_ptr_nonnull(strstr(md.data, "[700 GB](../derivations.html#n-good-"));
	buf_free(&md);
	lesson_free(l);
}
END_TEST

struct S_cb {
	int numbers, figures;
	char name[32], scen[32];
	unsigned line, col;
};

static void
S_number_cb(void *ctx, const struct expr_record *r, struct buf *md)
{
	struct S_cb *cb = ctx;

	cb->numbers++;
	buf_printf(md, "<%s=%s>", r->id, r->formatted);
}

static int
S_figure_cb(void *ctx, const struct lesson *l, const char *name,
    const struct data_scenario *scen, const struct srcpos *pos, struct buf *md)
{
	struct S_cb *cb = ctx;

	(void)l;
	cb->figures++;
	snprintf(cb->name, sizeof cb->name, "%s", name);
	snprintf(cb->scen, sizeof cb->scen, "%s", scen->name);
	cb->line = pos->line;
	cb->col = pos->col;
	buf_printf(md, "![%s](fig/%s-%s.svg)", name, name, scen->name);
	return 0;
}

START_TEST(test_expand_calls_the_number_and_figure_callbacks)
{
	struct lesson *l = S_load(FX "03-good.md");
	struct lesson_expand_opts o;
	struct S_cb cb;
	struct buf md;

	memset(&cb, 0, sizeof cb);
	lesson_expand_opts_defaults(&o);
	o.number = S_number_cb;
	o.figure = S_figure_cb;
	o.ctx = &cb;
	buf_init(&md);
	ck_assert_int_eq(lesson_expand(l, &o, &md), 0);
	ck_assert_int_eq(cb.numbers, 6);
	ck_assert_int_eq(cb.figures, 1);
	ck_assert_str_eq(cb.name, "roofline");
	ck_assert_str_eq(cb.scen, "real");
	ck_assert_uint_eq(cb.line, 39);
	ck_assert_uint_eq(cb.col, 1);
	ck_assert_ptr_nonnull(strstr(md.data, "\n![roofline](fig/roofline-real.svg)\n"));
	ck_assert_ptr_nonnull(strstr(md.data, "takes\n<good-2e65e36c=233 ms>: "));
	buf_free(&md);
	lesson_free(l);
}
END_TEST

START_TEST(test_expand_records_each_distinct_expression_once)
{
	struct lesson *l = S_load(FX "03-good.md");
	const struct expr_record *r;
	struct buf md;

	buf_init(&md);
	ck_assert_int_eq(lesson_expand(l, NULL, &md), 0);
	ck_assert_uint_eq(l->nrecs, 5);
	/* {{ floor.t_step_s | ms }} and {{floor.t_step_s|ms}} are one. */
	r = lesson_record_find(l, "good-2e65e36c");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->text, "floor.t_step_s | ms");
	ck_assert_str_eq(r->formatted, "233 ms");
	ck_assert_str_eq(r->slug, "good");
	ck_assert_str_eq(r->scenario, "floor");
	ck_assert_uint_eq(r->count, 2);
	ck_assert_uint_eq(r->pos.line, 27);
	ck_assert_uint_eq(r->pos.col, 1);
	ck_assert_double_eq_tol(r->value, 0.23333, 1e-5);
	ck_assert_uint_eq(r->nterms, 1);
	ck_assert_str_eq(r->terms[0].name, "t_step_s");
	ck_assert_str_eq(l->recs[0].id, "good-f983a0aa");
	ck_assert_str_eq(l->recs[0].text, "floor.weight_bytes | GB");
	/* Expanding again rebuilds the records, it does not add to them. */
	buf_reset(&md);
	ck_assert_int_eq(lesson_expand(l, NULL, &md), 0);
	ck_assert_uint_eq(l->nrecs, 5);
	buf_free(&md);
	lesson_free(l);
}
END_TEST

START_TEST(test_record_ids_survive_a_data_change)
{
	struct data_set fast;
	struct lesson *a = S_load(FX "03-good.md"), *b = NULL;
	const struct expr_record *ra, *rb;
	struct buf md;
	size_t i;

	ck_assert_int_eq(data_load(FX "data-fast", &fast), 0);
	ck_assert_int_eq(lesson_load(FX "03-good.md", &fast, &b), 0);
	buf_init(&md);
	ck_assert_int_eq(lesson_expand(a, NULL, &md), 0);
	buf_reset(&md);
	ck_assert_int_eq(lesson_expand(b, NULL, &md), 0);
	ck_assert_uint_eq(a->nrecs, b->nrecs);
	for (i = 0; i < a->nrecs; i++)
		ck_assert_str_eq(a->recs[i].id, b->recs[i].id);
	/* The ratio uses the datasheet chip: 4.0 TB/s instead of 3.35. */
	ra = lesson_record_find(a, "good-bbdfd671");
	rb = lesson_record_find(b, "good-bbdfd671");
	ck_assert_ptr_nonnull(ra);
	ck_assert_ptr_nonnull(rb);
	ck_assert_str_eq(ra->formatted, "1.12x");
	ck_assert_str_eq(rb->formatted, "1.33x");
	/* The floor scenario overrides the bandwidth: unchanged. */
	ck_assert_str_eq(lesson_record_find(a, "good-2e65e36c")->formatted,
	    lesson_record_find(b, "good-2e65e36c")->formatted);
	buf_free(&md);
	lesson_free(a);
	lesson_free(b);
	data_free(&fast);
}
END_TEST

START_TEST(test_expand_reports_every_error_then_fails)
{
	struct lesson *l = S_load(FX "05-errors.md");
	struct tu_capture cap;
	struct buf md;
	char *err;

	buf_init(&md);
	tu_capture_start(&cap);
	ck_assert_int_eq(lesson_expand(l, NULL, &md), -1);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err,
	    FX "05-errors.md:11:21: error: unknown scenario 'rael' (this lesson's "
	    "scenarios: real)\n"
	    FX "05-errors.md:11:69: error: unknown quantity 't_stp_s' (did you mean "
	    "'t_step_s'?)\n"
	    FX "05-errors.md:12:35: error: unknown filter 'mss' (filters: ns, us, ms, s, "
	    "bytes, KB, MB, GB, TB, GB/s, TB/s, GFLOP, TFLOP, PFLOP, TFLOP/s, PFLOP/s, "
	    "FLOP/byte, tokens/s, $, $/Mtok, $/h, x, K, M, B, int, num, pct)\n"
	    FX "05-errors.md:12:69: error: division by zero\n"
	    FX "05-errors.md:13:17: error: a figure must be on a line of its own\n"
	    FX "05-errors.md:13:62: error: a figure must be on a line of its own\n"
	    FX "05-errors.md:13:81: error: unknown scenario 'nope' (this lesson's "
	    "scenarios: real)\n"
	    FX "05-errors.md:16:20: error: unknown scenario 'nope' (this lesson's "
	    "scenarios: real)\n"
	    FX "05-errors.md:18:27: error: unexpected end of expression (expected a "
	    "number, a scenario path or '(')\n"
	    FX "05-errors.md:18:39: error: unterminated '{{' (no '}}' before the end "
	    "of the paragraph)\n");
	/* The good number still expanded. */
	ck_assert(strncmp(md.data, "Good: [41.8 ms](derivations.html#n-errors-", 42) == 0);
	free(err);
	buf_free(&md);
	lesson_free(l);
}
END_TEST

/* ---- answer blocks ---- */

/* ---- tables generated from data ---- */

START_TEST(test_expand_table_statement_writes_a_markdown_table_and_checks_its_place)
{
	struct lesson *l = S_load(FX "10-table.md");
	struct tu_capture cap;
	struct buf md;
	char *err;

	buf_init(&md);
	tu_capture_start(&cap);
	ck_assert_int_eq(lesson_expand(l, NULL, &md), -1);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err,
	    FX "10-table.md:14:8: error: {{ table measurements }} must be on a line of its own\n"
	    FX "10-table.md:16:10: error: unknown table 'chips' (known tables: measurements)\n");
	/* The fixture data has no measurements: the table says so. */
	ck_assert_ptr_nonnull(strstr(md.data, "Before.\n\n*No measurements: the data has no "
	    "measurements.yaml entries.*\n"));
	free(err);
	buf_free(&md);
	lesson_free(l);
}
END_TEST

START_TEST(test_expand_shows_or_hides_answer_blocks)
{
	struct lesson *l = S_load(FX "08-answers.md");
	struct lesson_expand_opts o;
	struct tu_capture cap;
	struct buf md;
	char *err, *ids_show;
	size_t i;

	lesson_expand_opts_defaults(&o);
	ck_assert_int_eq(o.answers, LESSON_ANSWERS_SHOW);
	o.numbers = LESSON_NUM_BARE;
	buf_init(&md);
	tu_capture_start(&cap);
	ck_assert_int_eq(lesson_expand(l, &o, &md), 0);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err, "");
	free(err);
	/* The markers' lines become blank lines; code keeps its text. */
	ck_assert_str_eq(md.data,
	    "Problem: the step of Model A at batch 1.\n"
	    "\n"
	    "\n"
	    "Working: 41.8 ms, price \\$2.5/Mtok.\n"
	    "\n"
	    "\n"
	    "Next: `{{ answer }}` in code is text.\n"
	    "  \n"
	    "Second 295.\n"
	    "\n"
	    "Done 1.\n");
	ck_assert_uint_eq(l->nrecs, 4);
	{
		struct buf ids;

		buf_init(&ids);
		for (i = 0; i < l->nrecs; i++)
			buf_printf(&ids, "%s %s;", l->recs[i].id, l->recs[i].formatted);
		ids_show = buf_take(&ids, NULL);
	}

	/* Hidden: the blocks' text goes, the records stay the same. */
	o.answers = LESSON_ANSWERS_HIDE;
	buf_reset(&md);
	ck_assert_int_eq(lesson_expand(l, &o, &md), 0);
	ck_assert_str_eq(md.data,
	    "Problem: the step of Model A at batch 1.\n"
	    "\n"
	    "\n"
	    "\n"
	    "Next: `{{ answer }}` in code is text.\n"
	    "  \n"
	    "Done 1.\n");
	{
		struct buf ids;

		buf_init(&ids);
		for (i = 0; i < l->nrecs; i++)
			buf_printf(&ids, "%s %s;", l->recs[i].id, l->recs[i].formatted);
		ck_assert_str_eq(ids.data, ids_show);
		buf_free(&ids);
	}
	free(ids_show);
	/* lesson_check (lint + expansion) passes and reads the blocks. */
	ck_assert_int_eq(lesson_check(l), 0);
	buf_free(&md);
	lesson_free(l);
}
END_TEST

START_TEST(test_expand_reports_unbalanced_and_unknown_markers)
{
	struct lesson *l = S_load(FX "09-answers-bad.md");
	struct lesson_expand_opts o;
	struct tu_capture cap;
	struct buf md;
	char *err;
	int k;

	lesson_expand_opts_defaults(&o);
	/* The same errors whether the blocks are shown or hidden: hidden
	 * blocks are still checked. */
	for (k = 0; k < 2; k++) {
		o.answers = k ? LESSON_ANSWERS_HIDE : LESSON_ANSWERS_SHOW;
		buf_init(&md);
		tu_capture_start(&cap);
		ck_assert_int_eq(lesson_expand(l, &o, &md), -1);
		err = tu_capture_end(&cap);
		ck_assert_str_eq(err,
		    FX "09-answers-bad.md:10:1: error: {{ end answer }} without an open "
		    "{{ answer }}\n"
		    FX "09-answers-bad.md:12:1: error: {{ answer }} inside the answer block "
		    "opened at line 11 (close it with {{ end answer }} first)\n"
		    FX "09-answers-bad.md:13:16: error: unknown quantity 't_stp_s' (did you "
		    "mean 't_step_s'?)\n"
		    FX "09-answers-bad.md:14:1: error: {{ end answer }} must be on a line of "
		    "its own\n"
		    FX "09-answers-bad.md:15:1: error: unknown block marker '{{ end answers }}' "
		    "(the only block is {{ answer }} ... {{ end answer }}, each on a line of "
		    "its own)\n"
		    FX "09-answers-bad.md:16:1: error: unknown block marker '{{ answer 2 }}' "
		    "(the only block is {{ answer }} ... {{ end answer }}, each on a line of "
		    "its own)\n"
		    FX "09-answers-bad.md:17:4: error: unknown scenario 'answer' (this "
		    "lesson's scenarios: real)\n"
		    FX "09-answers-bad.md:17:29: error: unknown scenario 'end' (this "
		    "lesson's scenarios: real)\n"
		    FX "09-answers-bad.md:18:1: error: {{ answer }} without {{ end answer }} "
		    "(the block runs to the end of the file)\n");
		free(err);
		buf_free(&md);
	}
	lesson_free(l);
}
END_TEST

/* ---- lint ---- */

START_TEST(test_lint_lesson_title_summary_and_body)
{
	struct lesson *l = S_load(FX "06-lint.md");
	struct tu_capture cap;
	char *err;

#define MSG " (compute it with {{ }} or mark it with {{ lit \"...\" }})\n"
	tu_capture_start(&cap);
	ck_assert_int_eq(lesson_lint(l), 7);
	err = tu_capture_end(&cap);
	ck_assert_str_eq(err,
	    FX "06-lint.md:2:12: error: number with a unit typed into prose: '80 GB'" MSG
	    FX "06-lint.md:4:17: error: number with a unit typed into prose: '3 TB/s'" MSG
	    FX "06-lint.md:10:10: error: number with a unit typed into prose: '230 ms'" MSG
	    FX "06-lint.md:18:5: error: number with a unit typed into prose: '$10'" MSG
	    FX "06-lint.md:18:10: error: number with a unit typed into prose: '50%'" MSG
	    FX "06-lint.md:18:15: error: number with a unit typed into prose: "
	    "'4.6\xc3\x97'" MSG
	    FX "06-lint.md:18:26: error: number with a unit typed into prose: '70B'" MSG);
	free(err);
	/* lesson_check = lint + expansion. */
	tu_capture_start(&cap);
	ck_assert_int_eq(lesson_check(l), -1);
	err = tu_capture_end(&cap);
	free(err);
	lesson_free(l);
	l = S_load(FX "03-good.md");
	ck_assert_int_eq(lesson_check(l), 0);
	lesson_free(l);
}
END_TEST

/* Text -> the quoted findings (NULL: clean); positions from t.md:1:1. */
static const struct {
	const char *text;
	const char *found;
} S_lint[] = {
	/* typed numbers with units */
	{ "It takes 230 ms.", "1:10 '230 ms'" },
	{ "80 GB of memory", "1:1 '80 GB'" },
	{ "about 3 TB/s", "1:7 '3 TB/s'" },
	{ "it is 3.35TB/s", "1:7 '3.35TB/s'" },
	{ "a 200K context", "1:3 '200K'" },
	{ "about 4 tokens/s each", "1:7 '4 tokens/s'" },
	{ "it costs $10 a day", "1:10 '$10'" },
	{ "1,979 TFLOP/s of fp8", "1:1 '1,979 TFLOP/s'" },
	{ "a 70B model", "1:3 '70B'" },
	{ "Llama 3.1 70B", "1:11 '70B'" },
	{ "at 50% load", "1:4 '50%'" },
	{ "10x faster", "1:1 '10x'" },
	{ "4.6\xc3\x97 more", "1:1 '4.6\xc3\x97'" },
	{ "a 700-billion-parameter model", "1:3 '700-billion'" },
	{ "waits 5 s", "1:7 '5 s'" },
	{ "takes 2 seconds", "1:7 '2 seconds'" },
	{ "draws 700 W", "1:7 '700 W'" },
	{ "1-2 ms", "1:3 '2 ms'" },
	{ "0.5 bytes each", "1:1 '0.5 bytes'" },
	{ "5\xc2\xa0ms", "1:1 '5\xc2\xa0ms'" },
	{ "230 ms and 80 GB", "1:1 '230 ms' 1:12 '80 GB'" },
	{ "line one\nnow 9 ms", "2:5 '9 ms'" },
	{ "\xc3\xa9t\xc3\xa9 9 ms", "1:5 '9 ms'" },
	{ "(3 TB/s)", "1:2 '3 TB/s'" },
	{ "[300 GB](https://example.com)", "1:2 '300 GB'" },
	/* fine: counts, names, code, comments, expressions, addresses */
	{ "step 1, 2 users, 3 chips", NULL },
	{ "in 2024, section 3", NULL },
	{ "the H100 SXM and the A100", NULL },
	{ "fp8 numbers and int4 weights", NULL },
	{ "Llama-3.1-70B and DeepSeek-V3", NULL },
	{ "the 1990s", NULL },
	{ "v1.5 s", NULL },
	{ "`230 ms` in code", NULL },
	{ "``a ` 230 ms``", NULL },
	{ "```\n80 GB\n```\n", NULL },
	{ "~~~~\n80 GB\n~~~~\n", NULL },
	{ "<!-- 3 TB/s -->", NULL },
	{ "{{ lit \"230 ms\" }} and {{ a.t_step_s | ms }} ms", NULL },
	{ "[link](https://x.example/80GB)", NULL },
	{ "see https://example.com/3ms now", NULL },
	{ "0x1F and a 2x2 grid", NULL },
	{ "the 3rd and 4th", NULL },
	{ "plan B, version 3 B", NULL },
	{ "2 users", NULL },
	{ "\\`230 ms\\`", "1:3 '230 ms'" },
};

START_TEST(test_lint_table)
{
	struct srcpos pos = { "t.md", 1, 1 };
	struct tu_capture cap;
	struct buf want;
	char *err;
	const char *p;
	int n;

	tu_capture_start(&cap);
	n = lesson_lint_text(S_lint[_i].text, strlen(S_lint[_i].text), pos);
	err = tu_capture_end(&cap);
	/* Builds the expected messages from "L:C 'text' ..." */
	buf_init(&want);
	buf_put(&want, "", 0);
	for (p = S_lint[_i].found; p != NULL && *p != '\0';) {
		const char *q = strchr(p, '\'');
		const char *e = strchr(q + 1, '\'');

		buf_printf(&want, "t.md:%.*s: error: number with a unit typed into prose: "
		    "'%.*s' (compute it with {{ }} or mark it with {{ lit \"...\" }})\n",
		    (int)(q - 1 - p), p, (int)(e - q - 1), q + 1);
		p = e[1] == ' ' ? e + 2 : e + 1;
	}
	ck_assert_msg(strcmp(err, want.data) == 0, "row %d: '%s'\n got: %s\nwant: %s",
	    _i, S_lint[_i].text, err, want.data);
	ck_assert_int_eq(n, S_lint[_i].found == NULL ? 0 : (int)diag_count(DIAG_ERROR));
	buf_free(&want);
	free(err);
}
END_TEST

/* Random Markdown-ish soup: the scanner and lint never crash or read
 * out of bounds (run under SAN=1), whatever the nesting of fences, code
 * spans, comments and braces. */
START_TEST(test_lint_survives_markdown_soup)
{
	static const char *const toks[] = {
		"`", "``", "```", "~~~", "\n", "\n\n", "{{", "}}", "\"", "\\", "<!--",
		"-->", " ", "230", " ms", "GB", "$", "1,979", ".5", "K", "x", "\xc3\x97",
		"\xc2", "-", "](", ")", "https://", "a",
	};
	struct srcpos pos = { "t.md", 1, 1 };
	unsigned long seed = 99;
	struct tu_capture cap;
	char src[301], *err;	/* 300 bytes of tokens and a NUL */
	int i;

	tu_capture_start(&cap);
	for (i = 0; i < 20000; i++) {
		size_t len = tu_soup(src, sizeof src, toks, sizeof toks / sizeof toks[0], 30, &seed);
		char *heap;

		/* An exact-size copy, so ASan sees any read past the end. */
		heap = malloc(len ? len : 1);
		memcpy(heap, src, len);
		ck_assert_int_ge(lesson_lint_text(heap, len, pos), 0);
		free(heap);
	}
	err = tu_capture_end(&cap);
	free(err);
}
END_TEST

/* The same for expansion: any body expands or fails cleanly. */
START_TEST(test_expand_survives_markdown_soup)
{
	static const char *const toks[] = {
		"`", "```", "\n", "\n\n", "{{", "}}", "{{ ", " }}", "\"", "<!--", "-->",
		" ", "floor.t_step_s", "sheet", "[batch=8]", "[chips=0]", ".", "|", " ms",
		":2", "/", "0", "lit \"a\"", "figure roofline real", "real.hardware_name",
		"nocost.usd_per_mtok_output", "$/Mtok", "(", ")", "\xc3\x97",
	};
	struct lesson *l = S_load(FX "03-good.md");
	const char *body = l->body;
	size_t body_len = l->body_len;
	unsigned long seed = 7;
	struct tu_capture cap;
	char src[301], *err;	/* 300 bytes of tokens and a NUL */
	struct buf md;
	int i, k;

	buf_init(&md);
	tu_capture_start(&cap);
	for (i = 0; i < 5000; i++) {
		size_t len = tu_soup(src, sizeof src, toks, sizeof toks / sizeof toks[0], 30, &seed);
		char *heap;

		heap = malloc(len ? len : 1);
		memcpy(heap, src, len);
		l->body = heap;
		l->body_len = len;
		buf_reset(&md);
		k = lesson_expand(l, NULL, &md);
		ck_assert(k == 0 || k == -1);
		free(heap);
	}
	err = tu_capture_end(&cap);
	free(err);
	l->body = body;
	l->body_len = body_len;
	buf_free(&md);
	lesson_free(l);
}
END_TEST

START_TEST(test_real_lessons_pass_check)
{
	static const char *const files[] = {
		"../lessons/01-three-characters.md", "../lessons/03-bandwidth-bound.md",
	};
	struct data_set real;
	struct lesson *l;
	size_t i;

	ck_assert_int_eq(data_load("../data", &real), 0);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		ck_assert_int_eq(lesson_load(files[i], &real, &l), 0);
		ck_assert_int_eq(lesson_check(l), 0);
		ck_assert_uint_gt(l->nrecs, 0);
		lesson_free(l);
	}
	data_free(&real);
}
END_TEST

Suite *
lesson_suite(void)
{
	Suite *s = suite_create("lesson");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_add_test(tc, test_load_reads_front_matter_and_scenarios);
	tcase_add_test(tc, test_load_keeps_problems_and_raw_html_opt_in);
	tcase_add_loop_test(tc, test_load_errors_at_true_file_lines, 0,
	    (int)(sizeof S_bad / sizeof S_bad[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("expand");
	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_add_test(tc, test_expand_matches_the_expected_markdown);
	tcase_add_test(tc, test_expand_bare_numbers_for_pdf);
	tcase_add_test(tc, test_expand_link_target_is_configurable);
	tcase_add_test(tc, test_expand_calls_the_number_and_figure_callbacks);
	tcase_add_test(tc, test_expand_records_each_distinct_expression_once);
	tcase_add_test(tc, test_record_ids_survive_a_data_change);
	tcase_add_test(tc, test_expand_reports_every_error_then_fails);
	tcase_add_test(tc, test_expand_survives_markdown_soup);
	tcase_add_test(tc, test_expand_shows_or_hides_answer_blocks);
	tcase_add_test(tc, test_expand_table_statement_writes_a_markdown_table_and_checks_its_place);
	tcase_add_test(tc, test_expand_reports_unbalanced_and_unknown_markers);
	suite_add_tcase(s, tc);

	tc = tcase_create("lint");
	tcase_add_checked_fixture(tc, S_setup, S_teardown);
	tcase_add_test(tc, test_lint_lesson_title_summary_and_body);
	tcase_add_loop_test(tc, test_lint_table, 0, (int)(sizeof S_lint / sizeof S_lint[0]));
	tcase_add_test(tc, test_lint_survives_markdown_soup);
	tcase_add_test(tc, test_real_lessons_pass_check);
	suite_add_tcase(s, tc);
	return s;
}
