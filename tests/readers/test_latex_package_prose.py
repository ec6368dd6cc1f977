"""Prose that packages common in ML papers hide in their own macros.

* hyperref's ``\\texorpdfstring{on the page}{in the bookmarks}`` in a heading: the text set on the page was
  protected whole and only the bookmark text translated, so the printed heading stayed English (now the page
  text is translated and the bookmark text stays: the Markdown and HTML writers show the text between the
  protected pieces, so translating both showed the heading twice);
* diagbox's ``\\diagbox{Method}{Dataset}`` table corner: both heads were kept as one unknown macro;
* algorithm2e's ``\\SetKwInOut{Input}{Input}`` defines ``\\Input{..}``, whose argument is prose like ``\\KwIn``'s,
  but it was kept as pseudo-code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader


def read(tmp_path: Path, preamble: str, body: str):
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text("\\documentclass{article}\n" + preamble + "\n\\begin{document}\n" + body +
                                   "\n\\end{document}\n", encoding="utf-8")
    doc = LatexReader().read(root)
    mask_document(doc)
    return doc


def visible(seg) -> str:
    """The segment's source with its protected spans blanked: what the model is asked to translate."""
    out, pos = [], 0
    for span in sorted(seg.spans, key=lambda s: s.start):
        out += [seg.source[pos:span.start], " "]
        pos = span.end
    return "".join(out + [seg.source[pos:]])


def test_texorpdfstring_page_text_is_translated(tmp_path):
    doc = read(tmp_path, "\\usepackage{hyperref}",
               "\\section{Convergence \\texorpdfstring{in the convex case}{in the convex case}}\n"
               "\\section{Training with \\texorpdfstring{$\\ell_1$}{l1} penalties}\nText follows here.")
    headings = [s for s in doc.segments() if s.kind == "heading"]
    assert [s.source for s in headings] == ["Convergence \\texorpdfstring{in the convex case}{in the convex case}",
                                           "Training with \\texorpdfstring{$\\ell_1$}{l1} penalties"]
    assert visible(headings[0]).count("in the convex case") == 1  # the page text; the bookmark text stays
    assert "l1" not in visible(headings[1]) and "penalties" in visible(headings[1])


def test_algorithm2e_keyword_io_arguments_are_prose(tmp_path):
    doc = read(tmp_path, "\\usepackage[ruled]{algorithm2e}\n\\SetKwInOut{Input}{Input}\\SetKwInOut{Output}{Output}",
               "\\begin{algorithm}\\caption{Training loop}\n\\Input{training set $D$, learning rate $\\eta$}\n"
               "\\Output{trained parameters}\ninitialise $\\theta$ randomly\\;\n\\end{algorithm}")
    sources = [s.source for s in doc.segments()]
    assert "training set $D$, learning rate $\\eta$" in sources and "trained parameters" in sources
    assert not any("initialise" in s or "Input" in s for s in sources)  # the pseudo-code itself stays


def test_diagbox_corner_heads_are_cell_text(tmp_path):
    doc = read(tmp_path, "\\usepackage{diagbox}",
               "\\begin{tabular}{lc}\\diagbox[width=6em]{Method}{Dataset} & Small benchmark \\\\\n"
               "Baseline & 71.2 \\\\\n\\end{tabular}")
    corner = next(s for s in doc.segments() if "diagbox" in s.source)
    assert visible(corner).split() == ["Method", "Dataset"]
    assert "width=6em" not in visible(corner)


def test_epigraph_quotation_is_prose_its_source_and_running_authors_stay(tmp_path):
    doc = read(tmp_path, "\\usepackage{epigraph}\\author{Jane Doe}\\authorrunning{J. Doe and J. Roe}",
               "\\epigraph{All models are wrong, but some are useful.}{George Box}\nThe text follows here.\n\n"
               "\\epigraph{$E = mc^2$}{Albert Einstein}\n\n"
               "\\markboth{Journal of Class Files, Vol. 14}{Shell \\MakeLowercase{\\textit{et al.}}: Bare Demo}\n\n"
               "\\markboth{Journal of Class Files, Vol. 14}%\n{Shell et al.: Bare Demo}\n\n"  # IEEEtran's sample
               "\\unknownmacro{one}% a comment\n  \\textbf{Words} after it stay prose.\n\n"
               "\\floatconts{tab:x}%\n{\\caption{An example table of results}}%\n{\\begin{tabular}{l}a\\end{tabular}}")
    texts = [visible(s) for s in doc.segments()]
    assert any("All models are wrong, but some are useful." in t for t in texts)
    assert not any("George" in t or "Einstein" in t or "Roe" in t or "Shell" in t or "Journal" in t for t in texts)
    assert any("Words after it stay prose." in " ".join(t.split()) for t in texts), texts  # only {..}%{..} glue
    assert "An example table of results" in texts, texts  # jmlr's \\floatconts{label}%{caption}%{content}


def test_elsarticle_author_label_and_notes(tmp_path):
    doc = read(tmp_path, "", "\\begin{frontmatter}\n\\title{A Title Here}\n"
               "\\author[a]{Jane Doe\\corref{cor1}\\fnref{fn1}}\n\\cortext[cor1]{Corresponding author.}\n"
               "\\fntext[fn1]{Work done while at the lab.}\n"
               "\\affiliation[a]{organization={University of Nowhere},city={Springfield}}\n\\end{frontmatter}\n"
               "\\section{Introduction}\nBody text is here.")
    texts = [visible(s) for s in doc.segments()]
    assert "Corresponding author." in texts and "Work done while at the lab." in texts
    assert not any("Jane" in t or "Nowhere" in t or "cor1" in t for t in texts)
    sources = "".join(s.source for s in doc.segments())
    assert "\\author" not in sources and "\\affiliation" not in sources


def test_one_word_in_ulem_soul_and_case_macros_is_prose(tmp_path):
    doc = read(tmp_path, "\\usepackage[normalem]{ulem}\\usepackage{soul}",
               "We \\sout{remove} the claim, \\hl{highlight} a word and \\ul{underline} another.\n\n"
               "\\subsection{\\MakeUppercase{Ablations} of the loss}")
    texts = " ".join(visible(s) for s in doc.segments())
    for word in ("remove", "highlight", "underline", "Ablations"):
        assert word in texts, (word, texts)


def test_definitions_in_the_body_are_code(tmp_path):
    doc = read(tmp_path, "", "\\makeatletter\n\\def\\@fnsymbol#1{\\ensuremath{\\ifcase#1\\or *\\or \\dagger\\else"
               "\\@ctrerr\\fi}}\n\\renewcommand\\@maketitle{\\begin{center}Some title text here\\end{center}}\n"
               "\\makeatother\n"
               "\\newenvironment{myquote}[1][x]{\\begin{center}\\bfseries Summary words}{\\end{center}}\n"
               "\\def\\foo#1.{\\textbf{#1} and more words}\nSparse models are useful because they are small.")
    assert [s.source for s in doc.segments()] == ["Sparse models are useful because they are small."]


@pytest.mark.parametrize("where", ["preamble", "body"])
def test_subtitle_is_a_heading(tmp_path, where):
    title = "\\title{Efficient Retrieval}\n\\subtitle{A Systems Perspective}\n"
    doc = read(tmp_path, title if where == "preamble" else "",
               (title if where == "body" else "") + "\\maketitle\nRetrieval is essential for grounding answers.")
    sub = [s for s in doc.segments() if s.source == "A Systems Perspective"]
    assert len(sub) == 1 and sub[0].kind == "heading" and sub[0].attrs.level == 2


@pytest.mark.parametrize("env, spec", [("tblr", "{colspec={lX[l]}, row{1}={font=\\bfseries}}"),
                                       ("longtblr", "[caption={Long table caption words}]{colspec={lX}}"),
                                       ("NiceTabular", "{lc}[hvlines]"), ("xtabular", "{lp{5cm}}")])
def test_tabularray_and_nicematrix_column_specs_stay(tmp_path, env, spec):
    doc = read(tmp_path, "", f"\\begin{{{env}}}{spec}\nSetting & Description of the setting \\\\\n"
               f"Warmup & Number of warmup steps before decay \\\\\n\\end{{{env}}}")
    cells = [s.source for s in doc.segments() if s.kind == "cell"]
    assert cells == ["Setting", "Description of the setting", "Warmup", "Number of warmup steps before decay"]
    others = [s.source for s in doc.segments() if s.kind != "cell"]
    assert others == (["Long table caption words"] if env == "longtblr" else [])


def test_titles_of_the_papers_own_boxes(tmp_path):
    doc = read(tmp_path, "\\usepackage{tcolorbox}\n\\newtcolorbox{promptbox}[1]{colback=gray!5,title=#1}\n"
               "\\newenvironment{examplebox}[2][]{\\par\\textbf{Example: #2}\\label{#1}\\par}{\\par}\n"
               "\\newenvironment{wide}[1]{\\begin{minipage}{#1}}{\\end{minipage}}",
               "\\begin{promptbox}{System prompt for summarization}\nYou are a helpful assistant.\n\\end{promptbox}\n"
               "\\begin{examplebox}[ex:fail]{A failure case of the model}\nThe model repeats itself.\n"
               "\\end{examplebox}\n\\begin{wide}{0.5\\textwidth}\nA wide block of text.\n\\end{wide}")
    by_kind: dict[str, list[str]] = {}
    for s in doc.segments():
        by_kind.setdefault(s.kind, []).append(s.source)
    assert by_kind["heading"] == ["System prompt for summarization", "A failure case of the model"]
    assert by_kind["paragraph"] == ["You are a helpful assistant.", "The model repeats itself.",
                                    "A wide block of text."]


def test_a_papers_own_short_macro_keeps_its_arity(tmp_path):
    doc = read(tmp_path, "\\newcommand{\\st}{\\text{s.t.}}",
               "We minimize the loss \\st the constraints hold everywhere.")
    assert [visible(s).split() for s in doc.segments()] == [
        ["We", "minimize", "the", "loss", "the", "constraints", "hold", "everywhere."]]


def test_note_inside_an_email_is_prose_and_the_address_stays(tmp_path):
    """amsart's sample: ``\\email{..\\thanks{..}}`` (the note was lost with the author block)."""
    doc = read(tmp_path, "", "\\author[AMS]{American Mathematical Society}\n"
               "\\email{tech-support@ams.org\\thanks{Even e-mail addresses can have footnotes!}}\n\\maketitle\n"
               "Write to \\email{a@b.org} for the data.")
    texts = [" ".join(visible(s).split()) for s in doc.segments()]
    assert "Even e-mail addresses can have footnotes!" in texts, texts
    assert "Write to for the data." in texts and not any("@" in t or "Society" in t for t in texts), texts


@pytest.mark.parametrize("where", ["preamble", "body"])
def test_date_line_is_prose_and_today_is_no_segment(tmp_path, where):
    """``\\date{Draft of March 2024}`` stayed English in the Korean PDF (it was read as author metadata)."""
    head = "\\title{Sparse Attention}\n\\date{Draft of March 2024, prepared for the workshop}\n"
    doc = read(tmp_path, head if where == "preamble" else "",
               (head if where == "body" else "") + "\\maketitle\nAttention is sparse.")
    assert [(s.kind, s.source) for s in doc.segments()] == [
        ("title", "Sparse Attention"), ("paragraph", "Draft of March 2024, prepared for the workshop"),
        ("paragraph", "Attention is sparse.")]
    for date in ("\\today", ""):  # nothing to translate: \today prints a Korean date under the Korean preamble
        (tmp_path / "src" / "main.tex").unlink()
        (tmp_path / "src").rmdir()
        doc = read(tmp_path, f"\\date{{{date}}}", "Attention is sparse.")
        assert [s.source for s in doc.segments()] == ["Attention is sparse."]


@pytest.mark.parametrize("where", ["preamble", "body"])
def test_abstract_macro(tmp_path, where):
    """Some classes take the abstract as ``\\abstract{..}``, which papers also set in the preamble."""
    head = "\\abstract{We study sparse attention and find it efficient.}\n"
    doc = read(tmp_path, head if where == "preamble" else "", (head if where == "body" else "") + "\\maketitle\nText.")
    assert [(s.kind, s.source) for s in doc.segments()] == [
        ("abstract", "We study sparse attention and find it efficient."), ("paragraph", "Text.")]
