/* SPDX-License-Identifier: GPL-2.0 */
/*
 * read - feed a model from a recording (trace.dat through libtracecmd) or
 * from any source of tep records (a live libtracefs session).
 *
 * On error these return -1 or NULL with errno set and a one-line cause in
 * the caller's buffer, without the file name (the caller adds it).
 */
#ifndef _KMEMLAB_READ_H
#define _KMEMLAB_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tep_handle;
struct tep_record;
struct model;
struct read_ctx;

#define READ_ERR_LEN 256

/* What a recording without any event analyze reads is told. */
#define READ_NO_EVENTS \
	"no kmemlab or kmem page events \u2014 record with " \
	"-e kmemlab -e kmem:mm_page_alloc -e kmem:mm_page_free"

/* Records of one event the analyzer does not read. */
struct read_other {
	int id;			/* the recording's event id */
	char name[64];		/* "system:event", or "event id N" */
	uint64_t count;
};

#define READ_MAX_OTHERS 8

/* What a whole recording held, beyond the model. */
struct read_stats {
	uint64_t records;	/* every record iterated */
	uint64_t handled;	/* records of a handled event */
	uint64_t bad_records;	/* too short for their format: skipped */
	/* the rest, by event: the first READ_MAX_OTHERS events, then a sum */
	struct read_other others[READ_MAX_OTHERS];
	int nr_others;
	uint64_t others_rest;
	int nr_kmemlab_formats;	/* kmemlab events described in the file */
	int nr_kmem_formats;	/* kmem page events described in the file */
};

/*
 * Look up every handled event and its fields in @tep once.  Fails with
 * ENOENT when the recording describes none of them, EINVAL when one lacks
 * a field the analyzer relies on.
 */
struct read_ctx *read_ctx_new(struct tep_handle *tep, struct model *m,
			      char *err, size_t len);
struct flag_names;
/* The GFP flag names of the recording's own print formats (read-flags.c). */
int read_gfp_names(struct tep_handle *tep, struct flag_names *t);
/*
 * Whether the analyzer reads event @system:@name (or its print format):
 * the formats of other events need not be parsed at all.
 */
bool read_event_wanted(const char *system, const char *name);
/* Dispatch one record to its handler; records of other events are ignored. */
int read_ctx_record(struct read_ctx *ctx, struct tep_record *rec);
const struct read_stats *read_ctx_stats(const struct read_ctx *ctx);
void read_ctx_free(struct read_ctx *ctx);

/*
 * After a reader fed every record through @ctx: -1 (ENOENT, @nothing in
 * @err) when none was of a handled event; else copy the stats to @st and
 * finish @m.
 */
int read_finish(struct read_ctx *ctx, struct model *m, struct read_stats *st,
		const char *nothing, char *err, size_t len);

/* A reader's answer for a file it leaves to the next one (read-file.c). */
#define READ_DECLINED 1

/* libtracecmd reads the trace.dat @path, open on @fd (read-tracecmd.c). */
int read_tracecmd_load(const char *path, int fd, struct model *m,
		       struct read_stats *st, char *err, size_t len);

/*
 * Name the trace-library call about to run (printf-style), so that a crash
 * inside it is reported as "the trace library crashed in CALL" rather than
 * as a crash of the analyzer; read_guard_done() when it returns.  A crash
 * outside a named call is left to crash (read-file.c, read-guard.c).
 */
void read_guard_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void read_guard_done(void);
/* For the guard's handler (read-guard.c): is a named call under way, which. */
bool read_guard_active(void);
const char *read_guard_name(void);

/*
 * -1 with errno EIO and the cause in @err when the trace.dat open on @fd
 * ends before the data its header declares (read-size.c).
 */
int read_check_size(int fd, char *err, size_t len);

/*
 * The one way in from a file (read-file.c): open @path, pick its reader,
 * read every CPU in timestamp order into @m, finish @m.
 * errno ENOTRECOVERABLE: the trace library crashed on the file; the
 * process heap may be damaged, so report and exit without cleaning up.
 */
int read_file_load(const char *path, struct model *m, struct read_stats *st,
		   char *err, size_t len);

#endif /* _KMEMLAB_READ_H */
