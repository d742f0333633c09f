"""The composer.json manifest of a module, following Magento's core conventions."""

from __future__ import annotations

from generator.model import ModuleSpec

DEFAULT_PHP = "~8.1.0||~8.2.0||~8.3.0"
FRAMEWORK_PACKAGE = "magento/framework"
FRAMEWORK_CONSTRAINT = "103.0.*"  # Magento 2.4.x ships framework 103.0.x
INTEGRATION_PACKAGE = "magento/module-integration"
INTEGRATION_CONSTRAINT = "100.4.*"  # Magento_Integration in 2.4.x


def default_require(spec: ModuleSpec) -> dict[str, str]:
    """The requirements every generated module starts from, before the spec's own."""
    require = {"php": DEFAULT_PHP, FRAMEWORK_PACKAGE: FRAMEWORK_CONSTRAINT}
    if spec.integrations:
        require[INTEGRATION_PACKAGE] = INTEGRATION_CONSTRAINT
    return require


def _package_order(package: str) -> tuple[int, str]:
    """Composer's sort-packages order: php, then extensions and libraries, then packages."""
    if package == "php" or package.startswith("php-"):
        rank = 0
    elif package.startswith("ext-"):
        rank = 1
    elif package.startswith("lib-"):
        rank = 2
    else:
        rank = 3
    return rank, package


def build_manifest(spec: ModuleSpec) -> dict[str, object]:
    """composer.json as an ordered dict: keys in a fixed order, only those the spec gives."""
    require = default_require(spec)
    require.update(spec.composer_require)
    manifest: dict[str, object] = {"name": spec.composer_name}
    if spec.description is not None:
        manifest["description"] = spec.description
    manifest["type"] = "magento2-module"
    if spec.version is not None:
        manifest["version"] = spec.version
    if spec.license is not None:
        manifest["license"] = spec.license if isinstance(spec.license, str) else list(spec.license)
    if spec.authors:
        manifest["authors"] = [
            {key: value for key, value in vars(author).items() if value is not None}
            for author in spec.authors
        ]
    manifest["require"] = {key: require[key] for key in sorted(require, key=_package_order)}
    manifest["autoload"] = {
        "files": ["registration.php"],
        "psr-4": {f"{spec.namespace}\\": ""},
    }
    return manifest
