"""One exception root for the whole library.

Library code raises; only the CLI turns these into exit codes (and, later, only
the web layer into HTTP codes).  Every message is meant to be shown to a user
as one line, naming the file (or setting) and what is wrong.

    TranslatorError                 root; exit code 1
    ├── InputError                  bad or unsafe input (missing path, bad archive, no main .tex)
    │   └── UnsafeInputError        input that tries to leave the job folder or run code
    ├── ConfigError                 no engine configured, unknown setting, bad glossary
    ├── EngineError                 the engine failed for good (wrong key, unreachable)
    │   └── TransientEngineError    429 / 5xx / timeout: the caller may retry
    ├── OutputError                 the output folder exists and is not empty, ...
    └── CompileError                LaTeX could not be compiled (only when a PDF was required)
"""

from __future__ import annotations


class TranslatorError(Exception):
    """Root of every error this package raises on purpose."""

    exit_code = 1


class InputError(TranslatorError):
    """The input is missing, malformed or not what it claims to be."""

    exit_code = 2


class UnsafeInputError(InputError):
    """The input tries to read or write outside its tree, or to run code."""


class ConfigError(TranslatorError):
    """Settings are missing or wrong (engine, key, glossary, config file)."""

    exit_code = 3


class EngineError(TranslatorError):
    """The translation engine failed in a way retrying will not fix."""

    exit_code = 4


class TransientEngineError(EngineError):
    """A failure worth retrying (HTTP 429/5xx, timeout, connection reset).

    ``retry_after`` is the server's hint in seconds, when it gave one.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BadAnswerError(EngineError):
    """The engine answered, but the answer cannot be used (not parseable, cut off)."""


class OutputError(TranslatorError):
    """The output location cannot be used."""

    exit_code = 5


class CompileError(TranslatorError):
    """LaTeX compilation failed."""

    exit_code = 6
