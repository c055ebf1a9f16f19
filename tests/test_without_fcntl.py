"""coach-site where there is no `fcntl` (Windows has none): the package imports, and a client
builds, with the module blocked before coach-site is imported, on any machine, without a
Windows runner. The run lock goes through filelock, which picks what the system offers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import MINIMAL_CLIENT

# Runs as `python -c`: `fcntl` is made unimportable before anything of coach-site is imported.
WITHOUT_FCNTL = textwrap.dedent("""\
    import sys
    sys.modules["fcntl"] = None  # `import fcntl` now raises ImportError, as on Windows
    try:
        import fcntl
    except ImportError:
        pass
    else:
        raise SystemExit("fcntl is still importable")
    sys.argv = ["coach-site", *sys.argv[1:]]
    from coach_site.cli import main
    main()
""")


def run_without_fcntl(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_FCNTL, *args], cwd=project, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1"}, timeout=300)


def test_a_client_builds_where_there_is_no_fcntl(project, write_client, tmp_path):
    write_client(MINIMAL_CLIENT)
    site = tmp_path / "site"
    checked = run_without_fcntl(project, "check")
    assert checked.returncode == 0, checked.stderr
    built = run_without_fcntl(project, "build", "--site-dir", str(site))
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr and (site / "3hVt9QmK2xLp7RwZc5NbYa" / "area-career.html").is_file()
    # Every module of the package imports without it.
    imported = subprocess.run([sys.executable, "-c", WITHOUT_FCNTL.split("sys.argv")[0] + textwrap.dedent("""\
        import pkgutil, importlib, coach_site
        for module in pkgutil.walk_packages(coach_site.__path__, "coach_site."):
            if module.name != "coach_site.__main__":  # that one runs the command
                importlib.import_module(module.name)
        print("imported")
    """)], capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0 and imported.stdout.strip() == "imported", imported.stderr
