"""How much later a sealed workbook's first page is readable than a plain one's, in headless Chromium.

    python benchmarks/sealed_open_bench.py [--runs 15]      (make bench runs it too)

Builds the example client twice, plain and sealed, serves both from one local HTTP server,
and times, as the median of --runs runs, from asking for the page to its first heading
being on screen (the first readable content):

  plain, first visit          the home page of the plain workbook, in a fresh browser
  sealed, from the link       the home page opened from `.../<token>/#<key>` in a fresh browser
                              (the key read from the link, kept, the page decrypted and written)
  sealed, next page           another page of the sealed workbook, the key from storage

The issue's aim: sealed within 300 ms of plain. Needs Debian's chromium and the test extras
(`make .venv/.installed-test`).
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "clients" / "maya-lindqvist.yaml"
CHROMIUM = "/usr/bin/chromium"
SEALED_TOKEN = "Sq7Mn3Kx9WbR2vLt5PcZd8"  # the sealed copy's own link


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def build_both(root: Path) -> tuple[str, str, str]:
    """The example client's workbook plain (in root/plain) and sealed (in root/sealed): their
    tokens' folders, and the sealed one's key."""
    sys.path.insert(0, str(REPO))
    from coach_site.project_loader import load_project
    from coach_site.workbook.pipeline import build_client

    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    sealed_file = root / "sealed.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    # A link of its own: a copy at the example's link is refused, as `coach-site build` refuses it.
    sealed_link = f"  token: {SEALED_TOKEN}\n  sealed: true\n  key: {key}\n"
    sealed_file.write_text(re.sub(r"(?m)^  token: .*\n", lambda m: sealed_link, text, count=1), encoding="utf-8")
    project = load_project(REPO)
    # Built from the repository: no build record is left in its .coach-site/.
    plain = build_client(EXAMPLE, project, root / "plain", record=False).site
    sealed = build_client(sealed_file, project, root / "sealed", record=False).site
    return f"plain/{plain.name}", f"sealed/{sealed.name}", key


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser closing a connection early (a page left mid-load) is no error of the bench."""


def serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def readable_after(browser, url: str, first: str | None = None) -> float:
    """Milliseconds from asking for `url` to its first heading on screen, in a fresh browser
    (after opening `first` in it, when given)."""
    context = browser.new_context()
    page = context.new_page()
    try:
        if first:  # opened once the page is written: its key is kept by then
            page.goto(first, wait_until="load")
            page.wait_for_selector(".md-content h1")
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(".md-content h1", state="visible", timeout=15_000)
        return (time.perf_counter() - start) * 1000
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="sealed-bench-") as temp:
        root = Path(temp)
        plain, sealed, key = build_both(root)
        base, server = serve(root)
        cases = {
            "plain, first visit": lambda b: readable_after(b, f"{base}/{plain}/"),
            "sealed, from the link": lambda b: readable_after(b, f"{base}/{sealed}/#{key}"),
            "sealed, next page": lambda b: readable_after(b, f"{base}/{sealed}/values.html",
                                                          first=f"{base}/{sealed}/#{key}"),
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            for case in cases.values():
                case(browser)  # warm the server and the browser once
            times = {name: [] for name in cases}
            for _ in range(args.runs):  # interleaved, so a busy moment of the machine hits all alike
                for name, case in cases.items():
                    times[name].append(case(browser))
            browser.close()
        server.shutdown()
    plain_ms = statistics.median(times["plain, first visit"])
    print(f"First readable content, median of {args.runs} runs (ms):")
    for name, values in times.items():
        median = statistics.median(values)
        extra = "" if name.startswith("plain") else f"   ({median - plain_ms:+.0f} ms against plain)"
        print(f"  {name:<24} {median:7.0f}   min {min(values):5.0f}  max {max(values):5.0f}{extra}")


if __name__ == "__main__":
    main()
