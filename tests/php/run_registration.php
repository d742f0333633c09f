<?php
/**
 * Usage: php run_registration.php <module>/registration.php
 *
 * Loads the ComponentRegistrar stand-in, runs the generated registration.php and prints the
 * recorded register() calls as JSON. Any warning or notice aborts with a non-zero exit code.
 */

declare(strict_types=1);

set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

require __DIR__ . '/ComponentRegistrar.php';
require $argv[1];

echo json_encode(
    \Magento\Framework\Component\ComponentRegistrar::$calls,
    JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR
);
