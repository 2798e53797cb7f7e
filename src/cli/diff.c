/*
 * diff.c -- `inferbook diff OLD NEW`: what an edit to the data (or to the
 * lessons) does to every printed number, without publishing anything.
 *
 * OLD and NEW are each a data folder (it holds hardware.yaml; the lessons
 * come from --lessons, else ./lessons), a project folder (it holds
 * data/hardware.yaml: its data/ and lessons/), or a git revision of the
 * project in the current directory (its data/ and lessons/, exported
 * with `git archive` into a temporary folder).  Both sides are built in
 * memory with the same templates and compared the way an edition is
 * (site.h, "editions").
 *
 * Exit status: 0 when no printed number moved, appeared or disappeared;
 * 1 when some did, or on bad input (diagnostics on stderr); 2 on a usage
 * error (a bad option, an argument that is neither a folder nor a
 * revision).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "site.h"
#include "util.h"

static const char S_usage[] =
    "usage: inferbook diff [--format text|json] [--lessons DIR] [--templates DIR] OLD NEW\n"
    "  OLD, NEW: a data folder, a project folder, or a git revision (HEAD~1)\n";

static int
S_is_file(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	struct stat sb;
	int r = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);

	free(p);
	return r;
}

/* Runs argv (no shell) with stdout to /dev/null, and stderr too when
 * quiet.  The exit status, or -1. */
static int
S_run(char *const argv[], int quiet)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			if (quiet)
				dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* One side of the comparison: where its data and lessons are. */
struct side {
	const char *arg;
	char *data, *lessons;
	char *tmp;			/* exported revision; removed after */
};

/* 0, or 2 after a usage message. */
static int
S_resolve(struct side *sd, const char *lessons_opt)
{
	struct stat sb;
	char tmpl[] = "/tmp/inferbook-diff-XXXXXX";
	char *spec, *tar;

	if (stat(sd->arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (S_is_file(sd->arg, "hardware.yaml")) {
			sd->data = xstrdup(sd->arg);
			sd->lessons = cli_default_dir(lessons_opt, "lessons");
			return 0;
		}
		if (S_is_file(sd->arg, "data/hardware.yaml")) {
			sd->data = xasprintf("%s/data", sd->arg);
			sd->lessons = lessons_opt != NULL ? xstrdup(lessons_opt) :
			    xasprintf("%s/lessons", sd->arg);
			return 0;
		}
		fprintf(stderr, "inferbook: diff: '%s' holds neither hardware.yaml nor "
		    "data/hardware.yaml\n%s", sd->arg, S_usage);
		return 2;
	}
	if (sd->arg[0] == '-' || sd->arg[0] == '\0') {
		fprintf(stderr, "inferbook: diff: bad revision '%s'\n%s", sd->arg, S_usage);
		return 2;
	}
	spec = xasprintf("%s^{commit}", sd->arg);
	{
		char *const rp[] = { (char *)"git", (char *)"rev-parse", (char *)"--verify",
			(char *)"--quiet", spec, NULL };

		if (S_run(rp, 1) != 0) {
			fprintf(stderr, "inferbook: diff: '%s' is not a folder, nor a revision "
			    "of a git repository here\n%s", sd->arg, S_usage);
			free(spec);
			return 2;
		}
	}
	free(spec);
	if (mkdtemp(tmpl) == NULL) {
		perror("inferbook: diff: mkdtemp");
		return 2;
	}
	sd->tmp = xstrdup(tmpl);
	tar = xasprintf("%s/rev.tar", sd->tmp);
	{
		char *const ga[] = { (char *)"git", (char *)"archive", (char *)"--format=tar",
			(char *)"-o", tar, (char *)sd->arg, (char *)"--", (char *)"data",
			(char *)"lessons", NULL };
		char *const tx[] = { (char *)"tar", (char *)"-xf", tar, (char *)"-C", sd->tmp, NULL };

		if (S_run(ga, 0) != 0 || S_run(tx, 0) != 0) {
			fprintf(stderr, "inferbook: diff: cannot export data/ and lessons/ of '%s'\n",
			    sd->arg);
			free(tar);
			return 2;
		}
	}
	free(tar);
	sd->data = xasprintf("%s/data", sd->tmp);
	sd->lessons = lessons_opt != NULL ? xstrdup(lessons_opt) :
	    xasprintf("%s/lessons", sd->tmp);
	return 0;
}

/* Builds one side in memory: its state, or NULL after diagnostics. */
static struct site_state *
S_state(const struct side *sd, const char *templates)
{
	char tmpl[] = "/tmp/inferbook-diffout-XXXXXX";
	struct site_opts o;
	struct site_state *st = NULL;
	char *out;

	if (mkdtemp(tmpl) == NULL) {
		perror("inferbook: diff: mkdtemp");
		return NULL;
	}
	out = xasprintf("%s/out", tmpl);
	site_opts_defaults(&o);
	o.out_dir = out;
	o.data_dir = sd->data;
	o.lessons_dir = sd->lessons;
	o.templates_dir = templates;
	o.pdf = 0;
	o.quiet = 1;
	o.state_out = &st;
	if (site_build(&o) != 0) {
		site_state_free(st);
		st = NULL;
	}
	site_rmtree(tmpl);
	free(out);
	return st;
}

int
cli_diff(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lessons", required_argument, NULL, 'l' },
		{ "templates", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lessons = NULL, *templates = NULL;
	struct side sd[2];
	struct site_state *st[2] = { NULL, NULL };
	int c, json = 0, rc = 2, k;
	char *tdir = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") != 0) {
				fprintf(stderr, "inferbook: diff: --format: unknown format '%s' "
				    "(text, json)\n", optarg);
				return 2;
			}
			break;
		case 'l': lessons = optarg; break;
		case 't': templates = optarg; break;
		case 'h': fputs(S_usage, stdout); return 0;
		default: fputs(S_usage, stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "inferbook: diff: expected two things to compare, got %d\n%s",
		    argc - optind, S_usage);
		return 2;
	}
	memset(sd, 0, sizeof(sd));
	sd[0].arg = argv[optind];
	sd[1].arg = argv[optind + 1];
	for (k = 0; k < 2; k++)
		if (S_resolve(&sd[k], lessons) != 0)
			goto out;
	tdir = cli_default_dir(templates, "templates");
	rc = 1;
	for (k = 0; k < 2; k++)
		if ((st[k] = S_state(&sd[k], tdir)) == NULL)
			goto out;
	{
		struct site_changes *ch = site_changes_compare(st[0], st[1]);
		struct buf b;

		buf_init(&b);
		if (json)
			site_changes_json(ch, &b);
		else
			site_changes_text(ch, &b);
		fwrite(b.data != NULL ? b.data : "", 1, b.len, stdout);
		buf_free(&b);
		rc = site_changes_numbers(ch) ? 1 : 0;
		site_changes_free(ch);
	}
out:
	for (k = 0; k < 2; k++) {
		site_state_free(st[k]);
		free(sd[k].data);
		free(sd[k].lessons);
		if (sd[k].tmp != NULL)
			site_rmtree(sd[k].tmp);
		free(sd[k].tmp);
	}
	free(tdir);
	return rc;
}
