#!/usr/bin/env python3
"""Judge ./analyze on the buddy suite's recording: came/went, free lists, tables.

Usage: check_analyze_buddy.py DIR ANALYZE [SUITE]

DIR is tests/vm/buddy-test's directory (buddy.dat).  Every expected value
is computed here from `trace-cmd report -R` (tracedat.py) and the buddy
rules (a block of order o at pfn P cut from a free block of order K leaves
free blocks of order j at P + 2^j for j in [o, K)), never from the
analyzer: the kind of each block's source, its remnants, the kernel event
it is matched with by pfn and order, where it went, the free counts of
each run's zones, and the recording's tables.  Then a copy of the
recording with one split's source order past the largest order and
another's source block one page off must make `analyze check` name both,
while the real recording (disturbed splits included) passes.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402

NO_PFN = (1 << 64) - 1


def u32s(raw):
    return [int.from_bytes(raw[i:i + 4], "little")
            for i in range(0, len(raw), 4)]


def t6(ns):
    return f"{ns / 1e9:.6f}"


class Raw:
    """The recording as trace-cmd reads it, indexed for the rules."""

    def __init__(self, path):
        self.evs = tracedat.events(path)
        self.begin = {}
        self.free = {}
        self.splits, self.merges, self.areas = [], [], []
        for name, f in self.evs:
            if name == "kmemlab_run_begin":
                self.begin[f["run"]] = f["_ns"]
            elif name == "kmemlab_free":
                self.free[(f["run"], f["block"])] = f["_ns"]
            elif name == "kmemlab_split":
                self.splits.append(f)
            elif name == "kmemlab_merge":
                self.merges.append(f)
            elif name == "kmemlab_free_area":
                self.areas.append(f)
        self.nr_orders = max(s["nr_orders"] for s in self.splits)

    def of(self, name):
        return [f for n, f in self.evs if n == name]

    def newest(self, name, pfn, order, lo, hi, key="order"):
        found = [f for f in self.of(name) if f["pfn"] == pfn and
                 f[key] == order and lo <= f["_ns"] <= hi]
        return found[-1] if found else None


def broken(s, largest):
    """The rules a split event breaks, as analyze check must see them."""
    if s["pcp"]:
        return s["source_order"] != -1 or s["source_pfn"] != NO_PFN
    k = s["source_order"]
    bad = not s["order"] <= k <= largest or s["source_pfn"] != s["pfn"]
    bad = bad or (0 <= k < 64 and s["pfn"] % (1 << k) != 0)
    if s["clean"] and not bad:
        before, after = u32s(s["free_before"]), u32s(s["free_after"])
        want = [0] * len(after)
        if not s["pcp"]:
            want[k] -= 1
            for j in range(s["order"], k):
                want[j] += 1
        bad = not before or [a - b for a, b in zip(after, before)] != want
    return bad


def came(s, largest):
    if broken(s, largest):
        return "broken"
    if s["pcp"]:
        return "pcp"
    if not s["clean"]:
        return "disturbed"
    return "split" if s["source_order"] > s["order"] else "exact"


def came_line(raw, s, kind):
    """The report's `came` line for split s, from the rules and raw events."""
    p, o, k = s["pfn"], s["order"], s["source_order"]
    lo = raw.begin.get(s["run"], 0)
    zl = raw.newest("mm_page_alloc_zone_locked", p, o, lo, s["_ns"])
    xf = raw.newest("mm_page_alloc_extfrag", p, o, lo, s["_ns"],
                    key="alloc_order")
    if kind == "split":
        text = f"split from order {k} at pfn {p:#x}; left free: order " + \
            ", ".join(f"{j} @{p + (1 << j):#x}" for j in range(o, k))
    elif kind == "exact":
        text = f"a free order-{o} block, taken whole (no split)"
    elif kind == "pcp":
        refill = zl and zl["percpu_refill"]
        text = f"from CPU {zl['_cpu'] if refill else s['_cpu']}'s per-CPU list"
        if refill:
            text += (f", refilled from the free lists at t={t6(zl['_ns'])} "
                     f"(mm_page_alloc_zone_locked percpu_refill=1)")
        elif not s["clean"]:
            text += "; the free lists changed meanwhile (other allocations)"
    else:
        what = ("free-list state changed by other allocations in between"
                if s["nr_before"] else
                "free counts before the allocation not recorded")
        text = f"{what}: split order at least {k}"
    return text, xf, zl


def with_kernel(text, s, xf, zl):
    mts = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA",
           "Isolate"]
    if xf:
        mt = xf["fallback_migratetype"]
        name = mts[mt] if 0 <= mt < len(mts) else "other"
        text += (f"; fallback: stolen from the {name} lists, order "
                 f"{xf['fallback_order']} (mm_page_alloc_extfrag)")
    if zl and not s["pcp"]:
        text += (f"; off the free lists at t={t6(zl['_ns'])} "
                 f"(mm_page_alloc_zone_locked)")
    return text


def list_fate(raw, m):
    """After a free to a per-CPU list: the first drain or reuse of the pfn."""
    p = m["pfn"]
    if m["merged_order"] >= 0:
        free_ns = raw.free.get((m["run"], m["block"]), 0)
        d = raw.newest("mm_page_pcpu_drain", p, m["order"], free_ns, m["_ns"])
        return f", drained at once (t={t6(d['_ns'])})" if d else ""
    for name, f in raw.evs:
        if f["_ns"] <= m["_ns"] or f.get("pfn") != p:
            continue
        if name == "mm_page_pcpu_drain":
            if f["order"] == m["order"]:
                return f", drained at t={t6(f['_ns'])} (mm_page_pcpu_drain)"
            return ", no drain recorded"
        if name == "mm_page_alloc":
            return f", taken off it again at t={t6(f['_ns'])} (mm_page_alloc)"
    return ", no drain recorded"


def went_line(raw, m):
    o, k = m["order"], m["merged_order"]
    text = ""
    if m["pcp"]:
        text = f"to CPU {m['_cpu']}'s per-CPU list" + list_fate(raw, m)
        if k >= 0:
            text += " and"
    sep = " " if m["pcp"] else ""
    if k == o:
        text += (f"{sep}back on the free lists as an order-{o} block "
                 f"(its buddy was not free)")
    elif k > o:
        text += f"{sep}merged up to order {k} at pfn {m['merged_pfn']:#x}"
    return text


def report_lines(text):
    """{(run, block): {"came": line, "went": line}} from the text report."""
    out, run, block = {}, None, None
    for line in text.splitlines():
        if line.startswith("RUN "):
            run, block = int(line.split()[1]), None
        elif line.startswith("  block ") and run is not None:
            block = int(line.split()[1])
        elif block is not None and line[4:13] in ("came     ", "went     "):
            out.setdefault((run, block), {})[line[4:8]] = line[13:]
    return out


def served_table(text):
    """The BUDDY SERVED BY ORDER rows: {order: [blocks, split, ...]}."""
    rows, on = {}, False
    for line in text.splitlines():
        if line.startswith("BUDDY SERVED BY ORDER"):
            on = True
            continue
        if on and (not line.strip() or not line.split()[0].isdigit()):
            if line.strip().startswith("order") or set(line.strip()) == {"-"}:
                continue
            break
        if on:
            w = line.split()
            rows[int(w[0])] = [0 if x == "." else int(x) for x in w[1:]]
    return rows


# The text report lists each block of a run up to this many blocks, and
# physical ranges beyond (the JSON has every block).
MAX_DETAILED_BLOCKS = 8


def detailed(runs, run):
    return len(runs.get(run, {}).get("blocks", [])) <= MAX_DETAILED_BLOCKS


def judge_blocks(raw, doc, lines, largest):
    runs = {r["run"]: r for r in doc["runs"]}
    kinds = {}
    for s in raw.splits:
        what = f"run {s['run']} block {s['block']} (order {s['order']})"
        kind = came(s, largest)
        kinds[(s["run"], s["block"])] = (s["order"], kind, s["source_order"])
        b = next((x for x in runs.get(s["run"], {}).get("blocks", [])
                  if x["block"] == s["block"]), None)
        sj = b and b.get("split")
        if not check(sj, f"{what}: JSON has its split"):
            continue
        rem = [{"order": j, "pfn": s["pfn"] + (1 << j)}
               for j in range(s["order"], s["source_order"])] \
            if kind == "split" else []
        check(sj["came"] == kind and sj["source_order"] == s["source_order"]
              and sj["remnants"] == rem and sj["clean"] == bool(s["clean"])
              and sj["free_after"] == u32s(s["free_after"])
              and (sj["free_before"] or []) == u32s(s["free_before"]),
              f"{what}: JSON came {sj['came']!r} (rules: {kind!r}), source "
              f"order {s['source_order']}, remnants at P + 2^j, free counts")
        text, xf, zl = came_line(raw, s, kind)
        if kind != "broken":
            want = with_kernel(text, s, xf, zl)
            if detailed(runs, s["run"]):
                got = lines.get((s["run"], s["block"]), {}).get("came")
                check(got == want, f"{what}: came line {got!r} == {want!r}")
        zj = sj["kernel"]["zone_locked"]
        check((zj and zj["ts"]) == (zl and zl["_ns"]),
              f"{what}: matched mm_page_alloc_zone_locked by pfn and order "
              f"(t={zl and t6(zl['_ns'])})")
    for m in raw.merges:
        what = f"run {m['run']} block {m['block']} (order {m['order']})"
        b = next((x for x in runs.get(m["run"], {}).get("blocks", [])
                  if x["block"] == m["block"]), None)
        mj = b and b.get("merge")
        if not check(mj and mj["merged_order"] == m["merged_order"] and
                     mj["pcp"] == bool(m["pcp"]),
                     f"{what}: JSON merge order {m['merged_order']}"):
            continue
        if detailed(runs, m["run"]):
            want = went_line(raw, m)
            got = lines.get((m["run"], m["block"]), {}).get("went")
            check(got == want, f"{what}: went line {got!r} == {want!r}")
    return kinds


def judge_areas(raw, doc):
    runs = {r["run"]: r for r in doc["runs"]}
    ok, n = True, 0
    for a in raw.areas:
        r = runs.get(a["run"])
        z = r and next((x for x in r["free_areas"] if x["zone"] == a["zone"]),
                       None)
        got = z and z["end" if a["phase"] else "begin"]
        ok &= got == u32s(a["nr_free"])
        ok &= bool(z) and r["buddy_blocks"] == bool(a["buddy_blocks"])
        if z and z["begin"] and z["end"]:
            ok &= z["change"] == [e - b for e, b in zip(z["end"], z["begin"])]
        n += 1
    check(n and ok, f"{n} kmemlab_free_area events: every run's zones, free "
          f"blocks per order at begin and end, and their difference, in JSON")


def judge_tables(doc, text, kinds):
    served, sources = {}, {}
    for order, kind, k in kinds.values():
        row = served.setdefault(order, dict.fromkeys(
            ["blocks", "split", "exact", "pcp", "disturbed", "broken"], 0))
        row["blocks"] += 1
        row[kind] += 1
        if kind in ("split", "exact"):
            sources[(order, k)] = sources.get((order, k), 0) + 1
    got = {e["order"]: {k: v for k, v in e.items() if k != "order"}
           for e in doc["buddy"]["served"]}
    check(got == served, f"JSON served by order {got} == from the rules "
          f"{served}")
    got = {(e["order"], e["source_order"]): e["blocks"]
           for e in doc["buddy"]["sources"]}
    check(got == sources, f"JSON order asked x source order {got} == "
          f"{sources}")
    keys = ["blocks", "split", "exact", "pcp", "disturbed", "broken"]
    want = {o: [row[k] for k in keys] for o, row in served.items()}
    check(served_table(text) == want,
          f"text BUDDY SERVED BY ORDER rows == {want}")


def judge_not_applicable(raw, lines):
    slab = [a["run"] for a in raw.areas if not a["buddy_blocks"]]
    begins = {f["run"]: f for f in raw.of("kmemlab_run_begin")}
    for run in sorted(set(slab)):
        if begins[run]["mode"] != 1:	# kmalloc; vmalloc lists no block
            continue
        got = lines.get((run, 0), {}).get("came", "")
        check(got.startswith("not applicable"),
              f"run {run} (kmalloc from a slab cache): came line says not "
              f"applicable: {got!r}")


# What analyze check says of a split or merge against the rules.
BUDDY_VIOLATIONS = ("kmemlab_split", "kmemlab_merge", "source order",
                    "source block", "its source order", "a clean split",
                    "merged order", "in no free block")


def event_ids(path):
    out = subprocess.run(["trace-cmd", "dump", "--events", path], check=True,
                         capture_output=True, text=True).stdout
    ids, name = {}, None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("name:"):
            name = line.split()[1]
        elif line.startswith("ID:") and name:
            ids[name] = int(line.split()[1])
    return ids


def hostile(raw, path, analyze, largest):
    """Two splits made to contradict the rules: check names both."""
    clean = [s for s in raw.splits if not s["pcp"]]
    if not check(len(clean) >= 2, "two buddy-path splits to damage"):
        return
    tmp = tempfile.mkdtemp()
    try:
        plain = os.path.join(tmp, "plain.dat")
        subprocess.run(["trace-cmd", "convert", "-i", path, "--compression",
                        "none", "-o", plain], check=True, capture_output=True)
        data = bytearray(open(plain, "rb").read())
        sid = event_ids(plain)["kmemlab_split"]
        hits = []
        for s, field in ((clean[0], "order"), (clean[1], "pfn")):
            head = struct.pack("<IIQI", s["run"], s["block"], s["pfn"],
                               s["order"])
            at = data.find(head)
            while at >= 0 and struct.unpack_from("<H", data, at - 8)[0] != sid:
                at = data.find(head, at + 1)
            if not check(at >= 0, f"run {s['run']}: kmemlab_split record "
                         f"found in the uncompressed copy"):
                return
            if field == "order":	# source_order: one past the largest
                struct.pack_into("<i", data, at + 20, largest + 1)
            else:			# source_pfn: one page off
                struct.pack_into("<Q", data, at + 24, s["pfn"] + 1)
            hits.append(s)
        bad = os.path.join(tmp, "bad.dat")
        open(bad, "wb").write(data)
        res = subprocess.run([analyze, "check", bad], capture_output=True,
                             text=True)
        a, b = hits
        check(res.returncode == 1 and
              f"run {a['run']} block {a['block']}: source order "
              f"{largest + 1} outside" in res.stdout and
              f"run {b['run']} block {b['block']}: source block at pfn "
              f"{b['pfn'] + 1:#x}" in res.stdout,
              f"analyze check flags source order {largest + 1} past the "
              f"largest (run {a['run']}) and a source one page off "
              f"(run {b['run']}): exit {res.returncode}")
    finally:
        shutil.rmtree(tmp)


def main():
    out, analyze = sys.argv[1], sys.argv[2]
    suite = sys.argv[3] if len(sys.argv) > 3 else "analyze-buddy"
    path = os.path.join(out, "buddy.dat")
    raw = Raw(path)
    largest = raw.nr_orders - 1
    text = subprocess.run([analyze, "report", path], check=True,
                          capture_output=True, text=True).stdout
    doc = json.loads(subprocess.run([analyze, "report", "--json", path],
                                    check=True, capture_output=True,
                                    text=True).stdout)
    check(doc["schema"] == "kmemlab-analyze/2", "JSON schema version 2")
    lines = report_lines(text)
    kinds = judge_blocks(raw, doc, lines, largest)
    judge_areas(raw, doc)
    judge_tables(doc, text, kinds)
    judge_not_applicable(raw, lines)
    disturbed = sum(1 for _, k, _ in kinds.values() if k == "disturbed")
    res = subprocess.run([analyze, "check", path], capture_output=True,
                         text=True)
    nbroken = sum(1 for _, k, _ in kinds.values() if k == "broken")
    flagged = [line for line in res.stdout.splitlines()
               if any(w in line for w in BUDDY_VIOLATIONS)]
    check(len(flagged) == 0 if nbroken == 0 else flagged,
          f"analyze check: {len(flagged)} buddy violations for {nbroken} "
          f"splits that break the rules; {disturbed} disturbed ones are no "
          f"violation")
    hostile(raw, path, analyze, largest)
    return finish(suite)


if __name__ == "__main__":
    sys.exit(main())
