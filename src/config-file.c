/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config-file.h"

static int fail(unsigned int *err_line, unsigned int line, char *err,
		size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail(unsigned int *err_line, unsigned int line, char *err,
		size_t errlen, const char *fmt, ...)
{
	va_list ap;

	*err_line = line;
	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

const struct option *config_find_option(const struct option *opts,
					const char *name)
{
	for (; opts && opts->name; opts++)
		if (!strcmp(opts->name, name))
			return opts;
	return NULL;
}

/* Unquote s[0..n) into out (capacity > n).  A quoted value ends at its
 * closing quote, after which only blanks or a comment may follow; a bare
 * value ends at a `#` that starts it or follows a blank, and loses its
 * trailing blanks.
 * 0, or -EINVAL with the reason in *why. */
static int read_value(const char *s, size_t n, char *out, const char **why)
{
	size_t i = 0, o = 0;

	if (n && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++) {
			if (s[i] == '\\') {
				if (i + 1 >= n || (s[i + 1] != '"' &&
						   s[i + 1] != '\\')) {
					*why = "only \\\" and \\\\ may be "
					       "escaped in a quoted value";
					return -EINVAL;
				}
				i++;
			}
			out[o++] = s[i];
		}
		if (i >= n) {
			*why = "quoted value without its closing quote";
			return -EINVAL;
		}
		for (i++; i < n && is_blank(s[i]); i++)
			;
		if (i < n && s[i] != '#') {
			*why = "text after the closing quote";
			return -EINVAL;
		}
		out[o] = '\0';
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '#' && (!i || is_blank(s[i - 1])))
			break;
		out[o++] = s[i];
	}
	while (o && is_blank(out[o - 1]))
		o--;
	out[o] = '\0';
	return 0;
}

static bool parse_bool(const char *v, bool *on)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true")) {
		*on = true;
		return true;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false")) {
		*on = false;
		return true;
	}
	return false;
}

/* One non-empty, non-comment line s[0..n) (blanks trimmed at both ends,
 * no newline).  0 and *e filled, -EINVAL (reason in err), -ENOMEM. */
static int parse_line(const char *s, size_t n, unsigned int line,
		      const struct option *opts, struct config_entry *e,
		      unsigned int *err_line, char *err, size_t errlen)
{
	char key[64], *val;
	const char *why = NULL;
	size_t k = 0, i;

	while (k < n && ((s[k] >= 'a' && s[k] <= 'z') ||
			 (s[k] >= 'A' && s[k] <= 'Z') ||
			 (s[k] >= '0' && s[k] <= '9') || s[k] == '-' ||
			 s[k] == '_'))
		k++;
	if (k == 0)
		return fail(err_line, line, err, errlen,
			    "expected `key = value`");
	if (k >= sizeof(key))
		return fail(err_line, line, err, errlen, "key too long");
	memcpy(key, s, k);
	key[k] = '\0';
	for (i = k; i < n && is_blank(s[i]); i++)
		;
	if (i >= n || s[i] != '=')
		return fail(err_line, line, err, errlen,
			    "expected `%s = value`", key);
	for (i++; i < n && is_blank(s[i]); i++)
		;
	if (!strcmp(key, "help") || !strcmp(key, "config"))
		return fail(err_line, line, err, errlen,
			    "'%s' cannot be set in a configuration file", key);
	e->opt = config_find_option(opts, key);
	if (!e->opt)
		return fail(err_line, line, err, errlen,
			    "unknown setting '%s'%s", key,
			    strchr(key, '_') ? " (option names use '-')" : "");
	val = malloc(n - i + 1);
	if (!val)
		return -ENOMEM;
	if (read_value(s + i, n - i, val, &why) < 0) {
		free(val);
		return fail(err_line, line, err, errlen, "%s: %s", key, why);
	}
	e->line = line;
	e->value = val;
	e->on = false;
	if (e->opt->has_arg == no_argument) {
		if (!parse_bool(val, &e->on)) {
			free(val);
			e->value = NULL;
			return fail(err_line, line, err, errlen,
				    "%s takes yes, no, true or false", key);
		}
		/* one spelling for `config show` */
		free(val);
		e->value = strdup(e->on ? "yes" : "no");
		if (!e->value)
			return -ENOMEM;
	} else if (e->opt->has_arg == required_argument && !*val) {
		free(val);
		e->value = NULL;
		return fail(err_line, line, err, errlen, "%s needs a value",
			    key);
	}
	return 0;
}

int config_parse(struct config_file *cf, const char *buf, size_t len,
		 const struct option *opts, unsigned int *err_line,
		 char *err, size_t errlen)
{
	size_t pos = 0, cap = 0;
	unsigned int line = 0;
	int r;

	cf->e = NULL;
	cf->n = 0;
	*err_line = 0;
	if (errlen)
		err[0] = '\0';
	while (pos < len) {
		const char *s = buf + pos, *nl;
		size_t n, i;

		line++;
		nl = memchr(s, '\n', len - pos);
		n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (n && s[n - 1] == '\r')
			n--;
		if (n > CONFIG_LINE_MAX) {
			r = fail(err_line, line, err, errlen,
				 "line longer than %u bytes", CONFIG_LINE_MAX);
			goto err;
		}
		/* no NULs or control characters: a value becomes an argv
		 * string and is printed by `config show` */
		for (i = 0; i < n; i++)
			if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
			    s[i] == 0x7f) {
				r = fail(err_line, line, err, errlen,
					 "control character 0x%02x",
					 (unsigned char)s[i]);
				goto err;
			}
		while (n && is_blank(*s)) {
			s++;
			n--;
		}
		while (n && is_blank(s[n - 1]))
			n--;
		if (!n || *s == '#')
			continue;
		if (cf->n == CONFIG_MAX_ENTRIES) {
			r = fail(err_line, line, err, errlen,
				 "more than %u settings", CONFIG_MAX_ENTRIES);
			goto err;
		}
		if (cf->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct config_entry *ne;

			ne = realloc(cf->e, ncap * sizeof(*ne));
			if (!ne) {
				r = -ENOMEM;
				goto err;
			}
			cf->e = ne;
			cap = ncap;
		}
		r = parse_line(s, n, line, opts, &cf->e[cf->n], err_line, err,
			       errlen);
		if (r < 0)
			goto err;
		cf->n++;
	}
	return 0;
err:
	config_file_free(cf);
	return r;
}

void config_file_free(struct config_file *cf)
{
	size_t i;

	for (i = 0; i < cf->n; i++)
		free(cf->e[i].value);
	free(cf->e);
	cf->e = NULL;
	cf->n = 0;
}

char *config_entry_arg(const struct config_entry *e)
{
	size_t n;
	char *a;

	if (e->opt->has_arg == no_argument && !e->on) {
		errno = 0;
		return NULL;
	}
	n = strlen(e->opt->name) + strlen(e->value) + 4;
	a = malloc(n);
	if (!a)
		return NULL;
	if (e->opt->has_arg == no_argument ||
	    (e->opt->has_arg == optional_argument && !*e->value))
		snprintf(a, n, "--%s", e->opt->name);
	else
		snprintf(a, n, "--%s=%s", e->opt->name, e->value);
	return a;
}
