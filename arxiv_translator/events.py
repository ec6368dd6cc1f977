"""Typed progress events the pipeline emits; the CLI draws them, a service would stream them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """One progress event.

    ``stage`` names the pipeline stage (read, check, translate, write,
    compile); ``done``/``total`` count segments during translation;
    ``in_flight`` is the number of engine requests under way; ``tokens`` the
    tokens used so far and ``cost_usd`` their price; ``message`` is a human-readable line.
    """

    stage: str
    message: str = ""
    done: int = 0
    total: int = 0
    in_flight: int = 0
    tokens: int = 0
    cost_usd: float = 0.0


Listener = Callable[[Event], None]


def ignore(event: Event) -> None:
    """A listener that drops every event."""
