// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping an uncompressed recording's pages out of the resident set.
 *
 * libtracecmd maps each CPU's data in windows of up to half its size and
 * unmaps a window only when it moves past it, so every page already read
 * stays resident: peak RSS grows with the recording.  Records are read in
 * order, so what lies behind a CPU's current record is done with; dropping
 * it with MADV_DONTNEED costs nothing (a read-only private file mapping
 * refaults from the page cache if it is ever touched again).
 *
 * Only the mapping that holds the current record is trimmed, and only after
 * /proc/self/maps confirms it is a read-only private file mapping: a
 * compressed recording's records live in the library's heap, which is never
 * touched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <event-parse.h>

#include "read-release.h"

/* Trim a CPU's window after this much progress (about 60 times a 64 MiB file). */
#define RELEASE_STEP	(1024UL * 1024)
/* More CPUs than this is a corrupted file, not a machine. */
#define MAX_CPUS	4096

struct cpu_walk {
	uintptr_t from;		/* first byte not yet released */
	uintptr_t last;		/* the previous record's data */
};

static uintptr_t page_mask(void)
{
	static long size;

	if (!size)
		size = sysconf(_SC_PAGESIZE);
	return ~((uintptr_t)size - 1);
}

/* The read-only private file mapping holding @addr: its [start, end). */
static int file_mapping(uintptr_t addr, uintptr_t *start, uintptr_t *end)
{
	unsigned long lo, hi, inode;
	char perms[5], line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s %*x %*x:%*x %lu",
			   &lo, &hi, perms, &inode) != 4)
			continue;
		if (addr < lo || addr >= hi)
			continue;
		if (inode && !strcmp(perms, "r--p")) {
			*start = lo;
			*end = hi;
			found = 0;
		}
		break;
	}
	fclose(f);
	return found;
}

static int release(struct cpu_walk *w, uintptr_t upto)
{
	uintptr_t start, end;

	if (file_mapping(upto, &start, &end))
		return -1;
	upto &= page_mask();
	if (w->from < start)
		w->from = start;
	if (upto > w->from)
		madvise((void *)w->from, upto - w->from, MADV_DONTNEED);
	w->from = upto;
	return 0;
}

int read_release_note(struct read_release *rr, const struct tep_record *rec)
{
	uintptr_t p = (uintptr_t)rec->data;
	struct cpu_walk *w;

	if (rr->off || rec->cpu < 0 || rec->cpu >= MAX_CPUS || !p)
		return 0;
	if (rec->cpu >= rr->nr_cpus) {
		int n = rec->cpu + 1;

		w = realloc(rr->cpus, (size_t)n * sizeof(*w));
		if (!w)
			return -1;
		memset(w + rr->nr_cpus, 0, (size_t)(n - rr->nr_cpus) * sizeof(*w));
		rr->cpus = w;
		rr->nr_cpus = n;
	}
	w = &rr->cpus[rec->cpu];
	/* A jump backwards or far ahead: a new window; start counting there. */
	if (p < w->last || p - w->last > RELEASE_STEP || !w->from)
		w->from = p & page_mask();
	else if (p - w->from >= RELEASE_STEP && release(w, p))
		rr->off = true;	/* records in the heap: a compressed file */
	w->last = p;
	return 0;
}

void read_release_free(struct read_release *rr)
{
	free(rr->cpus);
	rr->cpus = NULL;
	rr->nr_cpus = 0;
}
