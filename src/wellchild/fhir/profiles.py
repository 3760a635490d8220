"""Check a resource against a profile's StructureDefinition (its differential).

``fhir.resources`` checks the base R4 structure; an implementation guide's profile adds
what the base leaves open: required elements (``min``), narrower cardinalities (``max``),
fixed and pattern values, extension slices that must be present, and FHIRPath invariants
(``constraint``), which are evaluated with ``fhirpathpy``. Differentials are read from the
guide's own XML or JSON, so checking against another version of a guide is a matter of
giving its files.

Only what differentials of measure-reporting profiles use is read: element paths with
choice types (``value[x]``), extension slices identified by their profile's URL, a slice
of ``Bundle.entry`` by resource type, and constraints on any element.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NS = "{http://hl7.org/fhir}"
Resource = dict[str, Any]


@dataclass(frozen=True)
class Element:
    """One element of a differential, as far as the checks need it."""

    path: str
    slice_name: str | None = None
    slice_of: str | None = None  # the slice this element sits under, as "path:name"
    minimum: int | None = None
    maximum: str | None = None
    fixed: tuple[str, Any] | None = None  # ("fixed" or "pattern", value)
    type_profile: str | None = None
    type_code: str | None = None
    constraints: tuple[tuple[str, str, str], ...] = ()  # key, severity, expression


@dataclass(frozen=True)
class Profile:
    """A profile: its canonical URL, the resource type it constrains, its elements."""

    url: str
    kind: str
    elements: tuple[Element, ...]
    name: str = ""


@dataclass
class Finding:
    """One way a resource breaks a profile."""

    profile: str
    path: str
    message: str


def _value_of(node: ET.Element) -> Any:
    """An XML FHIR value: a primitive's ``value``, or a complex type as a dict."""
    if node.get("value") is not None and not list(node):
        return node.get("value")
    out: dict[str, Any] = {}
    for child in node:
        name = child.tag.removeprefix(NS)
        value = _value_of(child)
        if name in ("coding", "extension"):
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def _from_xml(path: Path) -> list[dict[str, Any]]:
    root = ET.parse(path).getroot()
    url = root.find(f"{NS}url")
    kind = root.find(f"{NS}type")
    elements = []
    for node in root.iter(f"{NS}element"):
        item: dict[str, Any] = {"id": node.get("id")}
        for child in node:
            tag = child.tag.removeprefix(NS)
            if tag in ("path", "sliceName", "min", "max"):
                item[tag] = child.get("value")
            elif tag.startswith(("fixed", "pattern")):
                item[tag] = _value_of(child)
            elif tag == "type":
                code = child.find(f"{NS}code")
                item.setdefault("type", []).append(
                    {
                        "code": code.get("value") if code is not None else None,
                        "profile": [p.get("value") for p in child.findall(f"{NS}profile")],
                    }
                )
            elif tag == "constraint":
                item.setdefault("constraint", []).append(
                    {
                        "key": child.find(f"{NS}key").get("value"),  # type: ignore[union-attr]
                        "severity": child.find(f"{NS}severity").get("value"),  # type: ignore[union-attr]
                        "expression": child.find(f"{NS}expression").get("value"),  # type: ignore[union-attr]
                    }
                )
        elements.append(item)
    return [
        {
            "url": url.get("value") if url is not None else "",
            "type": kind.get("value") if kind is not None else "",
            "name": path.name,
            "differential": {"element": elements},
        }
    ]


def load(path: Path) -> Profile:
    """A StructureDefinition file, XML or JSON."""
    if path.suffix == ".xml":
        definition = _from_xml(path)[0]
    else:
        definition = json.loads(path.read_text(encoding="utf-8"))
    elements = []
    current_slice: tuple[str, str] | None = None
    for raw in definition["differential"]["element"]:
        path_text = raw["path"]
        name = raw.get("sliceName")
        if name:
            current_slice = (path_text, name)
        elif current_slice and not path_text.startswith(current_slice[0] + "."):
            current_slice = None
        fixed = next(
            ((k[:5] if k.startswith("fixed") else "pattern", v) for k, v in raw.items()
             if k.startswith(("fixed", "pattern"))),
            None,
        )  # fmt: skip
        types = raw.get("type") or []
        profiles = [p for t in types for p in (t.get("profile") or [])]
        elements.append(
            Element(
                path=path_text,
                slice_name=name,
                slice_of=None if name or current_slice is None else ":".join(current_slice),
                minimum=int(raw["min"]) if raw.get("min") is not None else None,
                maximum=raw.get("max"),
                fixed=fixed,
                type_profile=profiles[0] if profiles else None,
                type_code=types[0].get("code") if types else None,
                constraints=tuple(
                    (c["key"], c.get("severity", "error"), c["expression"])
                    for c in raw.get("constraint") or []
                    if c.get("expression")
                ),
            )
        )
    return Profile(definition["url"], definition["type"], tuple(elements), definition["name"])


def _children(node: Any, name: str) -> list[Any]:
    if not isinstance(node, dict):
        return []
    if name.endswith("[x]"):
        stem = name[:-3]
        values = [v for k, v in node.items() if k.startswith(stem) and k[len(stem) :][:1].isupper()]
    else:
        values = [node[name]] if name in node else []
    out: list[Any] = []
    for value in values:
        out.extend(value if isinstance(value, list) else [value])
    return out


def _select(nodes: list[Any], steps: list[str]) -> list[Any]:
    for step in steps:
        nodes = [child for node in nodes for child in _children(node, step)]
    return nodes


def _matches(value: Any, pattern: Any) -> bool:
    """FHIR pattern matching: every element of the pattern is in the value; a repeated
    element matches when some repetition does."""
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        for key, expected in pattern.items():
            found = value.get(key)
            expected_list = expected if isinstance(expected, list) else [expected]
            found_list = found if isinstance(found, list) else ([] if found is None else [found])
            for one in expected_list:
                if not any(_matches(f, one) for f in found_list):
                    return False
        return True
    return (
        str(value).lower() == str(pattern).lower()
        if isinstance(value, bool)
        else (str(value) == str(pattern))
    )


class Checker:
    """Checks resources against a set of profiles; FHIRPath compiled once per constraint."""

    def __init__(self, profiles: list[Profile]) -> None:
        self.profiles = profiles
        self.kinds = {p.url: p.kind for p in profiles}

    def for_kind(self, kind: str) -> list[Profile]:
        return [p for p in self.profiles if p.kind == kind]

    def check(self, resource: Resource, profile: Profile) -> list[Finding]:
        """Every way ``resource`` breaks ``profile`` (empty when it conforms)."""
        findings: list[Finding] = []
        slices = {f"{e.path}:{e.slice_name}": e for e in profile.elements if e.slice_name}
        self._entry_kinds = {
            e.slice_of: self.kinds.get(e.type_profile or "", "")
            for e in profile.elements
            if e.slice_of and e.path == "Bundle.entry.resource"
        }
        for element in profile.elements:
            contexts = self._contexts(resource, element, slices)
            if contexts is None:
                continue
            for _, nodes in contexts:
                self._cardinality(profile, element, nodes, findings)
                self._fixed(profile, element, nodes, findings)
                for node in nodes:
                    self._constraints(resource, profile, element, node, findings)
        return findings

    def _contexts(
        self, resource: Resource, element: Element, slices: dict[str, Element]
    ) -> list[tuple[Any, list[Any]]] | None:
        """Per parent instance, the nodes the element constrains."""
        steps = element.path.split(".")[1:]
        if not steps:
            return [(None, [resource])]
        if element.slice_of:
            slice_path, _, name = element.slice_of.rpartition(":")
            owner = slices[f"{slice_path}:{name}"]
            members = [
                node
                for parent in _select([resource], slice_path.split(".")[1:-1])
                for node in self._slice_members(parent, owner)
            ]
            rest = steps[len(slice_path.split(".")) - 1 :]
            return [(m, _select([m], rest)) for m in members]
        parents = _select([resource], steps[:-1])
        if element.slice_name:
            return [(p, self._slice_members(p, element)) for p in parents]
        return [(p, _children(p, steps[-1])) for p in parents]

    def _slice_members(self, parent: Any, element: Element) -> list[Any]:
        name = element.path.rsplit(".", 1)[-1]
        items = _children(parent, name)
        if name in ("extension", "modifierExtension"):
            return [
                i for i in items if isinstance(i, dict) and i.get("url") == element.type_profile
            ]
        if name == "entry":  # Bundle.entry sliced by the type of its resource
            kind = self._entry_kinds.get(f"{element.path}:{element.slice_name}", "")
            return [
                i
                for i in items
                if isinstance(i, dict) and (i.get("resource") or {}).get("resourceType") == kind
            ]
        return items

    @staticmethod
    def _cardinality(
        profile: Profile, element: Element, nodes: list[Any], findings: list[Finding]
    ) -> None:
        where = element.path + (f":{element.slice_name}" if element.slice_name else "")
        if element.minimum is not None and len(nodes) < element.minimum:
            findings.append(
                Finding(
                    profile.name, where, f"expected at least {element.minimum}, found {len(nodes)}"
                )
            )
        if element.maximum not in (None, "*") and len(nodes) > int(str(element.maximum)):
            findings.append(
                Finding(
                    profile.name, where, f"expected at most {element.maximum}, found {len(nodes)}"
                )
            )

    @staticmethod
    def _fixed(
        profile: Profile, element: Element, nodes: list[Any], findings: list[Finding]
    ) -> None:
        if element.fixed is None:
            return
        how, expected = element.fixed
        for node in nodes:
            ok = node == expected if how == "fixed" and not isinstance(expected, dict) else None
            if ok is None:
                ok = _matches(node, expected)
            if not ok:
                findings.append(
                    Finding(profile.name, element.path, f"{how} value {expected!r}, found {node!r}")
                )

    @staticmethod
    def _constraints(
        resource: Resource, profile: Profile, element: Element, node: Any, findings: list[Finding]
    ) -> None:
        # fhirpathpy is a test-time dependency (the dev extra)
        from fhirpathpy import evaluate
        from fhirpathpy.models import models

        for key, severity, expression in element.constraints:
            if severity != "error":
                continue
            try:
                # The R4 model lets FHIRPath resolve choice elements (``value``).
                result = evaluate(node, expression, {"resource": resource}, models["r4"])
            except Exception as exc:  # a FHIRPath the engine cannot run is a finding too
                findings.append(Finding(profile.name, element.path, f"{key} not evaluable: {exc}"))
                continue
            if result not in ([True],):
                findings.append(
                    Finding(profile.name, element.path, f"{key} fails: {expression} → {result}")
                )


def load_all(folder: Path) -> list[Profile]:
    """Every StructureDefinition under ``folder`` (XML or JSON)."""
    return [load(p) for p in sorted(folder.rglob("StructureDefinition-*")) if p.is_file()]


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in _references(value)]
    if isinstance(node, list):
        return [r for value in node for r in _references(value)]
    return []


def bundle_findings(bundle: Resource) -> list[Finding]:
    """What DEQM asks of a gaps-in-care document beyond the profiles' elements: every
    fullUrl a ``urn:uuid:``, every reference resolving to an entry of the bundle, the
    Composition's author an Organization of the bundle, every individual report counting
    the four proportion populations, and a closed gap naming its evidence."""
    findings: list[Finding] = []
    name = "gaps-in-care document"
    entries = {e.get("fullUrl"): e.get("resource") or {} for e in bundle.get("entry", [])}
    for url in entries:
        if not str(url).startswith("urn:uuid:"):
            findings.append(Finding(name, "Bundle.entry.fullUrl", f"{url!r} is not a urn:uuid:"))
    for ref in _references(bundle.get("entry", [])):
        if not ref.startswith("#") and ref not in entries:
            findings.append(Finding(name, "reference", f"{ref!r} resolves to no entry"))
    for resource in entries.values():
        kind = resource.get("resourceType")
        if kind == "Composition":
            authors = [entries.get(a.get("reference"), {}) for a in resource.get("author", [])]
            if not any(a.get("resourceType") == "Organization" for a in authors):
                findings.append(
                    Finding(name, "Composition.author", "no Organization of the bundle")
                )
        if kind == "MeasureReport":
            for group in resource.get("group", []):
                codes = [p["code"]["coding"][0]["code"] for p in group.get("population", [])]
                if sorted(codes) != sorted(PROPORTION_POPULATIONS):
                    findings.append(
                        Finding(name, "MeasureReport.group.population", f"codes {codes}")
                    )
            met = [
                p.get("count")
                for g in resource.get("group", [])
                for p in g.get("population", [])
                if p["code"]["coding"][0]["code"] == "numerator"
            ]
            if met == [1] and not resource.get("evaluatedResource"):
                findings.append(
                    Finding(
                        name, "MeasureReport.evaluatedResource", "a closed gap names no evidence"
                    )
                )
    return findings


PROPORTION_POPULATIONS = ("initial-population", "denominator", "denominator-exclusion", "numerator")
