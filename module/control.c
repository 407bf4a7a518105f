// SPDX-License-Identifier: GPL-2.0
/*
 * The control file, debugfs kmemlab/run: each write of "N" runs a whole
 * experiment for N structs (plan, allocate, fill, verify, free) without
 * reloading the module; the write fails with the experiment's errno.  A read
 * prints the last result on one line.  "N MODE" is parsed already so that
 * the kmalloc and vmalloc experiments can join without a new interface.
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

#define CONTROL_MAX_INPUT	64

/* The outcome of the last experiment, as the read side prints it. */
struct control_result {
	u32 run;		/* 0 when no run started (bad input) */
	u32 nr_structs;
	u32 nr_pages;
	u32 nr_blocks;
	int ret;
	u64 mismatches;
};

static struct dentry *control_dir;
static DEFINE_MUTEX(control_lock);	/* one experiment at a time */
static struct control_result last;	/* under control_lock */
static bool have_last;			/* under control_lock */

static const char * const mode_names[] = {
	[KMEMLAB_MODE_PAGES] = "pages",
	[KMEMLAB_MODE_KMALLOC] = "kmalloc",
	[KMEMLAB_MODE_VMALLOC] = "vmalloc",
};

/* "N" or "N MODE"; only the pages mode runs so far. */
static int parse_request(char *buf, u32 *nr, int *mode)
{
	char *arg = strim(buf);
	char *num = strsep(&arg, " \t");
	int ret;

	ret = kstrtou32(num, 0, nr);
	if (ret)
		return ret;
	*mode = KMEMLAB_MODE_PAGES;
	if (!arg)
		return 0;
	ret = match_string(mode_names, ARRAY_SIZE(mode_names), strim(arg));
	if (ret < 0)
		return -EINVAL;
	*mode = ret;
	return *mode == KMEMLAB_MODE_PAGES ? 0 : -EOPNOTSUPP;
}

static int run_pages(u32 nr_structs, struct control_result *res)
{
	struct kmemlab_run run;
	int ret;

	ret = kmemlab_run_init(&run, nr_structs);
	if (ret)
		return ret;
	ret = kmemlab_run_start(&run);
	if (!ret)
		kmemlab_run_finish(&run);
	res->run = run.id;
	res->nr_pages = run.plan.nr_pages;
	res->nr_blocks = run.plan.nr_blocks;
	res->mismatches = run.mismatches;
	kmemlab_run_release(&run);
	return ret;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[CONTROL_MAX_INPUT];
	struct control_result res = {};
	int mode, ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = parse_request(buf, &res.nr_structs, &mode);
	if (ret)
		return ret;

	if (mutex_lock_interruptible(&control_lock))
		return -EINTR;
	res.ret = run_pages(res.nr_structs, &res);
	last = res;
	have_last = true;
	mutex_unlock(&control_lock);
	return res.ret ? res.ret : count;
}

static ssize_t control_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[128];
	int len;

	if (mutex_lock_interruptible(&control_lock))
		return -EINTR;
	if (have_last)
		len = scnprintf(buf, sizeof(buf),
				"run=%u nr_structs=%u pages=%u blocks=%u ret=%d mismatches=%llu\n",
				last.run, last.nr_structs, last.nr_pages,
				last.nr_blocks, last.ret, last.mismatches);
	else
		len = scnprintf(buf, sizeof(buf),
				"no run yet: write a struct count here\n");
	mutex_unlock(&control_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = control_read,
	.write = control_write,
	.llseek = default_llseek,
};

/**
 * kmemlab_control_init() - create debugfs kmemlab/run
 *
 * Return: 0, or the error of debugfs (e.g. -ENODEV without debugfs).
 */
int kmemlab_control_init(void)
{
	struct dentry *file;

	control_dir = debugfs_create_dir("kmemlab", NULL);
	if (IS_ERR(control_dir)) {
		pr_err("cannot create debugfs kmemlab/: %ld\n",
		       PTR_ERR(control_dir));
		return PTR_ERR(control_dir);
	}
	file = debugfs_create_file("run", 0600, control_dir, NULL,
				   &control_fops);
	if (IS_ERR(file)) {
		pr_err("cannot create debugfs kmemlab/run: %ld\n",
		       PTR_ERR(file));
		debugfs_remove_recursive(control_dir);
		return PTR_ERR(file);
	}
	return 0;
}

/* Waits for a write in progress: debugfs drains its users on removal. */
void kmemlab_control_exit(void)
{
	debugfs_remove_recursive(control_dir);
}
