// SPDX-License-Identifier: GPL-2.0
/*
 * The tracing data of a perf.data (feature HEADER_TRACING_DATA, or the
 * PERF_RECORD_HEADER_TRACING_DATA record of a piped file): the same event
 * formats a trace.dat carries, in the same layout, handed to libtraceevent.
 * A cursor over the buffer refuses every read past its end, so a damaged
 * section ends in an error line, never in a read outside the file.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event-parse.h>

#include "perf-data.h"
#include "read.h"
#include "lib/util.h"
#include "lib/err.h"

/* Systems whose formats the analyzer reads; the others are skipped. */
static const char *const wanted_systems[] = { "kmemlab", "kmem" };

struct cursor {
	const uint8_t *p;
	const uint8_t *end;
};

static const uint8_t *take(struct cursor *c, uint64_t n)
{
	const uint8_t *p = c->p;

	if (n > (uint64_t)(c->end - c->p))
		return NULL;
	c->p += n;
	return p;
}

static int take_u32(struct cursor *c, uint32_t *v)
{
	const uint8_t *p = take(c, sizeof(*v));

	if (!p)
		return -1;
	memcpy(v, p, sizeof(*v));
	return 0;
}

static int take_u64(struct cursor *c, uint64_t *v)
{
	const uint8_t *p = take(c, sizeof(*v));

	if (!p)
		return -1;
	memcpy(v, p, sizeof(*v));
	return 0;
}

/* A NUL-terminated string inside the buffer. */
static const char *take_str(struct cursor *c)
{
	const uint8_t *nul = memchr(c->p, '\0', c->end - c->p);
	const char *s = (const char *)c->p;

	if (!nul)
		return NULL;
	c->p = nul + 1;
	return s;
}

/* A u64 size followed by that many bytes. */
static const uint8_t *take_blob(struct cursor *c, uint64_t *size)
{
	if (take_u64(c, size))
		return NULL;
	return take(c, *size);
}

static bool wanted(const char *sys)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wanted_systems); i++)
		if (!strcmp(sys, wanted_systems[i]))
			return true;
	return false;
}

static int parse_preamble(struct tep_handle *tep, struct cursor *c,
			  char *err, size_t len)
{
	static const uint8_t magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c',
					 'i', 'n', 'g' };
	const uint8_t *p = take(c, sizeof(magic));
	const uint8_t *flags;
	uint32_t page_size;

	if (!p || memcmp(p, magic, sizeof(magic)) || !take_str(c)) {
		err_set(err, len, EINVAL, "tracing data has no 'tracing' magic");
		return -1;
	}
	flags = take(c, 2);	/* file_bigendian, long_size */
	if (!flags || take_u32(c, &page_size)) {
		err_set(err, len, EINVAL, "tracing data truncated in its preamble");
		return -1;
	}
	if (flags[0] != tep_is_bigendian() ||
	    (flags[1] != 4 && flags[1] != 8) || page_size < 512 ||
	    page_size > (1U << 24) || (page_size & (page_size - 1))) {
		err_set(err, len, EINVAL,
			"tracing data of another byte order or with a bad long/page size (%u/%u)",
			flags[1], page_size);
		return -1;
	}
	tep_set_local_bigendian(tep, (enum tep_endian)tep_is_bigendian());
	tep_set_file_bigendian(tep, (enum tep_endian)flags[0]);
	tep_set_long_size(tep, flags[1]);
	tep_set_page_size(tep, page_size);
	return 0;
}

static int parse_headers(struct tep_handle *tep, struct cursor *c,
			 const char *where, char *err, size_t len)
{
	const uint8_t *name, *page, *event;
	uint64_t page_len, event_len;

	name = take(c, sizeof("header_page"));
	if (!name || memcmp(name, "header_page", sizeof("header_page")))
		goto bad;
	page = take_blob(c, &page_len);
	name = take(c, sizeof("header_event"));
	if (!page || !name || memcmp(name, "header_event", sizeof("header_event")))
		goto bad;
	event = take_blob(c, &event_len);
	if (!event)
		goto bad;
	read_guard_call("tep_parse_header_page() on the header_page format");
	tep_parse_header_page(tep, (char *)page, page_len,
			      tep_get_long_size(tep));
	read_guard_done();
	return 0;
bad:
	err_set(err, len, EINVAL, "%s: bad or truncated header_page/header_event", where);
	return -1;
}

/*
 * The event's name from its format text ("name: NAME\nID: ..."), into
 * @name; false when the text does not start that way.
 */
static bool format_name(const uint8_t *fmt, uint64_t size, char *name,
			size_t cap)
{
	static const char head[] = "name: ";
	const uint8_t *p = fmt + sizeof(head) - 1, *end = fmt + size;
	size_t n = 0;

	if (size < sizeof(head) || memcmp(fmt, head, sizeof(head) - 1))
		return false;
	while (p + n < end && p[n] != '\n' && n + 1 < cap)
		n++;
	memcpy(name, p, n);
	name[n] = '\0';
	return n > 0;
}

/* The event's ID from its format text's second line ("ID: N"). */
static bool format_id(const uint8_t *fmt, uint64_t size, unsigned int *id)
{
	static const char head[] = "\nID: ";
	const uint8_t *end = fmt + size, *p;
	unsigned int v = 0;

	p = memchr(fmt, '\n', size);
	if (!p || end - p < (ptrdiff_t)sizeof(head) ||
	    memcmp(p, head, sizeof(head) - 1))
		return false;
	for (p += sizeof(head) - 1; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > 0xffff)
			return false;
		v = v * 10 + (*p - '0');
	}
	*id = v;
	return p < end && *p == '\n';
}

static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/*
 * An event the analyzer does not read is still named in the report's
 * "not read" list: libtraceevent learns its name and ID from a format of
 * our own making, with no field, so nothing of the file's text is parsed.
 */
static void name_only(struct tep_handle *tep, const uint8_t *fmt,
		      uint64_t size, const char *sys, const char *name)
{
	char stub[256];
	unsigned int id;
	int n;

	if (!format_id(fmt, size, &id) || !plain_word(sys) || !plain_word(name))
		return;
	n = snprintf(stub, sizeof(stub),
		     "name: %s\nID: %u\nformat:\n\nprint fmt: \"\"\n", name, id);
	if (n > 0 && (size_t)n < sizeof(stub))
		tep_parse_event(tep, stub, n, sys);
}

/*
 * One format handed to libtraceevent, by name, so a crash in it names the
 * event.  Only the events the analyzer reads are parsed: the others cost
 * time and are as many chances for the library to trip on damage.  A
 * format libtraceevent cannot parse is left out, as perf does.
 */
static void parse_one(struct tep_handle *tep, const uint8_t *fmt,
		      uint64_t size, const char *sys, bool parse,
		      const char *where)
{
	char name[64];

	if (!format_name(fmt, size, name, sizeof(name)))
		return;
	if (!parse || !read_event_wanted(sys, name)) {
		name_only(tep, fmt, size, sys, name);
		return;
	}
	read_guard_call("tep_parse_event() on the event format of %s:%s (%s)",
			sys, name, where);
	tep_parse_event(tep, (const char *)fmt, size, sys);
	read_guard_done();
}

/* u32 count, then count formats (u64 size + text) of one system. */
static int parse_formats(struct tep_handle *tep, struct cursor *c,
			 const char *sys, bool parse, const char *where)
{
	uint32_t n, i;

	if (take_u32(c, &n))
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t size;
		const uint8_t *fmt = take_blob(c, &size);

		if (!fmt)
			return -1;
		parse_one(tep, fmt, size, sys, parse, where);
	}
	return 0;
}

/* u32 count of systems, then each system's name and formats. */
static int parse_systems(struct tep_handle *tep, struct cursor *c,
			 const char *where, char *err, size_t len)
{
	uint32_t n, i;

	if (take_u32(c, &n))
		goto bad;
	for (i = 0; i < n; i++) {
		const char *sys = take_str(c);

		if (!sys || parse_formats(tep, c, sys, wanted(sys), where))
			goto bad;
	}
	return 0;
bad:
	err_set(err, len, EINVAL, "%s: truncated in the event formats", where);
	return -1;
}

int tracing_parse_header_info(struct tep_handle *tep, const uint8_t *buf,
			      uint64_t len, const char *where,
			      char *err, size_t errlen)
{
	struct cursor c = { buf, buf + len };

	return parse_headers(tep, &c, where, err, errlen);
}

int tracing_parse_systems(struct tep_handle *tep, const uint8_t *buf,
			  uint64_t len, const char *where,
			  char *err, size_t errlen)
{
	struct cursor c = { buf, buf + len };

	return parse_systems(tep, &c, where, err, errlen);
}

struct tep_handle *perf_tracing_parse(const uint8_t *buf, uint64_t len,
				      char *err, size_t errlen)
{
	static const char where[] = "perf.data tracing data";
	struct cursor c = { buf, buf + len };
	struct tep_handle *tep = tep_alloc();

	if (!tep) {
		err_set(err, errlen, ENOMEM, "out of memory");
		return NULL;
	}
	if (parse_preamble(tep, &c, err, errlen) ||
	    parse_headers(tep, &c, where, err, errlen))
		goto fail;
	if (parse_formats(tep, &c, "ftrace", false, NULL)) {
		err_set(err, errlen, EINVAL, "%s: truncated in the ftrace formats", where);
		goto fail;
	}
	if (parse_systems(tep, &c, where, err, errlen))
		goto fail;
	return tep;
fail:
	read_guard_call("tep_free() after a failed parse of the %s", where);
	tep_free(tep);
	read_guard_done();
	return NULL;
}
