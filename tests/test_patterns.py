"""generator.patterns: a lazily compiled pattern behaves as the compiled one, from first use."""

from __future__ import annotations

import copy
import pickle
import re

from generator.patterns import lazy


def test_nothing_is_compiled_before_first_use() -> None:
    pattern = lazy(r"(?P<year>\d{4})-(\d\d)")
    assert "match" not in vars(pattern)
    assert "compiled" not in vars(pattern)


def test_a_lazy_pattern_answers_as_re_compile_does() -> None:
    source, flags = r"(?P<word>[a-z]+)(\d*)", re.IGNORECASE
    lazy_one, real = lazy(source, flags), re.compile(source, flags)
    text = "Alpha1 beta22 GAMMA"
    assert lazy_one.match(text).groups() == real.match(text).groups()
    assert lazy_one.fullmatch("Beta7").span() == real.fullmatch("Beta7").span()
    assert lazy_one.search(" x9").group("word") == real.search(" x9").group("word")
    assert [m.span() for m in lazy_one.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert lazy_one.findall(text) == real.findall(text)
    assert lazy_one.sub("_", text) == real.sub("_", text)
    assert lazy_one.subn("_", text) == real.subn("_", text)
    assert lazy_one.split(text) == real.split(text)
    assert (lazy_one.pattern, lazy_one.flags) == (real.pattern, real.flags)
    assert (lazy_one.groups, dict(lazy_one.groupindex)) == (real.groups, dict(real.groupindex))


def test_reading_the_source_compiles_nothing() -> None:
    pattern = lazy(r"[a-z]+")
    assert pattern.pattern == "[a-z]+"
    assert "compiled" not in vars(pattern)
    assert pattern.flags == re.compile("[a-z]+").flags  # flags are the compiled pattern's
    assert "compiled" in vars(pattern)


def test_after_first_use_methods_are_bound_on_the_instance() -> None:
    pattern = lazy(r"\d+")
    assert pattern.search("a1")
    assert "search" in vars(pattern) and "sub" in vars(pattern)


def test_a_bad_pattern_fails_at_first_use_with_re_error() -> None:
    pattern = lazy(r"(unclosed")
    try:
        pattern.match("x")
    except re.error as exc:
        assert "missing )" in str(exc)
    else:
        raise AssertionError("no re.error")


def test_copies_and_pickles_work_before_and_after_use() -> None:
    fresh, used = lazy(r"a+"), lazy(r"b+")
    assert used.match("bb")
    for pattern, text in ((fresh, "aa"), (used, "bb")):
        assert copy.copy(pattern).match(text)
        assert copy.deepcopy(pattern).match(text)
        assert pickle.loads(pickle.dumps(pattern)).match(text)


def test_the_compiled_pattern_and_unbound_attributes_compile_once(monkeypatch) -> None:
    compiles = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *a: compiles.append(a) or real(*a))
    pattern = lazy(r"x(y)")
    assert pattern.compiled is pattern.compiled
    assert pattern.scanner("xy").match().group(1) == "y"
    assert pattern.scanner("xy").match()
    assert len(compiles) == 1
