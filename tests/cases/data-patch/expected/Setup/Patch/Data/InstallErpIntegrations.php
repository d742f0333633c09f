<?php

declare(strict_types=1);

namespace Acme\ErpConnector\Setup\Patch\Data;

use Magento\Framework\Setup\ModuleDataSetupInterface;
use Magento\Framework\Setup\Patch\DataPatchInterface;
use Magento\Integration\Model\ConfigBasedIntegrationManager;

/**
 * Creates the integrations of etc/integration/config.xml and api.xml, once.
 */
class InstallErpIntegrations implements DataPatchInterface
{
    private ModuleDataSetupInterface $moduleDataSetup;

    private ConfigBasedIntegrationManager $integrationManager;

    public function __construct(
        ModuleDataSetupInterface $moduleDataSetup,
        ConfigBasedIntegrationManager $integrationManager
    ) {
        $this->moduleDataSetup = $moduleDataSetup;
        $this->integrationManager = $integrationManager;
    }

    /**
     * @inheritdoc
     */
    public function apply()
    {
        $this->moduleDataSetup->startSetup();
        $this->integrationManager->processIntegrationConfig([
            'Acme ERP',
            'Acme Stock',
        ]);
        $this->moduleDataSetup->endSetup();

        return $this;
    }

    /**
     * @inheritdoc
     */
    public static function getDependencies()
    {
        return [];
    }

    /**
     * @inheritdoc
     */
    public function getAliases()
    {
        return [];
    }
}
