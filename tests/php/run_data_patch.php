<?php
/**
 * Usage: php run_data_patch.php <module>/Setup/Patch/Data/<Name>.php '<Vendor\Module\...\Name>'
 *
 * Loads the setup stand-ins and the generated data patch, applies it the way Magento's
 * PatchApplier does, and prints what happened as JSON. Any warning or notice aborts.
 */

declare(strict_types=1);

use Magento\Framework\Setup\Patch\DataPatchInterface;
use Magento\Integration\Model\ConfigBasedIntegrationManager;
use Magento\Integration\Model\IntegrationService;
use Magento\Integration\Model\OauthService;
use MagegenTest\StubSetup;

set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

require __DIR__ . '/setup_stubs.php';

[, $file, $class] = $argv;
require $file;

$setup = new StubSetup();
$manager = new ConfigBasedIntegrationManager();
$service = new IntegrationService();
$patch = new $class($setup, $manager, $service, new OauthService());
$returned = $patch->apply();

echo json_encode(
    [
        'class' => get_class($patch),
        'implements' => $patch instanceof DataPatchInterface,
        'returns_itself' => $returned === $patch,
        'dependencies' => $class::getDependencies(),
        'aliases' => $patch->getAliases(),
        'calls' => $manager->calls,
        'looked_up' => $service->looked_up,
        'setup' => $setup->calls,
    ],
    JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR
);
