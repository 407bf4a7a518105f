// SPDX-License-Identifier: GPL-2.0
/*
 * The control file, debugfs kmemlab/run: each write of "N" runs a whole
 * experiment for N structs (plan, allocate, fill, verify, free) without
 * reloading the module; the write fails with the experiment's errno.  A read
 * prints the last result on one line.  "N MODE" picks the way memory is
 * obtained (pages, kmalloc, vmalloc); "N" alone is the pages experiment.
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
	int mode;
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

/* "N" or "N MODE" */
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
	arg = strim(arg);
	*mode = kmemlab_mode_parse(arg);
	if (*mode < 0) {
		pr_err("control: mode '%s' unknown, use pages, kmalloc or vmalloc\n",
		       arg);
		return -EINVAL;
	}
	return 0;
}

static int run_experiment(u32 nr_structs, int mode,
			  struct control_result *res)
{
	struct kmemlab_run run;
	int ret;

	ret = kmemlab_run_init(&run, nr_structs, mode);
	if (ret)
		goto out;
	ret = kmemlab_run_start(&run);
	if (!ret)
		kmemlab_run_finish(&run);
	res->run = run.id;
	res->nr_pages = run.plan.nr_pages;
	res->nr_blocks = run.plan.nr_blocks;
	res->mismatches = run.mismatches;
out:
	kmemlab_run_release(&run);
	return ret;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[CONTROL_MAX_INPUT];
	struct control_result res = {};
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = parse_request(buf, &res.nr_structs, &res.mode);
	if (ret)
		return ret;

	if (mutex_lock_interruptible(&control_lock))
		return -EINTR;
	res.ret = run_experiment(res.nr_structs, res.mode, &res);
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
				"run=%u nr_structs=%u pages=%u blocks=%u ret=%d mismatches=%llu mode=%s\n",
				last.run, last.nr_structs, last.nr_pages,
				last.nr_blocks, last.ret, last.mismatches,
				kmemlab_mode_name(last.mode));
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
 * kmemlab_control_init() - create debugfs kmemlab/ and its files
 * @load_run: the load-time experiment, for kmemlab/buffer
 *
 * Return: 0, or the error of debugfs (e.g. -ENODEV without debugfs).
 */
int kmemlab_control_init(struct kmemlab_run *load_run)
{
	int ret;

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
		ret = PTR_ERR(file);
		goto remove;
	}
	ret = kmemlab_probe_init(control_dir, load_run);
	if (ret)
		goto remove;
	return 0;

remove:
	debugfs_remove_recursive(control_dir);
	return ret;
}

/* Waits for a write in progress: debugfs drains its users on removal. */
void kmemlab_control_exit(void)
{
	debugfs_remove_recursive(control_dir);
}
