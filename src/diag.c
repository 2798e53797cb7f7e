/*
 * diag.c -- every message the tool prints about its inputs goes through
 * here, so the format "file:line:col: level: message" is made in one place.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

/* The site build draws charts on worker threads: one message at a time,
 * so lines never interleave and the counts stay exact. */
static pthread_mutex_t S_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *S_stream;
static enum diag_level S_worst;
static unsigned S_count[3];

static const char *const S_names[] = { "note", "warning", "error" };

static void
S_vdiag(enum diag_level lvl, const struct srcpos *pos, const char *fmt, va_list ap)
{
	FILE *fp;

	pthread_mutex_lock(&S_mu);
	fp = S_stream ? S_stream : stderr;
	if (lvl > S_worst)
		S_worst = lvl;
	S_count[lvl]++;
	if (pos != NULL && pos->file != NULL) {
		fputs(pos->file, fp);
		if (pos->line > 0) {
			fprintf(fp, ":%u", pos->line);
			if (pos->col > 0)
				fprintf(fp, ":%u", pos->col);
		}
		fputs(": ", fp);
	} else
		fputs("inferbook: ", fp);
	fprintf(fp, "%s: ", S_names[lvl]);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
	fflush(fp);
	pthread_mutex_unlock(&S_mu);
}

void
diag(enum diag_level lvl, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	S_vdiag(lvl, pos, fmt, ap);
	va_end(ap);
}

void
diag_error(const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	S_vdiag(DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void
diag_verror(const struct srcpos *pos, const char *fmt, va_list ap)
{
	S_vdiag(DIAG_ERROR, pos, fmt, ap);
}

void
diag_warning(const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	S_vdiag(DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

void diag_set_stream(FILE *fp) { S_stream = fp; }
enum diag_level diag_worst(void) { return S_worst; }
unsigned diag_count(enum diag_level lvl) { return S_count[lvl]; }

void
diag_reset(void)
{
	S_worst = DIAG_NONE;
	S_count[0] = S_count[1] = S_count[2] = 0;
}
