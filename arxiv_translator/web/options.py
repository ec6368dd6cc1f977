"""Per-job options a requester may set, as far as the operator allows (``serve --allow-options``).

The operator names the options and, where it matters, their values::

    serve --allow-options engine,style                  # engine: the engines configured; style: all styles
    serve --allow-options "engine=pseudo|openai,model=gpt-4o-mini|gpt-4o"

Default: nothing allowed (a request with options is refused).  Each option is one row of
:data:`OPTIONS` (name -> how its allowed values default and how it changes the job's
:class:`~arxiv_translator.config.Settings`).  Without a value list, ``engine`` means the engines the
operator configured (the default engine and every ``[engines.NAME]`` table), ``style`` every style
the pipeline knows, ``model`` any model name of a plain shape.

A job stores its validated options; the worker rebuilds the job's settings with :func:`job_settings`,
and the job's signature (hence de-duplication and the translation memory key) follows from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from arxiv_translator.config import Settings
from arxiv_translator.errors import ConfigError, InputError

MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,99}$")


def _engine_defaults(settings: Settings) -> tuple[str, ...]:
    names = [settings.engine] if settings.engine else (["openai"] if settings.openai_configured() else [])
    return tuple(dict.fromkeys([*names, *sorted(settings.engines)]))


def _style_defaults(_settings: Settings) -> tuple[str, ...]:
    return tuple(get_args(Settings.model_fields["style"].annotation))


def _apply_engine(settings: Settings, value: str) -> dict[str, Any]:
    return {"engine": value}


def _apply_style(settings: Settings, value: str) -> dict[str, Any]:
    return {"style": value}


def _apply_model(settings: Settings, value: str) -> dict[str, Any]:
    # a model set in the engine's own [engines.NAME] table wins over the top-level one: set both
    name = settings.engine or "openai"
    engines = dict(settings.engines)
    if name in engines:
        engines[name] = engines[name].model_copy(update={"model": value})
    return {"model": value, "engines": engines}


@dataclass(frozen=True)
class OptionKind:
    """One per-job option: its allowed values when the operator lists none (None: any plain name), and how
    it changes the settings (a dict of updates)."""

    defaults: Callable[[Settings], tuple[str, ...]] | None
    apply: Callable[[Settings, str], dict[str, Any]]
    label: str


#: the per-job options, applied in this order (engine first: a model belongs to the job's engine)
OPTIONS: dict[str, OptionKind] = {
    "engine": OptionKind(_engine_defaults, _apply_engine, "번역 엔진"),
    "model": OptionKind(None, _apply_model, "모델"),
    "style": OptionKind(_style_defaults, _apply_style, "문체"),
}


@dataclass(frozen=True)
class OptionPolicy:
    """What the operator allows: option name -> allowed values (an empty tuple: any plain name)."""

    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def fields(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(name, Korean label, allowed values) of each allowed option, for the request form."""
        return [(name, OPTIONS[name].label, self.allowed[name]) for name in OPTIONS if name in self.allowed]

    def validate(self, options: dict[str, Any]) -> dict[str, str]:
        """The options as a clean ``{name: value}``; InputError naming the first unknown, refused or bad one."""
        clean: dict[str, str] = {}
        for name, value in options.items():
            shown = str(name)[:40]
            if name not in OPTIONS:
                raise InputError(f"unknown option {shown!r} (options: {', '.join(OPTIONS)})")
            if not self.allowed:
                raise InputError(f"options are not open to requesters on this server (got {shown!r})")
            if name not in self.allowed:
                open_ = ", ".join(self.allowed) or "none"
                raise InputError(f"option {shown!r} is not open to requesters on this server (open: {open_})")
            if value is None or value == "":
                continue  # the operator's default
            if not isinstance(value, str) or not MODEL_NAME.match(value):
                raise InputError(f"option {shown!r}: expected a name, got {str(value)[:40]!r}")
            values = self.allowed[name]
            if values and value not in values:
                raise InputError(f"option {shown!r}: {value[:40]!r} is not allowed here "
                                 f"(allowed: {', '.join(values)})")
            clean[name] = value
        return {name: clean[name] for name in OPTIONS if name in clean}


def parse_policy(spec: str | None, settings: Settings) -> OptionPolicy:
    """The policy for ``--allow-options`` (``NAME[=V1|V2...]``, comma-separated); ConfigError when wrong."""
    from arxiv_translator.engines import ENGINES, engine_class

    allowed: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        name, _, listed = part.partition("=")
        name = name.strip()
        if name not in OPTIONS:
            raise ConfigError(f"--allow-options {name[:40]!r}: unknown option (options: {', '.join(OPTIONS)})")
        values = tuple(v.strip() for v in listed.split("|") if v.strip())
        kind = OPTIONS[name]
        if not values and kind.defaults is not None:
            values = kind.defaults(settings)
            if not values:
                raise ConfigError(f"--allow-options {name}: no values configured; list them as {name}=A|B")
        bad = [v for v in values if not MODEL_NAME.match(v)
               or (name == "engine" and v not in ENGINES)
               or (name == "style" and v not in _style_defaults(settings))]
        if bad:
            raise ConfigError(f"--allow-options {name}: {bad[0][:40]!r} is not a known {name}")
        allowed[name] = values
    for engine in allowed.get("engine", ()):  # every engine offered must be usable (key, server) now
        merged = job_settings(settings, {"engine": engine})
        problem = engine_class(engine).missing(merged.engine_settings())
        if problem:
            raise ConfigError(f"--allow-options engine: engine {engine} is not configured ({problem})")
        settings_signature(merged)
    return OptionPolicy(allowed)


def job_settings(settings: Settings, options: dict[str, str]) -> Settings:
    """The operator's settings with a job's (validated) options merged in."""
    for name, kind in OPTIONS.items():
        if name in options:
            settings = settings.model_copy(update=kind.apply(settings, options[name]))
    return settings


def settings_signature(settings: Settings) -> str:
    """The signature hash of a translation with ``settings`` (engine, model, prompt, target, style, glossary).

    Raises ConfigError when the engine cannot be set up (unknown engine, missing key...)."""
    from arxiv_translator.glossary import Glossary
    from arxiv_translator.pipeline import choose_engine, signature
    from arxiv_translator.translation.memory import signature_hash

    engine = choose_engine(settings)
    glossary = Glossary.load(settings.glossary, settings.target).prepare()
    return signature_hash(signature(settings, engine, glossary))
