"""Which outputs a job writes (``--outputs``) and which target languages they support (``--to``).

    pdf        LaTeX input: the translated LaTeX tree and its PDF; PDF input: the translated PDF
    html       HTML input: the translated page
    bilingual  the side-by-side page
    md         Markdown
    jsonl      segments.jsonl (the parallel corpus)

``report.json`` is always written.
"""

from __future__ import annotations

from arxiv_translator.errors import ConfigError

#: --outputs name -> input kind -> writer name ("*": any input kind whose writers include it)
OUTPUT_WRITERS: dict[str, dict[str, str]] = {
    "pdf": {"latex": "latex", "pdf": "pdf"},
    "html": {"html": "html"},
    "bilingual": {"*": "bilingual"},
    "md": {"*": "markdown"},
}
OUTPUT_NAMES = ("pdf", "html", "bilingual", "md", "jsonl")
#: Languages the outputs support: fonts, hyphenation, file names and checks are Korean today.
TARGETS = {"ko": "Korean"}


def parse_outputs(text: str | list[str] | None) -> list[str] | None:
    """``"pdf,md"`` -> ``["pdf", "md"]``; None stays None (all); an unknown name is a ConfigError."""
    if text is None:
        return None
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    unknown = [n for n in names if n not in OUTPUT_NAMES]
    if unknown or not names:
        raise ConfigError(f"--outputs {','.join(names) or repr(text)}: unknown output "
                          f"{', '.join(unknown) or '(none named)'} (choose from {', '.join(OUTPUT_NAMES)})")
    return list(dict.fromkeys(names))


def writer_names(kind: str, available: list[str], outputs: list[str] | None) -> list[str]:
    """The writers to run for input ``kind``: ``available`` (in order) limited to ``outputs``.

    An output the input kind cannot give is a ConfigError naming what it can give.
    """
    if outputs is None:
        return list(available)
    allowed = allowed_outputs(kind, available)
    missing = [name for name in outputs if name not in allowed]
    if missing:
        raise ConfigError(f"--outputs {','.join(missing)}: not available for {kind} input "
                          f"(available: {', '.join(allowed)})")
    wanted = {OUTPUT_WRITERS[name].get(kind) or OUTPUT_WRITERS[name].get("*") for name in outputs if name != "jsonl"}
    return [name for name in available if name in wanted]


def allowed_outputs(kind: str, available: list[str]) -> list[str]:
    """The ``--outputs`` names input ``kind`` can give, with its writers ``available``."""
    names = [name for name, by_kind in OUTPUT_WRITERS.items()
             if (by_kind.get(kind) or by_kind.get("*")) in available]
    return names + ["jsonl"]


def check_target(target: str) -> None:
    """ConfigError unless the outputs support ``target`` (``--to``)."""
    if target not in TARGETS:
        supported = ", ".join(f"{code} ({name})" for code, name in TARGETS.items())
        raise ConfigError(f"--to {target}: the outputs support only {supported} so far "
                          "(fonts, line breaking and checks are made for it)")
