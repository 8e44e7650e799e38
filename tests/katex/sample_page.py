"""An HTML page of matcalc's LaTeX rendered by KaTeX, for looking at it as a reader would.

    python tests/katex/sample_page.py /tmp/sample.html
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --window-size=1200,1600 \
        --screenshot=/tmp/sample.png file:///tmp/sample.html

Needs `npm ci` in tests/katex (render.js and KaTeX's CSS and fonts come from there). A string that
KaTeX refuses is shown as its error, in red.
"""
import html
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
import matcalc  # noqa: E402

# (title, function) -> a LaTeX string, the way the CLI prints it with --format latex
SAMPLES = [
    ("softmax Jacobian, shared subexpression named",
     lambda: r"\frac{\partial f}{\partial x} = " + matcalc.jacobian("softmax(x)", "x", check=False).pretty(latex=True)),
    ("logistic Hessian, ±1 labels",
     lambda: r"\frac{\partial^2 f}{\partial w^2} = "
     + matcalc.hessian("sum(log(1 + exp(-y .* (X w))))", "w", check=False).pretty(latex=True)),
    ("logistic Hessian, 0/1 labels",
     lambda: r"\frac{\partial^2 f}{\partial w^2} = "
     + matcalc.hessian("sum(log(1 + exp(X w))) - y^T X w", "w", check=False).pretty(latex=True)),
    ("log det X, X symmetric (spd)",
     lambda: r"\frac{\partial f}{\partial X} = "
     + matcalc.grad("log det X", "X", where={"X": "n x n spd"}, check=False).pretty(latex=True)),
    ("Gaussian NLL w.r.t. Σ (spd)",
     lambda: r"\frac{\partial f}{\partial \Sigma} = " + matcalc.grad(
         "1/2 (x - mu)^T Σ^-1 (x - mu) + 1/2 log det(Σ)", "Σ", where={"Σ": "n x n spd"}, check=False).pretty(latex=True)),
    ("tr(X⁻¹ A)", lambda: r"\frac{\partial f}{\partial X} = " + matcalc.grad("tr(X^-1 A)", "X", check=False).latex()),
    ("Jacobian of X⁻¹", lambda: matcalc.jacobian("X^{-1}", "X", check=False).latex()),
    ("tr(X³)", lambda: matcalc.grad("tr(X^3)", "X", check=False).latex()),
    ("Rayleigh quotient", lambda: matcalc.grad("x^T A x / x^T x", "x", where={"A": "n x n symmetric"},
                                               check=False).latex()),
    ("cosine similarity", lambda: matcalc.grad("x^T y / (||x|| ||y||)", "x", check=False).latex()),
    ("one-layer tanh network, w.r.t. W", lambda: matcalc.grad("||tanh(W x + b) - y||^2", "W", check=False).latex()),
    ("differential of ‖Ax − b‖²", lambda: matcalc.differential("||A x - b||^2", "x").latex()),
    ("steps: log det X, X symmetric (spd)",
     lambda: matcalc.grad("log det X", "X", where={"X": "n x n spd"}, check=False).steps_latex()),
    ("steps: softmax Jacobian", lambda: matcalc.jacobian("softmax(x)", "x", check=False).steps_latex()),
    ("steps: attention w.r.t. Q (A named where first used)", lambda: matcalc.grad(
        "tr(G^T softmax(Q K^T / s) V)", "Q", where={"s": "scalar"}, check=False).steps_latex()),
    ("steps: layer norm w.r.t. X (σ, then X̂)", lambda: matcalc.grad(
        "Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T); L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))", "X",
        where={"eps": "scalar"}, check=False).steps_latex()),
    ("steps: MLP on a batch w.r.t. W1 (H, Z, then δ)", lambda: matcalc.grad(
        "H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T; L = sum(logsumexp(Z)) - sum(Y .* Z)", "W1",
        check=False).steps_latex()),
    ("RMS norm w.r.t. X", lambda: r"\frac{\partial f}{\partial X} = " + matcalc.grad(
        "r = sqrt(mean_rows(X .* X) + eps); L = tr(G^T ((X ./ (r 1^T)) .* (1 g^T)))", "X",
        where={"eps": "scalar"}, check=False).pretty(latex=True)),
]


def main(out):
    titles, strings = zip(*[(title, make()) for title, make in SAMPLES])
    proc = subprocess.run(["node", str(HERE / "render.js"), "--html"], input=json.dumps(strings),
                          capture_output=True, text=True, encoding="utf-8", check=True)
    css = (HERE / "node_modules" / "katex" / "dist" / "katex.min.css").as_uri()
    rows = []
    for title, tex, result in zip(titles, strings, json.loads(proc.stdout)):
        body = result["html"] if result["ok"] else f'<pre class="error">{html.escape(result["error"])}</pre>'
        rows.append(f"<section><h2>{html.escape(title)}</h2>{body}</section>")
    Path(out).write_text(f"""<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="{css}">
<style>body {{ font-family: sans-serif; margin: 1em 2em; }} h2 {{ font-size: 13px; color: #555; margin: 1.2em 0 0; }}
.error {{ color: #c00; white-space: pre-wrap; }}</style>
{''.join(rows)}
""", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sample.html")
