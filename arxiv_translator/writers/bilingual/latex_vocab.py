"""What :mod:`.latex_html` knows of LaTeX's inline commands: names and what each becomes in HTML."""

from __future__ import annotations

import re

MATH_ENVS = {
    "equation": "equation", "equation*": "equation*", "displaymath": None, "math": None,
    "align": "align", "align*": "align*", "aligned": "aligned", "gather": "gather", "gather*": "gather*",
    "alignat": "alignat", "alignat*": "alignat*", "split": "split", "flalign": "align", "flalign*": "align*",
    "multline": "gather", "multline*": "gather*", "eqnarray": "eqnarray", "eqnarray*": "eqnarray",
    "dmath": "equation", "dmath*": "equation*",
}
WRAPS: dict[str, str | None] = {  # None: the argument's text, unwrapped
    "text": None, "textrm": None, "textnormal": None, "textsf": None, "textup": None, "textmd": None, "mbox": None,
    "hbox": None, "mathrm": None, "textbf": "b", "mathbf": "b", "bm": "b", "textit": "em", "emph": "em", "textsl": "em", "mathit": "em",
    "texttt": "code", "textsc": "span class=\"sc\"", "underline": "u", "uline": "u", "textsuperscript": "sup",
    "textsubscript": "sub", "sout": "s",
}
DECLARATIONS = {"bf": "b", "bfseries": "b", "em": "em", "it": "em", "itshape": "em", "sl": "em",
                "slshape": "em", "tt": "code", "ttfamily": "code", "sc": "span class=\"sc\"",
                "scshape": "span class=\"sc\""}
CITES = re.compile(r"^(cite[a-z]*|Cite[a-z]*|[a-z]*cite[a-z]*)$")
REFS = {"ref": "[{}]", "autoref": "[{}]", "Autoref": "[{}]", "cref": "[{}]", "Cref": "[{}]", "vref": "[{}]",
        "nameref": "[{}]", "pageref": "[{}]", "eqref": "({})", "cpageref": "[{}]", "Vref": "[{}]"}
NOTES = {"footnote", "tnote", "sidenote", "marginpar", "footnotemark", "thanks"}
#: Commands whose arguments are dropped: name -> number of brace arguments.
DROPS = {"label": 1, "index": 1, "vspace": 1, "hspace": 1, "includegraphics": 1, "phantom": 1, "hphantom": 1,
         "vphantom": 1, "setlength": 2, "addtolength": 2, "setcounter": 2, "addtocounter": 2, "color": 1,
         "bibliographystyle": 1, "bibliography": 1, "input": 1, "include": 1, "cline": 1, "cmidrule": 1,
         "newcommand": 2, "renewcommand": 2, "providecommand": 2, "def": 0, "rule": 2, "raisebox": 1,
         "resizebox": 2, "scalebox": 1, "rotatebox": 1, "linewidth": 0, "nocite": 1, "pagestyle": 1,
         "thispagestyle": 1, "fontsize": 2, "selectfont": 0, "hypertarget": 1, "adjustbox": 1,
         "cellcolor": 1, "rowcolor": 1, "columncolor": 1, "arrayrulecolor": 1, "specialrule": 3,
         "addlinespace": 0, "morecmidrules": 0, "tabularnewline": 0, "arraybackslash": 0}
#: Commands followed by arguments to skip before the one that is shown.
SKIP_BEFORE = {"textcolor": 1, "colorbox": 1, "multicolumn": 2, "multirow": 2, "hyperref": 0, "fcolorbox": 2,
               "makebox": 0, "parbox": 1, "foreignlanguage": 1, "hyperlink": 1}
SYMBOLS = {"ldots": "…", "dots": "…", "textellipsis": "…", "LaTeX": "LaTeX", "TeX": "TeX", "quad": "\u2003",
           "qquad": "\u2003\u2003", "textbackslash": "\\", "S": "§", "P": "¶", "dag": "†", "ddag": "‡",
           "textendash": "–", "textemdash": "—", "newline": "<br>", "linebreak": "<br>", "par": "<br>",
           "item": "<br>• ", "noindent": "", "centering": "", "maketitle": "", "and": " · ", "AND": " · ",
           "hline": "", "toprule": "", "midrule": "", "bottomrule": "", "hfill": " ", "nobreak": "",
           "textregistered": "®", "texttrademark": "™", "copyright": "©", "textdegree": "°", "ss": "ß"}
ENV_ARGS = {"minipage": 1, "tabular": 1, "tabularx": 2, "tabular*": 2, "wrapfigure": 2, "subfigure": 1,
            "array": 1, "multicols": 1, "adjustbox": 1}
TEXT_PUNCT = {"---": "—", "--": "–", "``": "“", "''": "”", "~": "\u00a0"}
CHAR_ESCAPES = {"%": "%", "&": "&amp;", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", " ": " ",
                ",": "\u2009", ";": "\u2005", ":": "\u2005", "!": "", "-": "", "@": "", "/": "", "\\": "<br>",
                "\n": " ", "|": "‖"}
