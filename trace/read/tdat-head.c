// SPDX-License-Identifier: GPL-2.0
/*
 * A version 7 trace.dat's event formats, read from its sections: the
 * HEADER_INFO section (header_page, header_event) and the EVENT_FORMATS
 * section, zstd-compressed when the section's flag says so (u32 compressed
 * size, u32 size, frame).  Their contents are laid out as in perf.data's
 * tracing data, so perf-tracing.c parses them.  libtracecmd's
 * tracecmd_open_head() would also read kallsyms (15% of a whole run's
 * instructions on the bench recordings, and 9 MiB), the printk formats,
 * the cmdlines and every ftrace format, none of which page events use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <zstd.h>

#include "perf-data.h"
#include "read.h"
#include "tdat.h"
#include "lib/err.h"

#define SEC_HEADER	16
#define SEC_COMPRESSED	1
#define SEC_HEADER_INFO	16
#define SEC_EVENT_FORMATS 18
/* Every format of a 6.12 kernel is ~2 MiB; ours are a few KiB. */
#define MAX_SECTION	(64u << 20)

struct section {
	const char *name;
	int id;
	uint64_t off;
	unsigned char *buf;	/* its contents, decompressed */
	uint64_t len;
	char where[64];		/* "section NAME at offset N", for errors */
};

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int bad(struct section *s, char *err, size_t len, const char *why)
{
	return err_set(err, len, EINVAL, "%s: %s", s->where, why);
}

static int read_exact(const struct tdat_file *f, uint64_t off, void *buf,
		      uint64_t n)
{
	if (off > f->file_size || n > f->file_size - off)
		return -1;
	return pread(f->fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

/* A compressed body is u32 compressed size, u32 size, then the frame. */
static int decompress(struct section *s, unsigned char *body, uint64_t size,
		      char *err, size_t len)
{
	uint32_t zn, n;
	size_t got;

	if (size < 8)
		return bad(s, err, len, "a compressed section shorter than its sizes");
	zn = (uint32_t)le(body, 4);
	n = (uint32_t)le(body + 4, 4);
	if (zn > size - 8 || n > MAX_SECTION)
		return bad(s, err, len, "compressed sizes that do not fit the section");
	s->buf = malloc(n ? n : 1);
	if (!s->buf)
		return -1;
	got = ZSTD_decompress(s->buf, n, body + 8, zn);
	if (ZSTD_isError(got) || got != n)
		return bad(s, err, len, "does not decompress (zstd)");
	s->len = n;
	return 0;
}

static int read_section(const struct tdat_file *f, struct section *s,
			char *err, size_t len)
{
	unsigned char h[SEC_HEADER], *body;
	uint64_t size;
	int ret;

	snprintf(s->where, sizeof(s->where), "section %s at offset %llu",
		 s->name, (unsigned long long)s->off);
	if (read_exact(f, s->off, h, sizeof(h)))
		return bad(s, err, len, "outside the file");
	size = le(h + 8, 8);
	if (le(h, 2) != (uint64_t)s->id)
		return bad(s, err, len, "another section's header is there");
	if (size > MAX_SECTION || s->off + SEC_HEADER + size > f->file_size)
		return bad(s, err, len, "runs past the end of the file");
	body = malloc(size ? size : 1);
	if (!body)
		return -1;
	if (read_exact(f, s->off + SEC_HEADER, body, size)) {
		free(body);
		return bad(s, err, len, "cannot be read");
	}
	if (!(le(h + 2, 2) & SEC_COMPRESSED)) {
		s->buf = body;
		s->len = size;
		return 0;
	}
	if (!f->zstd) {
		free(body);
		return bad(s, err, len, "compressed in a file without compression");
	}
	ret = decompress(s, body, size, err, len);
	free(body);
	return ret;
}

static struct tep_handle *new_tep(const struct tdat_file *f)
{
	struct tep_handle *tep = tep_alloc();

	if (!tep)
		return NULL;
	/* tdat_parse() took only little-endian files with 8-byte longs */
	tep_set_local_bigendian(tep, (enum tep_endian)tep_is_bigendian());
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, (int)f->page_size);
	return tep;
}

struct tep_handle *tdat_head_parse(const struct tdat_file *f, char *err,
				   size_t len)
{
	struct section head = { .name = "HEADER_INFO", .id = SEC_HEADER_INFO,
				.off = f->header_info };
	struct section formats = { .name = "EVENT_FORMATS",
				   .id = SEC_EVENT_FORMATS,
				   .off = f->event_formats };
	struct tep_handle *tep = new_tep(f);
	int ret = -1;

	if (!tep)
		return NULL;
	if (!read_section(f, &head, err, len) &&
	    !read_section(f, &formats, err, len) &&
	    !tracing_parse_header_info(tep, head.buf, head.len, head.where,
				       err, len) &&
	    !tracing_parse_systems(tep, formats.buf, formats.len,
				   formats.where, err, len))
		ret = 0;
	free(head.buf);
	free(formats.buf);
	if (ret) {
		if (errno == ENOMEM)
			err_set(err, len, ENOMEM, "out of memory");
		read_guard_call("tep_free() after a failed parse of the formats");
		tep_free(tep);
		read_guard_done();
		return NULL;
	}
	return tep;
}
