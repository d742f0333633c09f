<?php
/**
 * Test stand-in for Magento\Framework\Component\ComponentRegistrar: records every register() call.
 */

declare(strict_types=1);

namespace Magento\Framework\Component;

class ComponentRegistrar
{
    public const MODULE = 'module';
    public const LIBRARY = 'library';
    public const THEME = 'theme';
    public const LANGUAGE = 'language';
    public const SETUP = 'setup';

    /** @var list<array{type: string, name: string, path: string}> */
    public static array $calls = [];

    public static function register($type, $componentName, $path)
    {
        self::$calls[] = ['type' => $type, 'name' => $componentName, 'path' => $path];
    }
}
