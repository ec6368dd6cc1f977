"""Typed settings: defaults < TOML config file < ``ARXIV_TRANSLATOR_*`` env < CLI.

Nothing happens at import.  Unknown keys in the config file are an error.
``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` are honoured as fallbacks for the
``openai`` engine.  The config file is ``--config FILE``, else
``$ARXIV_TRANSLATOR_CONFIG``, else ``<user config dir>/arxiv-translator/config.toml``
when it exists.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

ENV_PREFIX = "ARXIV_TRANSLATOR_"


class EngineSettings(BaseModel):
    """What an engine needs to know: the part of :class:`Settings` it sees."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    timeout: float = 120.0
    max_retries: int = 4
    backoff: float = 1.0
    #: USD per million tokens, (prompt, completion), overriding the built-in table.
    prices: dict[str, tuple[float, float]] = Field(default_factory=dict)
    temperature: float | None = 0.0
    #: Largest engine response body read, in bytes (None: a few times the request's size).
    max_answer_bytes: int | None = Field(default=None, ge=1024)


class Settings(BaseSettings):
    """Every setting of a translation job."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", validate_default=True)

    target: str = "ko"
    style: Literal["academic", "formal"] = "academic"
    engine: str | None = None
    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    timeout: float = 120.0
    max_retries: int = 4
    backoff: float = 1.0
    temperature: float | None = 0.0
    prices: dict[str, tuple[float, float]] = Field(default_factory=dict)
    concurrency: int = Field(default=8, ge=1, le=256)
    batch_tokens: int = Field(default=2500, ge=50)
    cache: Path | None = None
    glossary: Path | None = None
    compile: bool = True
    compile_timeout: float = 600.0
    force: bool = False
    pages: str | None = None  # PDF input: 1-based page selection such as "1-10" or "2,5-7"
    dual: Literal["side", "alternate"] = "side"  # PDF input: layout of paper.dual.pdf
    max_answer_bytes: int | None = Field(default=None, ge=1024)  # engine answers: bytes read at most

    def engine_settings(self) -> EngineSettings:
        """The engine's view of these settings, with OpenAI env fallbacks."""
        api_key = self.api_key
        if api_key is None and os.environ.get("OPENAI_API_KEY"):
            api_key = SecretStr(os.environ["OPENAI_API_KEY"])
        return EngineSettings(
            model=self.model,
            base_url=self.base_url or os.environ.get("OPENAI_BASE_URL") or None,
            api_key=api_key,
            timeout=self.timeout,
            max_retries=self.max_retries,
            backoff=self.backoff,
            prices=self.prices,
            temperature=self.temperature,
            max_answer_bytes=self.max_answer_bytes,
        )

    def cache_path(self) -> Path:
        """The translation-memory file (``--cache``, env, or the user cache dir)."""
        if self.cache is not None:
            return self.cache
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("arxiv-translator")) / "translations.sqlite3"


def default_config_path() -> Path:
    """Where the config file is looked for when none is named."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("arxiv-translator")) / "config.toml"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from the config file, the environment and ``overrides``.

    ``overrides`` (from the CLI) whose value is ``None`` are ignored.
    """
    path = config_file or (Path(os.environ[ENV_PREFIX + "CONFIG"]) if os.environ.get(ENV_PREFIX + "CONFIG") else None)
    data: dict[str, Any] = {}
    if path is None and default_config_path().is_file():
        path = default_config_path()
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        file_settings = Settings.model_validate(data) if data else None
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc)}") from None
    base = {k: v for k, v in (file_settings.model_dump(exclude_unset=True) if file_settings else {}).items()}
    env = _env_values()
    merged = {**base, **env, **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return Settings.model_validate(merged) if merged else Settings()
    except ValidationError as exc:
        raise ConfigError(f"settings: {_first_error(exc)}") from None


def _env_values() -> dict[str, Any]:
    """``ARXIV_TRANSLATOR_*`` variables, validated through a settings instance."""
    names = {k for k in os.environ if k.startswith(ENV_PREFIX) and k != ENV_PREFIX + "CONFIG"}
    if not names:
        return {}
    try:
        return Settings().model_dump(exclude_unset=True)
    except ValidationError as exc:
        raise ConfigError(f"environment: {_first_error(exc)}") from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "value"
    return f"{where}: {err.get('msg', 'invalid')}"
