"""The playground's latency: POST /api/derive per case, and the page's load time in headless Chromium.

    python benchmarks/serve_latency.py [--repeat 15]

The server runs in this process on a free port; requests go through urllib like a browser's would
(JSON in, JSON out, the numerical check included). "first" is the first request of the process (what
a user pays right after `matcalc serve`), "warm" the median of the repeats with the simplifier's memo
cleared before each (a new expression), "memo" the median with the memo kept (the same expression
again, as when only the export tab changes). The page load needs playwright and the system's Chromium
(see tests/serve_browser.py) and is skipped without them.
"""
import argparse
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from matcalc import simplify as simplifier  # noqa: E402
from matcalc.serve import make_server, start  # noqa: E402

CASES = [
    {"expr": "||A x - b||^2"},
    {"expr": "||A x - b||^2", "target": "numpy"},
    {"expr": "h = tanh(W x + b); L = ||h - y||^2", "wrt": "W"},
    {"expr": "softmax(W x)", "command": "jacobian"},
    {"expr": "log det(X^T S X)", "command": "hessian", "wrt": "X", "where": ["S: n x n spd"]},
    {"expr": "1/2 x^T A x - b^T x", "command": "newton", "where": ["A: n x n spd"]},
    {"expr": "x^T A x +"},
]


def post(url, body):
    request = urllib.request.Request(url + "api/derive", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    try:
        urllib.request.urlopen(request).read()
    except urllib.error.HTTPError as err:       # the error case answers 400
        err.read()
    return 1e3 * (time.perf_counter() - t)


def page_load(url, repeat):
    try:
        from playwright.sync_api import sync_playwright
        from serve_browser import CHROMIUM_ARGS, chromium_path
    except ImportError:
        return None
    if chromium_path() is None:
        return None
    loads, results = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for _ in range(repeat):
            page = browser.new_page()
            t = time.perf_counter()
            page.goto(url)                                   # returns at the load event
            loads.append(1e3 * (time.perf_counter() - t))
            page.locator("body[data-pending='0'][data-error]").wait_for(state="attached")
            results.append(1e3 * (time.perf_counter() - t))
            page.close()
        browser.close()
    return statistics.median(loads), statistics.median(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f}")
    server = make_server(0)
    start(server)
    try:
        print(f"first request of the process: {post(server.url, CASES[0]):.0f} ms")
        print(f"{'case':<78} {'warm':>8} {'memo':>8}")
        for case in CASES:
            warm = []
            for _ in range(args.repeat):
                simplifier._memo.clear()
                warm.append(post(server.url, case))
            memo = statistics.median(post(server.url, case) for _ in range(args.repeat))
            print(f"{json.dumps(case, ensure_ascii=False):<78} {statistics.median(warm):6.1f}ms {memo:6.1f}ms")
        loaded = page_load(server.url, max(3, args.repeat // 3))
        if loaded is None:
            print("page load: skipped (needs playwright and Chromium)")
        else:
            print(f"page load (median): load event {loaded[0]:.0f} ms, first result drawn {loaded[1]:.0f} ms")
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
