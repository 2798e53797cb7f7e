/*
 * site.c -- `inferbook site`: options in, site_build() out (site.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "site.h"
#include "util.h"

int
cli_site(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "data", required_argument, NULL, 'd' },
		{ "lessons", required_argument, NULL, 'l' },
		{ "templates", required_argument, NULL, 't' },
		{ "paper", required_argument, NULL, 'p' },
		{ "answers", required_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-pdf", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "lock", required_argument, NULL, 'L' },
		{ "user-files", required_argument, NULL, 'U' },
		{ "record-edition", no_argument, NULL, 'R' },
		{ "wasm", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *lessons = NULL, *templates = NULL;
	struct site_opts o;
	char *d, *l, *t, *end;
	long jobs;
	int c, rc;

	site_opts_defaults(&o);
	o.pdf = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out_dir = optarg; break;
		case 'd': data = optarg; break;
		case 'l': lessons = optarg; break;
		case 't': templates = optarg; break;
		case 'p': o.paper = optarg; break;
		case 'a': o.answers = optarg; break;
		case 'P': o.pdf = 0; break;
		case 'q': o.quiet = 1; break;
		case 'L':
			/* wait (the default): two `make site` in a row from an
			 * editor hook should both succeed, one after the other. */
			if (strcmp(optarg, "wait") != 0 && strcmp(optarg, "fail") != 0) {
				fprintf(stderr, "inferbook: site: --lock wants wait or fail\n");
				return 2;
			}
			o.lock_fail = strcmp(optarg, "fail") == 0;
			break;
		case 'U':
			if (strcmp(optarg, "carry") != 0 && strcmp(optarg, "refuse") != 0) {
				fprintf(stderr, "inferbook: site: --user-files wants carry or refuse\n");
				return 2;
			}
			o.user_files_refuse = strcmp(optarg, "refuse") == 0;
			break;
		case 'R': o.record_edition = 1; break;
		case 'w': o.wasm = optarg; break;
		case 'j':
			/* Range-checked as a long: 4294967297 must not wrap to 1. */
			jobs = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || jobs < 1 || jobs > 256) {
				diag_error(NULL, "site: --jobs wants a number from 1 to 256");
				return 2;
			}
			o.jobs = (int)jobs;
			break;
		default:
			fprintf(stderr, "usage: inferbook site [--out DIR] [--data DIR] [--lessons DIR] "
			    "[--templates DIR] [--paper a4|letter] [--answers none|inline|appendix] "
			    "[--jobs N] [--no-pdf] [--quiet] [--lock wait|fail] "
			    "[--user-files carry|refuse] [--record-edition] "
			    "[--wasm FILE]\n");
			return 2;
		}
	}
	if (optind != argc) {
		diag_error(NULL, "site: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	d = cli_default_dir(data, "data");
	l = cli_default_dir(lessons, "lessons");
	t = cli_default_dir(templates, "templates");
	o.data_dir = d;
	o.lessons_dir = l;
	o.templates_dir = t;
	rc = site_build(&o) == 0 ? 0 : 1;
	free(d);
	free(l);
	free(t);
	return rc;
}
