"""The declarative mappings: ``views/fhir.yaml`` and ``views/synthea_csv.yaml``.

A view turns one resource (or CSV row) into flat rows of named columns; the builders then
only deal with plain values. Paths are compiled when the views are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from wellchild.ingest.fhir.path import Path, compile_path, evaluate

Row = dict[str, str | None]


@dataclass(frozen=True)
class Column:
    """A column and the paths (or CSV headers) tried in order."""

    name: str
    paths: tuple[Path, ...]
    headers: tuple[str, ...]


@dataclass(frozen=True)
class View:
    """One view: its name, its columns, and the optional per-element columns."""

    name: str
    columns: tuple[Column, ...]
    for_each: Path | None = None
    each: tuple[Column, ...] = ()

    def rows(self, data: dict[str, Any]) -> list[Row]:
        """The view's rows for one resource or CSV row (one per ``for_each`` element)."""
        top = {c.name: _value(c, data) for c in self.columns}
        if self.for_each is None:
            return [top]
        return [
            {**top, **{c.name: _value(c, element) for c in self.each}}
            for element in evaluate(self.for_each, data)
        ]


@dataclass(frozen=True)
class Mapping:
    """All views of one input format, by resource type or CSV file name, and the skips."""

    views: dict[str, View]
    skip: dict[str, str]
    settings: dict[str, str]


def _value(column: Column, data: dict[str, Any]) -> str | None:
    for header in column.headers:
        value = data.get(header)
        if value not in (None, ""):
            return str(value)
    for path in column.paths:
        found = [v for v in evaluate(path, data) if v not in (None, "")]
        if found:
            value = found[0]
            return str(value).lower() if isinstance(value, bool) else str(value)
    return None


def _columns(spec: dict[str, Any], csv: bool) -> tuple[Column, ...]:
    out = []
    for name, source in spec.items():
        sources = tuple(source if isinstance(source, list) else [source])
        if csv:
            out.append(Column(name, (), sources))
        else:
            out.append(Column(name, tuple(compile_path(s) for s in sources), ()))
    return tuple(out)


def _load(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("views", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@cache
def mapping(fmt: str) -> Mapping:
    """The views of ``fhir`` or ``synthea_csv``."""
    spec = _load(f"{fmt}.yaml")
    csv = fmt != "fhir"
    views: dict[str, View] = {}
    for item in spec["views"]:
        views[item["file"] if csv else item["resource"]] = View(
            name=item["view"],
            columns=_columns(item["columns"], csv),
            for_each=compile_path(item["for_each"]) if "for_each" in item else None,
            each=_columns(item.get("each", {}), csv),
        )
    settings = {k: v for k, v in spec.items() if k not in ("views", "skip")}
    return Mapping(views, dict(spec.get("skip", {})), settings)


@cache
def maps() -> dict[str, Any]:
    """The value maps of ``maps.yaml``."""
    text = resources.files(__package__).joinpath("maps.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded
