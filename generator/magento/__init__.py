"""Knowledge of Magento: its files, rules, ACL tree, catalogs, installations and schemas.

Imports nothing of magegen's but ``generator.errors`` and ``generator.resources``."""
