#!/usr/bin/env bash
# The HTML outputs in a real browser: headless Chromium loads each one with no
# console message (our pages have no scripts, so any message is an error), and
# its screenshot is not blank. Exit 77 (ctest: skipped) without chromium or python3.
# Usage: html_in_chromium.sh ACCELBENCH_BIN SOURCE_DIR [FAKE_GPU_REPORT_BIN]
# With the third argument, also the pages of two reports whose GPU cases are
# fakes (tests/fake_gpu_report.cpp), so the GPU sections are drawn from data
# on machines without a GPU.
set -euo pipefail
bin=$1
src=$2
fake=${3:-}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "SKIP: no chromium (apt-get install chromium)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3 to read the screenshot"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Real reports the tool wrote (results/selfcheck), rendered by each HTML writer.
reports="$src/results/selfcheck/amd-epyc-2-vcpu/run2-rounds5"
"$bin" report "$reports/a1.json" --format html --out "$work/report.html"
"$bin" compare "$reports/a1.json" "$reports/one_thread.json" --format html >"$work/compare.html" || true
"$bin" compare "$reports/a1.json" "$reports/a2.json" "$reports/one_thread.json" --trend --format html >"$work/trend.html"
pages="report compare trend"
if [ -n "$fake" ]; then
  "$fake" "$work/gpu1.json" 42 >/dev/null
  "$fake" "$work/gpu2.json" 43 >/dev/null
  "$bin" report "$work/gpu1.json" --format html --out "$work/gpu_report.html"
  "$bin" compare "$work/gpu1.json" "$work/gpu2.json" --format html >"$work/gpu_compare.html" || true
  "$bin" compare "$work/gpu1.json" "$work/gpu2.json" --trend --format html >"$work/gpu_trend.html"
  pages="$pages gpu_report gpu_compare gpu_trend"
fi

status=0
for page in $pages; do
  # A fresh profile per page; no network is needed or allowed (the pages are self-contained).
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile-$page" \
    --enable-logging=stderr --v=0 --window-size=1280,1600 --screenshot="$work/$page.png" \
    "file://$work/$page.html" >"$work/$page.log" 2>&1 || { echo "FAIL $page: chromium exited $?"; status=1; }
  if grep -E 'CONSOLE|Uncaught|SyntaxError' "$work/$page.log"; then
    echo "FAIL $page: console messages above"
    status=1
  fi
  if ! python3 - "$work/$page.png" <<'PY'
# Decodes the PNG (8-bit RGB/RGBA, as Chromium writes) and fails when fewer
# than 1 % of the pixels differ from the top-left (background) pixel.
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, colour = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
bpp = 3 if colour == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, rows = bytearray(stride), []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
bg = rows[0][:bpp]
ink = sum(1 for r in rows for x in range(0, stride, bpp) if r[x:x + bpp] != bg)
share = ink / (w * h)
print(f"{sys.argv[1]}: {w}x{h}, {share:.1%} of pixels differ from the background")
sys.exit(0 if share >= 0.01 else 1)
PY
  then
    echo "FAIL $page: the screenshot is blank"
    status=1
  fi
done
exit $status
