#!/usr/bin/env python3
"""Judge `analyze layout` on real recordings.

Usage: check_layout.py ANALYZE RECORDING.dat...

For each recording: draw it, render the SVG with rsvg-convert (so it is
valid enough for a real renderer), then compare the picture's blocks with
the kmemlab_alloc events `trace-cmd report -R` shows (tests/vm/tracedat.py):
one <rect class="block"> per successful allocation, each carrying the
event's run, block, order and pfn, its <title> naming the same pfn range,
placed at its pfn's offset inside the row of its 1024-page chunk; every
block of 8 pages or fewer labelled (inside or beside it); up to ten runs in
colours at least 40 apart in CIELAB; row labels without padding zeros.
Then the defaults (no -o on a terminal: layout.svg; no FILE: ./trace.dat)
and the bad-input cases: exit 2 with one line naming the file.
"""

import collections
import itertools
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracedat  # noqa: E402
from judge import check, finish  # noqa: E402

NS = "{http://www.w3.org/2000/svg}"
ROW_PAGES = 1024
PFN_NONE = 2**64 - 1

def expected_blocks(path):
    """(run, block, order, pfn) of every successful kmemlab_alloc."""
    want = collections.Counter()
    for name, f in tracedat.events(path):
        if name != "kmemlab_alloc":
            continue
        pfn = f["pfn"] % 2**64 if isinstance(f["pfn"], int) else PFN_NONE
        if f.get("ret", 0) == 0 and pfn != PFN_NONE:
            want[(f["run"], f["block"], f["order"], pfn)] += 1
    return want


def row_of(rows, x, y):
    for r in rows:
        rx, ry = float(r.get("x")), float(r.get("y"))
        if rx <= x < rx + float(r.get("width")) and ry <= y < ry + float(r.get("height")):
            return r
    return None


def judge_placement(path, blocks, rows):
    bad = []
    for b in blocks:
        pfn, pages = int(b.get("data-pfn"), 16), int(b.get("data-pages"))
        x, y = float(b.get("x")), float(b.get("y"))
        row = row_of(rows, x, y)
        title = row.findtext(NS + "title") if row is not None else ""
        chunk = pfn // ROW_PAGES * ROW_PAGES
        if not title.startswith("pfn 0x%x-0x%x:" % (chunk, chunk + ROW_PAGES - 1)):
            bad.append("pfn 0x%x not in its chunk's row" % pfn)
        elif pages >= 2 and abs(x - float(row.get("x")) - pfn % ROW_PAGES) > 0.01:
            bad.append("pfn 0x%x drawn at offset %.1f" % (pfn, x - float(row.get("x"))))
    check(not bad, "%s: every block sits at its pfn's offset in its chunk's row%s"
          % (path, ": " + "; ".join(bad[:3]) if bad else ""))


def judge_labels(path, root, blocks):
    by_key = {(b.get("data-run"), b.get("data-block")): b for b in blocks}
    bad = []
    for t in root.iter(NS + "text"):
        if t.get("class") != "label":
            continue
        b = by_key.get((t.get("data-run"), t.get("data-block")))
        text = t.text or ""
        if b is None or not (text == b.get("data-run") or
                             text.startswith("r%s o%s" % (b.get("data-run"), b.get("data-order"))) or
                             text.startswith("run %s order %s" % (b.get("data-run"), b.get("data-order")))):
            bad.append(text)
        elif "pfn" in text:
            pfn, pages = int(b.get("data-pfn"), 16), int(b.get("data-pages"))
            if not text.endswith("pfn 0x%x-0x%x" % (pfn, pfn + pages - 1)):
                bad.append(text)
    check(not bad, "%s: every label names its block's run, order and pfns%s"
          % (path, ": " + "; ".join(bad[:3]) if bad else ""))


def judge_small_labels(path, root, blocks):
    """A block of 8 pages or fewer has a label naming it (when labels are drawn)."""
    runs = {b.get("data-run") for b in blocks}
    if len(runs) > 64:
        return
    labelled = {(t.get("data-run"), t.get("data-block"))
                for t in root.iter(NS + "text") if t.get("class") == "label"}
    small = [(b.get("data-run"), b.get("data-block")) for b in blocks
             if int(b.get("data-pages")) <= 8]
    missing = [k for k in small if k not in labelled]
    check(not missing, "%s: all %d blocks of 8 pages or fewer are labelled%s"
          % (path, len(small), ": not run %s block %s" % missing[0] if missing else ""))


def lab(color):
    """CIELAB (D65) of "#rrggbb"."""
    def lin(u):
        u /= 255
        return u / 12.92 if u <= 0.04045 else ((u + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(int(color[i:i + 2], 16)) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return (116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))


def judge_colours(path, blocks):
    """Up to ten runs: every two run colours at least 40 apart (CIE76)."""
    fill = {}
    for b in blocks:
        fill.setdefault(int(b.get("data-run")), b.get("fill"))
    if len(fill) < 2 or len(fill) > 10:
        return
    worst = min((math.dist(lab(fill[a]), lab(fill[b])), a, b)
                for a, b in itertools.combinations(sorted(fill), 2))
    check(worst[0] >= 40, "%s: the %d runs' colours are told apart (closest: runs %d and %d, %.0f apart)"
          % (path, len(fill), worst[1], worst[2], worst[0]))


def judge_row_labels(path, root):
    labels = [t.text for t in root.iter(NS + "text") if t.get("class") == "row-label"]
    bad = [t for t in labels if not re.fullmatch(r"0x(0|[1-9a-f][0-9a-f]*)", t or "")]
    check(labels and not bad, "%s: %d row labels, hex without padding zeros%s"
          % (path, len(labels), ": " + ", ".join(bad[:3]) if bad else ""))


def judge(analyze, path, tmp):
    svg = os.path.join(tmp, os.path.basename(path) + ".svg")
    want = expected_blocks(path)
    r = subprocess.run([analyze, "layout", path, "-o", svg], capture_output=True, text=True)
    if not want:
        check(r.returncode == 2 and r.stderr.count("\n") == 1 and path in r.stderr
              and not os.path.exists(svg),
              "%s: no blocks: exit 2, one line naming the file, no SVG (%d: %s)"
              % (path, r.returncode, r.stderr.strip()))
        return
    if not check(r.returncode == 0 and not r.stderr, "%s: analyze layout exits 0 quietly (%d %s)"
                 % (path, r.returncode, r.stderr.strip())):
        return
    r = subprocess.run(["rsvg-convert", "-o", svg + ".png", svg], capture_output=True, text=True)
    check(r.returncode == 0 and os.path.getsize(svg + ".png") > 0,
          "%s: rsvg-convert renders the SVG %s" % (path, r.stderr.strip()))
    root = ET.parse(svg).getroot()
    rects = list(root.iter(NS + "rect"))
    blocks = [e for e in rects if e.get("class") == "block"]
    rows = [e for e in rects if e.get("class") == "row"]
    got = collections.Counter((int(b.get("data-run")), int(b.get("data-block")),
                               int(b.get("data-order")), int(b.get("data-pfn"), 16))
                              for b in blocks)
    check(got == want, "%s: one block shape per kmemlab_alloc: %d drawn, %d recorded%s"
          % (path, sum(got.values()), sum(want.values()),
             "" if got == want else "; missing %s, extra %s"
             % (list((want - got).keys())[:3], list((got - want).keys())[:3])))
    bad = [b for b in blocks if int(b.get("data-pages")) != 2 ** int(b.get("data-order")) or
           "pfn 0x%x-0x%x" % (int(b.get("data-pfn"), 16), int(b.get("data-pfn"), 16) +
                              int(b.get("data-pages")) - 1) not in (b.findtext(NS + "title") or "")]
    check(not bad, "%s: each block's pages are 2^order and its title names its pfn range" % path)
    judge_placement(path, blocks, rows)
    judge_labels(path, root, blocks)
    judge_small_labels(path, root, blocks)
    judge_colours(path, blocks)
    judge_row_labels(path, root)


def judge_defaults(analyze, path, tmp):
    """No FILE: ./trace.dat; no -o with a terminal on stdout: layout.svg."""
    d = os.path.join(tmp, "defaults")
    os.makedirs(d)
    shutil.copy(path, os.path.join(d, "trace.dat"))
    r = subprocess.run([analyze, "layout"], cwd=d, capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout.startswith("<?xml") and
          not os.path.exists(os.path.join(d, "layout.svg")),
          "layout with no FILE reads ./trace.dat, SVG to a pipe (%d %s)"
          % (r.returncode, r.stderr.strip()))
    if not shutil.which("script"):
        return
    r = subprocess.run(["script", "-qec", analyze + " layout", "/dev/null"], cwd=d,
                       capture_output=True, text=True)
    svg = os.path.join(d, "layout.svg")
    check(r.returncode == 0 and "<svg" not in r.stdout and "layout.svg" in r.stdout and
          os.path.exists(svg) and ET.parse(svg).getroot().tag == NS + "svg",
          "layout on a terminal writes layout.svg and says so, no SVG on the terminal (%d: %s)"
          % (r.returncode, r.stdout.strip()[:120]))


def judge_errors(analyze, tmp):
    other = tempfile.NamedTemporaryFile(dir=tmp, suffix=".dat", delete=False)
    other.write(b"not a recording\n")
    other.close()
    cases = [([other.name, "-o", os.path.join(tmp, "x.svg")], other.name),
             ([os.path.join(tmp, "missing.dat")], os.path.join(tmp, "missing.dat")),
             ([], "trace.dat"), ([other.name, other.name], "usage"),
             (["--run", "x", other.name], "--run")]
    for args, name in cases:
        r = subprocess.run([analyze, "layout"] + args, capture_output=True, text=True,
                           cwd=tmp)
        check(r.returncode == 2 and name in r.stderr.splitlines()[0] if r.stderr else False,
              "layout %s: exit 2, first line names %s (%d: %s)"
              % (" ".join(args), name, r.returncode, r.stderr.strip().splitlines()[:1]))
    check(not os.path.exists(os.path.join(tmp, "x.svg")), "layout leaves no SVG behind on bad input")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    analyze = os.path.abspath(sys.argv[1]) if os.sep in sys.argv[1] else sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        for path in sys.argv[2:]:
            if not check(os.path.exists(path), "%s exists" % path):
                continue
            judge(analyze, path, tmp)
        if os.path.exists(sys.argv[2]):
            judge_defaults(analyze, sys.argv[2], tmp)
        judge_errors(analyze, tmp)
    sys.exit(finish("layout"))


if __name__ == "__main__":
    main()
