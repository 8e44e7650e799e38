"""What the browser tests and the screenshot script share: where Chromium is and how it is launched.

Chromium comes from the system's packages (Debian: `apt-get install chromium`), never from
`playwright install`: Playwright only drives it.
"""
import os
import shutil

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def chromium_path():
    """The system's Chromium: $MATCALC_CHROMIUM, /usr/bin/chromium, or chromium / chromium-browser on PATH."""
    for candidate in (os.environ.get("MATCALC_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")
