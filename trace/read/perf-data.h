/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf-data - read the tracepoint samples of a perf.data (perf record)
 * into the same model a trace.dat feeds.
 *
 * Kept to what the report needs: the file header, the attributes (how each
 * sample is laid out), the tracing data (the event formats, as a trace.dat
 * carries them) and the samples with raw tracepoint data.  Everything else
 * in the file is skipped.  Every size and offset is checked against the
 * file before it is used.  Errors as in read.h: -1 or NULL, errno set, one
 * line in the caller's buffer.
 */
#ifndef _KMEMLAB_PERF_DATA_H
#define _KMEMLAB_PERF_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct read_stats;
struct tep_handle;

/* True when a file starting with @head (@n bytes) is a perf.data (any version or byte order). */
bool perf_data_is(const unsigned char *head, size_t n);

/* Read every tracepoint sample of @path, open on @fd, in time order into @m, finish @m. */
int perf_data_load(const char *path, int fd, struct model *m,
		   struct read_stats *st, char *err, size_t len);

/*
 * Build a tep_handle from perf's tracing data (the layout trace-cmd's
 * trace.dat starts with: header page, event formats per system...).  Only
 * the formats are read; kallsyms, printk formats and cmdlines are skipped.
 */
struct tep_handle *perf_tracing_parse(const uint8_t *buf, uint64_t len,
				      char *err, size_t errlen);

/*
 * The same layouts as a version 7 trace.dat's sections hold them: its
 * HEADER_INFO section (header_page, header_event) and its EVENT_FORMATS
 * section (u32 count of systems, each a name, a u32 count and formats).
 * Only the formats of events the analyzer reads are parsed (read.h's
 * read_event_wanted()).  @where names the section in errors.
 */
int tracing_parse_header_info(struct tep_handle *tep, const uint8_t *buf,
			      uint64_t len, const char *where,
			      char *err, size_t errlen);
int tracing_parse_systems(struct tep_handle *tep, const uint8_t *buf,
			  uint64_t len, const char *where,
			  char *err, size_t errlen);

#endif /* _KMEMLAB_PERF_DATA_H */
