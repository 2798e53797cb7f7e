/*
 * parse.c -- tokenizer and recursive-descent parser of {{ ... }}.
 *
 *   stmt    := 'lit' STRING | 'figure' IDENT IDENT | 'table' IDENT
 *            | expr [ '|' FILTER [ ':' DIGITS ] ]
 *   expr    := term { ('+' | '-') term }
 *   term    := unary { ('*' | '/') unary }
 *   unary   := '-' unary | primary
 *   primary := NUMBER | path | price | call | '(' expr ')'
 *   path    := IDENT [ '[' IDENT '=' NUMBER { ',' IDENT '=' NUMBER } ']' ] '.' IDENT
 *   price   := 'price' '(' STRING [ ',' NUMBER ] ')' '.' IDENT
 *   call    := ('ceil' | 'floor' | 'min' | 'max') '(' expr [ ',' expr ] ')'
 *
 * `price` and the function names are keywords only when '(' follows, so a
 * scenario may still be called "price" or "max" (price.t_step_s).
 *
 * Positions are tracked per token so that an error points at the token,
 * not at the start of the braces.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ytree.h"

enum S_tok {
	T_EOF, T_NUM, T_IDENT, T_STR, T_PLUS, T_MINUS, T_STAR, T_SLASH,
	T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_COMMA, T_DOT, T_EQ, T_PIPE,
	T_COLON, T_BAD
};

struct S_lex {
	const char *s;
	size_t len, i;
	struct srcpos p;		/* position of s[i] */
	/* the current token */
	enum S_tok tok;
	struct srcpos tpos;
	size_t tstart, tend;
	double num;
	struct buf str;			/* T_STR: unescaped; T_IDENT: the name */
	int errors;
	int depth;
};

static const char *const S_ovr_names[EXPR_O__COUNT] = {
	"batch", "context", "prompt", "chips", "mbu", "mfu"
};

const char *
expr_ovr_name(enum expr_ovr o)
{
	return (unsigned)o < EXPR_O__COUNT ? S_ovr_names[o] : "";
}

static const char *const S_fn_names[EXPR_FN__COUNT] = {
	"ceil", "floor", "min", "max"
};
/* Arguments each function takes. */
static const int S_fn_args[EXPR_FN__COUNT] = { 1, 1, 2, 2 };

const char *
expr_fn_name(enum expr_fn f)
{
	return (unsigned)f < EXPR_FN__COUNT ? S_fn_names[f] : "";
}

static void
S_adv(struct S_lex *lx)
{
	unsigned char c = (unsigned char)lx->s[lx->i++];

	if (c == '\n') {
		lx->p.line++;
		lx->p.col = 1;
	} else if ((c & 0xC0) != 0x80)
		lx->p.col++;
}

static void
S_err(struct S_lex *lx, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
S_err(struct S_lex *lx, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(pos, fmt, ap);
	va_end(ap);
	lx->errors++;
}

/* The current token as source text, for messages. */
static char *
S_tok_text(const struct S_lex *lx)
{
	if (lx->tok == T_EOF)
		return xstrdup("end of expression");
	return xasprintf("'%.*s'", (int)(lx->tend - lx->tstart), lx->s + lx->tstart);
}

static void
S_next(struct S_lex *lx)
{
	char c;

	while (lx->i < lx->len && isspace((unsigned char)lx->s[lx->i]))
		S_adv(lx);
	lx->tpos = lx->p;
	lx->tstart = lx->i;
	buf_reset(&lx->str);
	if (lx->i >= lx->len) {
		lx->tok = T_EOF;
		lx->tend = lx->i;
		return;
	}
	c = lx->s[lx->i];
	if (isdigit((unsigned char)c)) {
		char tmp[64];
		size_t n;

		while (lx->i < lx->len && isdigit((unsigned char)lx->s[lx->i]))
			S_adv(lx);
		if (lx->i + 1 < lx->len && lx->s[lx->i] == '.' &&
		    isdigit((unsigned char)lx->s[lx->i + 1])) {
			S_adv(lx);
			while (lx->i < lx->len && isdigit((unsigned char)lx->s[lx->i]))
				S_adv(lx);
		}
		if (lx->i < lx->len && (lx->s[lx->i] == 'e' || lx->s[lx->i] == 'E')) {
			size_t j = lx->i + 1;

			if (j < lx->len && (lx->s[j] == '+' || lx->s[j] == '-'))
				j++;
			if (j < lx->len && isdigit((unsigned char)lx->s[j])) {
				while (lx->i < j)
					S_adv(lx);
				while (lx->i < lx->len && isdigit((unsigned char)lx->s[lx->i]))
					S_adv(lx);
			}
		}
		n = lx->i - lx->tstart;
		if (n >= sizeof tmp)
			n = sizeof tmp - 1;
		memcpy(tmp, lx->s + lx->tstart, n);
		tmp[n] = '\0';
		errno = 0;
		lx->num = strtod(tmp, NULL);
		lx->tok = T_NUM;
		lx->tend = lx->i;
		if (!isfinite(lx->num)) {
			S_err(lx, &lx->tpos, "number '%s' is out of range", tmp);
			lx->num = 0;
		} else if (errno == ERANGE && fabs(lx->num) < 1) {
			/* Underflow: 4e-320 is a subnormal, 1e-400 becomes 0. */
			S_err(lx, &lx->tpos, "number '%s' is too small to compute with", tmp);
			lx->num = 0;
		}
		return;
	}
	if (isalpha((unsigned char)c) || c == '_') {
		while (lx->i < lx->len && (isalnum((unsigned char)lx->s[lx->i]) ||
		    lx->s[lx->i] == '_'))
			S_adv(lx);
		buf_put(&lx->str, lx->s + lx->tstart, lx->i - lx->tstart);
		lx->tok = T_IDENT;
		lx->tend = lx->i;
		return;
	}
	if (c == '"') {
		S_adv(lx);
		for (;;) {
			if (lx->i >= lx->len) {
				lx->tend = lx->i;
				S_err(lx, &lx->tpos, "unterminated string");
				lx->tok = T_BAD;
				return;
			}
			c = lx->s[lx->i];
			if (c == '"') {
				S_adv(lx);
				break;
			}
			if (c == '\\' && lx->i + 1 < lx->len &&
			    (lx->s[lx->i + 1] == '"' || lx->s[lx->i + 1] == '\\')) {
				S_adv(lx);
				c = lx->s[lx->i];
			}
			buf_putc(&lx->str, c);
			S_adv(lx);
		}
		if (lx->str.data == NULL)
			buf_put(&lx->str, "", 0);
		lx->tok = T_STR;
		lx->tend = lx->i;
		return;
	}
	S_adv(lx);
	lx->tend = lx->i;
	switch (c) {
	case '+': lx->tok = T_PLUS; break;
	case '-': lx->tok = T_MINUS; break;
	case '*': lx->tok = T_STAR; break;
	case '/': lx->tok = T_SLASH; break;
	case '(': lx->tok = T_LPAREN; break;
	case ')': lx->tok = T_RPAREN; break;
	case '[': lx->tok = T_LBRACK; break;
	case ']': lx->tok = T_RBRACK; break;
	case ',': lx->tok = T_COMMA; break;
	case '.': lx->tok = T_DOT; break;
	case '=': lx->tok = T_EQ; break;
	case '|': lx->tok = T_PIPE; break;
	case ':': lx->tok = T_COLON; break;
	default:
		/* Swallow the rest of a UTF-8 sequence so the message shows it. */
		while (lx->i < lx->len && ((unsigned char)lx->s[lx->i] & 0xC0) == 0x80)
			S_adv(lx);
		lx->tend = lx->i;
		lx->tok = T_BAD;
		S_err(lx, &lx->tpos, "unexpected character '%.*s'",
		    (int)(lx->tend - lx->tstart), lx->s + lx->tstart);
	}
}

static struct expr_node *
S_node(enum expr_kind k, const struct srcpos *pos)
{
	struct expr_node *n = xcalloc(1, sizeof *n);
	int i;

	n->kind = k;
	n->pos = *pos;
	for (i = 0; i < EXPR_O__COUNT; i++)
		n->ovr[i] = NAN;
	return n;
}

static void
S_node_free(struct expr_node *n)
{
	if (n == NULL)
		return;
	S_node_free(n->a);
	S_node_free(n->b);
	free(n->scen);
	free(n->name);
	free(n);
}

/* Reports "unexpected X (expected what)" at the current token, unless the
 * lexer already reported a bad token there. */
static struct expr_node *
S_expected(struct S_lex *lx, const char *what)
{
	char *t;

	if (lx->tok == T_BAD)
		return NULL;
	t = S_tok_text(lx);
	S_err(lx, &lx->tpos, "unexpected %s (expected %s)", t, what);
	free(t);
	return NULL;
}

static int
S_ovr_check(struct S_lex *lx, enum expr_ovr o, double v, const struct srcpos *pos)
{
	/* The same bound as numbers in data: beyond it the arithmetic of the
	 * scenario would overflow instead of saying something. */
	if (fabs(v) > YTREE_MAX_NUMBER) {
		S_err(lx, pos, "%s=%g is implausibly large (at most %g)", S_ovr_names[o], v,
		    YTREE_MAX_NUMBER);
		return -1;
	}
	switch (o) {
	case EXPR_O_BATCH:
	case EXPR_O_PROMPT:
	case EXPR_O_CHIPS:
		if (v < 1 || v != floor(v)) {
			S_err(lx, pos, "%s must be a whole number of at least 1", S_ovr_names[o]);
			return -1;
		}
		break;
	case EXPR_O_CONTEXT:
		if (v != floor(v)) {
			S_err(lx, pos, "context must be a whole number of tokens");
			return -1;
		}
		break;
	case EXPR_O_MBU:
	case EXPR_O_MFU:
		if (v <= 0 || v > 1) {
			S_err(lx, pos, "%s must be above 0 and at most 1", S_ovr_names[o]);
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

static struct expr_node *S_expr(struct S_lex *lx);

/* Is the next non-blank character after the current token '('? */
static int
S_paren_follows(const struct S_lex *lx)
{
	size_t j = lx->i;

	while (j < lx->len && isspace((unsigned char)lx->s[j]))
		j++;
	return j < lx->len && lx->s[j] == '(';
}

/* '.' NAME after a path or a price; 0, or -1 after an error. */
static int
S_field(struct S_lex *lx, struct expr_node *n, const char *after)
{
	if (lx->tok != T_DOT) {
		char *t = S_tok_text(lx);

		if (lx->tok != T_BAD)
			S_err(lx, &lx->tpos, "unexpected %s (expected '.' and a %s)",
			    t, after);
		free(t);
		return -1;
	}
	S_next(lx);
	if (lx->tok != T_IDENT) {
		S_expected(lx, n->kind == EXPR_PRICE ? "a price field name" :
		    "a quantity name");
		return -1;
	}
	n->name = xstrdup(lx->str.data);
	n->name_pos = lx->tpos;
	S_next(lx);
	return 0;
}

/* price("ID"[, TOKENS]).NAME; the current token is 'price'. */
static struct expr_node *
S_price(struct S_lex *lx)
{
	struct expr_node *n = S_node(EXPR_PRICE, &lx->tpos);

	n->num = NAN;
	S_next(lx);		/* '(' */
	S_next(lx);
	if (lx->tok != T_STR) {
		S_expected(lx, "a price id in quotes, as in price(\"gpt-4o\")");
		goto fail;
	}
	if (lx->str.data[0] == '\0') {
		S_err(lx, &lx->tpos, "empty price id");
		goto fail;
	}
	n->scen = xstrdup(lx->str.data);
	S_next(lx);
	if (lx->tok == T_COMMA) {
		S_next(lx);
		if (lx->tok != T_NUM) {
			S_expected(lx, "a number of prompt tokens after ','");
			goto fail;
		}
		if (lx->num != floor(lx->num)) {
			S_err(lx, &lx->tpos, "prompt tokens must be a whole number");
			goto fail;
		}
		n->num = lx->num;
		S_next(lx);
	}
	if (lx->tok != T_RPAREN) {
		S_expected(lx, "')'");
		goto fail;
	}
	S_next(lx);
	if (S_field(lx, n, "price field after price(...)") == -1)
		goto fail;
	return n;
fail:
	S_node_free(n);
	return NULL;
}

/* FN(a[, b]); the current token is the function's name. */
static struct expr_node *
S_call(struct S_lex *lx, enum expr_fn fn)
{
	struct expr_node *n = S_node(EXPR_CALL, &lx->tpos);
	struct expr_node *arg;
	int nargs = 0;

	n->fn = fn;
	if (++lx->depth > EXPR_MAX_DEPTH) {
		S_err(lx, &lx->tpos, "expression nested deeper than %d levels",
		    EXPR_MAX_DEPTH);
		goto fail;
	}
	S_next(lx);		/* '(' */
	do {
		S_next(lx);
		if ((arg = S_expr(lx)) == NULL)
			goto fail;
		if (nargs == 0)
			n->a = arg;
		else if (nargs == 1)
			n->b = arg;
		else
			S_node_free(arg);
		nargs++;
	} while (lx->tok == T_COMMA);
	if (lx->tok != T_RPAREN) {
		S_expected(lx, "',' or ')'");
		goto fail;
	}
	if (nargs != S_fn_args[fn]) {
		S_err(lx, &n->pos, "%s() takes %d argument%s, not %d", S_fn_names[fn],
		    S_fn_args[fn], S_fn_args[fn] == 1 ? "" : "s", nargs);
		goto fail;
	}
	S_next(lx);
	lx->depth--;
	return n;
fail:
	lx->depth--;
	S_node_free(n);
	return NULL;
}

static struct expr_node *
S_path(struct S_lex *lx)
{
	struct expr_node *n = S_node(EXPR_PATH, &lx->tpos);

	n->scen = xstrdup(lx->str.data);
	S_next(lx);
	if (lx->tok == T_LBRACK) {
		do {
			struct srcpos kpos;
			int o;

			S_next(lx);
			if (lx->tok != T_IDENT) {
				S_expected(lx, "an override such as batch=8");
				goto fail;
			}
			kpos = lx->tpos;
			for (o = 0; o < EXPR_O__COUNT; o++)
				if (strcmp(lx->str.data, S_ovr_names[o]) == 0)
					break;
			if (o == EXPR_O__COUNT) {
				S_err(lx, &kpos, "unknown override '%s' (overrides: batch, "
				    "context, prompt, chips, mbu, mfu)", lx->str.data);
				goto fail;
			}
			if (!isnan(n->ovr[o])) {
				S_err(lx, &kpos, "override '%s' given twice", S_ovr_names[o]);
				goto fail;
			}
			S_next(lx);
			if (lx->tok != T_EQ) {
				S_expected(lx, "'='");
				goto fail;
			}
			S_next(lx);
			if (lx->tok != T_NUM) {
				char what[64];

				snprintf(what, sizeof what, "a number after '%s='", S_ovr_names[o]);
				S_expected(lx, what);
				goto fail;
			}
			if (S_ovr_check(lx, (enum expr_ovr)o, lx->num, &lx->tpos) == -1)
				goto fail;
			n->ovr[o] = lx->num;
			n->ovr_pos[o] = kpos;
			S_next(lx);
		} while (lx->tok == T_COMMA);
		if (lx->tok != T_RBRACK) {
			S_expected(lx, "',' or ']'");
			goto fail;
		}
		S_next(lx);
	}
	{
		char *after = xasprintf("quantity name after scenario '%s'", n->scen);
		int rc = S_field(lx, n, after);

		free(after);
		if (rc == -1)
			goto fail;
	}
	return n;
fail:
	S_node_free(n);
	return NULL;
}

static struct expr_node *
S_primary(struct S_lex *lx)
{
	struct expr_node *n;

	switch (lx->tok) {
	case T_NUM:
		n = S_node(EXPR_NUM, &lx->tpos);
		n->num = lx->num;
		S_next(lx);
		return n;
	case T_IDENT: {
		int f;

		if (S_paren_follows(lx)) {
			if (strcmp(lx->str.data, "price") == 0)
				return S_price(lx);
			for (f = 0; f < EXPR_FN__COUNT; f++)
				if (strcmp(lx->str.data, S_fn_names[f]) == 0)
					return S_call(lx, (enum expr_fn)f);
			S_err(lx, &lx->tpos, "unknown function '%s' (functions: price, "
			    "ceil, floor, min, max)", lx->str.data);
			return NULL;
		}
		return S_path(lx);
	}
	case T_LPAREN:
		if (++lx->depth > EXPR_MAX_DEPTH) {
			S_err(lx, &lx->tpos, "expression nested deeper than %d levels",
			    EXPR_MAX_DEPTH);
			return NULL;
		}
		S_next(lx);
		n = S_expr(lx);
		lx->depth--;
		if (n == NULL)
			return NULL;
		if (lx->tok != T_RPAREN) {
			S_expected(lx, "')'");
			S_node_free(n);
			return NULL;
		}
		S_next(lx);
		return n;
	case T_STR:
		S_err(lx, &lx->tpos, "a string can only be printed with "
		    "{{ lit \"...\" }}");
		return NULL;
	default:
		return S_expected(lx, "a number, a scenario path or '('");
	}
}

static struct expr_node *
S_unary(struct S_lex *lx)
{
	struct expr_node *n, *a;
	struct srcpos pos;

	if (lx->tok == T_MINUS) {
		if (++lx->depth > EXPR_MAX_DEPTH) {
			S_err(lx, &lx->tpos, "expression nested deeper than %d levels",
			    EXPR_MAX_DEPTH);
			return NULL;
		}
		pos = lx->tpos;
		S_next(lx);
		if ((a = S_unary(lx)) == NULL)
			n = NULL;
		else {
			n = S_node(EXPR_NEG, &pos);
			n->a = a;
		}
		lx->depth--;
	} else
		n = S_primary(lx);
	return n;
}

static struct expr_node *
S_binary(struct S_lex *lx, struct expr_node *(*sub)(struct S_lex *),
    enum S_tok t1, enum expr_kind k1, enum S_tok t2, enum expr_kind k2)
{
	struct expr_node *n, *op, *b;

	if ((n = sub(lx)) == NULL)
		return NULL;
	while (lx->tok == t1 || lx->tok == t2) {
		op = S_node(lx->tok == t1 ? k1 : k2, &lx->tpos);
		S_next(lx);
		if ((b = sub(lx)) == NULL) {
			S_node_free(op);
			S_node_free(n);
			return NULL;
		}
		op->a = n;
		op->b = b;
		n = op;
	}
	return n;
}

static struct expr_node *
S_term(struct S_lex *lx)
{
	return S_binary(lx, S_unary, T_STAR, EXPR_MUL, T_SLASH, EXPR_DIV);
}

static struct expr_node *
S_expr(struct S_lex *lx)
{
	return S_binary(lx, S_term, T_PLUS, EXPR_ADD, T_MINUS, EXPR_SUB);
}

/* After '|': a filter name is a run of non-blank characters up to ':'
 * (names hold '/' and '$', which are not tokens of their own). */
static int
S_filter(struct S_lex *lx, struct expr_stmt *st)
{
	struct buf all;
	size_t start;
	char *name;

	while (lx->i < lx->len && isspace((unsigned char)lx->s[lx->i]))
		S_adv(lx);
	st->filter_pos = lx->p;
	start = lx->i;
	while (lx->i < lx->len && !isspace((unsigned char)lx->s[lx->i]) &&
	    lx->s[lx->i] != ':')
		S_adv(lx);
	if (lx->i == start) {
		S_err(lx, &st->filter_pos, "expected a filter name after '|'");
		return -1;
	}
	name = xstrndup(lx->s + start, lx->i - start);
	if (expr_filter_find(name, &st->filter) == -1) {
		buf_init(&all);
		expr_filter_list(&all);
		S_err(lx, &st->filter_pos, "unknown filter '%s' (filters: %s)", name, all.data);
		buf_free(&all);
		free(name);
		return -1;
	}
	free(name);
	if (lx->i < lx->len && lx->s[lx->i] == ':') {
		struct srcpos dpos;
		long d = 0;

		S_adv(lx);
		dpos = lx->p;
		start = lx->i;
		while (lx->i < lx->len && isdigit((unsigned char)lx->s[lx->i])) {
			if (d < 1000)
				d = d * 10 + (lx->s[lx->i] - '0');
			S_adv(lx);
		}
		if (lx->i == start) {
			S_err(lx, &dpos, "expected a number of decimals after ':'");
			return -1;
		}
		if (st->filter == EXPR_F_INT) {
			S_err(lx, &dpos, "filter 'int' takes no decimals");
			return -1;
		}
		if (d > EXPR_MAX_DECIMALS) {
			S_err(lx, &dpos, "at most %d decimals", EXPR_MAX_DECIMALS);
			return -1;
		}
		st->decimals = (int)d;
	}
	S_next(lx);
	return 0;
}

/* s as a string literal the lexer reads back: "..." with \" and \\. */
static void
S_put_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void
expr_price_text(const struct expr_node *n, struct buf *b)
{
	char num[64];

	buf_puts(b, "price(");
	S_put_quoted(b, n->scen);
	if (!isnan(n->num)) {
		util_fmt_g(num, sizeof num, 15, n->num);
		buf_printf(b, ", %s", num);
	}
	buf_putc(b, ')');
}

static int
S_prec(const struct expr_node *n)
{
	switch (n->kind) {
	case EXPR_ADD: case EXPR_SUB: return 0;
	case EXPR_MUL: case EXPR_DIV: return 1;
	case EXPR_NEG: return 2;
	default: return 3;
	}
}

/* The canonical text is one spelling per meaning, so that {{a.x|ms}} and
 * {{ a.x | ms }} share one record id; eval.c prints derivations with the
 * same code (through `leaf`), so both always agree on parentheses. */
void
expr_node_text(const struct expr_node *n, struct buf *b,
    int (*leaf)(const void *ctx, const struct expr_node *n, struct buf *out),
    const void *ctx)
{
	static const char *const ops[] = {
		[EXPR_ADD] = " + ", [EXPR_SUB] = " - ", [EXPR_MUL] = " * ",
		[EXPR_DIV] = " / "
	};
	char num[64];
	int p = S_prec(n), wrap, o, first = 1;

	if ((n->kind == EXPR_PATH || n->kind == EXPR_PRICE) && leaf != NULL &&
	    leaf(ctx, n, b))
		return;
	switch (n->kind) {
	case EXPR_NUM:
		util_fmt_g(num, sizeof num, 15, n->num);
		buf_puts(b, num);
		return;
	case EXPR_PATH:
		buf_puts(b, n->scen);
		for (o = 0; o < EXPR_O__COUNT; o++) {
			if (isnan(n->ovr[o]))
				continue;
			util_fmt_g(num, sizeof num, 15, n->ovr[o]);
			buf_printf(b, "%s%s=%s", first ? "[" : ", ", S_ovr_names[o], num);
			first = 0;
		}
		buf_printf(b, "%s.%s", first ? "" : "]", n->name);
		return;
	case EXPR_PRICE:
		expr_price_text(n, b);
		buf_printf(b, ".%s", n->name);
		return;
	case EXPR_CALL:
		buf_printf(b, "%s(", S_fn_names[n->fn]);
		expr_node_text(n->a, b, leaf, ctx);
		if (n->b != NULL) {
			buf_puts(b, ", ");
			expr_node_text(n->b, b, leaf, ctx);
		}
		buf_putc(b, ')');
		return;
	case EXPR_NEG:
		wrap = S_prec(n->a) < p;
		buf_puts(b, wrap ? "-(" : "-");
		expr_node_text(n->a, b, leaf, ctx);
		buf_puts(b, wrap ? ")" : "");
		return;
	default:
		wrap = S_prec(n->a) < p;
		buf_puts(b, wrap ? "(" : "");
		expr_node_text(n->a, b, leaf, ctx);
		buf_puts(b, wrap ? ")" : "");
		buf_puts(b, ops[n->kind]);
		wrap = S_prec(n->b) < p || (S_prec(n->b) == p &&
		    (n->kind == EXPR_SUB || n->kind == EXPR_DIV));
		buf_puts(b, wrap ? "(" : "");
		expr_node_text(n->b, b, leaf, ctx);
		buf_puts(b, wrap ? ")" : "");
		return;
	}
}

static char *
S_stmt_text(const struct expr_stmt *st)
{
	struct buf b;

	buf_init(&b);
	switch (st->kind) {
	case EXPR_STMT_LIT:
		buf_puts(&b, "lit ");
		S_put_quoted(&b, st->lit);
		break;
	case EXPR_STMT_FIGURE:
		buf_printf(&b, "figure %s %s", st->fig_name, st->fig_scen);
		break;
	case EXPR_STMT_TABLE:
		buf_printf(&b, "table %s", st->fig_name);
		break;
	case EXPR_STMT_VALUE:
		expr_node_text(st->root, &b, NULL, NULL);
		if (st->filter != EXPR_F_NONE)
			buf_printf(&b, " | %s", expr_filter_name(st->filter));
		if (st->decimals >= 0)
			buf_printf(&b, ":%d", st->decimals);
		break;
	}
	return buf_take(&b, NULL);
}

int
expr_parse(const char *src, size_t len, struct srcpos pos, struct expr_stmt *out)
{
	struct S_lex lx;
	struct expr_stmt st;

	memset(&lx, 0, sizeof lx);
	memset(&st, 0, sizeof st);
	lx.s = src;
	lx.len = len;
	lx.p = pos;
	buf_init(&lx.str);
	st.pos = pos;
	st.decimals = -1;
	st.filter = EXPR_F_NONE;
	if (len > EXPR_MAX_LEN) {
		diag_error(&pos, "expression is %zu bytes long, more than the limit "
		    "of %d", len, EXPR_MAX_LEN);
		buf_free(&lx.str);
		return -1;
	}
	S_next(&lx);
	if (lx.tok == T_EOF) {
		S_err(&lx, &pos, "empty {{ }}");
		goto fail;
	}
	if (lx.tok == T_IDENT && (strcmp(lx.str.data, "lit") == 0 ||
	    strcmp(lx.str.data, "figure") == 0)) {
		struct S_lex save = lx;
		int lit = lx.str.data[0] == 'l';

		S_next(&lx);
		if (lx.tok == T_DOT || lx.tok == T_LBRACK) {
			/* A scenario that happens to be called "lit" or "figure". */
			buf_reset(&lx.str);
			buf_puts(&lx.str, lit ? "lit" : "figure");
			save.str = lx.str;
			lx = save;
		} else if (lit) {
			if (lx.tok != T_STR) {
				S_expected(&lx, "a string after 'lit', as in {{ lit \"2024\" }}");
				goto fail;
			}
			st.kind = EXPR_STMT_LIT;
			st.lit = xstrdup(lx.str.data);
			S_next(&lx);
			goto end;
		} else {
			/* Figure names may hold '-' (bytes-vs-context), which
			 * is not part of an identifier: read them raw. */
			struct buf cur = lx.str;
			size_t start;

			lx = save;
			lx.str = cur;
			while (lx.i < len && isspace((unsigned char)src[lx.i]))
				S_adv(&lx);
			start = lx.i;
			lx.tpos = lx.p;
			while (lx.i < len && (isalnum((unsigned char)src[lx.i]) ||
			    src[lx.i] == '-' || src[lx.i] == '_'))
				S_adv(&lx);
			if (lx.i == start) {
				S_next(&lx);
				S_expected(&lx, "a figure name and a scenario, as in "
				    "{{ figure roofline real }}");
				goto fail;
			}
			buf_reset(&lx.str);
			buf_put(&lx.str, src + start, lx.i - start);
			lx.tok = T_IDENT;
			st.kind = EXPR_STMT_FIGURE;
			st.fig_name = xstrdup(lx.str.data);
			S_next(&lx);
			if (lx.tok != T_IDENT) {
				S_expected(&lx, "a scenario name, as in "
				    "{{ figure roofline real }}");
				goto fail;
			}
			st.fig_scen = xstrdup(lx.str.data);
			st.fig_scen_pos = lx.tpos;
			S_next(&lx);
			goto end;
		}
	}
	if (lx.tok == T_IDENT && strcmp(lx.str.data, "table") == 0) {
		struct S_lex save = lx;

		S_next(&lx);
		if (lx.tok == T_IDENT) {
			/* A table generated from data, as in {{ table measurements }}. */
			st.kind = EXPR_STMT_TABLE;
			st.fig_name = xstrdup(lx.str.data);
			st.fig_scen_pos = lx.tpos;
			S_next(&lx);
			goto end;
		}
		/* Else a scenario that happens to be called "table". */
		buf_reset(&lx.str);
		buf_puts(&lx.str, "table");
		save.str = lx.str;
		lx = save;
	}
	st.kind = EXPR_STMT_VALUE;
	if ((st.root = S_expr(&lx)) == NULL)
		goto fail;
	if (lx.tok == T_PIPE && S_filter(&lx, &st) == -1)
		goto fail;
end:
	if (lx.tok != T_EOF) {
		if (lx.tok != T_BAD) {
			char *t = S_tok_text(&lx);

			S_err(&lx, &lx.tpos, "unexpected %s after the expression", t);
			free(t);
		}
		goto fail;
	}
	if (lx.errors)
		goto fail;
	st.text = S_stmt_text(&st);
	buf_free(&lx.str);
	*out = st;
	return 0;
fail:
	buf_free(&lx.str);
	expr_stmt_free(&st);
	return -1;
}

void
expr_stmt_free(struct expr_stmt *st)
{
	if (st == NULL)
		return;
	S_node_free(st->root);
	free(st->text);
	free(st->lit);
	free(st->fig_name);
	free(st->fig_scen);
	memset(st, 0, sizeof *st);
}
