// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walk of one run in text: the walk against the kernel's
 * answer and the linear-map arithmetic, the leaf sizes, and the pages
 * merged into physically contiguous ranges (pfn and length, aligned, as
 * tools/mm/page-types.c lists offset and len).
 */
#include <inttypes.h>

#include "model/model.h"
#include "report.h"
#include "lib/table.h"

/*
 * A leaf at pte, pmd or pud maps one page, or 1 << pmd_shift / pud_shift
 * bytes: the run's own geometry (4K/2M/1G with 4 KiB pages, 16K/32M/64G
 * with arm64's 16 KiB pages), derived from the page size when an older
 * module did not record it; never assumed.
 */
static void level_label(char *buf, size_t len, int level,
			const struct model_run *r)
{
	static const char units[] = "KMGTPE";
	unsigned int shift = level == 1 ? r->page_shift :
			     level == 2 ? r->pmd_shift : r->pud_shift;
	uint64_t size;
	int u = 0;

	if (level < 1 || level > 3 || !r->page_size || shift < 10 || shift > 63) {
		snprintf(buf, len, "%s", model_level_name(level));
		return;
	}
	size = (1ULL << shift) >> 10;
	while (size >= 1024 && units[u + 1]) {
		size >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%c %s", size, units[u], model_level_name(level));
}

static void print_levels(const struct model_run *r, FILE *out)
{
	const char *sep = "";
	char label[32];
	int l;

	fputs("  leaves     ", out);
	for (l = 0; l < MODEL_NR_LEVELS; l++) {
		/* 4K/2M/1G always, the rest only when seen */
		if (!r->levels[l] && (l < 1 || l > 3))
			continue;
		level_label(label, sizeof(label), l, r);
		fprintf(out, "%s%s %" PRIu64, sep, label, r->levels[l]);
		sep = ", ";
	}
	fputc('\n', out);
}

static void print_linear(const struct model_run *r, FILE *out)
{
	fprintf(out, "linear map != walk %" PRIu64, r->linear_mismatches);
	if (model_run_linear_applies(r))
		return;
	if (r->linear_mismatches)
		fputs(" (expected: __pa() arithmetic does not apply to vmalloc addresses)", out);
	else
		fputs(" (not expected to hold for vmalloc)", out);
}

#define MAX_RANGES_SHOWN 16

static int print_range_list(const struct model_run *r, FILE *out)
{
	static const char *const heads[] = { "<pfn", "len", "<page index" };
	struct table *t = table_new(3, heads);
	uint32_t i, shown = r->nr_ranges;
	int ret = 0;

	if (!t)
		return -1;
	if (shown > MAX_RANGES_SHOWN)
		shown = MAX_RANGES_SHOWN;
	for (i = 0; i < shown && !ret; i++) {
		const struct model_range *g = &r->ranges[i];

		ret = table_cell(t, "0x%" PRIx64, g->pfn) ||
		      table_cell(t, "%u", g->len) ||
		      table_cell(t, "%u-%u", g->index, g->index + g->len - 1);
	}
	if (!ret)
		table_print(t, out, "             ");
	table_free(t);
	if (r->nr_ranges > shown)
		fprintf(out, "             ... and %u more ranges (--json lists all)\n",
			r->nr_ranges - shown);
	return ret;
}

int report_run_walk(const struct model_run *r, FILE *out)
{
	if (!r->pages_translated)
		return 0;
	fprintf(out, "  walk       %" PRIu64 " pages walked: walk != kernel %" PRIu64 ", ",
		r->pages_translated, r->walk_mismatches);
	print_linear(r, out);
	fputc('\n', out);
	print_levels(r, out);
	fprintf(out, "  physical   %u contiguous range%s, largest %u page%s\n",
		r->nr_ranges, r->nr_ranges == 1 ? "" : "s",
		r->largest_range, r->largest_range == 1 ? "" : "s");
	return print_range_list(r, out);
}
