/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model - what one recording says happened, built in one streaming pass.
 *
 * Feed it events (from read.c, a live tracefs session, a unit test or a
 * fuzzer) with model_handle_*(); every value is validated here, so the
 * model is safe to drive with arbitrary input.  Memory grows with what is
 * live (open runs, live blocks, the kernel's live pages) and with the runs
 * kept for the outputs; an output that takes runs as they finish
 * (model_set_retire()) keeps only their own fields.  Call model_finish()
 * once at the end, then read the runs and the system-wide counters.
 *
 * This header is the stable API for report.c, check.c, json.c and later
 * layout.c, live.c and record.c.
 */
#ifndef _KMEMLAB_MODEL_H
#define _KMEMLAB_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Buddy orders.  A recording names its kernel's largest order
 * (kmemlab_run_begin's max_order: 10 on 4 KiB pages, 11 on arm64's 16 KiB
 * pages, 13 on its 64 KiB pages), and events are held to that.
 * MODEL_MAX_ORDER only bounds what any kernel could report, so that a
 * hostile value can neither index past the per-order tables nor ask for
 * huge per-block bitmaps.  A recording without max_order (a module from
 * before the field) is held to MODEL_DEFAULT_MAX_ORDER, as it always was.
 */
#define MODEL_MAX_ORDER		16
#define MODEL_DEFAULT_MAX_ORDER	10
#define MODEL_NR_ORDERS		(MODEL_MAX_ORDER + 1)
#define MODEL_NR_MIGRATETYPES	6	/* Unmovable .. Isolate; more is "other" */
#define MODEL_MAX_BLOCKS	262144	/* per run, 1 GiB of vmalloc: one a page */
#define MODEL_PFN_NONE		UINT64_MAX	/* failed allocation (-1UL) */
#define MODEL_NR_LEVELS		6	/* none, pte, pmd, pud, p4d, pgd */

enum model_mode {
	MODEL_MODE_PAGES,
	MODEL_MODE_KMALLOC,
	MODEL_MODE_VMALLOC,
	MODEL_NR_MODES,
};

/* Event payloads: one struct per kmemlab event (docs/events.md). */
struct kmemlab_run_begin_ev {
	uint32_t run;
	int mode;
	uint32_t nr_structs;
	uint32_t struct_size;
	uint32_t structs_per_page;
	uint32_t nr_pages;
	uint32_t order;
	uint32_t nr_blocks;
	uint32_t nr_alloc_pages;
	uint32_t page_size;
	/* 0: not in the recording (older module) */
	uint32_t max_order;
	uint32_t pmd_shift;
	uint32_t pud_shift;
	uint64_t kmalloc_max_size;
};

/* kmemlab_alloc and kmemlab_free share this layout. */
struct kmemlab_block_ev {
	uint32_t run;
	uint32_t block;
	uint32_t order;
	uint64_t pfn;		/* MODEL_PFN_NONE when the allocation failed */
	uint64_t phys;
	uint32_t nr_pages;
	uint64_t gfp_flags;
	int ret;
};

struct kmemlab_translate_ev {
	uint32_t run;
	uint32_t index;
	uint64_t pfn;
	uint64_t phys;
	uint64_t virt;
	uint64_t ref_phys;
	uint64_t walk_phys;
	uint64_t lin_phys;
	int level;
	bool match;
};

struct kmemlab_fill_ev {
	uint32_t run;
	uint32_t index;
	uint64_t pfn;
	uint32_t first;
	uint32_t last;
	uint32_t count;
};

struct kmemlab_verify_ev {
	uint32_t run;
	uint32_t index;
	uint64_t pfn;
	uint32_t checked;
	uint32_t mismatches;
};

struct kmemlab_run_end_ev {
	uint32_t run;
	int ret;
	uint64_t mismatches;
	uint64_t fill_ns;
	uint64_t verify_ns;
};

/* kmem:mm_page_alloc and kmem:mm_page_free */
struct kmem_page_alloc_ev {
	uint64_t pfn;		/* MODEL_PFN_NONE when the allocation failed */
	uint32_t order;
	uint64_t gfp_flags;
	int migratetype;
};

struct kmem_page_free_ev {
	uint64_t pfn;
	uint32_t order;
};

/*
 * The buddy allocator around each block (docs/events.md, "The buddy
 * allocator around each block"): kmemlab_split, kmemlab_merge,
 * kmemlab_free_area, and the kernel's events they are matched with.
 */
#define MODEL_BUDDY_NR_ORDERS	16	/* room for every page size's free lists */
#define MODEL_BUDDY_NR_ZONES	4	/* DMA, DMA32, Normal, Movable */
#define MODEL_ZONE_LEN		16	/* zone name, NUL included */

struct kmemlab_split_ev {
	uint32_t run;
	uint32_t block;
	uint64_t pfn;
	uint32_t order;
	int source_order;	/* -1: per-CPU list */
	uint64_t source_pfn;	/* MODEL_PFN_NONE: per-CPU list */
	bool pcp;
	bool clean;
	const char *zone;
	uint32_t nr_before;	/* 0: free counts before unknown */
	uint32_t nr_orders;
	const uint32_t *free_before;
	const uint32_t *free_after;
};

struct kmemlab_merge_ev {
	uint32_t run;
	uint32_t block;
	uint64_t pfn;
	uint32_t order;
	int merged_order;	/* -1: in no free block (a per-CPU list) */
	uint64_t merged_pfn;
	bool pcp;
	const char *zone;
};

struct kmemlab_free_area_ev {
	uint32_t run;
	int phase;		/* 0 begin, 1 end */
	int node;
	bool buddy_blocks;
	const char *zone;
	uint32_t nr_orders;
	const uint32_t *nr_free;
};

/* kmem:mm_page_alloc_zone_locked, mm_page_pcpu_drain, mm_page_alloc_extfrag */
struct kmem_zone_locked_ev {
	uint64_t pfn;
	uint32_t order;
	int migratetype;
	bool percpu_refill;
};

struct kmem_pcpu_drain_ev {
	uint64_t pfn;
	uint32_t order;
	int migratetype;
};

struct kmem_extfrag_ev {
	uint64_t pfn;
	int alloc_order;
	int fallback_order;
	int alloc_migratetype;
	int fallback_migratetype;
};

/* Where a block came from, as far as its kmemlab_split tells. */
enum model_came {
	MODEL_CAME_SPLIT,	/* clean: cut from a larger free block */
	MODEL_CAME_EXACT,	/* clean: a free block of its order, whole */
	MODEL_CAME_PCP,		/* a per-CPU list */
	MODEL_CAME_DISTURBED,	/* other allocations changed the lists */
	MODEL_CAME_BROKEN,	/* the event contradicts the buddy rules */
	MODEL_NR_CAME,
};

/* Rules of expand() a kmemlab_split can break (model_split_broken()). */
enum model_split_rule {
	MODEL_SPLIT_PCP_SOURCE	= 0x01,	/* per-CPU, yet a source block */
	MODEL_SPLIT_RANGE	= 0x02,	/* source order outside [order, largest] */
	MODEL_SPLIT_START	= 0x04,	/* source block does not start at the block */
	MODEL_SPLIT_ALIGN	= 0x08,	/* block not aligned to the source order */
	MODEL_SPLIT_COUNTS	= 0x10,	/* clean, yet counts moved otherwise */
	MODEL_SPLIT_BLOCK	= 0x20,	/* pfn or order not the block's */
};

struct model_split {
	uint64_t ts;
	int cpu;
	int source_order;
	uint64_t source_pfn;
	bool pcp;
	bool clean;
	uint64_t event_pfn;	/* as the event said (== block pfn unless broken) */
	uint32_t event_order;
	char zone[MODEL_ZONE_LEN];
	uint32_t nr_orders;
	bool has_before;
	uint32_t before[MODEL_BUDDY_NR_ORDERS];
	uint32_t after[MODEL_BUDDY_NR_ORDERS];
	unsigned int broken;	/* MODEL_SPLIT_* rules broken */
	int came;		/* enum model_came */

	/* kmem:mm_page_alloc_zone_locked of this pfn and order, since run begin */
	bool zone_locked;
	bool refill;		/* it had percpu_refill=1 */
	uint64_t zone_locked_ts;
	int zone_locked_cpu;
	/* kmem:mm_page_alloc_extfrag of this pfn: a fallback */
	bool extfrag;
	int fallback_order;
	int fallback_migratetype;
	int alloc_migratetype;
};

/* Rules a kmemlab_merge can break (model_merge_broken()). */
enum model_merge_rule {
	MODEL_MERGE_RANGE	= 0x01,	/* merged order outside [order, largest] */
	MODEL_MERGE_COVER	= 0x02,	/* merged block misaligned or not covering */
	MODEL_MERGE_NONE	= 0x04,	/* in no free block, yet not per-CPU */
	MODEL_MERGE_BLOCK	= 0x08,	/* pfn or order not the block's */
};

struct model_merge {
	uint64_t ts;
	int cpu;
	int merged_order;
	uint64_t merged_pfn;
	bool pcp;
	uint64_t event_pfn;
	uint32_t event_order;
	unsigned int broken;	/* MODEL_MERGE_* */
	bool drained;		/* kmem:mm_page_pcpu_drain of this pfn and order */
	uint64_t drain_ts;
	bool reused;		/* kmem:mm_page_alloc of the pfn off the list */
	uint64_t reuse_ts;
};

/* One zone's free blocks per order at a run's begin and end. */
struct model_free_area {
	char zone[MODEL_ZONE_LEN];
	int node;
	uint32_t nr_orders;
	bool has_begin;
	bool has_end;
	uint32_t begin[MODEL_BUDDY_NR_ORDERS];
	uint32_t end[MODEL_BUDDY_NR_ORDERS];
};

/* Recording-wide: the buddy events and the kernel's free-list events. */
struct model_buddy_sys {
	bool has_buddy;		/* any kmemlab_split, merge or free_area */
	bool has_kmem;		/* any of the three kernel events */
	uint32_t nr_orders;	/* the largest nr_orders seen */
	uint64_t splits;
	uint64_t merges;
	uint64_t unmatched;	/* split/merge of no allocated block */
	uint64_t zone_locked;
	uint64_t refills;	/* zone_locked with percpu_refill=1 */
	uint64_t drains;
	uint64_t extfrags;
};

/*
 * One block of a run, as the module and the kernel reported it.  Every
 * block of every run stays to the end (the report), so the fields are
 * ordered to leave no padding: a vmalloc run keeps one per page.
 */
struct model_block {
	uint32_t index;
	uint32_t order;
	uint64_t pfn;
	uint64_t phys;
	uint64_t gfp_flags;
	int ret;
	uint32_t first_page;	/* run page index of the block's first page */
	int kernel_migratetype;	/* meaningful when kernel_alloc_seen */
	bool allocated;		/* kmemlab_alloc seen */
	bool failed;		/* pfn -1 or ret < 0 */
	bool freed;
	bool free_mismatch;	/* kmemlab_free with another order */
	/* the kernel's view: kmem:mm_page_alloc / mm_page_free, same pfn+order */
	bool kernel_alloc_seen;
	bool kernel_free_seen;
	/* a drain of this block seen between its free and its kmemlab_merge */
	bool drain_seen;
	uint64_t alloc_ts;
	uint64_t free_ts;
	uint64_t kernel_gfp_flags;
	uint64_t drain_seen_ts;

	/* pages of this block seen in translate/fill/verify events */
	uint32_t translated;
	uint32_t translate_mismatches;	/* match == 0 or phys != pfn << shift */
	uint32_t discontiguous;		/* pages whose pfn != block pfn + offset */
	uint32_t filled;
	uint32_t verified;
	uint32_t unverified;		/* filled, never verified */
	uint64_t values_filled;
	uint64_t values_checked;
	uint64_t value_mismatches;

	struct model_split *split;	/* kmemlab_split, or NULL */
	struct model_merge *merge;	/* kmemlab_merge, or NULL */
	/*
	 * Live blocks only: three bitmaps of the block's pages in one
	 * allocation, filled / verified / seen off the block's pfn range.
	 */
	uint64_t *page_maps;
};

/*
 * Pages of a run that sit one after another in physical memory: page
 * indices index .. index + len - 1 have pfns pfn .. pfn + len - 1.
 */
struct model_range {
	uint32_t index;
	uint32_t len;
	uint64_t pfn;
};

struct model_run {
	uint32_t id;		/* the module's run number */
	bool begun;		/* kmemlab_run_begin seen */
	bool ended;		/* kmemlab_run_end seen */
	bool incomplete;	/* events lost while open, or never ended */
	int mode;
	uint32_t nr_structs;
	uint32_t struct_size;
	uint32_t structs_per_page;
	uint32_t nr_pages;
	uint32_t order;
	uint32_t nr_blocks;
	uint32_t nr_alloc_pages;
	uint32_t page_size;
	unsigned int page_shift;
	/*
	 * The kernel's geometry as run_begin gave it; what an older module
	 * did not record is filled in as the model's fallback says (see
	 * MODEL_DEFAULT_MAX_ORDER; leaves: page_size / 8 entries per table).
	 */
	bool geometry_recorded;		/* max_order etc. came from the module */
	uint32_t max_order;
	unsigned int pmd_shift;		/* a pmd leaf maps 1 << pmd_shift bytes */
	unsigned int pud_shift;
	uint64_t kmalloc_max_size;
	uint64_t begin_ts;
	uint64_t end_ts;
	int ret;
	uint64_t end_mismatches;	/* as kmemlab_run_end reported */
	uint64_t fill_ns;
	uint64_t verify_ns;

	struct model_block *blocks;	/* indexed by block number */
	uint32_t nr_block_slots;	/* blocks[0 .. nr_block_slots - 1] */
	uint32_t block_cap;		/* allocated entries (internal) */

	/* totals over the run's pages (blocks keep their own share) */
	uint64_t pages_translated;
	uint64_t translate_mismatches;
	uint64_t discontiguous;
	uint64_t pages_filled;
	uint64_t pages_verified;
	uint64_t unverified;
	uint64_t values_filled;
	uint64_t values_checked;
	uint64_t value_mismatches;

	/* the page-table walk, from kmemlab_translate */
	uint64_t walk_mismatches;	/* walk_phys != ref_phys */
	uint64_t linear_mismatches;	/* lin_phys (when recorded) != walk_phys */
	uint64_t levels[MODEL_NR_LEVELS];	/* leaves found at each level */
	struct model_range *ranges;	/* in order of page index */
	uint32_t nr_ranges;
	uint32_t range_cap;		/* allocated entries (internal) */
	uint32_t largest_range;		/* pages */

	/* kmemlab_free_area: the zones at begin and end, in event order */
	struct model_free_area *areas;
	uint32_t nr_areas;
	bool buddy_blocks;		/* split/merge apply (with nr_areas) */

	uint64_t stray_pages;		/* page events outside every block */
	uint64_t unmatched_frees;	/* kmemlab_free of no live block */
	uint64_t invalid_events;	/* rejected as bad input */

	/*
	 * A run handed to model_set_retire()'s function (retired) gives up
	 * its blocks, ranges and zones (their counts read 0); what the
	 * model_run_*() queries below answer from them is kept here (valid).
	 */
	bool retired;
	struct model_run_kept {
		bool valid;
		uint64_t alloc_pages;
		uint64_t lifetime_ns;
		uint32_t leaked_blocks;
		struct model_block *failed;	/* a copy, or NULL */
	} kept;
	uint32_t awaited;	/* (internal) entries naming its blocks */
	bool queued;		/* (internal) ready to hand over */
};

struct model_sys {
	bool has_kmemlab;		/* any kmemlab event handled */
	bool has_kmem;			/* any kmem page event handled */
	uint64_t allocs[MODEL_NR_ORDERS][MODEL_NR_MIGRATETYPES + 1];
	uint64_t frees[MODEL_NR_ORDERS];
	uint64_t alloc_failures;	/* mm_page_alloc with pfn -1 */
	uint64_t frees_without_alloc;	/* pages allocated before recording */
	uint64_t free_order_mismatch;	/* freed with another order */
	uint64_t live_at_end;		/* pages still allocated at the end */
	uint64_t live_pages_at_end;	/* sum of 2^order of those */
	uint64_t invalid_events;
	uint64_t missed_events;		/* lost by the ring buffer */
	bool missed_unknown;		/* lost, count not recorded */
	uint64_t first_ts;
	uint64_t last_ts;
	/*
	 * The largest order of the recording's kernel: the largest max_order
	 * of its run_begin events, MODEL_DEFAULT_MAX_ORDER without one.  Kernel
	 * page events above it are counted invalid by model_finish(), once
	 * every run_begin has been seen.
	 */
	uint32_t max_order;
	bool max_order_recorded;	/* some run_begin carried max_order */
	struct model_buddy_sys buddy;
};

struct model;

struct model *model_new(void);
void model_free(struct model *m);

/*
 * Handlers return 0, or -1 with errno EINVAL when the event is bad input
 * (counted in invalid_events, the model stays consistent) or ENOMEM.  The
 * kernel's page events are held to the recording's largest order only at
 * model_finish(): a run_begin naming it may come after them.
 */
int model_handle_run_begin(struct model *m, uint64_t ts, int cpu,
			   const struct kmemlab_run_begin_ev *ev);
int model_handle_alloc(struct model *m, uint64_t ts, int cpu,
		       const struct kmemlab_block_ev *ev);
int model_handle_free(struct model *m, uint64_t ts, int cpu,
		      const struct kmemlab_block_ev *ev);
int model_handle_translate(struct model *m, uint64_t ts, int cpu,
			   const struct kmemlab_translate_ev *ev);
int model_handle_fill(struct model *m, uint64_t ts, int cpu,
		      const struct kmemlab_fill_ev *ev);
int model_handle_verify(struct model *m, uint64_t ts, int cpu,
			const struct kmemlab_verify_ev *ev);
int model_handle_run_end(struct model *m, uint64_t ts, int cpu,
			 const struct kmemlab_run_end_ev *ev);
int model_handle_page_alloc(struct model *m, uint64_t ts, int cpu,
			    const struct kmem_page_alloc_ev *ev);
int model_handle_page_free(struct model *m, uint64_t ts, int cpu,
			   const struct kmem_page_free_ev *ev);
int model_handle_split(struct model *m, uint64_t ts, int cpu,
		       const struct kmemlab_split_ev *ev);
int model_handle_merge(struct model *m, uint64_t ts, int cpu,
		       const struct kmemlab_merge_ev *ev);
int model_handle_free_area(struct model *m, uint64_t ts, int cpu,
			   const struct kmemlab_free_area_ev *ev);
int model_handle_zone_locked(struct model *m, uint64_t ts, int cpu,
			     const struct kmem_zone_locked_ev *ev);
int model_handle_pcpu_drain(struct model *m, uint64_t ts, int cpu,
			    const struct kmem_pcpu_drain_ev *ev);
int model_handle_extfrag(struct model *m, uint64_t ts, int cpu,
			 const struct kmem_extfrag_ev *ev);
/* The ring buffer dropped events before ts on cpu; count < 0: unknown. */
void model_handle_missed(struct model *m, uint64_t ts, int cpu, long long count);

/* End of input: settle live blocks and pages. Idempotent. */
void model_finish(struct model *m);

/*
 * Hand runs over as they finish, for an output that prints them as it
 * goes (analyze report): its memory then stays flat however many runs a
 * recording holds.  fn sees each run once, with its index (for
 * model_run_get()), when no event can change it any more: it has ended,
 * and none of its blocks is live, awaiting its kmemlab_merge, or waiting
 * on a per-CPU list for the kernel to drain or reuse it.  That is not
 * always the runs' order: an output puts them back in it.  final is true
 * from model_finish() on, where every run left comes, in order.  fn
 * returns false to be asked again later (it must not when final); on
 * true, the model drops the run's blocks.  An event that names a run
 * already handed over is counted invalid.  Set before the first event.
 */
typedef bool (*model_retire_fn)(const struct model_run *r, size_t index,
				bool final, void *arg);
void model_set_retire(struct model *m, model_retire_fn fn, void *arg);

size_t model_nr_runs(const struct model *m);
const struct model_run *model_run_get(const struct model *m, size_t i);
const struct model_sys *model_sys_get(const struct model *m);

struct flag_names;
/* The recording's GFP flag names: the reader fills them, outputs use them. */
struct flag_names *model_gfp_names(struct model *m);
/* flags by name into buf, or NULL when the recording named none. */
const char *model_gfp_format(const struct model *m, uint64_t flags,
			     char *buf, size_t len);

/* Helpers shared by every output. */
const char *model_mode_name(int mode);
const char *model_migratetype_name(int mt);	/* mt == NR: "other" */
const char *model_level_name(int level);	/* "none", "pte", ...: the module's words */
/*
 * Whether __pa()'s linear-map arithmetic should give the walk's answer:
 * yes for the direct map (pages, kmalloc), no for vmalloc addresses.
 */
bool model_run_linear_applies(const struct model_run *r);
uint32_t model_order_for_pages(uint64_t pages);	/* ceil(log2(pages)) */
/*
 * Pages of the run's blocks whose kmemlab_alloc succeeded: what the run
 * really held, where nr_alloc_pages is what its plan asked for.
 */
uint64_t model_run_alloc_pages(const struct model_run *r);
/* The first block whose allocation failed, or NULL. */
const struct model_block *model_run_failed_block(const struct model_run *r);
/* Allocated beyond the pages needed; 0 for a run whose allocation failed. */
uint64_t model_run_waste_pages(const struct model_run *r);
uint64_t model_block_lifetime_ns(const struct model_block *b);
/* The longest lifetime of the run's blocks, allocation to free. */
uint64_t model_run_lifetime_ns(const struct model_run *r);
/* Blocks allocated and never freed in the recording. */
uint32_t model_run_leaked_blocks(const struct model_run *r);
bool model_block_aligned(const struct model_block *b);
/*
 * Whether the kernel emits a kmem:mm_page_alloc for this run's blocks
 * (docs/events.md): not for kmalloc served by a slab cache (up to 2 pages),
 * nor for vmalloc of more than one page (the bulk allocator is silent).
 */
bool model_run_expects_page_alloc(const struct model_run *r);

/*
 * The buddy rules a split or a merge event breaks (MODEL_SPLIT_* /
 * MODEL_MERGE_*), 0 when it agrees with them; a disturbed split breaks
 * none (docs/analyze.md).
 */
unsigned int model_split_broken(const struct model_block *b);
unsigned int model_merge_broken(const struct model_block *b);
/* The free block of order j that splitting left beside b: P + 2^j. */
uint64_t model_split_remnant(const struct model_block *b, uint32_t j);
const char *model_came_name(int came);	/* "split", "exact", "pcp", ... */

#endif /* _KMEMLAB_MODEL_H */
