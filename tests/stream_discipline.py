#!/usr/bin/env python3
"""Every device operation in gpu/ goes on the run's own stream.

The runs use non-blocking streams (cuda_util.cuh: stream), which do not wait
for the legacy default stream. A plain cudaMemcpy from pageable memory may
return before its DMA lands, and a plain cudaMemset is asynchronous, both on
the legacy stream: a kernel on a run's stream could read the memory before
they finish. No GPU is needed to find such calls, so this check runs
everywhere, GPU or not.

Rules, over every .cu/.cuh file under the given folder:
  1. no synchronous cudaMemcpy*/cudaMemset* (use the *Async form on a stream);
  2. every kernel launch names a stream: <<<grid, block, shared, stream>>>,
     and that stream is not 0, nullptr or the legacy/per-thread default.

Usage: stream_discipline.py GPU_DIR | --self-test
Exit: 0 clean, 1 a rule broken (each break on one line), 2 usage.
"""
import pathlib
import re
import sys

SYNC_CALL = re.compile(r"\bcudaMem(?:cpy|set)(?:2D|3D)?(?:ToSymbol|FromSymbol|Peer)?\s*\(")
DEFAULT_STREAMS = {"0", "nullptr", "NULL", "cudaStreamLegacy", "cudaStreamPerThread", "0u"}


def strip_comments(text):
    """Comments become spaces (newlines kept, so line numbers stay right)."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"//[^\n]*|/\*.*?\*/", blank, text, flags=re.S)


def launch_args(config):
    """Top-level comma-separated arguments of a launch configuration."""
    args, depth, cur = [], 0, ""
    for ch in config:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    args.append(cur.strip())
    return args


def problems(name, text):
    text = strip_comments(text)
    out = []
    line_of = lambda pos: text.count("\n", 0, pos) + 1
    for m in SYNC_CALL.finditer(text):
        out.append(f"{name}:{line_of(m.start())}: {m.group(0).rstrip('( ')} runs on the legacy default stream; "
                   "use the Async form on the run's stream")
    for m in re.finditer(r"<<<(.*?)>>>", text, flags=re.S):
        args = launch_args(m.group(1))
        where = f"{name}:{line_of(m.start())}"
        if len(args) < 4:
            out.append(f"{where}: kernel launch without a stream (<<<grid, block, shared, stream>>>)")
        elif args[3] in DEFAULT_STREAMS:
            out.append(f"{where}: kernel launch on the default stream '{args[3]}'")
    return out


def self_test():
    bad = {
        "cudaMemcpy(d, h, n, cudaMemcpyHostToDevice);": 1,
        "cudaMemset(p, 0, n);": 1,
        "cudaMemcpyToSymbol(sym, h, n);": 1,
        "k<<<g, b>>>(x);": 1,
        "k<<<g, b, 0, 0>>>(x);": 1,
        "k<<<grid<N>(f(a, b)), threads(t),\n 0, cudaStreamLegacy>>>(x);": 1,
    }
    good = [
        "cudaMemcpyAsync(d, h, n, cudaMemcpyHostToDevice, s);",
        "cudaMemsetAsync(p, 0, n, s);",
        "k<<<grid<N>(f(a, b)), threads(t),\n 0, s>>>(x);",
        "// cudaMemcpy(d, h, n) in a comment\n/* k<<<1, 1>>>() */",
    ]
    failed = 0
    for snippet, want in bad.items():
        if len(problems("bad", snippet)) != want:
            print(f"self-test: not caught: {snippet!r}")
            failed = 1
    for snippet in good:
        if problems("good", snippet):
            print(f"self-test: false alarm: {snippet!r} -> {problems('good', snippet)}")
            failed = 1
    return failed


def main(argv):
    if len(argv) != 2:
        print("usage: stream_discipline.py GPU_DIR | --self-test", file=sys.stderr)
        return 2
    if argv[1] == "--self-test":
        return self_test()
    root = pathlib.Path(argv[1])
    files = sorted(p for p in root.rglob("*") if p.suffix in (".cu", ".cuh"))
    if not files:
        print(f"stream_discipline.py: no .cu/.cuh files under {root}", file=sys.stderr)
        return 2
    found = [p for f in files for p in problems(str(f.relative_to(root.parent)), f.read_text())]
    for p in found:
        print(p)
    print(f"stream_discipline: {len(files)} files, {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
