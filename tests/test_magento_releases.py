"""Magento lines: Composer constraints over Magento versions, the PHP constraint that follows from
target lines, and the lines a module's own php constraint locks out.

Constraint semantics are checked against Composer's own Semver library (the one the installed
``composer`` runs), over a grid of versions.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.magento.constraints import (
    ConstraintError,
    Version,
    admits_some,
    parse_constraint,
)
from generator.magento.lines import (
    default_targets,
    known_lines,
    line,
    line_facts,
    lines_excluded_by_php,
    php_constraint,
    select_lines,
)
from tests.conftest import unavailable

SEMVER = Path("/usr/share/php/Composer/Semver/autoload.php")
# Asks Composer, for each [constraint, version] pair read from stdin, whether it is satisfied.
SATISFIES = """
require getenv('SEMVER');
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true) as [$c, $v]) {
    $out[] = Composer\\Semver\\Semver::satisfies($v, $c);
}
echo json_encode($out);
"""
CONSTRAINTS = [
    ">=2.4.7",
    "~2.4.7 || ~2.4.8",
    "2.4.*",
    "2.4.x",
    "^2.4.6",
    "~2.4.6",
    "~2.4",
    "~2",
    "^0.3",
    "<2.4.8",
    "<=2.4.8",
    ">2.4.7",
    "2.4.7",
    "=2.4.7-p3",
    "!=2.4.7",
    ">=2.4.5 <2.4.8",
    ">= 2.4.6, < 2.4.9",
    "2.4.6 - 2.4.8",
    "2.4.6 - 2.4",
    "2.4.7.*",
    "~2.4.7.0",
    "*",
    "^8.2 | ~7.4.0",
    ">=8.1.0-beta1",
]
VERSIONS = [
    "0.3.1",
    "0.4.0",
    "2.3.7",
    "2.4.0",
    "2.4.5",
    "2.4.6",
    "2.4.6-p4",
    "2.4.7-beta1",
    "2.4.7",
    "2.4.7-p1",
    "2.4.7-p3",
    "2.4.7-p9",
    "2.4.8-alpha2",
    "2.4.8",
    "2.4.8-p4",
    "2.4.9",
    "2.5.0",
    "3.0.0",
    "7.4.33",
    "8.1.0-alpha1",
    "8.1.0",
    "8.2.12",
    "8.4.1",
    "8.5.0",
    "9.0.0",
]


def _ours(constraint: str, version: str) -> bool:
    """Whether our reading of ``constraint`` admits ``version``: the interval of one point."""
    point = parse_constraint(f"={version}")
    return admits_some(parse_constraint(constraint), point)


def test_constraints_admit_what_composer_admits(php: str) -> None:
    if not SEMVER.is_file():
        unavailable(f"Composer's Semver library is not at {SEMVER} (apt-get install composer)")
    pairs = [[c, v] for c in CONSTRAINTS for v in VERSIONS]
    answer = subprocess.run(
        [php, "-r", SATISFIES],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        check=True,
        env={"SEMVER": str(SEMVER)},
    )
    composer = json.loads(answer.stdout)
    differ = [
        (c, v, expected)
        for (c, v), expected in zip(pairs, composer, strict=True)
        if _ours(c, v) != expected
    ]
    assert differ == []


@pytest.mark.parametrize(
    ("constraint", "lines"),
    [
        (">=2.4.7", ["2.4.7", "2.4.8", "2.4.9"]),
        ("~2.4.6", ["2.4.6", "2.4.7", "2.4.8", "2.4.9"]),  # ~2.4.6 is >=2.4.6 <2.5
        ("^2.4.6", ["2.4.6", "2.4.7", "2.4.8", "2.4.9"]),
        ("2.4.*", ["2.4.4", "2.4.5", "2.4.6", "2.4.7", "2.4.8", "2.4.9"]),
        ("2.4.7.* || 2.4.8.*", ["2.4.7", "2.4.8"]),
        ("<2.4.8", ["2.4.4", "2.4.5", "2.4.6", "2.4.7"]),
        ("2.4.7-p3", ["2.4.7"]),  # a patch release targets its line
        (">2.4.7", ["2.4.7", "2.4.8", "2.4.9"]),  # 2.4.7-p1 is after 2.4.7, as Composer says
        ("2.4.5 - 2.4.6", ["2.4.5", "2.4.6"]),
    ],
)
def test_constraints_select_lines(constraint: str, lines: list[str]) -> None:
    assert [target.name for target in select_lines(constraint)] == lines


@pytest.mark.parametrize(
    ("constraint", "message"),
    [
        (">=2.5", "targets none of the Magento lines known: 2.4.4, 2.4.5"),
        ("<2.4.0", "targets none of the Magento lines known"),
        ("dev-2.4-develop", "names no version"),
        ("2.4.7 ||", "is not a version constraint Composer reads"),
        ("", "is not a version constraint Composer reads"),
        ("latest", "is not a version constraint Composer reads"),
    ],
)
def test_unusable_constraints_are_errors(constraint: str, message: str) -> None:
    with pytest.raises(ConstraintError, match=message):
        select_lines(constraint)


@pytest.mark.parametrize(
    ("constraint", "php"),
    [
        (">=2.4.7", "~8.1.0||~8.2.0||~8.3.0||~8.4.0||~8.5.0"),
        ("~2.4.6", "~8.1.0||~8.2.0||~8.3.0||~8.4.0||~8.5.0"),
        ("2.4.6.*", "~8.1.0||~8.2.0"),
        ("2.4.8.*", "~8.2.0||~8.3.0||~8.4.0"),
        ("2.4.8.* || 2.4.4.*", "~7.4.0||~8.1.0||~8.2.0||~8.3.0||~8.4.0"),
        ("<2.4.6", "~7.4.0||~8.1.0"),
    ],
)
def test_php_constraint_is_the_union_of_the_lines(constraint: str, php: str) -> None:
    targets = select_lines(constraint)
    assert php_constraint(targets) == php
    assert php_constraint(reversed(targets)) == php  # the order given does not matter
    # Never uninstallable on a target: every PHP minor each line allows is admitted.
    assert lines_excluded_by_php(php, targets) == ()


def test_the_default_targets_are_the_supported_lines_and_admit_php_8_4() -> None:
    targets = default_targets()
    assert [target.name for target in targets] == ["2.4.7", "2.4.8", "2.4.9"]
    assert all(target.supported for target in targets)
    assert not any(t.supported for t in known_lines() if t not in targets)
    php = php_constraint(targets)
    assert admits_some(parse_constraint(php), parse_constraint("=8.4.0"))
    assert line_facts().checked == "2026-12-01"


def test_no_target_lines_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one Magento line"):
        php_constraint([])


def test_every_line_requires_the_same_framework_and_integration_packages() -> None:
    packages = dict(line_facts().packages)
    assert packages == {"magento/framework": "103.0.*", "magento/module-integration": "100.4.*"}


@pytest.mark.parametrize(
    ("php", "excluded"),
    [
        ("~8.1.0||~8.2.0", ["2.4.9"]),  # 2.4.9 runs on 8.3 to 8.5 only
        ("~8.1.0||~8.2.0||~8.3.0", []),  # magegen's old default: 8.3 is on every line
        ("^8.4", ["2.4.7"]),
        (">=8.2", []),
        ("~7.4.0", ["2.4.7", "2.4.8", "2.4.9"]),
        ("~8.3.0", []),  # each line allows 8.3: none excluded, though 8.1 and 8.2 are
    ],
)
def test_lines_a_module_php_constraint_excludes(php: str, excluded: list[str]) -> None:
    found = lines_excluded_by_php(php, default_targets())
    assert [target.name for target in found] == excluded


def test_an_unreadable_php_constraint_is_an_error() -> None:
    with pytest.raises(ConstraintError):
        lines_excluded_by_php(">= eight", default_targets())


def test_every_fact_has_a_source_and_the_lines_their_php() -> None:
    assert line("2.4.4").php == "~7.4.0||~8.1.0"
    assert line("2.4.8").php == "~8.2.0||~8.3.0||~8.4.0"
    assert line("2.4.9").php_minors == ((8, 3), (8, 4), (8, 5))
    assert all(target.source for target in known_lines())
    assert line_facts().support_sources


def test_versions_order_as_composer_orders_stabilities() -> None:
    def version(text: str) -> Version:
        (interval,) = parse_constraint(f"={text}")
        assert interval.low is not None
        return interval.low.version

    ordered = ["2.4.7-dev", "2.4.7-alpha1", "2.4.7-beta2", "2.4.7-RC1", "2.4.7", "2.4.7-p1"]
    assert sorted(ordered, key=version) == ordered
