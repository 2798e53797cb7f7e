/*
 * util.c -- allocation wrappers, the growable buffer, bounded reading.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"

static void
S_oom(void)
{
	fputs("inferbook: error: out of memory\n", stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		S_oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		S_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		S_oom();
	return q;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		S_oom();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	struct buf b;

	buf_init(&b);
	buf_vprintf(&b, fmt, ap);
	return buf_take(&b, NULL);
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static void
S_grow(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		S_oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_put(struct buf *b, const char *s, size_t n)
{
	S_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	S_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f || c == '<')
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

void
buf_md_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			buf_putc(b, ' ');
		else if (c != '\0' && strchr("\\`*_{}[]()<>#+!|~&$", c) != NULL) {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else
			buf_putc(b, (char)c);
	}
}

char *
buf_take(struct buf *b, size_t *len)
{
	char *p;

	if (b->data == NULL)
		buf_put(b, "", 0);
	p = b->data;
	if (len != NULL)
		*len = b->len;
	buf_init(b);
	return p;
}

int
util_read_file(const char *path, char **data, size_t *len)
{
	struct srcpos pos = { path, 0, 0 };
	struct stat st;
	FILE *fp;
	char *p;
	size_t n;
	int fd;

	*data = NULL;
	if (len != NULL)
		*len = 0;
	/* O_NOFOLLOW: every file read here is an input (data, lesson,
	 * template); a symbolic link could publish any file of the machine. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    (fp = fdopen(fd, "rb")) == NULL) {
		int err = errno;

		if (err == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			diag_error(&pos, "a symbolic link (inputs must be plain files "
			    "inside their folder)");
		else
			diag_error(&pos, "cannot open: %s", strerror(err));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_error(&pos, "not a regular file");
		fclose(fp);
		return -1;
	}
	if ((unsigned long long)st.st_size > UTIL_MAX_FILE_BYTES) {
		diag_error(&pos, "file is %lld bytes, larger than the limit of %u bytes",
		    (long long)st.st_size, UTIL_MAX_FILE_BYTES);
		fclose(fp);
		return -1;
	}
	p = xmalloc((size_t)st.st_size + 1);
	/* Read one byte more than stat said, to notice a file that grew. */
	n = fread(p, 1, (size_t)st.st_size + 1, fp);
	if (ferror(fp) || n > (size_t)st.st_size) {
		diag_error(&pos, ferror(fp) ? "read error" : "file changed while reading");
		free(p);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	p[n] = '\0';
	*data = p;
	if (len != NULL)
		*len = n;
	return 0;
}

size_t
util_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, r;

	/* One row of the table, reused: O(lb) memory. */
	row = xreallocarray(NULL, lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			r = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < r)
				r = row[j] + 1;
			if (row[j - 1] + 1 < r)
				r = row[j - 1] + 1;
			row[j] = r;
			prev = tmp;
		}
	}
	r = row[lb];
	free(row);
	return r;
}

void
util_c_locale(char *s)
{
	const char *dp = localeconv()->decimal_point;
	size_t n;
	char *p;

	if (dp == NULL || strcmp(dp, ".") == 0 || *dp == '\0' ||
	    (p = strstr(s, dp)) == NULL)
		return;
	n = strlen(dp);
	*p = '.';
	memmove(p + 1, p + n, strlen(p + n) + 1);
}

void
util_fmt_g(char *out, size_t outsz, int prec, double v)
{
	/* The tool never calls setlocale(LC_ALL, ""), so printf already uses
	 * the C locale; the fix-up keeps the output right should a library
	 * ever change LC_NUMERIC behind our back. */
	snprintf(out, outsz, "%.*g", prec, v);
	util_c_locale(out);
}
