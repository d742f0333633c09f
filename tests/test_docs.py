"""The README and the manual (docs/) say what magegen does: their specs generate, the ERP example's
calls match its grant, the signing code signs as OAuth 1.0a does, and the starter spec explains
every key."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from generator.spec import format as spec_format
from tests.conftest import REPO
from tests.docs_kit import code_blocks, page

SPEC_KEYS = ("integrations", "acl")


def documented_specs() -> list[tuple[str, str]]:
    """Every yaml block of the README and the manual that is a spec (it has integrations or acl)."""
    found = []
    for where, block in code_blocks("yaml"):
        data = yaml.safe_load(block)
        if isinstance(data, dict) and any(key in data for key in SPEC_KEYS):
            found.append((where, block))
    return found


SPECS = documented_specs()


def test_the_pages_hold_specs() -> None:
    pages = {where for where, _ in SPECS}
    assert {"README.md", "docs/spec.md", "docs/erp-example.md", "docs/rest.md"} <= pages


def write_spec(folder: Path, text: str, run_cli: Callable[..., Result], magento: Path) -> Path:
    """``text`` saved as a spec in ``folder``, with the store catalog its ``catalog:`` names."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    catalog = yaml.safe_load(text).get("catalog")
    if catalog:
        made = run_cli("catalog", "--magento-root", magento, "-o", folder / catalog)
        assert made.exit_code == 0, made.stderr
    return spec


@pytest.mark.parametrize(
    ("where", "block"), SPECS, ids=[f"{where}#{i}" for i, (where, _) in enumerate(SPECS)]
)
def test_every_documented_spec_generates(
    where: str, block: str, tmp_path: Path, run_cli: Callable[..., Result], magento_data: Path
) -> None:
    """A spec shown in the docs is a real spec: `magegen new` writes its module, exit 0."""
    spec = write_spec(tmp_path, block, run_cli, magento_data)
    named = "name" in yaml.safe_load(block)
    args = () if named else ("Acme/DocExample",)
    result = run_cli("new", *args, spec, "-o", tmp_path / "module")
    assert result.exit_code == 0, f"{where}: {result.stderr}"
    assert (tmp_path / "module" / "etc" / "module.xml").is_file()


# The ERP example: the calls it says work must be open to the integration, the others not.


def erp_calls() -> list[tuple[str, str, bool]]:
    """(method, url, allowed) for each curl call of the ERP example."""
    blocks = code_blocks("sh", (page("erp-example.md"),))
    (block,) = [b for _, b in blocks if "curl" in b]
    calls = []
    for line in block.replace("\\\n", " ").splitlines():
        if not line.startswith("curl "):
            continue
        command, _, verdict = line.partition("#")
        words = shlex.split(command)
        method = words[words.index("-X") + 1] if "-X" in words else "GET"
        (url,) = [w for w in words if "/rest/" in w]
        url = url.replace("$STORE", "https://shop.example")
        calls.append((method, url, verdict.strip() == "allowed"))
    assert len(calls) >= 6
    return calls


def test_the_erp_example_calls_match_its_grant(
    tmp_path: Path, run_cli: Callable[..., Result], magento_data: Path
) -> None:
    (spec_text,) = [b for where, b in SPECS if where == "docs/erp-example.md"]
    spec = write_spec(tmp_path, spec_text, run_cli, magento_data)
    listed = run_cli("routes", "--spec", spec, "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    (integration,) = json.loads(listed.stdout)["integrations"]
    open_routes = {(r["method"], r["url"]) for r in integration["routes"]}
    calls = erp_calls()
    assert {allowed for _, _, allowed in calls} == {True, False}
    for method, url, allowed in calls:
        found = run_cli("routes", f"{method} {url}", "--format", "json")
        assert found.exit_code == 0, found.stderr
        (route,) = json.loads(found.stdout)["routes"]
        assert ((route["method"], route["url"]) in open_routes) is allowed, (method, url)


# The OAuth 1.0a signing code of the REST page.


def signing_code() -> dict[str, object]:
    (code,) = [b for where, b in code_blocks("python") if "def signature_base" in b]
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/rest.md", "exec"), namespace)
    return namespace


def test_the_signing_code_gives_rfc_5849s_worked_example() -> None:
    """RFC 5849, section 1.2: the photos request, its base string and its HMAC-SHA1 signature."""
    code = signing_code()
    params = {
        "oauth_consumer_key": "dpf43f3p2l4k3l03",
        "oauth_token": "nnch734d00sl2jdk",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "137131202",
        "oauth_nonce": "chapoH",
    }
    url = "http://photos.example.net/photos?file=vacation.jpg&size=original"
    base = code["signature_base"]("GET", url, params)
    assert base == (
        "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key"
        "%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1"
        "%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
    )
    signature = code["sign"](base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", hashlib.sha1)
    assert signature == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


def test_the_signing_code_signs_with_hmac_sha256() -> None:
    code = signing_code()
    url = "https://shop.example/rest/default/V1/orders?searchCriteria[pageSize]=1"
    header = code["authorization"]("GET", url, "ck", "cs", "tk", "ts")
    fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
    assert fields["oauth_signature_method"] == "HMAC-SHA256"
    signed = {k: v for k, v in fields.items() if k != "oauth_signature"}
    base = code["signature_base"]("GET", url, signed)
    encoded = code["encode"](code["sign"](base, "cs", "ts"))
    assert fields["oauth_signature"] == encoded
    assert len(code["sign"](base, "cs", "ts")) == 44  # 32 bytes of SHA-256, in base64


# The README is the front door.

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_short_and_starts_with_the_set_up_commands() -> None:
    assert len(README.splitlines()) <= 300
    first = README.split("```sh\n", 1)[1].split("```", 1)[0]
    assert first.startswith("pip install . && magegen new Beehexa/IntegrationManager")
    assert "pip install -e '.[test]' && python -m pytest -q" in first
    assert first in page("install.md").read_text(encoding="utf-8")


def test_the_readme_links_into_the_manual() -> None:
    links = re.findall(r"\]\((docs/[^)#]+)", README)
    assert len(set(links)) >= 15
    for link in links:
        assert (REPO / link).is_file(), link


# magegen init's starter explains every key of the format.


def keys_in(section: spec_format.Section) -> set[str]:
    return set(section.keys())


@pytest.mark.parametrize(
    ("where", "section"),
    [
        ("top", spec_format.SPEC),
        ("module", spec_format.MODULE),
        ("composer", spec_format.COMPOSER),
        ("integrations[]", spec_format.INTEGRATION),
        ("acl[]", spec_format.ACL_ENTRY),
    ],
)
def test_the_starter_explains_every_key(
    where: str, section: spec_format.Section, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "magegen.yaml"
    assert run_cli("init", "--name", "Acme/Erp", spec).exit_code == 0
    written = set(re.findall(r"^[ #-]*([A-Za-z_]+):", spec.read_text(), re.MULTILINE))
    written |= set(re.findall(r"[{,] *([A-Za-z_]+):", spec.read_text()))
    missing = keys_in(section) - written
    assert not missing, f"{where}: {sorted(missing)}"
