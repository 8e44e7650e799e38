"""Time parse + derive + simplify per case (gradients, Jacobians, Hessians), without the numerical check.

    python benchmarks/derive_speed.py [--clock cpu] [--repeat 30]

The baseline in the same run is parsing alone, so the ratio is the cost of the derivation relative
to reading the input. Each case runs in a fresh simplifier memo (the first derivation of an
expression in a process is what a CLI user pays). `--clock cpu` times the process's CPU time instead
of the elapsed time: on a loaded machine the elapsed time of a millisecond call counts the slices other
processes took in the middle of it (the medians of one case moved 2-3x from run to run).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matcalc  # noqa: E402
from matcalc import simplify as simplifier  # noqa: E402

CASES = [
    ("grad", "a^T x", "x"), ("grad", "x^T A x", "x"), ("grad", "||A x - b||^2", "x"),
    ("grad", "log det X", "X"), ("grad", "tr(A X B)", "X"), ("grad", "tr(X^-1 A)", "X"),
    ("grad", "sum(log(1 + exp(-y .* (X w))))", "w"), ("grad", "||X - U V^T||_F^2", "U"),
    ("grad", "||tanh(W x + b) - y||^2", "W"), ("grad", "1/2 (x - mu)^T Σ^-1 (x - mu) + 1/2 log det Σ", "Σ"),
    ("grad", "tr(A X^T B X C)", "X"), ("grad", "-y^T log(softmax(W x))", "W"),
    ("jacobian", "softmax(x)", "x"), ("jacobian", "A X B", "X"), ("jacobian", "W2 tanh(W1 x + b1)", "x"),
    ("hessian", "x^T A x", "x"), ("hessian", "||A x - b||^2", "x"),
    ("hessian", "sum(log(1 + exp(X w))) - y^T X w", "w"), ("hessian", "logsumexp(x)", "x"),
    ("hessian", "x^T A x / x^T x", "x"),
]


CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCK["wall"]
REPEAT = 30


def median_ms(fn, repeat=None):
    times = []
    for _ in range(repeat or REPEAT):
        simplifier._memo.clear()
        t = clock()
        fn()
        times.append(clock() - t)
    return 1e3 * statistics.median(times)


def main():
    global clock, REPEAT
    ap = argparse.ArgumentParser()
    ap.add_argument("--clock", choices=CLOCK, default="wall")
    ap.add_argument("--repeat", type=int, default=REPEAT)
    args = ap.parse_args()
    clock, REPEAT = CLOCK[args.clock], args.repeat
    matcalc.parse("x")  # build the grammar outside the timings
    print(f"{'kind':9} {'expression':48} {'parse':>8} {'derive':>9} {'ratio':>6}")
    totals = []
    for kind, text, wrt in CASES:
        fn = getattr(matcalc, kind)
        p = median_ms(lambda: matcalc.parse(text))
        d = median_ms(lambda: fn(text, wrt, check=False))
        totals.append(d)
        print(f"{kind:9} {text:48} {p:7.2f}ms {d:8.2f}ms {d / p:5.1f}x")
    print(f"median parse+derive+simplify: {statistics.median(totals):.2f} ms; max {max(totals):.2f} ms")


if __name__ == "__main__":
    main()
