"""The commands under test (console script, ``python -m generator``, validate, the floor)
and the machine they run on."""

from __future__ import annotations

import datetime
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

from measure import (
    KIB_PER_MIB,
)
from settings import FLOOR_SCRIPT, REPO_ROOT


def console_script() -> Path:
    """The installed ``magegen`` script of this interpreter's environment.

    Looked up next to ``sys.executable`` first, so that a version manager's shim on PATH (pyenv's
    is a bash script) is not what gets measured; then on PATH.
    """
    here = shutil.which("magegen", path=str(Path(sys.executable).parent))
    found = here or shutil.which("magegen")
    if found is None:
        sys.exit("bench: no `magegen` script; run `pip install -e .` first")
    return Path(found)


def module_invocation() -> tuple[list[str], str]:
    """The CLI run through the interpreter without the console script, and its label.

    ``python -m generator`` once the package has a ``__main__``; until then the console script's
    own two lines, given to ``python -c``.
    """
    if importlib.util.find_spec("generator.__main__") is not None:
        return [sys.executable, "-m", "generator"], "python -m generator"
    code = "import sys; from generator.cli import main; sys.argv[0] = 'magegen'; main()"
    return [sys.executable, "-c", code], "python -c 'from generator.cli import main; main()'"


def path_shim(script: Path) -> Path | None:
    """The ``magegen`` on PATH when it is not ``script`` itself (a pyenv or asdf shim)."""
    found = shutil.which("magegen")
    if found is None or Path(found).resolve() == script.resolve():
        return None
    return Path(found)


def modules_label(count: int) -> str:
    """``1 module`` or ``N modules``."""
    return f"{count} module" if count == 1 else f"{count} modules"


def validate_argv(script: Path, tree: Path, php: bool = False) -> list[str]:
    """``magegen validate TREE``, with ``--no-php`` unless ``php``."""
    return [str(script), "validate", str(tree), *([] if php else ["--no-php"])]


def floor_argv(tree: Path) -> list[str]:
    """The validation floor, bench/floor_validate.py, on ``tree``."""
    return [sys.executable, str(FLOOR_SCRIPT), str(tree)]


def _first_line(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


def _search(path: str, pattern: str) -> str | None:
    file = Path(path)
    if not file.is_file():
        return None
    match = re.search(pattern, file.read_text(errors="replace"), re.MULTILINE)
    return match.group(1).strip() if match else None


def machine() -> dict[str, str]:
    """What the numbers were measured on, and when."""
    from lxml import etree

    from generator import __version__

    git = ["git", "-C", str(REPO_ROOT)]
    commit = _first_line([*git, "rev-parse", "--short", "HEAD"])
    status = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    changed = ", uncommitted changes" if status.stdout.strip() else ""
    memory_kib = _search("/proc/meminfo", r"^MemTotal:\s*(\d+) kB")
    system = _search("/etc/os-release", r'^PRETTY_NAME="?([^"\n]+)') or platform.system()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})",
        "cpu_model": _search("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.machine(),
        "memory": f"{int(memory_kib) // KIB_PER_MIB**2} GiB" if memory_kib else "unknown",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min, at start)",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{system}, kernel {platform.release()}",
        "magegen": f"{__version__} (git {commit}{changed})",
        "lxml": "lxml {} / libxml2 {}".format(
            ".".join(map(str, etree.LXML_VERSION[:3])), ".".join(map(str, etree.LIBXML_VERSION))
        ),
        "php": _first_line(["php", "--version"]),
        "xmllint": _first_line(["xmllint", "--version"]),
    }
