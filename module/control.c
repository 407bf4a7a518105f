// SPDX-License-Identifier: GPL-2.0
/*
 * The control file, debugfs kmemlab/run: each write of "N" runs a whole
 * experiment for N structs (plan, allocate, fill, verify, free) without
 * reloading the module; the write fails with the experiment's errno.  A read
 * prints the last result on one line.  "N MODE" picks the way memory is
 * obtained (pages, kmalloc, vmalloc); "N" alone is the pages experiment;
 * "show_values=1" prints exercise 4's values.  Input that breaks these rules
 * fails the write with one dmesg line naming it, and the read side says why.
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
#define CONTROL_MAX_WHY		128
/* Input names in messages: enough to recognise, short enough for a line. */
#define CONTROL_SHOWN_INPUT	24

#define CONTROL_RULE \
	"write N [pages|kmalloc|vmalloc] [show_values=0|1], N a struct count from 1 to 4294967295 read like a module parameter (010 is 8, 0x10 is 16)"

/* What one write asks for. */
struct control_request {
	u32 nr_structs;
	int mode;
	bool show_values;
};

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
/* Why the last write was refused before any run; "" if it was not. */
static char last_refusal[CONTROL_MAX_WHY];	/* under control_lock */

/* The number N; why must say which rule the word breaks. */
static int parse_count(const char *num, u32 *nr, char *why)
{
	int ret = kstrtou32(num, 0, nr);
	size_t len = min_t(size_t, strlen(num), CONTROL_SHOWN_INPUT);

	if (!ret)
		return 0;
	if (!*num)
		snprintf(why, CONTROL_MAX_WHY, "empty input");
	else if (*num == '-')
		snprintf(why, CONTROL_MAX_WHY, "'%*pE' is negative",
			 (int)len, num);
	else if (ret == -ERANGE)
		snprintf(why, CONTROL_MAX_WHY, "'%*pE' is above 4294967295",
			 (int)len, num);
	else
		snprintf(why, CONTROL_MAX_WHY, "'%*pE' is not a number",
			 (int)len, num);
	return ret;
}

/* One word after N: a mode name or show_values=BOOL. */
static int parse_option(const char *word, struct control_request *req,
			char *why)
{
	size_t len = min_t(size_t, strlen(word), CONTROL_SHOWN_INPUT);
	const char *val;
	int mode;

	val = str_has_prefix(word, "show_values=") ? word + strlen("show_values=") : NULL;
	if (val) {
		if (!kstrtobool(val, &req->show_values))
			return 0;
		snprintf(why, CONTROL_MAX_WHY, "'%*pE': show_values takes 0 or 1",
			 (int)len, word);
		return -EINVAL;
	}
	mode = kmemlab_mode_parse(word);
	if (mode >= 0) {
		req->mode = mode;
		return 0;
	}
	snprintf(why, CONTROL_MAX_WHY,
		 "mode '%*pE' unknown, use pages, kmalloc or vmalloc",
		 (int)len, word);
	return -EINVAL;
}

/* "N [MODE] [show_values=BOOL]"; on error why says what and which rule. */
static int parse_request(char *buf, struct control_request *req, char *why)
{
	char *arg = strim(buf);
	char *word = strsep(&arg, " \t");
	int ret;

	req->mode = KMEMLAB_MODE_PAGES;
	req->show_values = kmemlab_show_values;
	ret = parse_count(word, &req->nr_structs, why);
	while (!ret && arg) {
		word = strsep(&arg, " \t");
		if (*word)
			ret = parse_option(word, req, why);
	}
	return ret;
}

static int run_experiment(const struct control_request *req,
			  struct control_result *res)
{
	struct kmemlab_run run;
	int ret;

	ret = kmemlab_run_init(&run, req->nr_structs, req->mode);
	if (ret)
		goto out;
	run.show_values = req->show_values;
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

/* Copy in what fits; input too long for the buffer is refused, named. */
static int read_request(const char __user *ubuf, size_t count, char *buf,
			char *why)
{
	size_t len = min(count, CONTROL_MAX_INPUT - 1);

	if (copy_from_user(buf, ubuf, len)) {
		snprintf(why, CONTROL_MAX_WHY, "cannot read the %zu bytes written",
			 count);
		return -EFAULT;
	}
	buf[len] = '\0';
	if (count < CONTROL_MAX_INPUT)
		return 0;
	snprintf(why, CONTROL_MAX_WHY,
		 "'%*pE...' (%zu bytes) is longer than the %d bytes this file reads",
		 CONTROL_SHOWN_INPUT, buf, count, CONTROL_MAX_INPUT - 1);
	return -EINVAL;
}

/* One dmesg line, and the read side says the same until the next write. */
static int refuse(int ret, const char *why)
{
	pr_err("control: %s; " CONTROL_RULE "\n", why);
	mutex_lock(&control_lock);
	strscpy(last_refusal, why, sizeof(last_refusal));
	mutex_unlock(&control_lock);
	return ret;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[CONTROL_MAX_INPUT];
	char why[CONTROL_MAX_WHY];
	struct control_request req;
	struct control_result res = {};
	int ret;

	ret = read_request(ubuf, count, buf, why);
	if (!ret)
		ret = parse_request(buf, &req, why);
	if (ret)
		return refuse(ret, why);

	if (mutex_lock_interruptible(&control_lock))
		return -EINTR;
	res.nr_structs = req.nr_structs;
	res.mode = req.mode;
	res.ret = run_experiment(&req, &res);
	last = res;
	have_last = true;
	last_refusal[0] = '\0';
	mutex_unlock(&control_lock);
	return res.ret ? res.ret : count;
}

static int print_result(char *buf, size_t size, const struct control_result *r)
{
	return scnprintf(buf, size,
			 "run=%u nr_structs=%u pages=%u blocks=%u ret=%d mismatches=%llu mode=%s\n",
			 r->run, r->nr_structs, r->nr_pages, r->nr_blocks,
			 r->ret, r->mismatches, kmemlab_mode_name(r->mode));
}

static ssize_t control_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[CONTROL_MAX_WHY + 320];
	int len = 0;

	if (mutex_lock_interruptible(&control_lock))
		return -EINTR;
	if (last_refusal[0]) {
		len = scnprintf(buf, sizeof(buf),
				"last write failed: %s; " CONTROL_RULE "\n",
				last_refusal);
		if (have_last)
			len += scnprintf(buf + len, sizeof(buf) - len,
					 "before it: ");
	}
	if (have_last)
		len += print_result(buf + len, sizeof(buf) - len, &last);
	else if (!last_refusal[0])
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
