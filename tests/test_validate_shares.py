"""validate on several processes reports exactly what one process reports, in the same order;
each process takes the next modules when it is free, so a slow one checks fewer; and a child
process that fails costs nothing but time: its modules are checked again."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.review import shares
from generator.review import validate as validating
from tests.conftest import CASE_NAMES
from tests.validate_kit import edit, new_case_module


@pytest.fixture
def tree(tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    """Every case module three times, one copy of each with a finding of its own."""
    root = tmp_path / "tree"
    for case in CASE_NAMES:
        first = new_case_module(run_cli, case, root / case / "m0")
        for copy in ("m1", "m2"):
            shutil.copytree(first, root / case / copy)
        edit(root / case / "m2" / "registration.php", "ComponentRegistrar::MODULE", "'nothing'")
    return root


def _validate(run_cli: Callable[..., Result], tree: Path) -> Result:
    return run_cli("validate", tree, "--format", "json", "--no-php")


def test_shares_in_children_report_what_one_process_reports(
    tree: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validating, "_pool_size", lambda modules: 1)
    alone = _validate(run_cli, tree)
    monkeypatch.setattr(validating, "_pool_size", lambda modules: 3)
    forked = []
    real_fork = shares._fork
    monkeypatch.setattr(shares, "_fork", lambda *args: forked.append(1) or real_fork(*args))
    shared = _validate(run_cli, tree)
    assert len(forked) == 2  # two children, and this process checks too
    assert '"MG202"' in alone.stdout
    assert (shared.exit_code, shared.stdout) == (alone.exit_code, alone.stdout)


def test_a_failing_child_leaves_its_modules_to_this_process(
    tree: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validating, "_pool_size", lambda modules: 1)
    alone = _validate(run_cli, tree)
    parent = os.getpid()
    real_check = validating._check_one

    def dies_in_a_child(*args: object) -> object:
        if os.getpid() != parent:
            raise SystemExit(3)  # as a child killed part-way would
        return real_check(*args)

    monkeypatch.setattr(validating, "_check_one", dies_in_a_child)
    monkeypatch.setattr(validating, "_pool_size", lambda modules: 2)
    shared = _validate(run_cli, tree)
    assert (shared.exit_code, shared.stdout) == (alone.exit_code, alone.stdout)


def test_no_second_process_for_few_modules_or_busy_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.2, 0.2), raising=False)
    assert validating._pool_size(validating.PARALLEL_FROM - 1) == 1
    assert validating._pool_size(validating.PARALLEL_FROM) == 2
    # The load counts this process itself: one more process busy leaves no core idle.
    monkeypatch.setattr(os, "getloadavg", lambda: (1.2, 1.2, 1.2), raising=False)
    assert validating._pool_size(validating.PARALLEL_FROM) == 2
    monkeypatch.setattr(os, "getloadavg", lambda: (2.5, 2.5, 2.5), raising=False)
    assert validating._pool_size(10 * validating.PARALLEL_FROM) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0), raising=False)
    assert validating._pool_size(10 * validating.PARALLEL_FROM) == 1


def _checked_where(index: int) -> tuple[int, int]:
    return index * index, os.getpid()


def test_every_item_once_in_order_whatever_the_block_size() -> None:
    count = 3 * shares.MAX_BLOCKS + 7  # blocks of several items, the last one short
    checked = shares.shared(count, _checked_where, children=2)
    assert [square for square, _ in checked] == [i * i for i in range(count)]


def test_a_slow_child_leaves_the_rest_to_the_others() -> None:
    parent = os.getpid()
    told: list[int] = []

    def check(index: int) -> tuple[int, int]:
        if os.getpid() != parent:
            time.sleep(0.5)  # a child that a busy core holds back
        return _checked_where(index)

    checked = shares.shared(40, check, children=1, progress=told.append)
    assert [square for square, _ in checked] == [i * i for i in range(40)]
    by_child = [index for index, (_, pid) in enumerate(checked) if pid != parent]
    assert len(by_child) <= 1  # the child took one module at most; this process the rest
    assert told == sorted(told) and told[-1] == 40


def test_items_a_dead_child_held_are_checked_here() -> None:
    parent = os.getpid()

    def check(index: int) -> tuple[int, int]:
        if os.getpid() != parent:
            os._exit(9)  # killed with a block taken
        return _checked_where(index)

    checked = shares.shared(30, check, children=2)
    assert checked == [(i * i, parent) for i in range(30)]
