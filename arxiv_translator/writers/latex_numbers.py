"""The numbers of the original's compile: the ``\\newlabel`` entries of its ``.aux``.

The numbers computed from the sources come with the document
(:attr:`Document.latex.labels <arxiv_translator.document_attrs.LatexInfo>`, filled by the LaTeX
reader: :mod:`arxiv_translator.readers.latex_labels`); where the build left the original's
``.aux``, its numbers win (:func:`merge_aux`).
"""

from __future__ import annotations

import re

from arxiv_translator.document_attrs import LatexLabel

_NEWLABEL = re.compile(r"\\newlabel\{([^{}@]+)\}\{\{((?:[^{}]|\{[^{}]*\})*)\}\{[^{}]*\}(?:\{(?:[^{}]|\{[^{}]*\})*\}"
                       r"\{([A-Za-z*]+)[.\d\w-]*\})?")
MAX_AUX_BYTES = 5_000_000


def aux_numbers(aux_text: str) -> dict[str, tuple[str, str]]:
    """``\\newlabel`` entries of a LaTeX ``.aux`` file: label -> (kind from hyperref's anchor or "", number)."""
    found: dict[str, tuple[str, str]] = {}
    for m in _NEWLABEL.finditer(aux_text):
        number = re.sub(r"\\[A-Za-z@]+\s*|[{}]", "", m.group(2)).strip()
        kind = (m.group(3) or "").rstrip("*").lower()
        kind = {"subsection": "section", "subsubsection": "section", "chapter": "section", "appendix": "section",
                "paragraph": "section", "subfigure": "figure", "subtable": "table", "algocf": "algorithm",
                "alg": "algorithm"}.get(kind, kind)
        found.setdefault(m.group(1).strip(), (kind, number))
    return found


def merge_aux(labels: dict[str, LatexLabel], aux_files: list) -> dict[str, LatexLabel]:
    """The numbers of the original's compile (its ``.aux``), where there is one, over the computed ones."""
    for path in aux_files:
        try:
            if path.stat().st_size > MAX_AUX_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for key, (kind, number) in aux_numbers(text).items():
            old = labels.get(key)
            if not number:
                continue
            if old is None:
                labels[key] = LatexLabel(kind=kind or "section", number=number, file="", offset=-1)
            else:
                known = kind if kind in ("section", "equation", "figure", "table", "algorithm") else old.kind
                labels[key] = LatexLabel(kind=known, number=number, file=old.file, offset=old.offset, title=old.title)
    return labels
