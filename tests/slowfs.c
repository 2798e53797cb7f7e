/*
 * slowfs.c -- an LD_PRELOAD shim for tests/t_publish.sh: makes the file
 * system slow (and, on request, lacking or dying) for paths that contain
 * SLOWFS_MATCH (default ".tmp-", the staging folders), so that races
 * between builds and kills in the middle of a swap can be tried on
 * purpose.
 *
 *   SLOWFS_US=N            sleep N microseconds in every open, mkdir, link,
 *                          rename, unlink and rmdir of a matching path
 *   SLOWFS_NO_EXCHANGE=1   renameat2(RENAME_EXCHANGE) fails with EINVAL, as
 *                          on a file system without it (the fallback swap)
 *   SLOWFS_KILL_AFTER_OLD=1  SIGKILL right after a rename to "*.old-*"
 *                          succeeds: between the fallback swap's renames
 *   SLOWFS_KILL_UNLINK=S   SIGKILL at the first unlink of a path containing
 *                          S (e.g. "index.html" in an old tree being removed)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
S_slow(const char *path)
{
	const char *m = getenv("SLOWFS_MATCH"), *us = getenv("SLOWFS_US");

	if (path != NULL && us != NULL && strstr(path, m != NULL ? m : ".tmp-") != NULL)
		usleep((useconds_t)atol(us));
}

static void
S_after_rename(int rc, const char *to)
{
	if (rc == 0 && getenv("SLOWFS_KILL_AFTER_OLD") != NULL && strstr(to, ".old-") != NULL)
		raise(SIGKILL);
}

#define REAL(name) static __typeof__(&name) real; \
	if (real == NULL) real = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static mode_t
S_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) != 0 ? (mode_t)va_arg(ap, int) : 0;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	REAL(open);

	va_start(ap, flags);
	mode = S_mode(flags, ap);
	va_end(ap);
	S_slow(path);
	return real(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	REAL(open64);

	va_start(ap, flags);
	mode = S_mode(flags, ap);
	va_end(ap);
	S_slow(path);
	return real(path, flags, mode);
}

int
openat(int dfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	REAL(openat);

	va_start(ap, flags);
	mode = S_mode(flags, ap);
	va_end(ap);
	S_slow(path);
	return real(dfd, path, flags, mode);
}

int
mkdir(const char *path, mode_t mode)
{
	REAL(mkdir);
	S_slow(path);
	return real(path, mode);
}

int
rmdir(const char *path)
{
	REAL(rmdir);
	S_slow(path);
	return real(path);
}

int
unlink(const char *path)
{
	const char *k = getenv("SLOWFS_KILL_UNLINK");
	REAL(unlink);

	if (k != NULL && strstr(path, k) != NULL)
		raise(SIGKILL);
	S_slow(path);
	return real(path);
}

int
link(const char *from, const char *to)
{
	REAL(link);
	S_slow(to);
	return real(from, to);
}

int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	REAL(linkat);
	S_slow(to);
	S_slow(from);
	return real(fd1, from, fd2, to, flags);
}

int
rename(const char *from, const char *to)
{
	int rc;
	REAL(rename);

	S_slow(from);
	S_slow(to);
	rc = real(from, to);
	S_after_rename(rc, to);
	return rc;
}

int
renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	int rc;
	REAL(renameat2);

	if ((flags & RENAME_EXCHANGE) != 0 && getenv("SLOWFS_NO_EXCHANGE") != NULL) {
		errno = EINVAL;
		return -1;
	}
	S_slow(from);
	S_slow(to);
	rc = real(fd1, from, fd2, to, flags);
	S_after_rename(rc, to);
	return rc;
}
