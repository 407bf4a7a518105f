"""Read a trace.dat through `trace-cmd report -R`, independently of ./analyze.

The VM tests take their expectations from the lab's formula and their
observations from trace-cmd's own reading of the recording, so a bug in the
analyzer cannot hide a bug in the module (or the other way round).
"""

import re
import subprocess

LINE = re.compile(r"^\s*(?P<comm>.*?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+"
                  r"(?P<ts>\d+\.\d+):\s+(?P<event>\w+):\s*(?P<fields>.*)$")
FIELD = re.compile(r"(\w+)=(\S+)")
# -R prints an array field as its bytes: nr_free=ARRAY[03, 00, 00, 00, ...]
ARRAY = re.compile(r"(\w+)=ARRAY\[([^\]]*)\]")


def number(text):
    try:
        return int(text, 0)
    except ValueError:
        return text


def events(path):
    """Every event of the recording as (name, {field: value}), in time order.

    Array fields come back as bytes, in the recording's byte order."""
    out = subprocess.run(["trace-cmd", "report", "-R", "-t", "-i", path],
                         check=True, capture_output=True, text=True).stdout
    result = []
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        text = m.group("fields")
        arrays = {k: bytes(int(b, 16) for b in v.split(",") if b.strip())
                  for k, v in ARRAY.findall(text)}
        fields = {k: number(v) for k, v in FIELD.findall(ARRAY.sub("", text))}
        fields.update(arrays)
        fields["_ts"] = float(m.group("ts"))
        sec, _, frac = m.group("ts").partition(".")
        fields["_ns"] = int(sec) * 10**9 + int(frac.ljust(9, "0")[:9])
        fields["_cpu"] = int(m.group("cpu"))
        result.append((m.group("event"), fields))
    return result
