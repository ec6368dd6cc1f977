"""Rules between table rows (booktabs, hhline, makecell, arydshln) are neither cells nor prose."""

from __future__ import annotations

from pathlib import Path

from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader

TABLE = r"""\documentclass{article}
\usepackage{booktabs,makecell,hhline,graphicx,arydshln}
\begin{document}
\begin{table}\centering
\begin{tabular}{@{}l|cc@{}}\toprule[1.5pt]
Method name & Image data & Text data \\ \midrule[1pt] \cmidrule[0.5pt](lr){2-3}
\rotatebox{90}{Row label} & 1.0 & 2.0 \\ \Xhline{1pt}
Simple baseline & 3.0 & 4.0 \\ \hhline{---}
Strong model & 5.0 & 6.0 \\ \hdashline
Our method & 7.0 & 8.0 \\ \cdashline{1-2} \addlinespace[2pt]
Final row & 9.0 & 9.5 \\ \specialrule{1pt}{2pt}{2pt}
Last row & 1.5 & 2.5 \\ \bottomrule[1.5pt]
\end{tabular}
\caption{Results of all the methods.}
\end{table}
\end{document}
"""


def test_rules_with_their_arguments_leave_only_the_cells(tmp_path: Path):
    (tmp_path / "main.tex").write_text(TABLE, encoding="utf-8")
    doc = LatexReader().read(tmp_path)
    mask_document(doc)
    assert [s.masked for s in doc.segments() if s.kind == "cell"] == [
        "Method name", "Image data", "Text data", "<g1>Row label</g1>", "Simple baseline", "Strong model",
        "Our method", "Final row", "Last row"]
    (table,) = doc.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["Method name", "Image data", "Text data"], ["\\rotatebox{90}{Row label}", "1.0", "2.0"],
        ["Simple baseline", "3.0", "4.0"], ["Strong model", "5.0", "6.0"], ["Our method", "7.0", "8.0"],
        ["Final row", "9.0", "9.5"], ["Last row", "1.5", "2.5"]]
