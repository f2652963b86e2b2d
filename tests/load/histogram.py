#!/usr/bin/env python3
"""The server's own latency per route between two scrapes of its /metrics.

    histogram.py BEFORE AFTER ROUTE...

For each GET route: the requests answered between the scrapes and the upper bound of the
histogram bucket that holds the 99th percentile (the histogram's bounds are those of
platform/web/src/health.rs, with one at 20 ms), then "met" when that bound is at most 20 ms.
One line per route: `ROUTE REQUESTS BOUND_MS met|not-met`.
"""

import re
import sys

BUCKET = re.compile(r"motcua_http_request_duration_seconds_bucket\{(.*)\} (\S+)")
LABEL = re.compile(r'(\w+)="([^"]*)"')
TARGET_SECONDS = 0.02


def buckets(path, routes):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = BUCKET.match(line)
            if not m:
                continue
            labels = dict(LABEL.findall(m.group(1)))
            if labels.get("method") != "GET" or labels.get("route") not in routes:
                continue
            le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
            out.setdefault(labels["route"], {})[le] = float(m.group(2))
    return out


def main():
    before_path, after_path, *routes = sys.argv[1:]
    before, after = buckets(before_path, routes), buckets(after_path, routes)
    for route in routes:
        b, a = before.get(route, {}), after.get(route, {})
        counts = sorted((le, a[le] - b.get(le, 0.0)) for le in a)
        total = counts[-1][1] if counts else 0.0
        p99 = next((le for le, c in counts if total and c >= 0.99 * total), float("inf"))
        bound = "+Inf" if p99 == float("inf") else f"{p99 * 1000:g}"
        met = "met" if total and p99 <= TARGET_SECONDS else "not-met"
        print(f"{route} {int(total)} {bound} {met}")


if __name__ == "__main__":
    main()
