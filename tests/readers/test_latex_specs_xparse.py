"""xparse definitions (``\\NewDocumentCommand``) give the reader the macro's arguments, as ``\\newcommand`` does."""

from __future__ import annotations

import pytest

from arxiv_translator.readers.latex_specs import user_macro_specs, xparse_argspec


@pytest.mark.parametrize("spec, argspec", [
    ("m", "{"), (" o m ", "[{"), ("s O{abc} +m", "*[{"), ("O{\\textbf{x}} m m", "[{{"), ("!o m", "[{"),
    ("r() m", None), ("v", None), ("d<> m", None), ("e{^_} m", None),
])
def test_xparse_argument_types(spec, argspec):
    assert xparse_argspec(spec) == argspec


def test_user_macro_specs_read_xparse_definitions():
    text = (r"\NewDocumentCommand{\term}{m}{\emph{#1}}" "\n"
            r"\NewDocumentCommand\mynote{ o m }{\textbf{Note #1:} #2}" "\n"
            r"\DeclareDocumentCommand{\x}{s O{abc} +m}{y}" "\n"
            r"\ProvideExpandableDocumentCommand{\w}{m m}{#1#2}" "\n"
            r"\NewDocumentCommand{\y}{r() m}{z}")
    assert user_macro_specs(text) == {"term": "{", "mynote": "[{", "x": "*[{", "w": "{{"}
