"""Magento releases: Composer constraints over Magento versions, the releases they target (with
Composer's order of -pN patches), the PHP constraint that follows from them, and the releases a
module's own php constraint locks out.

Constraint semantics and the order of releases are checked against Composer's own Semver library
(the one the installed ``composer`` runs).
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
    release_key,
)
from generator.magento.lines import excluded_by_php, known_lines, line_facts, php_constraint
from generator.magento.releases import known_releases
from generator.magento.targetset import default_targets, describe, select_releases
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
    pairs = [[c, v] for c in CONSTRAINTS for v in VERSIONS]
    composer = _composer(php, SATISFIES, pairs)
    differ = [
        (c, v, expected)
        for (c, v), expected in zip(pairs, composer, strict=True)
        if _ours(c, v) != expected
    ]
    assert differ == []


SORT = """
require getenv('SEMVER');
echo json_encode(Composer\\Semver\\Semver::sort(json_decode(stream_get_contents(STDIN), true)));
"""


def _composer(php: str, script: str, data: object) -> object:
    if not SEMVER.is_file():
        unavailable(f"Composer's Semver library is not at {SEMVER} (apt-get install composer)")
    answer = subprocess.run(
        [php, "-r", script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        check=True,
        env={"SEMVER": str(SEMVER)},
    )
    return json.loads(answer.stdout)


def test_releases_are_in_composers_order(php: str) -> None:
    names = [r.name for r in known_releases()]
    assert len(names) == 49 and names[0] == "2.4.4" and names[-1] == "2.4.8-p1"
    assert _composer(php, SORT, sorted(names)) == names
    assert names.index("2.4.7-p6") < names.index("2.4.8")
    assert names.index("2.4.4-p9") < names.index("2.4.4-p10")


def test_every_release_is_targeted_by_its_own_name_and_what_composer_admits(php: str) -> None:
    names = [r.name for r in known_releases()]
    for name in names:
        assert select_releases(name).names == (name,)
    constraints = [">=2.4.7-p4", "~2.4.8", "2.4.6-p9", ">=2.4.6 <2.4.8", ">2.4.7", "<2.4.5"]
    pairs = [[c, v] for c in constraints for v in names]
    admitted = _composer(php, SATISFIES, pairs)
    for constraint in constraints:
        answers = zip(pairs, admitted, strict=True)
        expected = [v for (c, v), yes in answers if yes and c == constraint]
        assert list(select_releases(constraint).names) == expected, constraint


@pytest.mark.parametrize(
    ("constraint", "targets", "unreleased", "noted"),
    [
        (">=2.4.7-p4", "2.4.7-p4 to 2.4.8-p1", ["2.4.9"], True),
        ("~2.4.8", "2.4.8 to 2.4.8-p1", ["2.4.9"], True),
        ("2.4.6-p9", "2.4.6-p9", [], False),
        ("2.4.7-p7", "2.4.7-p6", [], True),  # a patch newer than known: its nearest before
        ("2.4.9", "2.4.8-p1", ["2.4.9"], True),  # a line with no known release
        ("2.4.7.* || 2.4.8.*", "2.4.7 to 2.4.8-p1", [], True),
    ],
)
def test_constraints_select_releases(
    constraint: str, targets: str, unreleased: list[str], noted: bool
) -> None:
    chosen = select_releases(constraint)
    assert describe(chosen.names) == targets
    assert [line.name for line in chosen.unreleased] == unreleased
    assert bool(chosen.notes) == noted
    if noted:
        assert "judged by the newest known release" in chosen.notes[0]


@pytest.mark.parametrize(
    ("constraint", "message"),
    [
        (">=2.5", "targets none of the Magento releases magegen knows: 2.4.4 to 2.4.8-p1"),
        ("<2.4.4", "targets none of the Magento releases magegen knows"),
        ("dev-2.4-develop", "names no version"),
        ("2.4.7 ||", "is not a version constraint Composer reads"),
        ("", "is not a version constraint Composer reads"),
        ("latest", "is not a version constraint Composer reads"),
    ],
)
def test_unusable_constraints_are_errors(constraint: str, message: str) -> None:
    with pytest.raises(ConstraintError, match=message):
        select_releases(constraint)


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
def test_php_constraint_is_the_union_of_the_targets(constraint: str, php: str) -> None:
    targets = select_releases(constraint).php_sources()
    assert php_constraint(targets) == php
    assert php_constraint(reversed(targets)) == php  # the order given does not matter
    # Never uninstallable on a target: every PHP minor each release allows is admitted.
    assert excluded_by_php(php, targets) == ()


def test_the_default_targets_are_the_supported_lines_and_admit_php_8_4() -> None:
    targets = default_targets()
    assert describe(targets.names) == "2.4.7 to 2.4.8-p1"
    assert [line.name for line in targets.unreleased] == ["2.4.9"]
    supported = {line.name for line in known_lines() if line.supported}
    assert supported == {"2.4.7", "2.4.8", "2.4.9"}
    assert {r.line for r in targets.releases} | {"2.4.9"} == supported
    php = php_constraint(targets.php_sources())
    assert admits_some(parse_constraint(php), parse_constraint("=8.4.0"))
    assert line_facts().checked == "2026-12-01"


def test_no_targets_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one Magento release"):
        php_constraint([])


@pytest.mark.parametrize(
    ("php", "excluded"),
    [
        ("~8.1.0||~8.2.0", ["2.4.9"]),  # 2.4.9 runs on 8.3 to 8.5 only
        ("~8.1.0||~8.2.0||~8.3.0", []),  # magegen's old default: 8.3 is on every line
        ("^8.4", ["2.4.7", "2.4.7-p1", "2.4.7-p2", "2.4.7-p3", "2.4.7-p4", "2.4.7-p5", "2.4.7-p6"]),
        (">=8.2", []),
        ("~8.3.0", []),  # each line allows 8.3: none excluded, though 8.1 and 8.2 are
    ],
)
def test_releases_a_module_php_constraint_excludes(php: str, excluded: list[str]) -> None:
    found = excluded_by_php(php, default_targets().php_sources())
    assert [target.name for target in found] == excluded


def test_an_unreadable_php_constraint_is_an_error() -> None:
    with pytest.raises(ConstraintError):
        excluded_by_php(">= eight", default_targets().php_sources())


def test_every_line_fact_has_a_source_and_each_release_its_php() -> None:
    by_name = {r.name: r for r in known_releases()}
    assert by_name["2.4.4"].php == "~7.4.0||~8.1.0"
    assert by_name["2.4.8-p1"].php == "~8.2.0||~8.3.0||~8.4.0"
    (unreleased,) = [line for line in known_lines() if line.php]
    assert unreleased.name == "2.4.9" and unreleased.php_minors == ((8, 3), (8, 4), (8, 5))
    assert all(target.source for target in known_lines())
    assert line_facts().support_sources


def test_versions_order_as_composer_orders_stabilities() -> None:
    def version(text: str) -> Version:
        (interval,) = parse_constraint(f"={text}")
        assert interval.low is not None
        return interval.low.version

    ordered = ["2.4.7-dev", "2.4.7-alpha1", "2.4.7-beta2", "2.4.7-RC1", "2.4.7", "2.4.7-p1"]
    assert sorted(ordered, key=version) == ordered
    assert sorted(ordered, key=release_key) == ordered
