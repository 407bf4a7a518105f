// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming a recording's CPU data: one cursor per CPU holding one chunk
 * (zstd-decompressed, or a run of bare pages), its pages' events decoded
 * here (page_event()), the cursors merged by timestamp the way
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
#include <zstd.h>

#include "model/model.h"
#include "read.h"
#include "read-local.h"
#include "tdat.h"
#include "lib/err.h"

#define RAW_CHUNK_PAGES	16		/* pages per pread, uncompressed */
/*
 * trace-cmd 3.1 compresses a CPU's data 10 pages at a time (40 KiB chunks
 * on 4 KiB pages, measured on the bench recordings).  A chunk of more than
 * 64 pages comes from no writer we know, and a file that declares one can
 * only be asking for memory: 64 pages is 256 KiB on 4 KiB pages, 4 MiB on
 * 64 KiB pages.  All CPUs' chunk buffers together stay under MAX_BUFFERED:
 * 4096 CPUs of 10-page chunks on 4 KiB pages need 160 MiB.
 */
#define MAX_CHUNK_PAGES	64u
#define MAX_BUFFERED	(256u << 20)
#define PAD		64	/* a header or lost count may lie past the commit */
#define COMMIT_MASK	((1u << 27) - 1)

struct cursor {
	const struct tdat_file *f;
	int cpu;
	uint64_t pos, end;	/* file range still to read */
	uint32_t chunks;	/* compressed: the count its data start with */
	uint32_t chunks_left;	/* compressed: chunks still to read */
	unsigned char *buf;	/* the chunk's pages, PAD zero bytes after */
	size_t buf_cap, buf_len, page_off;
	unsigned char *zbuf;	/* compressed chunk */
	size_t zbuf_cap;
	int long_size;		/* of a page header's length field */
	unsigned char *page;	/* the page being walked, NULL: none yet */
	const unsigned char *data;	/* its events: after the page header */
	uint64_t size;		/* their length (the page's commit) */
	uint64_t next;		/* offset in data of the next event header */
	uint64_t ts;		/* timestamp of the last event read */
	long long lost;		/* events lost before the page; -1: unknown */
	struct tep_record rec;
	bool has;		/* rec holds this CPU's next record */
};

struct stream {
	struct tdat_file f;
	struct cursor *cur;
	size_t buffered;	/* bytes of every cursor's buffers */
	ZSTD_DCtx *zctx;
	char *err;
	size_t len;
};

static int bad(struct stream *s, const struct cursor *c, const char *why)
{
	return err_set(s->err, s->len, EINVAL, "corrupted CPU %d data: %s",
		       c->cpu, why);
}

static int grow(struct stream *s, unsigned char **p, size_t *cap, size_t n)
{
	unsigned char *q;

	if (n <= *cap)
		return 0;
	if (s->buffered - *cap + n > MAX_BUFFERED) {
		snprintf(s->err, s->len,
			 "corrupted CPU data: the CPUs' chunks would need more than %u MiB together",
			 MAX_BUFFERED >> 20);
		errno = EFBIG;
		return -1;
	}
	q = realloc(*p, n);
	if (!q)
		return -1;
	s->buffered = s->buffered - *cap + n;
	*p = q;
	*cap = n;
	return 0;
}

static int fill_raw(struct stream *s, struct cursor *c)
{
	size_t n = (size_t)s->f.page_size * RAW_CHUNK_PAGES;

	if (n > c->end - c->pos)
		n = c->end - c->pos;
	if (grow(s, &c->buf, &c->buf_cap, n + PAD))
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
	    pread(s->f.fd, h, sizeof(h), (off_t)c->pos) != sizeof(h)) {
		char why[160];

		snprintf(why, sizeof(why),
			 "its chunk count says %u, but its data end after chunk %u",
			 c->chunks, c->chunks - c->chunks_left);
		return bad(s, c, why);
	}
	zn = le32(h);
	n = le32(h + 4);
	if (n > MAX_CHUNK_PAGES * s->f.page_size) {
		snprintf(s->err, s->len,
			 "corrupted CPU %d data: chunk %u, a chunk declaring %u bytes, more than the %u pages a chunk holds",
			 c->cpu, c->chunks - c->chunks_left, n, MAX_CHUNK_PAGES);
		errno = EFBIG;
		return -1;
	}
	if (zn > c->end - c->pos - sizeof(h) || n % s->f.page_size ||
	    zn > ZSTD_compressBound(n))
		return bad(s, c, "a chunk of impossible size");
	if (grow(s, &c->zbuf, &c->zbuf_cap, zn ? zn : 1) ||
	    grow(s, &c->buf, &c->buf_cap, (size_t)n + PAD))
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

/*
 * The chunk count and the CPU's size must agree: a count lowered (or
 * zeroed with the data) would otherwise end the CPU early, silently.
 * trace-cmd 3.3 ends each CPU's chunks with a zero word, counted in the
 * CPU's size but not in its chunk count (seen in Debian 13's 3.3.1
 * recordings); 3.1 writes none.
 */
static int chunks_done(struct stream *s, struct cursor *c)
{
	unsigned char end_word[4];
	char why[160];

	if (c->pos == c->end)
		return 0;
	if (c->end - c->pos == sizeof(end_word) &&
	    pread(s->f.fd, end_word, sizeof(end_word), (off_t)c->pos) ==
	    sizeof(end_word) && !le32(end_word))
		return 0;
	snprintf(why, sizeof(why),
		 "its chunk count says %u, but %llu of its bytes follow chunk %u",
		 c->chunks, (unsigned long long)(c->end - c->pos), c->chunks);
	return bad(s, c, why);
}

/* 1: loaded a chunk, 0: the CPU's data are done, -1: error. */
static int next_chunk(struct stream *s, struct cursor *c)
{
	int ret;

	if (s->f.compressed && !c->chunks_left)
		return chunks_done(s, c);
	if (!s->f.compressed && c->pos >= c->end)
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
 * data's length and whose bits 31 and 30 say events were lost before the
 * page and, then, that their count is stored right after the data.
 */
#define MISSING_EVENTS	0x80000000ULL
#define MISSING_STORED	0x40000000ULL

static uint64_t read_long(const struct cursor *c, const unsigned char *p)
{
	uint64_t v = le32(p);

	if (c->long_size == 8)
		v |= (uint64_t)le32(p + 4) << 32;
	return v;
}

/* Load the next page; 1: loaded, 0: no more, -1: error. */
static int next_page(struct stream *s, struct cursor *c)
{
	uint64_t flags;
	int ret;

	if (!c->page || c->page_off >= c->buf_len) {
		ret = next_chunk(s, c);
		if (ret <= 0)
			return ret;
	}
	c->page = c->buf + c->page_off;
	c->page_off += s->f.page_size;
	c->data = c->page + 8 + c->long_size;
	flags = read_long(c, c->page + 8);
	c->size = flags & COMMIT_MASK;
	/* the lost count after the data is read from there: it must fit too */
	if (8 + c->long_size + c->size > s->f.page_size)
		return bad(s, c, "a page whose length exceeds the page size");
	c->ts = (uint64_t)le32(c->page) | (uint64_t)le32(c->page + 4) << 32;
	c->lost = 0;
	if (flags & MISSING_EVENTS)
		c->lost = flags & MISSING_STORED ?
			  (long long)read_long(c, c->data + c->size) : -1;
	c->next = 0;
	return 1;
}

/*
 * The ring buffer's event headers (include/linux/ring_buffer.h): a u32
 * whose low 5 bits are the type or length in words and whose upper 27 are
 * the time since the previous event.  Types 29-31 are padding, a time
 * extension and an absolute time stamp; 0 means the length follows as a
 * u32 that counts itself; 1-28 are the data's length in words.  Read here
 * directly rather than through kbuffer, with the same arithmetic as
 * libtraceevent's kbuffer_next_event(): its function pointers per field
 * cost more than the events' own decoding.
 */
#define TYPE_PADDING	29
#define TYPE_TIME_EXTEND 30
#define TYPE_TIME_STAMP	31
#define TS_SHIFT	27
#define TYPE_LEN_BITS	5	/* an event header: type or length, then the time delta */
#define TS_MSB		(0xf8ULL << 56)

/*
 * An event header of type 0 or 29-31 at *@p (past its first word): move
 * *@p past it, adjust *@delta, and set *@len to what follows; -1 for an
 * impossible length.
 */
static int long_header(struct cursor *c, uint32_t type,
		       const unsigned char **p, uint64_t *delta, uint64_t *len)
{
	switch (type) {
	case TYPE_PADDING:
		*len = le32(*p);
		return 0;
	case TYPE_TIME_STAMP:
		*delta = ((uint64_t)le32(*p) << TS_SHIFT) + *delta;
		c->ts = *delta | (c->ts & TS_MSB);
		*delta = 0;
		break;
	case TYPE_TIME_EXTEND:
		*delta += (uint64_t)le32(*p) << TS_SHIFT;
		break;
	default:	/* 0: the length follows, counting itself */
		if (le32(*p) < 4)
			return -1;
		*len = ((uint64_t)le32(*p) - 4 + 3) & ~3ULL;
		*p += 4;
		return 0;
	}
	*p += 4;
	*len = 0;
	return 0;
}

/* 1: the page's next event is in c->rec; 0: the page is done; -1: error. */
static int page_event(struct stream *s, struct cursor *c)
{
	for (;;) {
		uint64_t at = c->next, delta, len;
		const unsigned char *p = c->data + at;
		uint32_t head, type;

		if (at >= c->size)
			return 0;
		head = le32(p);
		type = head & 31;
		delta = head >> TYPE_LEN_BITS;
		p += 4;
		/* nearly every event: its length in words, in the header */
		if (type && type < TYPE_PADDING)
			len = type * 4;
		else if (long_header(c, type, &p, &delta, &len))
			return bad(s, c, "an event of impossible length");
		c->ts += delta;
		c->next = (uint64_t)(p - c->data) + len;
		if (type >= TYPE_PADDING)
			continue;
		if (c->next > c->size)
			return bad(s, c, "an event longer than its page");
		c->rec.ts = c->ts;
		c->rec.data = (void *)p;
		c->rec.size = (int)len;
		c->rec.record_size = (int)(c->next - at);
		/* as kbuffer: only an event at the page's very start carries it */
		c->rec.missed_events = at ? 0 : c->lost;
		return 1;
	}
}

/* advance() past the end of @c's page (@ret 0) or on an error (-1). */
static __attribute__((noinline)) int
advance_page(struct stream *s, struct cursor *c, int ret)
{
	c->has = false;
	while (!ret) {
		ret = next_page(s, c);
		if (ret <= 0)
			return ret;
		ret = page_event(s, c);
	}
	if (ret < 0)
		return -1;
	c->has = true;
	return 0;
}

/* Move @c to its CPU's next record; c->has false when there is none. */
static int advance(struct stream *s, struct cursor *c)
{
	int ret = c->page ? page_event(s, c) : 0;

	if (ret <= 0)
		return advance_page(s, c, ret);
	c->has = true;
	return 0;
}

static int cursor_init(struct stream *s, struct cursor *c,
		       const struct tdat_cpu *tc, struct tep_handle *tep)
{
	unsigned char n[4];

	c->f = &s->f;
	c->cpu = tc->cpu;
	c->pos = tc->offset;
	c->end = tc->offset + tc->size;
	c->long_size = tep_get_header_page_size(tep) == 8 ? 8 : 4;
	c->rec.cpu = c->cpu;
	if (!s->f.compressed)
		return 0;
	if (pread(s->f.fd, n, sizeof(n), (off_t)c->pos) != sizeof(n))
		return bad(s, c, "cannot read its chunk count");
	/* The CPU's size counts its chunks, not the count before them. */
	if (c->end > s->f.file_size - sizeof(n))
		return bad(s, c, "chunks past the end of the file");
	c->chunks = le32(n);
	c->chunks_left = c->chunks;
	c->pos += sizeof(n);
	c->end += sizeof(n);
	return 0;
}

static void cursors_free(struct stream *s)
{
	int i;

	for (i = 0; s->cur && i < s->f.nr_cpus; i++) {
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

/*
 * The cursor whose record goes next, and, in @until, the one that would
 * go after it were it not advanced: records in timestamp order, on a tie
 * the earlier CPU slot first.
 */
static struct cursor *pick(struct stream *s, struct cursor **until)
{
	struct cursor *best = NULL, *next = NULL;
	int i;

	for (i = 0; i < s->f.nr_cpus; i++) {
		struct cursor *c = &s->cur[i];

		if (!c->has)
			continue;
		if (!best || c->rec.ts < best->rec.ts) {
			next = best;
			best = c;
		} else if (!next || c->rec.ts < next->rec.ts) {
			next = c;
		}
	}
	*until = next;
	return best;
}

/*
 * page_event() of an event in the middle of a page with its length in its
 * header, as nearly every one is; false for any other, which
 * page_event() then reads.  Inline in drain()'s loop: a call per record
 * costs as much as the decoding.
 */
static inline bool next_plain_event(struct cursor *c)
{
	uint64_t at = c->next, next;
	uint32_t head, type;

	if (!at || at >= c->size)
		return false;
	head = le32(c->data + at);
	type = head & 31;
	next = at + 4 + type * 4;
	if (!type || type >= TYPE_PADDING || next > c->size)
		return false;
	c->ts += head >> TYPE_LEN_BITS;
	c->next = next;
	c->rec.ts = c->ts;
	c->rec.data = (void *)(c->data + at + 4);
	c->rec.size = (int)(type * 4);
	c->rec.record_size = (int)(next - at);
	c->rec.missed_events = 0;
	return true;
}

/*
 * Feed @c's records to the model while they go before @until's (on a
 * tie: while @c is the earlier slot).  Only @c moves, so a CPU that
 * holds most of a recording's records is read without looking at the
 * others each time.
 */
static int drain(struct stream *s, struct read_ctx *ctx,
		 const struct read_pages *pg, struct cursor *c,
		 const struct cursor *until)
{
	uint64_t stop = until ? until->rec.ts : UINT64_MAX;
	bool tie_goes = !until || c < until;

	do {
		if (read_page_record(ctx, pg, &c->rec))
			return err_set(s->err, s->len, errno, "%s",
				       strerror(errno));
		if (!next_plain_event(c) && advance(s, c))
			return -1;
	} while (c->has &&
		 (c->rec.ts < stop || (c->rec.ts == stop && tie_goes)));
	return 0;
}

/* Records in timestamp order, on a tie the earlier CPU slot first. */
static int merge(struct stream *s, struct read_ctx *ctx)
{
	const struct read_pages *pg = read_ctx_pages(ctx);
	struct cursor *best, *until;
	int i;

	for (i = 0; i < s->f.nr_cpus; i++)
		if (advance(s, &s->cur[i]))
			return -1;
	while ((best = pick(s, &until)))
		if (drain(s, ctx, pg, best, until))
			return -1;
	return 0;
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
 * A layout that contradicts itself is reported here, with the part that
 * does; only a layout this reader does not handle goes to libtracecmd.
 */
int tdat_load(const char *path, int fd, struct model *m,
	      struct read_stats *st, char *err, size_t len)
{
	struct stream s = { .err = err, .len = len };
	struct tep_handle *tep = NULL;
	int ret = READ_DECLINED;

	(void)path;
	if (forced_off())
		goto out;
	ret = tdat_parse(fd, &s.f, err, len);	/* -1, or READ_DECLINED */
	if (ret)
		goto out;
	ret = -1;
	tep = tdat_head_parse(&s.f, err, len);
	if (!tep)
		goto out;
	if (tep_get_header_page_size(tep) < 4) {
		err_set(err, len, EINVAL,
			"section HEADER_INFO: a header_page without a commit field");
		goto out;
	}
	s.zctx = s.f.compressed ? ZSTD_createDCtx() : NULL;
	if ((s.f.compressed && !s.zctx) || cursors_new(&s, tep)) {
		if (errno == ENOMEM)
			err_set(err, len, ENOMEM, "out of memory");
		goto out;
	}
	ret = stream_model(&s, tep, m, st);
out:
	cursors_free(&s);
	ZSTD_freeDCtx(s.zctx);
	if (tep) {
		read_guard_call("tep_free() on the formats of section EVENT_FORMATS");
		tep_free(tep);
		read_guard_done();
	}
	tdat_file_free(&s.f);
	return ret;
}
