<?php
/**
 * Magento's setup interfaces that generated InstallData and data patches implement, with the
 * signatures of Magento 2.4: shared by the test stand-ins (setup_stubs.php) and the store model
 * (store.php).
 */

declare(strict_types=1);

namespace Magento\Framework\Setup {
    interface ModuleDataSetupInterface
    {
        public function startSetup();

        public function endSetup();
    }

    interface ModuleContextInterface
    {
    }

    interface InstallDataInterface
    {
        public function install(ModuleDataSetupInterface $setup, ModuleContextInterface $context);
    }
}

namespace Magento\Framework\Setup\Patch {
    interface DependentPatchInterface
    {
        public static function getDependencies();
    }

    interface PatchInterface extends DependentPatchInterface
    {
        public function getAliases();

        public function apply();
    }

    interface DataPatchInterface extends PatchInterface
    {
    }
}
