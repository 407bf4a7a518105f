// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab_trace.ko: owns the kmemlab tracepoints (this file), and the code
 * both kmemlab.ko and kmemlab_check.ko use (walk.c, peek.c), so the lab's
 * check module reads memory exactly as the debugfs probe does.
 *
 * A module's trace events exist only while it is loaded, and trace-cmd
 * cannot record events that appear after it started.  Keeping the events in
 * this small module, which stays loaded, lets one recording cover any number
 * of load/unload cycles of the experiment module kmemlab.ko, including the
 * experiment it runs at load time:
 *
 *	insmod kmemlab_trace.ko
 *	trace-cmd record -e kmemlab &
 *	insmod kmemlab.ko nr_structs=N; rmmod kmemlab	(any number of times)
 *
 * For the same reason the run counter lives here: run numbers stay unique
 * across loads of kmemlab.ko within one recording.
 */
#include <linux/atomic.h>
#include <linux/module.h>

#include "kmemlab.h"

#define CREATE_TRACE_POINTS
#include "kmemlab_trace.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_run_begin);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_alloc);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_free);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_translate);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_fill);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_verify);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_run_end);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_probe);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_split);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_merge);
EXPORT_TRACEPOINT_SYMBOL_GPL(kmemlab_free_area);

static atomic_t kmemlab_runs = ATOMIC_INIT(0);

/**
 * kmemlab_next_run() - number for a new experiment
 *
 * Return: 1 for the first experiment after this module loaded, then 2, 3...
 */
u32 kmemlab_next_run(void)
{
	return (u32)atomic_inc_return(&kmemlab_runs);
}
EXPORT_SYMBOL_GPL(kmemlab_next_run);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab");
MODULE_DESCRIPTION("kmemlab tracepoints, page-table walk and fault-safe read, kept loaded across experiment loads");
MODULE_VERSION(KMEMLAB_VERSION);
