"""The term base: built-in data, matching rules, user CSV overrides, checks."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest

from arxiv_translator.errors import ConfigError
from arxiv_translator.glossary import Glossary, Term

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def builtin_rows() -> list[list[str]]:
    raw = resources.files("arxiv_translator").joinpath("data").joinpath("glossary_ko.csv").read_text("utf-8")
    return list(csv.reader(raw.splitlines()))


SMALL = Glossary(
    [
        Term("gradient", "그래디언트"),
        Term("gradient descent", "경사 하강법"),
        Term("stochastic gradient descent", "확률적 경사 하강법"),
        Term("embedding", "임베딩"),
        Term("fine-tuning", "미세 조정"),
        Term("policy", "정책"),
        Term("loss", "손실"),
        Term("GAN", ""),
        Term("LoRA", ""),
        Term("Adam", ""),
        Term("Transformer", ""),
        Term("x1", ""),
        Term("g", ""),
    ]
)


# --- built-in term base ------------------------------------------------------


def test_builtin_file_is_well_formed() -> None:
    rows = builtin_rows()
    assert rows[0] == ["en", "ko"]
    assert all(len(row) == 2 for row in rows[1:])
    assert len(rows) - 1 >= 330


def test_builtin_has_no_duplicate_terms() -> None:
    keys = [re.sub(r"[\s-]+", " ", en).casefold() for en, _ in builtin_rows()[1:]]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert duplicates == []
    assert len(Glossary.builtin()) == len(keys) >= 300


def test_builtin_values_are_hangul_or_empty() -> None:
    for term in Glossary.builtin():
        assert term.en == term.en.strip() and term.en
        assert term.ko == "" or HANGUL.search(term.ko), term
        assert "&" not in term.ko and "<" not in term.ko, term
    kept = [t for t in Glossary.builtin() if t.keep]
    assert 50 < len(kept) < len(Glossary.builtin()) / 2


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        ("fine-tuning", "미세 조정"),
        ("gradient descent", "경사 하강법"),
        ("overfitting", "과적합"),
        ("loss function", "손실 함수"),
        ("reinforcement learning", "강화 학습"),
        ("hyperparameter", "하이퍼파라미터"),
        ("token", "토큰"),
        ("Transformer", ""),
        ("LoRA", ""),
        ("BERT", ""),
        ("ImageNet", ""),
    ],
)
def test_builtin_entries(en: str, ko: str) -> None:
    assert {t.en: t.ko for t in Glossary.builtin()}[en] == ko


@pytest.mark.parametrize("target", ["en", "xx", "../ko", ""])
def test_other_targets_have_no_builtin(target: str) -> None:
    assert len(Glossary.builtin(target)) == 0
    assert Glossary.builtin(target).hits("fine-tuning") == []


# --- matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the longest term wins
        ("We train with stochastic gradient descent.", ["stochastic gradient descent"]),
        ("gradient descent follows the gradient", ["gradient descent", "gradient"]),
        ("Gradient Descent", ["gradient descent"]),
        # plurals and simple inflection
        ("Gradients explode.", ["gradient"]),
        ("word embeddings", ["embedding"]),
        ("two policies", ["policy"]),
        ("training losses", ["loss"]),
        ("a fine-tuned model", ["fine-tuning"]),
        ("GANs and LoRAs", ["GAN", "LoRA"]),
        # hyphen and space variants
        ("fine tuning", ["fine-tuning"]),
        ("finetuning", ["fine-tuning"]),
        ("Fine-Tuning", ["fine-tuning"]),
        ("gradient-descent methods", ["gradient descent"]),
        # whole words, and case rules for acronyms and names
        ("an organ", []),
        ("gan", []),
        ("StyleGAN", []),
        ("GAN-based", ["GAN"]),
        ("lora", []),
        ("ADAM or adam", ["Adam"]),
        ("transformers", ["Transformer"]),
        ("embeddingspace", []),
        # placeholders never match; terms next to them do
        ("<x1/> and <g2>text</g2>", []),
        ("x1 and g", ["x1", "g"]),
        ("<g1>GAN</g1>-based<x2/>", ["GAN"]),
        # first occurrence order, each term once
        ("loss GAN loss gradient GAN", ["loss", "GAN", "gradient"]),
        ("", []),
    ],
)
def test_hits(text: str, expected: list[str]) -> None:
    assert [t.en for t in SMALL.hits(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We fine-tuned BERT with LoRA adapters.", ["fine-tuning", "BERT", "LoRA", "adapter"]),
        ("large language models (LLMs)", ["large language model", "LLM"]),
        ("state of the art results", ["state-of-the-art"]),
        ("Chain-of-Thought prompting", ["chain-of-thought"]),
        ("the KL divergence", ["KL divergence"]),
        ("Recall that", []),
    ],
)
def test_builtin_hits(text: str, expected: list[str]) -> None:
    assert [t.en for t in Glossary.builtin().hits(text)] == expected


def test_empty_glossary_hits_nothing() -> None:
    assert Glossary([]).hits("fine-tuning") == []
    assert len(Glossary([])) == 0


# --- overrides and user CSV --------------------------------------------------


def test_later_terms_override_earlier_ones() -> None:
    g = Glossary([Term("GAN", "간"), Term("gan", ""), Term("fine tuning", "a"), Term("fine-tuning", "b")])
    assert [(t.en, t.ko) for t in g] == [("gan", ""), ("fine-tuning", "b")]


def test_user_csv_overrides_builtin(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "en,ko\nfine-tuning,파인튜닝\ngradient descent,\n# a comment\n\nmy new term,새 용어\n", encoding="utf-8"
    )
    builtin = Glossary.builtin()
    g = Glossary.load(path)
    ko = {t.en: t.ko for t in g}
    assert ko["fine-tuning"] == "파인튜닝"
    assert ko["gradient descent"] == ""
    assert ko["my new term"] == "새 용어"
    assert len(g) == len(builtin) + 1
    assert [t.en for t in g.hits("my new terms")] == ["my new term"]
    assert Glossary.load(None).digest() == builtin.digest()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xef\xbb\xbfen,ko\r\nfoo,\xeb\xb0\x94\r\n", [("foo", "바")]),  # BOM, CRLF
        ("foo,바\nbar\n".encode(), [("foo", "바"), ("bar", "")]),  # no header, one column
        ('"a, b","가, 나"\n'.encode(), [("a, b", "가, 나")]),  # quoted commas
        ("  spaced  ,  미세   조정 \n".encode(), [("spaced", "미세 조정")]),
        (b"", []),
    ],
)
def test_read_csv(tmp_path: Path, content: bytes, expected: list[tuple[str, str]]) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(content)
    assert [(t.en, t.ko) for t in Glossary.read_csv(path)] == expected


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("en,ko\na,b,c\n".encode(), 2),
        ("en,ko\nok,좋음\n,빈칸\n".encode(), 3),
        (b"en,ko\nok,x\n\xff\xfe,y\n", 3),
        ('en,ko\nok,x\n"a"b,c\n'.encode(), 3),
        ("en,ko\n\n\nx,1,2\n".encode(), 4),
        (("en,ko\nok,x\n" + "a" * 201 + ",b\n").encode(), 3),
        (b"\"multi\nline\",x\n", 2),
    ],
)
def test_bad_csv_rows(tmp_path: Path, content: bytes, line: int) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        Glossary.read_csv(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: ")
    assert "\n" not in message


def test_missing_csv(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(ConfigError, match="glossary file not found") as info:
        Glossary.load(path)
    assert str(path) in str(info.value)


# --- digest, prompt lines, violations ----------------------------------------


def test_digest() -> None:
    a = Glossary([Term("loss", "손실"), Term("GAN", "")])
    assert re.fullmatch(r"[0-9a-f]{16}", a.digest())
    assert a.digest() == Glossary([Term("GAN", ""), Term("loss", "손실")]).digest()
    assert a.digest() != Glossary([Term("loss", "로스"), Term("GAN", "")]).digest()
    assert a.digest() != Glossary([Term("loss", "손실"), Term("GAN", "간")]).digest()
    assert a.digest() != Glossary([Term("loss", "손실")]).digest()


def test_prompt_lines_and_keep() -> None:
    terms = [Term("fine-tuning", "미세 조정"), Term("Transformer", "")]
    assert SMALL.prompt_lines(terms) == ["fine-tuning → 미세 조정", "Transformer → (keep in English)"]
    assert [t.keep for t in terms] == [False, True]


@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [
        ("We use fine-tuning.", "미세 조정을 사용한다.", []),
        ("We use fine-tuning.", "미세조정을 사용한다.", []),
        ("We use fine-tuning.", "파인튜닝을 사용한다.", ["fine-tuning: expected 미세 조정"]),
        ("The Transformer model", "Transformer 모델", []),
        ("The Transformer model", "transformer 모델", []),
        ("The Transformer model", "트랜스포머 모델", ["Transformer:"]),
        ("GANs and losses", "GAN과 손실", []),
        ("GANs and losses", "간과 로스", ["GAN:", "loss: expected 손실"]),
        ("Nothing to see", "볼 것 없음", []),
        ("<x1/> is fine", "<x1/>은 좋다", []),
    ],
)
def test_violations(source: str, translation: str, expected: list[str]) -> None:
    found = SMALL.violations(source, translation)
    assert len(found) == len(expected)
    for message, start in zip(found, expected):
        assert message.startswith(start)
        assert "\n" not in message


def _reference_matches(g: Glossary, text: str) -> list[tuple[int, int, int]]:
    """Matches confirmed with the case-sensitive trie of *all* terms (the matcher before per-letter tries)."""
    from arxiv_translator.glossary import _AS_SPACE, _trie_regex
    from arxiv_translator.placeholders import PLACEHOLDER_RE

    folded, full = _trie_regex(g._ens, True), _trie_regex(g._ens, False)
    text = PLACEHOLDER_RE.sub(lambda m: "\0" * len(m.group()), text)
    text = text.translate(_AS_SPACE) if g._spaced else text  # the tries' separators are spaces then
    low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    out, pos = [], 0
    while folded is not None and (m := folded.search(low, pos)) is not None:
        index = int(m.lastgroup[1:])
        if g._exact[index]:
            start = m.start()
            m = full.match(text, start)
            if m is None:
                pos = start + 1
                continue
            index = int(m.lastgroup[1:])
        out.append((m.start(), m.end(), index))
        pos = m.end()
    return out


def test_per_letter_case_tries_match_like_the_whole_trie():
    """Case-sensitive terms are confirmed by a trie of the terms sharing the first letter: same answers."""
    from conftest import CORPUS

    g = Glossary.load()
    texts = ["GAN and gan and Gan; GANs train. LoRA, lora, LORA. F1 score, f1. SGD vs sgd <x1/>GAN<x2/>",
             "İstanbul GAN-based BERT bert Bert models, k-means, K-Means."]
    for tex in sorted((CORPUS / "latex").glob("*/*.tex"))[:40]:
        texts += tex.read_text(encoding="utf-8", errors="replace").split("\n\n")[:60]
    hits = 0
    for text in texts:
        got = list(g._matches(text))
        assert got == _reference_matches(g, text), text[:120]
        hits += len(got)
    assert hits > 500


def test_separator_list_is_the_separator_class() -> None:
    """The characters written as spaces before scanning are exactly those the separator pattern matches."""
    from arxiv_translator import glossary

    sep = re.compile(glossary._SEP_CHARS)
    wanted = {chr(c) for c in range(0x110000) if sep.fullmatch(chr(c))}
    assert set(glossary._SEPARATORS) == wanted and len(glossary._SEPARATORS) == len(wanted)


def test_spaced_scan_finds_what_the_separator_class_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in glossary (and one whose terms hold a ``~``, scanned the old way) finds the same spans on
    text with every kind of separator when the separators are turned into spaces first."""
    import itertools

    from arxiv_translator import glossary

    builtin = list(Glossary.builtin("ko"))
    seps = [" ", "-", "~", "\u2010", "\u2011", "\t", "\n", "\xa0", "\u3000", "  ", "- ", ""]
    texts = []
    for term, sep in zip(itertools.islice(itertools.cycle(builtin), 3 * len(builtin)), itertools.cycle(seps)):
        words = re.split(r"[\s-]+", term.en)
        texts.append(f"The {sep.join(words)}s and {sep.join(w.upper() for w in words)}, <x1/>{term.en}ing "
                     f"{term.en.lower()}ed.")
    texts.append("Fine~tuning a GAN (organ gan) with deep‑learning and state‐of‐the‐art large\u3000language models.")
    weird = Glossary([Term("a~b", "에이비"), Term("fine tuning", "미세 조정")])
    assert glossary._spaced(tuple(t.en for t in builtin)) and not glossary._spaced(("a~b", "fine tuning"))

    def spans(g: Glossary) -> list:
        return [[(a, b, t.en) for a, b, t in g.spans(text)] for text in texts + ["x a~b y fine-tuning"]]

    new = spans(Glossary(builtin)), spans(weird)
    monkeypatch.setattr(glossary, "_spaced", lambda terms: False)
    glossary._trie_regex.cache_clear()
    glossary._exact_regex.cache_clear()
    try:
        old = spans(Glossary(builtin)), spans(weird)
    finally:
        glossary._trie_regex.cache_clear()
        glossary._exact_regex.cache_clear()
    assert new == old
    assert sum(len(s) for s in new[0]) > 2 * len(builtin)  # the texts hold many hits
    assert new[1][-1] == [(2, 5, "a~b"), (8, 19, "fine tuning")]


def test_within_a_document_scans_as_the_whole_glossary():
    """``within(texts)`` leaves out the terms that cannot occur in the texts (a smaller regex to compile), and
    finds exactly what the whole glossary finds in each text and in texts joined as batches are."""
    from conftest import CORPUS

    g = Glossary.load()
    texts = ["Studies of fine‑tuning and finetuned GANs, gan and Gan; LoRA-based k-means. <x1/>BERT<x2/>",
             "İstanbul, state-of-the-art pre training; over-fitting; test-time compute."]
    for tex in sorted((CORPUS / "latex").glob("*/*.tex"))[:30]:
        texts += tex.read_text(encoding="utf-8", errors="replace").split("\n\n")[:40]
    view = g.within(texts)
    assert view._only is not None and 50 < len(view._only) < len(g) * 0.8, len(view._only or ())
    assert len(view) == len(g) and view.digest() == g.digest()
    hits = 0
    for text in texts + ["\n".join(texts[i:i + 7]) for i in range(0, len(texts), 7)]:
        assert view.spans(text) == g.spans(text), text[:120]
        hits += len(view.spans(text))
    assert hits > 500
    for word, term in [("trajectories", "trajectory"), ("finetuning", "fine-tuning"), ("Pretraining", "pre-training"),
                       ("fine-tuned", "fine-tuning")]:
        assert [t.en for t in g.within([f"some {word} here"]).hits(f"some {word} here")] == [term]
    assert g.within(["nothing of the kind"]).hits("a GAN") == []  # a text it was not made for: not its job


def test_within_keeps_the_whole_tries_order():
    """Two terms both matching at one place: the view answers with the one the whole trie prefers, whichever
    other terms it leaves out ("pretty", first in the trie's branch of "pretrain", is not in the text: a trie
    built without it would try "pre-train" first)."""
    g = Glossary([Term("pretty", "꽤"), Term("pre-train", "사전 학습"), Term("pretrain", "프리트레인"),
                  Term("protein", "단백질")])
    text = "we pretrain models"
    expected = g.spans(text)
    assert [t.en for _, _, t in expected] == ["pretrain"]
    for texts in ([text], [text, "a protein"], [text, "pretty"]):
        assert g.within(texts).spans(text) == expected
    assert g.within([text])._only == {1, 2}


def test_within_leaves_out_terms_whose_later_words_are_missing():
    """A term's word after a space begins a word of the text wherever it matches: "gradient descent" is left
    out of a document that never writes "descent", "gradient" is kept; a hyphen may join words
    ("finetuning"), so the word after it is not required."""
    g = Glossary([Term("gradient descent", "경사 하강법"), Term("gradient", "그래디언트"),
                  Term("fine-tuning", "미세 조정")])
    view = g.within(["a gradient step, then finetuning"])
    assert view._only == {1, 2}
    assert [t.en for t in view.hits("a gradient step, then finetuning")] == ["gradient", "fine-tuning"]
    assert g.within(["gradient  descent"])._only == {0, 1}
