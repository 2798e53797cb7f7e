/*
 * cli.h -- the subcommands behind main().  Each takes the argument vector
 * starting at the subcommand's name and returns the exit status: 0
 * success, 1 bad input (diagnostics printed through diag), 2 usage.
 */
#ifndef INFERBOOK_CLI_H
#define INFERBOOK_CLI_H

int cli_calc(int argc, char *argv[]);
int cli_site(int argc, char *argv[]);
/* `inferbook diff OLD NEW`: 0 nothing moved, 1 numbers moved (or bad
 * input), 2 usage (diff.c). */
int cli_diff(int argc, char *argv[]);
/* `check [--data DIR] [--lessons DIR]`: validates the data and, unless
 * only --data is given, every lesson of the lessons folder as the site
 * build reads it (lesson_dir_load(), figures built, numbers expanded);
 * says how many it checked. */
int cli_check(int argc, char *argv[]);
/* `list hardware|models|quantities [--data DIR]`. */
int cli_list(int argc, char *argv[]);

/* The usage text of every command. */
extern const char cli_usage[];
/* Prints "inferbook: error: FMT" (through diag) and the usage; returns 2. */
int cli_usage_error(const char *fmt, const char *arg);

/* An input folder: `given` when not NULL, else ./NAME when it exists, else
 * the installed copy under INFERBOOK_SHAREDIR when that exists, else NAME.
 * Returns a copy the caller frees (each call its own: two calls in one
 * argument list once returned one static buffer twice). */
char *cli_default_dir(const char *given, const char *name);

#endif
