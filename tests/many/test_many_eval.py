"""``eval``: sacrebleu figures on tiny cases reasoned by hand, the sacrebleu CLI, alignment errors, batches."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from arxiv_translator.cli import main
from many_helpers import SMALL_MMD, pseudo_outputs, segments  # noqa: F401 - pseudo_outputs is a fixture


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def eval_json(capsys, *argv):
    assert main(["eval", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("hyp,ref,chrf,bleu", [
    # identical -> 100 on both
    (["트랜스포머는 주의 메커니즘을 쓴다.", "둘째 줄이다."], ["트랜스포머는 주의 메커니즘을 쓴다.", "둘째 줄이다."], 100.0, 100.0),
    # no character in common -> 0 on both
    (["가나"], ["다라"], 0.0, 0.0),
    # BLEU, char tokens 가 나 다 라 / 가 나 다 마: n-gram precisions 3/4, 2/3, 1/2 and 0/1, which the
    # 'exp' smoothing turns into 1/2; lengths equal (BP 1): (3/4 * 2/3 * 1/2 * 1/2) ** (1/4) = 0.5946
    (["가나다라"], ["가나다마"], None, 59.46),
    # chrF, 'abc' / 'abd': orders 1..3 exist (effective order 3); precision = recall = 2/3, 1/2, 0;
    # mean 7/18 = 0.3889 -> F2 38.89
    (["abc"], ["abd"], 38.89, None),
])
def test_hand_computed(tmp_path, capsys, hyp, ref, chrf, bleu):
    result = eval_json(capsys, write(tmp_path / "hyp.txt", hyp), "--reference", write(tmp_path / "ref.txt", ref))
    scores = result["papers"][0]
    if chrf is not None:
        assert scores["chrf"] == pytest.approx(chrf, abs=0.01)
    if bleu is not None:
        assert scores["bleu"] == pytest.approx(bleu, abs=0.01)
    assert "tok:char" in result["signatures"]["bleu"] and "nc:6" in result["signatures"]["chrf"]


def test_output_folder_against_reference_agrees_with_sacrebleu_cli(pseudo_outputs, tmp_path, capsys):  # noqa: F811
    base, _ = pseudo_outputs
    out, reference = base / "papers" / "mmd.ko", SMALL_MMD.with_name("paper.ko.mmd")
    assert main(["eval", str(out), "--reference", str(reference)]) == 0
    printed = capsys.readouterr().out
    assert "BLEU signature: nrefs:1|case:mixed|eff:no|tok:char" in printed
    ours = eval_json(capsys, out, "--reference", reference)["papers"][0]
    assert ours["aligned"] == "lines" and ours["pairs"] > 50
    assert f"chrF {ours['chrf']:.2f} · BLEU {ours['bleu']:.2f}" in printed
    assert ours["fidelity"]["formulas kept"]["count"] == ours["fidelity"]["formulas kept"]["total"] > 0
    hyp = [line.strip() for line in (out / "paper.ko.md").read_text(encoding="utf-8").splitlines() if line.strip()]
    ref = [line.strip() for line in reference.read_text(encoding="utf-8").splitlines() if line.strip()]
    write(tmp_path / "h.txt", hyp)
    write(tmp_path / "r.txt", ref)
    proc = subprocess.run([sys.executable, "-m", "sacrebleu", str(tmp_path / "r.txt"), "-i", str(tmp_path / "h.txt"),
                           "-m", "bleu", "chrf", "--tokenize", "char", "-b", "-w", "2"],
                          capture_output=True, text=True, check=True)
    cli_bleu, cli_chrf = json.loads(proc.stdout)
    assert ours["bleu"] == pytest.approx(cli_bleu, abs=0.01) and ours["chrf"] == pytest.approx(cli_chrf, abs=0.01)
    assert 0 < ours["chrf"] < 100  # pseudo is not the reference


def test_segment_aligned_and_batch_average(pseudo_outputs, tmp_path, capsys):  # noqa: F811
    base, _ = pseudo_outputs
    sample = base / "papers" / "sample.ko"
    same = eval_json(capsys, sample, "--reference", sample / "segments.jsonl")["papers"][0]
    assert (same["aligned"], same["chrf"], same["bleu"]) == ("segments", 100.0, 100.0)
    refs = tmp_path / "refs"
    (refs / "sample-paper").mkdir(parents=True)
    shutil.copy(sample / "segments.jsonl", refs / "sample-paper" / "segments.jsonl")
    (refs / "2402.14714").mkdir()  # found without the version too
    shutil.copy(SMALL_MMD.with_name("paper.ko.mmd"), refs / "2402.14714" / "paper.ko.mmd")
    single = eval_json(capsys, base / "papers" / "mmd.ko", "--reference", SMALL_MMD.with_name("paper.ko.mmd"))
    batch = eval_json(capsys, base / "papers", "--reference", refs)
    assert len(batch["papers"]) == 2 and batch["missing_reference"] == []
    assert batch["average"]["chrf"] == pytest.approx((100.0 + single["papers"][0]["chrf"]) / 2, abs=0.01)
    shutil.rmtree(refs / "sample-paper")
    write(refs / "sample-paper.ko.mmd", ["하나", "둘"])  # misaligned: reported, the other paper still scored
    partial = eval_json(capsys, base / "papers", "--reference", refs)
    assert [p["paper"] for p in partial["papers"]] == ["2402.14714v1"]
    assert partial["missing_reference"][0].startswith("sample-paper: ") and "2 non-empty lines" in \
        partial["missing_reference"][0]


def test_misaligned_and_missing_ids_are_clear_errors(pseudo_outputs, tmp_path, capsys):  # noqa: F811
    base, _ = pseudo_outputs
    out = base / "papers" / "mmd.ko"
    n = sum(1 for line in (out / "paper.ko.md").read_text(encoding="utf-8").splitlines() if line.strip())
    short = write(tmp_path / "short.ko.mmd", ["하나", "둘"])
    assert main(["eval", str(out), "--reference", str(short)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"2 non-empty lines, but {out / 'paper.ko.md'} has {n}" in err and "\n" not in err
    rows = segments(base / "papers" / "sample.ko")[:5]
    partial = write(tmp_path / "partial.jsonl", [json.dumps(r) for r in rows])
    assert main(["eval", str(base / "papers" / "sample.ko"), "--reference", str(partial)]) == 2
    assert "5 segments, but" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "nothing"), "--reference", str(short)]) == 2
