"""Settings: defaults < TOML < environment < CLI; unknown keys are errors."""

from __future__ import annotations

import pytest

from arxiv_translator.config import load_settings
from arxiv_translator.errors import ConfigError


def test_layers(tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text('engine = "openai"\nmodel = "from-file"\nconcurrency = 3\n', encoding="utf-8")
    assert load_settings(config).model == "from-file"
    monkeypatch.setenv("ARXIV_TRANSLATOR_MODEL", "from-env")
    settings = load_settings(config)
    assert (settings.model, settings.concurrency, settings.engine) == ("from-env", 3, "openai")
    assert load_settings(config, model="from-cli").model == "from-cli"


@pytest.mark.parametrize("text,words", [
    ('enigne = "openai"\n', "enigne"),
    ("concurrency = 0\n", "concurrency"),
    ("not toml at all [\n", "not valid TOML"),
])
def test_bad_config_file(tmp_path, text, words):
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert words in str(info.value) and "c.toml" in str(info.value)


def test_openai_env_fallbacks(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    engine = load_settings().engine_settings()
    assert engine.api_key.get_secret_value() == "sk-env" and engine.base_url == "http://127.0.0.1:1/v1"


def test_engine_settings_are_declared_once_and_all_reach_the_engine():
    """Each engine field is declared in one class; a top-level value of every shared field reaches the engine."""
    from arxiv_translator.config import EngineAccess, EngineProfile, EngineSettings, EngineTransport, Settings

    shared = set(EngineAccess.model_fields) | set(EngineTransport.model_fields)
    assert set(EngineSettings.model_fields) == shared | {"glossary_id", "device"}
    assert shared <= set(Settings.model_fields) and set(EngineProfile.model_fields) - shared == {"glossary_id", "device"}
    values = {"model": "m1", "base_url": "http://llm.test/v1", "api_key": "k1", "api_key_id": "id1", "timeout": 7.5,
              "max_retries": 2, "backoff": 0.25, "prices": {"m1": (1.0, 2.0)}, "temperature": 0.5,
              "max_answer_bytes": 4096}
    assert set(values) == shared  # the table below covers every shared field
    seen = Settings(engine="openai", **values).engine_settings()
    for key, value in values.items():
        got = getattr(seen, key)
        assert (got.get_secret_value() if hasattr(got, "get_secret_value") else got) == value, key


def test_settings_read_the_environment_under_given_values(monkeypatch):
    """``Settings(**values)`` fills what is not given from ``ARXIV_TRANSLATOR_*`` (nested tables merged), as
    pydantic-settings does (``model_validate`` too); a bad variable is a validation error."""
    from pydantic import ValidationError

    from arxiv_translator.config import Settings

    monkeypatch.setenv("ARXIV_TRANSLATOR_CONCURRENCY", "3")
    monkeypatch.setenv("ARXIV_TRANSLATOR_MODEL", "from-env")
    monkeypatch.setenv("ARXIV_TRANSLATOR_ENGINES__OPENAI__API_KEY", "sk-nested")
    settings = Settings(model="given", engines={"openai": {"model": "m"}})
    assert (settings.concurrency, settings.model) == (3, "given")
    assert settings.engines["openai"].model == "m"
    assert settings.engines["openai"].api_key.get_secret_value() == "sk-nested"
    assert Settings.model_validate({"engine": "pseudo", "concurrency": 4}).concurrency == 4
    assert Settings.model_validate({"engine": "pseudo"}).concurrency == 3
    monkeypatch.setenv("ARXIV_TRANSLATOR_CONCURRENCY", "0")
    with pytest.raises(ValidationError):
        Settings()
    with pytest.raises(ConfigError, match="environment: concurrency"):
        load_settings()
