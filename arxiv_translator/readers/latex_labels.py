"""The numbers LaTeX would give a paper's labels, and the other whole-tree facts writers render with.

Computed once by the LaTeX reader into :attr:`Document.latex <arxiv_translator.document.Document.latex>`
(:class:`~arxiv_translator.document_attrs.LatexInfo`), so that writers take them from the
model instead of re-reading the sources:

* ``labels``: not a TeX engine, but the counters papers use: sections (``\\chapter`` when
  the paper has chapters; letters after ``\\appendix``), equations (every row of
  ``align``/``gather``/``eqnarray``... unless ``\\nonumber``/``\\notag``;
  ``\\numberwithin{equation}{section}``), figures and tables (at their
  ``\\caption``; a ``subfigure``'s label gets the figure's number and a letter),
  algorithms, and theorem-like environments declared with ``\\newtheorem``
  (shared counters and ``[section]`` numbering).  Files are followed through
  ``\\input``/``\\include``/``\\subfile`` from the main file, as the reader did.
* ``graphicspath``: the folders of every ``\\graphicspath``.
* ``pictures``: which files draw a TikZ/pgf picture (a ``tikz:FILE`` graphic with no
  pre-rendered copy is a note; a file that draws none, e.g. an algorithm, shows nothing).

``label_numbers(doc)`` -> ``{label: LatexLabel(kind, number, file, offset)}``; ``latex_info(doc)`` -> all three.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from arxiv_translator.document import Document
from arxiv_translator.document_attrs import LatexInfo, LatexLabel

_COMMENT = re.compile(r"%(?<!\\%)[^\n]*")
_TOKEN = re.compile(
    r"\\(?P<sec>part|chapter|section|subsection|subsubsection)(?P<star>\*?)\s*(?:\[[^\]]*\])?\s*\{"
    r"|\\(?P<appendix>appendix)\b"
    r"|\\begin\s*\{(?P<begin>[^{}]+)\}"
    r"|\\end\s*\{(?P<end>[^{}]+)\}"
    r"|\\(?P<caption>caption)\b"
    r"|\\label\s*\{(?P<label>[^{}]+)\}"
    r"|\\(?P<nonum>nonumber|notag)\b"
    r"|\\(?P<include>input|include|subfile)\s*\{(?P<target>[^{}]+)\}"
    r"|(?P<row>\\\\)")
_NEWTHEOREM = re.compile(r"\\newtheorem(?P<star>\*?)\s*\{(?P<name>[^{}]+)\}\s*(?:\[(?P<shared>[^\]]+)\])?\s*"
                         r"\{(?P<title>[^{}]*)\}\s*(?:\[(?P<within>[^\]]+)\])?")
_NUMBERWITHIN = re.compile(r"\\numberwithin\s*\{equation\}\s*\{(section|chapter)\}")
NUMBERED_MATH = {"equation", "align", "gather", "multline", "eqnarray", "flalign", "alignat", "dmath"}
_LAST_ROW = re.compile(r"\s*(?:\[[^\]]*\])?\s*(?:\\hline\s*)?\\end\s*\{")
MULTI_ROW = {"align", "gather", "eqnarray", "flalign", "alignat"}
FLOATS = {"figure": "figure", "figure*": "figure", "wrapfigure": "figure", "table": "table", "table*": "table",
          "wraptable": "table", "algorithm": "algorithm", "algorithm*": "algorithm", "SCfigure": "figure"}
SUBFLOATS = {"subfigure", "subtable", "minipage"}
SECTION_DEPTH = {"part": 0, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4}
MAX_FILES = 300
_GRAPHICSPATH = re.compile(r"\\graphicspath\s*\{((?:\s*\{[^{}]*\})+)\s*\}")
_PICTURE = re.compile(r"\\begin\s*\{(?:tikzpicture|pgfpicture|axis|circuitikz|tikzcd|forest)\}|\\pgfsys|\\pgfpicture")


@dataclass
class _State:
    chapters: bool = False
    appendix: bool = False
    sections: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    counters: dict[str, int] = field(default_factory=dict)
    current: tuple[str, str, str] = ("", "", "")  # kind, number, title
    envs: list[str] = field(default_factory=list)
    float_kind: str = ""
    float_number: str = ""
    sub_labels: list[tuple[str, str, str, int]] = field(default_factory=list)
    sub_count: int = 0
    row_numbered: bool = False
    eq_within: str = ""


def label_numbers(doc: Document) -> dict[str, LatexLabel]:
    """Every ``\\label`` of a LaTeX document with the number LaTeX would print for it."""
    if doc.source_kind != "latex" or not doc.main_file or doc.main_file not in doc.files:
        return {}
    everything = "\n".join(_COMMENT.sub("", f.text) for f in doc.files.values())
    theorems = _theorems(everything)
    within = _NUMBERWITHIN.search(everything)
    state = _State(chapters=bool(re.search(r"\\chapter\s*\*?\s*[\[{]", everything)),
                   eq_within=within.group(1) if within else "")
    if st_chapters := state.chapters:
        state.eq_within = state.eq_within or ("chapter" if st_chapters else "")
    labels: dict[str, LatexLabel] = {}
    _scan(doc, doc.main_file, state, theorems, labels, [0])
    return labels


def _theorems(text: str) -> dict[str, tuple[str, str, str]]:
    """env -> (counter, title, within) for every numbered ``\\newtheorem``."""
    found: dict[str, tuple[str, str, str]] = {}
    for m in _NEWTHEOREM.finditer(text):
        if m.group("star"):
            continue
        name = m.group("name").strip()
        shared = (m.group("shared") or "").strip()
        counter = found[shared][0] if shared in found else (shared or name)
        within = (m.group("within") or "").strip() or (found[shared][2] if shared in found else "")
        found[name] = (counter, m.group("title").strip(), within)
    return found


def _resolve(doc: Document, name: str, current: str) -> str | None:
    name = name.strip()
    bases = ["", posixpath.dirname(doc.main_file or ""), posixpath.dirname(current)]
    for base in bases:
        for cand in (name, name + ".tex"):
            path = posixpath.normpath(posixpath.join(base, cand))
            if path in doc.files:
                return path
    return None


def _scan(doc: Document, rel: str, st: _State, theorems: dict[str, tuple[str, str, str]],
          labels: dict[str, LatexLabel], seen: list[int]) -> None:
    seen[0] += 1
    if seen[0] > MAX_FILES:
        return
    text = _COMMENT.sub(lambda m: " " * len(m.group(0)), doc.files[rel].text)  # offsets kept
    start = text.find("\\begin{document}") if rel == doc.main_file else 0
    for m in _TOKEN.finditer(text, max(start, 0)):
        if m.group("sec"):
            if not m.group("star"):
                _section(st, m.group("sec"))
        elif m.group("appendix"):
            st.appendix = True
            st.sections = [st.sections[0], 0, 0, 0, 0] if st.chapters else [0, 0, 0, 0, 0]
        elif m.group("begin"):
            _begin(st, m.group("begin").strip(), theorems)
        elif m.group("end"):
            _end(st, m.group("end").strip(), labels)
        elif m.group("caption"):
            if st.envs and any(e in SUBFLOATS for e in st.envs[-1:]) and st.float_kind:
                st.sub_count += 1
                st.current = ("sub", chr(ord("a") + min(st.sub_count - 1, 25)), "")
            elif st.float_kind:
                n = st.counters[st.float_kind] = st.counters.get(st.float_kind, 0) + 1
                st.float_number = _within(st, str(n), "chapter" if st.chapters else "")
                st.current = (st.float_kind, st.float_number, "")
        elif m.group("label"):
            key = m.group("label").strip()
            kind, number, title = st.current
            if kind == "sub":
                st.sub_labels.append((key, number, rel, m.start()))
            elif key not in labels:
                labels[key] = LatexLabel(kind=kind or "section", number=number, file=rel, offset=m.start(), title=title)
        elif m.group("nonum"):
            if st.row_numbered:
                st.counters["equation"] = st.counters.get("equation", 1) - 1
                st.row_numbered = False
                st.current = ("", "", "")
        elif m.group("include"):
            target = _resolve(doc, m.group("target"), rel)
            if target is not None and target != rel:
                _scan(doc, target, st, theorems, labels, seen)
        elif m.group("row"):
            if st.envs and st.envs[-1] in MULTI_ROW and not _LAST_ROW.match(text, m.end()):
                _equation(st)
        if rel == doc.main_file and m.group("end") == "document":
            break


def _section(st: _State, name: str) -> None:
    depth = SECTION_DEPTH[name]
    if name == "part":
        return
    if not st.chapters:
        depth -= 1
    idx = max(0, depth - 1)
    st.sections[idx] += 1
    for k in range(idx + 1, len(st.sections)):
        st.sections[k] = 0
    if idx == 0 and st.eq_within:
        st.counters["equation"] = 0
    if idx == 0 and st.chapters:
        for name in ("figure", "table", "algorithm"):
            st.counters[name] = 0
    if st.chapters and idx >= 3:  # report/book: subsubsections are not numbered
        return
    parts = [str(n) for n in st.sections[: idx + 1]]
    if st.appendix:
        parts[0] = _letter(st.sections[0])
    st.current = ("section", ".".join(parts), "")


def _letter(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) if n > 0 else "0"


def _within(st: _State, number: str, within: str) -> str:
    if within in ("section", "chapter") and st.sections[0]:
        top = _letter(st.sections[0]) if st.appendix else str(st.sections[0])
        return f"{top}.{number}"
    return number


def _equation(st: _State) -> None:
    n = st.counters["equation"] = st.counters.get("equation", 0) + 1
    st.row_numbered = True
    st.current = ("equation", _within(st, str(n), st.eq_within), "")


def _begin(st: _State, env: str, theorems: dict[str, tuple[str, str, str]]) -> None:
    st.envs.append(env)
    if env in NUMBERED_MATH:
        _equation(st)
    elif env in FLOATS:
        st.float_kind, st.float_number, st.sub_count = FLOATS[env], "", 0
        st.sub_labels = []
    elif env in theorems:
        counter, title, within = theorems[env]
        n = st.counters[counter] = st.counters.get(counter, 0) + 1
        st.current = ("theorem", _within(st, str(n), within), title)


def _end(st: _State, env: str, labels: dict[str, LatexLabel]) -> None:
    if st.envs and st.envs[-1] == env:
        st.envs.pop()
    if env in NUMBERED_MATH:
        st.row_numbered = False
    if env in FLOATS:
        for key, letter, rel, offset in st.sub_labels:
            labels.setdefault(key, LatexLabel(kind=st.float_kind, number=f"{st.float_number}{letter}", file=rel,
                                              offset=offset))
        st.float_kind, st.sub_labels = "", []


def latex_info(doc: Document) -> LatexInfo:
    """The labels, ``\\graphicspath`` folders and picture files of a LaTeX document (see the module docstring)."""
    folders = [folder.strip() for source in doc.files.values() for m in _GRAPHICSPATH.finditer(source.text)
               for folder in re.findall(r"\{([^{}]*)\}", m.group(1))]
    pictures = {name: bool(_PICTURE.search(f.text)) for name, f in doc.files.items()}
    pictures.update({name[:-4]: v for name, v in list(pictures.items()) if name.endswith(".tex")})
    return LatexInfo(labels=label_numbers(doc), graphicspath=folders, pictures=pictures)
