"""Per-call copies of the census (see run.sh): totals per side, then the
functions that copy more in videogen than in raw reqwest."""
import bisect
import collections
import subprocess
import sys

binary, work, lines = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
CALLS = 3 * 6400  # rounds 4 minus rounds 1

symbols = []
nm = subprocess.run(["nm", "-C", "-n", "--defined-only", binary], capture_output=True, text=True)
for row in nm.stdout.splitlines():
    parts = row.split(" ", 2)
    if len(parts) == 3 and parts[1] in "tTwW":
        symbols.append((int(parts[0], 16), parts[2]))
starts = [address for address, _ in symbols]


def where(offset, module):
    if module != binary:
        return module.rsplit("/", 1)[-1]
    if lines:
        out = subprocess.run(["addr2line", "-e", binary, "-C", hex(offset - 1)], capture_output=True, text=True)
        return out.stdout.strip().rsplit("/", 1)[-1]
    i = bisect.bisect_right(starts, offset) - 1
    return symbols[i][1][:120] if i >= 0 else "?"


def load(path):
    counts = collections.Counter()
    for row in open(path):
        _kind, offset, module, size, n = row.split()
        counts[(int(offset, 16), module, int(size))] += int(n)
    return counts


def per_call(side):
    one, four = load(f"{work}/{side}.1"), load(f"{work}/{side}.4")
    by_place = collections.Counter()
    copies = 0.0
    for (offset, module, size), n in four.items():
        extra = (n - one.get((offset, module, size), 0)) / CALLS
        by_place[where(offset, module)] += extra * size
        copies += extra
    return by_place, copies


ours, our_copies = per_call("videogen")
theirs, their_copies = per_call("reqwest")
print(f"bytes copied per call: videogen {sum(ours.values()):,.0f} in {our_copies:.0f} copies, "
      f"raw reqwest {sum(theirs.values()):,.0f} in {their_copies:.0f}")
print("largest differences (bytes per call, videogen minus raw reqwest):")
places = sorted(set(ours) | set(theirs), key=lambda p: -abs(ours[p] - theirs[p]))
for place in places[:15]:
    if abs(ours[place] - theirs[place]) >= 50:
        print(f"  {ours[place] - theirs[place]:+8,.0f}  {place}")
