"""Progress out of a job: the typed :class:`~arxiv_translator.events.Event` s, and a bus that listeners
subscribe to (the CLI's progress bar today, a service's server-sent events later).

The bus is the one callable the pipeline holds; a listener that raises is dropped from
the bus rather than allowed to stop the job.  Nothing here is saved in the job state.
"""

from __future__ import annotations

from arxiv_translator.events import Event, Listener, ignore

__all__ = ["Event", "Listener", "EventBus", "ignore"]


class EventBus:
    """Fans each event out to its subscribers, in subscription order."""

    def __init__(self, *listeners: Listener) -> None:
        self._listeners: list[Listener] = [fn for fn in listeners if fn is not ignore]

    def subscribe(self, listener: Listener) -> None:
        """Add ``listener``; it gets every later event."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Remove ``listener`` (no error when it is not subscribed)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def __call__(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
