// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab.ko: the kernel-memory lab.  At load time it runs the lab's
 * experiment for nr_structs structs in a kernel thread (allocate and fill),
 * and checks and frees the memory at unload.  The control file
 * (debugfs kmemlab/run) runs more experiments without reloading; mode=
 * chooses alloc_pages(), kmalloc() or vmalloc() for the load-time one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

static unsigned int nr_structs = 2000;
module_param(nr_structs, uint, 0444);
MODULE_PARM_DESC(nr_structs, "structs of 32 bytes to allocate at load time (default 2000)");

bool kmemlab_show_values;
module_param_named(show_values, kmemlab_show_values, bool, 0644);
MODULE_PARM_DESC(show_values, "print array[0] of each page's first struct in dmesg, as the lab's exercise 4 asks (first 64 pages; default 0; also the default of control-file runs)");

static int mode = KMEMLAB_MODE_PAGES;
/* An unknown mode=, kept for init's one dmesg line; "" when mode is known. */
static char unknown_mode[32];

/*
 * An unknown mode is refused by init, not here: a set error makes the
 * kernel log its own "invalid for parameter" line beside ours, and only
 * ours says which modes exist.
 */
static int mode_set(const char *val, const struct kernel_param *kp)
{
	int m = kmemlab_mode_parse(val);

	if (m < 0) {
		strscpy(unknown_mode, val, sizeof(unknown_mode));
		return 0;
	}
	unknown_mode[0] = '\0';
	*(int *)kp->arg = m;
	return 0;
}

static int mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", kmemlab_mode_name(*(int *)kp->arg));
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};
module_param_cb(mode, &mode_ops, &mode, 0444);
MODULE_PARM_DESC(mode, "how the load-time experiment gets memory: pages (alloc_pages, default), kmalloc or vmalloc");

static bool force_split;
module_param(force_split, bool, 0444);
MODULE_PARM_DESC(force_split, "first hold the free blocks of the load-time block's order, so that block is cut from a larger one (pages mode, one block of order 4 to the largest - 1, not the THP order); freed at unload");

static struct kmemlab_held held;
static struct kmemlab_run load_run;
static struct task_struct *load_thread;
static DECLARE_COMPLETION(load_filled);
static int load_ret;

/* The lab's thread: allocate and fill, then wait to be stopped. */
static int kmemlab_thread(void *data)
{
	struct kmemlab_run *run = data;

	kmemlab_plan_log(&run->plan);
	load_ret = force_split ? kmemlab_buddy_hold(&held, run->plan.order) : 0;
	if (!load_ret)
		load_ret = kmemlab_run_start(run);
	complete(&load_filled);

	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * init waits for the thread's fill, so that a failed allocation fails
 * insmod and the memory is filled by the time insmod returns.
 */
static int start_load_run(void)
{
	int ret;

	ret = kmemlab_run_init(&load_run, nr_structs, mode);
	if (ret)
		return ret;
	if (force_split && (mode != KMEMLAB_MODE_PAGES ||
			    load_run.plan.nr_blocks != 1 ||
			    !kmemlab_buddy_can_force_split(load_run.plan.order))) {
		pr_err("force_split=1 needs mode=pages and one block of an order the free lists serve (above 3, not the THP order, below the largest); got mode=%s, order %u, %u blocks\n",
		       kmemlab_mode_name(mode), load_run.plan.order,
		       load_run.plan.nr_blocks);
		ret = -EINVAL;
		goto release;
	}
	load_run.show_values = kmemlab_show_values;

	load_thread = kthread_run(kmemlab_thread, &load_run, "kmemlab");
	if (IS_ERR(load_thread)) {
		ret = PTR_ERR(load_thread);
		pr_err("cannot start the kmemlab thread: %d\n", ret);
		goto release;
	}
	wait_for_completion(&load_filled);
	ret = load_ret;
	if (ret)
		goto stop;
	return 0;

stop:
	kthread_stop(load_thread);
	kmemlab_buddy_release(&held);
release:
	kmemlab_run_release(&load_run);
	return ret;
}

static int __init kmemlab_init(void)
{
	int ret;

	if (unknown_mode[0]) {
		pr_err("mode=%s: unknown mode, use pages, kmalloc or vmalloc\n",
		       unknown_mode);
		return -EINVAL;
	}
	ret = start_load_run();
	if (ret)
		return ret;

	ret = kmemlab_control_init(&load_run);
	if (ret)
		goto finish;
	return 0;

finish:
	kthread_stop(load_thread);
	kmemlab_run_finish(&load_run);
	kmemlab_buddy_release(&held);
	kmemlab_run_release(&load_run);
	return ret;
}

static void __exit kmemlab_exit(void)
{
	kmemlab_control_exit();
	kthread_stop(load_thread);
	kmemlab_run_finish(&load_run);
	/* after the lab's block, so its merge shows only its own remnants */
	kmemlab_buddy_release(&held);
	kmemlab_run_release(&load_run);
}

module_init(kmemlab_init);
module_exit(kmemlab_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab");
MODULE_DESCRIPTION("Kernel memory lab: alloc_pages, kmalloc, vmalloc, page-table walk, tracepoints");
MODULE_VERSION(KMEMLAB_VERSION);
