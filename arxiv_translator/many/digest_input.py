"""What a digest is made from: the structured facts of one paper, read with the translator's readers.

Not a raw text dump: the title, the month, the organisation shown in the author block, the
abstract, the section headings, the introduction, the conclusion and the figure/table captions,
each as plain Markdown text (math as ``$..$``).  ``text`` (all prose) is kept for checking that a
digest's numbers occur in the paper and for the ``pseudo`` digest's sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.sources.arxiv_ids import id_in_path
from arxiv_translator.config import Settings
from arxiv_translator.document import Document, Locator, Section
from arxiv_translator.errors import InputError
from arxiv_translator.events import Listener, ignore
from arxiv_translator.sources.inputs import prepare_source
from arxiv_translator.protect import mask_document
from arxiv_translator.readers import reader_for

MAX_FIELD = 4000  # characters of one field sent to the model
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ORG_WORDS = re.compile(r"\b(University|Universit[äé]|Institute|Institut|Lab(?:oratory|s)?|Research|Inc\b|Corp|"
                        r"College|School|Academy|Foundation|Center|Centre|Company|Technologies)", re.I)
KNOWN_ORGS = ("Google DeepMind", "DeepMind", "Google Research", "Google", "Meta AI", "Meta", "FAIR", "Microsoft",
              "OpenAI", "Anthropic", "NVIDIA", "Apple", "Amazon", "IBM", "Alibaba", "Tencent", "Baidu", "Huawei",
              "ByteDance", "Samsung", "NAVER", "Kakao", "LG AI Research", "Mistral", "Hugging Face", "Allen Institute",
              "MIT", "Stanford", "Berkeley", "CMU", "Carnegie Mellon", "Tsinghua", "Peking University", "KAIST",
              "Seoul National University", "Oxford", "Cambridge", "ETH Zurich", "Princeton", "Harvard")
_EMAIL_DOMAIN = re.compile(r"@([A-Za-z0-9-]+)\.(?:com|ai|io|org|co)\b")
_GENERIC_DOMAINS = {"gmail", "outlook", "hotmail", "yahoo", "example", "qq", "163", "mail"}
_AUTHOR_TEX = re.compile(r"\\(?:author|affiliation|institute|affil)\b")
_AUTHORS_HTML = re.compile(r'<div class="ltx_authors">(.*?)</div>\s*(?:<div class="ltx_(?:date|abstract))', re.S)
_TAG = re.compile(r"<[^>]*>")


@dataclass
class PaperFacts:
    """The parts of one paper a digest is written from."""

    source: str
    arxiv_id: str | None
    title: str
    month: str = ""  # "2023.10", or "" when unknown
    front: str = ""  # the author / affiliation block as text
    organisation: str = ""  # what the front matter shows, by a simple rule ("" when unsure)
    abstract: str = ""
    headings: list[str] = field(default_factory=list)
    introduction: str = ""
    conclusion: str = ""
    captions: list[str] = field(default_factory=list)
    text: str = ""  # all prose of the paper

    @property
    def key(self) -> str:
        """The name the digest goes by: the arXiv id, else the source."""
        return self.arxiv_id or self.source

    @property
    def abs_url(self) -> str | None:
        """``https://arxiv.org/abs/ID`` for arXiv papers."""
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    def numbers(self) -> set[str]:
        """Every number written in the paper (title, front matter, prose, captions), commas dropped."""
        blob = " ".join([self.title, self.front, self.abstract, self.text, *self.captions, self.arxiv_id or ""])
        return {n.replace(",", "") for n in _NUMBER.findall(blob)}

    def payload(self) -> dict:
        """The structured paper as the model sees it (fields cut to a few thousand characters), with the
        glossary's keep-in-English terms that occur in it."""
        from arxiv_translator.glossary import Glossary

        keep = [t.en for t in Glossary.builtin().hits(" ".join([self.title, self.abstract, self.introduction]))
                if t.keep][:40]
        return {"keep_in_english": keep, "title": self.title, "month": self.month,
                "authors_and_affiliations": self.front[:1000],
                "abstract": self.abstract[:MAX_FIELD], "section_headings": self.headings[:60],
                "introduction": self.introduction[:MAX_FIELD], "conclusion": self.conclusion[:MAX_FIELD],
                "captions": [c[:400] for c in self.captions[:30]]}


def numbers_in(text: str) -> list[str]:
    """The numbers written in ``text`` (commas dropped)."""
    return [n.replace(",", "") for n in _NUMBER.findall(text)]


def read_facts(source: Path | str, settings: Settings, work: Path, emit: Listener = ignore) -> PaperFacts:
    """Read ``source`` (anything ``translate`` reads) into :class:`PaperFacts`."""
    prepared = prepare_source(source, work, "auto", emit)
    reader = reader_for(prepared.kind)
    if hasattr(reader, "configure"):
        reader.configure(settings)
    doc: Document = reader.read(prepared.root, prepared.main)
    mask_document(doc, collapse_space=reader.collapse_space)
    arxiv_id = prepared.info.get("arxiv_id") or id_in_path(str(source))
    facts = _from_document(doc, str(source), arxiv_id)
    facts.month = _month(arxiv_id, prepared.info.get("published", ""))
    if not facts.title:
        facts.title = prepared.info.get("title", "") or Path(str(source)).stem
    if not facts.front and prepared.info.get("authors"):
        facts.front = prepared.info["authors"]
    facts.organisation = organisation(facts.front)
    if not facts.text.strip():
        raise InputError(f"{source}: no prose found to make a digest from")
    return facts


def _from_document(doc: Document, source: str, arxiv_id: str | None) -> PaperFacts:
    from arxiv_translator.writers.latex_macros import paper_macros
    from arxiv_translator.writers.markdown.segments import SegmentMarkdown

    render = SegmentMarkdown(doc.source_kind, paper_macros(doc)[0] if doc.source_kind == "latex" else {})
    facts = PaperFacts(source=source, arxiv_id=arxiv_id, title="")
    section, seen_heading, front, prose = "", False, [], []
    tex_sections = _tex_sections(doc) if not any(seg.kind == "heading" for seg in doc.segments()) else {}
    if tex_sections:
        facts.headings = [title for marks in tex_sections.values() for _, title in marks]
    intro, conclusion = [], []
    parts = {role: doc.find_section(role) for role in ("introduction", "conclusion")}  # the model's section tree
    in_part = {role: set(s.segment_ids(_aside)) if s is not None else set() for role, s in parts.items()}
    for seg in doc.segments():
        text = " ".join(render(seg).split())
        if not text:
            continue
        if seg.kind == "title" and not facts.title:
            facts.title = text
        elif seg.kind == "abstract":
            facts.abstract = (facts.abstract + " " + text).strip()
        elif seg.kind == "heading":
            seen_heading = True
            section = text
            if text.strip().lower() != "abstract":
                facts.headings.append(text)
        elif seg.kind == "caption":
            facts.captions.append(text)
        elif seg.kind in ("paragraph", "item", "theorem"):
            if tex_sections:
                section = _section_at(tex_sections, seg.locator)
                seen_heading = seen_heading or bool(section)
            if not seen_heading and not facts.abstract:
                front.append(text)
                continue
            prose.append(text)
            low = section.lower()
            if seg.id in in_part["introduction"] or tex_sections and "introduction" in low:
                intro.append(text)
            elif seg.id in in_part["conclusion"] or tex_sections and re.search(r"conclu|discussion|summary", low):
                conclusion.append(text)
    facts.front = "\n".join(front) or _raw_front(doc)
    facts.introduction, facts.conclusion = " ".join(intro), " ".join(conclusion)
    facts.text = " ".join([facts.abstract, *prose])
    return facts


_ASIDE = re.compile(r"^(limitations?|related work|acknowledge?ments?|ethic|broader impact|references|appendi)", re.I)


def _aside(section: Section) -> bool:
    """Subsections of the introduction or conclusion that are not its argument (limitations, related work...)."""
    return bool(_ASIDE.match(section.title))


_TEX_SECTION = re.compile(r"\\(?:sub)*section\*?\s*\{")


def _tex_sections(doc: Document) -> dict[str, list[tuple[int, str]]]:
    """``\\section`` titles by file and offset, for LaTeX documents whose reader made no heading segments."""
    from arxiv_translator.texscan import match_brace

    if doc.source_kind != "latex":
        return {}
    found: dict[str, list[tuple[int, str]]] = {}
    for name, f in doc.files.items():
        for m in _TEX_SECTION.finditer(f.text):
            end = match_brace(f.text, m.end() - 1, min(len(f.text), m.end() + 500))
            if end is not None:
                title = " ".join(re.sub(r"\\[A-Za-z]+|[{}]", " ", f.text[m.end(): end]).split())
                if title:
                    found.setdefault(name, []).append((m.start(), title))
    return found


def _section_at(sections: dict[str, list[tuple[int, str]]], locator: Locator) -> str:
    """The title of the last section starting before ``locator`` in its file ("" when none)."""
    marks = sections.get(locator.file or "", [])
    start = locator.start or 0
    before = [title for offset, title in marks if offset < start]
    return before[-1] if before else ""


def _raw_front(doc: Document) -> str:
    """The author block of a LaTeX or HTML source when the reader made no segments of it."""
    for f in doc.files.values():
        if doc.source_kind == "html" and (start := f.text.find('<div class="ltx_authors">')) >= 0:
            block = f.text[start: start + 20000].split('<div class="ltx_abstract')[0]
            return _lines(_TAG.sub("\n", block))
        if doc.source_kind == "latex" and (m := _AUTHOR_TEX.search(f.text)):
            block = f.text[m.start(): m.start() + 2000]
            block = block.split("\\begin{abstract}")[0].split("\\maketitle")[0]
            block = re.sub(r"\\thanks\{[^{}]*\}", "", block)
            block = re.sub(r"\\\\|\\and\b|\\AND\b", "\n", block)
            return _lines(re.sub(r"\\[A-Za-z]+|[{}\\]", " ", block))
    return ""


def _lines(text: str) -> str:
    """Non-empty lines, inner white space collapsed."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())[:2000]


def organisation(front: str) -> str:
    """The organisation the front matter shows: a well-known lab, an institution line, or an email domain."""
    for name in KNOWN_ORGS:
        if re.search(r"(?<![A-Za-z])" + re.escape(name) + r"(?![A-Za-z])", front):
            return name
    plain = re.sub(r"\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]|\^\{?[0-9,*]+\}?", " ", front)
    for line in plain.splitlines():
        for piece in line.split(","):
            if _ORG_WORDS.search(piece):
                return " ".join(piece.strip(" .;*0-9").split())[:80]
    for domain in _EMAIL_DOMAIN.findall(front):
        if domain.lower() not in _GENERIC_DOMAINS:
            return domain.capitalize()
    return ""


def _month(arxiv_id: str | None, published: str) -> str:
    m = re.match(r"^(\d{2})(\d{2})\.\d{4,5}", arxiv_id or "")
    if m and 1 <= int(m.group(2)) <= 12:
        return f"20{m.group(1)}.{m.group(2)}"
    m = re.match(r"^(\d{4})-(\d{2})", published)
    return f"{m.group(1)}.{m.group(2)}" if m else ""
