/*
 * testutil.c -- see testutil.h.
 */
#include <stdio.h>
#include <check.h>

#include "diag.h"
#include "testutil.h"

void
tu_capture_start(struct tu_capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->text, &c->len);
	ck_assert_ptr_nonnull(c->fp);
	diag_reset();
	diag_set_stream(c->fp);
}

char *
tu_capture_end(struct tu_capture *c)
{
	diag_set_stream(NULL);
	fclose(c->fp);
	return c->text;
}
