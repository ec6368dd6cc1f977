"""Placeholder carriers, Papago's 5,000-character packing, per-engine settings, `engines`, `--estimate`."""

from __future__ import annotations

import asyncio
import json

import pytest
from fake_services import FakePapago

from arxiv_translator.cli import main
from arxiv_translator.config import EngineSettings, load_settings
from arxiv_translator.engines import ENGINES, create_engine, engine_class
from arxiv_translator.config import Settings
from arxiv_translator.engines.base import BatchContext, Capabilities
from arxiv_translator.engines.pseudo import PseudoEngine
from arxiv_translator.pipeline import Job, run
from arxiv_translator.engines.markup import (braces_safe, from_braces, from_html, from_xml, join_runs, same_tags,
                                             split_runs, to_braces, to_html, to_xml)
from arxiv_translator.engines.papago import MAX_CHARS, pack, sentences

MASKED = [
    "We set <x1/> and <g2>train</g2> the model.",
    "Costs < 5 & gains > 3 for <x1/>, \"quoted\" and 'single'.",
    "<g1>Nested <g2>inner</g2> words</g1> end <x3/>",
    "No placeholders at all.",
    "Literal entity &amp; stays text <x1/>",
]


@pytest.mark.parametrize("masked", MASKED)
def test_xml_and_html_carriers_round_trip(masked):
    assert from_xml(to_xml(masked)) == masked
    assert from_html(to_html(masked)) == masked
    assert "<x" not in to_html(masked) and "<g" not in to_html(masked)


@pytest.mark.parametrize("masked", MASKED)
def test_brace_carrier_round_trips(masked):
    assert braces_safe(masked)
    assert from_braces(to_braces(masked), masked) == masked


def test_html_answer_with_moved_and_respelled_spans():
    answer = "<SPAN id='g2'>훈련</SPAN>하고 <span translate=\"no\" id=\"x1\"></span>를 정한다 &#39;ok&#39;"
    assert from_html(answer) == "<g2>훈련</g2>하고 <x1/>를 정한다 'ok'"


def test_braces_tolerate_spacing_and_full_width_but_not_loss():
    masked = "We set <x1/> and <g2>train</g2> it."
    assert from_braces("우리는 { 1 } 과 ｛2｝훈련｛/2｝", masked) == "우리는 <x1/> 과 <g2>훈련</g2>"
    assert not same_tags(masked, from_braces("우리는 과 {2}훈련{/2}", masked))
    assert not braces_safe("a {3} in the prose <x1/>")


def test_runs_keep_every_tag_and_outer_spaces():
    masked = "See <x1/> for <g2>more details</g2>, then <x3/>."
    pieces = split_runs(masked)
    prose = [text for text, is_prose in pieces if is_prose]
    assert prose == ["See ", " for ", "more details", ", then "]
    assert join_runs(pieces, ["가", "나", "다", "라"]) == "가 <x1/> 나 <g2>다</g2>라 <x3/>."


def test_papago_packing_never_splits_a_segment_that_fits():
    lengths = [3000, 1500, 499, 1, 4999, 5000]
    groups = pack(lengths)
    assert [i for g in groups for i in g] == list(range(len(lengths)))
    for g in groups:
        assert sum(lengths[i] for i in g) + len(g) - 1 <= MAX_CHARS
    long = " ".join(f"Sentence number {i} is about adapters." for i in range(400))
    parts = sentences(long)
    assert len(parts) > 1 and all(len(p) <= MAX_CHARS for p in parts)
    assert " ".join(parts).split() == long.split()


def test_papago_long_segment_is_split_between_sentences():
    long = " ".join(f"Sentence number {i} is about <x1/> adapters." if i == 0 else
                    f"Sentence number {i} is about adapters." for i in range(300))
    with FakePapago() as server:
        engine = create_engine("papago", EngineSettings(base_url=server.base_url, api_key="test-key",
                                                        api_key_id="test-id"))
        result = asyncio.run(engine.translate([long, "A short one."], BatchContext()))
        sizes = [len(b["text"]) for b in server.bodies]
    assert result.requests == len(sizes) >= 3 and max(sizes) <= MAX_CHARS
    assert result.texts[0].count("<x1/>") == 1 and "Sentence" not in result.texts[0]
    assert result.billed_chars == sum(sizes)


def test_engine_settings_layers(tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text('engine = "deepl"\nmodel = "top"\n[engines.deepl]\napi_key = "from-file:fx"\n'
                      'model = "quality_optimized"\n[engines.anthropic]\nmodel = "claude-haiku-4-5"\n',
                      encoding="utf-8")
    monkeypatch.setenv("GOOGLE_API_KEY", "g-vendor")
    monkeypatch.setenv("NCP_APIGW_API_KEY_ID", "id-vendor")
    monkeypatch.setenv("ARXIV_TRANSLATOR_ENGINES__PAPAGO__API_KEY", "p-env")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-deepl")
    settings = load_settings(config)
    deepl = settings.engine_settings()
    assert deepl.api_key.get_secret_value() == "from-file:fx" and deepl.model == "quality_optimized"
    assert settings.engine_settings("anthropic").model == "claude-haiku-4-5"
    assert settings.engine_settings("google").api_key.get_secret_value() == "g-vendor"
    papago = settings.engine_settings("papago")
    assert (papago.api_key.get_secret_value(), papago.api_key_id.get_secret_value()) == ("p-env", "id-vendor")
    assert load_settings(config, model="from-cli").engine_settings().model == "from-cli"
    assert load_settings(config, deepl_glossary="gl-1").engine_settings().glossary_id == "gl-1"
    monkeypatch.setenv("ARXIV_TRANSLATOR_API_KEY", "sk-top-level")
    monkeypatch.setenv("DEEPL_AUTH_KEY", "deepl-vendor")
    layered = load_settings()
    assert layered.engine_settings("deepl").api_key.get_secret_value() == "deepl-vendor"
    assert layered.engine_settings("openai").api_key.get_secret_value() == "sk-top-level"
    assert layered.engine_settings("anthropic").api_key.get_secret_value() == "sk-top-level"
    assert create_engine("deepl", EngineSettings(api_key="k", model="gpt-4o")).model == "deepl"
    bad = tmp_path / "bad.toml"
    bad.write_text('[engines.deepl]\napi_kee = "x"\n', encoding="utf-8")
    with pytest.raises(Exception, match="bad.toml"):
        load_settings(bad)


def test_engines_command_lists_every_engine(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DEEPL_AUTH_KEY", "k:fx")
    assert main(["engines"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line[:1] in (" ", "*") and line.split()
             and line.split()[0] in ENGINES}
    assert set(lines) == set(ENGINES)
    assert "ready" in lines["deepl"] and "ready" in lines["pseudo"]
    assert "ANTHROPIC_API_KEY" in lines["anthropic"] and "NCP_APIGW_API_KEY_ID" in lines["papago"]
    assert "needs:" in out and "arxiv-translator[hf]" in out


@pytest.mark.parametrize("name,unit", [("deepl", "characters"), ("google", "characters"), ("papago", "characters"),
                                       ("anthropic", "tokens"), ("openai", "tokens")])
def test_estimate_per_engine(name, unit, sample_paper, capsys):
    assert main(["translate", str(sample_paper), "--engine", name, "--estimate", "--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unit"] == unit and data["engine"]["name"] == name and data["cost_usd"] > 0
    if unit == "characters":
        assert data["billed_characters"] == data["characters"] > 3000 and data["tokens"]["prompt"] == 0
    else:
        assert data["tokens"]["prompt"] > 0 and data["billed_characters"] == 0


def test_price_table_is_overridable():
    engine = create_engine("deepl", EngineSettings(api_key="k", prices={"deepl": (10.0, 0.0)}))
    assert engine.cost_usd(0, 0, 1_000_000) == pytest.approx(10.0)
    free = create_engine("deepl", EngineSettings(api_key="k:fx"))
    assert free.cost_usd(0, 0, 1_000_000) == 0 and free.base_url == "https://api-free.deepl.com"
    claude = create_engine("anthropic", EngineSettings(api_key="k", model="claude-haiku-4-5"))
    assert claude.cost_usd(1_000_000, 1_000_000) == pytest.approx(6.0)


class CappedEngine(PseudoEngine):
    """Pseudo-translation behind small declared limits; records what it was sent."""

    name = "capped"
    capabilities = Capabilities(max_items=3, max_chars=400, concurrency=2, unit="characters")
    calls: list[list[str]] = []
    active = peak = 0

    async def translate(self, items, ctx):
        type(self).calls.append(items)
        type(self).active += 1
        type(self).peak = max(type(self).peak, type(self).active)
        await asyncio.sleep(0.01)
        type(self).active -= 1
        return await super().translate(items, ctx)


def test_capabilities_drive_batching(tmp_path, sample_paper, monkeypatch):
    monkeypatch.setitem(ENGINES, "capped", "test_engine_plumbing:CappedEngine")
    settings = Settings(engine="capped", compile=False, concurrency=8, batch_tokens=5000)
    report = run(Job(source=sample_paper, settings=settings, out=tmp_path / "out"))
    calls = CappedEngine.calls
    assert report["requests"] == len(calls) > 10
    assert all(len(c) <= 3 for c in calls)
    assert all(sum(map(len, c)) <= 400 for c in calls if len(c) > 1)  # a single longer segment goes alone
    assert CappedEngine.peak == 2  # --concurrency 8, capped by the engine
