"""Text made safe for the Markdown of review comments, and ACL titles for reports."""

from __future__ import annotations

from generator.errors import shown
from generator.magento.acl import AclCatalog


CELL_LIMIT = 1000  # characters of one cell or line: a value read from a file may be megabytes


def cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell or line: no markup, no line break, no other
    control character or line separator (escaped as ``shown`` escapes them), and shortened."""
    return (
        shown(text, limit=CELL_LIMIT)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def title(acl: AclCatalog, resource_id: str) -> str | None:
    """The title of ``resource_id`` in ``acl``; None when the catalog does not know it."""
    resource = acl.get(resource_id)
    return resource.title if resource else None
