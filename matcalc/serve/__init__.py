"""`matcalc serve`: the playground, a local web page over a small JSON API (the standard library only).

The server answers GET of the files in static/ (a fixed table built at start: no directory listing,
no path from the request ever reaches the file system), POST /api/derive (an expression) and POST
/api/kkt (a problem 'min f st …', kkt.py); everything else is 404
or 405. It is bound to 127.0.0.1 and checks the Host header (a page on another site that rebinds its
DNS name to 127.0.0.1 is refused) and, on POST, the Origin header when the browser sends one.

Limits, per request: a body of at most MAX_BODY bytes; matcalc's work budget (simplify.MAX_WORK
rewrites per public call: a request makes at most two calls, the derivation and the code export);
and TIME_LIMIT seconds of wall time. Derivations run one at a time on one worker thread, because the
simplifier's memo and work counter are process-wide (concurrent requests are safe: they queue);
a request that waits or works past TIME_LIMIT is answered 503 with a "limit exceeded" error, and its
work, if started, finishes in the background within the work budget and is dropped.

The JSON answers are the CLI's `--format json` shapes (derive.py); errors are the CLI's exit-2 class
as {"error": {"kind", "message", "column", "caret", "pos", "end", "in"}} (what `--format json` prints,
plus the offsets the page highlights) with HTTP 400, never a traceback.
"""
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from ..cli.common import as_json
from ..errors import LimitError, MatcalcError
from .derive import RequestError, derive, error_payload
from .kkt import kkt_answer

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
PORT_TRIES = 20                 # 8765, 8766, ... then any free port
MAX_BODY = 100_000              # bytes of a request body
TIME_LIMIT = 20.0               # seconds a request may wait for and use the worker
API = {"/api/derive": derive, "/api/kkt": kkt_answer}     # POST path → what answers it
STATIC = Path(__file__).resolve().parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".woff2": "font/woff2", ".png": "image/png",
         ".md": "text/plain; charset=utf-8", "": "text/plain; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def static_files(root=STATIC):
    """URL path → (file path, content type) for every file under static/, read once at start."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and (path.suffix in TYPES or path.name == "LICENSE"):
            files["/" + path.relative_to(root).as_posix()] = (path, TYPES.get(path.suffix, TYPES[""]))
    files["/"] = files["/index.html"]
    return files


# The simplifier's memo and work counter are process-wide: derivations never overlap, even when a
# process runs two servers (the tests do) or a timed-out derivation is still finishing.
_DERIVING = threading.Lock()


def _one_at_a_time(fn, *args):
    with _DERIVING:
        return fn(*args)


class Worker:
    """One thread that runs derivations one after another, with a wall-time limit per request."""

    def __init__(self, time_limit=TIME_LIMIT):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="matcalc-derive")
        self.time_limit = time_limit

    def run(self, fn, *args):
        future = self.pool.submit(_one_at_a_time, fn, *args)
        try:
            return future.result(timeout=self.time_limit)
        except FutureTimeout:
            future.cancel()                 # dropped if still queued; if running, it ends within the work budget
            raise LimitError(f"the request took longer than {self.time_limit:g} s (the server's time limit per "
                             "request); simplify the expression or declare fewer variables") from None

    def close(self):
        self.pool.shutdown(wait=False, cancel_futures=True)


class Handler(BaseHTTPRequestHandler):
    server_version = "matcalc-serve"
    protocol_version = "HTTP/1.1"
    timeout = 60                    # seconds a connection may stay silent (a slow client holds no thread forever)
    body_read = False

    def version_string(self):
        return self.server_version

    # ---- the two methods ------------------------------------------------------------------------
    def do_GET(self):
        if not self._host_ok():
            return
        path = urlsplit(self.path).path
        entry = self.server.files.get(path)
        if entry is None:
            return self._send_json(HTTPStatus.NOT_FOUND, _request_error("not found", path))
        body = entry[0].read_bytes()
        self._send(HTTPStatus.OK, body, entry[1], cache=path.startswith("/katex/"))

    def do_HEAD(self):
        self._send_json(HTTPStatus.METHOD_NOT_ALLOWED, _request_error("method not allowed", "HEAD"))

    def do_POST(self):
        if not self._host_ok() or not self._origin_ok():
            return
        handler = API.get(urlsplit(self.path).path)
        if handler is None:
            return self._send_json(HTTPStatus.NOT_FOUND, _request_error("not found", self.path))
        try:
            request = self._read_json()
            answer = self.server.worker.run(handler, request)
        except RequestError as err:
            return self._send_json(err.status, {"error": err.as_dict()})
        except LimitError as err:           # the time limit (a derivation's own LimitError is in `answer`)
            return self._send_json(HTTPStatus.SERVICE_UNAVAILABLE, error_payload(err))
        except Exception as err:            # a bug in matcalc: one line, never a traceback to the page
            self.log_message("internal error: %s: %s", type(err).__name__, err)
            return self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR,
                                   _request_error("internal error", f"{type(err).__name__}: {err}"))
        self._send_json(HTTPStatus.BAD_REQUEST if "error" in answer else HTTPStatus.OK, answer)

    def _not_allowed(self):
        self._send_json(HTTPStatus.METHOD_NOT_ALLOWED, _request_error("method not allowed", self.command))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    # ---- checks ---------------------------------------------------------------------------------
    def _host_ok(self):
        """Host must name this machine: a rebinding attacker's page sends its own host name."""
        host = (self.headers.get("Host") or "").strip().lower()
        name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if name in ("127.0.0.1", "localhost") and port == str(self.server.server_port):
            return True
        self._send_json(HTTPStatus.FORBIDDEN, _request_error("forbidden", "the Host header must be "
                        f"127.0.0.1:{self.server.server_port} or localhost:{self.server.server_port}"))
        return False

    def _origin_ok(self):
        origin = self.headers.get("Origin")
        port = self.server.server_port
        if origin is None or origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
            return True
        self._send_json(HTTPStatus.FORBIDDEN, _request_error("forbidden", f"requests from {origin} are refused"))
        return False

    def _read_json(self):
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise RequestError("the body must be JSON (Content-Type: application/json)",
                               HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise RequestError("a Content-Length header is required", HTTPStatus.LENGTH_REQUIRED) from None
        if length < 0 or length > MAX_BODY:
            raise RequestError(f"the request body is {length} bytes, more than the limit of {MAX_BODY}",
                               HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        data = self.rfile.read(length)
        self.body_read = True
        try:
            request = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise RequestError(f"the body is not valid JSON: {err}") from None
        if not isinstance(request, dict):
            raise RequestError("the body must be a JSON object")
        return request

    # ---- answers --------------------------------------------------------------------------------
    def _send_json(self, status, data):
        self._send(status, as_json(data).encode("utf-8"), "application/json; charset=utf-8")

    def _send(self, status, body, content_type, cache=False):
        if self.command == "POST" and not self.body_read:
            self.close_connection = True    # an unread body would be taken for the next request
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=86400" if cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", CSP)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        if self.server.verbose:
            sys.stderr.write(f"matcalc serve: {format % args}\n")


def _request_error(kind, message):
    return {"error": {"kind": kind, "message": message, "column": None, "caret": None, "pos": None, "end": None}}


class Server(ThreadingHTTPServer):
    daemon_threads = True           # a stuck connection never holds the process open at Ctrl-C
    allow_reuse_address = False     # a port in use is reported, not shared

    def __init__(self, port, verbose=False, time_limit=TIME_LIMIT):
        self.files = static_files()
        self.worker = Worker(time_limit)        # before binding: a failed bind calls server_close()
        self.verbose = verbose
        super().__init__((HOST, port), Handler)

    @property
    def url(self):
        return f"http://{HOST}:{self.server_port}/"

    def server_close(self):
        super().server_close()
        self.worker.close()


def make_server(port=None, **options):
    """A Server on `port`; None: the first free port from DEFAULT_PORT on, then any free port."""
    if port is not None:
        try:
            return Server(port, **options)
        except OSError as err:
            raise MatcalcError(f"cannot listen on {HOST}:{port}: {err.strerror or err}") from None
    for candidate in [*range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES), 0]:
        try:
            return Server(candidate, **options)
        except OSError:
            continue
    raise MatcalcError(f"no free port on {HOST}")


def start(server):
    """Serve on a background thread (tests, and serve() below); returns the thread."""
    thread = threading.Thread(target=server.serve_forever, name="matcalc-serve", daemon=True)
    thread.start()
    return thread


def serve(port=None, open_browser=True, verbose=False):
    """Run the playground until Ctrl-C: the server on a thread, the main thread waits for the interrupt,
    then shuts the server down and returns (exit code 0)."""
    server = make_server(port, verbose=verbose)
    thread = None
    try:
        thread = start(server)
        print(f"matcalc playground at {server.url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            import webbrowser
            webbrowser.open(server.url)
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        if thread is not None:          # shutdown() waits for serve_forever, which must have started
            server.shutdown()
        server.server_close()
    print("matcalc serve: stopped", flush=True)


__all__ = ["Server", "make_server", "serve", "start", "MAX_BODY", "TIME_LIMIT"]
