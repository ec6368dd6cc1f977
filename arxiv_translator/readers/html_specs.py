"""What an arXiv (LaTeXML) page looks like: the tables the HTML reader works from.

Class names are LaTeXML's (``ltx_p``, ``ltx_title_section``...); tag names
are lower case.  Keeping the tables here keeps the reader's code about
structure, not about LaTeXML's vocabulary.
"""

from __future__ import annotations

#: Elements with no end tag.
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
                       "param", "source", "track", "wbr"})
#: Elements whose content is raw text (no tags inside); ``math`` is skipped whole the same way.
RAW_TAGS = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "math"})

#: Block-level elements: a segment never spans across one (it becomes an atom of its host).
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "details", "dialog", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption",
})
BLOCK_CLASSES = frozenset({"ltx_p", "ltx_para", "ltx_inline-para", "ltx_tabular", "ltx_tr", "ltx_td", "ltx_tbody",
                           "ltx_thead", "ltx_tfoot", "ltx_itemize", "ltx_enumerate", "ltx_description",
                           "ltx_listing", "ltx_verbatim", "ltx_equation", "ltx_equationgroup", "ltx_block"})

#: Subtrees never translated and never searched for prose (kept byte-identical).
SKIP_TAGS = frozenset({"math", "script", "style", "svg", "button", "nav", "textarea", "select", "form", "pre",
                       "code", "kbd", "samp", "template", "noscript", "iframe", "object", "video", "audio",
                       "canvas", "head", "header", "footer", "input"})
SKIP_CLASSES = frozenset({"ltx_authors", "ltx_bibliography", "ltx_listing", "ltx_verbatim", "ltx_lstlisting",
                          "ltx_equation", "ltx_equationgroup", "ltx_TOC", "ltx_page_navbar", "ltx_page_header",
                          "ltx_page_footer", "ltx_ERROR", "ltx_pagination", "ltx_tag", "ltx_note_mark",
                          "ltx_font_typewriter", "sr-only"})

#: Inside a segment: elements kept whole as one protected atom.
ATOM_TAGS = frozenset({"math", "cite", "img", "br", "svg", "code", "kbd", "samp", "tt", "button", "script", "style",
                       "input", "textarea", "select", "iframe", "object", "video", "audio", "canvas", "pre", "wbr",
                       "hr", "picture", "source"})
ATOM_CLASSES = frozenset({"ltx_ref", "ltx_tag", "ltx_note", "ltx_note_mark", "ltx_ERROR", "ltx_font_typewriter",
                          "ltx_ref_tag", "ltx_url", "ltx_rule", "ltx_inline-block",
                          "ltx_picture", "ltx_graphics"}) | BLOCK_CLASSES
#: Atoms that may hold segments of their own (a footnote inside a paragraph, a table inside a cell).
CONTAINER_CLASSES = frozenset({"ltx_note", "ltx_note_outer", "ltx_inline-block", "ltx_transformed_outer",
                               "ltx_transformed_inner"})
#: Containers that are never a segment themselves: the segment is further in.
RECURSE_CLASSES = frozenset({"ltx_note", "ltx_note_outer", "ltx_transformed_outer"})
#: Protected kinds of atoms, by tag or class (first match wins); the default is "element".
SPAN_KIND_BY_TAG = {"math": "math", "cite": "cite", "img": "graphics", "code": "code", "kbd": "code",
                    "samp": "code", "tt": "code", "pre": "code", "br": "break"}
SPAN_KIND_BY_CLASS = {"ltx_ref": "ref", "ltx_tag": "tag", "ltx_note": "footnote", "ltx_note_mark": "tag",
                      "ltx_url": "url", "ltx_font_typewriter": "code", "ltx_ERROR": "command"}

#: Segment kinds set by the innermost enclosing element (first matching class or tag).
CONTEXT_BY_CLASS = {"ltx_abstract": "abstract", "ltx_note_content": "footnote", "ltx_note": "footnote",
                    "ltx_caption": "caption", "ltx_item": "item", "ltx_td": "cell", "ltx_theorem": "theorem",
                    "ltx_proof": "theorem", "ltx_keywords": "paragraph"}
CONTEXT_BY_TAG = {"figcaption": "caption", "li": "item", "dd": "item", "dt": "item", "td": "cell", "th": "cell"}

#: Heading levels by title class (LaTeXML picks h2..h6 by depth; the class says what it is).
TITLE_LEVELS = {"ltx_title_document": 1, "ltx_title_part": 1, "ltx_title_chapter": 1, "ltx_title_section": 2,
                "ltx_title_appendix": 2, "ltx_title_bibliography": 2, "ltx_title_abstract": 2,
                "ltx_title_acknowledgements": 2, "ltx_title_index": 2, "ltx_title_subsection": 3,
                "ltx_title_subsubsection": 4, "ltx_title_paragraph": 5, "ltx_title_subparagraph": 6}
#: Titles of theorem-like blocks are run-in labels of their body, not headings.
RUNIN_TITLES = frozenset({"ltx_title_theorem", "ltx_title_proof"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

ID_PREFIX = {"paragraph": "p", "heading": "h", "caption": "c", "footnote": "f", "item": "i", "cell": "t",
             "abstract": "a", "title": "title", "theorem": "thm"}
