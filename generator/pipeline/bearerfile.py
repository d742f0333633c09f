"""The one file ``bearer_tokens: true`` writes, ``etc/config.xml``, and a module's own.

A module's etc/config.xml usually holds its own settings (carriers, payment methods, defaults
of its admin fields). magegen writes the file only for ``bearer_tokens: true`` and holds it as
its own only when its bytes are exactly what magegen renders: a hand-written or edited file is
never replaced, and never called a file magegen generated before.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problem, SpecError
from generator.magento.configxml import CONFIG_XML
from generator.magento.files import inside_tree, read_capped
from generator.spec.model import ModuleSpec

TEMPLATE = "etc/config.xml.j2"


def is_own_config(target: Path) -> bool:
    """Whether the target's etc/config.xml is exactly the file magegen renders for Bearer."""
    from generator.pipeline.render import environment

    if not inside_tree(target, CONFIG_XML):
        return False
    content = read_capped(target / CONFIG_XML)
    rendered = environment(True).get_template(TEMPLATE).render({}).encode("utf-8")
    return content == rendered


def hand_written_config(target: Path) -> bool:
    """Whether the target holds an etc/config.xml (of any kind) that is not magegen's own."""
    path = target / CONFIG_XML
    present = path.exists() or path.is_symlink()
    return present and not is_own_config(target)


def refuse_replacing(spec: ModuleSpec, target: Path, spec_path: str, rendered: bytes) -> None:
    """SpecError when ``bearer_tokens: true`` would replace a hand-written etc/config.xml."""
    if not spec.bearer_tokens or not hand_written_config(target):
        return
    if inside_tree(target, CONFIG_XML) and read_capped(target / CONFIG_XML) == rendered:
        return  # already what the spec renders (a custom template's output, say)
    message = (
        f"{target / CONFIG_XML} exists and is not the file magegen writes: bearer_tokens: true "
        "would replace it and every setting in it; add "
        "<default><oauth><consumer><enable_integration_as_bearer>1</enable_integration_as_bearer>"
        "</consumer></oauth></default> to it yourself and drop bearer_tokens, or move the file "
        "away first"
    )
    raise SpecError([Problem(spec_path, message, field="bearer_tokens")])
