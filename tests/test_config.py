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
