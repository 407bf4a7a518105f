"""The kernel's memory geometry for the VM judges, and the lab's plan from it.

Nothing here assumes 4 KiB pages or order 10.  from_guest() reads what the
guest's kernel itself showed (vm/guest-lib.sh kmemlab_geometry: smaps'
KernelPageSize, /proc/buddyinfo's columns, the THP PMD size), independent
of the module, whose kmemlab_run_begin fields the judges hold against it.
Sizes on the suites' command lines may be written in the geometry's terms
(see resolve()), so one size list means the same cases on every page size.
"""

import os
import re

STRUCT_SIZE = 8 * 4          # struct datatype { unsigned int array[8]; }


class Geometry:
    def __init__(self, page_size, max_order, pmd_size=None, source="",
                 release="", machine=""):
        self.page_size = page_size
        self.max_order = max_order
        self.pmd_size = pmd_size
        self.source = source
        self.release = release
        self.machine = machine

    @property
    def per_page(self):
        """Structs in one page: the lab's nr_structs_per_page."""
        return self.page_size // STRUCT_SIZE

    @property
    def largest_pages(self):
        """Pages in the largest buddy block."""
        return 1 << self.max_order

    @property
    def kmalloc_max_size(self):
        """KMALLOC_MAX_SIZE with SLUB: the largest buddy block, in bytes
        (6.1: 1 << (MAX_ORDER + PAGE_SHIFT - 1); 6.12: 1 << (MAX_PAGE_ORDER +
        PAGE_SHIFT); both the largest order's block)."""
        return self.page_size << self.max_order

    @property
    def kmalloc_max_pages(self):
        return self.kmalloc_max_size // self.page_size

    def names(self):
        """What size expressions may use: P structs a page, B structs in
        the largest block, M pages in the largest kmalloc."""
        return {"P": self.per_page, "B": self.per_page * self.largest_pages,
                "M": self.kmalloc_max_pages}

    def __str__(self):
        pmd = f", PMD {self.pmd_size >> 20} MiB" if self.pmd_size else ""
        return (f"{self.page_size}-byte pages, largest order {self.max_order}"
                f"{pmd} ({self.source})")


def from_guest(d):
    """DIR/geometry.txt, written in the guest by kmemlab_geometry."""
    path = os.path.join(d, "geometry.txt")
    vals = {}
    with open(path) as f:
        for line in f:
            words = line.split(None, 1)
            if len(words) == 2:
                vals[words[0]] = words[1].strip()
    return Geometry(int(vals["page_size"]), int(vals["max_order"]),
                    int(vals["pmd_size"]) if vals.get("pmd_size") else None,
                    f"guest: {path}", vals.get("release", ""),
                    vals.get("machine", ""))


EXPR = re.compile(r"^[0-9PBM+*/() -]+$")


def resolve(expr, geo):
    """A size such as "1000", "P-1", "B+1" or "2*B+300*P-8" as a number.

    The guest scripts evaluate the same words with sh's $(( )); this is the
    host's own evaluation of them, so the two can be held against each other.
    """
    if not EXPR.match(expr):
        raise ValueError(f"size {expr!r}: only digits, P, B, M, + - * / ( )")
    return int(eval(expr.replace("/", "//"), {"__builtins__": {}},
                    geo.names()))


def my_get_order(nr_pages):
    """The lab's my_get_order: log2 of the next power of two >= nr_pages."""
    order = 0
    while (1 << order) < nr_pages:
        order += 1
    return order


def plan(nr_structs, geo):
    """The lab's plan on this geometry: (structs a page, pages, block orders).

    Pages past the largest block take several blocks, each of the largest
    order but the last.
    """
    per_page = geo.per_page
    pages = nr_structs // per_page + (1 if nr_structs % per_page else 0)
    orders, rest = [], pages
    while rest > geo.largest_pages:
        orders.append(geo.max_order)
        rest -= geo.largest_pages
    orders.append(my_get_order(rest))
    return per_page, pages, orders
