"""Typed settings: defaults < TOML config file < ``ARXIV_TRANSLATOR_*`` env < CLI.

Nothing happens at import.  Unknown keys in the config file are an error.  The environment is read by
pydantic-settings, imported only when an ``ARXIV_TRANSLATOR_*`` variable is set (:func:`_env_model`):
most runs set none, and the library costs ~60 ms of start-up.
Each engine's vendor variables are honoured as fallbacks (:data:`VENDOR_ENV`:
``OPENAI_API_KEY``, ``DEEPL_AUTH_KEY``...), and per-engine settings live in
``[engines.NAME]`` tables (env ``ARXIV_TRANSLATOR_ENGINES__NAME__API_KEY``),
which win over the top-level ones for that engine; ``--model`` and
``--base-url`` on the command line win over both.  The config file is ``--config FILE``, else
``$ARXIV_TRANSLATOR_CONFIG``, else ``<user config dir>/arxiv-translator/config.toml``
when it exists.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from arxiv_translator.errors import ConfigError

ENV_PREFIX = "ARXIV_TRANSLATOR_"
#: engine -> setting -> the vendor's own environment variable, used when nothing else sets it
VENDOR_ENV: dict[str, dict[str, str]] = {
    "openai": {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"},
    "deepl": {"api_key": "DEEPL_AUTH_KEY"},
    "papago": {"api_key_id": "NCP_APIGW_API_KEY_ID", "api_key": "NCP_APIGW_API_KEY"},
    "google": {"api_key": "GOOGLE_API_KEY"},
    "anthropic": {"api_key": "ANTHROPIC_API_KEY", "base_url": "ANTHROPIC_BASE_URL"},
}


class EngineAccess(BaseModel):
    """Which service and key: set per engine (``[engines.NAME]``) or at the top level."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    #: the second half of a key pair (Papago's client id)
    api_key_id: SecretStr | None = None


class EngineTransport(BaseModel):
    """How requests are made: top-level settings, the same for every engine."""

    model_config = ConfigDict(extra="forbid")

    timeout: float = 120.0
    max_retries: int = 4
    backoff: float = 1.0
    #: USD per million tokens, (prompt, completion), overriding the built-in table.
    prices: dict[str, tuple[float, float]] = Field(default_factory=dict)
    temperature: float | None = 0.0
    #: Largest engine response body read, in bytes (None: a few times the request's size).
    max_answer_bytes: int | None = Field(default=None, ge=1024)


class EngineProfile(EngineAccess):
    """One engine's own settings: ``[engines.NAME]`` in the config file."""

    #: the service's own glossary (DeepL glossary id, Papago glossaryKey)
    glossary_id: str | None = None
    #: ``hf``: torch device (default: cuda when present, else cpu)
    device: str | None = None


class EngineSettings(EngineProfile, EngineTransport):
    """What an engine needs to know: the part of :class:`Settings` it sees.

    Its fields are declared once, in :class:`EngineAccess` (also top-level and per-engine settings),
    :class:`EngineTransport` (also top-level settings) and :class:`EngineProfile` (per engine only).
    """


class _SettingsFields(EngineAccess, EngineTransport):
    """The fields of :class:`Settings` (the engine fields come from :class:`EngineAccess` and
    :class:`EngineTransport`); also those of the environment reader (:func:`_env_model`)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    target: str = "ko"
    style: Literal["academic", "formal"] = "academic"
    engine: str | None = None
    engines: dict[str, EngineProfile] = Field(default_factory=dict)
    deepl_glossary: str | None = None
    papago_glossary: str | None = None
    concurrency: int = Field(default=8, ge=1, le=256)
    batch_tokens: int = Field(default=2500, ge=50)
    cache: Path | None = None
    glossary: Path | None = None
    compile: bool = True
    compile_timeout: float = Field(default=600.0, gt=0)  # one build (all its passes) at most
    compile_budget: float = Field(default=1200.0, gt=0)  # every TeX run of a job together
    compile_sandbox: Literal["auto", "bwrap", "none"] = "auto"  # bubblewrap when it works; "bwrap": required
    force: bool = False
    pages: str | None = None  # PDF input: 1-based page selection such as "1-10" or "2,5-7"
    dual: Literal["side", "alternate"] = "side"  # PDF input: layout of paper.dual.pdf
    offline_assets: bool = False  # HTML input: download the page's images and styles beside paper.ko.html
    outputs: list[str] | None = None  # --outputs: pdf, html, bilingual, md, jsonl (None: all the input allows)
    # arXiv (env ARXIV_TRANSLATOR_ARXIV_URL, _ARXIV_API_URL, _ARXIV_INTERVAL, _ARXIV_RETRIES, _DOWNLOADS)
    arxiv_url: str | None = None
    arxiv_api_url: str | None = None
    arxiv_interval: float = Field(default=3.0, ge=0)  # seconds between requests to arXiv
    arxiv_retries: int = Field(default=4, ge=0)
    downloads: Path | None = None  # the arXiv download cache folder


class Settings(_SettingsFields):
    """Every setting of a translation job.

    Like a pydantic-settings ``BaseSettings``: ``Settings(**values)`` fills the fields not given from
    the ``ARXIV_TRANSLATOR_*`` environment variables (nested with ``__``; given values win, nested
    tables merged), and so does ``Settings.model_validate(data)`` (pydantic calls ``__init__``).
    """

    def __init__(self, **data: Any) -> None:
        if _env_names():
            env = _env_model()(**data)  # raises ValidationError as BaseSettings would
            data = {name: getattr(env, name) for name in env.model_fields_set}
        super().__init__(**data)

    def openai_configured(self) -> bool:
        """True when an OpenAI key or endpoint is set anywhere (settings, config file or vendor variable)."""
        engine = self.engine_settings("openai")
        return bool(engine.api_key or engine.base_url)

    def engine_settings(self, name: str | None = None) -> EngineSettings:
        """Engine ``name``'s view of these settings (default: the configured engine, else openai).

        Each value comes from the engine's ``[engines.NAME]`` table, else the
        top-level setting, else the vendor's environment variable (for keys of
        engines other than openai the vendor's variable comes before the
        top-level ``api_key``, which usually belongs to the default engine).
        """
        name = name or self.engine or "openai"
        profile = self.engines.get(name) or EngineProfile()
        vendor = VENDOR_ENV.get(name, {})

        def pick(key: str) -> Any:
            secret = key in ("api_key", "api_key_id")
            env = os.environ.get(vendor.get(key, "")) or None
            from_env = (SecretStr(env) if secret else env) if env else None
            # a top-level key usually belongs to the default engine: the vendor's own variable wins it for others
            order = [getattr(profile, key), getattr(self, key, None), from_env]
            if secret and name != "openai":
                order = [order[0], order[2], order[1]]
            return next((v for v in order if v is not None), None)

        glossary = profile.glossary_id or {"deepl": self.deepl_glossary, "papago": self.papago_glossary}.get(name)
        access = {key: pick(key) for key in EngineAccess.model_fields}
        access["base_url"] = access["base_url"] or None
        transport = {key: getattr(self, key) for key in EngineTransport.model_fields}
        return EngineSettings(**access, **transport, glossary_id=glossary, device=profile.device)

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


def env_settings() -> Settings:
    """Settings from the environment alone (no config file): for code that has no Settings handed to it."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(f"environment: {_first_error(exc)}") from None


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from the config file, the environment and ``overrides``.

    ``overrides`` (from the CLI) whose value is ``None`` are ignored.
    """
    path = config_file or (Path(os.environ[ENV_PREFIX + "CONFIG"]) if os.environ.get(ENV_PREFIX + "CONFIG") else None)
    data: dict[str, Any] = {}
    if path is None and default_config_path().is_file():
        path = default_config_path()
    if path is not None:
        import tomllib  # only with a config file (most runs have none): ~3 ms of start-up

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
    cli = {k: v for k, v in overrides.items() if v is not None}
    merged = {**base, **env, **cli}
    if "engines" in base and "engines" in env:  # one engine's table from the file, another's from the env
        merged["engines"] = {**base["engines"], **env["engines"]}
    _cli_wins(merged, cli)
    try:
        return Settings.model_validate(merged) if merged else Settings()
    except ValidationError as exc:
        raise ConfigError(f"settings: {_first_error(exc)}") from None


def _cli_wins(merged: dict[str, Any], cli: dict[str, Any]) -> None:
    """``--model`` / ``--base-url`` beat the chosen engine's ``[engines.NAME]`` table."""
    name = merged.get("engine") or "openai"
    profile = (merged.get("engines") or {}).get(name)
    if profile is None:
        return
    profile = profile.model_dump(exclude_unset=True) if isinstance(profile, BaseModel) else dict(profile)
    for key in ("model", "base_url"):
        if key in cli:
            profile.pop(key, None)
    merged["engines"] = {**merged["engines"], name: profile}


def _env_names() -> bool:
    """True when some ``ARXIV_TRANSLATOR_*`` variable (any case; not ``_CONFIG``) is set."""
    config = ENV_PREFIX + "CONFIG"
    return any(k.upper().startswith(ENV_PREFIX) and k.upper() != config for k in os.environ)


@lru_cache(maxsize=1)
def _env_model() -> type[BaseModel]:
    """The pydantic-settings class with :class:`Settings`' fields that reads the environment (built once, on
    first need, so that a run without ``ARXIV_TRANSLATOR_*`` variables never imports pydantic-settings)."""
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class Settings(BaseSettings, _SettingsFields):  # the same name in its validation errors
        model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", validate_default=True,
                                          env_nested_delimiter="__")

    return Settings


def _env_values() -> dict[str, Any]:
    """``ARXIV_TRANSLATOR_*`` variables, validated through a settings instance."""
    if not _env_names():
        return {}
    try:
        return _env_model()().model_dump(exclude_unset=True)
    except ValidationError as exc:
        raise ConfigError(f"environment: {_first_error(exc)}") from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "value"
    return f"{where}: {err.get('msg', 'invalid')}"
