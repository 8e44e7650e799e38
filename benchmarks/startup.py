"""Start-up cost of the command line, as a ratio to `python -c "import numpy"` measured in the same run.

    python benchmarks/startup.py               # 15 runs of each command
    python benchmarks/startup.py --repeat 31

Commands (each a fresh process; the runs of the four commands are interleaved, so a change in the
machine's load hits all of them alike; each figure is the median):
  baseline   python -c "import numpy"
  no check   matcalc grad "x^T A x" --wrt x --no-check
  check      matcalc grad "x^T A x" --wrt x
and, for reference, the bare interpreter `python -c pass`. `matcalc` is the installed command when
one is on PATH, otherwise `python -m matcalc` run from the repository root (the script says which).
Both wall time and CPU time (user + system of the child, from getrusage: microseconds, where
os.times counts 10 ms ticks) are shown: on a loaded machine the CPU time is the steadier of the two.
One untimed run of each command first warms the .pyc files and the OS file cache.

Everything is measured twice: with a bytecode cache (the figure that counts: what an installed
package or a normal checkout gets; the .pyc files go to a temporary PYTHONPYCACHEPREFIX, never
into the source tree) and with the environment as it is (with PYTHONDONTWRITEBYTECODE=1, as in
some containers, a checkout recompiles every matcalc module at every start).

Targets (issue 19): no check ≤ 0.8× the baseline, check ≤ 1.5×.

Then `python -X importtime` of the no-check command: the imports that cost the most (median of 3
runs), and whether NumPy, SymPy, SciPy, Lark or click were imported at all on that path (none need be).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPR = ["grad", "x^T A x", "--wrt", "x"]
TARGETS = {"no check": 0.8, "check": 1.5}


def matcalc_command():
    exe = shutil.which("matcalc")
    if exe:
        return [exe], None, f"the installed command {exe}"
    return [sys.executable, "-m", "matcalc"], str(ROOT), f"{Path(sys.executable).name} -m matcalc from {ROOT}"


def children_cpu():
    """User + system seconds of the finished children: getrusage where there is one (µs resolution)."""
    try:
        import resource
    except ImportError:
        t = os.times()
        return t.children_user + t.children_system
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd, cwd, env=None):
    """(wall seconds, CPU seconds of the child, completed process)."""
    before = children_cpu()
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    return wall, children_cpu() - before, proc


def importtime(cmd, cwd, env, runs=3):
    """name → (self µs, cumulative µs, depth), the median over runs."""
    per = {}
    for _ in range(runs):
        if cmd[0] == sys.executable:
            full = [sys.executable, "-X", "importtime"] + cmd[1:]
        else:   # the installed entry point is a Python script: run it under -X importtime
            full = [sys.executable, "-X", "importtime", cmd[0]] + cmd[1:]
        proc = subprocess.run(full + EXPR + ["--no-check"], cwd=cwd, capture_output=True, text=True, env=env)
        for line in proc.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", line)
            if m:
                per.setdefault(m[4], []).append((int(m[1]), int(m[2]), len(m[3]) // 2))
    return {name: (statistics.median(s for s, _, _ in v), statistics.median(c for _, c, _ in v), v[0][2])
            for name, v in per.items()}


def environments(tmp):
    """The environment as it is, and one with a bytecode cache outside the source tree.

    With PYTHONDONTWRITEBYTECODE set (as in some containers) and the package run from a source
    checkout, every start recompiles matcalc's modules; an installed package (pip writes .pyc at
    install) or a developer machine does not. PYTHONPYCACHEPREFIX puts the cache in a temporary
    directory, so the source tree is left untouched.
    """
    as_is = dict(os.environ)
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = tmp
    label = "as is" + (" (PYTHONDONTWRITEBYTECODE=1: no .pyc for the checkout)"
                       if os.environ.get("PYTHONDONTWRITEBYTECODE") else "")
    return {"bytecode cached": cached, label: as_is}


def measure(commands, env, repeat):
    for name, (cmd, where) in commands.items():   # warm-up: .pyc, the OS file cache
        _, _, proc = run_once(cmd, where, env)
        if proc.returncode != 0:
            sys.exit(f"{name} failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
        if name in ("no check", "check") and "∂f/∂x" not in proc.stdout:
            sys.exit(f"{name}: unexpected output {proc.stdout!r}")
    wall = {name: [] for name in commands}
    cpu = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (cmd, where) in commands.items():
            w, c, _ = run_once(cmd, where, env)
            wall[name].append(w)
            cpu[name].append(c)
    return wall, cpu


def report(wall, cpu, repeat):
    base_w, base_c = statistics.median(wall["baseline"]), statistics.median(cpu["baseline"])
    print(f"{'command':12} {'wall ms':>8} {'(min)':>7} {'ratio':>6} {'CPU ms':>8} {'ratio':>6}  target")
    for name in wall:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        target = TARGETS.get(name)
        verdict = ""
        if target:
            verdict = f"≤ {target}x: wall {'met' if w / base_w <= target else 'MISSED'}, " \
                      f"CPU {'met' if c / base_c <= target else 'MISSED'}"
        print(f"{name:12} {1e3 * w:8.1f} {1e3 * min(wall[name]):7.1f} {w / base_w:5.2f}x {1e3 * c:8.1f} "
              f"{c / base_c:5.2f}x  {verdict}")
    print(f"(median of {repeat} interleaved runs; ratios to the baseline `python -c \"import numpy\"`)")


def main():
    ap = argparse.ArgumentParser(description="start-up time of the matcalc command line")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    mc, cwd, how = matcalc_command()
    commands = {
        "bare python": ([sys.executable, "-c", "pass"], None),
        "baseline": ([sys.executable, "-c", "import numpy"], None),
        "no check": (mc + EXPR + ["--no-check"], cwd),
        "check": (mc + EXPR, cwd),
    }
    print(f"matcalc: {how}")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="matcalc-pyc-") as tmp:
        for label, env in environments(tmp).items():
            print(f"\n== {label}")
            report(*measure(commands, env, args.repeat), args.repeat)
        times = importtime(mc, cwd, environments(tmp)["bytecode cached"])
    total = sum(c for _, c, d in times.values() if d == 0)
    print(f"\npython -X importtime, no-check path, bytecode cached: {total / 1e3:.1f} ms in imports at top level "
          f"(median of 3 runs)")
    print(f"  {'cumulative':>10} {'self':>8}  top-level imports")
    top = sorted(((c, s, n) for n, (s, c, d) in times.items() if d == 0), reverse=True)[:10]
    for c, s, n in top:
        print(f"  {c / 1e3:8.1f}ms {s / 1e3:6.1f}ms  {n}")
    print(f"  {'self':>10} {'cumul.':>8}  most expensive modules by own time")
    for s, c, n in sorted(((s, c, n) for n, (s, c, d) in times.items()), reverse=True)[:15]:
        print(f"  {s / 1e3:8.1f}ms {c / 1e3:6.1f}ms  {n}")
    for heavy in ("numpy", "sympy", "scipy", "lark", "click"):
        hit = times.get(heavy)
        print(f"  {heavy}: " + (f"IMPORTED ({hit[1] / 1e3:.1f} ms cumulative)" if hit else "not imported"))

if __name__ == "__main__":
    main()
