/*
 * site.c -- `inferbook site`: options in, site_build() out (site.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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
		case 'w': o.wasm = optarg; break;
		case 'j':
			/* Range-checked as a long: 4294967297 must not wrap to 1. */
			jobs = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || jobs < 1 || jobs > 256) {
				fprintf(stderr, "inferbook: site: --jobs wants a number from 1 to 256\n");
				return 2;
			}
			o.jobs = (int)jobs;
			break;
		default:
			fprintf(stderr, "usage: inferbook site [--out DIR] [--data DIR] [--lessons DIR] "
			    "[--templates DIR] [--paper a4|letter] [--answers none|inline|appendix] "
			    "[--jobs N] [--no-pdf] [--quiet] [--wasm FILE]\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "inferbook: site: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	/* cli_default_dir() answers in one static buffer: keep copies. */
	d = xstrdup(cli_default_dir(data, "data"));
	l = xstrdup(cli_default_dir(lessons, "lessons"));
	t = xstrdup(cli_default_dir(templates, "templates"));
	o.data_dir = d;
	o.lessons_dir = l;
	o.templates_dir = t;
	rc = site_build(&o) == 0 ? 0 : 1;
	free(d);
	free(l);
	free(t);
	return rc;
}
