/*
 * manifest.c -- what in a published tree is the tool's: the manifest
 * OUT/.inferbook-site (a sorted list of every file a build published,
 * with the SHA-256 of its bytes, and how it is read back), the SHA-256
 * itself, and removing an old tree file by file, only what its manifest
 * lists (and that still holds the listed bytes) or what lives on in the
 * new tree.  The staging folder, the lock and the swap that use it are
 * publish.c, which also writes the manifest.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "site.h"
#include "site_int.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* SHA-256 (FIPS 180-4): the manifest's content hash.                   */

struct s_sha {
	uint32_t h[8];
	uint64_t len;
	unsigned char blk[64];
	size_t fill;
};

static const uint32_t S_K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2
};

#define S_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
S_sha_block(struct s_sha *c, const unsigned char *p)
{
	uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (S_ROR(w[i - 15], 7) ^ S_ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		    w[i - 7] + (S_ROR(w[i - 2], 17) ^ S_ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (S_ROR(e, 6) ^ S_ROR(e, 11) ^ S_ROR(e, 25)) + ((e & f) ^ (~e & g)) +
		    S_K[i] + w[i];
		t2 = (S_ROR(a, 2) ^ S_ROR(a, 13) ^ S_ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

static void
S_sha_init(struct s_sha *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->fill = 0;
}

static void
S_sha_add(struct s_sha *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	while (len > 0) {
		size_t k = 64 - c->fill < len ? 64 - c->fill : len;

		memcpy(c->blk + c->fill, p, k);
		c->fill += k;
		p += k;
		len -= k;
		if (c->fill == 64) {
			S_sha_block(c, c->blk);
			c->fill = 0;
		}
	}
}

static void
S_sha_hex(struct s_sha *c, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, lenb[8];
	int i;

	S_sha_add(c, &pad, 1);
	pad = 0;
	while (c->fill != 56)
		S_sha_add(c, &pad, 1);
	for (i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	S_sha_add(c, lenb, 8);
	for (i = 0; i < 32; i++) {
		unsigned v = (c->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff;

		hex[2 * i] = digits[v >> 4];
		hex[2 * i + 1] = digits[v & 15];
	}
	hex[64] = '\0';
}

void
site_sha256_hex(const void *data, size_t len, char hex[65])
{
	struct s_sha c;

	S_sha_init(&c);
	S_sha_add(&c, data, len);
	S_sha_hex(&c, hex);
}

/* ------------------------------------------------------------------ */
/* The manifest                                                         */

void
site_mf_add(struct mf_list *l, const char *rel, const char *hex)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].rel = xstrdup(rel);
	memcpy(l->v[l->n].hex, hex, 65);
	l->n++;
}

void
site_mf_free(struct mf_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].rel);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
site_mf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mf_entry *)a)->rel, ((const struct mf_entry *)b)->rel);
}

const struct mf_entry *
site_mf_find(const struct mf_list *l, const char *rel)
{
	struct mf_entry key;

	if (l->n == 0)
		return NULL;
	key.rel = (char *)(uintptr_t)rel;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), site_mf_cmp);
}

/* 1 when some listed file lies inside folder rel (a folder the tool made). */
int
site_mf_has_dir(const struct mf_list *l, const char *rel)
{
	size_t i, n = strlen(rel);

	for (i = 0; i < l->n; i++)
		if (strncmp(l->v[i].rel, rel, n) == 0 && l->v[i].rel[n] == '/')
			return 1;
	return 0;
}

/* Reads a small regular file without following a link: 0, 1 when it does
 * not exist, -1 with errno set. */
int
site_pub_slurp(const char *path, struct buf *b)
{
	char chunk[65536];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > UTIL_MAX_FILE_BYTES) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		buf_put(b, chunk, (size_t)r);
	}
	close(fd);
	return 0;
}

/*
 * Loads DIR/.inferbook-site into l (sorted): 1 when DIR has none, 0, or -1
 * after a diagnostic at the bad line (none when quiet).  Format: the magic
 * line, comment lines starting with '#', then "SHA256  PATH" per file
 * (sha256sum's own format, so `sha256sum -c` can check a published site).
 */
int
site_mf_load(const char *dir, struct mf_list *l, int quiet)
{
	char *path = xasprintf("%s/%s", dir, SITE_MANIFEST);
	struct buf b;
	char *s, *nl;
	unsigned line = 0;
	int rc;

	buf_init(&b);
	if ((rc = site_pub_slurp(path, &b)) != 0) {
		if (rc < 0) {
			if (!quiet)
				site_pub_err(path, "cannot read the site's manifest");
			rc = -1;
		}
		goto out;
	}
	buf_putc(&b, '\0');
	for (s = b.data; s < b.data + b.len - 1; s = nl + 1) {
		struct srcpos pos = { path, ++line, 1 };
		size_t i;

		if ((nl = strchr(s, '\n')) == NULL) {
			if (!quiet)
				diag_error(&pos, "the manifest's last line has no newline "
				    "(cut short?)");
			rc = -1;
			goto out;
		}
		*nl = '\0';
		if (line == 1) {
			if (strcmp(s, SITE_MANIFEST_MAGIC) != 0) {
				if (!quiet)
					diag_error(&pos, "not an inferbook site manifest "
					    "(want '%s')", SITE_MANIFEST_MAGIC);
				rc = -1;
				goto out;
			}
			continue;
		}
		if (*s == '#')
			continue;
		for (i = 0; i < 64; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
				break;
		if (i < 64 || s[64] != ' ' || s[65] != ' ' || !site_pub_valid_rel(s + 66) ||
		    strcmp(s + 66, SITE_MANIFEST) == 0) {
			pos.col = (unsigned)i + 1;
			if (!quiet)
				diag_error(&pos, "not a manifest line (want 'SHA256  PATH')");
			rc = -1;
			goto out;
		}
		s[64] = '\0';
		site_mf_add(l, s + 66, s);
	}
	if (line == 0) {
		struct srcpos pos = { path, 1, 1 };

		if (!quiet)
			diag_error(&pos, "an empty manifest (want '%s' first)",
			    SITE_MANIFEST_MAGIC);
		rc = -1;
		goto out;
	}
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), site_mf_cmp);
	rc = 0;
out:
	if (rc != 0)
		site_mf_free(l);
	buf_free(&b);
	free(path);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Removing only what is ours                                           */

/* 1 when a and b are regular files with the same bytes. */
static int
S_same_file(const char *a, const char *b)
{
	struct buf x, y;
	int same;

	buf_init(&x);
	buf_init(&y);
	same = site_pub_slurp(a, &x) == 0 && site_pub_slurp(b, &y) == 0 && x.len == y.len &&
	    (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
	buf_free(&x);
	buf_free(&y);
	return same;
}

/* 1 when the file at path still holds the bytes whose SHA-256 is hex. */
static int
S_file_is(const char *path, const char *hex)
{
	char chunk[65536], got[65];
	struct s_sha c;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	S_sha_init(&c);
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return 0;
		}
		S_sha_add(&c, chunk, (size_t)r);
	}
	close(fd);
	S_sha_hex(&c, got);
	return strcmp(got, hex) == 0;
}

/*
 * Removes from tree what is the tool's or survives elsewhere: entries that
 * are the same inode as (or, for regular files, byte-equal to) the entry
 * at the same place under live (the published site, NULL for none), files
 * its manifest lists that still hold the listed bytes, and folders left
 * empty.  A listed file someone changed since it was published is kept.
 * Returns how many entries had to stay.
 */
static size_t
S_remove_owned(const char *tree, const char *rel, const struct mf_list *man, const char *live)
{
	char *dir = rel != NULL ? xasprintf("%s/%s", tree, rel) : xstrdup(tree);
	char **names;
	size_t n, i, left = 0;

	if ((names = site_pub_names(dir, &n)) == NULL) {
		free(dir);
		return 1;
	}
	for (i = 0; i < n; i++) {
		char *crel = rel != NULL ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *p = xasprintf("%s/%s", tree, crel);
		char *q = live != NULL ? xasprintf("%s/%s", live, crel) : NULL;
		struct stat sb, lb;
		int ok = 0;

		if (lstat(p, &sb) != 0) {
			ok = errno == ENOENT;
			sb.st_mode = 0;
		} else if (S_ISDIR(sb.st_mode)) {
			/* A read-only folder of the user's: this copy of it is
			 * going, its files live on in the new one. */
			if (access(p, W_OK | X_OK) != 0)
				chmod(p, (sb.st_mode & 07777) | S_IRWXU);
			left += S_remove_owned(tree, crel, man, live);
			ok = rmdir(p) == 0;
		} else {
			const struct mf_entry *e = S_ISREG(sb.st_mode) ?
			    site_mf_find(man, crel) : NULL;
			int live_too = q != NULL && lstat(q, &lb) == 0;

			if (rel == NULL && strcmp(crel, SITE_MANIFEST) == 0)
				ok = -1;	/* last: site_mf_remove_tree */
			else if (live_too && lb.st_dev == sb.st_dev && lb.st_ino == sb.st_ino)
				ok = 1;		/* lives on (kept, or carried) */
			else if (e != NULL)
				ok = S_file_is(p, e->hex);
			else if (live_too && S_ISREG(sb.st_mode) && S_ISREG(lb.st_mode) &&
			    S_same_file(p, q))
				ok = 1;		/* carried as a copy */
			if (ok == 1)
				ok = unlink(p) == 0;
		}
		if (ok == 0 && !S_ISDIR(sb.st_mode))
			left++;
		free(crel);
		free(p);
		free(q);
	}
	site_pub_names_free(names, n);
	free(dir);
	return left;
}

/* Removes an old tree (its own manifest says what is the tool's), live
 * being the site now published.  What cannot go is kept under a name no
 * build ever cleans, and said. */
void
site_mf_remove_tree(const char *tree, const char *out, const char *live)
{
	struct mf_list man = { NULL, 0, 0 };

	/* A tree without a readable manifest has nothing listed as ours:
	 * only what lives on in the new site goes. */
	site_mf_load(tree, &man, 1);
	S_remove_owned(tree, NULL, &man, live);
	/* The manifest goes last: a build killed halfway through leaves a
	 * tree that the next one still treats as an old site, not as a
	 * stage whose every file is the tool's. */
	{
		char *m = xasprintf("%s/%s", tree, SITE_MANIFEST);

		unlink(m);
		free(m);
	}
	if (rmdir(tree) != 0 && errno != ENOENT) {
		/* Moved to a name no build cleans: a stage's name would be
		 * tried again by every build. */
		char *kept = xasprintf("%s.kept-XXXXXX", out);
		struct srcpos pos = { NULL, 0, 0 };
		int made = mkdtemp(kept) != NULL, moved = made && rename(tree, kept) == 0;

		if (made && !moved)
			rmdir(kept);
		diag_warning(&pos, "'%s' holds files of the previous site that were "
		    "changed after they were published; they were kept there, not deleted",
		    moved ? kept : tree);
		free(kept);
	}
	site_mf_free(&man);
}
