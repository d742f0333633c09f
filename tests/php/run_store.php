<?php
/**
 * Drives the store model of store.php, one command per run; the store lives in a JSON file.
 *
 *   php run_store.php <store.json> upgrade <module root> <Vendor_Module>
 *       bin/magento setup:upgrade with the module at <module root>: Magento_Integration's
 *       Recurring step on the module's etc/integration.xml; InstallData when module.xml has a
 *       setup_version and setup_module has no row for the module; then every data patch class
 *       of Setup/Patch/Data/ that patch_list does not hold (its dependencies first), each then
 *       recorded. Any failure exits 1 and saves nothing, as a failed setup:upgrade leaves the
 *       patch unrecorded.
 *   php run_store.php <store.json> upgrade <module root> <Vendor_Module> activate
 *       The same, then what an admin's Activate does to every inactive integration: status 1
 *       and an access token for its consumer.
 *
 *   php run_store.php <store.json> magento <release> <tree.json>
 *       Installs (or upgrades the store to) Magento <release>, whose ACL tree is <tree.json>
 *       ({id: parent id}). Grants saved from then on write their rule rows against it.
 *   php run_store.php <store.json> authorise <integration name> <refs.json>
 *       Whether the integration's token may call a route needing the refs of <refs.json>
 *       (all of them, as Webapi\Authorization does; anonymous passes, self never does):
 *       prints {"authorised": true|false} instead of the tables.
 *
 * Prints the store's tables as JSON. Warnings and notices are errors.
 */

declare(strict_types=1);

use Magento\Framework\Setup\ModuleContextInterface;
use Magento\Framework\Setup\ModuleDataSetupInterface;
use Magento\Integration\Api\IntegrationServiceInterface;
use Magento\Integration\Api\OauthServiceInterface;
use Magento\Integration\Model\ConfigBasedIntegrationManager;
use Magento\Integration\Model\IntegrationService;
use Magento\Integration\Model\OauthService;
use Magento\Integration\Model\Plugin\Integration as IntegrationPlugin;
use MagegenTest\Context;
use MagegenTest\Setup;
use MagegenTest\Store;

set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

require __DIR__ . '/store.php';

/** Builds a class the way Magento's object manager does: constructor arguments by type. */
function make(string $class, array $shared): object
{
    $constructor = (new ReflectionClass($class))->getConstructor();
    $arguments = [];
    foreach ($constructor ? $constructor->getParameters() : [] as $parameter) {
        $type = (string)$parameter->getType();
        if (!isset($shared[$type])) {
            throw new RuntimeException("$class needs a $type, which this store does not provide");
        }
        $arguments[] = $shared[$type];
    }
    return new $class(...$arguments);
}

function services(): array
{
    $oauth = new OauthService();
    $service = new IntegrationService($oauth, new IntegrationPlugin());
    return [
        ModuleDataSetupInterface::class => new Setup(),
        ModuleContextInterface::class => new Context(),
        OauthServiceInterface::class => $oauth,
        IntegrationServiceInterface::class => $service,
        ConfigBasedIntegrationManager::class => new ConfigBasedIntegrationManager($service),
    ];
}

function applyPatch(Store $store, string $class, array $shared, array $applying = []): void
{
    if (in_array($class, $store->patchList, true)) {
        return;
    }
    if (in_array($class, $applying, true)) {
        throw new RuntimeException("circular patch dependency at $class");
    }
    foreach ($class::getDependencies() as $dependency) {
        applyPatch($store, $dependency, $shared, [...$applying, $class]);
    }
    $patch = make($class, $shared);
    if (array_intersect($patch->getAliases(), $store->patchList) === []) {
        $patch->apply();
    }
    $store->patchList[] = $class;
}

function upgrade(Store $store, string $root, string $module): void
{
    $store->readModule($root);
    $shared = services();
    $shared[ConfigBasedIntegrationManager::class]->processConfigBasedIntegrations($store->consolidated);

    $moduleXml = new DOMDocument();
    $moduleXml->load("$root/etc/module.xml");
    $version = $moduleXml->getElementsByTagName('module')->item(0)->getAttribute('setup_version');
    $namespace = str_replace('_', '\\', $module);
    if ($version !== '' && !isset($store->setupModule[$module])) {
        if (is_file("$root/Setup/InstallData.php")) {
            require "$root/Setup/InstallData.php";
            make("$namespace\\Setup\\InstallData", $shared)->install($shared[ModuleDataSetupInterface::class], new Context());
        }
    }
    if ($version !== '') {
        $store->setupModule[$module] = $version;
    }
    $patches = glob("$root/Setup/Patch/Data/*.php") ?: [];
    sort($patches, SORT_STRING);
    foreach ($patches as $file) {
        require_once $file;
    }
    foreach ($patches as $file) {
        applyPatch($store, "$namespace\\Setup\\Patch\\Data\\" . basename($file, '.php'), $shared);
    }
}

[, $file, $command] = $argv;
$store = Store::open($file);
try {
    if ($command === 'upgrade') {
        upgrade($store, $argv[3], $argv[4]);
        foreach ($store->integrations as $id => $row) {
            if (($argv[5] ?? '') === 'activate' && $row['status'] !== 1) {
                $store->integrations[$id]['status'] = 1;
                $store->addToken((int)$row['consumer_id']);
            }
        }
    } elseif ($command === 'magento') {
        $store->release = $argv[3];
        $store->tree = json_decode((string)file_get_contents($argv[4]), true, 512, JSON_THROW_ON_ERROR);
    } elseif ($command === 'authorise') {
        $row = $store->findRow('name', $argv[3]);
        if ($row === null || $row['status'] !== 1) {
            throw new RuntimeException("no active integration named {$argv[3]}");
        }
        $allowed = true;
        foreach (json_decode((string)file_get_contents($argv[4]), true, 512, JSON_THROW_ON_ERROR) as $ref) {
            $allowed = $allowed && $ref !== 'self'
                && ($ref === 'anonymous' || $store->isAllowed((string)$row['integration_id'], $ref));
        }
        echo json_encode(['authorised' => $allowed], JSON_THROW_ON_ERROR);
        exit(0);
    } else {
        throw new RuntimeException("unknown command $command");
    }
} catch (Throwable $error) {
    fwrite(STDERR, get_class($error) . ': ' . $error->getMessage() . "\n");
    exit(1);
}
$store->save($file);
echo json_encode($store->tables(), JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
