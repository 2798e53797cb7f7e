/*
 * cli.h -- the subcommands behind main().  Each takes the argument vector
 * starting at the subcommand's name and returns the exit status: 0
 * success, 1 bad input (diagnostics printed), 2 usage.
 */
#ifndef INFERBOOK_CLI_H
#define INFERBOOK_CLI_H

int cli_calc(int argc, char *argv[]);
int cli_site(int argc, char *argv[]);
/* `inferbook diff OLD NEW`: 0 nothing moved, 1 numbers moved (or bad
 * input), 2 usage (diff.c). */
int cli_diff(int argc, char *argv[]);
/* Validates data_dir and, when lessons_dir is not NULL, every lesson in it. */
int cli_check(const char *data_dir, const char *lessons_dir);

/* An input folder: `given` when not NULL, else ./NAME when it exists, else
 * the installed copy under INFERBOOK_SHAREDIR.  Returns a pointer to a
 * static buffer or to `given`. */
const char *cli_default_dir(const char *given, const char *name);

#endif
