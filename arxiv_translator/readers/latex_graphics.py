"""The graphics of a LaTeX figure environment: paths and the width the paper gives them.

``graphics_in(nodes, text)`` walks a figure's parsed nodes and returns
``(spec, width)`` pairs in order:

* ``spec`` is the ``\\includegraphics`` path with TeX grouping braces removed
  (``{fig/world/truth.0}.png`` -> ``fig/world/truth.0.png``); a TikZ/pgf
  picture without an image inside is ``tikz:`` (``tikz:figs/plot.tikz`` when it
  comes from an ``\\input`` file);
* ``width`` is the fraction of the text width the paper asks for
  (``width=0.5\\linewidth`` -> 0.5, inside a ``minipage{0.49\\linewidth}`` the
  product), or None when it does not say (``height=`` only, ``scale=``).
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexEnvironmentNode, LatexGroupNode, LatexMacroNode

TEXT_WIDTH_PT = 400.0  # a typical text width; absolute widths are measured against it
_RELATIVE = re.compile(r"^\s*(\d*\.?\d*)\s*\\(?:linewidth|textwidth|columnwidth|hsize|textheight)\b")
_ABSOLUTE = re.compile(r"^\s*(\d*\.?\d+)\s*(pt|bp|in|cm|mm|em|px)\b")
_UNIT_PT = {"pt": 1.0, "bp": 1.00375, "in": 72.27, "cm": 28.45, "mm": 2.845, "em": 10.0, "px": 0.75}
_WIDTH_OPT = re.compile(r"(?<![a-z])width\s*=\s*([^,\]]+)")
_ENV_WIDTH = re.compile(r"\\begin\s*\{(?:minipage|subfigure|subtable|wrapfigure)\}\s*(?:\[[^\]]*\]\s*)*"
                        r"(?:\{[lrio]\}\s*)?\{([^{}]*)\}")
_SUBFLOAT = re.compile(r"\\(?:subfloat|subcaptionbox)\b")
TIKZ_ENVS = {"tikzpicture", "pgfpicture", "circuitikz", "tikzcd", "forest", "axis"}
MAX_LOOP = 24
PICTURE_FILES = (".tikz", ".pgf", ".pgf_t", ".tex")


def width_fraction(value: str) -> float | None:
    """``0.5\\linewidth`` -> 0.5, ``\\textwidth`` -> 1, ``3in`` -> its share of a text width; else None."""
    m = _RELATIVE.match(value)
    if m:
        try:
            return float(m.group(1)) if m.group(1) not in ("", ".") else 1.0
        except ValueError:
            return None
    m = _ABSOLUTE.match(value)
    if m:
        return min(1.0, float(m.group(1)) * _UNIT_PT[m.group(2)] / TEXT_WIDTH_PT)
    return None


def graphic_spec(path: str) -> str:
    """An ``\\includegraphics`` path as a file name: TeX grouping braces and spaces at the ends removed."""
    return path.replace("{", "").replace("}", "").strip()


def _loop_specs(spec: str, text: str, pos: int) -> list[str]:
    """A path using a ``\\foreach`` variable (``fig/\\I.png``), once per value of the loop around it."""
    var = re.search(r"\\([A-Za-z]+)", spec)
    if var is None:
        return [spec]
    loops = list(re.finditer(r"\\foreach\s*\\" + var.group(1) + r"\s+in\s*(?:\{([^{}]*)\}|\\([A-Za-z]+))",
                             text[max(0, pos - 3000) : pos]))
    if not loops:
        return [spec]
    listing = loops[-1].group(1)
    if listing is None:  # \foreach \I in \photos: the list is a macro of the paper
        defined = re.search(r"\\(?:def|(?:re)?newcommand\*?)\s*\{?\\" + loops[-1].group(2) + r"\}?\s*\{([^{}]*)\}", text)
        if defined is None:
            return [spec]
        listing = defined.group(1)
    values = [v.strip() for v in listing.split(",") if v.strip()][:MAX_LOOP]
    return [re.sub(r"\\" + var.group(1) + r"(?![A-Za-z])\s*(?:\{\})?", lambda _m, v=v: v, spec) for v in values]


def graphics_in(nodes: list, text: str, scale: float = 1.0) -> list[tuple[str, float | None]]:
    """The graphics inside a figure environment, in order (see the module docstring)."""
    found: list[tuple[str, float | None]] = []
    for node in nodes:
        if node is None:
            continue
        if isinstance(node, LatexMacroNode) and node.macroname == "includegraphics":
            raw = text[node.pos : node.pos + node.len]
            arg = re.search(r"\{((?:[^{}]|\{[^{}]*\})*)\}\s*$", raw)
            if arg is not None:
                opts = re.match(r"\\includegraphics\s*\*?\s*\[([^\]]*)\]", raw)
                width = _WIDTH_OPT.search(opts.group(1)) if opts else None
                frac = width_fraction(width.group(1)) if width else None
                width = None if frac is None else round(frac * scale, 3)
                found.extend((spec, width) for spec in _loop_specs(graphic_spec(arg.group(1)), text, node.pos))
            continue
        if isinstance(node, LatexMacroNode) and node.macroname == "input" and node.nodeargd is not None:
            arg = next((a for a in node.nodeargd.argnlist or [] if isinstance(a, LatexGroupNode)), None)
            name = text[arg.pos + 1 : arg.pos + arg.len - 1].strip() if arg is not None else ""
            if name:  # a picture drawn by LaTeX (the writer tells pictures from listings by the file)
                found.append(("tikz:" + name, scale if scale < 1 else None))
            continue
        inner_scale = scale
        if isinstance(node, LatexEnvironmentNode):
            m = _ENV_WIDTH.match(text, node.pos)
            frac = width_fraction(m.group(1)) if m else None
            if frac is not None:
                inner_scale = scale * frac
            if node.environmentname in TIKZ_ENVS:
                inner = graphics_in(node.nodelist, text, inner_scale)
                found.extend(inner or [("tikz:", inner_scale if inner_scale < 1 else None)])
                continue
        children = getattr(node, "nodelist", None)
        if children:
            found.extend(graphics_in(children, text, inner_scale))
        if isinstance(node, LatexMacroNode) and node.nodeargd is not None:
            for arg in node.nodeargd.argnlist or []:
                if isinstance(arg, LatexGroupNode):
                    found.extend(graphics_in(arg.nodelist, text, inner_scale))
    return found
