"""Screenshots of the playground's main states, for a reader to look at: python tests/serve_screenshots.py [DIR]

Starts `matcalc serve` in this process on a free port, drives headless Chromium (the system's
/usr/bin/chromium, through Playwright) and writes result.png, steps.png, code.png and error.png into
DIR (default: docs/img/). The README shows docs/img/playground.png, a copy of result.png at a width
that reads well on GitHub.
"""
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]        # serve_browser.py, and this checkout's matcalc
from serve_browser import CHROMIUM_ARGS, chromium_path  # noqa: E402

from matcalc.serve import make_server, start  # noqa: E402

STATES = [
    # (file, URL hash)
    ("result.png", "e=h+%3D+tanh(W+x+%2B+b)%3B+L+%3D+%7C%7Ch+-+y%7C%7C%5E2&c=gradient&wrt=W&tab=latex"),
    ("steps.png", "e=log+det(X%5ET+S+X)&c=steps&wrt=X&let=S%3A+n+x+n+spd&tab=latex"),
    ("code.png", "e=%7C%7CA+x+-+b%7C%7C%5E2+%2B+lambda+%7C%7Cx%7C%7C%5E2&c=gradient&wrt=x&tab=numpy"),
    ("error.png", "e=x%5ET+A+x+%2B+(B+x&c=gradient&tab=latex"),
]


def settled(page, timeout=20_000):
    """Wait until the page has drawn an answer and asks nothing more (locators, not wait_for_function:
    the page's Content-Security-Policy forbids the eval that wait_for_function needs)."""
    page.locator("body[data-pending='0'][data-error]").wait_for(state="attached", timeout=timeout)


def main(out=None):
    out = Path(out or HERE.parent / "docs" / "img")
    out.mkdir(parents=True, exist_ok=True)
    server = make_server(0)
    start(server)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for name, state in STATES:
                page = browser.new_page(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
                page.goto(f"{server.url}#{state}")
                settled(page)
                page.screenshot(path=str(out / name), full_page=True)
                print(out / name)
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    shutil.copyfile(out / "result.png", out / "playground.png")


if __name__ == "__main__":
    main(*sys.argv[1:2])
