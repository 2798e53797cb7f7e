/*
 * ytree.h -- a YAML document as a small tree of positioned nodes, read with
 * libyaml, plus declarative field tables that map a mapping node onto a C
 * struct (after libcyaml).
 *
 * Safety: anchors and aliases are refused (an alias bomb cannot expand),
 * so are explicit tags ("!!str", "!!binary": the loader types each field
 * itself) and a NUL inside a quoted string ("\0" would cut it short),
 * nesting deeper than YTREE_MAX_DEPTH and more than YTREE_MAX_NODES nodes
 * are errors, input must be valid UTF-8 (libyaml checks), and a document
 * must be a single document.  Every error is printed through diag with the
 * node's 1-based line:col and the loader returns -1; no partial tree is
 * returned.
 */
#ifndef INFERBOOK_YTREE_H
#define INFERBOOK_YTREE_H

#include <stddef.h>
#include "diag.h"

#define YTREE_MAX_DEPTH 32
#define YTREE_MAX_NODES 200000
/* Plausibility bound on every number (|v|): the largest real figure is a
 * context of ~1e7 tokens or a price tier of ~1e6; 1e15 leaves room and
 * keeps every product calc forms far from overflow (1e308 parses finite
 * but would not survive scaling to SI). */
#define YTREE_MAX_NUMBER 1e15
/* The smallest magnitude of a number other than 0: the smallest real
 * figure is a latency of ~1e-7 s; below 1e-15 (and certainly a subnormal
 * such as 4e-320) is a typo, and it would lose precision in calc. */
#define YTREE_MIN_NUMBER 1e-15
/* String fields of the tables below, in bytes: ids, prose fields (the
 * keys "source", "notes" and "summary"), every other string (names,
 * vendors, titles). */
#define YTREE_MAX_ID 64
#define YTREE_MAX_TEXT 2000
#define YTREE_MAX_NAME 200

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_kind kind;
	struct srcpos pos;		/* start of the node */
	char *value;			/* SCALAR: the text */
	int plain;			/* SCALAR: unquoted (1) or quoted/block (0) */
	/* SEQ: items[i]; MAP: keys[i] (scalars) -> items[i] */
	struct ynode **keys;
	struct ynode **items;
	size_t n;
};

/* Parses `len` bytes of YAML named `file` (the name is borrowed and must
 * outlive the tree).  An empty document yields a NULL *root and returns 0;
 * callers decide whether that is an error.  `line_offset` is added to every
 * line (front matter starts below the "---"). */
int ytree_parse(const char *file, const char *text, size_t len,
    unsigned line_offset, struct ynode **root);
void ytree_free(struct ynode *n);

/* Mapping lookup; NULL when absent. */
const struct ynode *ytree_get(const struct ynode *map, const char *key);
/* Human name of a kind: "a scalar", "a sequence", "a mapping". */
const char *ytree_kind_name(enum ynode_kind k);

/* Scalar conversions: each prints an error naming `what` (the field) at the
 * node and returns -1 on failure.
 *  ytree_number: finite double (rejects NaN, inf, values that overflow,
 *                e.g. 1e309, |v| > YTREE_MAX_NUMBER, and 0 < |v| <
 *                YTREE_MIN_NUMBER, e.g. 4e-320); ytree_positive additionally requires > 0,
 *                ytree_nonneg >= 0.
 *  ytree_integer: an integral number in [min, max].
 *  ytree_string: any scalar (borrowed pointer into the tree). */
int ytree_number(const struct ynode *n, const char *what, double *out);
int ytree_positive(const struct ynode *n, const char *what, double *out);
int ytree_nonneg(const struct ynode *n, const char *what, double *out);
int ytree_integer(const struct ynode *n, const char *what, long min, long max, long *out);
int ytree_string(const struct ynode *n, const char *what, const char **out);

/* Declarative field tables. */
enum yfield_type {
	YF_STRING,		/* char * (xstrdup'ed), not empty, at most
				 * YTREE_MAX_NAME bytes (YTREE_MAX_TEXT for
				 * "source", "notes" and "summary") */
	YF_ID,			/* char *, [a-z0-9][a-z0-9.-]* (llama-3.1-70b),
				 * at most YTREE_MAX_ID bytes */
	YF_NUMBER,		/* double, finite */
	YF_POSITIVE,		/* double, finite, > 0 */
	YF_NONNEG,		/* double, finite, >= 0 */
	YF_INT,			/* long, integral, > 0 */
	YF_DATE,		/* char *, YYYY-MM or YYYY-MM-DD */
	YF_CUSTOM		/* handled by the caller: the table only allows the key */
};

struct yfield {
	const char *key;
	enum yfield_type type;
	size_t offset;			/* into the destination struct */
	int required;
	size_t pos_offset;		/* offset of a struct srcpos to fill, or (size_t)-1 */
};
#define YF_NOPOS ((size_t)-1)

/* Maps `map` onto `dst` using `fields` (terminated by a NULL key).  Unknown
 * keys, duplicate keys, wrong types, bad values and missing required fields
 * are errors ("unknown key 'x' in <what>", "missing required field 'x' in
 * <what>", ...).  Reports every error it finds, then returns -1. */
int ytree_map_fields(const struct ynode *map, const struct yfield *fields,
    void *dst, const char *what);

#endif
