// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming a recording's CPU data: one cursor per CPU holding one chunk
 * (zstd-decompressed, or a run of bare pages), its pages walked with
 * libtraceevent's kbuffer, the cursors merged by timestamp the way
 * tracecmd_iterate_events() does (the lowest CPU slot wins a tie), each
 * record handed to read_ctx_record().  Memory is a chunk per CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <kbuffer.h>
#include <trace-cmd.h>
#include <zstd.h>

#include "model/model.h"
#include "read.h"
#include "tdat.h"
#include "lib/err.h"

#define RAW_CHUNK_PAGES	16		/* pages per pread, uncompressed */
#define MAX_CHUNK	(64u << 20)	/* trace-cmd writes 10-page chunks */
#define PAD		64	/* kbuffer may peek past a page's commit */
#define COMMIT_MASK	((1u << 27) - 1)

struct cursor {
	const struct tdat_file *f;
	int cpu;
	uint64_t pos, end;	/* file range still to read */
	uint32_t chunks_left;	/* compressed: chunks still to read */
	unsigned char *buf;	/* the chunk's pages, PAD zero bytes after */
	size_t buf_cap, buf_len, page_off;
	unsigned char *zbuf;	/* compressed chunk */
	size_t zbuf_cap;
	struct kbuffer *kb;
	int long_size;		/* of a page header's length field */
	unsigned char *page;	/* the page kb walks, NULL: none yet */
	struct tep_record rec;
	bool has;		/* rec holds this CPU's next record */
};

struct stream {
	struct tdat_file f;
	struct cursor *cur;
	ZSTD_DCtx *zctx;
	char *err;
	size_t len;
};

static int bad(struct stream *s, const struct cursor *c, const char *why)
{
	return err_set(s->err, s->len, EINVAL, "corrupted CPU %d data: %s",
		       c->cpu, why);
}

static int grow(unsigned char **p, size_t *cap, size_t n)
{
	unsigned char *q;

	if (n <= *cap)
		return 0;
	q = realloc(*p, n);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static int fill_raw(struct stream *s, struct cursor *c)
{
	size_t n = (size_t)s->f.page_size * RAW_CHUNK_PAGES;

	if (n > c->end - c->pos)
		n = c->end - c->pos;
	if (grow(&c->buf, &c->buf_cap, n + PAD))
		return -1;
	if (pread(s->f.fd, c->buf, n, (off_t)c->pos) != (ssize_t)n)
		return bad(s, c, "cannot read its pages");
	c->pos += n;
	c->buf_len = n;
	return 0;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A chunk: u32 compressed size, u32 decompressed size, zstd frame. */
static int fill_zstd(struct stream *s, struct cursor *c)
{
	unsigned char h[8];
	uint32_t zn, n;
	size_t got;

	if (c->end - c->pos < sizeof(h) ||
	    pread(s->f.fd, h, sizeof(h), (off_t)c->pos) != sizeof(h))
		return bad(s, c, "a chunk header past its data");
	zn = le32(h);
	n = le32(h + 4);
	if (zn > c->end - c->pos - sizeof(h) || n > MAX_CHUNK ||
	    n % s->f.page_size)
		return bad(s, c, "a chunk of impossible size");
	if (grow(&c->zbuf, &c->zbuf_cap, zn ? zn : 1) ||
	    grow(&c->buf, &c->buf_cap, (size_t)n + PAD))
		return -1;
	if (pread(s->f.fd, c->zbuf, zn, (off_t)(c->pos + sizeof(h))) != zn)
		return bad(s, c, "cannot read a chunk");
	got = ZSTD_decompressDCtx(s->zctx, c->buf, n, c->zbuf, zn);
	if (ZSTD_isError(got) || got != n)
		return bad(s, c, "a chunk that does not decompress");
	c->pos += sizeof(h) + zn;
	c->chunks_left--;
	c->buf_len = n;
	return 0;
}

/* 1: loaded a chunk, 0: the CPU's data are done, -1: error. */
static int next_chunk(struct stream *s, struct cursor *c)
{
	int ret;

	if (s->f.compressed ? !c->chunks_left : c->pos >= c->end)
		return 0;
	ret = s->f.compressed ? fill_zstd(s, c) : fill_raw(s, c);
	if (ret)
		return -1;
	memset(c->buf + c->buf_len, 0, PAD);
	c->page_off = 0;
	return 1;
}

/*
 * A page header is a u64 timestamp and a long whose low 27 bits are the
 * data's length (the rest are flags).  kbuffer_load_subbuffer() trusts
 * that length (it reads a lost-events count right after the data), so
 * check it first.
 */
static bool page_fits(const struct stream *s, const struct cursor *c)
{
	uint64_t commit = le32(c->page + 8);

	if (c->long_size == 8)
		commit |= (uint64_t)le32(c->page + 12) << 32;
	commit &= COMMIT_MASK;
	return 8 + c->long_size + commit <= s->f.page_size;
}

/* Load the next page into kb; 1: loaded, 0: no more, -1: error. */
static int next_page(struct stream *s, struct cursor *c)
{
	int ret, start;

	if (!c->page || c->page_off >= c->buf_len) {
		ret = next_chunk(s, c);
		if (ret <= 0)
			return ret;
	}
	c->page = c->buf + c->page_off;
	c->page_off += s->f.page_size;
	if (!page_fits(s, c))
		return bad(s, c, "a page whose length exceeds the page size");
	if (kbuffer_load_subbuffer(c->kb, c->page))
		return bad(s, c, "an unreadable page");
	start = kbuffer_start_of_data(c->kb);
	if (start < 0 || kbuffer_subbuffer_size(c->kb) < 0 ||
	    (uint64_t)start + kbuffer_subbuffer_size(c->kb) > s->f.page_size)
		return bad(s, c, "a page whose length exceeds the page size");
	return 1;
}

/* The event must end inside its page's data: kbuffer does not check. */
static int take_event(struct stream *s, struct cursor *c, void *ev,
		      unsigned long long ts)
{
	unsigned char *data_end = c->page + kbuffer_start_of_data(c->kb) +
				  kbuffer_subbuffer_size(c->kb);
	int size = kbuffer_event_size(c->kb);

	if (size < 0 || (unsigned char *)ev + size > data_end)
		return bad(s, c, "an event longer than its page");
	memset(&c->rec, 0, sizeof(c->rec));
	c->rec.ts = ts;
	c->rec.cpu = c->cpu;
	c->rec.data = ev;
	c->rec.size = size;
	c->rec.record_size = kbuffer_curr_size(c->kb);
	c->rec.missed_events = kbuffer_missed_events(c->kb);
	c->has = true;
	return 0;
}

/* Move @c to its CPU's next record; c->has false when there is none. */
static int advance(struct stream *s, struct cursor *c)
{
	unsigned long long ts = 0;
	void *ev = c->page ? kbuffer_next_event(c->kb, &ts) : NULL;
	int ret;

	c->has = false;
	while (!ev) {
		ret = next_page(s, c);
		if (ret <= 0)
			return ret;
		ev = kbuffer_read_event(c->kb, &ts);
	}
	return take_event(s, c, ev, ts);
}

static int cursor_init(struct stream *s, struct cursor *c,
		       const struct tdat_cpu *tc, struct tep_handle *tep)
{
	enum kbuffer_long_size ls = tep_get_header_page_size(tep) == 8 ?
				    KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4;
	unsigned char n[4];

	c->f = &s->f;
	c->cpu = tc->cpu;
	c->pos = tc->offset;
	c->end = tc->offset + tc->size;
	c->long_size = ls == KBUFFER_LSIZE_8 ? 8 : 4;
	c->kb = kbuffer_alloc(ls, tep_is_file_bigendian(tep) ?
			      KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE);
	if (!c->kb)
		return -1;
	if (!s->f.compressed)
		return 0;
	if (pread(s->f.fd, n, sizeof(n), (off_t)c->pos) != sizeof(n))
		return bad(s, c, "cannot read its chunk count");
	/* The CPU's size counts its chunks, not the count before them. */
	if (c->end > s->f.file_size - sizeof(n))
		return bad(s, c, "chunks past the end of the file");
	c->chunks_left = le32(n);
	c->pos += sizeof(n);
	c->end += sizeof(n);
	return 0;
}

static void cursors_free(struct stream *s)
{
	int i;

	for (i = 0; s->cur && i < s->f.nr_cpus; i++) {
		if (s->cur[i].kb)
			kbuffer_free(s->cur[i].kb);
		free(s->cur[i].buf);
		free(s->cur[i].zbuf);
	}
	free(s->cur);
	s->cur = NULL;
}

static int cursors_new(struct stream *s, struct tep_handle *tep)
{
	int i;

	s->cur = calloc(s->f.nr_cpus ? s->f.nr_cpus : 1, sizeof(*s->cur));
	if (!s->cur)
		return -1;
	for (i = 0; i < s->f.nr_cpus; i++)
		if (cursor_init(s, &s->cur[i], &s->f.cpus[i], tep))
			return -1;
	return 0;
}

/* Records in timestamp order; on a tie the earlier CPU slot goes first. */
static int merge(struct stream *s, struct read_ctx *ctx)
{
	struct cursor *best;
	int i;

	for (i = 0; i < s->f.nr_cpus; i++)
		if (advance(s, &s->cur[i]))
			return -1;
	for (;;) {
		best = NULL;
		for (i = 0; i < s->f.nr_cpus; i++)
			if (s->cur[i].has &&
			    (!best || s->cur[i].rec.ts < best->rec.ts))
				best = &s->cur[i];
		if (!best)
			return 0;
		if (read_ctx_record(ctx, &best->rec))
			return err_set(s->err, s->len, errno, "%s", strerror(errno));
		if (advance(s, best))
			return -1;
	}
}

static int stream_model(struct stream *s, struct tep_handle *tep,
			struct model *m, struct read_stats *st)
{
	struct read_ctx *ctx = read_ctx_new(tep, m, s->err, s->len);
	int ret = -1;

	if (!ctx)
		return -1;
	if (!merge(s, ctx))
		ret = read_finish(ctx, m, st, READ_NO_EVENTS, s->err, s->len);

	read_ctx_free(ctx);
	return ret;
}

static bool forced_off(void)
{
	const char *r = getenv("KMEMLAB_READER");

	return r && !strcmp(r, "libtracecmd");
}

/*
 * A layout we cannot parse is left to libtracecmd too, so a damaged
 * header gets the same diagnosis as before; only damage found while
 * streaming (the model already fed) is ours to report.
 */
int tdat_load(const char *path, int fd, struct model *m,
	      struct read_stats *st, char *err, size_t len)
{
	struct stream s = { .err = err, .len = len };
	struct tracecmd_input *handle = NULL;
	int ret = READ_DECLINED;

	if (forced_off() || tdat_parse(fd, &s.f, err, len))
		goto out;
	handle = tracecmd_open_head(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!handle || tep_get_header_page_size(tracecmd_get_tep(handle)) < 4)
		goto out;
	ret = -1;
	s.zctx = s.f.compressed ? ZSTD_createDCtx() : NULL;
	if ((s.f.compressed && !s.zctx) ||
	    cursors_new(&s, tracecmd_get_tep(handle))) {
		if (errno == ENOMEM)
			err_set(err, len, ENOMEM, "out of memory");
		goto out;
	}
	ret = stream_model(&s, tracecmd_get_tep(handle), m, st);
out:
	cursors_free(&s);
	ZSTD_freeDCtx(s.zctx);
	if (handle)
		tracecmd_close(handle);
	tdat_file_free(&s.f);
	return ret;
}
