// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's check.ko, as two debugfs files beside the control file:
 * kmemlab/buffer says where the load-time experiment's memory is, and
 * kmemlab/probe walks the page tables for any kernel virtual address
 * written to it and reads its first 8 bytes without risking a fault, with
 * the same kmemlab_peek() that kmemlab_check.ko va= uses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

#define PROBE_MAX_INPUT	32

static DEFINE_MUTEX(probe_lock);
static struct kmemlab_peek probe_last;	/* under probe_lock */
static u64 probe_data;			/* under probe_lock */
static bool probe_done;			/* under probe_lock */
static const struct kmemlab_run *buffer_run;

static const char * const level_names[] = {
	[KMEMLAB_LEVEL_NONE] = "none",
	[KMEMLAB_LEVEL_PTE] = "pte",
	[KMEMLAB_LEVEL_PMD] = "pmd",
	[KMEMLAB_LEVEL_PUD] = "pud",
	[KMEMLAB_LEVEL_P4D] = "p4d",
	[KMEMLAB_LEVEL_PGD] = "pgd",
};

/* The walk and the read are kmemlab_peek(), the same as kmemlab_check.ko's. */
static ssize_t probe_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[PROBE_MAX_INPUT];
	struct kmemlab_peek res;
	unsigned long virt;
	char *addr;
	u64 data;
	int ret;

	if (count >= sizeof(buf)) {
		pr_err("probe: %zu bytes written, more than a hex address takes\n",
		       count);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	addr = strim(buf);
	ret = kstrtoul(addr, 16, &virt);
	if (ret) {
		pr_err("probe: '%*pE' is not a hex kernel virtual address\n",
		       (int)strlen(addr), addr);
		return ret;
	}

	ret = kmemlab_peek(&res, virt, &data, sizeof(data));
	if (ret)
		pr_err("probe: 0x%lx: %s\n", virt, res.why);
	mutex_lock(&probe_lock);
	probe_last = res;
	probe_data = data;
	probe_done = true;
	mutex_unlock(&probe_lock);
	return ret ? ret : count;
}

static ssize_t probe_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct kmemlab_peek res;
	char buf[160];
	bool done;
	u64 data;
	int len;

	mutex_lock(&probe_lock);
	res = probe_last;
	data = probe_data;
	done = probe_done;
	mutex_unlock(&probe_lock);
	if (!done)
		len = scnprintf(buf, sizeof(buf),
				"no probe yet: write a kernel virtual address (hex) here\n");
	else
		len = scnprintf(buf, sizeof(buf),
				"virt=0x%lx phys=0x%llx level=%s ok=%d ret=%d data=0x%llx\n",
				res.virt, res.walk_phys, level_names[res.level],
				res.ret == 0, res.ret, data);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = probe_read,
	.write = probe_write,
	.llseek = default_llseek,
};

/* Page 0's address; pages of one block, kmalloc or vmalloc follow it. */
static ssize_t buffer_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	const struct kmemlab_run *run = buffer_run;
	char buf[160];
	int len;

	len = scnprintf(buf, sizeof(buf),
			"run=%u mode=%s nr_pages=%u structs_per_page=%u virt=0x%lx\n",
			run->id, kmemlab_mode_name(run->mode),
			run->plan.nr_pages, run->plan.structs_per_page,
			(unsigned long)kmemlab_run_virt(run, 0));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations buffer_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = buffer_read,
	.llseek = default_llseek,
};

/**
 * kmemlab_probe_init() - create kmemlab/probe and kmemlab/buffer
 * @dir: debugfs kmemlab/, removed (with these files) by its owner
 * @load_run: the load-time experiment, filled until the files are removed
 *
 * Return: 0, or the error of debugfs.
 */
int kmemlab_probe_init(struct dentry *dir, struct kmemlab_run *load_run)
{
	struct dentry *file;

	buffer_run = load_run;
	file = debugfs_create_file("probe", 0600, dir, NULL, &probe_fops);
	if (IS_ERR(file)) {
		pr_err("cannot create debugfs kmemlab/probe: %ld\n",
		       PTR_ERR(file));
		return PTR_ERR(file);
	}
	file = debugfs_create_file("buffer", 0400, dir, NULL, &buffer_fops);
	if (IS_ERR(file)) {
		pr_err("cannot create debugfs kmemlab/buffer: %ld\n",
		       PTR_ERR(file));
		return PTR_ERR(file);
	}
	return 0;
}
