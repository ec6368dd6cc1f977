"""Digests -> a post: Markdown in the seed-004 form, a small HTML page, or JSON.

A post with several papers starts with one line saying what it covers; a ``pseudo`` post says on
its first line that it is not a real digest.  Failed papers are left out of Markdown and HTML (the
CLI lists them) and kept, with their reason, in JSON.
"""

from __future__ import annotations

import json
from html import escape

from arxiv_translator.many.digest import Digest

PSEUDO_NOTE = "PSEUDO-DIGEST (arxiv-translator --engine pseudo): not a real digest; the bullets are the paper's " \
              "own sentences, pseudo-translated."
FORMATS = ("md", "html", "json")


def intro_line(digests: list[Digest]) -> str:
    """What the post covers, in Korean."""
    months = sorted({d.month for d in digests if d.month})
    n = len(digests)
    if len(months) == 1:
        return f"최근({months[0]})에 나온 논문 {n}편을 읽고 간단히 정리했습니다."
    if months:
        return f"{months[0]}~{months[-1]}에 나온 논문 {n}편을 읽고 간단히 정리했습니다."
    return f"논문 {n}편을 읽고 간단히 정리했습니다."


def heading(d: Digest) -> str:
    """``<tag> Title (YYYY.MM)``."""
    return f"<{d.tag}> {d.title}" + (f" ({d.month})" if d.month else "")


def to_markdown(digests: list[Digest]) -> str:
    """The seed-004 form."""
    ok = [d for d in digests if d.status == "ok"]
    lines: list[str] = []
    if any(not d.real for d in ok):
        lines.append(f"> {PSEUDO_NOTE}")
    if len(ok) > 1:
        lines.append(intro_line(ok))
    for d in ok:
        if lines:
            lines.append("")
        lines.append(heading(d))
        if d.organisation:
            lines.append(f"[{d.organisation}]")
        lines += [f"- {b}" for b in d.bullets]
        if d.url:
            lines.append(f"출처 : {d.url}")
    return "\n".join(lines) + "\n"


def to_html(digests: list[Digest]) -> str:
    """A small self-contained page with the same content."""
    ok = [d for d in digests if d.status == "ok"]
    body = []
    if any(not d.real for d in ok):
        body.append(f'<p class="pseudo"><strong>{escape(PSEUDO_NOTE)}</strong></p>')
    if len(ok) > 1:
        body.append(f"<p>{escape(intro_line(ok))}</p>")
    for d in ok:
        parts = [f"<h2>{escape(heading(d))}</h2>"]
        if d.organisation:
            parts.append(f'<p class="org">[{escape(d.organisation)}]</p>')
        parts.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in d.bullets) + "</ul>")
        if d.url:
            parts.append(f'<p>출처 : <a href="{escape(d.url)}">{escape(d.url)}</a></p>')
        body.append('<section class="paper">' + "".join(parts) + "</section>")
    return ('<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"><title>논문 정리</title>'
            "<style>body{max-width:46em;margin:2em auto;font-family:sans-serif;line-height:1.6}"
            ".pseudo{color:#a00}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def to_json(digests: list[Digest]) -> str:
    """Every digest, failed ones with their reason."""
    return json.dumps({"real": all(d.real for d in digests), "papers": [d.as_dict() for d in digests]},
                      ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"md": to_markdown, "html": to_html, "json": to_json}
