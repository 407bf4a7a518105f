// SPDX-License-Identifier: GPL-2.0
/*
 * KernelShark plot plugin for kmemlab recordings, the drawing half.
 *
 * On the CPU (or task) graph where a block was allocated, a hollow box
 * spans its lifetime, from kmemlab_alloc to the kmemlab_free with the same
 * pfn.  Ticks mark kmemlab_fill (green, square flag) and kmemlab_verify
 * (blue triangle; red when the page had mismatches); a failed allocation
 * (pfn == -1) is a red tick.  Where the buddy allocator cut a block from a
 * larger free block (kmemlab_split, source order above the block's), an
 * orange triangle; where a freed block merged with free buddies into a
 * larger one (kmemlab_merge), a teal flag; drawn on top of the others.
 */
#include <algorithm>
#include <map>
#include <unordered_map>
#include <vector>

#include "kmemlab.h"
#include "KsPlotTools.hpp"
#include "KsPlugins.hpp"

using namespace KsPlot;

namespace {

/* A block's lifetime; free is null while the block outlives the recording. */
struct Lifetime {
	const kshark_entry *alloc;
	const kshark_entry *free;
};

/* The pairs of each stream, built on the first draw after loading. */
std::unordered_map<int, std::vector<Lifetime>> pairsOf;

const Color lifetimeColor(160, 32, 240);
const Color fillColor(0, 160, 0);
const Color verifyColor(0, 0, 230);
const Color badColor(230, 0, 0);
const Color splitColor(255, 140, 0);
const Color mergeColor(0, 150, 150);

/* pfn -1 (a failed allocation) has no lifetime. */
const int64_t failedPfn = -1;

/*
 * Not on an empty container: the library's sort shrinks the array with
 * realloc(data, 0), which frees it and leaves a dangling pointer behind.
 */
void sortInTime(kshark_data_container *c)
{
	if (c->size > 0 && !c->sorted)
		kshark_data_container_sort(c);
}

/*
 * A pfn can be freed and handed out again within one recording, so each
 * alloc takes the first unused free of its pfn that is not earlier than it.
 */
std::vector<Lifetime> pairBlocks(kmemlab_ks_context *ctx)
{
	std::unordered_map<int64_t, std::vector<const kshark_entry *>> frees;
	std::unordered_map<int64_t, size_t> used;
	std::vector<Lifetime> out;

	sortInTime(ctx->alloc);
	sortInTime(ctx->free);
	for (ssize_t i = 0; i < ctx->free->size; ++i)
		frees[ctx->free->data[i]->field].push_back(ctx->free->data[i]->entry);

	for (ssize_t i = 0; i < ctx->alloc->size; ++i) {
		const kshark_entry *a = ctx->alloc->data[i]->entry;
		int64_t pfn = ctx->alloc->data[i]->field;
		const kshark_entry *f = nullptr;

		if (pfn == failedPfn)
			continue;

		auto &list = frees[pfn];
		size_t &next = used[pfn];
		while (next < list.size() && list[next]->ts < a->ts)
			++next;
		if (next < list.size())
			f = list[next++];
		out.push_back({a, f});
	}
	return out;
}

bool onThisGraph(const kshark_entry *e, int val, int drawAction)
{
	if (drawAction & KSHARK_CPU_DRAW)
		return e->cpu == val;
	return e->pid == val;
}

/* Bins are computed from time so that ends outside the view clamp to its edges. */
int binOf(const kshark_trace_histo *histo, int64_t ts)
{
	int64_t bin;

	if (ts <= histo->min || histo->bin_size <= 0)
		return 0;
	bin = (ts - histo->min) / histo->bin_size;
	return std::min<int64_t>(bin, histo->n_bins - 1);
}

Rectangle *lifetimeBox(const Graph *graph, int binA, int binB)
{
	Point a = graph->bin(binA)._base;
	Point b = graph->bin(binB)._base;
	int top = a.y() - graph->height() * 0.45;
	Rectangle *box = new Rectangle;

	/* Keep a block that lives inside one bin visible. */
	if (b.x() - a.x() < 2)
		b.setX(a.x() + 2);

	box->setFill(false);
	box->setPoint(0, a.x(), top);
	box->setPoint(1, a.x(), a.y() - 1);
	box->setPoint(2, b.x(), b.y() - 1);
	box->setPoint(3, b.x(), top);
	box->_color = lifetimeColor;
	box->_size = 2;
	return box;
}

void drawLifetimes(KsCppArgV *argv, const std::vector<Lifetime> &pairs,
		   int val, int drawAction)
{
	const kshark_trace_histo *histo = argv->_histo;

	for (const Lifetime &l : pairs) {
		int64_t end = l.free ? l.free->ts : INT64_MAX;

		if (!onThisGraph(l.alloc, val, drawAction))
			continue;
		if (end < histo->min || l.alloc->ts > histo->max)
			continue;
		argv->_shapes->push_front(lifetimeBox(argv->_graph,
						      binOf(histo, l.alloc->ts),
						      binOf(histo, end)));
	}
}

/* A vertical tick with a small head: a square flag or a triangle. */
class Tick : public PlotObject {
public:
	Tick(const Point &base, int height, bool flag)
	: _base(base), _height(height), _flag(flag) {}

private:
	Point _base;
	int _height;
	bool _flag;

	void _draw(const Color &col, float size) const override;
};

void Tick::_draw(const Color &col, float size) const
{
	Point top(_base.x(), _base.y() - _height);
	int w = std::max(_height / 4, 3);
	Polygon *head;

	drawLine(_base, top, col, size);
	if (_flag) {
		Rectangle *r = new Rectangle;

		r->setPoint(0, top.x(), top.y());
		r->setPoint(1, top.x() + w, top.y());
		r->setPoint(2, top.x() + w, top.y() + w);
		r->setPoint(3, top.x(), top.y() + w);
		head = r;
	} else {
		Triangle *t = new Triangle;

		t->setPoint(0, top.x() - w / 2, top.y());
		t->setPoint(1, top.x() + w / 2, top.y());
		t->setPoint(2, top.x(), top.y() + w);
		head = t;
	}
	head->_color = col;
	head->draw();
	delete head;
}

PlotObject *makeTick(const Graph *graph, int bin, double share, bool flag,
		     const Color &col)
{
	Tick *t = new Tick(graph->bin(bin)._base, graph->height() * share, flag);

	t->_color = col;
	t->_size = 2;
	return t;
}

typedef int64_t (*Score)(int64_t field);

/*
 * The highest score per bin among this graph's events inside the view, so
 * that one bad page among many in a bin still shows.  (KernelShark's
 * eventFieldPlotMax() is not used: it picks per bin by pointer, not value.)
 */
std::map<int, int64_t> scorePerBin(const kshark_trace_histo *histo,
				   const kshark_data_container *d, Score score,
				   int val, int drawAction)
{
	std::map<int, int64_t> bins;

	for (ssize_t i = 0; i < d->size; ++i) {
		const kshark_entry *e = d->data[i]->entry;
		int64_t s = score(d->data[i]->field);

		if (!onThisGraph(e, val, drawAction) ||
		    e->ts < histo->min || e->ts > histo->max)
			continue;
		auto it = bins.emplace(binOf(histo, e->ts), s).first;
		it->second = std::max(it->second, s);
	}
	return bins;
}

int64_t always(int64_t) { return 1; }
int64_t mismatches(int64_t field) { return field; }
int64_t failedAlloc(int64_t pfn) { return pfn == failedPfn; }
int64_t ordersAbove(int64_t field) { return field; }

void drawMarks(KsCppArgV *argv, kmemlab_ks_context *ctx, int val,
	       int drawAction)
{
	const kshark_trace_histo *histo = argv->_histo;
	const Graph *g = argv->_graph;
	PlotObjList *out = argv->_shapes;

	/* pushed first, drawn last: the split and merge marks stay on top */
	for (auto &b : scorePerBin(histo, ctx->split, ordersAbove, val,
				   drawAction))
		if (b.second > 0)
			out->push_front(makeTick(g, b.first, 0.95, false,
						 splitColor));
	for (auto &b : scorePerBin(histo, ctx->merge, ordersAbove, val,
				   drawAction))
		if (b.second > 0)
			out->push_front(makeTick(g, b.first, 0.95, true,
						 mergeColor));

	for (auto &b : scorePerBin(histo, ctx->fill, always, val, drawAction))
		out->push_front(makeTick(g, b.first, 0.6, true, fillColor));

	for (auto &b : scorePerBin(histo, ctx->verify, mismatches, val,
				   drawAction))
		out->push_front(makeTick(g, b.first, 0.75, false,
					 b.second > 0 ? badColor : verifyColor));

	for (auto &b : scorePerBin(histo, ctx->alloc, failedAlloc, val,
				   drawAction))
		if (b.second > 0)
			out->push_front(makeTick(g, b.first, 0.9, false,
						 badColor));
}

} // namespace

void kmemlab_ks_forget_pairs(int sd)
{
	pairsOf.erase(sd);
}

void kmemlab_ks_draw(kshark_cpp_argv *argv_c, int sd, int val, int drawAction)
{
	kmemlab_ks_context *ctx = __get_context(sd);
	KsCppArgV *argv = KS_ARGV_TO_CPP(argv_c);

	if (!ctx || !(drawAction & (KSHARK_CPU_DRAW | KSHARK_TASK_DRAW)))
		return;
	if (argv->_graph->size() == 0)
		return;

	auto found = pairsOf.find(sd);
	if (found == pairsOf.end())
		found = pairsOf.emplace(sd, pairBlocks(ctx)).first;

	drawLifetimes(argv, found->second, val, drawAction);
	drawMarks(argv, ctx, val, drawAction);
}
