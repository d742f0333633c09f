"""Which PHP file of a module names which other, through the classes they declare: the code a
running setup class names runs too (see ``generator.magento.setupcode``)."""

from __future__ import annotations

from generator.magento.phpclasses import PhpClasses, generated_from


class FileReferences:
    """Which file of the module names which other (through the classes they declare)."""

    def __init__(self, files: dict[str, PhpClasses]) -> None:
        owner = {
            name.casefold(): relative
            for relative, found in files.items()
            for _, name in found.declared
        }
        self.names: dict[str, set[str]] = {}
        self.named_by: dict[str, set[str]] = {relative: set() for relative in files}
        for relative, found in files.items():
            targets: set[str] = set()
            if _may_name(found, [name for name, at in owner.items() if at != relative]):
                named = (owner.get(generated_from(name)) for name in found.references())
                targets = {t for t in named if t is not None and t != relative}
            self.names[relative] = targets
            for target in targets:
                self.named_by[target].add(relative)

    def reached(self, start: list[str]) -> set[str]:
        """``start`` and every file it names, transitively."""
        seen, todo = set(start), list(start)
        while todo:
            for target in self.names.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    def unreferenced_outside_setup(self) -> list[str]:
        """Files outside Setup/ that no other file names: Magento may reach them from XML
        (di.xml, events.xml, a route), so they may run."""
        return [r for r, by in self.named_by.items() if not by and not r.startswith("Setup/")]


MAX_PRECHECKED = 16  # classes of other files looked for as text before reading references


def _may_name(found: PhpClasses, others: list[str]) -> bool:
    """False when ``found`` cannot name any class of ``others`` (case folded, fully qualified)
    nor a factory or proxy of one: reading its references would find none of them.

    A name the file refers to is made of its code's and strings' text joined by backslashes
    (its namespace, a ``use``, the name as written), so each of those classes' last part, the
    one a factory or proxy keeps too, is in that text, case folded, if the file names it.
    """
    if not others:
        return False
    if len(others) > MAX_PRECHECKED:
        return True  # many classes: reading the references is cheaper than looking for each
    php = found.php
    text = "\n".join([php.code, *(v for _, v in php.literals.values() if v is not None)])
    text = text.casefold()
    return any(name.rpartition("\\")[2] in text for name in others)
