<?php
/**
 * A small model of a Magento 2.4.4 store, enough to run generated setup scripts against.
 *
 * Written for magegen's tests from the behaviour of Magento_Integration (see
 * ../shared/MAGENTO.md and ../shared/magento-php/): not Magento's code. It keeps
 *
 * - the integration table (id, name, email, endpoint, identity_link_url, status, setup_type,
 *   consumer_id), OAuth consumers and access tokens, each integration's ACL grant;
 * - patch_list (applied data patches by class name) and setup_module (module => version);
 *
 * and models IntegrationService (create, update merging the given fields over the stored row,
 * delete, findByName), the Integration plugin (after create and update, a config-file
 * integration is granted exactly its merged api.xml + integration.xml resources; after delete
 * its grant goes), OauthService, and ConfigBasedIntegrationManager (processIntegrationConfig and
 * the consolidated format's processConfigBasedIntegrations with its delete-and-recreate).
 * Warnings are errors, as a failing setup:upgrade makes them: naming an integration config.xml
 * lacks fails with "Undefined array key".
 */

declare(strict_types=1);

namespace {
    require_once __DIR__ . '/setup_interfaces.php';
}

namespace Magento\Framework\Exception {
    class IntegrationException extends \RuntimeException
    {
    }
}

namespace Magento\Integration\Api {
    interface IntegrationServiceInterface
    {
        public function create(array $integrationData);

        public function get($integrationId);

        public function findByName($integrationName);

        public function update(array $integrationData);

        public function delete($integrationId);
    }

    interface OauthServiceInterface
    {
        public function createConsumer($consumerData);

        public function createAccessToken($consumerId, $clearExistingToken = false);

        public function loadConsumer($consumerId);

        public function deleteConsumer($consumerId);
    }
}

namespace Magento\Integration\Model {
    use Magento\Framework\Exception\IntegrationException;
    use Magento\Integration\Api\IntegrationServiceInterface;
    use Magento\Integration\Api\OauthServiceInterface;
    use MagegenTest\Store;

    /** An integration row as a data object: data, and the row as loaded (orig data). */
    class Integration
    {
        public const ID = 'integration_id';
        public const NAME = 'name';
        public const EMAIL = 'email';
        public const ENDPOINT = 'endpoint';
        public const IDENTITY_LINK_URL = 'identity_link_url';
        public const SETUP_TYPE = 'setup_type';
        public const CONSUMER_ID = 'consumer_id';
        public const STATUS = 'status';
        public const TYPE_CONFIG = 1;
        public const STATUS_INACTIVE = 0;
        public const STATUS_RECREATED = 2;

        /** The integration table's columns, with the values a new row gets. */
        public const COLUMNS = [
            'name' => null, 'email' => null, 'endpoint' => null, 'identity_link_url' => null,
            'status' => self::STATUS_INACTIVE, 'setup_type' => 0, 'consumer_id' => null,
        ];

        public array $data = [];
        public array $orig = [];

        public function __construct(array $data = [])
        {
            $this->data = $data;
        }

        public function getId()
        {
            return $this->data[self::ID] ?? null;
        }

        public function getName()
        {
            return $this->data[self::NAME] ?? null;
        }

        public function getConsumerId()
        {
            return $this->data[self::CONSUMER_ID] ?? null;
        }

        public function getSetupType()
        {
            return $this->data[self::SETUP_TYPE] ?? null;
        }

        public function getData($key = null)
        {
            return $key === null ? $this->data : ($this->data[$key] ?? null);
        }

        public function getOrigData($key = null)
        {
            return $key === null ? $this->orig : ($this->orig[$key] ?? null);
        }

        public function setData($key, $value)
        {
            $this->data[$key] = $value;
            return $this;
        }

        /** DataObject::addData: each given key replaces the stored one; others stay. */
        public function addData(array $data)
        {
            foreach ($data as $key => $value) {
                $this->data[$key] = $value;
            }
            return $this;
        }

        /** Loads the row whose $field equals $value (names compare as MySQL's collation does). */
        public static function load($value, string $field = self::ID): self
        {
            $row = Store::$current->findRow($field, $value);
            $integration = new self($row ?? []);
            $integration->orig = $row ?? [];
            return $integration;
        }

        /** Saves the model's columns (other data, like 'resource', is not stored). */
        public function save(): void
        {
            $row = [];
            foreach (self::COLUMNS as $column => $default) {
                $row[$column] = array_key_exists($column, $this->data) ? $this->data[$column] : $default;
            }
            $this->data[self::ID] = Store::$current->saveRow($this->getId(), $row);
        }
    }

    class IntegrationService implements IntegrationServiceInterface
    {
        private OauthServiceInterface $oauthService;
        private Plugin\Integration $plugin;

        public function __construct(OauthServiceInterface $oauthService, Plugin\Integration $plugin)
        {
            $this->oauthService = $oauthService;
            $this->plugin = $plugin;
        }

        public function create(array $integrationData)
        {
            $this->checkName($integrationData['name']);
            $integration = new Integration($integrationData);
            $integration->save();
            $consumer = $this->oauthService->createConsumer(['name' => 'Integration' . $integration->getId()]);
            $integration->setData(Integration::CONSUMER_ID, $consumer->getId());
            $integration->save();
            return $this->plugin->afterSave($integration);
        }

        public function get($integrationId)
        {
            return $this->loadById($integrationId);
        }

        public function findByName($integrationName)
        {
            return Integration::load($integrationName, Integration::NAME);
        }

        public function update(array $integrationData)
        {
            $integration = $this->loadById($integrationData['integration_id']);
            if ($integration->getName() != $integrationData['name']) {
                $this->checkName($integrationData['name']);
            }
            $integration->addData($integrationData);
            $integration->save();
            return $this->plugin->afterSave($integration);
        }

        public function delete($integrationId)
        {
            $integration = $this->loadById($integrationId);
            $data = $integration->getData();
            Store::$current->deleteRow((int)$integration->getId());
            return $this->plugin->afterDelete($data);
        }

        private function checkName(string $name): void
        {
            if (Integration::load($name, Integration::NAME)->getId()) {
                throw new IntegrationException(sprintf('The integration with name "%s" exists.', $name));
            }
        }

        private function loadById($integrationId): Integration
        {
            $integration = Integration::load($integrationId);
            if (!$integration->getId()) {
                throw new IntegrationException(sprintf('The integration with ID "%s" doesn\'t exist.', $integrationId));
            }
            return $integration;
        }
    }

    class Consumer
    {
        private ?int $id;

        public function __construct(?int $id)
        {
            $this->id = $id;
        }

        public function getId()
        {
            return $this->id;
        }
    }

    class OauthService implements OauthServiceInterface
    {
        public function createConsumer($consumerData)
        {
            return new Consumer(Store::$current->addConsumer((string)$consumerData['name']));
        }

        public function createAccessToken($consumerId, $clearExistingToken = false)
        {
            Store::$current->addToken((int)$consumerId);
            return true;
        }

        public function loadConsumer($consumerId)
        {
            return new Consumer(Store::$current->hasConsumer((int)$consumerId) ? (int)$consumerId : null);
        }

        public function deleteConsumer($consumerId)
        {
            if (!Store::$current->hasConsumer((int)$consumerId)) {
                throw new IntegrationException(sprintf('A consumer with ID "%s" does not exist.', $consumerId));
            }
            Store::$current->deleteConsumer((int)$consumerId);
            return [];
        }
    }

    class ConfigBasedIntegrationManager
    {
        private IntegrationServiceInterface $integrationService;

        public function __construct(IntegrationServiceInterface $integrationService)
        {
            $this->integrationService = $integrationService;
        }

        /** The split format: create each named integration of config.xml, or update it. */
        public function processIntegrationConfig(array $integrationNames)
        {
            if (empty($integrationNames)) {
                return [];
            }
            $integrations = Store::$current->config;
            foreach ($integrationNames as $name) {
                $details = $integrations[$name]; // a name config.xml lacks: "Undefined array key"
                $data = $this->fields($name, $details);
                $integration = $this->integrationService->findByName($name);
                if ($integration->getId()) {
                    $data[Integration::ID] = $integration->getId();
                    $this->integrationService->update($data);
                } else {
                    $this->integrationService->create($data);
                }
            }
            return $integrationNames;
        }

        /** The consolidated format (Magento_Integration's Recurring): any change recreates. */
        public function processConfigBasedIntegrations(array $integrations)
        {
            foreach ($integrations as $name => $details) {
                $data = $this->fields((string)$name, $details);
                $integration = $this->integrationService->findByName($name);
                if ($integration->getId()) {
                    $before = Store::$current->grants[(string)$integration->getId()] ?? [];
                    $update = $data + [Integration::ID => $integration->getId()];
                    $updated = $this->integrationService->update($update);
                    if (!$this->changed($updated, $before)) {
                        continue;
                    }
                    $this->integrationService->delete($updated->getId());
                    $data[Integration::STATUS] = Integration::STATUS_RECREATED;
                }
                $this->integrationService->create($data);
            }
            return $integrations;
        }

        private function fields(string $name, array $details): array
        {
            $data = [Integration::NAME => $name];
            $keys = ['email' => Integration::EMAIL, 'endpoint_url' => Integration::ENDPOINT,
                'identity_link_url' => Integration::IDENTITY_LINK_URL];
            foreach ($keys as $key => $column) {
                if (isset($details[$key])) {
                    $data[$column] = $details[$key];
                }
            }
            $data[Integration::SETUP_TYPE] = Integration::TYPE_CONFIG;
            return $data;
        }

        private function changed(Integration $integration, array $before): bool
        {
            $after = $integration->getData('resource');
            $common = array_intersect($before, $after);
            if (count($common) != count($before) || count($common) != count($after)) {
                return true;
            }
            foreach (['integration_id', 'name', 'email', 'endpoint', 'identity_link_url', 'setup_type', 'consumer_id'] as $field) {
                if ($integration->getOrigData($field) != $integration->getData($field)) {
                    return true;
                }
            }
            return false;
        }
    }
}

namespace Magento\Integration\Model\Plugin {
    use Magento\Integration\Model\Integration as IntegrationModel;
    use MagegenTest\Store;

    /** What Magento's Integration plugin does after create, update and delete. */
    class Integration
    {
        public function afterSave(IntegrationModel $integration): IntegrationModel
        {
            if ($integration->getSetupType() == IntegrationModel::TYPE_CONFIG) {
                // api.xml's integrations, then integration.xml's over them (array_merge).
                $merged = array_merge(Store::$current->api, Store::$current->consolidated);
                $integration->setData('resource', $merged[$integration->getData('name')]['resource']);
            }
            $resources = $integration->getData('resource');
            Store::$current->grants[(string)$integration->getId()] = is_array($resources) ? array_values($resources) : [];
            Store::$current->saveRules((string)$integration->getId());
            return $integration;
        }

        public function afterDelete(array $integrationData): array
        {
            unset(Store::$current->grants[(string)(int)$integrationData[IntegrationModel::ID]]);
            return $integrationData;
        }
    }
}

namespace MagegenTest {
    use DOMDocument;
    use Magento\Framework\Setup\ModuleContextInterface;
    use Magento\Framework\Setup\ModuleDataSetupInterface;

    /** The store's tables, saved as JSON between setup:upgrade runs. */
    final class Store
    {
        public static Store $current;

        public array $integrations = []; // id => row
        public array $consumers = []; // id => ['name' => .., 'key' => ..]
        public array $tokens = []; // id => ['consumer_id' => .., 'token' => ..]
        public array $grants = []; // integration id => resources
        public array $patchList = [];
        public array $setupModule = []; // module => version
        public int $nextId = 1;
        /** The store's Magento release and ACL tree (id => parent id), once installed. */
        public string $release = '';
        public array $tree = [];
        public array $rules = []; // integration id => [ACL id => allowed], as authorization_rule holds them

        /** This run's merged configuration: config.xml, api.xml and integration.xml. */
        public array $config = [];
        public array $api = [];
        public array $consolidated = [];

        public static function open(string $file): self
        {
            $store = new self();
            if (is_file($file)) {
                foreach (json_decode((string)file_get_contents($file), true, 512, JSON_THROW_ON_ERROR) as $key => $value) {
                    $store->$key = $value;
                }
            }
            return self::$current = $store;
        }

        public function save(string $file): void
        {
            file_put_contents($file, json_encode($this->tables(), JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
        }

        public function tables(): array
        {
            return [
                'integrations' => $this->integrations, 'consumers' => $this->consumers,
                'tokens' => $this->tokens, 'grants' => $this->grants, 'patchList' => $this->patchList,
                'setupModule' => $this->setupModule, 'nextId' => $this->nextId,
            ] + ($this->tree === [] ? [] : [
                'release' => $this->release, 'tree' => $this->tree, 'rules' => $this->rules,
            ]);
        }

        /**
         * Saving a grant writes a rule row for every id of the tree as it is now: allow for
         * Magento_Backend::admin and the granted ids, deny for every other one.
         */
        public function saveRules(string $integrationId): void
        {
            if ($this->tree === []) {
                return;
            }
            $granted = array_flip($this->grants[$integrationId] ?? []);
            $rules = [];
            foreach (array_keys($this->tree) as $id) {
                $rules[$id] = $id === 'Magento_Backend::admin' || isset($granted[$id]);
            }
            $this->rules[$integrationId] = $rules;
        }

        /**
         * Whether the integration's role may use the ACL id: its own rule row decides (a child's
         * deny wins over an allowed parent). Without a row, 2.4.5 and later deny; 2.4.4 and
         * earlier take the parent's rule. An id the tree lacks is denied.
         */
        public function isAllowed(string $integrationId, string $resource): bool
        {
            $rules = $this->rules[$integrationId] ?? [];
            $denyWithoutRow = version_compare(explode('-', $this->release)[0], '2.4.5', '>=');
            for ($id = $resource; $id !== null; $id = $this->tree[$id]) {
                if (array_key_exists($id, $rules)) {
                    return $rules[$id];
                }
                if (!array_key_exists($id, $this->tree) || $denyWithoutRow) {
                    return false;
                }
            }
            return false;
        }

        /** utf8_general_ci, approximately: no case, no trailing spaces. */
        private static function same($a, $b): bool
        {
            return mb_strtolower(rtrim((string)$a, ' ')) === mb_strtolower(rtrim((string)$b, ' '));
        }

        public function findRow(string $field, $value): ?array
        {
            foreach ($this->integrations as $id => $row) {
                $hit = $field === 'integration_id' ? (string)$id === (string)$value : self::same($row[$field], $value);
                if ($hit) {
                    return $row + ['integration_id' => (int)$id];
                }
            }
            return null;
        }

        public function saveRow($id, array $row): int
        {
            if ($row['name'] === null || $row['email'] === null) {
                throw new \RuntimeException('integration row without name or email');
            }
            foreach (['name', 'email', 'endpoint', 'identity_link_url'] as $column) {
                if ($row[$column] !== null && mb_strlen((string)$row[$column]) > 255) {
                    throw new \RuntimeException("$column longer than varchar(255)");
                }
            }
            $id = $id ?? $this->nextId++;
            $this->integrations[(string)$id] = $row;
            return (int)$id;
        }

        public function deleteRow(int $id): void
        {
            unset($this->integrations[(string)$id]);
        }

        public function addConsumer(string $name): int
        {
            $id = $this->nextId++;
            $this->consumers[(string)$id] = ['name' => $name, 'key' => md5("consumer $id")];
            return $id;
        }

        public function hasConsumer(int $id): bool
        {
            return isset($this->consumers[(string)$id]);
        }

        /** Deleting a consumer deletes its tokens and its integration (foreign keys, CASCADE). */
        public function deleteConsumer(int $id): void
        {
            unset($this->consumers[(string)$id]);
            foreach ($this->tokens as $tokenId => $token) {
                if ($token['consumer_id'] === $id) {
                    unset($this->tokens[$tokenId]);
                }
            }
            foreach ($this->integrations as $integrationId => $row) {
                if ($row['consumer_id'] === $id) {
                    unset($this->integrations[$integrationId], $this->grants[$integrationId]);
                }
            }
        }

        public function addToken(int $consumerId): void
        {
            $id = $this->nextId++;
            $this->tokens[(string)$id] = ['consumer_id' => $consumerId, 'token' => md5("token $id")];
        }

        /** Reads a module's integration XML the way Magento's converters do (getElementsByTagName). */
        public function readModule(string $root): void
        {
            $this->config = self::integrations("$root/etc/integration/config.xml", false);
            $this->api = self::integrations("$root/etc/integration/api.xml", true);
            $this->consolidated = self::integrations("$root/etc/integration.xml", true);
        }

        private static function integrations(string $file, bool $resources): array
        {
            if (!is_file($file)) {
                return [];
            }
            $document = new DOMDocument();
            if (!$document->load($file)) {
                throw new \RuntimeException("cannot read $file");
            }
            $result = [];
            foreach ($document->getElementsByTagName('integration') as $integration) {
                $name = $integration->attributes->getNamedItem('name')->nodeValue;
                $entry = [];
                foreach (['email', 'endpoint_url', 'identity_link_url'] as $key) {
                    if ($integration->getElementsByTagName($key)->length) {
                        $entry[$key] = $integration->getElementsByTagName($key)->item(0)->nodeValue;
                    }
                }
                if ($resources) {
                    $entry['resource'] = [];
                    foreach ($integration->getElementsByTagName('resource') as $resource) {
                        $entry['resource'][] = $resource->attributes->getNamedItem('name')->nodeValue;
                    }
                }
                $result[$name] = $entry;
            }
            return $result;
        }
    }

    final class Setup implements ModuleDataSetupInterface
    {
        public function startSetup()
        {
            return $this;
        }

        public function endSetup()
        {
            return $this;
        }
    }

    final class Context implements ModuleContextInterface
    {
    }
}
