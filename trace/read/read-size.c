// SPDX-License-Identifier: GPL-2.0
/*
 * Is a trace.dat whole?  libtracecmd 3.1.6 reads a file cut short without
 * complaint (the last CPU's data just ends early), so check what the file
 * declares against its size.  A version 7 file (trace-cmd.dat.v7(5)) is,
 * after its fixed header, a sequence of sections, each a 16-byte header
 * (u16 id, u16 flags, u32 string id, u64 size) and size bytes of data,
 * the CPU data inside its buffer section: trace-cmd writes them one after
 * another up to the end of the file.  Walking them must end exactly at
 * the end of the file; a section that runs past it means the file was
 * cut.  Other versions are left to libtracecmd.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read.h"
#include "tdat.h"
#include "lib/err.h"

#define SEC_HEADER	16
#define TRUNCATED \
	"truncated recording: the file ends before the data its header " \
	"declares (copy it again, or record again)"
#define MAX_SECTION_ID	64	/* ids are small; anything else: not a section */
#define MAX_SECTIONS	4096	/* trace-cmd writes ~10, 2 more per instance */

struct dat {
	int fd;
	uint64_t size;
	bool big_endian;
	uint64_t extra_at;	/* where bytes that are no section start */
};

static int read_at(const struct dat *d, uint64_t off, void *buf, size_t n)
{
	return pread(d->fd, buf, n, off) == (ssize_t)n ? 0 : -1;
}

static uint64_t get(const struct dat *d, const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[d->big_endian ? n - 1 - i : i] << (8 * i);
	return v;
}

/* The offset of the first section (tdat.c reads the fixed header). */
static int first_section(struct dat *d, uint64_t *off)
{
	struct tdat_head h;
	int r = tdat_head(d->fd, d->size, &h);

	if (r)
		return r;
	d->big_endian = h.big_endian;
	*off = h.end;
	return 0;
}

/*
 * A section header as trace-cmd writes one: a small id, and an options
 * section holds at least its DONE option (6 + 8 bytes).  Anything else
 * where a section should start is not part of the recording.
 */
static bool is_section(const struct dat *d, const unsigned char *h)
{
	uint64_t id = get(d, h, 2), size = get(d, h + 8, 8);

	return id <= MAX_SECTION_ID && (id != 0 || size >= 14);
}

/*
 * 0 whole (or not a v7 walk we can judge); -1 with errno EIO: cut short;
 * -1 with errno EINVAL and *extra set: bytes after the last section.
 * At most MAX_SECTIONS headers are read, whatever the file's size.
 */
static int walk_sections(struct dat *d, uint64_t *extra)
{
	unsigned char h[SEC_HEADER];
	uint64_t off;
	int n, r = first_section(d, &off);

	if (r)
		return r > 0 ? 0 : -1;
	for (n = 0; off < d->size; n++) {
		uint64_t end;

		if (off + SEC_HEADER > d->size || read_at(d, off, h, sizeof(h)))
			return -1;
		if (n == MAX_SECTIONS || !is_section(d, h))
			goto extra;
		end = off + SEC_HEADER + get(d, h + 8, 8);
		if (end < off || end > d->size)
			return -1;
		off = end;
	}
	return off == d->size ? 0 : -1;
extra:
	*extra = d->size - off;
	d->extra_at = off;
	errno = EINVAL;
	return -1;
}

int read_check_size(int fd, char *err, size_t len)
{
	struct dat d = { .fd = fd };
	uint64_t extra = 0;
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	d.size = st.st_size;
	if (!walk_sections(&d, &extra))
		return 0;
	if (extra)
		return err_set(err, len, EINVAL,
			       "%llu bytes after the last section (at offset %llu): not part of a recording",
			       (unsigned long long)extra,
			       (unsigned long long)d.extra_at);
	return err_set(err, len, EIO, "%s", TRUNCATED);
}
