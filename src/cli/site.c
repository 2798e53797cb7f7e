/*
 * site.c -- `inferbook site`: options in, site_build() out.
 * (Placeholder until the site module lands: validates the data and
 * publishes an index page atomically.)
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "data.h"
#include "diag.h"
#include "util.h"

int
cli_site(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "data", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *outdir = "out", *dir = NULL;
	struct data_set set;
	char *tmp, *path;
	FILE *fp;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': outdir = optarg; break;
		case 'd': dir = optarg; break;
		default: return 2;
		}
	}
	if (data_load(cli_default_dir(dir, "data"), &set) != 0)
		return 1;
	tmp = xasprintf("%s.tmp", outdir);
	mkdir(tmp, 0755);
	path = xasprintf("%s/index.html", tmp);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	fprintf(fp, "<!doctype html><html lang=en><meta charset=utf-8>"
	    "<title>inferbook</title><p>%zu chips, %zu models.</p></html>\n",
	    set.nhw, set.nmodels);
	fclose(fp);
	data_free(&set);
	{
		char *old = xasprintf("%s.old", outdir);
		char *cmd = xasprintf("rm -rf '%s'", old);

		rename(outdir, old);
		if (rename(tmp, outdir) != 0) {
			perror(outdir);
			return 1;
		}
		if (system(cmd) != 0)
			return 1;
		free(old);
		free(cmd);
	}
	free(tmp);
	free(path);
	return 0;
}
