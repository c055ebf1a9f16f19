"""The workbook on a phone: Lighthouse's mobile figures, behind nginx with docs/nginx.conf.

    python benchmarks/phone_bench.py [--runs 3]      (make bench runs it too)

Builds the example client (plain, and sealed with its key in the link), serves both with
a real nginx: Debian's default `http` block (`gzip on`, which compresses HTML only), and
the project's own server block from docs/nginx.conf inside it. Then runs Lighthouse 12.2.3
(benchmarks/lighthouse/package-lock.json, `npm ci`) with its default mobile settings
(simulated slow 4G, a 4x slower CPU) in Debian's Chromium, on the home page and an area
page, and prints the median of --runs runs: performance score, Largest Contentful Paint,
Cumulative Layout Shift and the bytes transferred. The targets: score >= 0.98, LCP <= 1.5 s,
CLS <= 0.01, at most 150 KiB on a first visit (a sealed workbook: LCP at most 300 ms later).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import base64
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "clients" / "maya-lindqvist.yaml"
CHROMIUM = "/usr/bin/chromium"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TOOLS = REPO / "benchmarks" / "lighthouse"
SEALED_TOKEN = "Sq7Mn3Kx9WbR2vLt5PcZd8"
# Debian's /etc/nginx/nginx.conf `http` block, as a host that installs nginx has it.
DEBIAN_HTTP = """\
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  gzip on;
"""


def lighthouse() -> Path:
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "ci", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--loglevel=error"], check=True)
    return binary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def nginx(docroot: Path, base: Path) -> Iterator[str]:
    port = free_port()
    server = (REPO / "docs" / "nginx.conf").read_text(encoding="utf-8")
    server = server.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};").replace(
        "root /var/www/coaching;", f"root {docroot};")
    (base / "logs").mkdir()
    conf = base / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(f"  {kind}_temp_path {base}/tmp;\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf.write_text(f"{user}worker_processes 1;\npid {base}/nginx.pid;\nerror_log {base}/logs/error.log;\n"
                    "events { worker_connections 64; }\n"
                    f"http {{\n  access_log off;\n{DEBIAN_HTTP}{temp}{server}}}\n", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(base), "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("nginx did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def publish(root: Path) -> tuple[Path, str, str]:
    """The example, plain and sealed, published into root/www/workbooks: (docroot, plain token, sealed key)."""
    project = root / "practice"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("content", "overrides"):
        shutil.copytree(REPO / folder, project / folder)
    (project / "clients").mkdir()
    shutil.copy(EXAMPLE, project / "clients" / EXAMPLE.name)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    text = EXAMPLE.read_text(encoding="utf-8")
    sealed_link = f"  token: {SEALED_TOKEN}\n  sealed: true\n  key: {key}\n"
    (project / "clients" / "sealed.yaml").write_text(
        re.sub(r"(?m)^  token: .*\n", lambda m: sealed_link, text, count=1), encoding="utf-8")
    docroot = root / "www"
    # The example's own site_url names coaching.example.org: publish to a folder refuses it, so
    # the bench publishes with a stand-in practice address.
    settings = (project / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "https://coaching.example.org/workbooks/", "https://coaching.bench.invalid/workbooks/").replace(
        "name: Sam Rivera", "name: Robin Okafor").replace("email: sam.rivera@example.org", "email: robin@bench.invalid")
    (project / "mkdocs.yml").write_text(settings, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "coach_site", "publish", "--to", str(docroot / "workbooks")],
                          cwd=project, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    token = re.search(r"^  token: (\S+)", text, re.MULTILINE).group(1)
    return docroot, token, key


def audit(binary: Path, url: str, out: Path) -> dict:
    subprocess.run([str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--chrome-path={CHROMIUM}", "--only-categories=performance",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking"],
                   check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "score": report["categories"]["performance"]["score"],
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kib": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    binary = lighthouse()
    with tempfile.TemporaryDirectory(prefix="coach-site-phone-bench-") as temp:
        root = Path(temp)
        docroot, token, key = publish(root)
        with nginx(docroot, root) as base:
            pages = {
                "home": f"{base}/workbooks/{token}/",
                "area page": f"{base}/workbooks/{token}/area-career.html",
                "sealed home (key in link)": f"{base}/workbooks/{SEALED_TOKEN}/#{key}",
            }
            print(f"{'page':28} {'score':>6} {'LCP s':>6} {'CLS':>6} {'KiB':>7}   (median of {args.runs})")
            for name, url in pages.items():
                runs = [audit(binary, url, root / f"report-{i}.json") for i in range(args.runs)]
                median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                print(f"{name:28} {median['score']:6.2f} {median['lcp']:6.2f} {median['cls']:6.3f} {median['kib']:7.1f}")


if __name__ == "__main__":
    main()
