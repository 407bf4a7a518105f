/* SPDX-License-Identifier: GPL-2.0 */
/* Text and JSON renderings of a finished model, shared by the subcommands. */
#ifndef _KMEMLAB_REPORT_H
#define _KMEMLAB_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"
#include "read/read.h"

/* --sort: keys of the RUNS table, in order of precedence. */
#define REPORT_MAX_SORT_KEYS 8

struct report_sort_key {
	const char *name;
	int (*cmp)(const struct model_run *a, const struct model_run *b);
};

struct report_sort {
	int n;
	const struct report_sort_key *keys[REPORT_MAX_SORT_KEYS];
	bool desc[REPORT_MAX_SORT_KEYS];
};

/* "waste,-run": 0, or -1 with errno EINVAL for an unknown key. */
int report_sort_parse(struct report_sort *s, const char *spec);
const char *report_sort_key_names(void);
/* Every run, sorted (recording order without keys); free() the array. */
const struct model_run **report_sorted_runs(const struct model *m,
					    const struct report_sort *s);

/* Which runs to show: all, or the entries with one run number; in what order. */
struct report_filter {
	bool one;
	uint32_t run;
	struct report_sort sort;
};

bool report_filter_match(const struct report_filter *f,
			 const struct model_run *r);
/* --run N: show run N only; -1 when s is not a run number. */
int report_filter_set_run(struct report_filter *f, const char *s);

/* "1.234 ms" style; buf of at least 32 bytes. */
const char *report_fmt_ns(char *buf, size_t len, uint64_t ns);

/*
 * kmemlab runs by the buddy order of their first block (pages); runs
 * whose allocation failed are left out.
 */
struct report_order_stat {
	uint64_t runs;
	uint64_t needed;
	uint64_t allocated;
	uint64_t waste;
};

void report_order_stats(const struct model *m, const struct report_filter *f,
			struct report_order_stat os[MODEL_NR_ORDERS]);

void report_run_detail(const struct model *m, const struct model_run *r,
		       FILE *out);
/* The page-table walk and the physical ranges of one run's pages. */
int report_run_walk(const struct model_run *r, FILE *out);
int report_runs_table(const struct model *m, const struct report_filter *f,
		      FILE *out);
int report_orders_table(const struct model *m, const struct report_filter *f,
			FILE *out);
int report_kmem_tables(const struct model *m, FILE *out);
/* The buddy allocator around blocks, runs and the recording (report-buddy.c). */
void report_block_buddy(const struct model *m, const struct model_run *r,
			const struct model_block *b, FILE *out);
int report_run_free_areas(const struct model_run *r, FILE *out);
struct buddy_tally;
/* The tables of the tally of the runs f selects; recording-wide lines too. */
int report_buddy_tables(const struct model *m, const struct report_filter *f,
			const struct buddy_tally *bt, FILE *out);

/* The SUMMARY's sums over the runs shown (report-tables.c). */
struct report_totals {
	uint64_t runs, complete, blocks, failed, leaked, pages, waste;
	uint64_t failed_runs, not_allocated;
	uint64_t xlate, xlate_bad, values, value_bad, unverified;
	uint64_t matched, expected, contiguous_bad, unaligned;
	uint64_t walk_bad, linear_bad, linear_expected;
};

void report_totals_add_run(struct report_totals *t, const struct model_run *r);
void report_summary(const struct model *m, const struct read_stats *st,
		    const struct report_totals *t, FILE *out);

/* What report_text() says when no run is shown. */
#define REPORT_NO_RUNS "no kmemlab runs were recorded (system-wide kmem part only)"

/*
 * The whole text report of the runs f selects, headed "kmemlab report:
 * SOURCE"; no_runs is printed in place of the runs when there are none.
 */
int report_text(const struct model *m, const struct read_stats *st,
		const struct report_filter *f, const char *source,
		const char *no_runs, FILE *out);

/*
 * The same report written while the recording is read: handed each run
 * as the model retires it (model_set_retire(), report_text_retire()),
 * it keeps only the tables' sums.  The runs' detail waits in an unlinked
 * temporary file until the whole recording has been read, so that a file
 * found bad at its end still prints nothing but the error.  NULL, errno
 * set, when no temporary file can be made.
 */
struct report_text *report_text_spool(const struct model *m,
				      const struct report_filter *f);
bool report_text_retire(const struct model_run *r, size_t index, bool final,
			void *arg);
/* The report, the spool's runs in it, to out; 0, or -1 with errno. */
int report_text_spooled(struct report_text *rt, const struct read_stats *st,
			const char *source, const char *no_runs, FILE *out);
/* Whether the -1 came from the spool (writing it): not from out. */
bool report_text_spool_failed(const struct report_text *rt);
void report_text_free(struct report_text *rt);

struct json_object;
/* The buddy keys of a block, a run and the recording (report-json-buddy.c). */
void report_json_block_buddy(struct json_object *o, const struct model_run *r,
			     const struct model_block *b);
void report_json_run_buddy(struct json_object *o, const struct model_run *r);
struct json_object *report_json_buddy(const struct model *m,
				      const struct report_filter *f);
/* The buddy tables of the blocks of the runs f selects (report-buddy.c). */
struct buddy_tally {
	uint64_t source[MODEL_BUDDY_NR_ORDERS][MODEL_BUDDY_NR_ORDERS];
	uint64_t came[MODEL_BUDDY_NR_ORDERS][MODEL_NR_CAME];
	uint64_t blocks[MODEL_BUDDY_NR_ORDERS];
	uint32_t nr_orders;
};

void report_buddy_tally(const struct model *m, const struct report_filter *f,
			struct buddy_tally *t);
/* One run's blocks into t (nr_orders is the caller's to set). */
void report_buddy_tally_run(struct buddy_tally *t, const struct model_run *r);

/* The whole report as one JSON document (schema: docs/analyze.md). */
int report_json(const struct model *m, const struct read_stats *st,
		const struct report_filter *f, const char *path, FILE *out);

#endif /* _KMEMLAB_REPORT_H */
