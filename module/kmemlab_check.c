// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab_check.ko: the lab's check.ko.  Loaded with va= a kernel virtual
 * address (debugfs kmemlab/buffer says where kmemlab.ko's memory is), it
 * walks the page tables for it and reads the struct there without risking
 * a fault, with kmemlab_peek() -- the code behind kmemlab.ko's debugfs
 * probe -- and prints the second lab's lines and the struct's array[]:
 * one module reading another's memory.
 *
 *	insmod kmemlab_check.ko va=0xffff888004d96000
 *	rmmod kmemlab_check
 *
 * A NULL, user or non-canonical address fails the load with EINVAL, an
 * unmapped one with EFAULT, each with one dmesg line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "kmemlab.h"

static unsigned long va;
module_param(va, ulong, 0444);
MODULE_PARM_DESC(va, "kernel virtual address of a struct to read, e.g. the virt= of debugfs kmemlab/buffer (0x... for hex)");

static void print_array(const struct datatype *dt)
{
	const unsigned int *a = dt->array;

	BUILD_BUG_ON(ARR_SIZE != 8);
	pr_info("array[] = %u %u %u %u %u %u %u %u\n", a[0], a[1], a[2], a[3],
		a[4], a[5], a[6], a[7]);
}

static int __init kmemlab_check_init(void)
{
	struct kmemlab_peek res;
	struct datatype dt;
	int ret;

	ret = kmemlab_peek(&res, va, &dt, sizeof(dt));
	if (ret) {
		pr_err("va=0x%lx: %s; give va= a kernel virtual address, e.g. the virt= of debugfs kmemlab/buffer\n",
		       va, res.why);
		return ret;
	}
	kmemlab_pr_lab_addresses("", va, kmemlab_lin_phys(va), res.walk_phys);
	print_array(&dt);
	return 0;
}

static void __exit kmemlab_check_exit(void)
{
	pr_info("checking done\n");
}

module_init(kmemlab_check_init);
module_exit(kmemlab_check_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab");
MODULE_DESCRIPTION("Kernel memory lab: read another module's struct at va=, fault-safely (the lab's check.ko)");
MODULE_VERSION(KMEMLAB_VERSION);
