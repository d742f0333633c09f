"""Check that PHP files parse: one real ``php`` process for any number of files.

Spawning ``php -l`` per file costs tens of milliseconds each; instead one PHP process reads the
list of files and parses each with ``token_get_all(..., TOKEN_PARSE)``, which raises the same
ParseError ``php -l`` reports for syntax. Errors PHP finds only when compiling (a function
declared twice, say) are beyond a parse. Without ``php`` on PATH, the structural check of
generator.magento.phpsource is used and the caller is told so.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from generator.errors import Problem
from generator.magento.phpcode import recent_php
from generator.magento.phpsource import check_php

CODE = "MG400"
NO_PHP_NOTE = "php is not on PATH: PHP files were only checked for balanced strings and brackets"

_PARSE_ALL = r"""
$failed = [];
foreach (explode("\0", stream_get_contents(STDIN)) as $index => $file) {
    $source = @file_get_contents($file);
    if ($source === false) {
        $failed[] = [$index, 0, 'cannot be read'];
        continue;
    }
    try {
        token_get_all($source, TOKEN_PARSE);
    } catch (ParseError $error) {
        $failed[] = [$index, $error->getLine(), $error->getMessage()];
    }
}
echo json_encode($failed, JSON_INVALID_UTF8_SUBSTITUTE);
"""


class LintResult(NamedTuple):
    """What parsing the files found, and a note when real PHP was not available."""

    problems: tuple[Problem, ...]
    note: str | None = None


def lint_php(files: Sequence[Path], php: str | None = None) -> LintResult:
    """Parse every file in ``files``; report each that does not parse."""
    if not files:
        return LintResult(())
    php = php or shutil.which("php")
    if php is None:
        return LintResult(tuple(_structural(files)), NO_PHP_NOTE)
    import subprocess  # only here: --no-php and a PATH without php never spawn

    listing = b"\0".join(os.fsencode(path) for path in files)
    result = subprocess.run(
        [php, "-d", "display_errors=stderr", "-r", _PARSE_ALL],
        input=listing,
        capture_output=True,
        check=False,
    )
    try:
        failed = json.loads(result.stdout)
    except ValueError:
        detail = result.stderr.decode(errors="replace").strip()[:200]
        return LintResult(tuple(_structural(files)), f"php could not check PHP files: {detail}")
    return LintResult(
        tuple(
            Problem(
                str(files[index]),
                f"PHP does not parse: {message}" if line else message,
                line=line or None,
                code=CODE,
            )
            for index, line, message in failed
        )
    )


def _structural(files: Sequence[Path]) -> list[Problem]:
    problems = []
    for path in files:
        problems += structural_problems(path)
    return problems


def structural_problems(path: Path | str, content: bytes | None = None) -> list[Problem]:
    """The structural check of one PHP file (without ``php``), from ``content`` when the caller
    has its bytes already, as reading ``path`` as text would give them."""
    source = None
    if content is not None:
        try:
            # (text mode's newline translation, so that lines are counted as when read as text)
            source = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            pass  # read below, so that the finding says exactly what reading the file says
    if source is None:
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return [Problem(str(path), f"cannot be read as UTF-8 text: {exc}", code=CODE)]
    # (the setup-code reader reads every PHP file of a module: its reading is used when kept)
    found = check_php(source, recent_php(source))
    return [Problem(str(path), message, line=line, code=CODE) for line, message in found]
