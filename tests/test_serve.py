"""`matcalc serve`'s server and JSON API, with the server on an ephemeral port (urllib, http.client):
the answers are the CLI's JSON shapes, errors the CLI's error contract, and the limits hold (body
size, time, paths outside the page, foreign Host and Origin headers, methods)."""
import fnmatch
import http.client
import importlib
import json
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcalc.cli import main as cli_main
from matcalc.serve import MAX_BODY, STATIC, Server, make_server, start, static_files

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server():
    s = make_server(0)
    start(s)
    yield s
    s.shutdown()
    s.server_close()


def post(server, body, headers=None, raw=None, path="api/derive"):
    """(status, JSON answer) of POST /api/derive (or another path of the API)."""
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def raw_request(server, method, path, headers=None, body=None):
    """(status, body text) for a request sent as written: http.client does not normalise the path."""
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    headers = {"Host": f"127.0.0.1:{server.server_port}", **(headers or {})}
    for k, v in headers.items():
        conn.putheader(k, v)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, text


def cli_json(*args):
    r = CliRunner().invoke(cli_main, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


# ---- the answers are the CLI's --format json ----------------------------------------------------
@pytest.mark.parametrize("command, cli, expr, extra", [
    ("gradient", "grad", "||A x - b||^2", []),
    ("gradient", "grad", "log det X", ["S: n x n spd"]),
    ("jacobian", "jacobian", "softmax(W x)", []),
    ("hessian", "hessian", "sum(exp(A x))", []),
    ("taylor", "taylor", "x^T A x", ["A: n x n symmetric"]),
    ("newton", "newton", "1/2 x^T A x - b^T x", ["A: n x n spd"]),
    ("gradient", "grad", "h = tanh(W x + b); L = ||h - y||^2", []),
])
def test_answers_are_the_cli_json(server, command, cli, expr, extra):
    wrt = "X" if "X" in expr else "x"
    status, answer = post(server, {"expr": expr, "command": command, "wrt": wrt, "where": extra})
    assert status == 200, answer
    lets = [a for w in extra for a in ("--let", w)]
    assert answer["result"] == cli_json(cli, expr, "--wrt", wrt, *lets)
    assert answer["parse"]["variables"] == cli_json("parse", expr, *lets)["variables"]
    assert answer["check"]["status"] == "passed" and answer["check_text"].startswith("numerical check passed")


@pytest.mark.parametrize("command, cli, expr", [
    ("gradient", "grad", "x^T A x"), ("gradient", "grad", "||A x - b||^2"), ("hessian", "hessian", "a^T x + x^T x"),
    ("differential", "diff", "b^T x"), ("taylor", "taylor", "b^T x + x^T x"), ("newton", "newton", "x^T x - b^T x"),
])
def test_the_latex_and_text_exports_are_what_the_cli_prints(server, command, cli, expr):
    _, answer = post(server, {"expr": expr, "command": command, "wrt": "x"})
    for fmt, key in (("latex", "latex"), ("text", "text")):
        r = CliRunner().invoke(cli_main, [cli, expr, "--wrt", "x", "--format", fmt])
        assert r.stdout.rstrip("\n") == answer[key]
    assert answer["latex"].endswith("\n".join(answer["display"]))


def test_wrt_defaults_to_x_then_the_first_variable(server):
    assert post(server, {"expr": "a^T x + c^T y"})[1]["wrt"] == "x"
    assert post(server, {"expr": "c^T y"})[1]["wrt"] == "c"


def test_steps_differential_and_code(server):
    _, steps = post(server, {"expr": "x^T A x", "command": "steps", "wrt": "x"})
    assert [s["rule"] for s in steps["result"]["steps"]][-1].startswith("identification")
    assert "[identification" in steps["text"]
    _, d = post(server, {"expr": "x^T A x", "command": "differential", "wrt": "x"})
    assert d["result"]["differential"].startswith("df = ") and d["check"] is None
    for target in ("numpy", "jax", "torch"):
        _, coded = post(server, {"expr": "||A x - b||^2", "wrt": "x", "target": target})
        r = CliRunner().invoke(cli_main, ["codegen", "||A x - b||^2", "--wrt", "x", "--target", target, "--no-check"])
        assert coded["target"] == target and coded["code"] == r.stdout


def test_the_self_testing_module_export_is_codegen_standalone_and_passes_its_own_check(server, tmp_path):
    """The 'self-testing module' tab: `codegen --standalone`, which exits 0 when run (its finite
    differences agree) — issue 18's last export."""
    import subprocess
    import sys
    _, coded = post(server, {"expr": "||A x - b||^2", "wrt": "x", "target": "module"})
    r = CliRunner().invoke(cli_main, ["codegen", "||A x - b||^2", "--wrt", "x", "--standalone", "--no-check"])
    assert coded["target"] == "module" and coded["code"] == r.stdout
    path = tmp_path / "module.py"
    path.write_text(coded["code"], encoding="utf-8")
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


# ---- errors: the CLI's contract as JSON ---------------------------------------------------------
def test_a_syntax_error_has_the_carets_position(server):
    status, answer = post(server, {"expr": "x^T A x +", "wrt": "x"})
    assert status == 400 and set(answer) == {"error"}
    error = answer["error"]
    assert error == {"kind": "syntax error", "message": "unexpected end of input: the expression is incomplete "
                     "(at column 10)", "column": 10, "caret": "x^T A x +\n         ^", "pos": 9, "end": None,
                     "in": "expr"}
    r = CliRunner().invoke(cli_main, ["grad", "x^T A x +", "--wrt", "x", "--format", "json"])
    assert r.exit_code == 2
    assert json.loads(r.stdout) == {"error": {k: error[k] for k in ("kind", "message", "column", "caret")}}


def test_errors_after_the_parse_keep_the_variables(server):
    status, answer = post(server, {"expr": "softmax(x)", "command": "gradient"})
    assert status == 400 and answer["error"]["kind"] == "cannot differentiate"
    assert answer["parse"]["variables"] == {"x": "vector n"}
    status, answer = post(server, {"expr": "x^T A x", "wrt": "q"})
    assert status == 400 and "'q' does not occur" in answer["error"]["message"]


def test_a_declaration_error_names_the_variable(server):
    status, answer = post(server, {"expr": "x^T A x", "where": ["A: n x q x"]})
    assert status == 400
    assert answer["error"]["kind"] == "declaration error" and answer["error"]["variable"] == "A"


def test_limits_are_errors_not_tracebacks(server):
    status, answer = post(server, {"expr": "(" * 3000 + "x" + ")" * 3000})
    assert status == 400 and answer["error"]["kind"] in ("limit exceeded", "syntax error")
    status, answer = post(server, {"expr": "x", "command": "gradient", "wrt": "x", "seed": -1})
    assert status == 400 and answer["error"]["kind"] == "bad request"


@pytest.mark.parametrize("body, status, fragment", [
    (b"{", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b"\xff\xfe", 400, "not valid JSON"),
    (b'{"expr": 3}', 400, "'expr' must be a string"),
    (b'{"expr": "x", "command": "eval"}', 400, "'command' must be one of"),
    (b'{"expr": "x", "where": "A: n x n"}', 400, "'where' must be a list"),
    (b'{"expr": "x", "target": "c"}', 400, "'target' must be one of"),
])
def test_bad_requests(server, body, status, fragment):
    got, answer = post(server, None, raw=body)
    assert got == status and fragment in answer["error"]["message"]
    assert answer["error"]["kind"] == "bad request"


def test_the_body_size_limit(server):
    status, answer = post(server, {"expr": "x" + " + x" * (MAX_BODY // 4)})
    assert status == 413 and "more than the limit" in answer["error"]["message"]
    status, answer = post(server, {"expr": "x^T x"})      # the server still answers
    assert status == 200


def test_a_refused_post_closes_the_connection(server):
    """A POST answered before its body is read must not leave that body to be read as the next request."""
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
    conn.request("POST", "/api/derive", body=b'GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n',
                 headers={"Content-Type": "text/plain", "Host": f"127.0.0.1:{server.server_port}"})
    response = conn.getresponse()
    assert response.status == 415 and response.getheader("Connection") == "close"
    response.read()
    conn.close()


def test_the_body_must_be_json(server):
    status, text = raw_request(server, "POST", "/api/derive", {"Content-Type": "text/plain"}, b'{"expr": "x"}')
    assert status == 415 and "application/json" in json.loads(text)["error"]["message"]


def test_the_time_limit(monkeypatch):
    """A derivation past the time limit is a 503; made slow on purpose (a real one may be memoised)."""
    answers = importlib.import_module("matcalc.serve.derive")     # the module (the package exports the function)
    gradient = answers.RUN["gradient"]

    def slow(*args):
        time.sleep(0.5)
        return gradient(*args)
    monkeypatch.setitem(answers.RUN, "gradient", slow)
    s = Server(0, time_limit=0.1)
    start(s)
    try:
        status, answer = post(s, {"expr": "x^T A x", "command": "gradient", "wrt": "x"})
        assert status == 503 and answer["error"]["kind"] == "limit exceeded"
        assert "longer than 0.1 s" in answer["error"]["message"]
    finally:
        s.shutdown()
        s.server_close()
        s.worker.pool.shutdown(wait=True)       # the derivation past the limit finishes before the next test


# ---- what is served, and to whom ----------------------------------------------------------------
def test_the_page_and_its_files(server):
    for path, kind in (("/", "text/html"), ("/index.html", "text/html"), ("/app.js", "text/javascript"),
                       ("/style.css", "text/css"), ("/katex/katex.min.js", "text/javascript"),
                       ("/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2")):
        with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=30) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith(kind)
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_needs_no_network():
    """Every URL the page and KaTeX's CSS name is a file the server has (no CDN, no font missing)."""
    files = static_files()
    page = (STATIC / "index.html").read_text() + (STATIC / "app.js").read_text()
    assert not re.search(r"https?://", page)
    for src in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert src in files or src == "data:,", src          # data:, the empty icon (no /favicon.ico request)
    css = (STATIC / "katex" / "katex.min.css").read_text()
    for font in set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css)):
        assert "/katex/" + font in files, font


@pytest.mark.parametrize("path", [
    "/../pyproject.toml", "/../../pyproject.toml", "/katex/../../__init__.py", "/katex/../__init__.py",
    "/%2e%2e/__init__.py", "/%2e%2e%2f__init__.py", "/katex/%2e%2e/%2e%2e/derive.py", "//etc/passwd",
    "/static/index.html", "/__init__.py", "/katex/", "/katex", "/katex/fonts/", "/..", "/./index.html",
    "/index.html/", "/index.html%00", "/app.js;.png", "/\\..\\__init__.py", "/api/derive",
])
def test_nothing_outside_the_page_is_served(server, path):
    status, text = raw_request(server, "GET", path)
    assert status == 404 and json.loads(text)["error"]["kind"] == "not found"


@pytest.mark.parametrize("host, status", [
    ("evil.example", 403), ("evil.example:{port}", 403), ("127.0.0.1.evil.example:{port}", 403),
    ("127.0.0.1:1", 403), ("localhost:{port}", 200), ("LOCALHOST:{port}", 200), ("127.0.0.1:{port}", 200),
])
def test_the_host_header_is_checked(server, host, status):
    got, _ = raw_request(server, "GET", "/", {"Host": host.format(port=server.server_port)})
    assert got == status


def test_a_foreign_origin_cannot_post(server):
    port = server.server_port
    status, answer = post(server, {"expr": "x^T x"}, headers={"Origin": "http://evil.example"})
    assert status == 403 and answer["error"]["kind"] == "forbidden"
    assert post(server, {"expr": "x^T x"}, headers={"Origin": f"http://localhost:{port}"})[0] == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_other_methods_are_refused(server, method):
    status, _ = raw_request(server, method, "/")
    assert status == 405


def test_concurrent_requests_get_the_sequential_answers(server):
    requests = [{"expr": e, "command": c} for e, c in [
        ("||A x - b||^2", "gradient"), ("x^T A x", "hessian"), ("softmax(W x)", "jacobian"), ("log det X", "gradient"),
        ("sum(exp(A x))", "taylor"), ("x^T A x +", "gradient"), ("tr(X^T A X)", "differential"),
        ("1/2 x^T A x - b^T x", "newton")]]
    sequential = [post(server, r) for r in requests]
    parallel = [None] * len(requests)

    def ask(i):
        parallel[i] = post(server, requests[i])
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert parallel == sequential


# ---- the command -------------------------------------------------------------------------------
def test_ctrl_c_stops_the_server_cleanly():
    # `python -m matcalc serve`, with Ctrl-C's handler restored first: a test run started in the
    # background by a shell ignores SIGINT, and its children inherit that (no preexec_fn: it forks
    # a process that holds JAX's threads).
    run = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
           "sys.argv = ['matcalc', 'serve', '--port', '0', '--no-browser']; "
           "runpy.run_module('matcalc', run_name='__main__', alter_sys=True)")
    proc = subprocess.Popen([sys.executable, "-c", run], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", first).group(0)
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0 and out == "matcalc serve: stopped\n" and err == ""


def test_a_port_in_use_is_an_error(server):
    r = CliRunner().invoke(cli_main, ["serve", "--port", str(server.server_port), "--no-browser"])
    assert r.exit_code == 2 and f"cannot listen on 127.0.0.1:{server.server_port}" in r.output


def test_the_wheel_ships_the_page():
    """Every file the server serves matches pyproject's package-data for matcalc.serve."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "matcalc.serve" in config["packages"]
    patterns = config["package-data"]["matcalc.serve"]
    for path in {p for p, _ in static_files().values()}:
        relative = path.relative_to(STATIC.parent).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


# ---- POST /api/kkt: a problem -------------------------------------------------------------------
@pytest.mark.parametrize("problem, extra", [
    ("min ||x||^2 st A x == b", []),
    ("min x^T A x st x^T x == 1", ["A: n x n symmetric"]),
    ("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", ["K: n x n symmetric"]),
])
def test_kkt_answers_are_the_cli_json_latex_and_text(server, problem, extra):
    status, answer = post(server, {"problem": problem, "where": extra}, path="api/kkt")
    assert status == 200, answer
    lets = [a for w in extra for a in ("--let", w)]
    assert answer["result"] == cli_json("kkt", problem, *lets)
    for fmt in ("latex", "text"):
        r = CliRunner().invoke(cli_main, ["kkt", problem, *lets, "--format", fmt])
        assert r.stdout.rstrip("\n") == answer[fmt]
    assert answer["display"] == [answer["latex"]] and answer["check"]["status"] == "passed"
    assert set(answer["wrt"].split(", ")) <= set(answer["parse"]["variables"])


def test_kkt_error_points_into_the_problem_text(server):
    problem = "min ||A x - b||^2 st x >= 0, A x <= 3 ** y"
    status, answer = post(server, {"problem": problem}, path="api/kkt")
    assert status == 400
    error = answer["error"]
    assert error["in"] == "expr" and problem[error["pos"]] == "*" and error["pos"] == problem.index("**") + 1
    r = CliRunner().invoke(cli_main, ["kkt", problem, "--format", "json"])
    assert json.loads(r.output)["error"]["caret"] == error["caret"]     # the CLI's caret, as for expressions
    status, answer = post(server, {"problem": "||x||^2"}, path="api/kkt")
    assert status == 400 and "starts with min or max" in answer["error"]["message"]


def test_kkt_requests_are_checked_and_export_the_solver_module(server):
    status, answer = post(server, {"expr": "min ||x||^2"}, path="api/kkt")
    assert status == 400 and answer["error"]["kind"] == "bad request" and "'problem'" in answer["error"]["message"]
    _, answer = post(server, {"problem": "min ||A x - b||^2 st x >= 0", "target": "numpy"}, path="api/kkt")
    assert "def solve(data" in answer["code"] and "import matcalc" not in answer["code"]
    _, answer = post(server, {"problem": "min ||A x - b||^2 st x >= 0", "target": "jax"}, path="api/kkt")
    assert answer["code"] is None and "NumPy" in answer["code_error"]
    _, answer = post(server, {"problem": "min_{x} ||A x - b||^2 + ||w||^2", "wrt": "x, w"}, path="api/kkt")
    assert answer["wrt"] == "x, w"
