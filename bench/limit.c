// SPDX-License-Identifier: GPL-2.0
/*
 * limit - the physical limit of reading a recording: find each CPU's data
 * in a version 7 trace.dat (the BUFFER option of its options sections),
 * zstd-decompress them chunk by chunk into one reused buffer (or pread
 * them, uncompressed), and touch every 8 bytes once.  No event is decoded
 * and nothing is merged: whatever reader does more than this pays for it.
 * `make bench` holds ./analyze against it.
 *
 * Usage: limit FILE   (prints the bytes touched and a checksum, so the
 * pass cannot be optimised away)
 *
 * A benchmark's helper, not a reader: it trusts the file (the bench
 * recordings), checking only what keeps it inside its buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#define OPT_DONE	0
#define OPT_BUFFER	3
#define RAW_STEP	(64u << 10)

struct pass {
	int fd;
	uint64_t size;
	unsigned char *buf, *zbuf;
	size_t buf_cap, zbuf_cap;
	ZSTD_DCtx *z;
	uint64_t bytes, sum;
};

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void die(const char *what)
{
	fprintf(stderr, "limit: %s\n", what);
	exit(1);
}

static void read_at(struct pass *p, uint64_t off, void *buf, size_t n)
{
	if (off > p->size || n > p->size - off ||
	    pread(p->fd, buf, n, (off_t)off) != (ssize_t)n)
		die("read outside the file");
}

static void *grow(unsigned char **b, size_t *cap, size_t n)
{
	if (n > *cap) {
		*b = realloc(*b, n);
		if (!*b)
			die("out of memory");
		*cap = n;
	}
	return *b;
}

/* The one pass over the data any reader makes. */
static void touch(struct pass *p, const unsigned char *d, size_t n)
{
	uint64_t v, sum = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&v, d + i, 8);
		sum += v;
	}
	p->sum += sum;
	p->bytes += n;
}

static void cpu_zstd(struct pass *p, uint64_t off)
{
	unsigned char h[8];
	uint32_t nr, i;

	read_at(p, off, h, 4);
	nr = (uint32_t)le(h, 4);
	off += 4;
	for (i = 0; i < nr; i++) {
		uint32_t zn, n;

		read_at(p, off, h, 8);
		zn = (uint32_t)le(h, 4);
		n = (uint32_t)le(h + 4, 4);
		grow(&p->zbuf, &p->zbuf_cap, zn ? zn : 1);
		grow(&p->buf, &p->buf_cap, n ? n : 1);
		read_at(p, off + 8, p->zbuf, zn);
		if (ZSTD_decompressDCtx(p->z, p->buf, n, p->zbuf, zn) != n)
			die("a chunk does not decompress");
		touch(p, p->buf, n);
		off += 8 + zn;
	}
}

static void cpu_raw(struct pass *p, uint64_t off, uint64_t size)
{
	grow(&p->buf, &p->buf_cap, RAW_STEP);
	while (size) {
		size_t n = size < RAW_STEP ? size : RAW_STEP;

		read_at(p, off, p->buf, n);
		touch(p, p->buf, n);
		off += n;
		size -= n;
	}
}

/* BUFFER option: u64 section, name, clock, u32 page size, u32 cpus, cpus. */
static void buffer(struct pass *p, const unsigned char *o, size_t n,
		   bool compressed)
{
	const unsigned char *q = o + 8, *end = o + n;
	uint32_t nr, i;

	for (i = 0; i < 2; i++) {
		q = memchr(q, 0, end - q);
		if (!q)
			die("a malformed BUFFER option");
		q++;
	}
	if (end - q < 8)
		die("a malformed BUFFER option");
	nr = (uint32_t)le(q + 4, 4);
	q += 8;
	for (i = 0; i < nr && end - q >= 20; i++, q += 20) {
		if (compressed)
			cpu_zstd(p, le(q + 4, 8));
		else
			cpu_raw(p, le(q + 4, 8), le(q + 12, 8));
	}
}

/* Walk the options sections; read the CPU data the BUFFER option names. */
static void walk(struct pass *p, uint64_t off, bool zstd)
{
	unsigned char h[16], *opts;

	while (off) {
		uint64_t size, at, next = 0;

		read_at(p, off, h, 16);
		size = le(h + 8, 8);
		opts = malloc(size ? size : 1);
		if (!opts)
			die("out of memory");
		read_at(p, off + 16, opts, size);
		for (at = 0; at + 6 <= size;) {
			int id = (int)le(opts + at, 2);
			uint32_t n = (uint32_t)le(opts + at + 2, 4);

			at += 6;
			if (n > size - at)
				die("an option past its section");
			if (id == OPT_BUFFER) {
				read_at(p, le(opts + at, 8), h, 16);
				buffer(p, opts + at, n, zstd && (le(h + 2, 2) & 1));
			}
			if (id == OPT_DONE) {
				next = le(opts + at, 8);
				break;
			}
			at += n;
		}
		free(opts);
		off = next;
	}
}

int main(int argc, char **argv)
{
	struct pass p = { 0 };
	unsigned char h[64];
	const unsigned char *q;
	struct stat st;
	bool zstd;

	if (argc != 2)
		die("usage: limit FILE");
	p.fd = open(argv[1], O_RDONLY);
	if (p.fd < 0 || fstat(p.fd, &st))
		die(strerror(errno));
	p.size = (uint64_t)st.st_size;
	read_at(&p, 0, h, sizeof(h));
	if (memcmp(h + 10, "7", 2))
		die("not a version 7 trace.dat");
	zstd = !strcmp((const char *)h + 18, "zstd");
	q = memchr(h + 18, 0, sizeof(h) - 18);
	q = q ? memchr(q + 1, 0, h + sizeof(h) - q - 1) : NULL;
	if (!q || q + 9 > h + sizeof(h))
		die("a malformed header");
	p.z = ZSTD_createDCtx();
	walk(&p, le(q + 1, 8), zstd);
	printf("%llu bytes, checksum %llx\n", (unsigned long long)p.bytes,
	       (unsigned long long)p.sum);
	ZSTD_freeDCtx(p.z);
	free(p.buf);
	free(p.zbuf);
	close(p.fd);
	return 0;
}
