"""Regenerate the committed status table: `python tests/corpus/classify.py [--write]`.

The test reads tests/corpus/status.py and never re-classifies by itself, so that a fix in matcalc
turns an expected failure into a strict XPASS and the fixer updates this table (re-run with --write,
then check the diff). Causes are kept from the existing table; new entries get '?' to be filled in.
"""
import os
import pprint
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), os.path.join(HERE, "..", "..")]   # tests/, then this checkout's matcalc

import matcalc  # noqa: E402
print(f"matcalc from {os.path.dirname(matcalc.__file__)}", file=sys.stderr)
from corpus.derivations import CASES, FRONTIER  # noqa: E402
from corpus.harness import run, run_cli, cli_sample, respelled, Misread  # noqa: E402
from corpus.respelled import R as RESPELLED  # noqa: E402


def classify(c):
    try:
        _, notes = run(c)
        return "ok" + (f" ({'; '.join(notes)})" if notes else "")
    except matcalc.MatcalcError as exc:
        return "refused: " + str(exc).splitlines()[0][:240]
    except Misread as exc:
        return "MISREAD: " + str(exc)[:400]
    except Exception as exc:   # a crash is not a clean refusal
        return f"CRASH: {type(exc).__name__}: {str(exc)[:200]}"


def summary(table):
    """Counts by outcome and by cause, as markdown (for tests/corpus/README.md)."""
    import collections
    api = {c["id"]: table[c["id"]] for c in CASES}
    ok = [k for k, (s, _) in api.items() if s.startswith("ok")]
    refused = [k for k, (s, _) in api.items() if s.startswith("refused")]
    misread = [k for k, (s, _) in api.items() if s.startswith("MISREAD")]
    crash = [k for k, (s, _) in api.items() if s.startswith("CRASH")]
    lines = [f"- forms: {len(CASES)} (+ {len(FRONTIER)} frontier forms)",
             f"- accepted in source form and answered correctly: {len(ok)} (of which "
             f"{sum('free scalar' in api[k][0] for k in ok)} only with a dimension name read as a free scalar "
             f"that the user must set to the size, "
             f"{sum('silently ignored' in api[k][0] for k in ok)} with a declaration spelled differently from the text "
             f"silently ignored)",
             f"- of the forms written in LaTeX ({sum(chr(92) in c['text'] for c in CASES)}), accepted and correct: "
             f"{sum(chr(92) in c['text'] for c in CASES if c['id'] in ok)}",
             f"- refused: {len(refused)}", f"- silently misread: {len(misread)}", f"- crashed: {len(crash)}"]
    fr = [table[c["id"]][0].split(":")[0].split(" ")[0] for c in FRONTIER]   # "ok (notes)" is ok
    lines.append(f"- frontier: {fr.count('refused')} refused cleanly, {fr.count('ok')} answered correctly, "
                 f"{fr.count('MISREAD')} misread")
    cli = {k: v for k, v in table.items() if k.startswith("cli:") and k[4:] in api}
    rs = {k: v for k, v in table.items() if k.startswith("respell:")}
    bad = [k for k in refused + misread + crash]
    lines.append(f"- re-spelled in the notation the README documents (tests/corpus/respelled.py): "
                 f"{sum(s.startswith('ok') for s, _ in rs.values())} of the {len(bad)} refused or misread forms work; "
                 f"{len(bad) - len(rs)} have no documented spelling"
                 + "".join(f", `{k}`" for k in bad if "respell:" + k not in rs)
                 + "".join(f", `{k[8:]}` re-spelled is {s.split(':')[0]}" for k, (s, _) in rs.items() if not s.startswith("ok")))
    lines.append(f"- command line sample (of the cases accepted through the API): {len(cli)}, exit 0: "
                 f"{sum(s == 'ok' for s, _ in cli.values())}")
    lines += ["", "| cause | refused | misread |", "| --- | --- | --- |"]
    by = collections.defaultdict(lambda: [0, 0])
    for k in refused + misread + crash:
        by[api[k][1]][0 if k in refused else 1] += 1
    for cause, (r, m) in sorted(by.items(), key=lambda kv: -sum(kv[1])):
        lines.append(f"| {cause.replace('|', chr(92) + '|')} | {r} | {m} |")
    clic = collections.Counter(c for s, c in cli.values() if s != "ok")
    for cause, n in clic.items():
        lines.append(f"| {cause} (command line only) | {n} | 0 |")
    lines += ["", "Misread forms (accepted, answered for another reading):", ""]
    for k in misread:
        c = next(c for c in CASES if c["id"] == k)
        lines.append(f"- `{k}` [{api[k][1]}]: `{c['text']}` — {api[k][0][len('MISREAD: '):]}")
    lines += ["", "Cases by cause (first blocker):", ""]
    for cause in sorted(by, key=lambda k: -sum(by[k])):
        ids = [k for k in refused + misread + crash if api[k][1] == cause]
        lines.append(f"- {cause}: " + ", ".join(f"`{k}`" for k in ids))
    return "\n".join(lines)


def main():
    if "--summary" in sys.argv:
        from corpus.status import STATUS
        print(summary(STATUS))
        return
    try:
        from corpus.status import STATUS as old
    except ImportError:
        old = {}
    table = {}
    t0 = time.time()
    for c in CASES + FRONTIER:
        s = classify(c)
        cause = old.get(c["id"], ("", "?"))[1]
        if s.startswith("ok"):
            cause = ""
        table[c["id"]] = (s, cause)
        print(f"{c['id']:32s} {s[:160]}")
    for c in CASES:
        if c["id"] in RESPELLED and not table[c["id"]][0].startswith("ok"):
            key = "respell:" + c["id"]
            s = classify(respelled(c, RESPELLED[c["id"]]))
            table[key] = (s, "" if s.startswith("ok") else old.get(key, ("", "?"))[1])
            print(f"{key:32s} {s[:160]}")
    for c in cli_sample(CASES):
        if table[c["id"]][0].startswith("ok"):
            code, out = run_cli(c)
            s = "ok" if code == 0 else f"CLI exit {code}: " + out.strip().splitlines()[-1][:200]
            table["cli:" + c["id"]] = (s, "" if s == "ok" else old.get("cli:" + c["id"], ("", "?"))[1])
            print(f"cli:{c['id']:28s} {s[:160]}")
    for c in FRONTIER:
        if table[c["id"]][0].startswith("refused"):
            code, out = run_cli(c)
            s = "refused" if code == 2 and "Traceback" not in out else f"CLI exit {code}: {out.strip()[-200:]}"
            table["cli:" + c["id"]] = (s, "")
            print(f"cli:{c['id']:28s} {s[:160]}")
    print(f"{len(table)} cases in {time.time() - t0:.1f}s", file=sys.stderr)
    if "--write" in sys.argv:
        path = os.path.join(os.path.dirname(__file__), "status.py")
        with open(path, "w") as f:
            f.write('"""Committed status of every corpus case: id -> (status, cause).\n\n'
                    'status: "ok" | "refused: <message>" | "MISREAD: <how matcalc read it>" | "CRASH: …".\n'
                    'Regenerate with `python tests/corpus/classify.py --write`; never edit a status by hand\n'
                    'to make the test green."""\n\nSTATUS = ')
            f.write(pprint.pformat(table, width=120, sort_dicts=False))
            f.write("\n")


if __name__ == "__main__":
    main()
