<?php
/**
 * Usage: php run_install_data.php <module>/Setup/InstallData.php '<Vendor\Module\Setup\InstallData>'
 *
 * Loads the setup stand-ins and the generated installer, calls install() the way Magento does,
 * and prints what the integration manager was asked to process as JSON. Any warning or notice
 * aborts with a non-zero exit code.
 */

declare(strict_types=1);

use Magento\Framework\Setup\InstallDataInterface;
use Magento\Integration\Model\ConfigBasedIntegrationManager;
use MagegenTest\StubContext;
use MagegenTest\StubSetup;

set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

require __DIR__ . '/setup_stubs.php';

[, $file, $class] = $argv;
require $file;

$manager = new ConfigBasedIntegrationManager();
$installer = new $class($manager);
$installer->install(new StubSetup(), new StubContext());

echo json_encode(
    [
        'class' => get_class($installer),
        'implements' => $installer instanceof InstallDataInterface,
        'calls' => $manager->calls,
    ],
    JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR
);
