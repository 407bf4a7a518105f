/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events the unit tests send to the model, shared where several suites
 * build the same run: one block of 2^order 4 KiB pages holding 128 structs
 * of 32 bytes a page, as the module reports it.
 */
#ifndef KMEMLAB_UNIT_EVENTS_H
#define KMEMLAB_UNIT_EVENTS_H

#include <errno.h>
#include <stdint.h>

#include "model/model.h"

static inline struct kmemlab_run_begin_ev
unit_one_block_run(uint32_t run, uint32_t order)
{
	struct kmemlab_run_begin_ev ev = {
		.run = run, .mode = MODEL_MODE_PAGES, .nr_structs = 128u << order,
		.struct_size = 32, .structs_per_page = 128, .nr_pages = 1u << order,
		.order = order, .nr_blocks = 1, .nr_alloc_pages = 1u << order,
		.page_size = 4096,
	};

	return ev;
}

/* Block 0 of such a run at pfn; MODEL_PFN_NONE is a failed allocation. */
static inline struct kmemlab_block_ev
unit_one_block(uint32_t run, uint64_t pfn, uint32_t order)
{
	struct kmemlab_block_ev ev = {
		.run = run, .block = 0, .order = order, .pfn = pfn,
		.phys = pfn * 4096, .nr_pages = 1u << order, .gfp_flags = 0xcc0,
		.ret = pfn == MODEL_PFN_NONE ? -ENOMEM : 0,
	};

	return ev;
}

#endif
