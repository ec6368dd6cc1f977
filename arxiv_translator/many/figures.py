"""Fidelity figures of one output, from its ``segments.jsonl`` alone (source beside translation).

* **formulas kept**: math of each segment's source (``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]``,
  math environments, ``<math alttext=..>``) found byte-identical in its output, as multisets;
* **keys kept**: citation/reference/label/URL commands (their key argument), ``href``/``src``
  attributes and bare URLs of the source found in the output;
* **prose left**: English prose words (lower-case runs of 3+ letters outside math, commands, tags
  and URLs) still in translated segments, as a share of the source's prose words;
* **glossary**: uses of glossary terms in translated sources whose translation renders the term as
  the glossary says (Korean entry, or the English term when it is kept).

A quick in-package measure; ``../shared/tools/fidelity.py`` is the thorough external one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from arxiv_translator.glossary import Glossary
from arxiv_translator.texscan import match_brace

_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?:\\.|[^$\\])+?\$|\\\(.+?\\\)|\\\[.+?\\\]"
                   r"|\\begin\{(equation|align|gather|multline|eqnarray|math|displaymath)(\*?)\}.+?\\end\{\1\2\}"
                   r"|<math\b.*?</math>", re.S)
_KEY = re.compile(r"\\(?:[a-zA-Z]*cite[a-zA-Z]*|[cC]?ref|autoref|eqref|pageref|label|url|href|includegraphics)\*?"
                  r"(?:\s*\[[^\]]*\])*\s*(\{[^{}]*\})"
                  r"|\b(?:href|src)\s*=\s*\"[^\"]*\""
                  r"|https?://[^\s<>\"')\]}]+")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"%(?<!\\%)[^\n]*")
_FOOTNOTE = re.compile(r"\\footnote\s*(?:\[[^\]]*\])?\{")
_WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z]{2,}(?![A-Za-z])")
TRANSLATED = ("translated", "cached")


def _masked(text: str, latex: bool) -> str:
    """Text without math, keys, tags, commands, LaTeX comments and footnotes (their own segments)."""
    if latex:
        text = _COMMENT.sub("", text)
    while (m := _FOOTNOTE.search(text)) is not None:
        end = match_brace(text, m.end() - 1, len(text))
        text = text[: m.start()] + " " + (text[end + 1 :] if end is not None else "")
    for pattern in (_MATH, _KEY, _TAG, _COMMAND):
        text = pattern.sub(" ", text)
    return text


def _keys(text: str) -> Counter[str]:
    return Counter(m.group(1) or m.group(0) for m in _KEY.finditer(text))


def _kept(source: Counter[str], output: Counter[str]) -> int:
    return sum(min(n, output.get(k, 0)) for k, n in source.items())


def fidelity_figures(segments: Iterable[dict], source_kind: str = "",
                     glossary: Glossary | None = None) -> dict[str, dict[str, float]]:
    """``{"formulas kept": {"count", "total", "share"}, "keys kept": ..., "prose left": ..., "glossary": ...}``.

    ``source_kind`` "latex" also drops ``%`` comments before counting prose words.
    """
    latex = source_kind == "latex"
    glossary = glossary if glossary is not None else Glossary.builtin()
    math = [0, 0]
    keys = [0, 0]
    prose = [0, 0]
    terms = [0, 0]
    for seg in segments:
        source = seg.get("source") or ""
        output = seg.get("translation")
        output = output if isinstance(output, str) else source
        src_math = Counter(m.group(0) for m in _MATH.finditer(source))
        math[0] += _kept(src_math, Counter(m.group(0) for m in _MATH.finditer(output)))
        math[1] += sum(src_math.values())
        src_keys = _keys(source)
        keys[0] += _kept(src_keys, _keys(output))
        keys[1] += sum(src_keys.values())
        if seg.get("status") in TRANSLATED:
            prose[1] += len(_WORD.findall(_masked(source, latex)))
            prose[0] += len(_WORD.findall(_masked(output, latex)))
            hits = len(glossary.hits(source))
            terms[1] += hits
            terms[0] += hits - len(glossary.violations(source, output))
    return {name: {"count": n, "total": total, "share": round(n / total, 6) if total else (0.0 if "left" in name
                                                                                          else 1.0)}
            for name, (n, total) in (("formulas kept", math), ("keys kept", keys), ("prose left", prose),
                                     ("glossary", terms))}
