/*
 * date.c -- the PDFs' date from $SOURCE_DATE_EPOCH (pdf.h), checked once
 * before any PDF is typeset: a value that is not a date must be said, not
 * silently dropped, and a year past 9999 cannot be written as a PDF date
 * (D:YYYYMMDD... has four digits for the year).
 */
#include <errno.h>
#include <stdlib.h>

#include "diag.h"
#include "pdf.h"

int
pdf_source_date(long long *epoch_s)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	struct srcpos pos = { "SOURCE_DATE_EPOCH", 0, 0 };
	char *end;
	long long e;

	*epoch_s = -1;
	if (env == NULL || *env == '\0')
		return 0;
	errno = 0;
	e = strtoll(env, &end, 10);
	if (*end != '\0' || end == env || *env == '-' || *env == '+' || *env == ' ' ||
	    errno == ERANGE) {
		diag_error(&pos, "must be a whole number of seconds since "
		    "1970-01-01 00:00 UTC, got '%.40s'", env);
		return -1;
	}
	if (e > PDF_MAX_DATE_EPOCH) {
		diag_error(&pos, "%lld is after the year 9999, which a PDF date cannot "
		    "hold (the limit is %lld)", e, (long long)PDF_MAX_DATE_EPOCH);
		return -1;
	}
	*epoch_s = e;
	return 0;
}
