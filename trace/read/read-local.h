/* SPDX-License-Identifier: GPL-2.0 */
/*
 * read-local.h - for the readers inside read/ only: the kernel's page
 * events, nearly every record of a recording, handed to the model inline
 * by the reader's own loop.  read_ctx_record() is a call per record that
 * looks the event up in the table and checks what only rare records need;
 * here a record whose event id and length a layout read_ctx_new() vetted
 * goes straight to model_handle_page_alloc() or _free(), any other to
 * read_ctx_record().  The two give the same model and the same stats.
 */
#ifndef _KMEMLAB_READ_LOCAL_H
#define _KMEMLAB_READ_LOCAL_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <event-parse.h>

#include "model/model.h"
#include "read.h"

/* One page event's layout, when it is the one read_page_record() reads. */
struct read_page_layout {
	int id;			/* -1: not read inline */
	int min_size;		/* the record length its fields (and id) need */
	int offset[4];		/* pfn, order, then gfp_flags, migratetype */
};

/*
 * Filled by read_ctx_new().  Read inline: the id a u16 in our byte order
 * at type_offset; pfn and gfp_flags u64, order u32, migratetype s32 (a
 * 64-bit kernel's kmem events in our byte order).
 */
struct read_pages {
	struct model *m;
	struct read_stats *stats;
	int type_offset;
	int type_end;		/* INT_MAX: no layout is read inline */
	struct read_page_layout alloc, free;
};

const struct read_pages *read_ctx_pages(const struct read_ctx *ctx);

static inline uint64_t read_u64_at(const unsigned char *p, int offset)
{
	uint64_t v;

	memcpy(&v, p + offset, sizeof(v));
	return v;
}

static inline uint32_t read_u32_at(const unsigned char *p, int offset)
{
	uint32_t v;

	memcpy(&v, p + offset, sizeof(v));
	return v;
}

static inline uint16_t read_u16_at(const unsigned char *p, int offset)
{
	uint16_t v;

	memcpy(&v, p + offset, sizeof(v));
	return v;
}

/* A model error other than EINVAL (a record it counts as invalid) stops the read. */
static inline int read_page_handled(int ret)
{
	return ret && errno != EINVAL ? -1 : 0;
}

static inline int read_page_alloc_at(const struct read_pages *pg,
				     const struct tep_record *rec)
{
	const unsigned char *p = rec->data;
	const int *at = pg->alloc.offset;
	struct kmem_page_alloc_ev ev = {
		.pfn = read_u64_at(p, at[0]),
		.order = read_u32_at(p, at[1]),
		.gfp_flags = read_u64_at(p, at[2]),
		.migratetype = (int32_t)read_u32_at(p, at[3]),
	};

	return model_handle_page_alloc(pg->m, rec->ts, rec->cpu, &ev);
}

static inline int read_page_free_at(const struct read_pages *pg,
				    const struct tep_record *rec)
{
	const unsigned char *p = rec->data;
	struct kmem_page_free_ev ev = {
		.pfn = read_u64_at(p, pg->free.offset[0]),
		.order = read_u32_at(p, pg->free.offset[1]),
	};

	return model_handle_page_free(pg->m, rec->ts, rec->cpu, &ev);
}

/* read_ctx_record(), with the page events of a vetted layout inline. */
static inline int read_page_record(struct read_ctx *ctx,
				   const struct read_pages *pg,
				   struct tep_record *rec)
{
	int id;

	if (rec->missed_events || rec->size < pg->type_end)
		return read_ctx_record(ctx, rec);
	id = read_u16_at(rec->data, pg->type_offset);
	if (id == pg->alloc.id && rec->size >= pg->alloc.min_size) {
		pg->stats->records++;
		pg->stats->handled++;
		return read_page_handled(read_page_alloc_at(pg, rec));
	}
	if (id == pg->free.id && rec->size >= pg->free.min_size) {
		pg->stats->records++;
		pg->stats->handled++;
		return read_page_handled(read_page_free_at(pg, rec));
	}
	return read_ctx_record(ctx, rec);
}

#endif /* _KMEMLAB_READ_LOCAL_H */
