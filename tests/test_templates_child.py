"""Custom templates render in a child process with hard limits; the built-in ones do not."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.errors import Problem, TemplateError
from generator.magento.catalogs import catalogs
from generator.pipeline.render import render
from generator.sandbox.box import Budget
from generator.sandbox.folder import TemplateDir
from generator.sandbox.fork import ChildFailed, Rendered, render_isolated, result_bound
from generator.spec.reader import load_spec
from tests.conftest import EXAMPLE_SPEC, REPO
from tests.validate_kit import EXAMPLE_NAME, write

SMALL = Budget(output=1000, seconds=0.5, memory=64 << 20)


def where(template_name: str) -> str:
    return f"tpl/{template_name}" if template_name else "tpl"


def isolated(work: Callable[[Callable[[str], None]], Rendered]) -> Rendered:
    return render_isolated(work, SMALL, where)


def test_a_call_the_timer_cannot_interrupt_is_killed_at_the_deadline() -> None:
    def work(started: Callable[[str], None]) -> Rendered:
        started("etc/module.xml.j2")
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
        return Rendered([], [])

    began = time.monotonic()
    rendered = isolated(work)
    assert time.monotonic() - began < 5
    assert rendered == Rendered(
        [],
        [
            Problem(
                "tpl/etc/module.xml.j2",
                "template error: runs longer than 0.5 s (the bound for this spec; "
                "see README, Templates)",
            )
        ],
    )


def test_a_child_killed_by_a_signal_is_one_problem() -> None:
    def work(started: Callable[[str], None]) -> Rendered:
        started("registration.php.j2")
        os.kill(os.getpid(), signal.SIGTERM)
        return Rendered([], [])

    (problem,) = isolated(work).problems
    assert problem.file == "tpl/registration.php.j2"
    assert problem.message.startswith("template error: was stopped by signal 15 (SIGTERM)")


def test_memory_runs_out_outside_a_template() -> None:
    def work(started: Callable[[str], None]) -> Rendered:
        return Rendered([("big", b"x" * (1 << 30))], [])

    (problem,) = isolated(work).problems
    assert problem == Problem(
        "tpl",
        "template error: needs more than 64 MiB of memory (the bound for this spec; "
        "see README, Templates)",
    )


def test_what_the_child_sends_back_is_bounded() -> None:
    def work(started: Callable[[str], None]) -> Rendered:
        return Rendered([("a", b"x" * (result_bound(SMALL) + 1))], [])

    (problem,) = render_isolated(work, SMALL._replace(memory=1 << 30), where).problems
    assert f"prints more than {result_bound(SMALL)} bytes in all" in problem.message


def test_files_and_problems_come_back_whole() -> None:
    content = bytes(range(256)) * 300

    def work(started: Callable[[str], None]) -> Rendered:
        problem = Problem("tpl/a.j2", "template error: bad\x00 \u2028", 3, severity="error")
        return Rendered([("etc/a.xml", content), ("b", b"")], [problem])

    assert isolated(work) == Rendered(
        [("etc/a.xml", content), ("b", b"")],
        [Problem("tpl/a.j2", "template error: bad\x00 \u2028", 3)],
    )


def test_our_own_failure_in_the_child_is_an_internal_error() -> None:
    def work(started: Callable[[str], None]) -> Rendered:
        raise KeyError("bug")

    with pytest.raises(ChildFailed, match="KeyError: 'bug'"):
        isolated(work)


def example(templates: Path | None) -> tuple[object, TemplateDir | None]:
    known = catalogs(None)
    spec = load_spec(EXAMPLE_SPEC, EXAMPLE_NAME, known.acl, known.modules, False).spec
    return spec, TemplateDir.at(templates) if templates else None


def test_built_in_templates_render_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    spec, _ = example(None)

    def no_fork() -> int:
        raise AssertionError("built-in templates must not fork")

    monkeypatch.setattr(os, "fork", no_fork)
    assert render(spec)  # type: ignore[arg-type]


def test_custom_templates_render_in_a_child(tmp_path: Path) -> None:
    template = (REPO / "templates" / "etc" / "module.xml.j2").read_text(encoding="utf-8")
    write(tmp_path / "etc" / "module.xml.j2", template)
    spec, templates = example(tmp_path)
    assert render(spec, templates) == render(spec)  # type: ignore[arg-type]
    write(tmp_path / "etc" / "module.xml.j2", "{{ 'x' | center(2000000000) }}")
    with pytest.raises(TemplateError, match="needs more than 256 MiB of memory"):
        render(spec, templates)  # type: ignore[arg-type]


def test_without_fork_rendering_stays_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "etc" / "module.xml.j2", "{{ 'x' * 100000000 }}")
    spec, templates = example(tmp_path)
    monkeypatch.delattr(os, "fork")
    with pytest.raises(TemplateError, match="repeating a value 100000000 times"):
        render(spec, templates)  # type: ignore[arg-type]


def test_no_child_outlives_an_interrupted_run(monkeypatch: pytest.MonkeyPatch) -> None:
    children: list[int] = []
    fork = os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            children.append(pid)
        return pid

    def interrupted(*args: object) -> Rendered:
        raise KeyboardInterrupt

    def work(started: Callable[[str], None]) -> Rendered:
        time.sleep(60)
        return Rendered([], [])

    monkeypatch.setattr(os, "fork", recording_fork)
    monkeypatch.setattr("generator.sandbox.fork._collect", interrupted)
    with pytest.raises(KeyboardInterrupt):
        isolated(work)
    (pid,) = children
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
