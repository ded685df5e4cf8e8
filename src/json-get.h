/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed member lookups in json-c objects for the parsers of runtime state
 * (container-meta-parse.c, exposure.c): a missing member and a member of
 * another type are both "absent", so untrusted files cannot make a parser
 * take a number for a string.
 */
#ifndef NSWATCH_JSON_GET_H
#define NSWATCH_JSON_GET_H

#include <json-c/json.h>

/* Member KEY of object O when it has type TYPE, else NULL. */
static inline struct json_object *jget(struct json_object *o, const char *key,
				       enum json_type type)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* String member KEY of O, else NULL. */
static inline const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

#endif
