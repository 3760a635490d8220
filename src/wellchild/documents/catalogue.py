"""Message catalogues: the words of the family documents, one YAML file per language.

Each string carries a status, ``reviewed`` or ``machine-drafted``, printed in the
document footer so nobody mistakes a draft for a checked translation. A string a
catalogue lacks falls back to English with a visible ``[EN]`` mark, never a blank. The
script of each language decides the fonts (Noto, from Debian) and the direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from babel import Locale, UnknownLocaleError
from babel.core import get_global

from wellchild.errors import WellchildError

SOURCE = "en"
STATUSES = ("reviewed", "machine-drafted")
FALLBACK_MARK = "[EN] "
LATIN = "Noto Sans"
# The Noto family that covers each language's script; Latin text inside (Medi-Cal,
# phone numbers) falls back to Noto Sans.
SCRIPT_FONTS = {
    "hy": "Noto Sans Armenian",
    "km": "Noto Sans Khmer",
    "ar": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "zh-Hant": "Noto Sans CJK TC",
    "zh-Hans": "Noto Sans CJK SC",
    "ko": "Noto Sans CJK KR",
}
RIGHT_TO_LEFT = {"ar", "fa"}
# Khmer stacks subscript consonants below the line: give its lines more room.
TALL_SCRIPTS = {"km"}
# Typst's lang and region per tag: CJK needs the region for the right punctuation.
TYPST_LANG = {"zh-Hant": ("zh", "TW"), "zh-Hans": ("zh", "CN")}


@dataclass(frozen=True)
class Message:
    """One string of a catalogue and whether a translator has checked it."""

    text: str
    status: str
    fallback: bool = False


@dataclass(frozen=True)
class Catalogue:
    """The strings of one language, English filling any gap (marked)."""

    tag: str
    name: str
    messages: dict[str, Message]

    @property
    def fonts(self) -> list[str]:
        """Font families in fallback order for this language."""
        script = SCRIPT_FONTS.get(self.tag)
        return [LATIN, script] if script else [LATIN]

    @property
    def rtl(self) -> bool:
        return self.tag in RIGHT_TO_LEFT

    @property
    def leading_em(self) -> float:
        return 1.1 if self.tag in TALL_SCRIPTS else 0.7

    @property
    def typst_lang(self) -> tuple[str, str | None]:
        return TYPST_LANG.get(self.tag, (self.tag.split("-")[0], None))

    def text(self, key: str) -> str:
        """The string to print: the translation, or marked English."""
        message = self.messages[key]
        return FALLBACK_MARK + message.text if message.fallback else message.text

    def status_line(self, prefixes: str | tuple[str, ...] = "") -> str:
        """The footer's account of the translation of the strings a document prints
        (the keys starting with one of ``prefixes``; all by default), in English for the
        office."""
        mine = [m for k, m in self.messages.items() if k.startswith(prefixes)]
        total = len(mine)
        drafted = sum(m.status == "machine-drafted" and not m.fallback for m in mine)
        missing = sum(m.fallback for m in mine)
        reviewed = total - drafted - missing
        parts = [f"{self.name} ({self.tag})", f"{reviewed} of {total} strings reviewed"]
        if drafted:
            parts.append(f"{drafted} machine-drafted")
        if missing:
            parts.append(f"{missing} missing, shown in English marked {FALLBACK_MARK.strip()}")
        return "Translation: " + ", ".join(parts)


def language_name(tag: str, in_tag: str) -> str:
    """The name of language ``tag`` written in language ``in_tag`` (CLDR, through
    Babel): "inglés" for ``en`` in Spanish, "អង់គ្លេស" in Khmer. A tag CLDR does not know
    keeps its code."""
    try:
        names = Locale.parse(in_tag, sep="-").languages
        key = tag.replace("-", "_")
        return str(names.get(key) or names.get(key.split("_")[0]) or tag)
    except (UnknownLocaleError, ValueError):
        return tag


def available() -> tuple[str, ...]:
    """The language tags that have a catalogue."""
    folder = resources.files(__package__).joinpath("catalogues")
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def raw_data(tag: str, text: str | None = None) -> dict[str, object]:
    """A catalogue file as YAML data (``text``, else the shipped file of ``tag``)."""
    if text is None:
        path = resources.files(__package__).joinpath(f"catalogues/{tag}.yaml")
        text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("strings"), dict):
        raise WellchildError(f"catalogues/{tag}.yaml has no 'strings' mapping.")
    return data


def _messages(tag: str, data: dict[str, object]) -> dict[str, Message]:
    strings = data["strings"]
    assert isinstance(strings, dict)
    out: dict[str, Message] = {}
    problems = []
    for key, value in strings.items():
        if (
            not isinstance(value, dict)
            or value.get("status") not in STATUSES
            or not value.get("text")
        ):
            problems.append(f"{key}: expected {{status: {' or '.join(STATUSES)}, text: ...}}")
            continue
        out[str(key)] = Message(str(value["text"]), str(value["status"]))
    if problems:
        raise WellchildError(f"catalogues/{tag}.yaml: " + "; ".join(problems))
    return out


def match(tag: str) -> str | None:
    """The catalogue a BCP 47 tag asks for, matched as BCP 47 does: case does not
    matter, a region falls away (``es-MX`` → ``es``), a region implies its script
    (``zh-TW`` → ``zh-Hant``) and a bare language takes its likely script (``zh`` →
    ``zh-Hans``). None when no catalogue fits."""
    known = {t.lower(): t for t in available()}
    wanted = tag.strip().replace("_", "-")
    if wanted.lower() in known:
        return known[wanted.lower()]
    try:
        locale = Locale.parse(wanted, sep="-")
    except (UnknownLocaleError, ValueError):
        language = wanted.split("-")[0].lower()
        return known.get(language)
    script = locale.script
    if script is None:
        likely = str(get_global("likely_subtags").get(locale.language, "")).split("_")
        script = likely[1] if len(likely) > 2 else None
    for candidate in (f"{locale.language}-{script}" if script else "", locale.language):
        if candidate and candidate.lower() in known:
            return known[candidate.lower()]
    return None


def resolve(tag: str) -> str:
    """The catalogue tag for ``tag`` (see :func:`match`), or an error listing the
    languages there are catalogues for."""
    found = match(tag)
    if found is None:
        names = ", ".join(f"{t} ({catalogue(t).name})" for t in available())
        raise WellchildError(
            f"No catalogue for the language tag {tag!r}.",
            hint=f"Catalogues: {names}. To add a language, export en and translate it.",
        )
    return found


@cache
def catalogue(tag: str) -> Catalogue:
    """The catalogue of a language tag, matched as BCP 47 does (:func:`match`); a
    language without one is all English, marked, so a family document is never blank."""
    source = raw_data(SOURCE)
    english = _messages(SOURCE, source)
    tag = match(tag) or tag
    if tag not in available():
        messages = {k: Message(m.text, m.status, fallback=True) for k, m in english.items()}
        return Catalogue(tag, tag, messages)
    data = raw_data(tag)
    own = _messages(tag, data)
    messages = {
        k: own.get(k) or Message(m.text, m.status, fallback=True) for k, m in english.items()
    }
    return Catalogue(tag, str(data.get("name") or tag), messages)
