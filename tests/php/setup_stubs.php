<?php
/**
 * Test stand-ins for the Magento setup interfaces and the integration manager that a generated
 * Setup/InstallData.php uses. The interface signatures match Magento 2.4's.
 */

declare(strict_types=1);

namespace Magento\Framework\Setup {
    interface ModuleDataSetupInterface
    {
    }

    interface ModuleContextInterface
    {
    }

    interface InstallDataInterface
    {
        public function install(ModuleDataSetupInterface $setup, ModuleContextInterface $context);
    }
}

namespace Magento\Integration\Model {
    class ConfigBasedIntegrationManager
    {
        /** @var list<array<mixed>> every argument processIntegrationConfig() was given */
        public array $calls = [];

        public function processIntegrationConfig(array $integrationNames)
        {
            $this->calls[] = $integrationNames;
            return [];
        }
    }
}

namespace MagegenTest {
    use Magento\Framework\Setup\ModuleContextInterface;
    use Magento\Framework\Setup\ModuleDataSetupInterface;

    final class StubSetup implements ModuleDataSetupInterface
    {
    }

    final class StubContext implements ModuleContextInterface
    {
    }
}
