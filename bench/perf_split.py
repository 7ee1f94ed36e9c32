#!/usr/bin/python3
"""perf_split — where a run of otchet spends its time beyond what the floor also does.

Reads `perf script -F ip,sym` (call graphs, innermost frame first) on stdin and puts each sample
in one category by the frames of its stack: the work the floor (bench/floor.c) does as well —
writing the PDF, drawing, the combined file, staging files — and the work only otchet does —
the report's Lua, layout, the collector, handing the document to C, the count hook, the
manifest's hash, `prepare`, loading and checking the data. Prints each category's samples and
their ratio to the floor's share of the same run: a ratio taken within one run does not move
when the host's speed drifts between runs, so it compares two builds where wall times cannot.
Run it through bench/perf_split.sh, which builds a copy with Lua's symbols.
"""
import collections
import sys

# (category, frames that mark it, is it work the floor does too); the first match wins, so
# the order matters: a sample in the writer under layout_render counts as writer.
CATEGORIES = [
    ("load and check", {"csv_load", "load_table"}, False),
    ("writer: finish", {"pdf_finish"}, True),
    ("writer: combined file", {"layout_combine", "pdfpart_combine"}, True),
    ("files", {"fsx_stage", "fsx_commit", "engine_stage_file", "engine_commit"}, True),
    ("hash (manifest)", {"engine_sha256"}, False),
    ("drawing", {"pdf_text", "pdfops_text", "chart_draw", "pdf_new_page"}, True),
    ("layout", {"lay_render"}, False),
    ("handing to C", {"layout_render"}, False),
    ("Lua collector", {"luaC_step", "luaC_fullgc", "GCTM"}, False),
    ("count hook", {"luaG_traceexec", "count_hook"}, False),
    ("exit", {"lua_close"}, False),
]


def samples(lines):
    """Yields each sample's list of function names, innermost first."""
    stack = []
    for line in lines:
        if not line.strip():
            if stack:
                yield stack
            stack = []
            continue
        parts = line.split()
        if len(parts) >= 2:
            stack.append(parts[1].split("+")[0])
    if stack:
        yield stack


def category(stack):
    frames = set(stack)
    for name, marks, _ in CATEGORIES:
        if frames & marks:
            return name
    return "Lua and the rest"


def main():
    count = collections.Counter()
    in_prepare = 0
    for stack in samples(sys.stdin):
        count[category(stack)] += 1
        in_prepare += "prepare" in stack
    if not count:
        sys.exit("perf_split: no samples with call graphs")
    floor = sum(count[name] for name, _, shared in CATEGORIES if shared)
    total = sum(count.values())

    def ratio(n):   # a run that writes no PDF (check) has no floor to compare with
        return f"{n / floor:8.3f}" if floor else f"{'-':>8s}"

    print(f"{'category':24s} {'samples':>8s} {'/ floor':>8s}")
    for name, n in count.most_common():
        shared = any(shared for c, _, shared in CATEGORIES if c == name)
        print(f"{name:24s} {n:8d} {ratio(n)}{'  (floor does it too)' if shared else ''}")
    print(f"{'of them in prepare':24s} {in_prepare:8d} {ratio(in_prepare)}")
    print(f"{'all':24s} {total:8d} {ratio(total)}")


if __name__ == "__main__":
    main()
