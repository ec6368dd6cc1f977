"""``eval``: how close an output is to a reference translation, and how faithful it is.

Scores are sacrebleu's corpus-level **chrF** (defaults: character 6-grams, beta 2) and **BLEU**
with the ``char`` tokeniser (Korean needs no MeCab that way); each result carries sacrebleu's
signature string.  The hypothesis/reference pairs come from one of two alignments:

* **lines**: the reference is a text file (``.ko.mmd``, ``.md``, ``.txt``): its non-empty lines
  pair with the non-empty lines of the output's ``paper.ko.md`` (or of OUTPUT itself when it is a
  file).  Different counts are an error that gives both counts.
* **segments**: the reference is a ``segments.jsonl`` (or an output folder): each translated
  segment of the output pairs with the reference row of the same id.  Ids missing from the
  reference are an error.

OUTPUT may be a batch folder: every output under it is scored against the reference found for its
paper in a reference *folder* (``REF/<paper>/paper.ko.mmd``, ``REF/<paper>.ko.mmd``,
``REF/<paper>/segments.jsonl``, ``REF/<paper>.jsonl``; ``<paper>`` with or without its version),
and the scores are averaged over papers.  Fidelity figures come from :mod:`.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.errors import ConfigError, InputError
from arxiv_translator.many.figures import fidelity_figures
from arxiv_translator.many.outputs import PaperOutput, find_outputs, load_output, read_segments

TEXT_OUTPUT = "paper.ko.md"
TRANSLATED = ("translated", "cached")
REFERENCE_NAMES = ("{p}/paper.ko.mmd", "{p}/paper.ko.md", "{p}.ko.mmd", "{p}.ko.md", "{p}/segments.jsonl",
                   "{p}.jsonl", "{p}.segments.jsonl")


@dataclass
class PaperScore:
    """The scores of one output against its reference."""

    paper: str
    output: str
    reference: str
    aligned: str  # "lines" or "segments"
    pairs: int
    chrf: float
    bleu: float
    fidelity: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Evaluation:
    """Per-paper scores, their average, the sacrebleu signatures, and papers left out."""

    papers: list[PaperScore]
    signatures: dict[str, str]
    missing: list[str] = field(default_factory=list)  # "paper: why" for papers of a batch not scored

    @property
    def average(self) -> dict[str, float]:
        """Unweighted mean over papers (each paper counts once, whatever its length)."""
        n = len(self.papers)
        return {"papers": n, "chrf": round(sum(p.chrf for p in self.papers) / n, 2) if n else 0.0,
                "bleu": round(sum(p.bleu for p in self.papers) / n, 2) if n else 0.0}

    def as_dict(self) -> dict:
        """JSON-ready form."""
        from dataclasses import asdict

        return {"papers": [asdict(p) for p in self.papers], "average": self.average,
                "signatures": self.signatures, "missing_reference": self.missing}


def _metrics():
    try:
        from sacrebleu.metrics import BLEU, CHRF
    except ImportError:
        raise ConfigError("eval needs sacrebleu: pip install sacrebleu") from None
    return BLEU(tokenize="char"), CHRF()


def score(hypotheses: list[str], references: list[str]) -> tuple[float, float, dict[str, str]]:
    """(chrF, BLEU, signatures) of aligned lists."""
    bleu, chrf = _metrics()
    c = chrf.corpus_score(hypotheses, [references]).score
    b = bleu.corpus_score(hypotheses, [references]).score
    return round(c, 2), round(b, 2), {"chrf": str(chrf.get_signature()), "bleu": str(bleu.get_signature())}


def nonempty_lines(path: Path) -> list[str]:
    """The non-empty lines of a text file, stripped; InputError naming it when unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _is_segments(path: Path) -> bool:
    return path.is_dir() or path.suffix == ".jsonl"


def line_pairs(hyp_file: Path, reference: Path) -> tuple[list[str], list[str]]:
    """Line-aligned pairs; InputError with both line counts when they differ."""
    hyp, ref = nonempty_lines(hyp_file), nonempty_lines(reference)
    if len(hyp) != len(ref):
        raise InputError(f"{reference}: {len(ref)} non-empty lines, but {hyp_file} has {len(hyp)}: "
                         "a line-aligned reference needs the same number (or give a segments.jsonl)")
    if not hyp:
        raise InputError(f"{reference}: no lines to compare")
    return hyp, ref


def segment_pairs(output: PaperOutput, reference: Path) -> tuple[list[str], list[str]]:
    """Segment-aligned pairs (translated segments of ``output`` by id); InputError when ids are missing."""
    ref_file = reference / "segments.jsonl" if reference.is_dir() else reference
    ref_rows = {str(r.get("id")): r for r in read_segments(ref_file)}
    ours = [s for s in output.segments if s.get("status") in TRANSLATED]
    missing = [str(s.get("id")) for s in ours if str(s.get("id")) not in ref_rows]
    if missing:
        raise InputError(f"{ref_file}: {len(ref_rows)} segments, but {output.folder} has {len(output.segments)}; "
                         f"{len(missing)} translated segment id(s) are not in the reference (first: {missing[0]})")
    if not ours:
        raise InputError(f"{output.folder}: no translated segments to compare")
    ref_text = [ref_rows[str(s.get("id"))].get("translation") or ref_rows[str(s.get("id"))]["source"] for s in ours]
    return [str(s.get("translation") or "") for s in ours], [str(t) for t in ref_text]


def evaluate_output(output: PaperOutput, reference: Path) -> PaperScore:
    """Score one output folder against one reference file or segments."""
    if _is_segments(reference):
        hyp, ref = segment_pairs(output, reference)
        aligned = "segments"
    else:
        text = output.folder / TEXT_OUTPUT
        if not text.is_file():
            raise InputError(f"{output.folder}: no {TEXT_OUTPUT} to compare line by line (give a segments.jsonl)")
        hyp, ref = line_pairs(text, reference)
        aligned = "lines"
    chrf, bleu, _ = score(hyp, ref)
    return PaperScore(output.paper, str(output.folder), str(reference), aligned, len(hyp), chrf, bleu,
                      fidelity_figures(output.segments, output.source_kind))


def find_reference(folder: Path, paper: str) -> Path | None:
    """The reference for ``paper`` in a reference folder (see the module docstring), or None."""
    names = [paper.replace("/", "_")]
    base = names[0].rsplit("v", 1)[0] if "v" in names[0] and names[0].rsplit("v", 1)[1].isdigit() else None
    if base:
        names.append(base)
    for name in names:
        for pattern in REFERENCE_NAMES:
            candidate = folder / pattern.format(p=name)
            if candidate.is_file():
                return candidate
    return None


def evaluate(output: Path, reference: Path) -> Evaluation:
    """Score OUTPUT (a file, an output folder or a batch folder) against ``reference``."""
    output, reference = Path(output), Path(reference)
    if not output.exists():
        raise InputError(f"{output}: no such file or folder")
    if not reference.exists():
        raise InputError(f"{reference}: no such reference file or folder")
    signatures = score(["a"], ["a"])[2]
    if output.is_file():
        hyp, ref = line_pairs(output, reference)
        chrf, bleu, _ = score(hyp, ref)
        return Evaluation([PaperScore(output.name, str(output), str(reference), "lines", len(hyp), chrf, bleu)],
                          signatures)
    folders = list(find_outputs(output))
    if not folders:
        raise InputError(f"{output}: no translations here (no folder with report.json and segments.jsonl)")
    if len(folders) == 1 and folders[0] == output and not (reference.is_dir() and not _is_single_ref(reference)):
        return Evaluation([evaluate_output(load_output(output), reference)], signatures)
    if not reference.is_dir():
        raise InputError(f"{reference}: {output} holds {len(folders)} outputs; give a folder of references")
    scores, missing = [], []
    for folder in folders:
        out = load_output(folder)
        ref = find_reference(reference, out.paper)
        if ref is None:
            missing.append(f"{out.paper}: no reference found")
            continue
        try:
            scores.append(evaluate_output(out, ref))
        except InputError as exc:  # one misaligned paper does not hide the others
            missing.append(f"{out.paper}: {exc}")
    if not scores:
        raise InputError(f"{reference}: no paper of {output} could be scored ({missing[0]}; looked for "
                         f"{', '.join(p.format(p='<paper>') for p in REFERENCE_NAMES[:3])}...)")
    return Evaluation(scores, signatures, missing)


def _is_single_ref(folder: Path) -> bool:
    """A folder that is itself one reference (an output folder with segments.jsonl)."""
    return (folder / "segments.jsonl").is_file()
