"""What a person does after ``magegen new`` wrote modules: enable, upgrade, activate, call."""

from __future__ import annotations

from collections.abc import Sequence

from generator.spec.model import ModuleSpec


def next_steps(specs: Sequence[ModuleSpec]) -> list[str]:
    """The lines that tell what comes next for the modules ``specs`` describe."""
    names = " ".join(spec.name for spec in specs)
    lines = [
        "Next, from the Magento root:",
        f"  bin/magento module:enable {names}",
        "  bin/magento setup:upgrade",
    ]
    if any(spec.integrations for spec in specs):
        lines += [
            "Then activate each integration in the admin: System > Extensions > Integrations, "
            "Activate, Allow; it shows the tokens.",
            "Since Magento 2.4.4 an integration's access token is refused as a Bearer token "
            "unless Stores > Configuration > Services > OAuth > Consumer Settings allows it; "
            "or sign each request with OAuth 1.0a.",
        ]
    return lines
