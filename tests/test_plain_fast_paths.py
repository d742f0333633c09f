"""The cheap patterns that spare start-up from compiling Composer's whole grammar accept nothing
the full rules refuse: each one's language lies inside its full rule's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.magento import constraints, rules


@settings(max_examples=40, deadline=None)
@given(st.from_regex(constraints._PLAIN.pattern, fullmatch=True))
def test_every_plain_constraint_is_one_composer_reads(value: str) -> None:
    assert rules._constraint().fullmatch(value), value
    constraints.parse_constraint(value)  # and it reads as a set of versions


@settings(max_examples=100)
@given(st.from_regex(rules._PLAIN_VERSION.pattern, fullmatch=True))
def test_every_plain_version_is_one_composer_accepts(value: str) -> None:
    assert rules.version_pattern().fullmatch(value), value


@settings(max_examples=100)
@given(st.text(alphabet="0123456789.v~^<>=!|, *x-", max_size=16))
def test_the_plain_patterns_agree_with_the_full_rules_on_any_text(value: str) -> None:
    if constraints._PLAIN.fullmatch(value):
        assert rules.check_constraint(value) is None
    if rules._PLAIN_VERSION.fullmatch(value):
        assert rules.version_pattern().fullmatch(value)
    plain = bool(rules._PLAIN_VERSION.fullmatch(value)) or bool(
        rules.version_pattern().fullmatch(value)
    )
    assert (rules.check_version(value) is None) == plain
