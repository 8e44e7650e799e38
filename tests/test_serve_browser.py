"""The playground in a real browser: headless Chromium from the system's packages, driven by Playwright.

Type an expression and see it rendered, change a type in the table, run the exported NumPy code
against finite differences, see an error highlighted where the caret points, reload from the URL.

Needs the Python package playwright and /usr/bin/chromium (Debian: `apt-get install chromium`; never
`playwright install`). Without them the tests skip, unless MATCALC_REQUIRE_ALL=1 (set by .ci/run),
which turns the skip into a failure.
"""
import os
import re
from urllib.parse import parse_qs, quote

import numpy as np
import pytest

from matcalc.serve import make_server, start
from serve_browser import CHROMIUM_ARGS, chromium_path

REQUIRE_ALL = os.environ.get("MATCALC_REQUIRE_ALL") == "1"
TIMEOUT = 20_000        # ms: a derivation answers in well under a second; this is for a loaded machine


def _tools():
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install playwright)")
    if chromium_path() is None:
        missing.append("Chromium (apt-get install chromium)")
    if missing:
        message = "the browser tests need " + " and ".join(missing)
        if REQUIRE_ALL:
            pytest.fail(message + "; MATCALC_REQUIRE_ALL=1 makes a missing tool a failure", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def server():
    s = make_server(0)
    start(s)
    yield s
    s.shutdown()
    s.server_close()


@pytest.fixture(scope="module")
def browser():
    _tools()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page of the playground; the test fails on any console error or uncaught exception
    (a Content-Security-Policy violation, a missing file, a bug in app.js) but the browser's note of
    an HTTP 400, which is how the API answers an expression with an error."""
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    problems = []
    expected = "the server responded with a status of 400"        # the API's answer to a wrong expression

    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" and expected not in m.text else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
    pg.on("response", lambda r: problems.append(f"{r.url}: {r.status}")
          if r.status >= 400 and not r.url.endswith(("/api/derive", "/api/kkt")) else None)
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url) if r.url.endswith("/api/derive") else None)
    pg.base = server.url
    yield pg
    context.close()
    assert problems == []


def settled(pg):
    """Wait until the page has drawn an answer and has nothing more to ask."""
    pg.locator("body[data-pending='0'][data-error]").wait_for(state="attached")


def shown(pg):
    """The LaTeX of the rendered result lines (KaTeX keeps its source in the MathML annotation)."""
    return pg.locator("#result annotation").all_text_contents()


def open_page(pg, state=""):
    pg.goto(pg.base + (f"#{state}" if state else ""))
    settled(pg)


def type_expr(pg, text):
    box = pg.locator("#expr")
    box.fill("")
    box.press_sequentially(text, delay=15)
    settled(pg)


def test_typing_renders_the_derivative(page):
    open_page(page)
    assert page.locator("#expr").input_value() == "||A x - b||^2"     # the example a newcomer starts with
    before = len(page.requests)
    type_expr(page, "x^T A x")
    assert shown(page) == [r"\frac{\partial f}{\partial x} = \left(A + A^{\top}\right) x"]
    assert len(page.requests) - before < len("x^T A x")             # debounced: not one request per key
    assert page.locator("#check").get_attribute("class") == "check passed"
    assert page.locator("#check").text_content().startswith("numerical check passed")
    assert page.locator("#wrt option").all_text_contents() == ["A", "x"]
    assert page.locator("#wrt").input_value() == "x"
    assert page.locator("#vars tbody tr td.type").all_text_contents() == ["matrix n x n", "vector n"]
    assert page.locator("#steps li").count() == 3
    assert page.locator("#steps .katex").count() == 3


def test_a_declared_type_changes_the_result(page):
    open_page(page, "e=x%5ET+A+x")
    page.locator("#vars input[data-name='A']").fill("n x n symmetric")
    settled(page)
    assert shown(page) == [r"\frac{\partial f}{\partial x} = 2 A x"]
    assert parse_qs(page.url.split("#", 1)[1])["let"] == ["A: n x n symmetric"]
    assert page.locator("#vars tbody tr td.type").all_text_contents() == ["matrix n x n symmetric", "vector n"]
    page.locator("#vars input[data-name='A']").fill("n x n q")
    settled(page)
    assert page.locator("#error").text_content().startswith("declaration error")
    assert "bad" in page.locator("#vars input[data-name='A']").get_attribute("class")


def test_the_numpy_export_runs_and_matches_finite_differences(page):
    open_page(page, "e=" + "%7C%7CA+x+-+b%7C%7C%5E2+%2B+lambda+%7C%7Cx%7C%7C%5E2")
    page.locator(".tabs [data-tab='numpy']").click()
    page.locator("#export[data-tab='numpy']").wait_for()
    settled(page)
    source = page.locator("#export").text_content()
    assert source.startswith("# generated by matcalc from: ||A x - b||^2 + lambda ||x||^2")
    namespace = {}
    exec(compile(source, "<exported>", "exec"), namespace)         # the code the user copies, run as they would
    fn = next(v for k, v in namespace.items() if k.startswith("f_and_"))
    rng = np.random.default_rng(0)
    A, b, x, lam = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3), 0.7
    value, gradient = fn(A=A, b=b, lambda_=lam, x=x)
    assert np.isclose(value, np.sum((A @ x - b) ** 2) + lam * x @ x)
    eps = 1e-6
    numeric = [(fn(A=A, b=b, lambda_=lam, x=x + eps * e)[0] - fn(A=A, b=b, lambda_=lam, x=x - eps * e)[0]) / (2 * eps)
               for e in np.eye(3)]
    assert np.allclose(gradient, numeric, rtol=1e-6, atol=1e-8)
    page.locator(".tabs [data-tab='latex']").click()                # the notes as comments, then the formula
    assert page.locator("#export").text_content().split("\n") == [
        "% note: b is read as a vector (the letter convention alone would make it a scalar)",
        r"\frac{\partial f}{\partial x} = 2 \left(A^{\top} \left(A x - b\right) + \lambda x\right)"]
    page.locator(".tabs [data-tab='text']").click()
    assert page.locator("#export").text_content().startswith("∂f/∂x = 2 (A^T (A x - b) + lambda x)\n")


@pytest.mark.parametrize("text, pos, marked", [("x + * y", 4, "*"), ("x^T A x + (B x", 14, " ")])
def test_an_error_is_highlighted_where_the_caret_points(page, text, pos, marked):
    open_page(page)
    type_expr(page, text)
    error = page.locator("#error")
    assert error.is_visible() and error.text_content().startswith("syntax error: ")
    assert f"(at column {pos + 1})" in error.text_content()
    assert error.get_attribute("data-pos") == str(pos)
    mark = page.locator("#expr-mirror mark")
    assert mark.text_content() == marked
    box, area = mark.bounding_box(), page.locator("#expr").bounding_box()
    assert area["x"] < box["x"] < area["x"] + area["width"] and area["y"] < box["y"] < area["y"] + area["height"]
    # the highlight sits under the character: its left edge is `pos` characters from the text's start
    char = page.locator("#expr-mirror").evaluate("m => { const r = document.createRange(); r.setStart(m.firstChild, 0);"
                                                 " r.setEnd(m.firstChild, 1); return r.getBoundingClientRect().width; }")
    first = page.locator("#expr-mirror").evaluate("m => { const r = document.createRange(); r.setStart(m.firstChild, 0);"
                                                  " r.setEnd(m.firstChild, 0); return r.getBoundingClientRect().x; }")
    assert abs(box["x"] - (first + pos * char)) < 2
    type_expr(page, "x^T x")                                         # fixed: the highlight goes
    assert page.locator("#expr-mirror mark").count() == 0 and not error.is_visible()


def test_the_url_reproduces_the_derivation(page, browser):
    open_page(page)
    type_expr(page, "log det(X^T S X)")
    page.locator("#command").select_option("hessian")
    settled(page)
    page.locator("#wrt").select_option("X")
    settled(page)
    page.locator("#vars input[data-name='S']").fill("n x n spd")
    settled(page)
    page.locator(".tabs [data-tab='jax']").click()
    page.locator("#export[data-tab='jax']").wait_for()
    settled(page)
    url, result, code = page.url, shown(page), page.locator("#export").text_content()
    assert "import jax" in code and result and result[0].startswith(r"\frac{\partial^2 f}{\partial X^2} = ")

    other = browser.new_page()
    other.set_default_timeout(TIMEOUT)
    other.goto(url)
    settled(other)
    other.locator("#export[data-tab='jax']").wait_for()
    assert other.locator("#expr").input_value() == "log det(X^T S X)"
    assert other.locator("#command").input_value() == "hessian"
    assert other.locator("#wrt").input_value() == "X"
    assert other.locator("#vars input[data-name='S']").input_value() == "n x n spd"
    assert other.locator(".tabs [data-tab='jax']").get_attribute("aria-selected") == "true"
    assert shown(other) == result and other.locator("#export").text_content() == code
    other.close()


def test_every_command_renders(page):
    open_page(page, "e=" + "1%2F2+x%5ET+A+x+-+b%5ET+x&let=A%3A+n+x+n+spd")
    for command in ("gradient", "jacobian", "hessian", "differential", "steps", "taylor", "newton"):
        page.locator("#command").select_option(command)
        settled(page)
        assert page.locator("body").get_attribute("data-error") == "0", page.locator("#error").text_content()
        assert page.locator("#result .katex").count() >= 1, command
    assert re.search(r"c=newton", page.url)


def test_kkt_renders_the_conditions_highlights_errors_and_round_trips(page, browser):
    open_page(page, "c=kkt&e=" + quote("min ||x||^2 st A x == b"))
    (latex,) = shown(page)                       # one aligned block: problem, Lagrangian, conditions, closed form
    for part in (r"L =  \left\lVert x \right\rVert^{2} + \nu^{\top} \left(A x - b\right)",   # f first, as textbooks
                 r"\nabla_{x} L =  A^{\top} \nu + 2 x  = 0",
                 r"x =  A^{\top} \left(A A^{\top}\right)^{-1} b"):
        assert part in latex
    assert page.locator("#parsed annotation").text_content().startswith(r"\min_{x}")
    assert page.locator("#check").get_attribute("class") == "check passed"
    assert page.locator("#vars tbody tr td.name").all_text_contents() == ["x", "b", "A"]

    type_expr(page, "min x^T A x st x^T x == 1")            # a declared type: the eigenproblem
    page.locator("#vars input[data-name='A']").fill("n x n symmetric")
    settled(page)
    assert r"\text{eigenproblem: }" in shown(page)[0]

    problem = "min ||A x - b||^2 st x >= 0, A x <= 3 ** y"   # an error in a constraint, marked in the problem
    type_expr(page, problem)
    error = page.locator("#error")
    assert error.is_visible() and error.text_content().startswith("problem error: ")
    assert error.get_attribute("data-pos") == str(problem.index("**") + 1)
    assert page.locator("#expr-mirror mark").text_content() == "*"

    type_expr(page, "min ||A x - b||^2 st x >= 0")
    assert not error.is_visible() and page.locator("#expr-mirror mark").count() == 0
    page.locator(".tabs [data-tab='numpy']").click()        # the export of a problem: the solver module
    page.locator("#export[data-tab='numpy']").wait_for()
    settled(page)
    code = page.locator("#export").text_content()
    assert "def solve(data" in code and "import matcalc" not in code
    url, result = page.url, shown(page)
    assert parse_qs(url.split("#", 1)[1])["c"] == ["kkt"]

    other = browser.new_page()
    other.set_default_timeout(TIMEOUT)
    other.goto(url)
    settled(other)
    other.locator("#export[data-tab='numpy']").wait_for()
    assert other.locator("#command").input_value() == "kkt"
    assert other.locator("#expr").input_value() == "min ||A x - b||^2 st x >= 0"
    assert shown(other) == result and other.locator("#export").text_content() == code
    other.close()
