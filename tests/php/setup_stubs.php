<?php
/**
 * Test stand-ins for the Magento setup interfaces and the integration manager that a generated
 * Setup/InstallData.php or data patch uses. The interface signatures match Magento 2.4's.
 */

declare(strict_types=1);

namespace {
    require_once __DIR__ . '/setup_interfaces.php';
}

namespace Magento\Integration\Api {
    interface IntegrationServiceInterface
    {
        public function findByName($integrationName);
    }

    interface OauthServiceInterface
    {
    }
}

namespace Magento\Integration\Model {
    /** An integration that findByName() did not find. */
    class Integration
    {
        public function getId()
        {
            return null;
        }
    }

    /** Finds nothing: the names it was asked for are recorded. */
    class IntegrationService implements \Magento\Integration\Api\IntegrationServiceInterface
    {
        /** @var list<string> */
        public array $looked_up = [];

        public function findByName($integrationName)
        {
            $this->looked_up[] = $integrationName;
            return new Integration();
        }
    }

    class OauthService implements \Magento\Integration\Api\OauthServiceInterface
    {
    }

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
        /** @var list<string> the setup calls, in order */
        public array $calls = [];

        public function startSetup()
        {
            $this->calls[] = 'startSetup';
            return $this;
        }

        public function endSetup()
        {
            $this->calls[] = 'endSetup';
            return $this;
        }
    }

    final class StubContext implements ModuleContextInterface
    {
    }
}
