"""Magento's and Composer's rules for the values a spec holds.

Each ``check_*`` function returns None for a good value, or a message saying what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit

from generator.magento.collation import integration_name_key  # noqa: F401 - a rule of names
from generator.patterns import lazy

# module.xsd: [A-Z]+[A-Za-z0-9]{1,}_[A-Z]+[A-Z0-9a-z]{1,}, i.e. two parts like this one.
MODULE_PART = lazy(r"[A-Z][A-Za-z0-9]+")
MODULE_NAME = lazy(r"[A-Z][A-Za-z0-9]+_[A-Z][A-Za-z0-9]+")
# module.xsd's setupVersion.
# module.xsd allows [0-9.]+; a spec asks for the sensible part of that: 1, 1.0, 2.4.1 ...
SETUP_VERSION = lazy(r"[0-9]+(?:\.[0-9]+)*")


def _any_case(word: str) -> str:
    """``word`` matched in any case, spelled so that Python and JSON Schema (ECMA-262) agree."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


# A version as Composer accepts it in composer.json: its schema wants a start like ``v1.2`` or
# ``dev-``, and VersionParser::normalize must read it: 1.0, v2.4.1.3, 2.2.0-dev, 1.0.0-beta.2,
# 1.0-RC, 100.4.4-p1, 1.x-dev, 20240101, dev-main, 1.0.0+build, 1.0@beta, 1.0 as 2.0 ...
_MODIFIER = (
    "[._-]?(?:(?:"
    + "|".join(map(_any_case, ("stable", "beta", "b", "RC", "alpha", "a", "patch", "pl", "p")))
    # Composer's (?:[.-]?\d+)*+ without its possessive +, written so that no digit can be
    # matched two ways: as Composer spells it, Python would backtrack for ever on many digits.
    + f")(?:[.-]?[0-9])*)?(?:[.-]?{_any_case('dev')})?"
)
_CLASSICAL = rf"v?[0-9]{{1,5}}(?:\.[0-9]+){{0,3}}{_MODIFIER}"
_DATE = rf"v?[0-9]{{4}}(?:[.:-]?[0-9]{{2}}){{1,6}}(?:[.:-]?[0-9]{{1,3}})?{_MODIFIER}"
_NUMERIC_BRANCH = rf"v?[0-9]+(?:\.(?:[0-9]+|[xX*])){{0,3}}[.-]?{_any_case('dev')}"
_FLAG = "(?:@(?:" + "|".join(map(_any_case, ("stable", "RC", "beta", "alpha", "dev"))) + "))?"
_RELEASE = f"(?:{_CLASSICAL}|{_DATE}|{_NUMERIC_BRANCH})"
VERSION_PATTERN = (
    rf"{_RELEASE}(?:\+[^\s,]+)?{_FLAG} +as +[^,\s]+"  # an alias: "1.0 as 2.0"
    rf"|{_RELEASE}(?:\+\S+)?{_FLAG}"  # build metadata, stability flag
    r"|dev-[^\x00-\x1f\x7f]*"  # a branch
)
_PLAIN_VERSION = lazy(r"v?[0-9]{1,5}(?:\.[0-9]+){0,3}")  # 1.0.1: within VERSION_PATTERN


@cache
def version_pattern() -> re.Pattern[str]:
    """Composer's version rule, compiled when first needed: it is large, and costs start-up."""
    return re.compile(VERSION_PATTERN)


# Composer's package name rule (composer/composer's ValidatingArrayLoader).
COMPOSER_NAME = lazy(r"[a-z0-9](?:[_.-]?[a-z0-9]+)*/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]+)*")
# A subset of Composer's version-constraint grammar: exact and wildcard versions, ~ and ^,
# comparisons, hyphen ranges, dev branches and stability flags, joined by spaces, commas and ||.
_V = (
    # up to four numbers, or up to three and a wildcard last (1.0.*, 1.x)
    r"v?\d{1,5}(?:(?:\.\d+){0,3}|(?:\.\d+){0,2}\.[*xX])"
    r"(?:-?(?:alpha|beta|RC|rc|a|b|patch|pl|p|dev|stable)(?:\.?\d+)?)?"
    r"(?:@(?:dev|alpha|beta|RC|stable))?"
)
_TERM = (
    rf"(?:\*|(?:[~^]|>=|<=|>|<|!=|==|=)?\s*{_V}"
    r"|dev-[A-Za-z0-9._/-]+(?:@dev)?|@(?:dev|alpha|beta|RC|stable))"
)
_ALTERNATIVE = rf"(?:{_V} - {_V}|{_TERM}(?:(?:\s*,\s*|\s+){_TERM})*)"
CONSTRAINT_PATTERN = rf"\s*{_ALTERNATIVE}(?:\s*\|\|?\s*{_ALTERNATIVE})*\s*"


@cache
def _constraint() -> re.Pattern[str]:
    """The constraint grammar, compiled when first needed: it is large, and most specs have none."""
    return re.compile(CONSTRAINT_PATTERN)


# Platform requirements Composer knows: php, extensions, system libraries, its own APIs.
PLATFORM_PACKAGE = lazy(
    r"php(?:-64bit|-ipv6|-zts|-debug)?|hhvm|ext-[A-Za-z0-9_.-]+|lib-[A-Za-z0-9_.-]+"
    r"|composer(?:-plugin|-runtime)?-api"
)
# An ACL resource id, e.g. Magento_Sales::reorder.
RESOURCE_ID = lazy(r"[A-Z][A-Za-z0-9]*_[A-Za-z0-9]+::[A-Za-z0-9_]+")
# acl.xsd's typeId, without its nested repetition (the same strings): an id an acl.xml declares.
ACL_ID = lazy(r"[A-Z][A-Za-z0-9]+_[A-Z][A-Za-z0-9]+::[A-Za-z0-9_]+")
# acl.xsd's typeTitle: 3 to 50 characters.
ACL_TITLE_LENGTH = (3, 50)
# xs:int, acl.xsd's sortOrder.
XS_INT = (-(2**31), 2**31 - 1)
# config.xsd's emailType, anchored as XSD patterns are.
EMAIL = lazy(r"[^@]+@[^.]+\..+")

BAD_PERCENT = lazy(r"%(?![0-9A-Fa-f]{2})")
_SURROGATE = lazy("[\ud800-\udfff]")
_CONTROL = lazy("[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc category, exactly
_NONCHARACTER = lazy("[\ufffe\uffff]")
_BEYOND_BMP = lazy("[\U00010000-\U0010ffff]")
_SPACE = lazy(r"\s")

# Magento's integration table keeps name, email, endpoint and identity_link_url as varchar(255).
MAX_COLUMN_CHARS = 255
# The longest line Magento's coding standard lets pass (Generic.Files.LineLength in Magento2).
MAX_LINE_COLUMNS = 120


def check_module_part(value: str) -> str | None:
    """Vendor or module part of a module name."""
    if MODULE_PART.fullmatch(value):
        return None
    return (
        f"{shown(value)} is not a valid Magento name part: it must start with A-Z, "
        "then letters and digits only, at least 2 characters"
    )


def module_name_parts(name: str) -> tuple[str, str] | str:
    """``Vendor/Module`` or ``Vendor_Module`` as (vendor, module), or what is wrong with it."""
    parts = name.split("/" if "/" in name else "_")
    if len(parts) != 2:
        return f"{shown(name)} must be Vendor/Module or Vendor_Module, e.g. Acme/Erp"
    return parts[0], parts[1]


# The module a spec's ``name:`` key names, either way of writing it.
SPEC_MODULE_NAME = lazy(r"[A-Z][A-Za-z0-9]+[/_][A-Z][A-Za-z0-9]+")


def check_spec_module_name(value: str) -> str | None:
    """A spec's ``name:``: the module, Vendor/Module or Vendor_Module."""
    parts = module_name_parts(value)
    if isinstance(parts, str):
        return parts
    return next(filter(None, map(check_module_part, parts)), None)


def check_module_name(value: str) -> str | None:
    """A full module name such as Magento_Customer."""
    if MODULE_NAME.fullmatch(value):
        return None
    return (
        f"{shown(value)} is not a Magento module name (Vendor_Module, each part [A-Z][A-Za-z0-9]+)"
    )


def check_setup_version(value: str) -> str | None:
    """module.xml's setup_version."""
    if SETUP_VERSION.fullmatch(value):
        return None
    return f"{shown(value)} is not a setup_version: use digits separated by dots, like 1.0.0"


def check_class_name(value: str) -> str | None:
    """A PHP class name for generated code: a capital letter, then letters and digits."""
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", value):
        return f"{shown(value)} is not a class name (a capital letter, then letters and digits)"
    if value.lower() in PHP_RESERVED:
        return f"{shown(value)} is a PHP reserved word and cannot name a class"
    return None


# PHP's reserved words that cannot name a class (compared in lower case).
PHP_RESERVED = frozenset(
    (  # noqa: SIM905 - a word list reads better than 90 quoted strings
        "abstract and array as break callable case catch class clone const continue declare "
        "default die do echo else elseif empty enddeclare endfor endforeach endif endswitch "
        "endwhile enum eval exit extends final finally fn for foreach function global goto if "
        "implements "
        "include include_once instanceof insteadof interface isset list match namespace new or "
        "print private protected public readonly require require_once return static switch throw "
        "trait try unset use var while xor yield bool int float string false true null void "
        "iterable object mixed never parent self"
    ).split()
)


def check_version(value: str) -> str | None:
    """composer.json's version, as Composer reads it."""
    if _PLAIN_VERSION.fullmatch(value) or version_pattern().fullmatch(value):
        return None
    return f"{shown(value)} is not a version Composer accepts (e.g. 1.0.1 or 1.0.1-beta1)"


def check_composer_name(value: str) -> str | None:
    """A Composer package name."""
    if COMPOSER_NAME.fullmatch(value):
        return None
    return (
        f"{shown(value)} is not a Composer package name "
        "(vendor/package, lowercase letters, digits, '-', '_' and '.')"
    )


def check_required_package(value: str) -> str | None:
    """A key of composer.json's require: a package name or a platform requirement."""
    if PLATFORM_PACKAGE.fullmatch(value) or COMPOSER_NAME.fullmatch(value):
        return None
    return f"{shown(value)} is neither a Composer package name nor a platform package such as php"


def check_constraint(value: str) -> str | None:
    """A version constraint in composer.json's require."""
    if _constraint().fullmatch(value):
        return None
    return (
        f"{shown(value)} is not a version constraint Composer reads "
        "(e.g. 103.0.*, ^1.2, ~8.1.0||~8.2.0, >=1.0 <2.0, *)"
    )


def split_subtree(value: str) -> tuple[str, bool]:
    """``Vendor_Module::id/**`` as (``Vendor_Module::id``, True); a plain id as (id, False)."""
    if value.endswith("/**"):
        return value[:-3], True
    return value, False


def check_resource_entry(value: str) -> str | None:
    """An entry of an integration's resources: an ACL id, or an id followed by /** (a subtree)."""
    if RESOURCE_ID.fullmatch(split_subtree(value)[0]):
        return None
    return (
        f"{shown(value)} is not an ACL resource id (Vendor_Module::resource, "
        "or Vendor_Module::resource/** for it and everything below it)"
    )


def check_acl_id(value: str) -> str | None:
    """An id a module's acl.xml declares: Magento's Vendor_Module::name (acl.xsd's typeId)."""
    if ACL_ID.fullmatch(value):
        return None
    return f"{shown(value)} is not an ACL resource id Magento accepts (Vendor_Module::name)"


def check_acl_title(value: str) -> str | None:
    """An ACL resource's title: one printable line of 3 to 50 characters (acl.xsd's typeTitle)."""
    low, high = ACL_TITLE_LENGTH
    if not value.isprintable():
        return "must be one line of printable characters"
    if not low <= len(value) <= high:
        return f"must be {low} to {high} characters long (Magento's acl.xsd), got {len(value)}"
    return None


def shown(value: str) -> str:
    """``value`` quoted for a one-line message, with unprintable characters escaped."""
    return "'" + "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in value) + "'"


def has_surrogate(value: str) -> bool:
    """True when ``value`` holds a lone surrogate, which no UTF-8 file can carry."""
    return _SURROGATE.search(value) is not None


def _stored_text_problem(value: str) -> str | None:
    """Problems shared by every value Magento stores in its integration table."""
    if _CONTROL.search(value):
        return "must not contain control characters such as newlines or tabs"
    if _NONCHARACTER.search(value):
        return "must not contain the noncharacters U+FFFE or U+FFFF, which XML forbids"
    if _BEYOND_BMP.search(value):
        return (
            "holds a character outside the Basic Multilingual Plane (such as an emoji); "
            "Magento's integration table is utf8mb3 and would store it as '?'"
        )
    if len(value) > MAX_COLUMN_CHARS:
        return f"is {len(value)} characters long; Magento stores at most {MAX_COLUMN_CHARS}"
    return None


def check_integration_name(value: str) -> str | None:
    """An integration's name."""
    problem = _stored_text_problem(value)
    if problem:
        return problem
    if len(value) < 2:
        return "must be at least 2 characters long"
    invisible = next((ch for ch in value if unicodedata.category(ch) == "Cf"), None)
    if invisible is not None:
        return (
            f"holds U+{ord(invisible):04X} ({unicodedata.name(invisible, 'a format character')}),"
            " an invisible formatting character (Unicode category Cf): it makes a name look like"
            " another one in the admin"
        )
    if "'" in value:
        return (
            "must not contain an apostrophe: Magento's config merger puts the name into an "
            "XPath predicate unescaped, and setup:upgrade fails with "
            "'DOMXPath::query(): Invalid predicate'"
        )
    return None


# What Composer's schema checks accept as an author's email and homepage (ASCII only).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
COMPOSER_EMAIL = lazy(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,}}")
_URL_CHARS = r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]"
COMPOSER_URL = lazy(
    rf"https?://(?:{_LABEL}\.)*{_LABEL}(?::\d{{1,5}})?(?:/{_URL_CHARS}*)?"
    rf"(?:\?(?:{_URL_CHARS}|\?)*)?(?:#(?:{_URL_CHARS}|\?)*)?"
)


def check_author_email(value: str) -> str | None:
    """A composer.json author's email, as Composer checks it."""
    if COMPOSER_EMAIL.fullmatch(value):
        return None
    return f"{shown(value)} is not an email address Composer accepts (ASCII, name@domain.tld)"


def check_author_homepage(value: str) -> str | None:
    """A composer.json author's homepage, as Composer checks it."""
    if COMPOSER_URL.fullmatch(value):
        return None
    return f"{shown(value)} is not a URL Composer accepts (http(s), ASCII host and path)"


def check_email(value: str) -> str | None:
    """An integration's email."""
    problem = _stored_text_problem(value)
    if problem:
        return problem
    if _SPACE.search(value) or not EMAIL.fullmatch(value):
        return f"{shown(value)} is not an email address Magento accepts (name@domain.tld)"
    return None


def check_url(value: str) -> str | None:
    """An integration's endpoint or identity link URL."""
    problem = _stored_text_problem(value)
    if problem:
        return problem
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        host = None
    if not host or parts.scheme not in ("http", "https") or _SPACE.search(value):
        return f"{shown(value)} is not an http(s) URL with a host"
    # xs:anyURI (as libxml2 checks it) wants every % to start an escape, and one # at most.
    if BAD_PERCENT.search(value) or value.count("#") > 1:
        return (
            f"{shown(value)} is not a valid URL: a '%' must start an escape like %20, "
            "and a URL holds one '#' at most"
        )
    if not _is_any_uri(value):
        return f"{shown(value)} is not a valid URL (xs:anyURI, as libxml2 reads it); escape it"
    return None


@cache
def _any_uri_schema() -> object:
    from lxml import etree

    return etree.XMLSchema(
        etree.XML(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
            '<xs:element name="u" type="xs:anyURI"/></xs:schema>'
        )
    )


def _is_any_uri(value: str) -> bool:
    """Whether libxml2, which Magento's PHP reads XML with, accepts ``value`` as xs:anyURI."""
    from lxml import etree

    element = etree.Element("u")
    element.text = value
    return bool(_any_uri_schema().validate(etree.ElementTree(element)))


def kebab(name: str) -> str:
    """Magento's package-name form of a module part: IntegrationManager -> integration-manager."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()
