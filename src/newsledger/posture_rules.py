"""The posture stage's knowledge: alliances, ceilings and theatres (data/plausibility.yaml) and cue words
(data/posture_cues.yaml), read by a strict loader that names the file and line of an unknown key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .exceptions import DataFileError


@dataclass(frozen=True, slots=True)
class Alliance:
    name: str
    joined: dict[str, dt.date]
    left: dict[str, dt.date]
    border_staging: bool = False

    def member(self, code: str, on: dt.date) -> bool:
        joined, left = self.joined.get(code), self.left.get(code)
        return joined is not None and joined <= on and (left is None or on < left)


@dataclass(frozen=True, slots=True)
class Theatre:
    name: str
    hosts: frozenset[str]
    senders: frozenset[str]  # "*": any sender
    named: tuple[str, ...] = ()  # only when the evidence names one of these


@dataclass(frozen=True, slots=True)
class Cues:
    readiness: tuple[str, ...]
    total_after: tuple[str, ...]
    includes: tuple[str, ...]
    border: tuple[str, ...]
    increment: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    alliances: tuple[Alliance, ...]
    ceilings: dict[str, dict[str, int]]  # unit -> sender (or "default") -> most it could move
    theatres: tuple[Theatre, ...]
    cues: Cues

    def ceiling(self, sender: str, unit: str | None) -> int | None:
        table = self.ceilings.get(unit or "troops")
        return None if table is None else table.get(sender, table.get("default"))


_PLAUSIBILITY = "data/plausibility.yaml"
_CUES = "data/posture_cues.yaml"
_CUE_KEYS = ("readiness", "total_after", "includes", "border", "increment")


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    plaus = _mapping(_compose(_PLAUSIBILITY), _PLAUSIBILITY, {"alliances", "ceilings", "theatres"})
    cues = _mapping(_compose(_CUES), _CUES, set(_CUE_KEYS))
    alliances = tuple(_alliance(name, node) for name, node in
                      _mapping(plaus["alliances"], _PLAUSIBILITY, None).items())
    ceilings = {unit: {k: _int(v, _PLAUSIBILITY) for k, v in _mapping(node, _PLAUSIBILITY, None).items()}
                for unit, node in _mapping(plaus["ceilings"], _PLAUSIBILITY, None).items()}
    theatres = tuple(_theatre(name, node) for name, node in
                     _mapping(plaus["theatres"], _PLAUSIBILITY, None).items())
    return Rules(alliances, ceilings, theatres,
                 Cues(*(_words(cues[k], _CUES) for k in _CUE_KEYS)))


def _compose(name: str) -> yaml.Node:
    path = resources.files("newsledger") / name
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(f"malformed YAML: {getattr(exc, 'problem', exc)}", source=name,
                            line=mark.line + 1 if mark else None, hint="fix the file and run again") from exc
    if node is None:
        raise DataFileError("the file is empty", source=name, hint="restore it from the package")
    return node


def _mapping(node: yaml.Node, source: str, allowed: set[str] | None, required: bool = True) -> dict[str, yaml.Node]:
    """A mapping's entries; with `allowed`, any other key is an error naming its line, and (with `required`)
    every allowed key must be present."""
    if not isinstance(node, yaml.MappingNode):
        raise DataFileError("expected a mapping", source=source, line=node.start_mark.line + 1,
                            hint="write `key: value` entries here")
    out = {}
    for key, value in node.value:
        if allowed is not None and key.value not in allowed:
            raise DataFileError(f"unknown key {key.value!r} (known: {', '.join(sorted(allowed))})", source=source,
                                line=key.start_mark.line + 1, hint="remove it or fix its spelling")
        out[str(key.value)] = value
    missing = (allowed or set()) - set(out) if required else set()
    if missing:
        raise DataFileError(f"missing key(s) {', '.join(sorted(missing))}", source=source,
                            line=node.start_mark.line + 1, hint="add them (see the comment at the top of the file)")
    return out


def _scalar(node: yaml.Node, source: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise DataFileError("expected a single value", source=source, line=node.start_mark.line + 1,
                            hint="write a word, number or date here")
    return str(node.value)


def _int(node: yaml.Node, source: str) -> int:
    try:
        return int(_scalar(node, source))
    except ValueError:
        raise DataFileError(f"not a whole number: {node.value!r}", source=source, line=node.start_mark.line + 1,
                            hint="write a figure such as 20000") from None


def _date(node: yaml.Node, source: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_scalar(node, source))
    except ValueError:
        raise DataFileError(f"not a date: {node.value!r}", source=source, line=node.start_mark.line + 1,
                            hint="write YYYY-MM-DD") from None


def _words(node: yaml.Node, source: str) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise DataFileError("expected a list", source=source, line=node.start_mark.line + 1,
                            hint="write [word, word, ...]")
    return tuple(_scalar(n, source).lower() for n in node.value)


def _alliance(name: str, node: yaml.Node) -> Alliance:
    spec = _mapping(node, _PLAUSIBILITY, {"members", "left", "border_staging"}, required=False)
    if "members" not in spec:
        raise DataFileError(f"alliance {name!r} has no members", source=_PLAUSIBILITY,
                            line=node.start_mark.line + 1, hint="add members: {CODE: joined YYYY-MM-DD}")
    dates = {k: {c: _date(v, _PLAUSIBILITY) for c, v in _mapping(spec[k], _PLAUSIBILITY, None).items()}
             for k in ("members", "left") if k in spec}
    staging = _scalar(spec["border_staging"], _PLAUSIBILITY).lower() == "true" if "border_staging" in spec else False
    return Alliance(name, dates["members"], dates.get("left", {}), staging)


def _theatre(name: str, node: yaml.Node) -> Theatre:
    spec = _mapping(node, _PLAUSIBILITY, {"hosts", "senders", "named"}, required=False)
    for key in ("hosts", "senders"):
        if key not in spec:
            raise DataFileError(f"theatre {name!r} has no {key}", source=_PLAUSIBILITY,
                                line=node.start_mark.line + 1, hint=f"add {key}: [CODE, ...]")
    upper = lambda key: frozenset(w.upper() for w in _words(spec[key], _PLAUSIBILITY))  # noqa: E731
    return Theatre(name, upper("hosts"), upper("senders"),
                   _words(spec["named"], _PLAUSIBILITY) if "named" in spec else ())
