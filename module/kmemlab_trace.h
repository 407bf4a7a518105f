/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab tracepoints: the contract between the module and every reader
 * (trace-cmd report, perf script, KernelShark, ./analyze).  docs/events.md
 * describes the same fields; readers find them by name in the recording's
 * format files, so fields may be added here but never renamed.
 *
 * Every event carries "run", the experiment number from kmemlab_next_run().
 * TP_printk prints every field as name=value, as kmem:mm_page_alloc does, so
 * no reader needs a plugin.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kmemlab

#if !defined(_KMEMLAB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KMEMLAB_TRACE_H

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <trace/events/mmflags.h>

/*
 * The enums are plain C for the module; this part must be seen only once
 * even though the trace machinery reads the header several times.
 */
#ifndef _KMEMLAB_TRACE_ENUMS
#define _KMEMLAB_TRACE_ENUMS

/* How an experiment gets its memory. */
enum kmemlab_mode {
	KMEMLAB_MODE_PAGES,	/* alloc_pages(), filled through __va() */
	KMEMLAB_MODE_KMALLOC,	/* kmalloc() */
	KMEMLAB_MODE_VMALLOC,	/* vmalloc() */
};

/* Page-table level at which the software walk found the leaf entry. */
enum kmemlab_level {
	KMEMLAB_LEVEL_NONE,	/* not mapped */
	KMEMLAB_LEVEL_PTE,	/* one page: PAGE_SIZE */
	KMEMLAB_LEVEL_PMD,	/* 2 MiB leaf on 4 KiB pages, 32 MiB on 16 KiB */
	KMEMLAB_LEVEL_PUD,	/* 1 GiB leaf on 4 KiB pages */
	KMEMLAB_LEVEL_P4D,
	KMEMLAB_LEVEL_PGD,
};

#endif /* _KMEMLAB_TRACE_ENUMS */

TRACE_DEFINE_ENUM(KMEMLAB_MODE_PAGES);
TRACE_DEFINE_ENUM(KMEMLAB_MODE_KMALLOC);
TRACE_DEFINE_ENUM(KMEMLAB_MODE_VMALLOC);

TRACE_DEFINE_ENUM(KMEMLAB_LEVEL_NONE);
TRACE_DEFINE_ENUM(KMEMLAB_LEVEL_PTE);
TRACE_DEFINE_ENUM(KMEMLAB_LEVEL_PMD);
TRACE_DEFINE_ENUM(KMEMLAB_LEVEL_PUD);
TRACE_DEFINE_ENUM(KMEMLAB_LEVEL_P4D);
TRACE_DEFINE_ENUM(KMEMLAB_LEVEL_PGD);

#define show_kmemlab_mode(mode)					\
	__print_symbolic(mode,					\
			 { KMEMLAB_MODE_PAGES,	 "pages" },	\
			 { KMEMLAB_MODE_KMALLOC, "kmalloc" },	\
			 { KMEMLAB_MODE_VMALLOC, "vmalloc" })

#define show_kmemlab_level(level)				\
	__print_symbolic(level,					\
			 { KMEMLAB_LEVEL_NONE, "none" },	\
			 { KMEMLAB_LEVEL_PTE,  "pte" },		\
			 { KMEMLAB_LEVEL_PMD,  "pmd" },		\
			 { KMEMLAB_LEVEL_PUD,  "pud" },		\
			 { KMEMLAB_LEVEL_P4D,  "p4d" },		\
			 { KMEMLAB_LEVEL_PGD,  "pgd" })

/*
 * The plan of one experiment is known, before anything is allocated.  It
 * also carries the kernel's geometry (page size, largest buddy order, leaf
 * sizes, kmalloc's limit), so readers never assume 4 KiB pages or order 10;
 * these come from kmemlab.h and the kernel's headers where
 * CREATE_TRACE_POINTS expands this (kmemlab_trace.c).
 */
TRACE_EVENT(kmemlab_run_begin,
	    TP_PROTO(u32 run, int mode, u32 nr_structs, u32 struct_size,
		     u32 structs_per_page, u32 nr_pages, u32 order,
		     u32 nr_blocks, u32 nr_alloc_pages),
	    TP_ARGS(run, mode, nr_structs, struct_size, structs_per_page,
		    nr_pages, order, nr_blocks, nr_alloc_pages),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(int, mode)		/* enum kmemlab_mode */
			     __field(u32, nr_structs)	/* structs requested */
			     __field(u32, struct_size)	/* sizeof(struct datatype), bytes */
			     __field(u32, structs_per_page) /* PAGE_SIZE / struct_size */
			     __field(u32, nr_pages)	/* pages needed for nr_structs */
			     __field(u32, order)	/* order of the first block */
			     __field(u32, nr_blocks)	/* blocks to allocate */
			     __field(u32, nr_alloc_pages) /* pages over all blocks */
			     __field(u32, page_size)	/* PAGE_SIZE, bytes */
			     __field(u32, max_order)	/* largest buddy order */
			     __field(u32, pmd_shift)	/* log2 of a PMD leaf's bytes */
			     __field(u32, pud_shift)	/* log2 of a PUD leaf's bytes */
			     __field(u64, kmalloc_max_size) /* KMALLOC_MAX_SIZE, bytes */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->mode = mode;
			   __entry->nr_structs = nr_structs;
			   __entry->struct_size = struct_size;
			   __entry->structs_per_page = structs_per_page;
			   __entry->nr_pages = nr_pages;
			   __entry->order = order;
			   __entry->nr_blocks = nr_blocks;
			   __entry->nr_alloc_pages = nr_alloc_pages;
			   __entry->page_size = PAGE_SIZE;
			   __entry->max_order = KMEMLAB_MAX_BLOCK_ORDER;
			   __entry->pmd_shift = PMD_SHIFT;
			   __entry->pud_shift = PUD_SHIFT;
			   __entry->kmalloc_max_size = KMALLOC_MAX_SIZE;
	    ),
	    TP_printk("run=%u mode=%s nr_structs=%u struct_size=%u structs_per_page=%u nr_pages=%u order=%u nr_blocks=%u nr_alloc_pages=%u page_size=%u max_order=%u pmd_shift=%u pud_shift=%u kmalloc_max_size=%llu",
		      __entry->run, show_kmemlab_mode(__entry->mode),
		      __entry->nr_structs, __entry->struct_size,
		      __entry->structs_per_page, __entry->nr_pages,
		      __entry->order, __entry->nr_blocks,
		      __entry->nr_alloc_pages, __entry->page_size,
		      __entry->max_order, __entry->pmd_shift,
		      __entry->pud_shift, __entry->kmalloc_max_size)
);

/*
 * One buddy block: the same facts kmem:mm_page_alloc records, so the
 * analyzer can line the two up by pfn.
 */
DECLARE_EVENT_CLASS(kmemlab_block,
		    TP_PROTO(u32 run, u32 block, struct page *page,
			     unsigned int order, gfp_t gfp_flags, int ret),
		    TP_ARGS(run, block, page, order, gfp_flags, ret),
		    TP_STRUCT__entry(__field(u32, run)	/* experiment number */
				     __field(u32, block) /* index in the run, from 0 */
				     __field(u32, order) /* buddy order */
				     __field(unsigned long, pfn) /* first pfn; -1UL if failed */
				     __field(u64, phys)	/* page_to_phys(); 0 if failed */
				     __field(u32, nr_pages) /* 2^order */
				     __field(unsigned long, gfp_flags) /* of the request */
				     __field(int, ret)	/* 0 or -ENOMEM */
		    ),
		    TP_fast_assign(__entry->run = run;
				   __entry->block = block;
				   __entry->order = order;
				   __entry->pfn = page ? page_to_pfn(page) : -1UL;
				   __entry->phys = page ? page_to_phys(page) : 0;
				   __entry->nr_pages = 1U << order;
				   __entry->gfp_flags = (__force unsigned long)gfp_flags;
				   __entry->ret = ret;
		    ),
		    TP_printk("run=%u block=%u order=%u pfn=0x%lx phys=0x%llx nr_pages=%u gfp_flags=%s ret=%d",
			      __entry->run, __entry->block, __entry->order,
			      __entry->pfn, __entry->phys, __entry->nr_pages,
			      show_gfp_flags(__entry->gfp_flags), __entry->ret)
);

/* A block was allocated, or the allocation failed (page == NULL). */
DEFINE_EVENT(kmemlab_block, kmemlab_alloc,
	     TP_PROTO(u32 run, u32 block, struct page *page,
		      unsigned int order, gfp_t gfp_flags, int ret),
	     TP_ARGS(run, block, page, order, gfp_flags, ret)
);

/* A block is about to go back to the buddy allocator. */
DEFINE_EVENT(kmemlab_block, kmemlab_free,
	     TP_PROTO(u32 run, u32 block, struct page *page,
		      unsigned int order, gfp_t gfp_flags, int ret),
	     TP_ARGS(run, block, page, order, gfp_flags, ret)
);

/*
 * One page's address, translated every way the lab knows.  The physical
 * addresses should agree; "match" says whether they did.  "lin_match" is
 * the second lab's comparison: the linear-map arithmetic virt_to_phys()
 * applies ("using Macro") against the walk; true for the direct map
 * (pages, kmalloc), false for vmalloc.
 */
TRACE_EVENT(kmemlab_translate,
	    TP_PROTO(u32 run, u32 index, unsigned long pfn, u64 phys,
		     unsigned long virt, u64 ref_phys, u64 walk_phys,
		     u64 lin_phys, int level),
	    TP_ARGS(run, index, pfn, phys, virt, ref_phys, walk_phys,
		    lin_phys, level),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(u32, index)	/* page index in the run */
			     __field(unsigned long, pfn) /* page frame number */
			     __field(u64, phys)		/* page_to_phys() + offset */
			     __field(unsigned long, virt) /* address used: __va(phys) */
			     __field(u64, ref_phys)	/* the kernel's own answer */
			     __field(u64, walk_phys)	/* software walk; 0 unmapped */
			     __field(u64, lin_phys)	/* virt - PAGE_OFFSET */
			     __field(int, level)	/* enum kmemlab_level of leaf */
			     __field(u8, match)		/* walk == ref == phys */
			     __field(u8, lin_match)	/* lin_phys == walk_phys */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->index = index;
			   __entry->pfn = pfn;
			   __entry->phys = phys;
			   __entry->virt = virt;
			   __entry->ref_phys = ref_phys;
			   __entry->walk_phys = walk_phys;
			   __entry->lin_phys = lin_phys;
			   __entry->level = level;
			   __entry->match = walk_phys == ref_phys &&
					    ref_phys == phys;
			   __entry->lin_match = lin_phys == walk_phys;
	    ),
	    TP_printk("run=%u index=%u pfn=0x%lx phys=0x%llx virt=0x%lx ref_phys=0x%llx walk_phys=0x%llx lin_phys=0x%llx level=%s match=%u lin_match=%u",
		      __entry->run, __entry->index, __entry->pfn,
		      __entry->phys, __entry->virt, __entry->ref_phys,
		      __entry->walk_phys, __entry->lin_phys,
		      show_kmemlab_level(__entry->level), __entry->match,
		      __entry->lin_match)
);

/* One page filled with the lab's formula (values are mod 2^32). */
TRACE_EVENT(kmemlab_fill,
	    TP_PROTO(u32 run, u32 index, unsigned long pfn, u32 first,
		     u32 count),
	    TP_ARGS(run, index, pfn, first, count),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(u32, index)	/* page index i */
			     __field(unsigned long, pfn) /* page frame number */
			     __field(u32, first)	/* i * structs_per_page * 8 */
			     __field(u32, last)		/* first + count - 1 */
			     __field(u32, count)	/* values written on the page */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->index = index;
			   __entry->pfn = pfn;
			   __entry->first = first;
			   __entry->last = first + count - 1;
			   __entry->count = count;
	    ),
	    TP_printk("run=%u index=%u pfn=0x%lx first=%u last=%u count=%u",
		      __entry->run, __entry->index, __entry->pfn,
		      __entry->first, __entry->last, __entry->count)
);

/* One page read back and compared with the formula. */
TRACE_EVENT(kmemlab_verify,
	    TP_PROTO(u32 run, u32 index, unsigned long pfn, u32 checked,
		     u32 mismatches),
	    TP_ARGS(run, index, pfn, checked, mismatches),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(u32, index)	/* page index */
			     __field(unsigned long, pfn) /* page frame number */
			     __field(u32, checked)	/* values compared */
			     __field(u32, mismatches)	/* values that differed */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->index = index;
			   __entry->pfn = pfn;
			   __entry->checked = checked;
			   __entry->mismatches = mismatches;
	    ),
	    TP_printk("run=%u index=%u pfn=0x%lx checked=%u mismatches=%u",
		      __entry->run, __entry->index, __entry->pfn,
		      __entry->checked, __entry->mismatches)
);

/* The experiment is over: everything it allocated is freed. */
TRACE_EVENT(kmemlab_run_end,
	    TP_PROTO(u32 run, int ret, u64 mismatches, u64 fill_ns,
		     u64 verify_ns),
	    TP_ARGS(run, ret, mismatches, fill_ns, verify_ns),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(int, ret)		/* 0 or the negative errno */
			     __field(u64, mismatches)	/* over all pages */
			     __field(u64, fill_ns)	/* time spent filling, ns */
			     __field(u64, verify_ns)	/* time spent verifying, ns */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->ret = ret;
			   __entry->mismatches = mismatches;
			   __entry->fill_ns = fill_ns;
			   __entry->verify_ns = verify_ns;
	    ),
	    TP_printk("run=%u ret=%d mismatches=%llu fill_ns=%llu verify_ns=%llu",
		      __entry->run, __entry->ret, __entry->mismatches,
		      __entry->fill_ns, __entry->verify_ns)
);

/*
 * A kernel virtual address walked and read by kmemlab_peek(): written to
 * debugfs kmemlab/probe, or given to kmemlab_check.ko as va= (the lab's
 * check.ko).  Not part of an experiment, so no run number.
 */
TRACE_EVENT(kmemlab_probe,
	    TP_PROTO(unsigned long virt, u64 walk_phys, int level, int ret,
		     u64 data),
	    TP_ARGS(virt, walk_phys, level, ret, data),
	    TP_STRUCT__entry(__field(unsigned long, virt) /* address probed */
			     __field(u64, walk_phys)	/* software walk; 0 unmapped */
			     __field(int, level)	/* enum kmemlab_level of leaf */
			     __field(u8, ok)		/* 1: mapped and read */
			     __field(int, ret)		/* 0, -EINVAL or -EFAULT */
			     __field(u64, data)		/* first 8 bytes; 0 unless ok */
	    ),
	    TP_fast_assign(__entry->virt = virt;
			   __entry->walk_phys = walk_phys;
			   __entry->level = level;
			   __entry->ok = ret == 0;
			   __entry->ret = ret;
			   __entry->data = data;
	    ),
	    TP_printk("virt=0x%lx walk_phys=0x%llx level=%s ok=%u ret=%d data=0x%llx",
		      __entry->virt, __entry->walk_phys,
		      show_kmemlab_level(__entry->level), __entry->ok,
		      __entry->ret, __entry->data)
);

/*
 * The buddy allocator around each block (buddy.c): where a block was cut
 * from, where it went back, and the free lists at each run's edges.
 * docs/events.md says how each field is derived and when it can be trusted.
 */
#ifndef _KMEMLAB_BUDDY_ENUMS
#define _KMEMLAB_BUDDY_ENUMS

/* Which edge of a run a kmemlab_free_area event describes. */
enum kmemlab_phase {
	KMEMLAB_PHASE_BEGIN,	/* before the first block is allocated */
	KMEMLAB_PHASE_END,	/* after the last block is freed */
};

/* Room for every zone name: "DMA", "DMA32", "Normal", "Movable"... */
#define KMEMLAB_ZONE_NAME_LEN	8

#endif /* _KMEMLAB_BUDDY_ENUMS */

TRACE_DEFINE_ENUM(KMEMLAB_PHASE_BEGIN);
TRACE_DEFINE_ENUM(KMEMLAB_PHASE_END);

#define show_kmemlab_phase(phase)				\
	__print_symbolic(phase,					\
			 { KMEMLAB_PHASE_BEGIN, "begin" },	\
			 { KMEMLAB_PHASE_END,	"end" })

/*
 * A block was just allocated: the free block it was cut from, judged from
 * the free buddies it left behind, and its zone's free blocks per order
 * before alloc_pages() and after.
 */
TRACE_EVENT(kmemlab_split,
	    TP_PROTO(u32 run, u32 block, unsigned long pfn, u32 order,
		     int source_order, bool pcp, bool clean, const char *zone,
		     const u32 *free_before, u32 nr_before,
		     const u32 *free_after, u32 nr_after),
	    TP_ARGS(run, block, pfn, order, source_order, pcp, clean, zone,
		    free_before, nr_before, free_after, nr_after),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(u32, block)	/* index in the run */
			     __field(unsigned long, pfn) /* first pfn of the block */
			     __field(u32, order)	/* order of the block */
			     __field(int, source_order)	/* order it was cut from; -1 pcp */
			     __field(unsigned long, source_pfn) /* first pfn of that; -1UL pcp */
			     __field(u8, pcp)		/* 1: a per-CPU list's order */
			     __field(u8, clean)		/* 1: counts moved as the split says */
			     __array(char, zone, KMEMLAB_ZONE_NAME_LEN) /* zone name */
			     __field(u32, nr_before)	/* orders in free_before; 0 unknown */
			     __field(u32, nr_orders)	/* orders in free_after */
			     __dynamic_array(u32, free_before, nr_before) /* nr_free per order */
			     __dynamic_array(u32, free_after, nr_after) /* nr_free per order */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->block = block;
			   __entry->pfn = pfn;
			   __entry->order = order;
			   __entry->source_order = source_order;
			   /* expand() keeps the low half: the source starts here */
			   __entry->source_pfn = source_order < 0 ? -1UL : pfn;
			   __entry->pcp = pcp;
			   __entry->clean = clean;
			   strscpy(__entry->zone, zone, sizeof(__entry->zone));
			   __entry->nr_before = nr_before;
			   __entry->nr_orders = nr_after;
			   memcpy(__get_dynamic_array(free_before), free_before,
				  nr_before * sizeof(u32));
			   memcpy(__get_dynamic_array(free_after), free_after,
				  nr_after * sizeof(u32));
	    ),
	    TP_printk("run=%u block=%u pfn=0x%lx order=%u source_order=%d source_pfn=0x%lx pcp=%u clean=%u zone=%s nr_before=%u nr_orders=%u free_before=%s free_after=%s",
		      __entry->run, __entry->block, __entry->pfn,
		      __entry->order, __entry->source_order,
		      __entry->source_pfn, __entry->pcp, __entry->clean,
		      __entry->zone, __entry->nr_before, __entry->nr_orders,
		      __print_array(__get_dynamic_array(free_before),
				    __entry->nr_before, 4),
		      __print_array(__get_dynamic_array(free_after),
				    __entry->nr_orders, 4))
);

/*
 * A block was just given back: the free block that holds its pages now,
 * after the buddy allocator merged it with its free buddies.
 */
TRACE_EVENT(kmemlab_merge,
	    TP_PROTO(u32 run, u32 block, unsigned long pfn, u32 order,
		     int merged_order, unsigned long merged_pfn, bool pcp,
		     const char *zone),
	    TP_ARGS(run, block, pfn, order, merged_order, merged_pfn, pcp,
		    zone),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(u32, block)	/* index in the run */
			     __field(unsigned long, pfn) /* first pfn of the block */
			     __field(u32, order)	/* order of the block */
			     __field(int, merged_order)	/* free block holding it; -1 none */
			     __field(unsigned long, merged_pfn) /* its first pfn; -1UL none */
			     __field(u8, pcp)		/* 1: freed to a per-CPU list */
			     __array(char, zone, KMEMLAB_ZONE_NAME_LEN) /* zone name */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->block = block;
			   __entry->pfn = pfn;
			   __entry->order = order;
			   __entry->merged_order = merged_order;
			   __entry->merged_pfn = merged_pfn;
			   __entry->pcp = pcp;
			   strscpy(__entry->zone, zone, sizeof(__entry->zone));
	    ),
	    TP_printk("run=%u block=%u pfn=0x%lx order=%u merged_order=%d merged_pfn=0x%lx pcp=%u zone=%s",
		      __entry->run, __entry->block, __entry->pfn,
		      __entry->order, __entry->merged_order,
		      __entry->merged_pfn, __entry->pcp, __entry->zone)
);

/*
 * One zone's free blocks per order (its line of /proc/buddyinfo) at a
 * run's begin or end; one event per populated zone of the local node.
 */
TRACE_EVENT(kmemlab_free_area,
	    TP_PROTO(u32 run, int phase, const char *zone, int node,
		     bool buddy_blocks, const u32 *nr_free, u32 nr_orders),
	    TP_ARGS(run, phase, zone, node, buddy_blocks, nr_free, nr_orders),
	    TP_STRUCT__entry(__field(u32, run)		/* experiment number */
			     __field(int, phase)	/* enum kmemlab_phase */
			     __field(int, node)		/* NUMA node of the zone */
			     __field(u8, buddy_blocks)	/* 1: run sends split/merge */
			     __array(char, zone, KMEMLAB_ZONE_NAME_LEN) /* zone name */
			     __field(u32, nr_orders)	/* orders in nr_free */
			     __dynamic_array(u32, nr_free, nr_orders) /* free blocks per order */
	    ),
	    TP_fast_assign(__entry->run = run;
			   __entry->phase = phase;
			   __entry->node = node;
			   __entry->buddy_blocks = buddy_blocks;
			   strscpy(__entry->zone, zone, sizeof(__entry->zone));
			   __entry->nr_orders = nr_orders;
			   memcpy(__get_dynamic_array(nr_free), nr_free,
				  nr_orders * sizeof(u32));
	    ),
	    TP_printk("run=%u phase=%s node=%d buddy_blocks=%u zone=%s nr_orders=%u nr_free=%s",
		      __entry->run, show_kmemlab_phase(__entry->phase),
		      __entry->node, __entry->buddy_blocks, __entry->zone,
		      __entry->nr_orders,
		      __print_array(__get_dynamic_array(nr_free),
				    __entry->nr_orders, 4))
);

#endif /* _KMEMLAB_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE kmemlab_trace
#include <trace/define_trace.h>
