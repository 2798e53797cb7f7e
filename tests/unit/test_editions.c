/*
 * test_editions.c -- comparing two states (site.h, "editions"): data
 * edits, moved numbers, counts, and each way a conclusion is found to
 * have flipped; the text and JSON reports, exactly.
 */
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "site.h"
#include "util.h"
#include "../../src/site/site_int.h"

Suite *editions_suite(void);

/* The state the build makes, through the same functions (site_int.h).
 * Numbers must be added in id order (the state is sorted by id). */
static void
S_field(struct site_state *st, const char *file, const char *entry, const char *field,
    const char *value)
{
	site_state_field_add(st, file, entry, field, value);
}

static void
S_num(struct site_state *st, const char *id, const char *label, const char *value,
    const char *pages, const char *sentence)
{
	struct ed_num *n = site_state_num_add(st, id, label, value, pages);

	n->sentence = sentence != NULL ? xstrdup(sentence) : NULL;
}

static struct site_state *
S_old(void)
{
	struct site_state *st = xcalloc(1, sizeof(*st));

	S_field(st, "hardware.yaml", "a", "hbm_tb_per_s", "2");
	S_field(st, "hardware.yaml", "a", "source", "sheet");
	S_field(st, "hardware.yaml", "gone", "source", "old sheet");
	S_num(st, "chips-a-floor", "a 700B floor", "350 ms", "chips", NULL);
	S_num(st, "chips-b-floor", "b 700B floor", "233 ms", "chips", NULL);
	S_num(st, "l-1", "a step", "70.6 ms", "l", NULL);
	S_num(st, "l-2", "b step", "47.1 ms", "l", NULL);
	S_num(st, "l-3", "margin", "10 GB", "l, answers", NULL);
	S_num(st, "l-4", "ratio a", "2x", "l", NULL);
	S_num(st, "l-5", "ratio b", "3x", "l", NULL);
	S_num(st, "l-old", "dropped", "1 ms", "l", NULL);
	return st;
}

static struct site_state *
S_new(void)
{
	struct site_state *st = xcalloc(1, sizeof(*st));
	const char *sent = "On A a step takes 35.3 ms, on B it takes 47.1 ms.";
	const char *rs = "A is 4x, B is 3x.";

	S_field(st, "hardware.yaml", "a", "hbm_tb_per_s", "4");
	S_field(st, "hardware.yaml", "a", "source", "sheet");
	S_field(st, "hardware.yaml", "new", "source", "new sheet");
	S_num(st, "chips-a-floor", "a 700B floor", "175 ms", "chips", NULL);
	S_num(st, "chips-b-floor", "b 700B floor", "233 ms", "chips", NULL);
	S_num(st, "l-1", "a step", "35.3 ms", "l", sent);
	S_num(st, "l-2", "b step", "47.1 ms", "l", sent);
	S_num(st, "l-3", "margin", "-2 GB", "l, answers", "It leaves -2 GB.");
	S_num(st, "l-4", "ratio a", "4x", "l", rs);
	S_num(st, "l-5", "ratio b", "3x", "l", rs);
	S_num(st, "l-new", "added", "1 ms", "l", NULL);
	return st;
}

START_TEST(test_compare_lists_edits_moves_and_flips)
{
	struct site_state *a = S_old(), *b = S_new();
	struct site_changes *c = site_changes_compare(a, b);
	struct buf t;

	ck_assert_uint_eq(c->nedits, 3);
	ck_assert_str_eq(c->edits[0].entry, "a");
	ck_assert_str_eq(c->edits[0].old, "2");
	ck_assert_str_eq(c->edits[0].new_, "4");
	ck_assert_str_eq(c->edits[0].source, "sheet");
	/* Whole entries: one edit each, field "". */
	ck_assert_str_eq(c->edits[1].entry, "gone");
	ck_assert_str_eq(c->edits[1].field, "");
	ck_assert_str_eq(c->edits[1].old, "entry");
	ck_assert_str_eq(c->edits[2].entry, "new");
	ck_assert_str_eq(c->edits[2].new_, "entry");
	ck_assert_uint_eq(c->nmoves, 4);
	ck_assert_uint_eq(c->added, 1);
	ck_assert_uint_eq(c->removed, 1);
	ck_assert_uint_eq(c->published, 8);
	ck_assert(site_changes_numbers(c));
	/* Three flips: the margin's sign, the order of the two steps (not of
	 * the two ratios, which are no quantities with a unit), the lowest
	 * floor of the chips table. */
	ck_assert_uint_eq(c->nflips, 3);
	ck_assert_str_eq(c->flips[0].page, "l");
	ck_assert_str_eq(c->flips[0].text, "margin changed sign: 10 GB -> -2 GB");
	ck_assert_str_eq(c->flips[1].text, "a step is now below b step (35.3 ms vs 47.1 ms; "
	    "before 70.6 ms vs 47.1 ms), in \"On A a step takes 35.3 ms, on B it takes 47.1 ms.\"");
	ck_assert_str_eq(c->flips[2].page, "chips");
	ck_assert_str_eq(c->flips[2].text, "lowest 700B floor: b (233 ms) -> a (175 ms)");
	buf_init(&t);
	site_changes_text(c, &t);
	ck_assert_str_eq(t.data,
	    "3 data edits, 4 numbers moved, 1 new, 1 gone, 3 conclusions changed\n"
	    "\ndata edits:\n"
	    "  hardware.yaml a hbm_tb_per_s: 2 -> 4\n      source: sheet\n"
	    "  hardware.yaml gone: entry removed\n      source: old sheet\n"
	    "  hardware.yaml new: entry added\n      source: new sheet\n"
	    "\nconclusions that changed:\n"
	    "  [l] margin changed sign: 10 GB -> -2 GB\n"
	    "  [l] a step is now below b step (35.3 ms vs 47.1 ms; before 70.6 ms vs 47.1 ms), "
	    "in \"On A a step takes 35.3 ms, on B it takes 47.1 ms.\"\n"
	    "  [chips] lowest 700B floor: b (233 ms) -> a (175 ms)\n"
	    "\nnumbers that moved:\n"
	    "  chips\n    a 700B floor: 350 ms -> 175 ms (chips)\n"
	    "  l\n    a step: 70.6 ms -> 35.3 ms (l)\n"
	    "      \"On A a step takes 35.3 ms, on B it takes 47.1 ms.\"\n"
	    "    margin: 10 GB -> -2 GB (l, answers)\n      \"It leaves -2 GB.\"\n"
	    "    ratio a: 2x -> 4x (l)\n      \"A is 4x, B is 3x.\"\n");
	buf_free(&t);
	site_changes_free(c);
	site_state_free(a);
	site_state_free(b);
}
END_TEST

START_TEST(test_identical_states_change_nothing)
{
	struct site_state *a = S_old(), *b = S_old();
	struct site_changes *c = site_changes_compare(a, b);
	struct buf j;

	ck_assert_uint_eq(c->nedits + c->nmoves + c->nflips + c->added + c->removed, 0);
	ck_assert(!site_changes_numbers(c));
	buf_init(&j);
	site_changes_json(c, &j);
	ck_assert_str_eq(j.data, "{\n  \"data_edits\": [],\n  \"conclusions\": [],\n"
	    "  \"numbers\": [],\n  \"numbers_new\": 0,\n  \"numbers_gone\": 0,\n"
	    "  \"numbers_published\": 8\n}\n");
	buf_free(&j);
	site_changes_free(c);
	site_state_free(a);
	site_state_free(b);
}
END_TEST

START_TEST(test_number_to_na_is_a_flip_and_json_escapes)
{
	struct site_state *a = xcalloc(1, sizeof(*a)), *b = xcalloc(1, sizeof(*b));
	struct site_changes *c;
	struct buf j;

	S_num(a, "l-1", "cost \"per\" token", "$1.5/Mtok", "l", NULL);
	S_num(b, "l-1", "cost \"per\" token", "n/a", "l", "Tab\there.");
	c = site_changes_compare(a, b);
	ck_assert_uint_eq(c->nflips, 1);
	ck_assert_str_eq(c->flips[0].text, "cost \"per\" token is no longer a number: "
	    "$1.5/Mtok -> n/a");
	buf_init(&j);
	site_changes_json(c, &j);
	ck_assert_ptr_nonnull(strstr(j.data, "{\"id\": \"l-1\", \"label\": \"cost \\\"per\\\" "
	    "token\", \"old\": \"$1.5/Mtok\", \"new\": \"n/a\", \"pages\": \"l\", \"page\": \"l\", "
	    "\"sentence\": \"Tab\\there.\"}"));
	buf_free(&j);
	site_changes_free(c);
	site_state_free(a);
	site_state_free(b);
}
END_TEST

Suite *
editions_suite(void)
{
	Suite *s = suite_create("editions");
	TCase *tc = tcase_create("compare");

	tcase_add_test(tc, test_compare_lists_edits_moves_and_flips);
	tcase_add_test(tc, test_identical_states_change_nothing);
	tcase_add_test(tc, test_number_to_na_is_a_flip_and_json_escapes);
	suite_add_tcase(s, tc);
	return s;
}
