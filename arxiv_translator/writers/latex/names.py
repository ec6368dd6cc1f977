"""The fixed names a LaTeX class prints (Abstract, References, Figure 1, Theorem 2...), in Korean.

:func:`fixed_names_block` returns preamble code, placed just before
``\\begin{document}`` of the translated main file.  It works through the
document class's own hooks, and runs at ``\\begin{document}``
(``\\AtBeginDocument``), after every class and package has set its English
defaults:

* the name macros (``\\abstractname``, ``\\refname``/``\\bibname``,
  ``\\contentsname``, ``\\appendixname``, ``\\figurename``, ``\\tablename``,
  ``\\proofname``, algorithm names...) and ``\\today`` are redefined, and added to babel's
  ``\\captions<english>`` and ``\\extras<english>`` (where hyperref keeps its
  ``\\autoref`` words), so that a later ``\\selectlanguage`` keeps them;
* theorem heads: the macros that print a theorem's head (kernel, amsthm,
  llncs) are wrapped so that a printed name found in :data:`THEOREM_NAMES`
  (``\\newtheorem{lemma}{Lemma}``, or a macro holding it, as llncs's
  ``\\csname theoremname\\endcsname``: two expansion steps) comes out in Korean; other names stay;
* cleveref (``\\crefname``), hyperref's ``\\autoref`` words and biblatex's
  bibliography strings;
* names a paper hard-codes as a whole group (``\\textbf{Abstract.}``,
  ``{\\bf Proof\\ }``, ``\\section*{References}``) are rewritten in the text by
  :func:`fixed_words` (outside comments and verbatim), where the segmenter
  left them;
* names that conference styles hard-code ("Abstract" in ICML/NeurIPS/ICLR/
  AAAI/ACL/Elsevier styles, "References" in ACL's bibliography, "Figure" in
  ICML's captions, "Keywords") are patched in the macros that print them
  (etoolbox's ``\\patchcmd``; a macro that does not match is left alone).

Nothing here depends on the TeX engine: the Korean strings are UTF-8 text
that XeLaTeX + kotex and pdfLaTeX + kotex both typeset.  Every table below is
data: a new name is one entry.
"""

from __future__ import annotations

import re

#: Name macros redefined outright (macro without backslash -> Korean).
NAME_MACROS: dict[str, str] = {
    "abstractname": "초록",
    "refname": "참고문헌",
    "bibname": "참고문헌",
    "contentsname": "목차",
    "listfigurename": "그림 목차",
    "listtablename": "표 목차",
    "appendixname": "부록",
    "chaptername": "장",
    "partname": "부",
    "figurename": "그림",
    "tablename": "표",
    "indexname": "찾아보기",
    "proofname": "증명",
    "listalgorithmname": "알고리즘 목차",
    "listalgorithmcfname": "알고리즘 목차",
    "IEEEkeywordsname": "색인어",
    "today": r"\the\year{}년 \the\month{}월 \the\day{}일",  # {}: Hangul is a letter in XeTeX
}

#: Name macros redefined only when the class defines them (value: Korean, may hold markup).
CLASS_NAME_MACROS: dict[str, str] = {
    "keywordname": r"{\bfseries 키워드:}",  # llncs
    "algorithmcfname": "알고리즘",  # algorithm2e
    "algorithmname": "알고리즘",
    "ALG@name": "알고리즘",  # algorithm.sty (the caption name of the algorithm float)
    "acknowledgmentsname": "감사의 글",
    "acknowledgementsname": "감사의 글",
    "lstlistingname": "코드",  # listings: the caption's "Listing 1:" and \autoref's name
    "acksname": "감사의 글",  # acmart
    "keywordsname": "키워드",  # acmart ("Additional Key Words and Phrases"), amsart ("Key words and phrases")
    "@elsarticleabstitle": "초록",  # elsarticle (TeX Live's; a paper's own older copy has \abstractname)
    "@elsarticlekwdtitle": "키워드",
    "@elsarticlegrabstitle": "그래픽 초록",
    "algorithmicrequire": r"\textbf{입력:}",  # algorithmicx: "Require:" (or a paper's "Input:")
    "algorithmicensure": r"\textbf{출력:}",
}

#: Printed theorem names (the last argument of ``\newtheorem``) -> Korean.
THEOREM_NAMES: dict[str, str] = {
    "Theorem": "정리", "Lemma": "보조정리", "Corollary": "따름정리", "Proposition": "명제",
    "Definition": "정의", "Proof": "증명", "Remark": "참고", "Example": "예", "Assumption": "가정",
    "Claim": "주장", "Conjecture": "추측", "Fact": "사실", "Observation": "관찰", "Property": "성질",
    "Note": "주", "Problem": "문제", "Exercise": "연습문제", "Question": "질문", "Hypothesis": "가설",
    "Notation": "표기법", "Case": "경우", "Condition": "조건", "Axiom": "공리", "Solution": "풀이",
    "Algorithm": "알고리즘", "Criterion": "기준", "Assertion": "단언", "Summary": "요약",
    "Conclusion": "결론", "Question.": "질문.", "Proof.": "증명.",
    # names ML papers give their own statements
    "Insight": "통찰", "Finding": "발견", "Takeaway": "시사점", "Principle": "원리", "Objective": "목표",
    "Postulate": "공준", "Scenario": "시나리오", "Setting": "설정", "Result": "결과", "Task": "과제",
    "Answer": "답", "Desideratum": "요건", "Intuition": "직관",
}

#: Macros whose first argument is a theorem's printed name (kernel, amsthm, llncs).
THEOREM_HEAD_MACROS: tuple[str, ...] = (
    "@begintheorem", "@opargbegintheorem", "@spbegintheorem", "@spopargbegintheorem", "@Begintheorem",
    "@Opargbegintheorem",
)

#: Reference types (counter names) -> Korean, for cleveref and ``\autoref``.
REF_NAMES: dict[str, str] = {
    "equation": "식", "figure": "그림", "table": "표", "section": "절", "subsection": "절",
    "subsubsection": "절", "paragraph": "단락", "appendix": "부록", "subappendix": "부록", "chapter": "장",
    "part": "부", "algorithm": "알고리즘", "algocf": "알고리즘", "line": "줄", "ALG@line": "줄",
    "footnote": "각주", "item": "항목", "enumi": "항목", "page": "쪽", "listing": "코드", "lstlisting": "코드",
    "theorem": "정리", "lemma": "보조정리", "corollary": "따름정리", "proposition": "명제",
    "definition": "정의", "remark": "참고", "example": "예", "assumption": "가정", "claim": "주장",
    "conjecture": "추측", "fact": "사실", "observation": "관찰", "property": "성질", "note": "주",
    "problem": "문제", "exercise": "연습문제", "question": "질문", "hypothesis": "가설",
}

#: English words that classes hard-code, patched where they are printed: (macro, English, replacement).
HARDCODED: tuple[tuple[str, str, str], ...] = (
    ("abstract", "Abstract", r"{\abstractname}"),
    ("abstract", "ABSTRACT", r"{\abstractname}"),
    ("@maketitle", "Abstract", r"{\abstractname}"),
    ("thebibliography", "References", r"{\refname}"),
    ("thebibliography", "REFERENCES", r"{\refname}"),
    ("bibsection", "References", r"{\refname}"),
    ("fnum@figure", "Figure", r"{\figurename}"),
    ("fnum@table", "Table", r"{\tablename}"),
    ("fname@algorithm", "Algorithm", r"{\atk@name@algorithm}"),
    ("keyword", "Keywords", r"{\atk@name@keywords}"),
    ("keywords", "Keywords", r"{\atk@name@keywords}"),
    ("@makechapterhead", r"\@chapapp\space \thechapter", r"\atk@chapterhead"),
    ("@part", r"\partname\nobreakspace\thepart", r"\atk@parthead"),  # article, report, book
    ("H@old@part", r"\partname\nobreakspace\thepart", r"\atk@parthead"),  # the same under hyperref
    ("NR@part", r"\partname\nobreakspace\thepart", r"\atk@parthead"),  # ... and nameref
    ("ps@pprintTitle", "Preprint submitted to", "제출처:"),  # elsarticle's first-page footer
    ("maketitle", "CCS Concepts", "CCS 개념"),  # acmart
    ("@mkbibcitation", "ACM Reference Format:", "ACM 인용 형식:"),  # acmart
    ("icmlEqualContribution", "Equal contribution", "동등 기여"),  # ICML's styles (each year's)
    ("printAffiliationsAndNotice", "Correspondence to:", "교신 저자:"),
    ("datename", "Date", "날짜"),  # amsart
    ("datename", "Received by the editors", "접수일"),  # amsproc, amsbook
    ("subjclassname", "Mathematics Subject Classification", "수학 주제 분류"),  # amsart: the default year
    *(((f"subjclassname@{year}", "Mathematics Subject Classification", "수학 주제 분류")
       for year in (1991, 2000, 2010, 2020))),
)

#: biblatex bibliography strings (string key -> Korean), for every English dialect.
BIBLATEX_STRINGS: dict[str, str] = {"bibliography": "참고문헌", "references": "참고문헌"}
ENGLISH_DIALECTS: tuple[str, ...] = ("english", "american", "british", "USenglish", "UKenglish", "canadian",
                                     "australian", "newzealand")

BEGIN = "% --- arxiv-translator: fixed names in Korean (class hooks, run when the document begins) ---\n"
END = "% --- end arxiv-translator fixed names ---\n"

_ENGINE = r"""\makeatletter
\RequirePackage{etoolbox}
\def\atk@key#1{atk@ko@\expandafter\expandafter\expandafter\detokenize\expandafter\expandafter\expandafter{#1}}
\def\atk@ifko#1{\ifcsname\atk@key{#1}\endcsname\expandafter\@firstoftwo\else\expandafter\@secondoftwo\fi}
\def\atk@name#1#2{\atk@ifko{#2}{\expandafter#1\expandafter{\csname\atk@key{#2}\endcsname}}{#1{#2}}}
\def\atk@wrapthm#1{\ifcsundef{#1}{}{\expandafter\let\csname atk@o@#1\expandafter\endcsname\csname#1\endcsname
  \expandafter\edef\csname#1\endcsname{\noexpand\atk@name\expandafter\noexpand\csname atk@o@#1\endcsname}}}
\def\atk@patch#1#2#3{\ifcsundef{#1}{}{\expandafter\patchcmd\csname#1\endcsname{#2}{#3}{\atk@patch{#1}{#2}{#3}}{}}}
\def\atk@setif#1#2{\ifcsundef{#1}{}{\@namedef{#1}{#2}}}
\def\atk@name@algorithm{알고리즘}
\def\atk@name@keywords{키워드}
\def\atk@ifapp{\ifx\@chapapp\appendixname\expandafter\@firstoftwo\else\expandafter\atk@ifapp@\fi}
\def\atk@ifapp@{\ifdefstring{\@chapapp}{\appendixname}}
\def\atk@chapterhead{\atk@ifapp{\appendixname\space\thechapter}{제\,\thechapter\,장}}
\def\atk@parthead{제\,\thepart\,부}
"""


def _names_macro() -> str:
    """``\\atk@setnames``: redefines every name macro (run at begin document and by babel)."""
    lines = [r"\def\atk@setnames{%"]
    lines += [f"  \\def\\{name}{{{ko}}}%" if "@" not in name else f"  \\@namedef{{{name}}}{{{ko}}}%"
              for name, ko in NAME_MACROS.items()]
    lines += [f"  \\atk@setif{{{name}}}{{{ko}}}%" for name, ko in CLASS_NAME_MACROS.items()]
    lines += [f"  \\def\\{kind}autorefname{{{ko}}}%" if "@" not in kind
              else f"  \\@namedef{{{kind}autorefname}}{{{ko}}}%" for kind, ko in REF_NAMES.items()]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _cleveref() -> str:
    body = "".join(f"\\crefname{{{kind}}}{{{ko}}}{{{ko}}}\\Crefname{{{kind}}}{{{ko}}}{{{ko}}}%\n"
                   for kind, ko in REF_NAMES.items())
    return "  \\ifdefined\\crefname\n" + body + "  \\fi\n"


def _biblatex() -> str:
    strings = ",".join(f"{key}={{{ko}}}" for key, ko in BIBLATEX_STRINGS.items())
    body = "".join(f"  \\DefineBibliographyStrings{{{lang}}}{{{strings}}}%\n" for lang in ENGLISH_DIALECTS)
    return "\\ifdefined\\DefineBibliographyStrings\n" + body + "\\fi\n"


def _babel() -> str:
    langs = ",".join(ENGLISH_DIALECTS)
    return ("  \\ifdefined\\addto\\@for\\atk@lang:=" + langs + "\\do{%\n"
            "    \\ifcsname captions\\atk@lang\\endcsname"
            "\\expandafter\\addto\\csname captions\\atk@lang\\endcsname{\\atk@setnames}"
            "\\expandafter\\addto\\csname extras\\atk@lang\\endcsname{\\atk@setnames}\\fi}\\fi\n")


def fixed_names_block() -> str:
    """Preamble code that sets the class's fixed names in Korean at ``\\begin{document}``."""
    theorems = "".join(f"\\@namedef{{atk@ko@{en}}}{{{ko}}}\n" for en, ko in THEOREM_NAMES.items())
    wraps = "".join(f"  \\atk@wrapthm{{{name}}}\n" for name in THEOREM_HEAD_MACROS)
    patches = "".join(f"  \\atk@patch{{{macro}}}{{{en}}}{{{repl}}}\n"
                      for macro, en, repl in HARDCODED)
    hook = ("\\AtBeginDocument{\\makeatletter\n"
            "  \\atk@setnames\n" + _babel() + wraps + patches + _cleveref() + "  \\makeatother}\n")
    return BEGIN + _ENGINE + theorems + _names_macro() + _biblatex() + hook + "\\makeatother\n" + END


#: Whole-group fixed words a paper may hard-code -> Korean.
FIXED_WORDS: dict[str, str] = {
    "Abstract": "초록", "ABSTRACT": "초록", "Proof": "증명", "References": "참고문헌", "REFERENCES": "참고문헌",
    "Bibliography": "참고문헌", "Keywords": "키워드", "Acknowledgments": "감사의 글",
    "Acknowledgements": "감사의 글", "Acknowledgment": "감사의 글", "Acknowledgement": "감사의 글",
    "Appendix": "부록", "Contents": "목차",
}
_GROUP_OPEN = (r"(\\(?:textbf|textit|textsc|emph|section\*?|subsection\*?|paragraph\*?)\s*\{\s*"
               r"|\{\\(?:bf|bfseries|it|itshape|sc|scshape)\s+)")
_FIXED_WORD = re.compile(_GROUP_OPEN + r"(" + "|".join(FIXED_WORDS) + r")([.:]?(?:\\ |~)?\s*\})")
_SKIP = re.compile(r"\\begin\{(verbatim|lstlisting|minted|comment)\*?\}.*?\\end\{\1\*?\}", re.S)
_COMMENT = re.compile(r"%(?<!\\%).*")
_BEGIN_DOC = re.compile(r"\\begin\s*\{document\}")


def with_fixed_names(text: str) -> str:
    """A main file's text with its whole-group fixed words in Korean and :func:`fixed_names_block` before
    ``\\begin{document}`` (any engine; nothing is added to a text without ``\\begin{document}``)."""
    text = fixed_words(text)
    begin = _BEGIN_DOC.search(text)
    return text[: begin.start()] + fixed_names_block() + text[begin.start():] if begin else text


def fixed_words(text: str) -> str:
    """``text`` with whole-group fixed words (``\\textbf{Abstract.}``) in Korean; same line count."""
    out, pos = [], 0
    for skip in _SKIP.finditer(text):
        out.append(_rewrite(text[pos:skip.start()]))
        out.append(skip.group(0))
        pos = skip.end()
    out.append(_rewrite(text[pos:]))
    return "".join(out)


def _rewrite(chunk: str) -> str:
    lines = chunk.split("\n")
    for i, line in enumerate(lines):
        if "{" not in line:
            continue
        comment = _COMMENT.search(line)
        code, rest = (line[: comment.start()], line[comment.start():]) if comment else (line, "")
        lines[i] = _FIXED_WORD.sub(lambda m: m.group(1) + FIXED_WORDS[m.group(2)] + m.group(3), code) + rest
    return "\n".join(lines)
