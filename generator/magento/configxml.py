"""A module's etc/config.xml, as far as calling the REST API goes: whether it lets integration
access tokens be used as standalone Bearer tokens.

Since 2.4.4 Magento refuses an integration's access token sent as ``Authorization: Bearer``
unless ``oauth/consumer/enable_integration_as_bearer`` is 1; a module's config.xml default can
set it, store-wide.
"""

from __future__ import annotations

from lxml import etree

from generator.magento.xml import parse_untrusted

CONFIG_XML = "etc/config.xml"
BEARER_PATH = "default/oauth/consumer/enable_integration_as_bearer"


def bearer_in(document: etree._ElementTree | etree._Element) -> bool:
    """Whether a parsed etc/config.xml turns integration tokens into Bearer tokens (the default
    scope's flag is 1)."""
    root = document.getroot() if isinstance(document, etree._ElementTree) else document
    return any((e.text or "").strip() == "1" for e in root.iterfind(BEARER_PATH))


def bearer_in_text(content: bytes | str | None) -> bool:
    """``bearer_in`` for the bytes of an etc/config.xml; False when absent or not XML."""
    if content is None:
        return False
    raw = content.encode("utf-8") if isinstance(content, str) else content
    document, _ = parse_untrusted(raw, CONFIG_XML)
    return document is not None and bearer_in(document)
