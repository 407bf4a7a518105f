// SPDX-License-Identifier: GPL-2.0
/*
 * floor - the least work any libtracecmd reader of a recording does: open
 * it, iterate every record of every CPU in timestamp order, and read one
 * field of each (pfn of the kmem page events, common_pid of the others).
 * `make bench` compares ./analyze with this, so the ratio says what the
 * analyzer costs beyond reading the file.
 *
 * Usage: floor FILE   (prints the record count and a checksum, so the
 * reads cannot be optimised away)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <event-parse.h>
#include <trace-cmd.h>

struct floor {
	struct tep_handle *tep;
	int ids[2];
	struct tep_format_field *pfn[2];
	struct tep_format_field *pid;
	uint64_t records;
	uint64_t sum;
};

static void bind(struct floor *f, int i, const char *name)
{
	struct tep_event *ev = tep_find_event_by_name(f->tep, "kmem", name);

	f->ids[i] = ev ? ev->id : -1;
	f->pfn[i] = ev ? tep_find_field(ev, "pfn") : NULL;
}

static struct tep_format_field *field_for(struct floor *f, int type)
{
	int i;

	for (i = 0; i < 2; i++)
		if (type == f->ids[i] && f->pfn[i])
			return f->pfn[i];
	return f->pid;
}

static int one(struct tracecmd_input *handle, struct tep_record *rec,
	       int cpu, void *data)
{
	struct floor *f = data;
	struct tep_format_field *field;
	unsigned long long v;

	(void)handle;
	(void)cpu;
	f->records++;
	field = field_for(f, tep_data_type(f->tep, rec));
	if (field && !tep_read_number_field(field, rec->data, &v))
		f->sum += v;
	return 0;
}

int main(int argc, char **argv)
{
	struct tracecmd_input *handle;
	struct floor f = { 0 };
	struct tep_event *any;

	if (argc != 2) {
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	handle = tracecmd_open(argv[1], TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!handle) {
		fprintf(stderr, "floor: %s: cannot read the recording: %s\n",
			argv[1], strerror(errno ? errno : EINVAL));
		return 2;
	}
	f.tep = tracecmd_get_tep(handle);
	bind(&f, 0, "mm_page_alloc");
	bind(&f, 1, "mm_page_free");
	any = tep_find_event_by_name(f.tep, "kmemlab", "kmemlab_run_end");
	f.pid = any ? tep_find_common_field(any, "common_pid") : NULL;
	tracecmd_iterate_events(handle, NULL, 0, one, &f);
	printf("%llu records, checksum %llu\n", (unsigned long long)f.records,
	       (unsigned long long)f.sum);
	tracecmd_close(handle);
	return 0;
}
