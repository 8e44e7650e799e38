"""Time parsing (text → typed, shape-checked tree) of typical expressions.

    python benchmarks/parse_speed.py

Prints the median time per expression over repeated runs. The grammar is built once per process
(first call, shown separately); every later parse reuses it. A baseline of the same run: the raw
Lark parse of the same text without typing, so the ratio shows what inference and unification cost.
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matcalc  # noqa: E402
from matcalc.parse.loading import lark_parser as _lark  # noqa: E402

CASES = ["x^T A x", "||A x - b||^2", "tr(A X B)", "log det X", "sum(log(1 + exp(-y .* (X w))))",
         "(x - mu)^T Σ^{-1} (x - mu)", "||X - U V^T||_F^2", "tanh(W2 tanh(W1 x + b1) + b2)",
         "1/2 x^T A x - b^T x + c", "x'*A*x + norm2(B*x - y)^2"]


def median_ms(fn, repeat=200):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def main():
    t = time.perf_counter()
    _lark()
    print(f"grammar build (once per process): {1e3 * (time.perf_counter() - t):.1f} ms")
    print(f"{'expression':40} {'lark only':>10} {'matcalc':>10} {'ratio':>7}")
    rows = []
    for text in CASES:
        raw = median_ms(lambda: _lark().parse(text))
        full = median_ms(lambda: matcalc.parse(text))
        rows.append(full)
        print(f"{text:40} {raw:9.3f}ms {full:9.3f}ms {full / raw:6.1f}x")
    print(f"median parse: {statistics.median(rows):.3f} ms")


if __name__ == "__main__":
    main()
