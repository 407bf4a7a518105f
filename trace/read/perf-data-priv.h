/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between perf-data.c (the file: header, attribute section,
 * sections) and perf-samples.c (the attributes' sample layout and the
 * record stream: framing, CPU merge).  perf-data.c calls perf-samples.c,
 * never the other way.
 */
#ifndef _KMEMLAB_PERF_DATA_PRIV_H
#define _KMEMLAB_PERF_DATA_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct read_ctx;

#define PD_MAX_CPUS	4096	/* a sample's cpu above this is malformed */
#define MAX_ATTRS	4096
#define ATTR_SIZE_VER0	64	/* perf_event_attr's first published size */

/* How the samples of one perf_event_attr are laid out. */
struct pattr {
	uint64_t sample_type;
	uint64_t read_format;
	bool sample_id_all;
	const uint8_t *ids;	/* nr_ids u64, not necessarily aligned */
	uint64_t nr_ids;
};

struct pfile {
	const uint8_t *base;	/* the whole file, mapped read-only */
	uint64_t size;
	bool pipe;		/* perf record -o - */
	struct pattr *attrs;
	int nr_attrs;
	bool uniform;		/* every attr lays samples out alike */
	uint64_t data_off;	/* the record stream: [data_off, data_end) */
	uint64_t data_end;
	const uint8_t *tracing;	/* tracing data (event formats) */
	uint64_t tracing_len;
	int nr_cpus;		/* highest sample cpu + 1 */
	uint64_t cpu_seen[PD_MAX_CPUS / 64];	/* CPUs with a sample or loss */
	uint64_t nr_raw;	/* samples with raw tracepoint data */
	uint64_t bad_samples;	/* shorter than their layout: skipped */
	bool compressed;	/* PERF_RECORD_COMPRESSED seen */
	bool has_lost_records;	/* PERF_RECORD_LOST seen */
};

/* @len bytes at @off of the file, or NULL when they are not all in it. */
const uint8_t *pd_span(const struct pfile *f, uint64_t off, uint64_t len);
/* Add one attribute (perf-samples.c), from the file's section or a pipe's record. */
int pd_attr_add(struct pfile *f, const uint8_t *attr, uint64_t size,
		const uint8_t *ids, uint64_t nr_ids);

/*
 * One pass over the stream: check every record's framing, collect a piped
 * file's attributes and tracing data, count CPUs and raw samples.
 */
int pd_prescan(struct pfile *f, char *err, size_t len);
/* Feed every raw sample and every loss, in time order, to @ctx (@m's). */
int pd_merge(const struct pfile *f, struct model *m, struct read_ctx *ctx,
	     char *err, size_t len);

#endif /* _KMEMLAB_PERF_DATA_PRIV_H */
