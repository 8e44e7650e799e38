"""Screenshots of the playground's main states, for a reader to look at: python tests/serve_screenshots.py [DIR]

Starts `matcalc serve` in this process on a free port, drives headless Chromium (the system's
/usr/bin/chromium, through Playwright) and writes into
DIR (default: docs/img/): playground.png (the result, the top of the page), playground-steps.png (the
whole page), playground-code.png (the NumPy export), playground-error.png (the input with an error),
playground-kkt.png (the KKT conditions of the SVM dual) and playground-kkt-error.png (an error in a constraint).
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]        # serve_browser.py, and this checkout's matcalc
from serve_browser import CHROMIUM_ARGS, chromium_path  # noqa: E402

from matcalc.serve import make_server, start  # noqa: E402

# (file, URL hash, what to take: "viewport", "page" or a selector of the part to show)
STATES = [
    ("playground.png", "e=h+%3D+tanh(W+x+%2B+b)%3B+L+%3D+%7C%7Ch+-+y%7C%7C%5E2&c=gradient&wrt=W&tab=latex", "viewport"),
    ("playground-steps.png", "e=log+det(X%5ET+S+X)&c=steps&wrt=X&let=S%3A+n+x+n+spd&tab=latex", "page"),
    ("playground-code.png", "e=%7C%7CA+x+-+b%7C%7C%5E2+%2B+lambda+%7C%7Cx%7C%7C%5E2&c=gradient&wrt=x&tab=numpy",
     "#export-panel"),
    ("playground-error.png", "e=x%5ET+A+x+%2B+*+B+x&c=gradient&tab=latex", "#input-panel"),
    ("playground-kkt.png", "e=min+1%2F2+(a+.*+y)%5ET+K+(a+.*+y)+-+sum(a)+st+0+%3C%3D+a+%3C%3D+c%2C+y%5ET+a+%3D%3D+0"
     "&c=kkt&let=K%3A+n+x+n+symmetric&tab=latex", "page"),
    ("playground-kkt-error.png", "e=min+%7C%7CA+x+-+b%7C%7C%5E2+st+x+%3E%3D+0%2C+A+x+%3C%3D+3+**+y&c=kkt&tab=latex",
     "#input-panel"),
]
# The README shows playground.png and playground-code.png (committed); the other two are for looking at.


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
            for name, state, part in STATES:
                page = browser.new_page(viewport={"width": 1000, "height": 760}, device_scale_factor=1)
                page.goto(f"{server.url}#{state}")
                settled(page)
                if part in ("viewport", "page"):
                    page.screenshot(path=str(out / name), full_page=part == "page")
                else:
                    page.locator(part).screenshot(path=str(out / name))
                print(out / name)
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main(*sys.argv[1:2])
