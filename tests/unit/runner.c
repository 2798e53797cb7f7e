/*
 * One Check runner for every unit suite.  The Makefile generates suites.h
 * with one SUITE(name) line per tests/unit/test_NAME.c; each such file
 * defines `Suite *NAME_suite(void)`.  Tests run with the working directory
 * tests/, so fixtures are found as "fixtures/...", "../data/...".
 */
#include <stdlib.h>
#include <check.h>

#define SUITE(n) Suite *n##_suite(void);
#include "suites.h"
#undef SUITE

int
main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define SUITE(n) srunner_add_suite(sr, n##_suite());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
