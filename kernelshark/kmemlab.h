/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KernelShark plot plugin for kmemlab recordings: shared between the C half
 * (collects events while KernelShark loads the recording) and the C++ half
 * (draws them, because KernelShark's plot objects are C++ classes).
 */
#ifndef _KMEMLAB_KS_PLUGIN_H
#define _KMEMLAB_KS_PLUGIN_H

#include <stdbool.h>

#include "libkshark.h"
#include "libkshark-plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The events one stream's plugin instance collects.  Each container keeps
 * the entry (time, CPU, task) plus one field: the block's pfn for alloc,
 * free and fill, the number of mismatches for verify; for split and merge
 * how many orders the free block around the block spans above its own
 * (source_order - order: > 0 for a split; merged_order - order: > 0 when
 * the block merged with free buddies; negative for a per-CPU list).
 */
struct kmemlab_ks_context {
	int alloc_id;
	int free_id;
	int fill_id;
	int verify_id;
	int split_id;
	int merge_id;
	struct kshark_data_container *alloc;
	struct kshark_data_container *free;
	struct kshark_data_container *fill;
	struct kshark_data_container *verify;
	struct kshark_data_container *split;
	struct kshark_data_container *merge;
};

KS_DECLARE_PLUGIN_CONTEXT_METHODS(struct kmemlab_ks_context)

/*
 * The build hides every symbol; KernelShark finds a plugin by these two
 * names with dlsym(), so only they are exported.
 */
#define KMEMLAB_KS_EXPORT __attribute__((visibility("default")))

KMEMLAB_KS_EXPORT int KSHARK_PLOT_PLUGIN_INITIALIZER(struct kshark_data_stream *stream);
KMEMLAB_KS_EXPORT int KSHARK_PLOT_PLUGIN_DEINITIALIZER(struct kshark_data_stream *stream);

void kmemlab_ks_draw(struct kshark_cpp_argv *argv_c, int sd, int val,
		     int draw_action);

/* Drops the alloc/free pairs the C++ half built for stream @sd. */
void kmemlab_ks_forget_pairs(int sd);

#ifdef __cplusplus
}
#endif

#endif /* _KMEMLAB_KS_PLUGIN_H */
