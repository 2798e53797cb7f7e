/*
 * publish.c -- the staging folder behind atomic publishing and
 * write-if-changed (site.h).
 *
 * Why a sibling folder: rename() is atomic only within one file system,
 * and the folder beside out/ is on the same one.  Why hard links for
 * unchanged files: the swap replaces the whole tree, yet a web server or
 * `make` looking at mtimes should see only the files that really changed.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "site.h"
#include "util.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

struct site_stage {
	char *out;			/* out_dir without trailing slashes */
	char *path;			/* the stage */
	size_t changed, kept;
};

static void
S_err(const char *path, const char *what)
{
	struct srcpos pos = { path, 0, 0 };

	diag_error(&pos, "%s: %s", what, strerror(errno));
}

int
site_rmtree(const char *path)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlink(path);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", path, e->d_name);
		if (site_rmtree(p) != 0)
			rc = -1;
		free(p);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

/* Removes "BASE.tmp-XXXXXX" folders in the parent that killed builds left
 * behind (a finished or failed build never leaves one). */
static void
S_clean_stale(const char *out)
{
	const char *slash = strrchr(out, '/');
	char *parent = slash != NULL ? xstrndup(out, (size_t)(slash - out) + (slash == out)) :
	    xstrdup(".");
	const char *base = slash != NULL ? slash + 1 : out;
	char *prefix = xasprintf("%s.tmp-", base);
	size_t plen = strlen(prefix);
	DIR *d = opendir(parent);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char *p;

		if (strncmp(e->d_name, prefix, plen) != 0 || strlen(e->d_name) != plen + 6)
			continue;
		p = xasprintf("%s/%s", parent, e->d_name);
		site_rmtree(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(parent);
}

/* Publishing replaces out_dir wholesale, so it must be ours to replace:
 * absent, empty, or an earlier build (which always has numbers.tsv).  A
 * mistyped --out must never delete someone's folder. */
static int
S_replaceable(const char *out)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;
	int empty = 1;
	char *marker;

	if (lstat(out, &sb) != 0)
		return errno == ENOENT;
	if (!S_ISDIR(sb.st_mode))
		return 0;
	marker = xasprintf("%s/numbers.tsv", out);
	if (lstat(marker, &sb) == 0 && S_ISREG(sb.st_mode)) {
		free(marker);
		return 1;
	}
	free(marker);
	if ((d = opendir(out)) == NULL)
		return 0;
	while (empty && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

struct site_stage *
site_stage_open(const char *out_dir)
{
	struct site_stage *st = xcalloc(1, sizeof(*st));
	size_t n = strlen(out_dir);

	while (n > 1 && out_dir[n - 1] == '/')
		n--;
	st->out = xstrndup(out_dir, n);
	if (n == 0 || strcmp(st->out, "/") == 0 || strcmp(st->out, ".") == 0 ||
	    strcmp(st->out, "..") == 0) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "refusing to publish into '%s'", out_dir);
		free(st->out);
		free(st);
		return NULL;
	}
	if (!S_replaceable(st->out)) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "refusing to replace '%s': it is not empty and holds no "
		    "numbers.tsv, so no earlier build made it (remove it, or pick another --out)",
		    st->out);
		free(st->out);
		free(st);
		return NULL;
	}
	S_clean_stale(st->out);
	st->path = xasprintf("%s.tmp-XXXXXX", st->out);
	if (mkdtemp(st->path) == NULL) {
		S_err(st->path, "cannot create the staging folder");
		free(st->path);
		free(st->out);
		free(st);
		return NULL;
	}
	chmod(st->path, 0755);
	return st;
}

const char *
site_stage_path(const struct site_stage *st)
{
	return st->path;
}

void
site_stage_counts(const struct site_stage *st, size_t *changed, size_t *kept)
{
	*changed = st->changed;
	*kept = st->kept;
}

static int
S_valid_rel(const char *rel)
{
	const char *s = rel, *part = rel;

	if (*rel == '\0' || strlen(rel) > 255)
		return 0;
	for (;; s++) {
		if (*s == '/' || *s == '\0') {
			size_t n = (size_t)(s - part);

			if (n == 0 || (n == 1 && part[0] == '.') ||
			    (n == 2 && part[0] == '.' && part[1] == '.'))
				return 0;
			if (*s == '\0')
				return 1;
			part = s + 1;
		} else if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return 0;
	}
}

/* 1 when the file at path holds exactly data[0..len). */
static int
S_same(const char *path, const void *data, size_t len, struct stat *sb)
{
	char chunk[65536];
	size_t off = 0;
	int fd, same = 1;

	if (lstat(path, sb) != 0 || !S_ISREG(sb->st_mode) || (size_t)sb->st_size != len)
		return 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) < 0)
		return 0;
	while (same && off < len) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r <= 0 || (size_t)r > len - off ||
		    memcmp(chunk, (const char *)data + off, (size_t)r) != 0)
			same = 0;
		else
			off += (size_t)r;
	}
	close(fd);
	return same;
}

static int
S_write_all(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, (const char *)data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

int
site_stage_write(struct site_stage *st, const char *rel, const void *data, size_t len)
{
	char *dst, *prev, *p;
	struct stat sb;
	int rc = -1;

	if (!S_valid_rel(rel)) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "refusing to write '%s': not a plain relative path", rel);
		return -1;
	}
	dst = xasprintf("%s/%s", st->path, rel);
	prev = xasprintf("%s/%s", st->out, rel);
	/* Folders on the way. */
	for (p = dst + strlen(st->path) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
			S_err(dst, "cannot create folder");
			*p = '/';
			goto out;
		}
		*p = '/';
	}
	if (S_same(prev, data, len, &sb)) {
		if (link(prev, dst) == 0) {
			st->kept++;
			rc = 0;
			goto out;
		}
		if (errno == EEXIST) {
			S_err(dst, "written twice");
			goto out;
		}
		/* No hard links here (another file system, a restrictive
		 * mount): copy, and carry the times over. */
		if (S_write_all(dst, data, len) == 0) {
			struct timespec ts[2] = { sb.st_atim, sb.st_mtim };

			utimensat(AT_FDCWD, dst, ts, 0);
			st->kept++;
			rc = 0;
		} else
			S_err(dst, errno == EEXIST ? "written twice" : "cannot write");
		goto out;
	}
	if (S_write_all(dst, data, len) != 0) {
		S_err(dst, errno == EEXIST ? "written twice" : "cannot write");
		goto out;
	}
	st->changed++;
	rc = 0;
out:
	free(dst);
	free(prev);
	return rc;
}

void
site_stage_abort(struct site_stage *st)
{
	if (st == NULL)
		return;
	site_rmtree(st->path);
	free(st->path);
	free(st->out);
	free(st);
}

int
site_stage_commit(struct site_stage *st)
{
	struct stat sb;
	int rc = 0;

	if (lstat(st->out, &sb) != 0) {
		if (errno != ENOENT || rename(st->path, st->out) != 0) {
			S_err(st->out, "cannot publish");
			site_rmtree(st->path);
			rc = -1;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		S_err(st->out, "cannot publish");
		site_rmtree(st->path);
		rc = -1;
	} else if (syscall(SYS_renameat2, AT_FDCWD, st->path, AT_FDCWD, st->out,
	    RENAME_EXCHANGE) == 0) {
		/* The old tree now sits at the stage's name. */
		site_rmtree(st->path);
	} else {
		/* No atomic exchange (old kernel, odd file system): two renames,
		 * with out/ absent for an instant. */
		char *old = xasprintf("%s.old-XXXXXX", st->out);

		if (mkdtemp(old) == NULL || rmdir(old) != 0 ||
		    rename(st->out, old) != 0) {
			S_err(st->out, "cannot publish");
			site_rmtree(st->path);
			rc = -1;
		} else if (rename(st->path, st->out) != 0) {
			S_err(st->out, "cannot publish");
			rename(old, st->out);
			site_rmtree(st->path);
			rc = -1;
		} else
			site_rmtree(old);
		free(old);
	}
	free(st->path);
	free(st->out);
	free(st);
	return rc;
}
