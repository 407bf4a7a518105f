// SPDX-License-Identifier: GPL-2.0
/*
 * Walk and read one kernel virtual address without risking a fault: the
 * lab's check.ko.  kmemlab_trace.ko exports it, so the debugfs probe of
 * kmemlab.ko and the separate kmemlab_check.ko run this same code; each
 * call is one kmemlab_probe event.
 */
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

/*
 * NULL, user and (on x86_64 and arm64) non-canonical addresses all lie
 * below the linear map, the lowest kernel mapping.  They are refused before
 * the walk: the current mm maps user addresses, and the table index of a
 * non-canonical address aliases a canonical one.
 */
static int peek(struct kmemlab_peek *res, void *buf, size_t len)
{
	if (res->virt < PAGE_OFFSET) {
		res->why = "below PAGE_OFFSET: a NULL, user or non-canonical address";
		return -EINVAL;
	}
	res->walk_phys = kmemlab_walk(res->virt, &res->level);
	if (res->level == KMEMLAB_LEVEL_NONE) {
		res->why = "not mapped in the kernel page tables";
		return -EFAULT;
	}
	if (copy_from_kernel_nofault(buf, (void *)res->virt, len)) {
		res->why = "mapped, but reading it faulted";
		return -EFAULT;
	}
	return 0;
}

/**
 * kmemlab_peek() - walk the page tables for a kernel address and read it
 * @res: filled with what was found; res->why says why on failure
 * @virt: kernel virtual address
 * @buf: receives len bytes from virt; zeroed unless they were read
 * @len: bytes to read (at least 8 for the event's data)
 *
 * Return: 0; -EINVAL for an address below PAGE_OFFSET, refused before any
 * walk; -EFAULT when the walk finds no mapping or the read faults.
 */
int kmemlab_peek(struct kmemlab_peek *res, unsigned long virt, void *buf,
		 size_t len)
{
	u64 data = 0;

	memset(res, 0, sizeof(*res));
	res->virt = virt;
	res->level = KMEMLAB_LEVEL_NONE;
	res->ret = peek(res, buf, len);
	if (res->ret)
		memset(buf, 0, len);
	else
		memcpy(&data, buf, min(len, sizeof(data)));
	trace_kmemlab_probe(virt, res->walk_phys, res->level, res->ret, data);
	return res->ret;
}
EXPORT_SYMBOL_GPL(kmemlab_peek);
