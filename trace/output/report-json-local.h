/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The key setters report-json.c and report-json-buddy.c share: one JSON
 * object's keys, in the order they are put (json-c keeps it).  Private to
 * those two files, as libtracefs keeps tracefs-local.h.
 */
#ifndef _KMEMLAB_REPORT_JSON_LOCAL_H
#define _KMEMLAB_REPORT_JSON_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

/* @v may be NULL: the key's value is null. */
static inline void put(struct json_object *o, const char *key,
		       struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static inline void put_u64(struct json_object *o, const char *key, uint64_t v)
{
	put(o, key, json_object_new_uint64(v));
}

static inline void put_int(struct json_object *o, const char *key, int v)
{
	put(o, key, json_object_new_int(v));
}

static inline void put_bool(struct json_object *o, const char *key, bool v)
{
	put(o, key, json_object_new_boolean(v));
}

#endif /* _KMEMLAB_REPORT_JSON_LOCAL_H */
