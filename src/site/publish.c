/*
 * publish.c -- the staging folder behind atomic publishing and
 * write-if-changed, and the rules that make publishing safe for the
 * files around it (site.h).
 *
 * Why a sibling folder: rename() is atomic only within one file system,
 * and the folder beside out/ is on the same one.  Why hard links for
 * unchanged files: the swap replaces the whole tree, yet a web server or
 * `make` looking at mtimes should see only the files that really changed.
 *
 * Why a manifest: out/ is replaced wholesale, so the tool must know which
 * files in it are its own.  OUT/.inferbook-site lists every file a build
 * published, with its SHA-256; a folder without one is not ours unless it
 * is empty, and a file it does not list is the user's (carried into the
 * new tree as a hard link, or refused).  An old tree is removed file by
 * file, only what its manifest lists or what now lives on in the new
 * tree: whatever else is there is kept.  Reading the manifest, the hash
 * and that removal are manifest.c; this file writes the manifest.
 *
 * Why a lock and pids in names: two builds on one out/ must not delete
 * each other's stage.  OUT.lock is flock()ed from before the first read
 * of out/ to after the swap; stages and the fallback swap's old trees are
 * "OUT.tmp-PID-XXXXXX" / "OUT.old-PID-XXXXXX", and only such names whose
 * PID is gone are ever cleaned, so a user's out.tmp-notes is never
 * touched.
 */
#define _GNU_SOURCE			/* renameat2 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "site.h"
#include "site_int.h"
#include "util.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define S_LOCK_TAG	"inferbook lock "

struct site_stage {
	char *out;			/* out_dir without trailing slashes */
	char *path;			/* the stage */
	char *lock;			/* OUT.lock */
	int lockfd;			/* flock()ed; -1 for none */
	int lock_ours;			/* we may remove the lock file */
	int refuse;			/* --user-files refuse */
	struct mf_list prev;		/* out/'s manifest at open (sorted) */
	struct mf_list files;		/* what this build staged */
	size_t changed, kept;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

void
site_pub_err(const char *path, const char *what)
{
	struct srcpos pos = { path, 0, 0 };

	diag_error(&pos, "%s: %s", what, strerror(errno));
}

static void
S_refuse(const char *fmt, const char *a, const char *b)
{
	struct srcpos pos = { NULL, 0, 0 };

	diag_error(&pos, fmt, a, b);
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
	if (access(path, W_OK | X_OK) != 0)
		chmod(path, (sb.st_mode & 07777) | S_IRWXU);	/* a user's read-only folder */
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

static int
S_cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in folder path, sorted (so that walks and their messages are
 * deterministic); NULL when it cannot be read.  *n gets the count. */
char **
site_pub_names(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), S_cmpstr);
	else if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	return v;
}

void
site_pub_names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "PARENT/BASE" split of a path without trailing slashes: the parent as
 * it is spelled ("." when there is none), the base borrowed. */
static char *
S_parent(const char *out, const char **base)
{
	const char *slash = strrchr(out, '/');

	*base = slash != NULL ? slash + 1 : out;
	if (slash == NULL)
		return xstrdup(".");
	return xstrndup(out, (size_t)(slash - out) + (slash == out));
}

/* 1 when a process with this pid exists (our own pid counts as gone:
 * the caller holds the lock and has no stage yet, so a folder named with
 * it is an earlier process's). */
static int
S_pid_alive(long pid)
{
	if (pid <= 0 || pid > INT_MAX)
		return 0;
	if ((pid_t)pid == getpid())
		return 0;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* When name is exactly "BASE.KIND-PID-XXXXXX" (KIND "tmp" or "old", PID
 * decimal without a leading zero, XXXXXX from mkdtemp's alphabet), the PID;
 * else -1.  Nothing else beside out/ is ever the tool's to remove. */
static long
S_stage_pid(const char *name, const char *base, const char *kind)
{
	size_t bl = strlen(base), kl = strlen(kind), i;
	const char *p, *q;
	long pid = 0;

	if (strncmp(name, base, bl) != 0 || name[bl] != '.' ||
	    strncmp(name + bl + 1, kind, kl) != 0 || name[bl + 1 + kl] != '-')
		return -1;
	p = name + bl + 2 + kl;
	for (q = p; *q >= '0' && *q <= '9'; q++) {
		if (q - p >= 9)
			return -1;
		pid = pid * 10 + (*q - '0');
	}
	if (q == p || *p == '0' || *q != '-')
		return -1;
	for (i = 1; i <= 6; i++)
		if (!((q[i] >= 'a' && q[i] <= 'z') || (q[i] >= 'A' && q[i] <= 'Z') ||
		    (q[i] >= '0' && q[i] <= '9')))
			return -1;
	return q[7] == '\0' ? pid : -1;
}

int
site_pub_valid_rel(const char *rel)
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

/* ------------------------------------------------------------------ */
/* The lock                                                             */

/* Reads the pid an earlier holder wrote into the lock file, 0 if none. */
static long
S_lock_holder(int fd)
{
	char b[64];
	ssize_t r = pread(fd, b, sizeof(b) - 1, 0);

	if (r <= (ssize_t)strlen(S_LOCK_TAG))
		return 0;
	b[r] = '\0';
	if (strncmp(b, S_LOCK_TAG, strlen(S_LOCK_TAG)) != 0)
		return 0;
	return strtol(b + strlen(S_LOCK_TAG), NULL, 10);
}

/*
 * Takes OUT.lock: waits for another build to finish, or (fail) reports it
 * and gives up.  A holder removes the file when it is done, so a lock on
 * a file no longer at that name is retried.  0, or -1 after a diagnostic.
 */
static int
S_lock(struct site_stage *st, int fail)
{
	int said = 0;

	for (;;) {
		struct stat a, b;
		int fd = open(st->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

		if (fd < 0) {
			site_pub_err(st->lock, "cannot open the lock file");
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			long pid;
			char who[48] = "another build";

			if (errno != EWOULDBLOCK && errno != EINTR) {
				site_pub_err(st->lock, "cannot lock");
				close(fd);
				return -1;
			}
			if ((pid = S_lock_holder(fd)) > 0)
				snprintf(who, sizeof(who), "the build of pid %ld", pid);
			if (fail) {
				struct srcpos pos = { NULL, 0, 0 };

				diag_error(&pos, "'%s' is being published by %s (it holds '%s'); "
				    "--lock wait waits for it", st->out, who, st->lock);
				close(fd);
				return -1;
			}
			if (!said) {
				struct srcpos pos = { NULL, 0, 0 };

				diag_warning(&pos, "waiting for %s, which is publishing '%s' "
				    "(--lock fail gives up instead)", who, st->out);
				said = 1;
			}
			while (flock(fd, LOCK_EX) != 0)
				if (errno != EINTR) {
					site_pub_err(st->lock, "cannot lock");
					close(fd);
					return -1;
				}
		}
		if (fstat(fd, &a) == 0 && lstat(st->lock, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			char tag[64];
			int n = snprintf(tag, sizeof(tag), S_LOCK_TAG "%ld\n", (long)getpid());
			char head[sizeof(S_LOCK_TAG)];
			ssize_t r = pread(fd, head, sizeof(head) - 1, 0);

			/* Only a file that is empty or says it is our lock is
			 * written to, and removed after: a user's own "out.lock"
			 * is locked and left as it is. */
			if (r == 0 || (r == (ssize_t)sizeof(head) - 1 &&
			    memcmp(head, S_LOCK_TAG, sizeof(head) - 1) == 0)) {
				st->lock_ours = ftruncate(fd, 0) == 0 &&
				    pwrite(fd, tag, (size_t)n, 0) == n;
			}
			st->lockfd = fd;
			return 0;
		}
		close(fd);	/* the holder removed it: take the new one */
	}
}

static void
S_unlock(struct site_stage *st)
{
	if (st->lockfd < 0)
		return;
	/* Removed while still held: a waiter on the old file sees that it
	 * is gone and retries (S_lock). */
	if (st->lock_ours)
		unlink(st->lock);
	close(st->lockfd);
	st->lockfd = -1;
}

/* ------------------------------------------------------------------ */
/* Opening                                                              */

/* The real path of a folder that may not exist yet: its parent resolved,
 * its name appended.  NULL when the parent does not resolve. */
static char *
S_real_out(const char *out)
{
	const char *base;
	char *parent = S_parent(out, &base), *rp = realpath(parent, NULL), *r;

	free(parent);
	if (rp == NULL)
		return NULL;
	r = xasprintf("%s%s%s", rp, strcmp(rp, "/") == 0 ? "" : "/", base);
	free(rp);
	return r;
}

/* 1 when folder a is b or holds it (both real paths). */
static int
S_holds(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/' || strcmp(a, "/") == 0);
}

/* --out may not be, or hold, an input folder or the working directory:
 * the swap would move the inputs away under the running build (and a
 * shell's working directory into a tree that is then removed). */
static int
S_check_inputs(const struct site_stage *st, const char *real, const struct site_opts *o)
{
	const struct { const char *dir, *what; } in[] = {
		{ o != NULL ? o->data_dir : NULL, "data" },
		{ o != NULL ? o->lessons_dir : NULL, "lessons" },
		{ o != NULL ? o->templates_dir : NULL, "templates" },
		{ ".", NULL },
	};
	struct srcpos pos = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *rp;
		const char *verb;

		if (in[i].dir == NULL || (rp = realpath(in[i].dir, NULL)) == NULL)
			continue;
		if (!S_holds(real, rp)) {
			free(rp);
			continue;
		}
		verb = strcmp(real, rp) == 0 ? "is" : "holds";
		if (in[i].what == NULL)
			diag_error(&pos, "refusing to publish into '%s': it %s the working "
			    "directory", st->out, verb);
		else
			diag_error(&pos, "refusing to publish into '%s': it %s the %s folder '%s'",
			    st->out, verb, in[i].what, in[i].dir);
		free(rp);
		return -1;
	}
	return 0;
}

/* Finishes or undoes a fallback swap that a killed build left half done
 * (out/ absent, "OUT.old-PID-*" holding the previous site), then cleans
 * the stages and old trees of builds that are gone. */
static void
S_recover(const struct site_stage *st)
{
	const char *base;
	char *parent = S_parent(st->out, &base);
	char **names;
	size_t n, i;
	struct stat sb;

	if ((names = site_pub_names(parent, &n)) == NULL) {
		free(parent);
		return;
	}
	if (lstat(st->out, &sb) != 0 && errno == ENOENT) {
		for (i = 0; i < n; i++) {
			long pid = S_stage_pid(names[i], base, "old");
			char *old, *stage = NULL, *pfx, *man;
			size_t j;

			if (pid < 0 || S_pid_alive(pid))
				continue;
			old = xasprintf("%s/%s", parent, names[i]);
			/* The same build's stage is complete once it has its
			 * manifest (written last): publish it; else put the
			 * old site back. */
			pfx = xasprintf("%s.tmp-%ld-", base, pid);
			for (j = 0; j < n && stage == NULL; j++) {
				if (strncmp(names[j], pfx, strlen(pfx)) != 0 ||
				    S_stage_pid(names[j], base, "tmp") != pid)
					continue;
				man = xasprintf("%s/%s/%s", parent, names[j], SITE_MANIFEST);
				if (access(man, F_OK) == 0)
					stage = xasprintf("%s/%s", parent, names[j]);
				free(man);
			}
			if (stage == NULL || rename(stage, st->out) != 0)
				rename(old, st->out);
			free(stage);
			free(pfx);
			free(old);
			break;
		}
	}
	for (i = 0; i < n; i++) {
		long pid = S_stage_pid(names[i], base, "tmp");
		int is_old = 0;
		char *p;

		if (pid < 0 && (pid = S_stage_pid(names[i], base, "old")) >= 0)
			is_old = 1;
		if (pid < 0 || S_pid_alive(pid))
			continue;
		p = xasprintf("%s/%s", parent, names[i]);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			char *man = xasprintf("%s/%s", p, SITE_MANIFEST);

			/* A stage without its manifest was never published and
			 * holds only what the build wrote or linked: all of it
			 * goes.  One with a manifest may be an old tree after a
			 * swap: only what is ours or lives on in out/ goes. */
			if (!is_old && access(man, F_OK) != 0)
				site_rmtree(p);
			else
				site_mf_remove_tree(p, st->out, st->out);
			free(man);
		}
		free(p);
	}
	site_pub_names_free(names, n);
	free(parent);
}

/* The first file under out/ that its manifest does not list (the user's),
 * as "OUT/REL" (caller frees), or NULL. */
static char *
S_first_foreign(const struct site_stage *st, const char *rel)
{
	char *dir = rel != NULL ? xasprintf("%s/%s", st->out, rel) : xstrdup(st->out);
	char **names, *found = NULL;
	size_t n, i;

	names = site_pub_names(dir, &n);
	for (i = 0; names != NULL && i < n && found == NULL; i++) {
		char *crel = rel != NULL ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *p = xasprintf("%s/%s", st->out, crel);
		struct stat sb;

		if (rel == NULL && strcmp(names[i], SITE_MANIFEST) == 0)
			;
		else if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    site_mf_has_dir(&st->prev, crel))
			found = S_first_foreign(st, crel);
		else if (!(lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    site_mf_find(&st->prev, crel) != NULL))
			found = xasprintf("%s/%s", st->out, crel);
		free(crel);
		free(p);
	}
	if (names != NULL)
		site_pub_names_free(names, n);
	free(dir);
	return found;
}

/* 1 when out/numbers.tsv starts as every build before the manifest wrote
 * it (an empty or other numbers.tsv proves nothing). */
static int
S_legacy(const char *out)
{
	static const char head[] = "# id\tlabel\tvalue\tpages\twhere\n";
	char *path = xasprintf("%s/numbers.tsv", out);
	struct buf b;
	int yes;

	buf_init(&b);
	yes = site_pub_slurp(path, &b) == 0 && b.len >= sizeof(head) - 1 &&
	    memcmp(b.data, head, sizeof(head) - 1) == 0;
	buf_free(&b);
	free(path);
	return yes;
}

/* Publishing replaces out_dir, so it must be ours: absent, empty, or a
 * folder with the manifest an earlier build wrote (loaded into
 * st->prev).  A mistyped --out must never lose anyone's files. */
static int
S_check_out(struct site_stage *st)
{
	struct stat sb;
	char **names;
	size_t n;
	int rc;

	if (lstat(st->out, &sb) != 0) {
		if (errno == ENOENT)
			return 0;
		site_pub_err(st->out, "cannot publish");
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		S_refuse("refusing to publish into '%s': it is %s, not a folder", st->out,
		    S_ISLNK(sb.st_mode) ? "a symbolic link" : S_ISREG(sb.st_mode) ? "a file" :
		    "something else");
		return -1;
	}
	if ((rc = site_mf_load(st->out, &st->prev, 0)) < 0)
		return -1;
	if (rc == 0)
		return 0;
	if ((names = site_pub_names(st->out, &n)) == NULL) {
		site_pub_err(st->out, "cannot read");
		return -1;
	}
	site_pub_names_free(names, n);
	if (n == 0)
		return 0;
	if (S_legacy(st->out)) {
		S_refuse("refusing to replace '%s': it has no %s, so inferbook cannot tell its "
		    "files from yours (a site built before manifests existed: move what is yours "
		    "out of it, then remove it once)", st->out, SITE_MANIFEST);
		return -1;
	}
	S_refuse("refusing to replace '%s': it is not empty and has no %s, so inferbook did "
	    "not publish it (pick another --out, or move your files out of it)", st->out,
	    SITE_MANIFEST);
	return -1;
}

static void
S_free(struct site_stage *st)
{
	S_unlock(st);
	site_mf_free(&st->prev);
	site_mf_free(&st->files);
	free(st->path);
	free(st->lock);
	free(st->out);
	free(st);
}

struct site_stage *
site_stage_open_opts(const char *out_dir, const struct site_opts *o)
{
	struct site_stage *st = xcalloc(1, sizeof(*st));
	size_t n = strlen(out_dir);
	struct stat sb;
	char *real;

	st->lockfd = -1;
	st->refuse = o != NULL && o->user_files_refuse;
	while (n > 1 && out_dir[n - 1] == '/')
		n--;
	st->out = xstrndup(out_dir, n);
	if (n == 0 || strcmp(st->out, "/") == 0 || strcmp(st->out, ".") == 0 ||
	    strcmp(st->out, "..") == 0 || (n >= 3 && strcmp(st->out + n - 3, "/..") == 0) ||
	    (n >= 2 && strcmp(st->out + n - 2, "/.") == 0)) {
		S_refuse("refusing to publish into '%s'%s", out_dir, "");
		goto fail;
	}
	/* What --out is, said before anything else is looked at. */
	if (lstat(st->out, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		if (S_ISLNK(sb.st_mode)) {
			char target[PATH_MAX];
			ssize_t r = readlink(st->out, target, sizeof(target) - 1);

			target[r > 0 ? r : 0] = '\0';
			S_refuse("refusing to publish into '%s': it is a symbolic link (to '%s'); "
			    "name the folder itself", st->out, target);
		} else
			S_refuse("refusing to publish into '%s': it is %s, not a folder", st->out,
			    S_ISREG(sb.st_mode) ? "a file" : "something else");
		goto fail;
	}
	if ((real = S_real_out(st->out)) == NULL) {
		site_pub_err(st->out, "cannot publish: the folder that would hold it");
		goto fail;
	}
	if (S_check_inputs(st, real, o) != 0) {
		free(real);
		goto fail;
	}
	free(real);
	st->lock = xasprintf("%s.lock", st->out);
	if (S_lock(st, o != NULL && o->lock_fail) != 0)
		goto fail;
	S_recover(st);
	if (S_check_out(st) != 0)
		goto fail;
	if (st->refuse) {
		char *f = S_first_foreign(st, NULL);

		if (f != NULL) {
			S_refuse("refusing to replace '%s': '%s' is yours, not in its "
			    SITE_MANIFEST " (--user-files carry keeps such files in the new site)",
			    st->out, f);
			free(f);
			goto fail;
		}
	}
	st->path = xasprintf("%s.tmp-%ld-XXXXXX", st->out, (long)getpid());
	if (mkdtemp(st->path) == NULL) {
		site_pub_err(st->path, "cannot create the staging folder");
		goto fail;
	}
	chmod(st->path, 0755);
	return st;
fail:
	S_free(st);
	return NULL;
}

struct site_stage *
site_stage_open(const char *out_dir)
{
	return site_stage_open_opts(out_dir, NULL);
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

/* ------------------------------------------------------------------ */
/* Writing                                                              */

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

/* Creates the folders on the way to root/rel (mode 0755). */
static int
S_mkdirs(const char *root, const char *rel)
{
	char *dst = xasprintf("%s/%s", root, rel), *p;
	int rc = 0;

	for (p = dst + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
			site_pub_err(dst, "cannot create folder");
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(dst);
	return rc;
}

/* Writes rel into the stage, or links out/rel when it holds the same
 * bytes.  count: whether it counts as a page of the site. */
static int
S_put(struct site_stage *st, const char *rel, const void *data, size_t len, int count)
{
	char *dst, *prev;
	struct stat sb;
	int rc = -1;

	dst = xasprintf("%s/%s", st->path, rel);
	prev = xasprintf("%s/%s", st->out, rel);
	if (S_mkdirs(st->path, rel) != 0)
		goto out;
	if (S_same(prev, data, len, &sb)) {
		if (link(prev, dst) == 0) {
			st->kept += count;
			rc = 0;
			goto out;
		}
		if (errno == EEXIST) {
			site_pub_err(dst, "written twice");
			goto out;
		}
		/* No hard links here (another file system, a restrictive
		 * mount): copy, and carry the times over. */
		if (S_write_all(dst, data, len) == 0) {
			struct timespec ts[2] = { sb.st_atim, sb.st_mtim };

			utimensat(AT_FDCWD, dst, ts, 0);
			st->kept += count;
			rc = 0;
		} else
			site_pub_err(dst, errno == EEXIST ? "written twice" : "cannot write");
		goto out;
	}
	if (S_write_all(dst, data, len) != 0) {
		site_pub_err(dst, errno == EEXIST ? "written twice" : "cannot write");
		goto out;
	}
	st->changed += count;
	rc = 0;
out:
	free(dst);
	free(prev);
	return rc;
}

int
site_stage_write(struct site_stage *st, const char *rel, const void *data, size_t len)
{
	char hex[65];

	if (!site_pub_valid_rel(rel) || strcmp(rel, SITE_MANIFEST) == 0) {
		struct srcpos pos = { NULL, 0, 0 };

		diag_error(&pos, "refusing to write '%s': not a plain relative path", rel);
		return -1;
	}
	if (S_put(st, rel, data, len, 1) != 0)
		return -1;
	site_sha256_hex(data, len, hex);
	site_mf_add(&st->files, rel, hex);
	return 0;
}

int
site_stage_prev_hash(const struct site_stage *st, const char *rel, char hex[65])
{
	const struct mf_entry *e = site_mf_find(&st->prev, rel);

	if (e == NULL)
		return -1;
	memcpy(hex, e->hex, 65);
	return 0;
}

void
site_stage_abort(struct site_stage *st)
{
	if (st == NULL)
		return;
	if (st->path != NULL)
		site_rmtree(st->path);
	S_free(st);
}

/* ------------------------------------------------------------------ */
/* Committing                                                           */

/* Hard-links (or, where that fails, copies) out/rel, a file of the
 * user's, to the same place in the stage; a folder of the user's is
 * made there and filled.  all: everything below rel is the user's. */
static int
S_carry(struct site_stage *st, const char *rel, int all)
{
	char *dir = rel != NULL ? xasprintf("%s/%s", st->out, rel) : xstrdup(st->out);
	char **names;
	size_t n, i;
	int rc = 0;

	if ((names = site_pub_names(dir, &n)) == NULL) {
		site_pub_err(dir, "cannot read");
		free(dir);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		char *crel = rel != NULL ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *src = xasprintf("%s/%s", st->out, crel);
		char *dst = xasprintf("%s/%s", st->path, crel);
		struct stat sb;

		if (rel == NULL && strcmp(names[i], SITE_MANIFEST) == 0)
			;
		else if (lstat(src, &sb) != 0)
			rc = errno == ENOENT ? 0 : (site_pub_err(src, "cannot read"), -1);
		else if (S_ISDIR(sb.st_mode)) {
			/* A folder no published file is in is the user's: made
			 * in the stage (or merged with the new site's) and
			 * filled; in one of the tool's, only what is not listed
			 * is carried, and folders are made as files need them. */
			int mine = all || !site_mf_has_dir(&st->prev, crel), made = 0;

			if (!mine)
				rc = S_carry(st, crel, 0);
			else if (S_mkdirs(st->path, crel) != 0 ||
			    (!(made = mkdir(dst, 0700) == 0) && errno != EEXIST)) {
				site_pub_err(dst, "cannot create folder");
				rc = -1;
			} else if ((rc = S_carry(st, crel, 1)) == 0 && made) {
				/* Its mode last: a read-only folder of the user's
				 * must first be filled. */
				struct timespec ts[2] = { sb.st_atim, sb.st_mtim };

				chmod(dst, sb.st_mode & 07777);
				utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
			}
		} else if (all || !S_ISREG(sb.st_mode) || site_mf_find(&st->prev, crel) == NULL) {
			if (S_mkdirs(st->path, crel) != 0)
				rc = -1;
			else if (linkat(AT_FDCWD, src, AT_FDCWD, dst, 0) == 0)
				;
			else if (errno == EEXIST) {
				struct srcpos pos = { src, 0, 0 };

				diag_error(&pos, "a file of yours (not in %s/%s) is where the site "
				    "now publishes one; move it away", st->out, SITE_MANIFEST);
				rc = -1;
			} else if (S_ISREG(sb.st_mode)) {
				struct buf b;

				buf_init(&b);
				if (site_pub_slurp(src, &b) != 0 ||
				    S_write_all(dst, b.data != NULL ? b.data : "", b.len) != 0) {
					site_pub_err(dst,
					    "cannot carry a file of yours into the new site");
					rc = -1;
				} else {
					struct timespec ts[2] = { sb.st_atim, sb.st_mtim };

					chmod(dst, sb.st_mode & 07777);
					utimensat(AT_FDCWD, dst, ts, 0);
				}
				buf_free(&b);
			} else {
				site_pub_err(src,
				    "cannot carry a file of yours into the new site");
				rc = -1;
			}
		}
		free(crel);
		free(src);
		free(dst);
	}
	site_pub_names_free(names, n);
	free(dir);
	return rc;
}

/* The stage's manifest, written last: a stage that has one is complete. */
static int
S_write_manifest(struct site_stage *st)
{
	struct buf b;
	size_t i;
	int rc;

	if (st->files.n > 0)
		qsort(st->files.v, st->files.n, sizeof(*st->files.v), site_mf_cmp);
	buf_init(&b);
	buf_puts(&b, SITE_MANIFEST_MAGIC "\n"
	    "# Every file inferbook published here, as SHA-256 and path (sha256sum -c\n"
	    "# checks them).  Files not listed are yours: the next build keeps them.\n");
	for (i = 0; i < st->files.n; i++)
		buf_printf(&b, "%s  %s\n", st->files.v[i].hex, st->files.v[i].rel);
	rc = S_put(st, SITE_MANIFEST, b.data, b.len, 0);
	buf_free(&b);
	return rc;
}

/* Puts the stage where out_dir is.  0, or -1 after a diagnostic with
 * out_dir as it was; *old gets where the previous tree now is (NULL when
 * there was none). */
static int
S_swap(struct site_stage *st, char **old)
{
	struct stat sb;

	*old = NULL;
	if (lstat(st->out, &sb) != 0) {
		if (errno != ENOENT || rename(st->path, st->out) != 0) {
			site_pub_err(st->out, "cannot publish");
			return -1;
		}
		return 0;
	}
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		site_pub_err(st->out, "cannot publish");
		return -1;
	}
	if (renameat2(AT_FDCWD, st->path, AT_FDCWD, st->out, RENAME_EXCHANGE) == 0) {
		/* The old tree now sits at the stage's name: renamed to an
		 * old tree's, so that if this build dies while removing it,
		 * the next removes it as one (S_recover), never wholesale. */
		int made;

		*old = xasprintf("%s.old-%ld-XXXXXX", st->out, (long)getpid());
		if (!(made = mkdtemp(*old) != NULL) || rename(st->path, *old) != 0) {
			if (made)
				rmdir(*old);
			free(*old);
			*old = xstrdup(st->path);
		}
		return 0;
	}
	/* No atomic exchange (old kernel, odd file system): two renames,
	 * with out/ absent for an instant.  A build killed between them
	 * leaves OUT.old-PID-* and a complete stage: the next one finishes
	 * the swap (S_recover). */
	*old = xasprintf("%s.old-%ld-XXXXXX", st->out, (long)getpid());
	if (mkdtemp(*old) == NULL || rmdir(*old) != 0 || rename(st->out, *old) != 0) {
		site_pub_err(st->out, "cannot publish");
		free(*old);
		*old = NULL;
		return -1;
	}
	if (rename(st->path, st->out) != 0) {
		site_pub_err(st->out, "cannot publish");
		rename(*old, st->out);
		free(*old);
		*old = NULL;
		return -1;
	}
	return 0;
}

/* Carries every file of the user's in out/ into the stage (also under
 * --user-files refuse: one added while the site was built is kept). */
static int
S_carry_all(struct site_stage *st)
{
	struct stat sb;

	if (lstat(st->out, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return 0;
	return S_carry(st, NULL, 0);
}

int
site_stage_commit(struct site_stage *st)
{
	char *old = NULL;
	int rc = -1;

	if (S_carry_all(st) != 0 || S_write_manifest(st) != 0 || S_swap(st, &old) != 0) {
		site_rmtree(st->path);
		goto out;
	}
	if (old != NULL)
		site_mf_remove_tree(old, st->out, st->out);
	rc = 0;
out:
	free(old);
	S_free(st);
	return rc;
}
