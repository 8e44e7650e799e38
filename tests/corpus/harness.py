"""Run one corpus case: draw inputs, ask matcalc, compare with finite differences of the case's
own NumPy function. Nothing here derives anything from matcalc's reading: the oracle is `fn`."""
import re
import zlib
from types import SimpleNamespace

import numpy as np

import matcalc

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps", "ϵ": "eps", "ζ": "zeta",
         "η": "eta", "θ": "theta", "κ": "kappa", "λ": "lam", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
         "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
         "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lam", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi",
         "Ω": "Omega", "ℓ": "ell"}
WORDS = {"lambda": "lam", "Lambda": "Lam", "epsilon": "eps", "varepsilon": "eps", "varphi": "phi"}


def norm_name(s):
    """A spelling-independent key: Σ, \\Sigma, \\boldsymbol{\\Sigma}, Sigma -> Sigma; \\hat{y}, ŷ -> yhat;
    W_1, W_{1}, W^{(1)} -> W1; w^*, w^\\star -> wstar; x' -> xprime."""
    s = s.replace("ŷ", "yhat").replace("x̂", "xhat")
    s = re.sub(r"\\(hat|tilde|bar)\{([^{}]*)\}", lambda m: m.group(2) + m.group(1), s)
    s = re.sub(r"\\(mathbf|boldsymbol|bm|mathrm|mathit|operatorname|vec)\s*", "", s)
    s = s.replace("\\star", "star").replace("*", "star").replace("⋆", "star").replace("'", "prime")
    for g, a in GREEK.items():
        s = s.replace(g, a)
    s = re.sub(r"\\([A-Za-z]+)", lambda m: WORDS.get(m.group(1), m.group(1)), s)
    s = re.sub(r"[\\{}_^() ]", "", s)
    for w, a in WORDS.items():
        if s.startswith(w):
            s = a + s[len(w):]
    return s


def parse_spec(spec, sizes):
    tokens = spec.split()
    if tokens[0] == "scalar":
        return (), tokens[1:]
    shape, props = [], []
    for t in tokens:
        if t == "x":
            continue
        if t in sizes:
            shape.append(sizes[t])
        elif t.isdigit():
            shape.append(int(t))
        else:
            props.append(t)
    return tuple(shape), props


def draw(spec, sizes, rng):
    shape, props = parse_spec(spec, sizes)
    if "pm1" in props:
        a = rng.choice([-1.0, 1.0], size=shape)
    elif "binary" in props:
        a = rng.choice([0.0, 1.0], size=shape)
    elif "onehot" in props:
        a = np.zeros(shape)
        a[rng.integers(shape[0])] = 1.0
    elif "onehotrows" in props:
        a = np.zeros(shape)
        a[np.arange(shape[0]), rng.integers(shape[1], size=shape[0])] = 1.0
    elif "spd" in props:
        b = rng.standard_normal(shape)
        a = b @ b.T / shape[0] + np.eye(shape[0])
    elif "symmetric" in props:
        b = rng.standard_normal(shape)
        a = (b + b.T) / 2
    elif "diagonal" in props:
        d = rng.uniform(0.5, 2.0, shape[0]) if "positive" in props else rng.standard_normal(shape[0])
        a = np.diag(d)
    elif "positive" in props:
        a = rng.uniform(0.5, 2.0, size=shape)
    else:
        a = rng.standard_normal(shape)
    return float(a) if shape == () else a


def draw_inputs(c):
    rng = np.random.default_rng(zlib.crc32(c["id"].encode()))
    vals = {k: draw(spec, c["sizes"], rng) for k, spec in c["inputs"].items()}
    if c["fix"]:
        c["fix"](vals)
    for name, dim in c.get("extra", {}).items():   # a scalar name standing for a size
        vals[name] = float(c["sizes"][dim])
    return vals


def fd_gradient(fn, vals, key):
    """Central differences, Richardson-extrapolated (error O(h^4)), entry by entry."""
    x0 = np.array(vals[key], dtype=float)
    g = np.zeros_like(x0)
    flat = g.reshape(-1)

    def f_at(x):
        v = dict(vals)
        v[key] = float(x) if x0.shape == () else x
        return float(fn(SimpleNamespace(**v)))

    for i in range(x0.size):
        h = 1e-3 * (1.0 + abs(x0.reshape(-1)[i]))

        def d(step):
            xp, xm = x0.copy(), x0.copy()
            xp.reshape(-1)[i] += step
            xm.reshape(-1)[i] -= step
            return (f_at(xp) - f_at(xm)) / (2 * step)

        flat[i] = (4 * d(h / 2) - d(h)) / 3
    return g, f_at(x0)


class Misread(Exception):
    """matcalc accepted the form and answered something other than what the source means."""


def reading(r):
    """How matcalc read the text: its expression and the types it gave every name."""
    f = r.function
    return f"{f}  [{', '.join(f'{k}: {t}' for k, t in f.variables.items())}]"


def run(c):
    """Ask matcalc for the gradient and compare it with the finite differences of c['fn'].
    Returns the matcalc result; raises matcalc.MatcalcError (refused) or Misread."""
    r = matcalc.grad(c["text"], c["wrt"], where=c["where"] or None, check=False)
    if c["fn"] is None:
        raise Misread(f"accepted a frontier form with no reference function: {reading(r)}")
    vals = draw_inputs(c)
    by_norm = {norm_name(k): k for k in vals}
    by_norm.update({norm_name(a): k for a, k in c.get("alias", {}).items()})
    key = by_norm.get(norm_name(c["wrt"]))
    assert key is not None, f"case {c['id']}: no input for wrt {c['wrt']!r}"
    from matcalc.vocabulary import spelling     # σ, sigma and \sigma are one name: declared under any of them
    from matcalc.parse.declarations import letter_shape   # ε declares the text's \varepsilon (said in a note)
    spelled = {spelling(n) for n in r.function.variables}
    shapes = {letter_shape(s) for s in spelled}
    from matcalc.parse.names import read_name          # C^u, \tilde{w}: declared as the text reads them
    ignored = [k for k, spec in c["where"].items()
               if spelling(k) not in spelled and spelling(read_name(k)) not in spelled and not spec.startswith("function")
               and not (letter_shape(spelling(k)) in shapes and any(f"declaration of {k}" in n for n in r.notes))]
    notes = [f"declaration of {k} silently ignored (the text's name is "
             f"{', '.join(n for n in r.function.variables if norm_name(n) == norm_name(k)) or 'absent'})" for k in ignored]
    needed = set(r.function.variables) | set(getattr(r.expr, "variables", {}) or {})
    kwargs, unknown = {}, []
    for name in sorted(needed):
        k = by_norm.get(norm_name(name))
        if k is not None:
            kwargs[name] = vals[k]
        elif norm_name(name) in c["sizes"]:
            kwargs[name] = float(c["sizes"][norm_name(name)])   # a dimension read as a free scalar: give it its size
            notes.append(f"dimension {name} read as a free scalar")
        else:
            unknown.append(name)
    kwargs.update(c.get("funcs", {}))   # values of declared functions and their derivatives (Φ, dΦ)
    if unknown:
        raise Misread(f"names the source does not have: {sorted(unknown)}; read as {reading(r)}")
    try:
        got = np.asarray(r.to_numpy()(**kwargs), dtype=float)
    except Exception as exc:   # evaluation with the source's shapes fails: the reading has other shapes
        raise Misread(f"cannot evaluate with the source's shapes ({type(exc).__name__}: {exc}); read as {reading(r)}")
    want, fval = fd_gradient(c["fn"], vals, key)
    if got.shape != want.shape:
        if got.size == want.size and got.squeeze().shape == want.squeeze().shape:
            got = got.reshape(want.shape)
        else:
            raise Misread(f"gradient of shape {got.shape}, the source's {c['wrt']} has shape {want.shape}; "
                          f"read as {reading(r)}")
    spec = c["inputs"][key]
    if "spd" in spec or "symmetric" in spec:   # only the symmetric part is meaningful there
        got, want = (got + got.T) / 2, (want + want.T) / 2
    err = np.linalg.norm(got - want) / (np.linalg.norm(want) + 1e-8 * (1 + abs(fval)))
    if not err <= 1e-6:
        raise Misread(f"answer {r.expr} differs from the source's meaning (rel. error {err:.2g}); read as {reading(r)}")
    return r, notes


def respelled(c, spec):
    """The case re-spelled in documented notation (tests/corpus/respelled.py): same inputs and fn."""
    return dict(c, id=c["id"], text=spec["text"], wrt=spec["wrt"] or c["wrt"],
                where=c["where"] if spec["where"] is None else spec["where"], extra=spec["extra"], alias=spec["alias"],
                funcs=spec.get("funcs", {}))


def cli_args(c):
    """The command line a user would type for this case."""
    args = ["grad", c["text"], "--wrt", c["wrt"]]
    for k, v in c["where"].items():
        args += ["--let", f"{k}: {v}"]
    return args


def run_cli(c):
    """Run the case through the command line (click's runner, in-process): (exit code, output)."""
    from click.testing import CliRunner
    from matcalc.cli import main
    res = CliRunner().invoke(main, cli_args(c))
    out = res.output   # click >= 8.2: standard output and standard error interleaved
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        import traceback
        out += "".join(traceback.format_exception(*res.exc_info))
    return res.exit_code, out


def cli_sample(cases):
    """The cases run through the command line too: every fourth one by a stable hash, and every
    form that starts with '-' (a leading minus must not be taken for an option)."""
    return [c for c in cases if zlib.crc32(c["id"].encode()) % 4 == 0 or c["text"].lstrip().startswith("-")]
