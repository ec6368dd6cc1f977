"""Page surgery for the translated PDF: what the English occupied, removing it, drawing the Korean.

* :func:`page_obstacles` lists what is on a page (text spans, images, paths),
  so that a box is only used, or widened, where nothing else is;
* :func:`collect_glyphs` reads the original glyphs of the formulas and marks
  a segment protects (before anything is removed);
* :func:`redact_rows` removes the English text of translated rows and leaves
  images and vector graphics alone;
* :func:`draw` writes the Korean with TextWriter and the formulas with the
  paper's own fonts (a small content stream of ``Tj`` operators), then moves
  the links of citations and references onto their new places;
* :func:`dual_pdf` puts each original page beside (or before) its translation.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from arxiv_translator.mupdf import pymupdf

from arxiv_translator.readers.pdf_layout import TEXT_FLAGS
from arxiv_translator.readers.pdf_math import base_font
from arxiv_translator.writers.pdf.fonts import Glyph, GlyphCoder
from arxiv_translator.writers.pdf.typeset import Atom, Placed

Rect4 = tuple[float, float, float, float]


def page_obstacles(page: pymupdf.Page) -> tuple[list[Rect4], list[Rect4]]:
    """(text span boxes, image and path boxes) of a page."""
    text: list[Rect4] = []
    for block in page.get_text("dict", flags=TEXT_FLAGS)["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                if span["text"].strip():
                    text.append(tuple(span["bbox"]))
    area = page.rect.width * page.rect.height
    graphics = [tuple(r) for kind, r in page.get_bboxlog()
                if ("image" in kind or "path" in kind) and (r[2] - r[0]) * (r[3] - r[1]) < 0.5 * area]
    return text, graphics


def _font_xrefs(page: pymupdf.Page) -> dict[str, list[int]]:
    names: dict[str, list[int]] = {}
    for xref, _ext, _type, basefont, *_rest in page.get_fonts(full=True):
        names.setdefault(base_font(basefont), []).append(xref)
    return names


def _color(value: int | tuple | list | None) -> tuple[float, ...]:
    if isinstance(value, int):
        return ((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255
    return tuple(value) if value else (0.0,)


def collect_glyphs(page: pymupdf.Page, wanted: list[tuple[Atom, int, Rect4, float, float]]) -> None:
    """Fill ``atom.glyphs`` for (atom, piece index, piece box, baseline, x offset) pieces on ``page``."""
    if not wanted:
        return
    xrefs = _font_xrefs(page)
    chars = []
    for span in page.get_texttrace():
        if span.get("type") == 3 or span.get("opacity", 1) == 0:
            continue
        fonts = xrefs.get(base_font(span["font"]), [])
        color = _color(span.get("color"))
        for ucs, gid, origin, bbox in span["chars"]:
            chars.append((origin[0], origin[1], ucs, gid, origin, span["size"], fonts[0] if len(fonts) == 1 else 0,
                          color))
    for ox, oy, ucs, gid, origin, size, font, color in chars:  # the glyph origin is where rawdict put it too
        best = None
        for item in wanted:
            x0, y0, x1, y1 = item[2]
            if x0 - 0.3 <= ox < x1 - 0.05 and y0 - 0.5 <= oy <= y1 + 0.5 and (best is None or x0 > best[2][0]):
                best = item
        if best is not None:
            atom, _index, (x0, _y0, _x1, _y1), baseline, offset = best
            atom.glyphs.append(Glyph(font=font, gid=gid, char=chr(ucs) if ucs > 0 else "", dx=origin[0] - x0 + offset,
                                     dy=origin[1] - baseline, size=size, color=color))


def links_over(links: list[dict], box: Rect4) -> list[dict]:
    """The links (``page.get_links()``) whose rectangle's middle lies in ``box``."""
    out = []
    for link in links:
        r = link["from"]
        cx, cy = (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2
        if box[0] - 0.5 <= cx <= box[2] + 0.5 and box[1] - 0.5 <= cy <= box[3] + 0.5:
            out.append(link)
    return out


def redact_rows(page: pymupdf.Page, rows: Iterable[Rect4]) -> None:
    """Remove the text of ``rows`` (a middle band of each, so neighbours stay); keep images and graphics."""
    count = 0
    for x0, y0, x1, y1 in rows:
        cut = 0.25 * (y1 - y0)
        page.add_redact_annot(pymupdf.Rect(x0 - 0.2, y0 + cut, x1 + 0.2, y1 - cut), fill=False)
        count += 1
    if count:
        page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE,
                              text=pymupdf.PDF_REDACT_TEXT_REMOVE)


def _add_fonts(doc: pymupdf.Document, page: pymupdf.Page, xrefs: set[int]) -> bool:
    """Make the paper's font objects ``xrefs`` usable from the page's own resources as /ATf<xref>."""
    kind, value = doc.xref_get_key(page.xref, "Resources")
    if kind == "xref":
        target, prefix = int(value.split()[0]), "Font"
    elif kind == "dict":
        target, prefix = page.xref, "Resources/Font"
    else:
        return False
    fkind, fvalue = doc.xref_get_key(target, prefix)
    for xref in sorted(xrefs):
        if fkind == "xref":
            doc.xref_set_key(int(fvalue.split()[0]), f"ATf{xref}", f"{xref} 0 R")
        else:
            doc.xref_set_key(target, f"{prefix}/ATf{xref}", f"{xref} 0 R")
    return True


def _append_stream(doc: pymupdf.Document, page: pymupdf.Page, data: bytes) -> None:
    page.wrap_contents()
    xref = doc.get_new_xref()
    doc.update_object(xref, "<<>>")
    doc.update_stream(xref, data)
    contents = page.get_contents() + [xref]
    doc.xref_set_key(page.xref, "Contents", "[" + " ".join(f"{c} 0 R" for c in contents) + "]")


def _fill(color: tuple[float, ...]) -> str:
    if len(color) == 1:
        return f"{color[0]:.3f} g"
    if len(color) == 4:
        return " ".join(f"{c:.3f}" for c in color) + " k"
    return " ".join(f"{c:.3f}" for c in color[:3]) + " rg"


def draw(doc: pymupdf.Document, page: pymupdf.Page, placed: list[Placed], fonts: dict[bool, pymupdf.Font],
         coder: GlyphCoder) -> int:
    """Draw Korean text and original glyph runs on ``page``; returns the number of formulas drawn."""
    writers: dict[int, pymupdf.TextWriter] = {}

    def writer(color: int) -> pymupdf.TextWriter:
        if color not in writers:
            writers[color] = pymupdf.TextWriter(page.rect, color=_color(color))
        return writers[color]

    to_pdf = ~page.transformation_matrix
    ops: list[str] = []
    used: set[int] = set()
    formulas = 0
    for item in placed:
        if item.atom is None:
            writer(item.color).append((item.x, item.y), item.text, font=fonts[item.bold], fontsize=item.size)
            continue
        formulas += item.atom.kind == "math"
        for g in item.atom.glyphs:
            x, y = item.x + g.dx * item.scale, item.y + g.dy * item.scale
            size = g.size * item.scale
            code = coder.code(g.font, g.gid) if g.font else None
            if code is None:
                if g.char.strip():
                    writer(0).append((x, y), g.char, font=fonts[False], fontsize=size)
                continue
            p = pymupdf.Point(x, y) * to_pdf
            used.add(g.font)
            ops.append(f"{_fill(g.color)} BT /ATf{g.font} {size:.3f} Tf 1 0 0 1 {p.x:.3f} {p.y:.3f} Tm "
                       f"<{code.hex()}> Tj ET")
        if not item.atom.glyphs and item.atom.source.strip():
            writer(0).append((item.x, item.y), item.atom.source, font=fonts[False], fontsize=item.size)
    for tw in writers.values():
        tw.write_text(page)
    if ops and _add_fonts(doc, page, used):
        _append_stream(doc, page, ("q 0 Tr\n" + "\n".join(ops) + "\nQ\n").encode())
    return formulas


def move_links(page: pymupdf.Page, placed: list[Placed], removed: list[Rect4]) -> None:
    """Delete links inside removed rows; put the atoms' links where the atoms are now."""
    for link in page.get_links():
        r = link["from"]
        cx, cy = (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2
        if any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in removed):
            page.delete_link(link)
    for item in placed:
        if item.atom is None or not item.atom.links:
            continue
        rect = pymupdf.Rect(item.x, item.y - 0.8 * item.size, item.x + item.width_hint, item.y + 0.2 * item.size)
        for link in item.atom.links[:1]:
            new = {k: v for k, v in link.items() if k not in ("xref", "id", "zoom")}
            new["from"] = rect
            try:
                page.insert_link(new)
            except Exception:  # an unusual link kind PyMuPDF cannot write back: the text stays, unlinked
                continue


def dual_pdf(original: Path, translated: pymupdf.Document, pages: list[int], out: Path, mode: str) -> int:
    """Write the dual PDF: each original page beside its translation (``side``) or before it (``alternate``)."""
    src = pymupdf.open(original)
    dual = pymupdf.open()
    try:
        for i, pno in enumerate(pages):
            if mode == "alternate":
                dual.insert_pdf(src, from_page=pno, to_page=pno)
                dual.insert_pdf(translated, from_page=i, to_page=i)
                continue
            rect = translated[i].rect
            page = dual.new_page(width=2 * rect.width, height=rect.height)
            page.show_pdf_page(pymupdf.Rect(0, 0, rect.width, rect.height), src, pno)
            page.show_pdf_page(pymupdf.Rect(rect.width, 0, 2 * rect.width, rect.height), translated, i)
        dual.save(out, garbage=2, deflate=True)
        return dual.page_count
    finally:
        dual.close()
        src.close()
