"""Red-team findings: hostile variants of issue 10's inputs, each reproduced in one test.

A finding still open is marked ``xfail(strict=True)``: the test states what magegen should do,
fails today, and turns the suite red the day it is fixed without the mark being removed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_SPEC, REPO
from tests.validate_kit import (
    API,
    CONFIG,
    EXAMPLE_NAME,
    Runner,
    assert_no_traceback,
    edit,
    new_module,
    write,
)

ALL = "Magento_Backend::all"
NAME = "testIntegration2"


def pair(run_cli: Runner, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the example module: the old side and the one to change."""
    old = new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new = new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    return old, new


def granted(run_cli: Runner, old: Path, new: Path) -> dict[str, list[str]]:
    """What acl-diff says each integration of ``new`` gains over ``old``."""
    result = run_cli("acl-diff", old, new, "--format", "json")
    assert_no_traceback(result)
    assert result.exit_code in (0, 1), result.stderr
    document = json.loads(result.stdout)  # an object when warnings or notes come with it
    changes = document["integrations"] if isinstance(document, dict) else document
    return {c["name"]: [g["id"] for g in c["granted"]] for c in changes}


# api.xml files whose namespaced elements and attributes PHP's DOM reads like plain ones:
# getElementsByTagName('resource') matches by local name, getNamedItem('name') takes the first
# attribute whose local name is "name", in any namespace.
NAMESPACED_API = {
    "prefixed integration": (
        '<integrations xmlns:x="urn:x"><x:integration name="{n}"><resources>'
        '<resource name="{a}"/></resources></x:integration></integrations>'
    ),
    "prefixed resource": (
        '<integrations xmlns:x="urn:x"><integration name="{n}"><resources>'
        '<x:resource name="{a}"/></resources></integration></integrations>'
    ),
    "namespaced name attribute": (
        '<integrations xmlns:x="urn:x"><integration name="{n}"><resources>'
        '<resource x:name="{a}"/></resources></integration></integrations>'
    ),
    "namespaced name before the plain one": (
        '<integrations xmlns:x="urn:x"><integration name="{n}"><resources>'
        '<resource x:name="{a}" name="Magento_Sales::sales"/></resources></integration>'
        "</integrations>"
    ),
    "namespaced integration name": (
        '<integrations xmlns:x="urn:x"><integration x:name="{n}"><resources>'
        '<resource name="{a}"/></resources></integration></integrations>'
    ),
}


@pytest.mark.parametrize("shape", sorted(NAMESPACED_API))
def test_a_namespaced_grant_is_shown(run_cli: Runner, tmp_path: Path, shape: str) -> None:
    old, new = pair(run_cli, tmp_path)
    write(new / API, NAMESPACED_API[shape].format(n=NAME, a=ALL))
    assert ALL in granted(run_cli, old, new)[NAME]


# PHP reading the same files the way Magento's api.xml converter does.
PHP_API_READER = r"""<?php
$document = new DOMDocument();
$document->loadXML(file_get_contents($argv[1]));
$out = [];
foreach ($document->getElementsByTagName('integration') as $integration) {
    $name = $integration->attributes->getNamedItem('name')->nodeValue;
    $out[$name] = [];
    foreach ($integration->getElementsByTagName('resource') as $resource) {
        $out[$name][] = $resource->attributes->getNamedItem('name')->nodeValue;
    }
}
echo json_encode($out);
"""


@pytest.mark.parametrize("shape", sorted(NAMESPACED_API))
def test_php_grants_what_acl_diff_shows(
    run_cli: Runner, tmp_path: Path, php: str, shape: str
) -> None:
    old, new = pair(run_cli, tmp_path)
    write(new / API, NAMESPACED_API[shape].format(n=NAME, a=ALL))
    reader = write(tmp_path / "reader.php", PHP_API_READER)
    done = subprocess.run([php, reader, new / API], capture_output=True, text=True, check=True)
    by_php = json.loads(done.stdout)
    shown = granted(run_cli, old, new)
    for name, resources in by_php.items():
        assert set(resources) <= set(shown.get(name, [])) | {"Magento_Sales::sales"}


WEBAPI_XML = """<?xml version="1.0"?>
<routes>
    <route url="/V1/redteam/ping" method="GET">
        <service class="Acme\\Evil\\Api\\PingInterface" method="ping"/>
        <resources><resource ref="anonymous"/></resources>
    </route>
</routes>
"""


def test_routes_magento_root_caps_webapi_xml(
    run_cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # routes --magento-root read every webapi.xml whole (a link to a 3 GB file: MemoryError, 70).
    monkeypatch.setattr("generator.magento.files.MAX_FILE_BYTES", 200)
    etc = tmp_path / "root" / "app" / "code" / "Acme" / "Evil" / "etc"
    write(etc / "module.xml", '<config><module name="Acme_Evil"/></config>')
    write(etc / "webapi.xml", WEBAPI_XML)
    result = run_cli("routes", "--magento-root", tmp_path / "root", "GET /V1/redteam/ping")
    assert_no_traceback(result)
    assert "/V1/redteam/ping" not in result.stdout
    assert "webapi.xml: warning: skipped: cannot be read" in result.stderr


def magegen(
    *args: str | os.PathLike[str], cwd: Path, memory: int = 2 << 30
) -> subprocess.CompletedProcess[str]:
    """magegen in a subprocess with ``memory`` bytes of address space and 30 s: a hang or an
    unbounded read fails the test instead of the machine."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=limit,
    )


@pytest.mark.parametrize("kind", ["pipe", "link to /dev/zero"])
def test_new_inside_a_module_with_a_special_module_xml(tmp_path: Path, kind: str) -> None:
    # new's wrong-folder check read ./etc/module.xml unbounded: a pipe hung the run for ever,
    # a link to /dev/zero ended in MemoryError and exit 70.
    here = write(tmp_path / "here" / "registration.php", "<?php\n").parent
    (here / "etc").mkdir()
    if kind == "pipe":
        os.mkfifo(here / "etc" / "module.xml")
    else:
        (here / "etc" / "module.xml").symlink_to("/dev/zero")
    done = magegen("new", EXAMPLE_NAME, EXAMPLE_SPEC, "--dry-run", cwd=here)
    assert done.returncode == 2, done.stderr
    assert "is a module (it has etc/module.xml or registration.php)" in done.stderr
    assert "Traceback" not in done.stderr


def test_magento_root_composer_json_pipe(run_cli: Runner, tmp_path: Path) -> None:
    # --magento-root opened every module's composer.json, a named pipe too: the run hung.
    old, new = pair(run_cli, tmp_path)
    module = tmp_path / "root" / "app" / "code" / "Acme" / "Evil"
    write(module / "etc" / "module.xml", '<config><module name="Acme_Evil"/></config>')
    os.mkfifo(module / "composer.json")
    done = magegen("acl-diff", old, new, "--magento-root", tmp_path / "root", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


# One call in C that builds a string of gigabytes: the time bound cannot interrupt it and the
# output bound sees it only once it is built. Without a memory limit each of these ran for
# over a minute and took 12 GB or more; the child that renders custom templates now runs out of
# memory first (generator/sandbox/fork.py).
HUGE_IN_ONE_CALL = {
    "center filter": '{{ "x"|center(2000000000) }}',
    "replace filter": '{{ ("x" * 1000000)|replace("x", "y" * 100000) }}',
    "percent width": '{{ "%2000000000d" % 1 }}',
    "repeated list joined": '{{ (["x" * 1000000] * 1000)|join }}',
    "indent filter": '{{ "x\\n" | indent(2000000000) }}',
    "format method": '{{ "{:>2000000000}".format(1) }}',
    "zfill method": '{{ "1".zfill(2000000000) }}',
    "expandtabs method": '{{ ("\\t" * 1000000).expandtabs(100000) }}',
    "format filter": '{{ "%2000000000s" | format("x") }}',
}


@pytest.mark.parametrize("shape", sorted(HUGE_IN_ONE_CALL))
def test_a_template_building_gigabytes_in_one_call_is_refused_cleanly(
    tmp_path: Path, shape: str
) -> None:
    write(tmp_path / "t" / "etc" / "module.xml.j2", HUGE_IN_ONE_CALL[shape])
    done = magegen(
        "new",
        EXAMPLE_NAME,
        EXAMPLE_SPEC,
        "-o",
        "out",
        "--templates",
        "t",
        cwd=tmp_path,
        memory=1 << 30,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "t/etc/module.xml.j2:1: error: template error: needs more than 256 MiB of memory "
        "(the bound for this spec; see README, Templates)\n"
    )
    assert not (tmp_path / "out").exists()


def assert_lines_are_whole(text: str, marker: str = "INJECTED") -> None:
    """No line starts with the marker a file injected, nor holds a raw line separator."""
    for line in text.split("\n"):
        assert not line.lstrip(" |>*-`'").startswith(marker), line
    assert not {"\r", "\x85", "\u2028", "\u2029"} & set(text)


def test_acl_diff_text_warning_shows_the_name_escaped(run_cli: Runner, tmp_path: Path) -> None:
    # The "add a new data patch ... processIntegrationConfig(['NAME'])" warning printed the name
    # raw: a name holding &#10; forged a line in acl-diff's text output.
    old, new = pair(run_cli, tmp_path)
    for side in (old, new):
        for relative in (API, CONFIG):
            edit(side / relative, f'name="{NAME}"', f'name="{NAME}&#10;INJECTED"')
    edit(new / API, '<resource name="Magento_Customer::customer"/>', "")
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1
    assert "processIntegrationConfig(['testIntegration2\\nINJECTED'])" in result.stdout
    assert_lines_are_whole(result.stdout)


@pytest.mark.parametrize("separator", ["&#x2028;", "&#x85;", "&#13;"])
def test_acl_diff_markdown_escapes_line_separators(
    run_cli: Runner, tmp_path: Path, separator: str
) -> None:
    # Markdown's cell() replaced only \r and \n: U+2028 and NEL in an email went out raw.
    old, new = pair(run_cli, tmp_path)
    edit(new / CONFIG, "hexasync@beehexa.com", f"x@y.example{separator}INJECTED")
    result = run_cli("acl-diff", old, new, "--format", "markdown")
    assert result.exit_code == 1
    assert_lines_are_whole(result.stdout)


def test_acl_diff_shortens_a_long_email(run_cli: Runner, tmp_path: Path) -> None:
    old, new = pair(run_cli, tmp_path)
    edit(new / CONFIG, "hexasync@beehexa.com", "x@y.example" + "a" * 100_000)
    for output_format in ("text", "markdown"):
        result = run_cli("acl-diff", old, new, "--format", output_format)
        assert result.exit_code == 1
        assert max(len(line) for line in result.stdout.splitlines()) < 400


def test_routes_of_a_module_show_its_integration_name_escaped(
    run_cli: Runner, tmp_path: Path
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    for relative in (API, CONFIG):
        edit(module / relative, f'name="{NAME}"', f'name="{NAME}&#10;INJECTED"')
    result = run_cli("routes", module)
    assert result.exit_code == 0, result.stderr
    assert "testIntegration2\\nINJECTED: " in result.stdout
    assert_lines_are_whole(result.stdout)


HOSTILE_WEBAPI = """<?xml version="1.0"?>
<routes>
    <route url="/V1/evil&#10;INJECTED ::warning::forged" method="GET">
        <service class="Acme\\Evil\\Api\\PingInterface" method="ping"/>
        <resources><resource ref="Magento_Sales::sales&#10;INJECTED"/></resources>
    </route>
    <route url="/V1/evil2" method="GET&#x2028;INJECTED">
        <service class="Acme\\Evil\\Api\\PingInterface" method="ping"/>
        <resources><resource ref="Magento_Sales::sales"/></resources>
    </route>
</routes>
"""


@pytest.mark.parametrize("query", ["evil", "GET /V1/evil2", "/V1/evil2"])
def test_routes_from_a_magento_root_are_shown_escaped(
    run_cli: Runner, tmp_path: Path, query: str
) -> None:
    etc = tmp_path / "root" / "app" / "code" / "Acme" / "Evil" / "etc"
    write(etc / "module.xml", '<config><module name="Acme_Evil"/></config>')
    write(etc / "webapi.xml", HOSTILE_WEBAPI)
    result = run_cli("routes", "--magento-root", tmp_path / "root", query)
    assert_no_traceback(result)
    assert "INJECTED" in result.stdout + result.stderr
    assert_lines_are_whole(result.stdout + result.stderr)


HOSTILE_ACL = """<?xml version="1.0"?>
<config><acl><resources><resource id="Magento_Backend::admin">
<resource id="Acme_Evil::thing" title="Thing&#10;INJECTED"/>
<resource id="Acme_Evil::x&#10;INJECTED" sortOrder="a"/>
</resource></resources></acl></config>
"""


def hostile_root(tmp_path: Path) -> Path:
    """A Magento root whose modules' acl.xml and module.xml carry injected lines."""
    code = tmp_path / "root" / "app" / "code" / "Acme"
    write(code / "Evil" / "etc" / "module.xml", '<config><module name="Acme_Evil"/></config>')
    write(code / "Evil" / "etc" / "acl.xml", HOSTILE_ACL)
    write(code / "Bad" / "etc" / "module.xml", '<config><module name="Ac&#10;INJECTED"/></config>')
    return tmp_path / "root"


def test_acl_titles_from_a_magento_root_are_shown_escaped(run_cli: Runner, tmp_path: Path) -> None:
    root = hostile_root(tmp_path)
    result = run_cli("acl", "--magento-root", root, "Acme_Evil::thing")
    assert result.exit_code == 0, result.stderr
    assert_lines_are_whole(result.stdout)
    old, new = pair(run_cli, tmp_path)
    edit(new / API, "Magento_Customer::customer", "Acme_Evil::thing")
    result = run_cli("acl-diff", old, new, "--magento-root", root)
    assert "Thing\\nINJECTED" in result.stdout
    assert_lines_are_whole(result.stdout)


def test_magento_root_warnings_are_one_line(run_cli: Runner, tmp_path: Path) -> None:
    # MG110 warnings quoted module names and ACL ids from the installation's files raw.
    root = hostile_root(tmp_path)
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    result = run_cli("validate", module, "--no-php", "--magento-root", root)
    assert "is not a module name [MG110]" in result.stdout + result.stderr
    assert_lines_are_whole(result.stdout + result.stderr)


def test_a_composer_json_of_escaped_quotes_is_read_in_linear_time(
    run_cli: Runner, tmp_path: Path
) -> None:
    # The depth check rescanned an unterminated string from every later quote: 40 KB took
    # 9 s, this 200 KB file about 4 minutes, a file at the 8 MiB cap days.
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    (module / "composer.json").write_text('"' + '\\"' * 100_000, encoding="utf-8")
    done = magegen("validate", module, "--no-php", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "composer.json" in done.stdout + done.stderr
