"""Korean labels for LaTeXML's captions and references; arXiv's hidden feedback buttons removed."""

from __future__ import annotations

import pytest

from arxiv_translator.writers.labels import localise_label, localise_tags
from arxiv_translator.writers.html.localise import localise_page


@pytest.mark.parametrize("english,korean", [
    ('<span class="ltx_tag ltx_tag_figure">Figure 3: </span>', '<span class="ltx_tag ltx_tag_figure">그림 3: </span>'),
    ('<span class="ltx_tag ltx_tag_table">Table 2: </span>', '<span class="ltx_tag ltx_tag_table">표 2: </span>'),
    ('<span class="ltx_tag ltx_tag_float">Algorithm 1</span>', '<span class="ltx_tag ltx_tag_float">알고리즘 1</span>'),
    ('<span class="ltx_tag ltx_tag_appendix">Appendix A </span>', '<span class="ltx_tag ltx_tag_appendix">부록 A </span>'),
    ('<span class="ltx_tag ltx_tag_theorem"><span class="ltx_text ltx_font_bold" id="T1">Lemma 5.1</span></span>',
     '<span class="ltx_tag ltx_tag_theorem"><span class="ltx_text ltx_font_bold" id="T1">보조정리 5.1</span></span>'),
    ('<span class="ltx_tag ltx_tag_table"><span class="ltx_text" style="font-size:90%;">Table 1</span>: </span>',
     '<span class="ltx_tag ltx_tag_table"><span class="ltx_text" style="font-size:90%;">표 1</span>: </span>'),
    ('<a class="ltx_ref" href="#S3.F4"><span class="ltx_text ltx_ref_tag">Fig.</span>&nbsp;<span '
     'class="ltx_text ltx_ref_tag">4</span></a>',
     '<a class="ltx_ref" href="#S3.F4"><span class="ltx_text ltx_ref_tag">그림</span>&nbsp;<span '
     'class="ltx_text ltx_ref_tag">4</span></a>'),
    ('<span class="ltx_text ltx_ref_tag">Tab.&nbsp;2</span>', '<span class="ltx_text ltx_ref_tag">표&nbsp;2</span>'),
    ('<span class="ltx_text ltx_ref_tag">Section&nbsp;3.1</span>', '<span class="ltx_text ltx_ref_tag">섹션&nbsp;3.1</span>'),
    ('<span class="ltx_text ltx_ref_tag">Equation</span>', '<span class="ltx_text ltx_ref_tag">식</span>'),
    # never outside LaTeXML's label spans, never a bibliography label, never inside words
    ('<p class="ltx_p">Figure 3 shows a Table.</p>', '<p class="ltx_p">Figure 3 shows a Table.</p>'),
    ('<span class="ltx_tag ltx_tag_bibitem">Table (2020)</span>', '<span class="ltx_tag ltx_tag_bibitem">Table (2020)</span>'),
    ('<span class="ltx_text ltx_ref_tag">Tableau 2</span>', '<span class="ltx_text ltx_ref_tag">Tableau 2</span>'),
])
def test_labels(english, korean):
    assert localise_tags(english)[0] == korean


def test_label_words():
    assert localise_label("Figs. 2 and 3") == "그림 2 and 3"
    assert localise_label("Configuration") == "Configuration"


PAGE = """<html><body><article>
<section class="ltx_section" id="S2">
<h2 class="ltx_title ltx_title_section"><span class="ltx_tag ltx_tag_section">2 </span>관련 연구</h2>
<button class="sr-only button" style="display: none;">Report issue for preceding element</button>
<p class="ltx_p">앞의 <a class="ltx_ref" href="#S2" title="2 Related Work"><span class="ltx_text ltx_ref_title"><span class="ltx_tag ltx_tag_ref">2 </span>Related Work</span></a> 참고.</p>
<p class="ltx_p"><a class="ltx_ref" href="https://arxiv.org/html/2401.00001v1#S3"><span class="ltx_text ltx_ref_title">Untranslated Heading</span></a></p>
</section>
<section class="ltx_section" id="S3"><h2 class="ltx_title">Untranslated Heading <math alttext="x"></math></h2></section>
<button type="button" class="btn btn-primary hover-rp-button" id="openForm">Report Issue</button>
</article></body></html>"""


def test_page_reference_titles_and_buttons():
    info: dict = {}
    page = localise_page(PAGE, info)
    assert 'ltx_ref_title"><span class="ltx_tag ltx_tag_ref">2 </span>관련 연구</span>' in page
    assert 'ltx_ref_title">Untranslated Heading</span>' in page  # its heading has no translation (and math)
    assert "Report issue for preceding element" not in page and 'id="openForm">Report Issue</button>' in page
    assert info == {"labels_localised": 0, "reference_titles": 1, "feedback_buttons_removed": 1}
