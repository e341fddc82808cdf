#!/usr/bin/env python3
"""Draws pp-convert's concurrency limit over time against the server's capacity.

   plot-limit.py T0_NS LOG SCHEDULE OUT.svg

T0_NS is when pp-convert started (nanoseconds since the epoch), LOG its
standard error under -v (lines "…: HH:MM:SS.mmm: Concurrency limit A → B"),
SCHEDULE pp-mock-llm's --capacity-schedule (T:N,…). Prints, for each change
of capacity, how long the limit took to follow it (to within a quarter of
the new capacity), and writes an SVG line chart.
"""
import datetime
import re
import sys

t0_ns, log_path, schedule_text, out_path = sys.argv[1:5]
t0 = datetime.datetime.fromtimestamp(int(t0_ns) / 1e9)
t0_of_day = t0.hour * 3600 + t0.minute * 60 + t0.second + t0.microsecond / 1e6

line_re = re.compile(r'(\d\d):(\d\d):(\d\d)\.(\d\d\d): Concurrency limit (\d+) → (\d+)')
points = []
for line in open(log_path, encoding='utf-8', errors='replace'):
    m = line_re.search(line)
    if not m:
        continue
    h, mi, s, ms, _, after = (int(g) for g in m.groups())
    t = h * 3600 + mi * 60 + s + ms / 1000 - t0_of_day
    if t < -1:
        t += 24 * 3600
    points.append((max(t, 0.0), after))

schedule = [(float(t), int(n)) for t, n in (p.split(':') for p in schedule_text.split(','))]
end = max([t for t, _ in points] + [schedule[-1][0] + 5])

def capacity_at(t):
    cap = schedule[0][1]
    for start, n in schedule:
        if t >= start:
            cap = n
    return cap

def limit_at(t):
    value = None
    for pt, n in points:
        if pt <= t:
            value = n
    return value

for start, cap in schedule[1:]:
    followed = None
    for pt, n in points:
        if pt >= start and abs(n - cap) <= cap / 4:
            followed = pt - start
            break
    print(f'capacity {capacity_at(start - 0.001)} → {cap} at {start:.0f} s: the limit followed '
          + (f'in {followed:.2f} s' if followed is not None else 'not within the run'))

# The chart
W, H, L, R, T, B = 720, 360, 50, 20, 20, 40
ymax = max([n for _, n in points] + [n for _, n in schedule]) * 1.15
def x(t): return L + (W - L - R) * t / end
def y(v): return H - B - (H - T - B) * v / ymax

def steps(series, until):
    d = []
    last = None
    for t, v in series:
        if last is not None:
            d.append(f'L{x(t):.1f},{y(last):.1f}')
        d.append(('M' if last is None else 'L') + f'{x(t):.1f},{y(v):.1f}')
        last = v
    d.append(f'L{x(until):.1f},{y(last):.1f}')
    return ' '.join(d)

svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>']
for s in range(0, int(end) + 1, 2):
    svg.append(f'<text x="{x(s):.1f}" y="{H-B+16}" text-anchor="middle">{s}</text>')
for v in range(0, int(ymax) + 1, 12):
    svg.append(f'<text x="{L-6}" y="{y(v)+4:.1f}" text-anchor="end">{v}</text>')
    svg.append(f'<line x1="{L}" y1="{y(v):.1f}" x2="{W-R}" y2="{y(v):.1f}" stroke="#eee"/>')
svg.append(f'<text x="{(W+L)/2}" y="{H-6}" text-anchor="middle">seconds since pp-convert started</text>')
svg.append(f'<path d="{steps(schedule, end)}" fill="none" stroke="#c0392b" stroke-width="2" stroke-dasharray="6,4"/>')
if points:
    svg.append(f'<path d="{steps([(0.0, points[0][1])] + points, end)}" fill="none" stroke="#2c7fb8" stroke-width="2"/>')
svg.append(f'<text x="{W-R-200}" y="{T+14}" fill="#c0392b">server capacity (429 above it)</text>')
svg.append(f'<text x="{W-R-200}" y="{T+30}" fill="#2c7fb8">libpp concurrency limit</text>')
svg.append('</svg>')
with open(out_path, 'w') as f:
    f.write('\n'.join(svg) + '\n')
