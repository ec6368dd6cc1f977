"""What the LaTeX reader knows about macros and environments.

The tables say, for each name, what a macro or environment means for
translation.  Anything not listed is treated conservatively: an unknown macro
(with the groups glued to it) is protected whole, an unknown environment is a
container whose text is translated.
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import get_default_latex_context_db
from pylatexenc.macrospec import EnvironmentSpec, MacroSpec, SpecialsSpec

from arxiv_translator.readers.latex_argparsers import (BareInputArgsParser, CmidruleArgsParser, DefinitionArgsParser,
                                                      InlineCodeParser,
                                                      ShortVerbParser, TikzArgsParser, UrlArgsParser, VerbatimEnvParser)
from arxiv_translator.readers.latex_prose_args import TEMPLATE_MACROS
from arxiv_translator.texdefs import xparse_types

#: Environments whose body is math: protected whole, inline in their sentence.
MATH_ENVS = {
    f"{name}{star}"
    for name in (
        "equation", "align", "gather", "multline", "eqnarray", "flalign", "alignat", "displaymath",
        "math", "dmath", "dgroup", "darray", "split", "IEEEeqnarray", "empheq",
        # optidef's optimization problems: \begin{mini}{x}{f(x)}{}{} \addConstraint{...} \end{mini}
        "mini", "maxi", "argmini", "argmaxi", "mini!", "maxi!", "argmini!", "argmaxi!",
    )
    for star in ("", "*")
}

#: Environments kept byte-identical as a whole (code, pictures, bibliography).
VERBATIM_ENVS = {
    "verbatim", "verbatim*", "Verbatim", "BVerbatim", "lstlisting", "minted", "comment", "alltt",
    "filecontents", "filecontents*", "spverbatim", "tcblisting",
    "CCSXML",  # ACM's concepts as XML: a comment for TeX (the printed concepts are \ccsdesc)
}
PROTECTED_ENVS = VERBATIM_ENVS | {
    "algorithmic", "algorithmic*", "algorithmicx", "algpseudocode", "pseudocode", "tikzpicture", "pgfpicture",
    "axis", "semilogyaxis", "semilogxaxis", "loglogaxis", "groupplot", "forest", "picture", "thebibliography",
    "tabbing", "asy", "pspicture", "circuitikz", "tikzcd", "CJK", "CJK*", "code", "python", "lstinputlisting",
    "references",
}

#: Environments whose body is a grid of cells (``&`` and ``\\`` separate cells).
TABULAR_ENVS = {
    "tabular", "tabular*", "tabularx", "tabulary", "longtable", "longtable*", "supertabular", "xtabular",
    "tblr", "longtblr", "talltblr", "NiceTabular", "NiceTabular*", "NiceTabularX", "tabu", "longtabu",
    "xtabular*", "supertabular*",
}

#: Environments that give their paragraphs a kind.
KIND_OF_ENV = {
    "abstract": "abstract",
    "itemize": "item", "enumerate": "item", "description": "item", "compactitem": "item",
    "compactenum": "item", "inparaenum": "item",
    "proof": "theorem",
}
THEOREM_HINT = re.compile(r"^(theorem|lemma|corollary|proposition|definition|remark|example|assumption|"
                          r"conjecture|claim|fact|observation|hypothesis|problem|question|note|exercise|"
                          r"thm|lem|cor|prop|defn?|rem|ex|asm|assum)\*?$", re.I)

#: Macros whose last argument is translated with the surrounding sentence.
WRAPPERS = {
    "textbf", "textit", "emph", "textsl", "textsc", "underline", "textsf", "textrm", "textup", "textmd",
    "textnormal", "uline", "enquote", "textcolor", "href", "hyperref", "multicolumn", "multirow", "colorbox",
    "hl", "ul", "textbfit", "makecell", "shortstack",
    "textquote",
    # soul and ulem: struck-out, wavy and dotted text; case changes of a heading's words
    "st", "sout", "xout", "uwave", "dashuline", "dotuline", "MakeUppercase", "MakeLowercase", "MakeTextUppercase",
    "MakeTextLowercase",
}

#: Macros whose last argument is a segment of its own.  Value: segment kind.
SEGMENT_ARGS = {
    "part": "heading", "chapter": "heading", "section": "heading", "subsection": "heading",
    "subsubsection": "heading", "paragraph": "heading", "subparagraph": "heading",
    "caption": "caption", "subcaption": "caption", "captionof": "caption",
    "footnote": "footnote", "footnotetext": "footnote", "title": "title", "subtitle": "heading", "icmltitle": "title",
    "aistatstitle": "title",
    "abstract": "abstract", "tnote": "footnote", "sidenote": "footnote", "marginpar": "footnote",
    "acks": "paragraph", "thanks": "footnote",
    # elsarticle's notes on the title and the authors ("Corresponding author.", "Equal contribution.")
    "cortext": "footnote", "fntext": "footnote", "tnotetext": "footnote",
    # a line written to the table of contents (\addcontentsline{toc}{section}{Broader impact})
    "addcontentsline": "toc",
    # the date line under the title ("Draft of March 2024", "Received: date / Accepted: date"); \today prints Korean
    "date": "paragraph",
}
#: Of those, the ones read in the preamble too (where the title block is usually set).
PREAMBLE_SEGMENT_ARGS = ("title", "subtitle", "date", "abstract")
#: Of those, the ones that sit inside a sentence (protected there, translated apart).
INLINE_SEGMENT_ARGS = {"footnote", "tnote", "sidenote", "marginpar", "thanks", "cortext", "fntext", "tnotetext"}

#: Macros that stand alone and print a heading given in their options (``\printbibliography[title={..}]``).
OPTION_TITLE_MACROS = {"printbibliography", "printbibheading", "printglossary", "printacronyms",
                       "printnoidxglossary", "printunsrtglossary"}

#: Macros that end the current paragraph (besides SEGMENT_ARGS that are not inline).
BOUNDARIES = {
    "item", "par", "maketitle", "newpage", "clearpage", "cleardoublepage", "pagebreak", "bibliography",
    "bibliographystyle", "printbibliography", "appendix", "tableofcontents", "listoffigures", "listoftables",
    "input", "include", "subfile", "import", "subimport", "inputfrom", "includefrom", "bigskip", "medskip",
    "smallskip", "twocolumn", "onecolumn", "icmlsetsymbol", "printAffiliationsAndNotice", "begin", "end",
    "addbibresource", "nocite", "makeatletter", "makeatother", "newcommand", "renewcommand", "def",
    "providecommand", "newtheorem", "setcounter", "addtocounter", "setlength", "addtolength", "vspace",
    "vskip", "hrule", "toprule", "midrule", "bottomrule", "hline", "cline", "cmidrule", "centering",
    "raggedright", "raggedleft", "newline", "linebreak", "noindent", "indent", "vfill", "hfill",
    "addlinespace", "specialrule", "morecmidrules", "hdashline", "cdashline", "Xhline", "hhline",
}

#: Commands that define a macro or an environment: their name, parameters and body are code, never prose.
DEFINERS = {"def", "gdef", "edef", "xdef", "newcommand", "renewcommand", "providecommand", "DeclareRobustCommand",
            "newenvironment", "renewenvironment"}

#: Inclusion macros: name -> how many leading arguments form the path (import takes dir + file).
INCLUDES = {"input": 1, "include": 1, "subfile": 1, "import": 2, "subimport": 2, "inputfrom": 2,
            "includefrom": 2, "subinputfrom": 2, "subincludefrom": 2}

#: Macros never allowed anywhere in the input.
FORBIDDEN = re.compile(r"\\(?:immediate\s*)?\\?write\s*=?\s*(?:18|\"12|'22)(?!\d)|\\ShellEscape\b|\\directlua\b|"
                       r"\\luaexec\b|\\latelua\b")

#: Extra argument specs pylatexenc does not know (name -> argspec).
EXTRA_MACROS = {
    "href": "{{", "caption": "*[{", "captionof": "*{[{", "subcaption": "[{", "footnotetext": "[{",
    "hyperref": "[{", "multicolumn": "{{{", "multirow": "[{[{[{", "url": "{", "nolinkurl": "{",
    "Cref": "*{", "cref": "*{", "Autoref": "{", "autoref": "*{", "nameref": "*{", "cite": "*[[{",
    "citet": "*[[{", "citep": "*[[{", "citealt": "*[[{", "citealp": "*[[{", "citeauthor": "*[[{",
    "citeyear": "*[[{", "parencite": "*[[{", "textcite": "*[[{", "autocite": "*[[{", "footcite": "*[[{",
    "includegraphics": "*[[{", "input": "{", "include": "{", "subfile": "{", "import": "{{",
    "subimport": "{{", "inputfrom": "{{", "includefrom": "{{", "label": "{", "eqref": "{", "ref": "*{",
    "pageref": "*{", "icmltitle": "{", "aistatstitle": "{", "aistatsauthor": "{", "aistatsaddress": "{",
    "icmlauthor": "{{", "icmlaffiliation": "{{", "icmlcorrespondingauthor": "{{",
    "icmlkeywords": "{", "icmltitlerunning": "{", "textcolor": "[{{", "colorbox": "[{{", "tnote": "{",
    "addcontentsline": "{{{", "etocsettocstyle": "{{", "printbibliography": "[", "printbibheading": "[", "printglossary": "[", "printacronyms": "[",
    "printnoidxglossary": "[", "printunsrtglossary": "[",
    "addbibresource": "[{", "bibliography": "{", "bibliographystyle": "{", "vspace": "*{", "hspace": "*{",
    "setlength": "{{", "addtolength": "{{", "setcounter": "{{", "addtocounter": "{{", "newtheorem": "*{[{[",
    "makecell": "[{", "shortstack": "[{", "sidenote": "[{", "marginpar": "[{", "cmidrule": "[{", "cline": "{", "title": "[{",
    "abstract": "{", "lstinline": "[{", "texttt": "{", "doi": "{", "email": "{", "orcid": "{",
    "resizebox": "*{{{", "scalebox": "{[{", "rotatebox": "[{{", "adjustbox": "{{", "fbox": "{",
    "hypersetup": "{", "definecolor": "{{{", "tag": "*{", "thanks": "{", "twocolumn": "[", "parbox": "[[[{{",
    "framebox": "[[{", "makebox": "[[{", "raisebox": "{[[{", "centerline": "{", "mbox": "{",
    # IEEEtran (Computer Society): the abstract block and the author notes are arguments
    "IEEEtitleabstractindextext": "{", "IEEEcompsocitemizethanks": "{", "IEEEraisesectionheading": "{",
    # sectioning pylatexenc does not know
    "part": "*[{", "paragraph": "*[{", "subparagraph": "*[{", "footnote": "[{", "acks": "{",
    "bibitem": "[{", "item": "[",
    # macros whose first argument is a command name (\titlespacing\section{0pt}...: \section is no heading)
    "let": "{{", "titlespacing": "*{{{{[", "titleformat": "*{[{{{{[", "patchcmd": "{{{{{", "pretocmd": "{{{{",
    "apptocmd": "{{{{", "AtBeginEnvironment": "{{", "AtEndEnvironment": "{{", "BeforeBeginEnvironment": "{{",
    "AfterEndEnvironment": "{{", "crefname": "{{{", "Crefname": "{{{", "crefformat": "{{", "Crefformat": "{{",
    "renewcommand": "*{[[{", "newcommand": "*{[[{", "providecommand": "*{[[{", "DeclareRobustCommand": "*{[[{",
    "newenvironment": "*{[[{{", "renewenvironment": "*{[[{{", "DeclareMathOperator": "*{{", "robustify": "{",
    "expandafter": "{", "global": "", "newlength": "{", "newcounter": "{[", "theoremstyle": "{",
    "captionsetup": "[{", "setlist": "[{", "newcolumntype": "{[{", "colorlet": "{{", "rowcolors": "*[{{{",
    "cellcolor": "[{", "rowcolor": "[{", "columncolor": "[{", "addcontentsline": "{{{", "graphicspath": "{",
    # algorithm comments and headers: the pseudo-code stays, these are prose
    "icmlsetsymbol": "{{", "ead": "[{", "lstinputlisting": "[{", "inputminted": "[{{", "fnref": "{", "tnoteref": "{", "corref": "{",
    "Comment": "{", "tcc": "*{", "tcp": "*{", "KwIn": "{", "KwOut": "{", "KwData": "{", "KwResult": "{",
    # package set-up that papers also write in the body: lists of names and keys, never prose
    "usetikzlibrary": "{", "usepgfplotslibrary": "{", "tcbuselibrary": "{", "tikzset": "{", "pgfplotsset": "{",
    "pgfkeys": "{", "lstset": "{", "sisetup": "{", "tcbset": "{", "lstdefinestyle": "{{", "setminted": "[{",
    "usemintedstyle": "[{",
    # booktabs and arydshln rules between table rows (\cmidrule(lr){2-3}: see CmidruleArgsParser)
    "addlinespace": "[", "specialrule": "{{{", "cdashline": "{", "toprule": "[", "midrule": "[", "bottomrule": "[",
    "Xhline": "{", "hhline": "{",
    # subfigures with their captions (see latex_segment_extras.CAPTION_BOXES)
    "subcaptionbox": "*[{[[{", "subfloat": "[[{", "sidesubfloat": "[[{",
    # hyperref: the text set on the page, then the one for the PDF bookmarks (both prose)
    "texorpdfstring": "{{", "diagbox": "[{{", "slashbox": "[{{", "backslashbox": "[{{",
    "epigraph": "{{", "subtitle": "{",
    # elsarticle and amsart: \author[a]{Name} (the label is no argument of pylatexenc's \author), notes
    "author": "[{", "cortext": "[{", "fntext": "[{", "tnotetext": "[{",
}

#: Argument specs of package macros with short names a paper may define for itself (``\\newcommand{\\st}{s.t.}``):
#: soul's and ulem's underlines, the case changers.  The paper's own definition wins.
PACKAGE_MACROS = {
    "uline": "{", "ul": "{", "hl": "{", "st": "{", "sout": "{", "xout": "{", "uwave": "{", "dashuline": "{",
    "dotuline": "{", "MakeUppercase": "{", "MakeLowercase": "{", "MakeTextUppercase": "{", "MakeTextLowercase": "{",
}

#: Sectioning and other standard commands whose arity a paper's (re)definition never changes.
STANDARD_MACROS = set(EXTRA_MACROS) | set(SEGMENT_ARGS) | set(WRAPPERS) | set(BOUNDARIES) | set(INCLUDES)

#: Environment argument specs (name -> argspec) added to pylatexenc's.
EXTRA_ENVS = {
    "figure": "[", "figure*": "[", "table": "[", "table*": "[", "algorithm": "[", "algorithm*": "[",
    "minipage": "[[[{", "wrapfigure": "[{[{", "wraptable": "[{[{", "subfigure": "[{", "subtable": "[{",
    "tabular": "[{", "tabular*": "{[{", "tabularx": "{[{", "tabulary": "{[{", "longtable": "[{",
    "multicols": "{", "multicols*": "{", "adjustbox": "{", "itemize": "[", "enumerate": "[",
    "description": "[", "thebibliography": "{", "center": "", "list": "{{", "tcolorbox": "[",
    "threeparttable": "[", "tablenotes": "[",
    # tabularray, nicematrix, xtab: their column specs (\begin{tblr}{colspec={lX[l]}, row{1}={font=\bfseries}})
    "tblr": "[{", "longtblr": "[{", "talltblr": "[{", "NiceTabular": "[{[", "NiceTabular*": "{[{[",
    "NiceTabularX": "{[{[", "xtabular": "[{", "xtabular*": "{[{", "supertabular": "{", "supertabular*": "{{",
}

#: Theorem-like environments that take an optional title (``\begin{theorem}[Lower bound]``).
THEOREM_ENVS = {
    f"{name}{star}"
    for name in ("theorem", "lemma", "corollary", "proposition", "definition", "remark", "example", "assumption",
                 "conjecture", "claim", "fact", "observation", "hypothesis", "problem", "question", "note",
                 "exercise", "thm", "lem", "cor", "prop", "defn", "def", "rem", "ex", "asm", "assum", "proof",
                 "condition", "property", "notation", "axiom", "case", "algorithmcond", "result", "finding")
    for star in ("", "*")
}


def make_context_db(user_macros: dict[str, str], theorem_envs: set[str] = frozenset(),
                    verbatim_envs: set[str] = frozenset(), short_verbs: set[str] = frozenset(),
                    option_envs: set[str] = frozenset()):
    """pylatexenc's default context plus our specs and the paper's own macros, theorem and verbatim environments
    and short ``\\verb`` characters.

    ``option_envs``: environments the paper opens with ``[..]`` (:func:`option_env_names`); those that
    nothing here knows take an optional argument, so ``\\begin{mdframed}[backgroundcolor=gray!10]``
    keeps its options out of the first sentence of the body.
    """
    # Only the specials that matter for segmentation: fewer specials, faster tokenizing.
    default = get_default_latex_context_db()
    db = default.filter_context(keep_which=["macros", "environments"])
    specials = [SpecialsSpec("~"), SpecialsSpec("&")]
    specials += [SpecialsSpec(c, args_parser=ShortVerbParser(c)) for c in sorted(short_verbs) if c not in "~&"]
    db.add_context_category("arxiv-translator-specials", specials=specials)
    macros = [MacroSpec(name, spec) for name, spec in EXTRA_MACROS.items()]
    macros += [MacroSpec(name, spec) for name, spec in user_macros.items()
               if name not in STANDARD_MACROS and default.get_macro_spec(name) is None]
    macros += [MacroSpec(name, spec) for name, spec in (TEMPLATE_MACROS | PACKAGE_MACROS).items()
               if name not in user_macros]
    macros += [MacroSpec(name, args_parser=BareInputArgsParser()) for name in ("input", "include")]
    macros += [MacroSpec(name, args_parser=UrlArgsParser()) for name in ("url", "nolinkurl", "path")]
    macros += [MacroSpec("href", args_parser=UrlArgsParser("{")), MacroSpec("tikz", args_parser=TikzArgsParser()),
               MacroSpec("cmidrule", args_parser=CmidruleArgsParser())]
    macros += [MacroSpec(name, args_parser=InlineCodeParser()) for name in ("lstinline", "Verb")]
    macros += [MacroSpec("mintinline", args_parser=InlineCodeParser(language=True))]
    macros += [MacroSpec(name, args_parser=DefinitionArgsParser(name, EXTRA_MACROS.get(name, ""))) for name in DEFINERS]
    envs = [EnvironmentSpec(name, "[") for name in sorted(THEOREM_ENVS | set(theorem_envs))]
    envs += [EnvironmentSpec(name, spec) for name, spec in EXTRA_ENVS.items()]
    envs += [EnvironmentSpec(name, "[") for name in
             sorted(unknown_envs(set(option_envs) - set(theorem_envs) - set(verbatim_envs)))]
    envs += [EnvironmentSpec(name, args_parser=VerbatimEnvParser(name)) for name in
             sorted(VERBATIM_ENVS | set(verbatim_envs))]
    db.add_context_category("arxiv-translator", macros=macros, environments=envs, prepend=True)
    return db


_NEWCOMMAND = re.compile(
    r"\\(?:re)?(?:newcommand|providecommand|DeclareRobustCommand)\*?\s*\{?\s*\\([A-Za-z@]+)\s*\}?"
    r"\s*(?:\[(\d)\])?\s*(\[)?"
)
_DEF = re.compile(r"\\(?:g|e|x)?def\s*\\([A-Za-z@]+)((?:#\d)*)\s*\{")
#: algorithm2e's input/output keywords (``\\SetKwInOut{Input}{Input}`` makes ``\\Input{the data}``: prose).
_KW_IO = re.compile(r"\\SetKw(?:InOut|Input)\s*\{\s*([A-Za-z@]+)\s*\}")
_DECLARE_OP = re.compile(r"\\DeclareMathOperator\*?\s*\{?\s*\\([A-Za-z@]+)")
_NEWTHEOREM = re.compile(r"\\(?:newtheorem|spnewtheorem|declaretheorem|newmdtheoremenv|newtheoremstyle)\*?"
                         r"\s*(?:\[[^\]]*\]\s*)?\{([A-Za-z@*]+)\}")


_OPTION_ENV = re.compile(r"\\begin\s*\{([A-Za-z@]+\*?)\}\s*\[")
_TITLE_OPTION = re.compile(r"\\begin\s*\{([A-Za-z@]+\*?)\}\s*\[([^\[\]=\n]{0,200})\]")
_NAME_LIST = re.compile(r"\s*[A-Za-z@][\w@\-]*(?:\s*,\s*[A-Za-z@][\w@\-]*)*\s*")
_TITLE_WORD = re.compile(r"(?<![\\A-Za-z@])[A-Za-z][a-z]{2,}")


def option_env_names(text: str) -> tuple[set[str], set[str]]:
    """Environments ``text`` opens with options (``\\begin{mdframed}[..]`` -> ``mdframed``), and of those the
    ones opened with a title: two words or more, no ``key=value``, not a list of names
    (``\\begin{sproof}[Proof sketch (see the appendix)]``)."""
    titled = {m.group(1) for m in _TITLE_OPTION.finditer(text)
              if not _NAME_LIST.fullmatch(m.group(2)) and len(_TITLE_WORD.findall(m.group(2))) >= 2}
    return {m.group(1) for m in _OPTION_ENV.finditer(text)}, titled


def unknown_envs(names: set[str]) -> set[str]:
    """Of ``names``, the environments neither pylatexenc nor these tables give arguments."""
    default = get_default_latex_context_db()
    known = THEOREM_ENVS | set(EXTRA_ENVS) | VERBATIM_ENVS
    return {n for n in names - known if default.get_environment_spec(n) is None}


def theorem_env_names(text: str) -> set[str]:
    """Environments a paper (or its style file) declares with ``\\newtheorem`` and friends."""
    return {m.group(1) for m in _NEWTHEOREM.finditer(text)}


_XPARSE = re.compile(r"\\(?:New|Renew|Provide|Declare)(?:Expandable)?DocumentCommand\s*\{?\s*\\([A-Za-z@]+)\s*\}?"
                     r"\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
#: xparse argument types -> pylatexenc's (``O{default}`` is an optional argument with a default)
_XPARSE_ARG = {"m": "{", "o": "[", "O": "[", "s": "*"}


def xparse_argspec(spec: str) -> str | None:
    """pylatexenc's argspec for an xparse one (``m o`` -> ``{[``, ``s O{x} m`` -> ``*[{``); None for argument
    types it cannot express (delimited, verbatim, embellishments)."""
    types = xparse_types(spec)
    if types is None or any(t not in _XPARSE_ARG for t in types):
        return None
    return "".join(_XPARSE_ARG[t] for t in types)


def keyword_io_names(text: str) -> set[str]:
    """Macros that algorithm2e's ``\\SetKwInOut``/``\\SetKwInput`` define: one argument, prose (like ``\\KwIn``)."""
    return {m.group(1) for m in _KW_IO.finditer(text)}


def user_macro_specs(text: str) -> dict[str, str]:
    """Argument specs of the macros a paper defines (``\\newcommand``, ``\\def``, xparse's
    ``\\NewDocumentCommand``).

    Standard commands (:data:`STANDARD_MACROS`) are never re-specified: a style
    file's ``\\def\\section{\\@startsection...}`` does not change what
    ``\\section`` takes in the document.
    """
    specs: dict[str, str] = {}
    for m in _NEWCOMMAND.finditer(text):
        name, count, optional = m.group(1), int(m.group(2) or 0), m.group(3)
        if count and optional:
            specs[name] = "[" + "{" * (count - 1)
        else:
            specs[name] = "{" * count
    for m in _DEF.finditer(text):
        specs.setdefault(m.group(1), "{" * (len(m.group(2)) // 2))
    for m in _DECLARE_OP.finditer(text):
        specs.setdefault(m.group(1), "")
    for name in keyword_io_names(text):
        specs.setdefault(name, "{")
    for m in _XPARSE.finditer(text):
        spec = xparse_argspec(m.group(2))
        if spec is not None:
            specs[m.group(1)] = spec
    return specs
