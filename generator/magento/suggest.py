"""Which known ACL ids a wrong one most likely means, ranked by id structure and title.

Edit distance alone ranks ``Magento_Sales::reorder`` first for ``Magento_Sales::order``, though
``reorder`` creates orders and ``sales_order`` (title "Orders") is what was meant. So a candidate
scores on four things, in this order of weight:

- the same module (a module one typo away counts for a little less);
- the wrong name's words found among the candidate's id words (``order`` in ``sales_order``), words
  that only repeat the module name (``sales`` in ``Magento_Sales``) left aside;
- the same words found in the candidate's title (``orders`` in "Orders"), and, for less, in the
  titles of its ancestors (``order_view``: "View" under "Orders");
- the edit similarity of the two names, which finds plain typos (``reoder`` → ``reorder``).

A candidate whose extra words were not asked for loses a little. A candidate of another module is
only offered when its name matches well, so ids of modules the catalog does not know
(``Magento_Rma::magento_rma``) get no far-fetched suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import NamedTuple

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

MODULE_WEIGHT = 3.0
ID_WORD_WEIGHT = 2.0
TITLE_WORD_WEIGHT = 1.0
PATH_WORD_WEIGHT = 0.5
EDIT_WEIGHT = 2.0
EXTRA_WORD_PENALTY = 0.25
WORD_TYPO_SIMILARITY = 0.8  # the least similarity of two words that can be a typo
TYPO_SIMILARITY = 0.75  # the least similarity of two names (or module names) that can be a typo


def stem(word: str) -> str:
    """``word`` folded and without a plural ending: ``Orders`` gives ``order``."""
    word = word.casefold()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The stemmed words of an id part or a title: ``inStorePickup`` gives in, store, pickup."""
    return [stem(w) for w in _WORD.findall(text)]


class Candidate(NamedTuple):
    """A known id, with what suggestions compare: its module and name, and the words of its name,
    title and ancestors' titles."""

    id: str
    module: str
    name: str
    name_words: frozenset[str]
    title_words: frozenset[str]
    path_words: frozenset[str]


def candidate(resource_id: str, title: str, titles_above: Iterable[str]) -> Candidate:
    """The Candidate for a known id with its title and the titles of its ancestors."""
    module, _, name = resource_id.partition("::")
    return Candidate(
        resource_id,
        module,
        name,
        frozenset(words(name)),
        frozenset(words(title)),
        frozenset(w for above in titles_above for w in words(above)),
    )


def _split(resource_id: str) -> tuple[str, str]:
    module, separator, name = resource_id.partition("::")
    return (module, name) if separator else ("", resource_id)


def _module_score(wrong: str, known: str) -> float:
    """1 for the same module, the similarity for a typo of the module name, else 0."""
    if wrong.casefold() == known.casefold():
        return 1.0
    vendor, _, name = wrong.partition("_")
    known_vendor, _, known_name = known.partition("_")
    if vendor.casefold() != known_vendor.casefold() or not name:
        return 0.0
    similarity = SequenceMatcher(None, name.casefold(), known_name.casefold()).ratio()
    return similarity if similarity >= TYPO_SIMILARITY else 0.0


def _found(asked: frozenset[str], offered: frozenset[str]) -> float:
    """The share of ``asked`` words among ``offered`` ones; a misspelt word (same first letter,
    similar enough) counts half its similarity: ``ordr`` finds ``order``, ``order`` not
    ``reorder``."""
    if not asked or not offered:
        return 0.0
    total = 0.0
    for word in asked:
        if word in offered:
            total += 1.0
            continue
        best = 0.0
        for other in offered:
            if other[0] == word[0]:
                matcher = SequenceMatcher(None, word, other)
                if matcher.quick_ratio() >= WORD_TYPO_SIMILARITY:
                    best = max(best, matcher.ratio())
        total += best / 2 if best >= WORD_TYPO_SIMILARITY else 0.0
    return total / len(asked)


def score(wrong: str, candidate: Candidate, module_scores: dict[str, float] | None = None) -> float:
    """How likely ``wrong`` means ``candidate``; 0 when it is not a plausible suggestion.

    ``module_scores`` caches the module comparison across the candidates of one ``wrong``.
    """
    module, name = _split(wrong)
    cache = {} if module_scores is None else module_scores
    if module and candidate.module not in cache:
        cache[candidate.module] = _module_score(module, candidate.module)
    module_score = cache[candidate.module] if module else 0.0
    if module and module_score == 0 and not _lengths_allow(name, candidate.name):
        return 0.0  # another module needs a nearly equal name: lengths rule most out at once
    matcher = SequenceMatcher(None, name.casefold(), candidate.name.casefold())
    if module and module_score == 0 and not _may_reach(matcher, TYPO_SIMILARITY):
        return 0.0
    module_words = frozenset(words(candidate.module.partition("_")[2]))
    asked = frozenset(words(name))
    asked = (asked - module_words) or asked
    in_id = _found(asked, candidate.name_words)
    in_title = _found(asked, candidate.title_words)
    in_path = _found(asked, candidate.path_words)
    edit = matcher.ratio()
    plausible = edit >= TYPO_SIMILARITY or in_id > 0 or in_title > 0
    if module_score == 0 and (module or not plausible):
        # Another module: only when the name is (nearly) the same.
        if not (in_id >= WORD_TYPO_SIMILARITY and edit >= TYPO_SIMILARITY):
            return 0.0
    elif not plausible:
        return 0.0
    extra = len(candidate.name_words - asked - module_words)
    return (
        MODULE_WEIGHT * module_score
        + ID_WORD_WEIGHT * in_id
        + TITLE_WORD_WEIGHT * in_title
        + PATH_WORD_WEIGHT * in_path
        + EDIT_WEIGHT * edit
        - EXTRA_WORD_PENALTY * extra
    )


def _lengths_allow(name: str, other: str) -> bool:
    """Whether two names' lengths allow TYPO_SIMILARITY (difflib's real_quick_ratio bound)."""
    total = len(name) + len(other)
    return total > 0 and 2 * min(len(name), len(other)) / total >= TYPO_SIMILARITY


def _may_reach(matcher: SequenceMatcher, least: float) -> bool:
    """Whether the similarity can be ``least`` or more, by difflib's cheap upper bounds."""
    return matcher.real_quick_ratio() >= least and matcher.quick_ratio() >= least


def rank(wrong: str, candidates: Iterable[Candidate], limit: int) -> list[str]:
    """The ids of the ``limit`` best candidates for ``wrong``, best first (ties: given order)."""
    modules: dict[str, float] = {}
    scored = [(score(wrong, c, modules), index, c.id) for index, c in enumerate(candidates)]
    best = sorted((-s, index, i) for s, index, i in scored if s > 0)
    return [i for _, _, i in best[:limit]]


def closest_words(word: str, vocabulary: Iterable[str], limit: int = 1) -> list[str]:
    """The words of ``vocabulary`` that ``word`` most likely misspells (``custmer``: customer)."""
    import difflib

    return difflib.get_close_matches(word.casefold(), sorted(set(vocabulary)), limit, 0.75)
