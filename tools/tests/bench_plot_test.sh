#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fencecheck-results bench --plot as people and a printer see it: one SVG,
# well-formed XML, self-contained (no script, no external reference), with a
# chart per cost curve; printed by headless Chromium to a PDF whose text has
# the cell and every axis label; a screenshot that is not blank. Each check
# is first shown to fail on a planted broken plot (malformed XML, a script,
# the text removed, a blank page): none of them can pass by default.
#   tools/tests/bench_plot_test.sh [BENCH.json]
# BENCH.json: a fencecheck-bench result (default: the made-up full run in
# results/tests/data/bench_curves.json); build/fencecheck-results must be built.
set -uo pipefail
bench=$(realpath -- "${1:-$(dirname "$0")/../../results/tests/data/bench_curves.json}") || exit 2
cd "$(dirname "$0")/../.." || exit 2
tool=build/fencecheck-results
source tools/tests/checks.sh  # $work, check, $failures

[[ -x $tool ]] || { echo "no $tool: build it first (cmake --build build --target fencecheck-results)"; exit 2; }
for program in chromium pdftotext python3; do
  command -v "$program" >/dev/null || { echo "no $program (apt-get install -y chromium poppler-utils python3)"; exit 2; }
done

svg=$work/bench.svg
"$tool" bench --plot "$svg" "$bench" >"$work/table.txt" || { echo "FAIL bench --plot $bench"; exit 1; }

# ---- the checks, each on any SVG ----
well_formed() { python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1"; }

self_contained() {
  if grep -nE '<script|<foreignObject|href=|url\(|@import' "$1"; then echo "$1 reaches outside itself"; return 1; fi
}

# What the printed page must say, from the real plot and its bench file: the
# cell, every axis label, one chart title per curve of the file (two curves
# may share a benchmark name: Curve/waiters/threads has the first and the last).
python3 - "$svg" "$bench" "$work/words.txt" <<'PY' || { echo "FAIL the plot's words could not be read"; exit 1; }
import json, sys, xml.dom.minidom as m
svg, bench, out = sys.argv[1:]
texts = m.parse(svg).getElementsByTagName("text")
words = lambda t: " ".join("".join(n.data for n in t.childNodes if n.nodeType == n.TEXT_NODE).split())
axes = sorted({words(t) for t in texts if t.getAttribute("class") == "axis"})
titles = {words(t) for t in texts if words(t).startswith("Curve/")}
# A curve's benchmark name without Google Benchmark's suffixes (iterations:20, manual_time) and its N.
base = lambda name: [p for p in name.split("/") if ":" not in p and p not in ("manual_time", "real_time")]
prefixes = {"/".join(base(b["name"])[:-1]) for b in json.load(open(bench))["benchmarks"] if b["name"].startswith("Curve/")}
missing = [p for p in prefixes if not any(t.startswith(p + ": ") for t in titles)]
if missing: sys.exit(f"no chart for {missing}")
if len(axes) < 2: sys.exit(f"{len(axes)} axis labels in the plot")
cell = json.load(open(bench))["context"]["fencecheck.cell"]
open(out, "w").write("\n".join(["cell " + cell] + axes + sorted(titles)) + "\n")
PY

chromium_headless() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" "$@" 2>>"$work/chromium.log"
}

# printed SVG: Chromium's PDF of it, as text, has every line of words.txt (spaces collapsed).
printed() {
  rm -f "$work/page.pdf" "$work/page.txt"
  chromium_headless --print-to-pdf="$work/page.pdf" "file://$1" && [[ -s $work/page.pdf ]] || return 1
  pdftotext -layout "$work/page.pdf" "$work/page.txt" || return 1
  local text line status=0
  text=$(tr -s ' \n' ' ' <"$work/page.txt")
  while IFS= read -r line; do
    [[ $text == *"$line"* ]] || { echo "not in the printed page: $line"; status=1; }
  done <"$work/words.txt"
  return $status
}

# drawn SVG: a 1200x2000 screenshot of it in which more than 1% of the pixels are not white.
drawn() {
  rm -f "$work/page.png"
  chromium_headless --screenshot="$work/page.png" --window-size=1200,2000 "file://$1" && [[ -s $work/page.png ]] ||
    return 1
  python3 - "$work/page.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n": sys.exit("not a PNG")
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    pos += 12 + length
    if kind == b"IHDR": width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT": idat += body
    elif kind == b"IEND": break
if depth != 8 or colour not in (2, 6) or interlace:
    sys.exit(f"a PNG this check does not read: depth {depth}, colour type {colour}, interlace {interlace}")
channels = 3 if colour == 2 else 4
stride, raw = width * channels, zlib.decompress(idat)
previous, coloured = bytearray(stride), 0
for y in range(height):
    kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride) if kind else ():
        left = line[x - channels] if x >= channels else 0
        up, corner = previous[x], previous[x - channels] if x >= channels else 0
        if kind == 1: line[x] = (line[x] + left) & 255
        elif kind == 2: line[x] = (line[x] + up) & 255
        elif kind == 3: line[x] = (line[x] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        else: sys.exit(f"row {y}: unknown PNG filter {kind}")
    coloured += sum(1 for pixel in zip(line[0::channels], line[1::channels], line[2::channels])
                    if pixel != (255, 255, 255))
    previous = line
share = coloured / (width * height)
print(f"{width}x{height}: {share:.2%} of the pixels are not white")
sys.exit(0 if share > 0.01 else "a blank page")
PY
}

# ---- planted broken plots: each check must fail on its own, for its own reason ----
head -c -40 "$svg" >"$work/truncated.svg"
sed 's|</svg>|<script>alert(1)</script></svg>|' "$svg" >"$work/script.svg"
python3 -c 'import re, sys; open(sys.argv[2], "w").write(re.sub(r"<text[^>]*>.*?</text>", "", open(sys.argv[1]).read()))' \
  "$svg" "$work/no-text.svg"
{ sed -n '1,/^<rect width="100%"/p' "$svg"; echo '</svg>'; } >"$work/blank.svg"  # the same page, white
# fails_for REASON COMMAND...: COMMAND fails, and what it says has REASON.
fails_for() {
  local said
  if said=$("${@:2}" 2>&1); then echo "passed on a planted broken plot: ${*:2}"; return 1; fi
  echo "$said"
  grep -q -- "$1" <<<"$said"
}
check "planted: a truncated SVG is not well-formed XML" fails_for ExpatError well_formed "$work/truncated.svg"
check "planted: an SVG with a script is not self-contained" \
  fails_for 'reaches outside itself' self_contained "$work/script.svg"
check "planted: the plot with its text removed is still well-formed XML" well_formed "$work/no-text.svg"
check "planted: ... but its printed page lacks the words" fails_for 'not in the printed page' printed "$work/no-text.svg"
check "planted: a white page of the same size is well-formed XML" well_formed "$work/blank.svg"
check "planted: ... but its screenshot is blank" fails_for 'a blank page' drawn "$work/blank.svg"

# ---- the plot itself ----
check "the plot is well-formed XML" well_formed "$svg"
check "the plot is self-contained (no script, no external reference)" self_contained "$svg"
check "printed (headless Chromium, pdftotext): the cell, $(($(wc -l <"$work/words.txt") - 1)) axis labels and chart titles" \
  printed "$svg"
check "drawn (headless Chromium screenshot, 1200x2000): more than 1% of the pixels are not white" drawn "$svg"

((failures == 0))
