"""A small fake Magento installation for ``--magento-root`` tests, in both layouts.

It is built in ``tmp_path`` from the real 2.4.4 files in ../shared/magento: Magento_Backend,
_Sales, _Customer, _Catalog, _Quote, _Paypal (the modules the example specs grant ids of; a store
is the whole truth, so it must hold them) and _Integration (acl.xml, module.xml, composer.json,
webapi.xml; Magento_Integration with its integration XSDs), the framework's module.xsd, and one
custom module, Acme_Erp, whose acl.xml adds ``Acme_Erp::erp`` > ``Acme_Erp::orders`` >
``Acme_Erp::orders_export`` under the admin root and which ships an XSD of its own (etc/erp.xsd) and a composer.json (acme/module-erp 2.3.1).
The root is built as a git checkout (``app/code/<Vendor>/<Module>``, ``lib/internal``) and as a
Composer install (``vendor/<vendor>/<package>``). Its fixture is registered in conftest.py.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

LAYOUTS = ("git", "composer")
CORE_MODULES = (
    "Magento_Backend",
    "Magento_Sales",
    "Magento_Customer",
    "Magento_Integration",
    "Magento_Catalog",
    "Magento_Quote",
    "Magento_Paypal",
)
ERP_PACKAGE = "acme/module-erp"
ERP_VERSION = "2.3.1"

ACL_XML = """\
<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:framework:Acl/etc/acl.xsd">
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
{body}
            </resource>
        </resources>
    </acl>
</config>
"""

ERP_RESOURCES = """\
                <resource id="Acme_Erp::erp" title="ERP" sortOrder="25">
                    <resource id="Acme_Erp::orders" title="Orders" sortOrder="10">
                        <resource id="Acme_Erp::orders_export" title="Export Orders"/>
                    </resource>
                </resource>"""

MODULE_XML = """\
<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="{name}">
        <sequence>
{sequence}
        </sequence>
    </module>
</config>
"""

ERP_XSD = """\
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
    <xs:element name="config">
        <xs:complexType>
            <xs:sequence>
                <xs:element name="endpoint" type="xs:anyURI" maxOccurs="unbounded"/>
            </xs:sequence>
        </xs:complexType>
    </xs:element>
</xs:schema>
"""


@dataclass(frozen=True)
class FakeRoot:
    """A small Magento installation in one layout; usable wherever a path is (``os.fspath``)."""

    path: Path
    layout: str

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def module_folder(self, module: str, package: str) -> Path:
        """Where ``module`` (Composer package ``package``) lives in this layout."""
        if self.layout == "git":
            vendor, name = module.split("_")
            return self.path / "app" / "code" / vendor / name
        return self.path / "vendor" / package

    @property
    def framework(self) -> Path:
        """The folder of Magento's framework library in this layout."""
        if self.layout == "git":
            return self.path / "lib" / "internal" / "Magento" / "Framework"
        return self.path / "vendor" / "magento" / "framework"

    def add_module(
        self,
        module: str,
        package: str,
        acl_body: str,
        sequence: Sequence[str] = (),
        version: str | None = None,
    ) -> Path:
        """Write a custom module (acl.xml, module.xml, and composer.json when ``version``)."""
        folder = self.module_folder(module, package)
        (folder / "etc").mkdir(parents=True)
        (folder / "etc" / "acl.xml").write_text(ACL_XML.format(body=acl_body), encoding="utf-8")
        modules = "\n".join(f'            <module name="{name}"/>' for name in sequence)
        (folder / "etc" / "module.xml").write_text(
            MODULE_XML.format(name=module, sequence=modules), encoding="utf-8"
        )
        if version is not None:
            manifest = {"name": package, "type": "magento2-module", "version": version}
            (folder / "composer.json").write_text(json.dumps(manifest), encoding="utf-8")
        return folder

    @property
    def erp(self) -> Path:
        """The Acme_Erp module folder."""
        return self.module_folder("Acme_Erp", ERP_PACKAGE)


def build_magento_root(path: Path, layout: str, magento_data: Path) -> FakeRoot:
    """A new root at ``path`` in ``layout`` ("git" or "composer"), as the module docstring says."""
    root = FakeRoot(path, layout)
    module_map = json.loads((magento_data / "module-map.json").read_text(encoding="utf-8"))
    packages = {
        entry["module"]: (package, entry["git_path"]) for package, entry in module_map.items()
    }
    for module in CORE_MODULES:
        package, git_path = packages[module]
        folder = root.module_folder(module, package)
        (folder / "etc").mkdir(parents=True)
        for name in ("etc/acl.xml", "etc/module.xml", "composer.json", "etc/webapi.xml"):
            if (magento_data / git_path / name).is_file():
                shutil.copyfile(magento_data / git_path / name, folder / name)
        if module == "Magento_Integration":
            shutil.copytree(
                magento_data / git_path / "etc" / "integration",
                folder / "etc" / "integration",
                ignore=lambda _, names: [name for name in names if not name.endswith(".xsd")],
            )
    module_xsd = magento_data / "lib/internal/Magento/Framework/Module/etc/module.xsd"
    (root.framework / "Module" / "etc").mkdir(parents=True)
    shutil.copyfile(module_xsd, root.framework / "Module" / "etc" / "module.xsd")
    erp = root.add_module(
        "Acme_Erp", ERP_PACKAGE, ERP_RESOURCES, sequence=["Magento_Backend"], version=ERP_VERSION
    )
    (erp / "etc" / "erp.xsd").write_text(ERP_XSD, encoding="utf-8")
    return root


@pytest.fixture(params=LAYOUTS)
def magento_root(request: pytest.FixtureRequest, tmp_path: Path, magento_data: Path) -> FakeRoot:
    """A fake Magento root, in each layout."""
    return build_magento_root(tmp_path / f"magento-{request.param}", request.param, magento_data)
