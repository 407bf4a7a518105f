// SPDX-License-Identifier: GPL-2.0
/*
 * The tables after the per-run detail: one line per run, kmemlab's buddy
 * orders, the kernel's allocations by order x migratetype (as perf kmem
 * stat --page prints them, '.' for zero), and the SUMMARY block.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "report.h"
#include "lib/table.h"

static const char *short_state(const struct model_run *r)
{
	if (r->incomplete)
		return "incomplete";
	return r->ret ? "failed" : "ok";
}

static int run_row(struct table *t, const struct model_run *r)
{
	uint64_t pages = model_run_alloc_pages(r);
	uint64_t waste = model_run_waste_pages(r);

	return table_cell(t, "%u", r->id) ||
	       table_cell(t, "%s", model_mode_name(r->mode)) ||
	       table_cell(t, "%u", r->nr_structs) ||
	       table_cell(t, "%u", r->nr_pages) ||
	       table_cell(t, "%u", r->order) ||
	       table_cell(t, "%" PRIu64, pages) ||
	       table_cell(t, "%" PRIu64, waste) ||
	       table_cell(t, "%.1f", pages ? 100.0 * waste / pages : 0.0) ||
	       table_cell(t, "%u", r->nr_blocks) ||
	       table_cell(t, "%" PRIu64, r->translate_mismatches) ||
	       table_cell(t, "%" PRIu64, r->value_mismatches) ||
	       table_cell(t, "%u", model_run_leaked_blocks(r)) ||
	       table_cell(t, "%s", short_state(r));
}

int report_runs_table(const struct model *m, const struct report_filter *f,
		      FILE *out)
{
	static const char *const heads[] = {
		"run", "<mode", "structs", "needed", "order", "allocated",
		"waste", "waste%", "blocks", "xlate-bad", "value-bad",
		"leaked", "<state",
	};
	const struct model_run **runs = report_sorted_runs(m, &f->sort);
	struct table *t = table_new(13, heads);
	size_t i;
	int ret = 0;

	if (!t || !runs) {
		table_free(t);
		free(runs);
		return -1;
	}
	for (i = 0; i < model_nr_runs(m) && !ret; i++)
		if (report_filter_match(f, runs[i]))
			ret = run_row(t, runs[i]);
	free(runs);
	if (!ret) {
		fputs("RUNS (pages: needed, allocated, waste)\n", out);
		table_print(t, out, "  ");
		fputc('\n', out);
	}
	table_free(t);
	return ret;
}

void report_order_stats(const struct model *m, const struct report_filter *f,
			struct report_order_stat os[MODEL_NR_ORDERS])
{
	size_t i;

	memset(os, 0, sizeof(*os) * MODEL_NR_ORDERS);
	for (i = 0; i < model_nr_runs(m); i++) {
		const struct model_run *r = model_run_get(m, i);

		/* a failed run's order served nothing: its waste is no waste */
		if (!r->begun || !report_filter_match(f, r) ||
		    model_run_failed_block(r))
			continue;
		os[r->order].runs++;
		os[r->order].needed += r->nr_pages;
		os[r->order].allocated += model_run_alloc_pages(r);
		os[r->order].waste += model_run_waste_pages(r);
	}
}

int report_orders_table(const struct model *m, const struct report_filter *f,
			FILE *out)
{
	static const char *const heads[] = {
		"order", "runs", "needed", "allocated", "waste", "waste%",
	};
	struct report_order_stat os[MODEL_NR_ORDERS];
	struct table *t = table_new(6, heads);
	int o, ret = 0;

	if (!t)
		return -1;
	report_order_stats(m, f, os);
	for (o = 0; o < MODEL_NR_ORDERS && !ret; o++) {
		uint64_t w = os[o].waste;

		if (!os[o].runs)
			continue;
		ret = table_cell(t, "%d", o) ||
		      table_cell(t, "%" PRIu64, os[o].runs) ||
		      table_cell(t, "%" PRIu64, os[o].needed) ||
		      table_cell(t, "%" PRIu64, os[o].allocated) ||
		      table_cell(t, "%" PRIu64, w) ||
		      table_cell(t, "%.1f", os[o].allocated ?
				 100.0 * w / os[o].allocated : 0.0);
	}
	if (!ret) {
		fputs("KMEMLAB BY BUDDY ORDER (pages)\n", out);
		table_print(t, out, "  ");
		fputc('\n', out);
	}
	table_free(t);
	return ret;
}

static int count_cell(struct table *t, uint64_t v)
{
	return v ? table_cell(t, "%" PRIu64, v) : table_cell(t, ".");
}

static int matrix_row(struct table *t, const struct model_sys *s, int o)
{
	uint64_t total = 0;
	int mt;

	if (table_cell(t, "%d", o))
		return -1;
	for (mt = 0; mt <= MODEL_NR_MIGRATETYPES; mt++) {
		total += s->allocs[o][mt];
		if (count_cell(t, s->allocs[o][mt]))
			return -1;
	}
	return count_cell(t, total) || count_cell(t, s->frees[o]);
}

/* Rows past the highest order used are all dots: leave them out. */
static int highest_order(const struct model_sys *s)
{
	int o, mt, top = 0;

	for (o = 0; o < MODEL_NR_ORDERS; o++)
		for (mt = 0; mt <= MODEL_NR_MIGRATETYPES; mt++)
			if (s->allocs[o][mt] || s->frees[o])
				top = o;
	return top;
}

static int print_matrix(const struct model_sys *s, FILE *out)
{
	const char *heads[MODEL_NR_MIGRATETYPES + 4];
	struct table *t;
	int mt, o, ret = 0;

	heads[0] = "order";
	for (mt = 0; mt <= MODEL_NR_MIGRATETYPES; mt++)
		heads[mt + 1] = model_migratetype_name(mt);
	heads[MODEL_NR_MIGRATETYPES + 2] = "allocs";
	heads[MODEL_NR_MIGRATETYPES + 3] = "frees";
	t = table_new(MODEL_NR_MIGRATETYPES + 4, heads);
	if (!t)
		return -1;
	for (o = 0; o <= highest_order(s) && !ret; o++)
		ret = matrix_row(t, s, o);
	if (!ret) {
		fputs("KERNEL PAGE ALLOCATIONS BY ORDER x MIGRATETYPE\n", out);
		table_print(t, out, "  ");
	}
	table_free(t);
	return ret;
}

int report_kmem_tables(const struct model *m, FILE *out)
{
	const struct model_sys *s = model_sys_get(m);

	if (!s->has_kmem) {
		fputs("KERNEL PAGE ALLOCATIONS: not recorded\n"
		      "  (record with -e kmem:mm_page_alloc -e kmem:mm_page_free)\n\n", out);
		return 0;
	}
	if (print_matrix(s, out))
		return -1;
	fprintf(out, "  still live at end: %" PRIu64 " allocations (%" PRIu64
		" pages); frees without alloc: %" PRIu64 "; failures (pfn -1): %"
		PRIu64 "; freed with another order: %" PRIu64 "\n\n",
		s->live_at_end, s->live_pages_at_end, s->frees_without_alloc,
		s->alloc_failures, s->free_order_mismatch);
	return 0;
}

static void add_block(struct report_totals *t, const struct model_run *r,
		      const struct model_block *b)
{
	if (!b->allocated)
		return;
	t->blocks++;
	if (b->failed) {
		t->failed++;
		return;
	}
	t->leaked += !b->freed;
	t->matched += b->kernel_alloc_seen;
	t->expected += model_run_expects_page_alloc(r);
	t->contiguous_bad += b->discontiguous != 0;
	t->unaligned += !model_block_aligned(b);
}

void report_totals_add_run(struct report_totals *t, const struct model_run *r)
{
	uint32_t i;

	t->runs++;
	t->complete += !r->incomplete;
	t->pages += model_run_alloc_pages(r);
	if (model_run_failed_block(r)) {
		t->failed_runs++;
		t->not_allocated += r->nr_alloc_pages - model_run_alloc_pages(r);
	}
	t->waste += model_run_waste_pages(r);
	t->xlate += r->pages_translated;
	t->xlate_bad += r->translate_mismatches;
	t->values += r->values_checked;
	t->value_bad += r->value_mismatches;
	t->unverified += r->unverified;
	t->walk_bad += r->walk_mismatches;
	if (model_run_linear_applies(r))
		t->linear_bad += r->linear_mismatches;
	else
		t->linear_expected += r->linear_mismatches;
	for (i = 0; i < r->nr_block_slots; i++)
		add_block(t, r, &r->blocks[i]);
}

/* What the records not handled were: " (not read: 207 kmem:..., ...)". */
static void print_others(const struct read_stats *st, FILE *out)
{
	int i;

	if (!st || (!st->nr_others && !st->others_rest))
		return;
	fputs(" (not read:", out);
	for (i = 0; i < st->nr_others; i++)
		fprintf(out, "%s %" PRIu64 " %s", i ? "," : "",
			st->others[i].count, st->others[i].name);
	if (st->others_rest)
		fprintf(out, ", %" PRIu64 " of other events", st->others_rest);
	fputc(')', out);
}

void report_summary(const struct model *m, const struct read_stats *st,
		    const struct report_totals *totals, FILE *out)
{
	const struct model_sys *s = model_sys_get(m);
	const struct report_totals t = *totals;

	fputs("SUMMARY\n", out);
	fprintf(out, "  runs            %" PRIu64 " (%" PRIu64 " complete)\n", t.runs, t.complete);
	fprintf(out, "  blocks          %" PRIu64 " (%" PRIu64 " failed, %" PRIu64
		" leaked, %" PRIu64 " unaligned, %" PRIu64 " not contiguous)\n",
		t.blocks, t.failed, t.leaked, t.unaligned, t.contiguous_bad);
	fprintf(out, "  pages           %" PRIu64 " allocated, %" PRIu64 " wasted",
		t.pages, t.waste);
	if (t.failed_runs)
		fprintf(out, "; %" PRIu64 " more planned by %" PRIu64
			" failed run%s, never allocated", t.not_allocated,
			t.failed_runs, t.failed_runs == 1 ? "" : "s");
	fputc('\n', out);
	fprintf(out, "  translations    %" PRIu64 " checked, %" PRIu64 " mismatched\n",
		t.xlate, t.xlate_bad);
	fprintf(out, "  page walk       %" PRIu64 " of %" PRIu64 " differ from the kernel's answer;"
		" linear map wrong %" PRIu64 " times (pages, kmalloc), differs %" PRIu64
		" times in vmalloc (expected)\n",
		t.walk_bad, t.xlate, t.linear_bad, t.linear_expected);
	fprintf(out, "  values          %" PRIu64 " verified, %" PRIu64
		" mismatched; %" PRIu64 " filled pages never verified\n",
		t.values, t.value_bad, t.unverified);
	if (s->has_kmem)
		fprintf(out, "  kernel view     %" PRIu64 " blocks matched by kmem:mm_page_alloc (%"
			PRIu64 " expected, %" PRIu64 " allocated)\n",
			t.matched, t.expected, t.blocks - t.failed);
	else
		fputs("  kernel view     not recorded\n", out);
	fprintf(out, "  recording       %" PRIu64 " records, %" PRIu64 " handled",
		st ? st->records : 0, st ? st->handled : 0);
	print_others(st, out);
	fprintf(out, ", %" PRIu64 " malformed, %" PRIu64 " invalid, %" PRIu64
		" lost%s\n", st ? st->bad_records : 0, s->invalid_events,
		s->missed_events, s->missed_unknown ? " (+ an unknown number)" : "");
}
