"""Write ``generator/magento/data/releases/defaults.json``: the default target releases, chosen
and their modules merged once, with magegen's own code, so that ``new`` need not do it at every
start (see ``generator.magento.defaults``).

    python scripts/build_defaults.py

``scripts/build_releases.py`` runs it after writing the tables. Run it yourself after changing
``data/lines.json``: until then magegen ignores the stored file (the files it was computed from
changed) and computes the default targets at every start, and tests/test_target_unions.py fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.magento.defaults import FILE, digest, encode_defaults  # noqa: E402
from generator.magento.lines import line_facts  # noqa: E402
from generator.magento.releases import DATA  # noqa: E402
from generator.magento.targetset import merged_modules, select_releases  # noqa: E402


def defaults_text() -> str:
    """defaults.json as magegen computes it from the bundled tables and line facts."""
    constraint = line_facts().default_targets
    targets = select_releases(constraint, notes=False)
    return encode_defaults(constraint, targets, merged_modules(targets.names), digest(DATA))


def main() -> int:
    text = defaults_text()
    (DATA / FILE).write_text(text, encoding="utf-8")
    print(f"{DATA / FILE}: {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
