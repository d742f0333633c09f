"""Generated PHP and XML pass Magento's coding standard (PHP_CodeSniffer, --standard=Magento2).

A matrix of modules covers every setup style and format and every option that changes a file:
``acl:``, ``bearer_tokens``, ``retired:``, ``endpoints:``, ``parents: false``, custom patch
names, long and quoted names, many integrations with many resources. One phpcs run checks them
all. Each module must have no finding at all, except the rule set's "InstallData scripts are
obsolete" error on Setup/InstallData.php, which the tutorial's default style keeps on purpose.
A patch as magegen wrote it before (the legacy template) is checked too: it has findings, so
the check is known to see them.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.escape import php_string_wrapped
from generator.magento.phpcode import decode_php_string
from generator.magento.rules import MAX_LINE_COLUMNS
from generator.pipeline.render import environment
from generator.pipeline.sync import LEGACY_TEMPLATE, sync_patch
from generator.spec.reader import load_spec
from tests.conftest import EXAMPLE_NAME, EXAMPLE_SPEC, IN_CI
from tests.store_kit import declared_names, state, upgrade

OBSOLETE_INSTALL_DATA = (
    "Setup/InstallData.php",
    "Magento2.Legacy.InstallUpgrade.ObsoleteInstallDataScript",
)
LONG_NAME = ('Caf\u00e9 \u00dcnic\u00f8de & <sync> "quoted" \\ back $var {{ x }} ' * 8)[:255]
LONG_URL = "https://erp.acme.example/" + "a-very-long-path-segment/" * 8 + "end?tenant=1&mode=full"
# The longest setup_patch_name whose class line fits 120 columns (76 characters).
LONGEST_PATCH_NAME = "ApplyTheIntegrationsOfTheEnterpriseResourcePlanningConnectorForNorthwindABCD"
RETIRED_LONG = "Old " + "\u00e9" * 200
LONG_EMAIL = "integration.notifications." + "x" * 60 + "@erp-department.acme-industries.example"
INTEGRATION = """  - name: {name}
    email: {email}
{urls}    resources: [{resources}]
"""
ERP = INTEGRATION.format(
    name="ERP Sync",
    email="erp@acme.example",
    urls="    endpoint_url: https://erp.acme.example/cb\n",
    resources="Magento_Sales::sales",
)
BOTH_URLS = INTEGRATION.format(
    name="PIM Feed",
    email="pim@acme.example",
    urls="    endpoint_url: https://pim.acme.example/cb\n"
    "    identity_link_url: https://pim.acme.example/login\n",
    resources="Magento_Catalog::products",
)
RETIRED = "  - {name: Old Feed, retired: true}\n"
OWN_ACL = """acl:
  - id: Acme_Erp::erp
    title: Acme ERP
    children:
      - {id: Acme_Erp::erp_read, title: Read ERP}
"""
ROUTES = """  - name: Routes Only
    email: routes@acme.example
    endpoints: ["GET /V1/orders", "GET /V1/products/{sku}"]
  - name: Least Privilege
    email: least@acme.example
    parents: false
    resources: [Magento_Catalog::products, Acme_Erp::erp_read]
"""
LONG = f"""  - name: {json.dumps(LONG_NAME)}
    email: {LONG_EMAIL}
    endpoint_url: {json.dumps(LONG_URL)}
    identity_link_url: {json.dumps(LONG_URL.replace("erp.", "login."))}
    resources: [Magento_Sales::sales/**, Magento_Cart::cart]
  - name: {"Z" * 255}
    email: z@acme.example
    resources: [Magento_Customer::customer]
  - {{name: {json.dumps(RETIRED_LONG)}, retired: true}}
"""
SUBTREES = (
    "Magento_Sales::sales/**",
    "Magento_Catalog::catalog/**",
    "Magento_Customer::customer/**",
)
MANY = "".join(
    INTEGRATION.format(
        name=f"Integration {number:02}",
        email=f"integration{number}@acme.example",
        urls=f"    endpoint_url: https://acme.example/{number}\n" if number % 2 else "",
        resources=", ".join(SUBTREES[: 1 + number % 3]),
    )
    for number in range(30)
)

# case: (module name, spec text, the findings it may have)
MATRIX: dict[str, tuple[str, str, set[tuple[str, str]]]] = {
    "install-data": (
        EXAMPLE_NAME,
        EXAMPLE_SPEC.read_text(encoding="utf-8"),
        {OBSOLETE_INSTALL_DATA},
    ),
    "install-data-retired": (
        "Acme/Erp",
        "integrations:\n" + ERP + BOTH_URLS + RETIRED,
        {OBSOLETE_INSTALL_DATA},
    ),
    "install-data-all-retired": ("Acme/Erp", "integrations:\n" + RETIRED, set()),
    "data-patch-every-option": (
        "Acme/Erp",
        "setup: data-patch\nsetup_patch_name: ApplyAcmeIntegrations\nbearer_tokens: true\n"
        + OWN_ACL
        + "integrations:\n"
        + ROUTES
        + RETIRED,
        set(),
    ),
    "data-patch-nothing-cleared": (
        "Acme/Erp",
        "setup: data-patch\nintegrations:\n" + BOTH_URLS,
        set(),
    ),
    "data-patch-all-retired": ("Acme/Erp", "setup: data-patch\nintegrations:\n" + RETIRED, set()),
    "consolidated": (
        "Acme/Erp",
        "integration_format: consolidated\nbearer_tokens: true\n"
        + OWN_ACL
        + "integrations:\n"
        + ERP.replace("Magento_Sales::sales", "Acme_Erp::erp_read"),
        set(),
    ),
    "own-acl-only": ("Acme/Erp", OWN_ACL, set()),
    "long-names-install-data": (
        "NorthwindTradersInternational/EnterpriseResourcePlanningConnector",
        "integrations:\n" + LONG,
        {OBSOLETE_INSTALL_DATA},
    ),
    "long-names-data-patch": (
        "Acme/Erp",
        f"setup: data-patch\nsetup_patch_name: {LONGEST_PATCH_NAME}\nintegrations:\n" + LONG,
        set(),
    ),
    "many-integrations": ("Acme/Fleet", "setup: data-patch\nintegrations:\n" + MANY, set()),
}
# Sync patches as magegen wrote them before (the legacy template), as controls: case, spec.
LEGACY = {
    "legacy-retired": "install-data-retired",
    "legacy-nothing-cleared": "data-patch-nothing-cleared",
}


def _generate(root: Path) -> None:
    """Every module of MATRIX under ``root``/<case>, and the LEGACY controls beside them."""
    for case, (name, text, _) in MATRIX.items():
        spec = root / f"{case}.yaml"
        spec.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["new", "-q", name, str(spec), "-o", str(root / case)])
        assert result.exit_code == 0, f"{case}: {result.stderr}"
    for number, (case, spec_case) in enumerate(LEGACY.items()):
        spec = load_spec(root / f"{spec_case}.yaml", f"Acme/Legacy{number}").spec
        patch = sync_patch(spec)
        legacy = environment(False).get_template(LEGACY_TEMPLATE).render({"sync": patch})
        (root / case / patch.path).parent.mkdir(parents=True)
        (root / case / patch.path).write_text(legacy, encoding="utf-8")


# Folders the rule set exempts from some sniffs (exclude-pattern): the matrix must not be in one.
EXEMPT_FOLDERS = ("/_files/", "/Fixtures/", "/lib/", "/Test/", "/tests/")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("matrix")
    assert not any(folder in f"{root}/" for folder in EXEMPT_FOLDERS), root
    _generate(root)
    return root


@pytest.fixture(scope="module")
def findings(matrix: Path, phpcs: Path) -> dict[str, list[tuple[str, str, int, str]]]:
    """(file, sniff, line, message) of every finding, by case; one phpcs run over the matrix."""
    result = subprocess.run(
        [str(phpcs), "-q", "--standard=Magento2", "--report=json", str(matrix)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1, 2), result.stderr  # 1 and 2: findings were reported
    report = json.loads(result.stdout)
    found: dict[str, list[tuple[str, str, int, str]]] = {case: [] for case in [*MATRIX, *LEGACY]}
    checked = set()
    for file_name, entry in report["files"].items():
        case, _, relative = Path(file_name).relative_to(matrix).as_posix().partition("/")
        checked.add((case, relative))
        for message in entry["messages"]:
            found[case].append((relative, message["source"], message["line"], message["message"]))
    generated = {
        (case, path.relative_to(matrix / case).as_posix())
        for case in MATRIX
        for path in (matrix / case).rglob("*")
        if path.suffix in (".php", ".xml")
    }
    assert generated <= checked, sorted(generated - checked)
    return found


@pytest.mark.parametrize("case", sorted(MATRIX))
def test_generated_modules_pass_magentos_coding_standard(
    case: str, findings: dict[str, list[tuple[str, str, int, str]]]
) -> None:
    expected = MATRIX[case][2]
    assert {(relative, sniff) for relative, sniff, _, _ in findings[case]} == expected, findings[
        case
    ]
    assert len(findings[case]) == len(expected), findings[case]


def test_the_check_sees_what_the_earlier_patch_got_wrong(
    findings: dict[str, list[tuple[str, str, int, str]]],
) -> None:
    sniffs = {sniff for _, sniff, _, _ in findings["legacy-retired"]}
    assert "Generic.Files.LineLength.TooLong" in sniffs
    assert "Magento2.Commenting.ClassPropertyPHPDocFormatting.Missing" in sniffs
    assert "Magento2.Annotation.MethodAnnotationStructure.NoCommentBlock" in sniffs


_USE = re.compile(r"^use ([\w\\]+);$", re.MULTILINE)
_PROPERTY = re.compile(r"^    private [\w\\?]+ \$(\w+);$", re.MULTILINE)
_PRIVATE_METHOD = re.compile(r"^    private function (\w+)\(", re.MULTILINE)
_PARAMETER = re.compile(r"^        [\w\\]+ \$(\w+),?$", re.MULTILINE)


def unused(source: str) -> list[str]:
    """What a static analyser would call unused in a generated class: imports never named,
    private properties only assigned, private methods never called, constructor arguments
    never stored."""
    found = []
    code = _USE.sub("", source)
    for imported in _USE.findall(source):
        short = imported.rsplit("\\", 1)[-1]
        if not re.search(rf"(?<![\w\\$]){short}\b", code):
            found.append(f"import {imported}")
    for name in _PROPERTY.findall(source):
        if len(re.findall(rf"\$this->{name}\b", source)) < 2:
            found.append(f"property ${name}")
    for name in _PRIVATE_METHOD.findall(source):
        if not re.search(rf"\$this->{name}\(", source):
            found.append(f"method {name}()")
    for name in _PARAMETER.findall(source):
        if len(re.findall(rf"\${name}\b", source)) < 2:
            found.append(f"argument ${name}")
    return found


@pytest.mark.parametrize("case", sorted(MATRIX))
def test_every_line_fits_120_columns(case: str, matrix: Path) -> None:
    """Also where phpcs lets a comment line pass (its last word alone is over the limit)."""
    for path in sorted((matrix / case).rglob("*.php")):
        lines = path.read_text(encoding="utf-8").split("\n")
        assert max(map(len, lines)) <= 120, path


@pytest.mark.parametrize("case", sorted(MATRIX))
def test_generated_classes_hold_nothing_unused(case: str, matrix: Path) -> None:
    for path in sorted((matrix / case).rglob("*.php")):
        assert unused(path.read_text(encoding="utf-8")) == [], path


def test_the_unused_check_sees_the_earlier_patchs_unused_services(matrix: Path) -> None:
    """The legacy patch injected every service, used or not."""
    (legacy,) = (matrix / "legacy-nothing-cleared").rglob("*.php")
    assert unused(legacy.read_text(encoding="utf-8")) == ["method clear()", "method retire()"]


@pytest.mark.parametrize(
    ("case", "absent"),
    [
        ("data-patch-nothing-cleared", ("IntegrationServiceInterface", "OauthService", "clear(")),
        ("install-data-retired", ()),
        ("data-patch-all-retired", ("ConfigBasedIntegrationManager", "clear(", "processIntegr")),
        ("many-integrations", ("OauthServiceInterface", "retire(")),
    ],
)
def test_the_patch_takes_only_the_services_it_uses(
    case: str, absent: tuple[str, ...], matrix: Path
) -> None:
    (patch,) = (matrix / case / "Setup" / "Patch" / "Data").glob("*.php")
    source = patch.read_text(encoding="utf-8")
    for text in absent:
        assert text not in source
    if case == "install-data-retired":  # clears a URL and retires: every service
        for text in ("IntegrationServiceInterface $integrationService", "clear(", "retire("):
            assert text in source


@pytest.mark.parametrize(
    "case", ["long-names-install-data", "long-names-data-patch", "many-integrations"]
)
def test_long_and_many_names_install_in_a_store(
    case: str, matrix: Path, tmp_path: Path, php: str
) -> None:
    """Split literals and wrapped state are still the names: the real php runs the patches."""
    name = MATRIX[case][0].replace("/", "_")
    result = upgrade(php, tmp_path / "store.json", matrix / case, name)
    assert result.ok, result.error
    assert set(state(result.tables)) == declared_names(matrix / case)
    assert LONG_NAME in declared_names(matrix / case) or case == "many-integrations"


def test_a_patch_name_too_long_for_the_standard_gets_a_warning(tmp_path: Path) -> None:
    for name, warned in ((LONGEST_PATCH_NAME, False), (LONGEST_PATCH_NAME + "C", True)):
        spec = tmp_path / "spec.yaml"
        head = f"setup: data-patch\nsetup_patch_name: {name}\nintegrations:\n"
        spec.write_text(head + ERP, encoding="utf-8")
        result = CliRunner().invoke(main, ["new", "Acme/Erp", str(spec), "--dry-run"])
        assert result.exit_code == 0, result.stderr
        warning = (
            f"{spec}:2:19: warning: setup_patch_name: is 77 characters long: with its hash, the "
            "patch's class line passes the 120 columns of Magento's coding standard "
            "(at most 76 fit)"
        )
        assert (warning in result.stderr) is warned, result.stderr


@settings(deadline=None, derandomize=IN_CI)
@given(
    st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs", "Cc")), max_size=300),
    st.sampled_from([(12, 12, 1), (21, 8, 3), (22, 8, 2)]),
)
def test_a_wrapped_php_string_fits_and_is_the_same_string(
    value: str, layout: tuple[int, int, int]
) -> None:
    """As the templates place names: list items, clear() and retire() calls."""
    column, indent, tail = layout
    lines = php_string_wrapped(value, column, indent, tail, MAX_LINE_COLUMNS).split("\n")
    assert column + len(lines[0]) <= MAX_LINE_COLUMNS - (tail if len(lines) == 1 else 0)
    assert all(line.startswith(" " * (indent + 4) + ". '") for line in lines[1:])
    assert all(len(line) + tail <= MAX_LINE_COLUMNS for line in lines[1:])
    literals = [lines[0], *(line.split(". ", 1)[1] for line in lines[1:])]
    assert "".join(decode_php_string(literal) for literal in literals) == value
