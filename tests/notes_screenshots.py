"""Screenshots of what a student pastes and shares (issue 15), for a reader to look at:

    python tests/notes_screenshots.py [DIR]

- notebook.png: tests/data/demo.ipynb with two more cells (softmax cross-entropy steps, log-sum-exp),
  executed in a real kernel with nbclient, written out as HTML (each cell's input and its richest
  output, the way Jupyter shows them; the math typeset by KaTeX from tests/katex/node_modules, as
  Jupyter's MathJax would) and rendered in headless Chromium (the system's, through Playwright);
- standalone.png: the first page of `matcalc grad … --steps --format latex --standalone`, compiled with
  pdflatex and rasterized with pdftoppm.

DIR defaults to docs/img/. Needs nbclient, nbformat, ipykernel, playwright (Python), /usr/bin/chromium,
pdflatex and pdftoppm (poppler-utils), and `cd tests/katex && npm ci` for KaTeX.
"""
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]        # serve_browser.py, and this checkout's matcalc
KATEX = HERE / "katex" / "node_modules" / "katex" / "dist"

EXTRA_CELLS = [   # what issue 15 names beyond the demo: abbreviations in steps, a textbook identity
    'matcalc.grad("-sum(y .* log(softmax(W x + b)))", "W").steps',
    'matcalc.hessian("log(sum(exp(x)))", "x")',
]
STANDALONE = ["grad", "-sum(y .* log(softmax(W x + b)))", "--wrt", "W", "--steps", "--format", "latex",
              "--standalone"]

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{katex}/katex.min.css">
<script src="{katex}/katex.min.js"></script>
<script src="{katex}/contrib/auto-render.min.js"></script>
<style>
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 14px; margin: 24px; width: 880px; color: #222; }}
.cell {{ margin: 0 0 14px 0; }}
.in, .out {{ display: flex; }}
.prompt {{ width: 72px; flex: none; font-family: monospace; font-size: 13px; padding-top: 6px; }}
.in .prompt {{ color: #303f9f; }} .out .prompt {{ color: #d84315; }}
pre.code {{ flex: 1; margin: 0; padding: 6px 8px; background: #f5f5f5; border: 1px solid #e0e0e0;
           border-radius: 2px; font-size: 13px; white-space: pre-wrap; }}
.body {{ flex: 1; overflow-x: auto; padding: 2px 8px; }}
pre.err {{ margin: 0; padding: 6px 8px; background: #fdd; font-size: 13px; white-space: pre-wrap; }}
h1 {{ font-size: 22px; }} .katex-display {{ margin: 0.4em 0; text-align: left; }}
</style></head>
<body>
{cells}
<script>
renderMathInElement(document.body, {{delimiters: [{{left: "$$", right: "$$", display: true}},
                                                {{left: "$", right: "$", display: false}}], throwOnError: true}});
document.body.setAttribute("data-rendered", "1");
</script>
</body></html>
"""


def run_notebook():
    import nbclient
    import nbformat
    nb = nbformat.read(HERE / "data" / "demo.ipynb", as_version=4)
    nb.cells[-1:-1] = [nbformat.v4.new_code_cell(src) for src in EXTRA_CELLS]    # before the error cell
    nbclient.NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def _markdown(text):
    """The demo's Markdown cells: a heading and paragraphs (all it uses)."""
    out = []
    for block in text.split("\n"):
        if block.startswith("# "):
            out.append(f"<h1>{html.escape(block[2:])}</h1>")
        elif block.strip():
            out.append(f"<p>{html.escape(block)}</p>")
    return "\n".join(out)


def to_html(nb):
    """Each cell as Jupyter shows it: In [k] with the source, Out [k] with the richest output (HTML, else
    the text), an error's traceback without its ANSI colours."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cells.append(f'<div class="cell">{_markdown(cell.source)}</div>')
            continue
        k = cell.get("execution_count") or " "
        parts = [f'<div class="in"><div class="prompt">In [{k}]:</div><pre class="code">'
                 f'{html.escape(cell.source)}</pre></div>']
        for o in cell.outputs:
            if o.output_type in ("execute_result", "display_data"):
                body = o.data.get("text/html") or f"<pre>{html.escape(o.data.get('text/plain', ''))}</pre>"
                prompt = f"Out[{k}]:" if o.output_type == "execute_result" else ""
            elif o.output_type == "error":
                trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(o.traceback))
                body, prompt = f'<pre class="err">{html.escape(trace)}</pre>', ""
            else:
                body, prompt = f"<pre>{html.escape(o.get('text', ''))}</pre>", ""
            parts.append(f'<div class="out"><div class="prompt">{prompt}</div><div class="body">{body}</div></div>')
        cells.append('<div class="cell">' + "\n".join(parts) + "</div>")
    return PAGE.format(katex=KATEX.as_uri(), cells="\n".join(cells))


def screenshot_html(page_html, png):
    from playwright.sync_api import sync_playwright
    from serve_browser import CHROMIUM_ARGS, chromium_path
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notebook.html"
        path.write_text(page_html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 940, "height": 800}, device_scale_factor=1)
            page.goto(path.as_uri())
            page.locator("body[data-rendered='1']").wait_for(state="attached", timeout=20_000)
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(png), full_page=True)
            browser.close()


def standalone_png(png):
    from click.testing import CliRunner

    from matcalc.cli import main as cli_main
    doc = CliRunner().invoke(cli_main, STANDALONE).output
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "doc.tex").write_text(doc, encoding="utf-8")
        subprocess.run([shutil.which("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                       cwd=tmp, check=True, capture_output=True, timeout=120)
        subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile",
                        "doc.pdf", str(png.with_suffix(""))], cwd=tmp, check=True, timeout=120)


def main(out=None):
    out = Path(out or ROOT / "docs" / "img")
    out.mkdir(parents=True, exist_ok=True)
    screenshot_html(to_html(run_notebook()), out / "notebook.png")
    print(out / "notebook.png")
    standalone_png(out / "standalone.png")
    print(out / "standalone.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
