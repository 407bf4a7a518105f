// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of a version 7 trace.dat (trace-cmd.dat.v7(5)): a fixed
 * header (magic, version string, endianness, long size, page size,
 * compression name and version, offset of the first options section),
 * then sections of a 16-byte header (u16 id, u16 flags, u32 string id,
 * u64 size) and their data.  Options sections chain through their DONE
 * option; the BUFFER option gives the flyrecord section and each CPU's
 * data offset and size.  Every number read here comes from the file, so
 * each is checked against the file's size before it is used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tdat.h"
#include "lib/err.h"

#define SEC_HEADER	16
#define SEC_COMPRESSED	1
#define MAX_OPT_SECTION	(16u << 20)	/* options are a few KiB */
#define MAX_SECTIONS	64		/* a chain longer than this loops */
#define MAX_CPUS	4096

/* Option ids of trace-cmd.dat.v7(5). */
enum {
	OPT_DONE = 0, OPT_DATE = 1, OPT_BUFFER = 3, OPT_OFFSET = 7,
	OPT_TIME_SHIFT = 12, OPT_GUEST = 13, OPT_TSC2NSEC = 14,
	OPT_HEADER_INFO = 16, OPT_EVENT_FORMATS = 18, OPT_BUFFER_TEXT = 22,
};

struct opt_walk {
	uint64_t next;		/* next options section, 0: none */
	uint64_t flyrecord;	/* the top buffer's section */
	bool declined;
};

static int read_at(const struct tdat_file *f, uint64_t off, void *buf,
		   size_t n)
{
	if (off > f->file_size || n > f->file_size - off)
		return -1;
	return pread(f->fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The NUL-terminated string at @p within @end, or NULL. */
static const char *str_at(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *z = memchr(p, 0, end - p);

	return z ? (const char *)p : NULL;
}

/* A u16..u64 of the header, in the file's byte order. */
static uint64_t get(const unsigned char *p, int n, bool big_endian)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big_endian ? n - 1 - i : i] << (8 * i);
	return v;
}

/*
 * The header's strings: NUL-terminated within TDAT_HEAD_STR bytes and
 * within the bytes read; the offset just past the NUL, or 0.
 */
static size_t skip_str(const unsigned char *h, size_t off, size_t n)
{
	size_t max = n > off ? n - off : 0;
	const unsigned char *z;

	if (max > TDAT_HEAD_STR)
		max = TDAT_HEAD_STR;
	z = max ? memchr(h + off, 0, max) : NULL;
	return z ? (size_t)(z - h) + 1 : 0;
}

/*
 * Fixed header: magic(10) "7\0" endian(1) long(1) page(4) "algo\0" "ver\0"
 * u64 offset of the first options section; the first section follows.
 */
int tdat_head(int fd, uint64_t file_size, struct tdat_head *th)
{
	unsigned char h[18 + 2 * TDAT_HEAD_STR + 8];
	size_t n = sizeof(h), algo, ver;

	if (file_size < n)
		n = file_size;
	if (n < 14 || pread(fd, h, n, 0) != (ssize_t)n || memcmp(h + 10, "7", 2))
		return 1;	/* not version 7 */
	memset(th, 0, sizeof(*th));
	th->big_endian = h[12];
	th->long_size = h[13];
	th->page_size = n >= 18 ? (uint32_t)get(h + 14, 4, th->big_endian) : 0;
	algo = skip_str(h, 18, n);
	ver = algo ? skip_str(h, algo, n) : 0;
	if (!ver)
		return -1;
	th->end = ver + 8;
	if (th->end > n)
		return -1;
	memcpy(th->algo, h + 18, algo - 18);
	th->options = get(h + ver, 8, th->big_endian);
	return 0;
}

static int parse_head(struct tdat_file *f, uint64_t *opts, bool *zstd)
{
	struct tdat_head h;
	int ret = tdat_head(f->fd, f->file_size, &h);

	if (ret)
		return ret > 0 ? TDAT_NOT_HANDLED : -1;
	if (h.big_endian || h.long_size != 8)
		return TDAT_NOT_HANDLED;	/* big-endian or 32-bit */
	f->page_size = h.page_size;
	*opts = h.options;
	*zstd = !strcmp(h.algo, "zstd");
	if (!*zstd && strcmp(h.algo, "none"))
		return TDAT_NOT_HANDLED;	/* zlib or newer: libtracecmd */
	return 0;
}

static int check_cpu(const struct tdat_file *f, const struct tdat_cpu *c)
{
	if (c->cpu < 0 || c->offset > f->file_size ||
	    c->size > f->file_size - c->offset)
		return -1;
	/* Bare pages come whole; chunked data starts with its count. */
	if (!f->compressed && c->size % f->page_size)
		return -1;
	return 0;
}

static int parse_buffer(struct tdat_file *f, struct opt_walk *w,
			const unsigned char *p, const unsigned char *end,
			char *err, size_t len)
{
	const char *name, *clock;
	uint32_t nr, i;

	if (end - p < 8 || w->flyrecord)
		return err_set(err, len, EINVAL, "a malformed BUFFER option");
	w->flyrecord = le(p, 8);
	name = str_at(p + 8, end);
	clock = name ? str_at((const unsigned char *)name + strlen(name) + 1, end) : NULL;
	if (!clock)
		return err_set(err, len, EINVAL, "a malformed BUFFER option");
	if (*name)
		w->declined = true;	/* an instance buffer: libtracecmd */
	p = (const unsigned char *)clock + strlen(clock) + 1;
	if (end - p < 8)
		return err_set(err, len, EINVAL, "a malformed BUFFER option");
	if (le(p, 4) != f->page_size)
		w->declined = true;
	nr = (uint32_t)le(p + 4, 4);
	p += 8;
	if (nr > MAX_CPUS || (uint64_t)(end - p) < (uint64_t)nr * 20)
		return err_set(err, len, EINVAL, "a BUFFER option with a bad CPU count");
	f->cpus = calloc(nr ? nr : 1, sizeof(*f->cpus));
	if (!f->cpus)
		return -1;
	f->nr_cpus = (int)nr;
	for (i = 0; i < nr; i++, p += 20) {
		struct tdat_cpu *c = &f->cpus[i];

		c->cpu = (int)le(p, 4);
		c->offset = le(p + 4, 8);
		c->size = le(p + 12, 8);
	}
	return 0;
}

static int parse_option(struct tdat_file *f, struct opt_walk *w, int id,
			const unsigned char *p, const unsigned char *end,
			char *err, size_t len)
{
	switch (id) {
	case OPT_DONE:
		if (end - p < 8)
			return err_set(err, len, EINVAL, "a malformed DONE option");
		w->next = le(p, 8);
		return 0;
	case OPT_BUFFER:
		return parse_buffer(f, w, p, end, err, len);
	case OPT_HEADER_INFO:
	case OPT_EVENT_FORMATS:
		if (end - p < 8)
			return err_set(err, len, EINVAL, "a malformed section option");
		*(id == OPT_HEADER_INFO ? &f->header_info : &f->event_formats) = le(p, 8);
		return 0;
	case OPT_DATE: case OPT_OFFSET: case OPT_TIME_SHIFT:
	case OPT_GUEST: case OPT_TSC2NSEC: case OPT_BUFFER_TEXT:
		w->declined = true;	/* timestamps libtracecmd adjusts */
		return 0;
	}
	return 0;
}

static int parse_options(struct tdat_file *f, struct opt_walk *w,
			 const unsigned char *buf, uint64_t size,
			 char *err, size_t len)
{
	const unsigned char *p = buf, *end = buf + size;

	w->next = 0;
	while (end - p >= 6) {
		int id = (int)le(p, 2);
		uint32_t n = (uint32_t)le(p + 2, 4);

		p += 6;
		if (n > (uint64_t)(end - p))
			return err_set(err, len, EINVAL, "an option runs past its section");
		if (parse_option(f, w, id, p, p + n, err, len))
			return -1;
		p += n;
		if (id == OPT_DONE)
			break;
	}
	return 0;
}

/* One options section at @off: header, then options; sets w->next. */
static int read_options(struct tdat_file *f, struct opt_walk *w, uint64_t off,
			char *err, size_t len)
{
	unsigned char h[SEC_HEADER], *buf;
	uint64_t size;
	int ret;

	if (read_at(f, off, h, sizeof(h)))
		return err_set(err, len, EINVAL, "an options section outside the file");
	size = le(h + 8, 8);
	if (le(h, 2) != OPT_DONE || size > MAX_OPT_SECTION)
		return err_set(err, len, EINVAL, "a malformed options section");
	if (le(h + 2, 2) & SEC_COMPRESSED) {
		w->declined = true;
		return 0;
	}
	buf = malloc(size ? size : 1);
	if (!buf)
		return -1;
	ret = read_at(f, off + SEC_HEADER, buf, size) ?
	      err_set(err, len, EINVAL, "an options section outside the file") :
	      parse_options(f, w, buf, size, err, len);
	free(buf);
	return ret;
}

/* The flyrecord section must be a BUFFER section; its flag says zstd. */
static int check_flyrecord(struct tdat_file *f, uint64_t off, bool zstd,
			   char *err, size_t len)
{
	unsigned char h[SEC_HEADER];
	bool compressed;

	if (read_at(f, off, h, sizeof(h)) || le(h, 2) != OPT_BUFFER)
		return err_set(err, len, EINVAL, "a bad flyrecord section offset");
	compressed = le(h + 2, 2) & SEC_COMPRESSED;
	if (compressed && !zstd)
		return err_set(err, len, EINVAL, "compressed CPU data in an uncompressed file");
	f->compressed = compressed;
	return 0;
}

/* A CPU's file range: compressed data start with a u32 chunk count. */
static uint64_t cpu_end(const struct tdat_file *f, const struct tdat_cpu *c)
{
	return c->offset + c->size + (f->compressed ? 4 : 0);
}

static int by_offset(const void *a, const void *b)
{
	const struct tdat_cpu *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Each CPU's data are its own: two CPUs sharing bytes come from no writer,
 * and would make one chunk count for every CPU that points at it.
 */
static int check_overlap(struct tdat_file *f, char *err, size_t len)
{
	struct tdat_cpu *v = malloc(((size_t)f->nr_cpus + 1) * sizeof(*v));
	int i, n = 0, ret = 0;

	if (!v)
		return -1;
	for (i = 0; i < f->nr_cpus; i++)
		if (f->cpus[i].size)
			v[n++] = f->cpus[i];
	qsort(v, n, sizeof(*v), by_offset);
	for (i = 1; i < n && !ret; i++) {
		if (v[i].offset < cpu_end(f, &v[i - 1])) {
			snprintf(err, len, "corrupted CPU data: CPU %d data overlap CPU %d's",
				 v[i].cpu, v[i - 1].cpu);
			errno = EINVAL;
			ret = -1;
		}
	}
	free(v);
	return ret;
}

static int parse_layout(struct tdat_file *f, char *err, size_t len)
{
	struct opt_walk w = { 0 };
	uint64_t off;
	bool zstd;
	int i, ret;

	ret = parse_head(f, &off, &zstd);
	if (ret)
		return ret < 0 ? err_set(err, len, EINVAL, "cannot read the file header") : ret;
	if (f->page_size < 64 || f->page_size > (1u << 20))
		return TDAT_NOT_HANDLED;
	for (i = 0; off && i < MAX_SECTIONS && !w.declined; i++) {
		if (read_options(f, &w, off, err, len))
			return -1;
		off = w.next;
	}
	if (w.declined || off || !w.flyrecord)
		return TDAT_NOT_HANDLED;
	f->zstd = zstd;
	if (!f->header_info || !f->event_formats)
		return err_set(err, len, EINVAL,
			       "no HEADER_INFO or EVENT_FORMATS section in the options");
	if (check_flyrecord(f, w.flyrecord, zstd, err, len))
		return -1;
	for (i = 0; i < f->nr_cpus; i++)
		if (check_cpu(f, &f->cpus[i]))
			return err_set(err, len, EINVAL, "CPU data outside the file");
	return check_overlap(f, err, len);
}

int tdat_parse(int fd, struct tdat_file *f, char *err, size_t len)
{
	struct stat st;
	int ret;

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	if (fstat(fd, &st))
		return err_set(err, len, EINVAL, "%s", strerror(errno));
	f->file_size = (uint64_t)st.st_size;
	ret = parse_layout(f, err, len);
	if (ret)
		tdat_file_free(f);
	return ret;
}

void tdat_file_free(struct tdat_file *f)
{
	free(f->cpus);
	f->cpus = NULL;
	f->nr_cpus = 0;
}
