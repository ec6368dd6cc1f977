"""The local ``hf`` engine on tiny random models the test builds itself (no download).

The models are random, so their output is gibberish (Hangul syllables from
a tiny word-level vocabulary); the tests check the mechanics: token-bounded
batching, placeholders kept outside the model, final statuses and the report.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import pytest

from arxiv_translator.cli import main
from arxiv_translator.config import EngineSettings, Settings
from arxiv_translator.engines import create_engine, hf
from arxiv_translator.engines.base import BatchContext
from arxiv_translator.pipeline import Job, run

needs_transformers = pytest.mark.skipif(
    importlib.util.find_spec("transformers") is None or importlib.util.find_spec("torch") is None,
    reason="transformers/torch not installed (pip install torch==2.13.0 'arxiv-translator[hf]')")


def build_models(root: Path) -> dict[str, Path]:
    """A tiny seq2seq (BART) and a tiny causal (GPT-2) model sharing a word-level tokenizer."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (BartConfig, BartForConditionalGeneration, GPT2Config, GPT2LMHeadModel,
                              PreTrainedTokenizerFast)

    torch.manual_seed(0)
    specials = ["<pad>", "<s>", "</s>", "<unk>"]
    words = [chr(0xAC00 + i * 37) for i in range(300)] + "the a of model we is to and in".split()
    vocab = {t: i for i, t in enumerate(specials + words)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>")
    seq2seq = BartForConditionalGeneration(BartConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=1100,
        pad_token_id=0, bos_token_id=1, eos_token_id=2, decoder_start_token_id=2))
    causal = GPT2LMHeadModel(GPT2Config(vocab_size=len(vocab), n_embd=16, n_layer=1, n_head=2, n_positions=2048,
                                        bos_token_id=1, eos_token_id=2, pad_token_id=0))
    paths = {"seq2seq": root / "tiny-bart", "causal": root / "tiny-gpt2"}
    for name, model in (("seq2seq", seq2seq), ("causal", causal)):
        model.save_pretrained(paths[name])
        fast.save_pretrained(paths[name])
    return paths


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    return build_models(tmp_path_factory.mktemp("hf"))


@needs_transformers
def test_sample_paper_through_a_local_seq2seq_model(tiny, tmp_path, sample_paper, monkeypatch):
    monkeypatch.setattr(hf, "MAX_NEW_TOKENS", 48)  # a random model never stops by itself: keep it quick
    settings = Settings(engine="hf", model=str(tiny["seq2seq"]), compile=False)
    report = run(Job(source=sample_paper, settings=settings, out=tmp_path / "out"))
    segs = report["segments"]
    assert segs["translated"] + segs["cached"] + segs["kept"] + segs["failed"] == segs["total"] >= 40
    assert segs["translated"] >= 1
    assert report["tokens"]["prompt"] > 0 and report["tokens"]["completion"] > 0 and report["cost_usd"] == 0
    assert report["requests"] >= 1 and report["engine"]["model"] == str(tiny["seq2seq"])
    assert "weights=" in report["signature"]["options"]
    for line in (tmp_path / "out" / "segments.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert row["status"] in ("translated", "kept", "failed") and (row["status"] != "failed" or row["reason"])
        for needle in ("\\cite", "\\ref", "\\label", "$", "\\url"):
            assert row["source"].count(needle) == row["translation"].count(needle), (needle, row)
        if row["status"] == "translated":  # the model's words, the source's spans
            assert any("\uac00" <= c <= "\ud7a3" for c in row["translation"])


@needs_transformers
@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_placeholders_never_reach_the_model_and_batches_follow_tokens(kind, tiny, monkeypatch):
    engine = create_engine("hf", EngineSettings(model=str(tiny[kind])))
    engine.check()
    items = [f"Sentence {i} of the model <x1/> and the <g2>bold words</g2> in <x3/> here." for i in range(12)]
    monkeypatch.setattr(hf, "HF_BATCH_TOKENS", 64)
    small = asyncio.run(engine.translate(items, BatchContext()))
    again = asyncio.run(engine.translate(items, BatchContext()))
    assert again.texts == small.texts and again.prompt_tokens == 0  # remembered, not generated again
    monkeypatch.setattr(hf, "HF_BATCH_TOKENS", 100_000)
    engine._memo.clear()
    large = asyncio.run(engine.translate(items, BatchContext()))
    assert large.requests == 1 < small.requests  # token-bounded batches
    for item, text in zip(items, small.texts):
        assert text is not None
        assert [text.count(t) for t in ("<x1/>", "<g2>", "</g2>", "<x3/>")] == [1, 1, 1, 1]
        assert text.index("<x1/>") < text.index("<g2>") < text.index("</g2>") < text.index("<x3/>")
        assert "Sentence" not in text and "bold" not in text  # every prose run went through the model
    assert small.prompt_tokens > 0 and small.completion_tokens > 0


def _one_line_error(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return code, err[0]


def test_a_model_folder_that_does_not_exist(tmp_path, sample_paper, capsys):
    if importlib.util.find_spec("transformers") is None:
        pytest.skip("transformers not installed: the missing-package error comes first")
    code, err = _one_line_error(capsys, ["translate", str(sample_paper), "--engine", "hf", "--model",
                                         str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert code == 3 and "engine hf: model folder" in err and "does not exist" in err
    assert not (tmp_path / "out").exists()


@needs_transformers
def test_a_folder_that_is_not_a_model(tmp_path, sample_paper, capsys):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "config.json").write_text('{"model_type": "no-such-architecture"}', encoding="utf-8")
    code, err = _one_line_error(capsys, ["translate", str(sample_paper), "--engine", "hf", "--model",
                                         str(tmp_path / "m"), "--out", str(tmp_path / "out")])
    assert code == 3 and err.startswith("arxiv-translator: error: engine hf: cannot load the model in")
    assert not (tmp_path / "out").exists()


def test_transformers_not_installed(tmp_path, sample_paper, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(hf.importlib.util, "find_spec",
                        lambda name, *a: None if name in ("transformers", "torch") else real(name, *a))
    code, err = _one_line_error(capsys, ["translate", str(sample_paper), "--engine", "hf", "--model",
                                         str(tmp_path), "--out", str(tmp_path / "out")])
    assert code == 3 and "engine hf: transformers is not installed" in err and "arxiv-translator[hf]" in err
    assert not (tmp_path / "out").exists()
