"""Document -> translated LaTeX tree (same layout as the input), ready for XeLaTeX.

Each file's text is rebuilt by splicing segment translations into the source
at their offsets; a segment nested in another one's protected span (a footnote
inside a paragraph) is spliced recursively.  The main file gets Korean
typesetting: kotex (xetexko) with Noto CJK fonts, guards for pdfTeX-only
primitives, Unicode bookmarks, and, for the ``pseudo`` engine, a banner on
every page saying it is not a real translation.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from arxiv_translator.document import Document, Segment
from arxiv_translator.writers.cite_notes import korean_citation
from arxiv_translator.writers.latex.names import with_fixed_names
from arxiv_translator.writers.latex.refnames import korean_ref_definitions
from arxiv_translator.writers.latex.text import escape_latex_prose, latex_safe
from arxiv_translator.writers.splice import TRANSLATED, render_file


PRE_CLASS = r"""% --- arxiv-translator: compatibility for XeLaTeX ---
\PassOptionsToPackage{unicode}{hyperref}
\ifdefined\pdfglyphtounicode\else\def\pdfglyphtounicode#1#2{}\fi
\ifdefined\pdfgentounicode\else\newcount\pdfgentounicode\fi
\ifdefined\DeclareUnicodeCharacter\else\def\DeclareUnicodeCharacter#1#2{}\fi
% --- end arxiv-translator ---
"""

KOREAN = r"""% --- arxiv-translator: Korean typesetting (XeLaTeX + kotex, Noto CJK) ---
\usepackage{kotex}
\defaultfontfeatures{}% a font package's defaults (newtxtext: Extension=.otf) are not the Hangul fonts'
\setmainhangulfont{Noto Serif CJK KR}
\setsanshangulfont{Noto Sans CJK KR}
\setmonohangulfont{Noto Sans Mono CJK KR}
"""

KOREAN_PDFTEX = r"""% --- arxiv-translator: Korean typesetting (pdfLaTeX + kotex, Nanum Type 1 fonts) ---
\usepackage{kotex}
"""

#: soul cannot set Hangul under either engine (``Reconstruction failed``, or kotex's ``\\unihangul`` error), so a
#: paper that loads it gets ulem's underline, strike-out and highlight under soul's names instead (a name the paper
#: has redefined, ``\\renewcommand{\\st}{s.t.}``, stays the paper's).
SOUL_FALLBACK = r"""\makeatletter
\@ifpackageloaded{soul}{\@ifpackageloaded{ulem}{}{\RequirePackage[normalem]{ulem}}%
  \DeclareRobustCommand*\atk@ul[1]{\uline{#1}}\DeclareRobustCommand*\atk@st[1]{\sout{#1}}%
  \DeclareRobustCommand*\atk@hl[1]{\ifdefined\textcolor\bgroup
    \markoverwith{\SOUL@hlcolor{\rule[-.5ex]{2pt}{2.5ex}}}\ULon{#1}\else\uline{#1}\fi}%
  \DeclareRobustCommand*\atk@so[1]{#1}\DeclareRobustCommand*\atk@caps[1]{\textsc{#1}}%
  \def\atk@soul#1{\expandafter\ifx\csname#1\expandafter\endcsname\csname text#1\endcsname
    \expandafter\let\csname#1\expandafter\endcsname\csname atk@#1\endcsname\fi
    \expandafter\let\csname text#1\expandafter\endcsname\csname atk@#1\endcsname}%
  \atk@soul{ul}\atk@soul{st}\atk@soul{hl}\atk@soul{so}\atk@soul{caps}}{}
\makeatother
"""

#: The Korean block for each engine the translation can be built with.
KOREAN_BLOCKS = {"xelatex": KOREAN + SOUL_FALLBACK, "pdflatex": KOREAN_PDFTEX + SOUL_FALLBACK}

PSEUDO_BANNER = r"""\AddToHook{shipout/foreground}{\put(0.5\paperwidth,-0.35in){\makebox(0,0){\normalfont\footnotesize
PSEUDO-TRANSLATION (arxiv-translator \texttt{-{}-engine pseudo}): not a real translation}}}
"""
KOREAN_END = "% --- end arxiv-translator ---\n"

_DROP_PACKAGES = re.compile(r"^([ \t]*)(\\usepackage\s*(?:\[[^\]]*\])?\s*\{\s*(?:inputenc|CJKutf8|ucs)\s*\})", re.M)
_PDFTEX_ASSIGN = re.compile(
    r"\\(pdfoutput|pdfminorversion|pdfcompresslevel|pdfobjcompresslevel|pdfgentounicode|"
    r"pdfsuppresswarningpagegroup|pdfpkresolution|pdfinclusioncopyfonts)\s*=?\s*\d+"
)
_BEGIN_DOC = re.compile(r"\\begin\s*\{document\}")


_GRAPHICS_OPTS = re.compile(r"(\\includegraphics\*?\[)([^\]]*px[^\]]*)\]")
_PX = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*px\b")


def guard_pdftex(text: str) -> str:
    """Make pdfTeX-only code harmless under XeLaTeX.

    Primitive assignments (``\\pdfoutput=1``) only run under pdfTeX, and the
    ``px`` unit (pdfTeX only; 1px = 1bp there by default) becomes ``bp`` in
    ``\\includegraphics`` options.
    """
    text = _PDFTEX_ASSIGN.sub(lambda m: f"\\ifdefined\\pdftexversion{m.group(0)}\\fi", text)
    if "px" in text:
        text = _GRAPHICS_OPTS.sub(lambda m: m.group(1) + _PX.sub(r"\1bp", m.group(2)) + "]", text)
    return text


def korean_preamble(text: str, pseudo: bool, engine: str = "xelatex") -> str:
    """Add Korean typesetting for ``engine`` (see :data:`KOREAN_BLOCKS`) to a main file's text (idempotent)."""
    if "arxiv-translator: Korean typesetting" in text:
        return text
    if engine == "xelatex":
        text = guard_pdftex(text)
    text = _DROP_PACKAGES.sub(lambda m: f"{m.group(1)}% (arxiv-translator, not for XeLaTeX) {m.group(2)}", text)
    text = PRE_CLASS + with_fixed_names(text)
    begin = _BEGIN_DOC.search(text)
    block = KOREAN_BLOCKS[engine] + (PSEUDO_BANNER if pseudo else "") + KOREAN_END
    if begin:
        text = text[: begin.start()] + block + text[begin.start() :]
    return text


def write_tree(doc: Document, source_root: Path, dest: Path, pseudo: bool,
               reverted: set[str] | None = None, engine: str = "xelatex") -> None:
    """Write the translated tree to ``dest``: every input file, translated where it can be.

    Decoded ``.tex`` files are written as UTF-8 (XeLaTeX reads UTF-8); every
    other file is copied byte for byte.  Links are not followed or copied.
    """
    by_file: dict[str, list[Segment]] = {}
    for seg in doc.segments():
        by_file.setdefault(seg.locator.file or "", []).append(seg)
    for path in sorted(Path(source_root).rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(source_root).as_posix()
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel in doc.files:
            text = render_file(doc.files[rel].text, latex_safe(by_file.get(rel, [])), reverted, keep_lines=True,
                               atom_text=korean_citation)
            text = korean_ref_definitions(text)
            if rel == doc.main_file:
                text = korean_preamble(text, pseudo, engine)
            elif engine == "xelatex":
                text = guard_pdftex(text)
            target.write_text(text, encoding="utf-8")
        elif rel.endswith((".tex", ".sty")) and _copy_with_korean_refs(path, target):
            pass
        elif Path(rel).name not in ("latexmkrc", ".latexmkrc"):
            shutil.copyfile(path, target)


def _copy_with_korean_refs(path: Path, target: Path) -> bool:
    """Write a UTF-8 ``.tex``/``.sty`` file the reader did not take (``math_commands.tex`` read in the preamble)
    with its reference definitions in Korean (:func:`korean_ref_definitions`); False when nothing changes."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    rewritten = korean_ref_definitions(text)
    if rewritten == text:
        return False
    target.write_text(rewritten, encoding="utf-8")
    return True


def segment_lines(doc: Document, pseudo: bool, reverted: set[str] | None = None,
                  engine: str = "xelatex") -> dict[str, list[tuple[int, int, str]]]:
    """For each file, the output line ranges ``(first, last, segment id)`` of translated segments.

    Used to map a compile error at ``file:line`` back to the segments there.
    """
    out: dict[str, list[tuple[int, int, str]]] = {}
    reverted = reverted or set()
    by_file: dict[str, list[Segment]] = {}
    for seg in doc.segments():
        by_file.setdefault(seg.locator.file or "", []).append(seg)
    for rel, segs in by_file.items():
        if rel not in doc.files:
            continue
        text = doc.files[rel].text
        marks = {}
        for seg in segs:
            if seg.status in TRANSLATED and seg.id not in reverted:
                marks[seg.id] = seg
        # render with markers to find where each segment lands
        marked = []
        for seg in segs:
            copy = seg.model_copy()
            if seg.id in marks and seg.target_masked is not None:
                copy.target_masked = (f"\x01{seg.id}\x02" + escape_latex_prose(seg.target_masked, seg.masked or "")
                                      + f"\x03{seg.id}\x04")
            marked.append(copy)
        rendered = render_file(text, marked, reverted, keep_lines=True, atom_text=korean_citation)
        if rel == doc.main_file:
            rendered = korean_preamble(rendered, pseudo, engine)
        ranges = []
        for m in re.finditer(r"\x01([^\x02]*)\x02", rendered):
            seg_id = m.group(1)
            end = rendered.find(f"\x03{seg_id}\x04", m.end())
            first = rendered.count("\n", 0, m.start()) + 1
            last = first + rendered.count("\n", m.start(), end if end > 0 else m.end())
            ranges.append((first, last, seg_id))
        out[rel] = ranges
    return out
