"""How fast coach-site builds, side by side with plain `mkdocs build`, on this machine.

    python benchmarks/build_bench.py [--clients 50] [--runs 3]      (or: make bench)

Generates N synthetic clients (different numbers of areas, long answers, rating
histories), then times, each as the median of --runs runs in fresh processes:

  plain mkdocs, per client   `mkdocs build` of one client's generated Markdown pages
  ours, cold, one client     `coach-site build --force` of one client (template cache warm / empty)
  ours, N clients            `coach-site build --force` of all N
  N x plain mkdocs           N plain `mkdocs build` runs in sequence, one per client
  ours, no-op rebuild        `coach-site build` when nothing changed
  peak memory                of the N-client build: all its processes' RSS added up, sampled

and prints the table, with the ratios the project aims for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
WORDS = ("clarity courage family health team lead energy calm growth trust focus time money "
         "friends craft learn rest joy patience kindness running sleep garden music travel").split()
AREAS = ["Career", "Health", "Relationships", "Money", "Creativity", "Home", "Learning", "Spirituality"]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def client_yaml(index: int, rng: random.Random) -> str:
    """A varied, fictional client: 1 to 8 areas, some answers long, some missing, histories."""
    lines = [
        "client:", f"  name: Client Number{index}", "link:", f"  token: benchmarkToken{index:04d}abcdefgh",
        "sessions:", "  values: 2026-09-01", f"  next: 2026-12-{1 + index % 28:02d}",
        "values:",
    ]
    for v in rng.sample(WORDS, rng.randint(0, 5)):
        lines += [f"  - name: {v.capitalize()}", f"    meaning: {sentence(rng, rng.randint(4, 14))}"]
    lines.append("focus_areas:")
    for area in rng.sample(AREAS, rng.randint(1, 8)):
        lines.append(f"  - name: {area}")
        for field in ("outcome", "why_it_matters", "what_has_to_happen", "how_youll_know", "barriers",
                      "ten_looks_like", "ten_in_3_months"):
            if rng.random() < 0.7:
                long = rng.random() < 0.3
                text = " ".join(sentence(rng, rng.randint(8, 30)) for _ in range(rng.randint(3, 8) if long else 1))
                lines.append(f"    {field}: {text}")
        if rng.random() < 0.5:
            lines.append("    satisfaction:")
            start = dt.date(2026, 1, 1)
            for k in range(rng.randint(2, 12)):
                lines.append(f"      {start + dt.timedelta(days=30 * k)}: {rng.randint(1, 10)}")
        else:
            lines.append(f"    satisfaction: {rng.randint(1, 10)}")
        lines.append("    next_steps:")
        lines += [f"      - {sentence(rng, rng.randint(4, 10))}" for _ in range(rng.randint(0, 2))]
    lines += ["homework:", "  due: 2026-11-30", "  action_items:", f"    - {sentence(rng, 6)}",
              "schedule:", "  day: 06:30 run · 08:00 school run · 09:00 deep work", f"  week: {sentence(rng, 12)}",
              "ted_talk:", f"  message: {sentence(rng, 10)}"]
    return "\n".join(lines) + "\n"


def make_project(root: Path, clients: int) -> Path:
    project = root / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("content", "overrides"):
        shutil.copytree(REPO / folder, project / folder)
    (project / "clients").mkdir()
    rng = random.Random(2026)
    for index in range(clients):
        (project / "clients" / f"client-{index:03d}.yaml").write_text(client_yaml(index, rng), encoding="utf-8")
    return project


def plain_mkdocs_projects(project: Path, root: Path) -> list[Path]:
    """For each client, its generated Markdown pages and a plain mkdocs.yml that builds them
    with the same theme, overrides and extensions: what `mkdocs build` alone would do."""
    sys.path.insert(0, str(REPO))
    import yaml

    from coach_site.project import PACKAGE_OVERRIDES
    from coach_site.project_loader import load_project
    from coach_site.workbook.pipeline import prepare_client
    from coach_site.workbook.render import ClientPages, render_pages

    loaded = load_project(project)
    base = yaml.safe_load((project / "mkdocs.yml").read_text())
    configs = []
    for client in sorted((project / "clients").glob("*.yaml")):
        prepared = prepare_client(client, loaded)
        docs = root / "plain" / client.stem / "docs"
        pages = ClientPages(prepared.workbook, loaded.content_dirs, loaded.coach, loaded.web_link(prepared.token),
                            updated=prepared.updated)
        rendered = render_pages(pages, docs)
        config = {**base, "docs_dir": str(docs), "site_dir": str(docs.parent / "site"), "nav": rendered.nav,
                  "site_url": loaded.web_link(prepared.token)}
        config["theme"] = {**base["theme"], "custom_dir": str(PACKAGE_OVERRIDES)}  # coach-site's theme files
        path = docs.parent / "mkdocs.yml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        configs.append(path)
    return configs


def timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env or ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return elapsed


def median(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


def peak_memory(command: list[str], cwd: Path) -> int:
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0

    def sample():
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    sampler.join()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    coach_site, mkdocs = str(BIN / "coach-site"), str(BIN / "mkdocs")

    with tempfile.TemporaryDirectory(prefix="coach-site-bench-") as work:
        root = Path(work)
        project = make_project(root, args.clients)
        configs = plain_mkdocs_projects(project, root)
        site = str(root / "site")
        first = f"clients/{sorted((project / 'clients').glob('*.yaml'))[0].name}"
        cold_cache = {**ENV, "COACH_SITE_CACHE": str(root / "empty-cache")}

        def ours_single(env=None):
            return timed([coach_site, "build", first, "--force", "--site-dir", site], project, env)

        ours_single()  # fill the template cache once, as any earlier build would have
        plain_one = median(args.runs, lambda: timed([mkdocs, "build", "-q", "-f", str(configs[0])], project))
        single = median(args.runs, ours_single)

        def ours_cold_cache():
            shutil.rmtree(root / "empty-cache", ignore_errors=True)
            return ours_single(cold_cache)

        single_empty_cache = median(args.runs, ours_cold_cache)
        many = median(args.runs, lambda: timed([coach_site, "build", "--force", "--site-dir", site], project))
        plain_many = median(args.runs, lambda: sum(
            timed([mkdocs, "build", "-q", "-f", str(config)], project) for config in configs))
        noop = median(args.runs, lambda: timed([coach_site, "build", "--site-dir", site], project))
        memory = peak_memory([coach_site, "build", "--force", "--site-dir", site], project)

    n = args.clients
    rows = [
        ("plain mkdocs build, one client", f"{plain_one:.2f} s", ""),
        ("coach-site, one client, cold process", f"{single:.2f} s", f"{single / plain_one:.2f}x plain (target <= 1.3x)"),
        ("  same, template cache empty", f"{single_empty_cache:.2f} s", f"{single_empty_cache / plain_one:.2f}x plain"),
        (f"coach-site, {n} clients", f"{many:.2f} s", f"{many / plain_many:.2f}x {n} x plain (target <= 0.2x)"),
        (f"{n} x plain mkdocs build, in sequence", f"{plain_many:.2f} s", ""),
        (f"coach-site, {n} clients, nothing changed", f"{noop:.2f} s", "target < 1 s"),
        (f"peak memory, {n} clients (all processes)", f"{memory / 2**20:.0f} MiB", "target < 300 MiB"),
    ]
    print(f"coach-site build benchmark: {n} clients, median of {args.runs} runs, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | time | against |")
    print(f"| {'-' * width} | ---: | --- |")
    for name, value, note in rows:
        print(f"| {name.ljust(width)} | {value} | {note} |")


if __name__ == "__main__":
    main()
