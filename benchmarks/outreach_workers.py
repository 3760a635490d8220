"""The processes ``bench_outreach.py`` measures, one per step:

python outreach_workers.py setup WORK TOTAL     forms.json from a synthetic population
python outreach_workers.py typst WORK BATCH     every packet through Typst, 2 workers
python outreach_workers.py weasy WORK COUNT BATCH  the first COUNT through WeasyPrint
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import os
import sys
from multiprocessing import Pool
from pathlib import Path
from typing import Any

CHILDREN = 20_000
YEAR = 2025
LA = "06037"
TAGS = ("en", "es", "hy", "zh-Hant", "zh-Hans", "ko", "vi", "tl", "fa", "ru", "km", "ar")
FONTS = {
    "hy": "Noto Sans Armenian",
    "km": "Noto Sans Khmer",
    "ar": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "zh-TW": "Noto Sans CJK TC",
    "zh-CN": "Noto Sans CJK SC",
    "ko": "Noto Sans CJK KR",
}
CSS = """
@page { size: letter; margin: 1.2cm }
body { font-size: 9.5pt }
.copy { border: 1.5pt solid #1f5f99; border-radius: 6pt; padding: 10pt; margin-bottom: 12pt }
h1 { color: #1f5f99; font-size: 15pt; margin: 0 }
td { border: .4pt solid #999; padding: 3pt }
.label { font-size: 7.5pt; color: #555 }
.value { font-weight: bold; border-bottom: .5pt solid #777 }
.brochure { page-break-before: always }
.brochure h1 { background: #1f5f99; color: white; padding: 10pt; font-size: 22pt }
section { page-break-after: always }
"""


def setup(work: Path, total: int) -> None:
    """Referral forms for the gap lists of the largest Los Angeles practices, repeated
    with new ids and names up to ``total``."""
    from wellchild.engines.duckdb_engine import DuckDBEngine
    from wellchild.engines.duckdb_load import load_folder
    from wellchild.geography.regions import region
    from wellchild.outreach import packets as pk
    from wellchild.outreach.gaps import gap_list
    from wellchild.outreach.rank import rank_practices
    from wellchild.synth import generate

    generate(work / "input", children=CHILDREN, seed=5, year=YEAR)
    load_folder(work / "input", work / "store.duckdb")
    engine = DuckDBEngine.open(work / "store.duckdb")
    as_of = dt.date(YEAR, 12, 31)
    places = region()
    ranking = rank_practices(engine, as_of, counties=[LA], languages=places.languages([LA]))
    base = []
    for practice_id in ranking.table["practice_id"].head(8):
        practice = pk.practice_info(engine, practice_id)
        for row in gap_list(engine, practice_id, as_of).itertuples():
            base.append(pk.referral_form(row, practice, places))
    out = []
    for i in range(total):
        form = copy.deepcopy(base[i % len(base)])
        form["child"]["member_id"] = f"9{i:07d}B"
        form["child"]["name"] += f" {i}"
        out.append(form)
    (work / "forms.json").write_text(json.dumps(out, default=str, ensure_ascii=False))


def _chunks(packets: list[Any], size: int) -> list[tuple[int, list[Any]]]:
    return [(i, packets[s : s + size]) for i, s in enumerate(range(0, len(packets), size))]


_printer: Any = None


def _typst_batch(work: Path, index: int, chunk: list[dict[str, Any]]) -> tuple[int, int]:
    from wellchild.documents.brochure import brochure_data
    from wellchild.documents.packets import PacketPrinter
    from wellchild.geography.regions import region

    global _printer
    if _printer is None:
        places = region()
        phones = places.phone_lines(places.county(LA))
        brochures = {t: brochure_data(t, phones) for t in TAGS}
        _printer = PacketPrinter(work / f"typst-worker-{os.getpid()}", brochures)
    (work / "typst" / f"batch-{index:04d}.pdf").write_bytes(_printer.render(chunk))
    return len(chunk), sum(_printer.on_blank)


def typst(work: Path, batch: int) -> None:
    forms = json.loads((work / "forms.json").read_text())
    (work / "typst").mkdir(exist_ok=True)
    jobs = [(work, i, chunk) for i, chunk in _chunks(forms, batch)]
    with Pool(2) as pool:
        done = pool.starmap(_typst_batch, jobs, chunksize=1)
    print(sum(n for n, _ in done), sum(b for _, b in done))


def _lang(copy: dict[str, Any]) -> str:
    tag = copy["lang"] + (f"-{copy['region']}" if copy["region"] else "")
    font = FONTS.get(tag)
    family = "'Noto Sans'" + (f", '{font}'" if font else "")
    direction = "rtl" if copy["rtl"] else "ltr"
    return f'lang="{tag}" dir="{direction}" style="font-family: {family}"'


def _field(label: str, value: str) -> str:
    return (
        f'<div><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}&nbsp;</div></div>'
    )


def _form(p: dict[str, Any]) -> str:
    parts = []
    for c in p["copies"]:
        c = {**p["langs"][c["tag"]], "label": c["label"]}
        t = c["t"]
        rows = "".join(
            f"<tr><td>{html.escape(d['name'])}<br><small>{html.escape(d['address'])}</small></td>"
            f"<td>{html.escape(d['phone'])}</td><td>{html.escape(d['languages'])}</td>"
            f"<td>{html.escape(d['distance'])}</td></tr>"
            for d in p["dentists"]
        )
        fields = [
            _field(t["form.child"], p["child"]["name"]),
            _field(t["form.birth_date"], p["child"]["birth_date"]),
            _field(t["form.medi_cal_id"], p["child"]["member_id"]),
            _field(t["form.practice"], f"{p['practice']['name']} · {p['practice']['phone']}"),
            _field(t["form.reason"], t["form.reason_text"]),
        ]
        parts.append(
            f'<div class="copy" {_lang(c)}><h1>℞ {html.escape(t["form.title"])}</h1>'
            f"<small>{html.escape(c['label'])}</small>{''.join(fields)}"
            f"<b>{html.escape(t['form.dentists'])}</b><table>{rows}</table>"
            + _field(t["form.appointment"], "")
            + _field(t["form.clinician"], p["practice"]["clinician"])
            + f"<p>{html.escape(t['form.call'])}</p></div>"
        )
    return "".join(parts)


def _brochure(p: dict[str, Any]) -> str:
    c = p["langs"][p["copies"][0]["tag"]]
    t = c["t"]
    keys = ("first_visit", "varnish", "covered", "find", "home")
    body = "".join(
        f"<h2>{html.escape(t[f'brochure.{k}.head'])}</h2><p>{html.escape(t[f'brochure.{k}'])}</p>"
        for k in keys
    )
    phones = "".join(
        f"<tr><td>{html.escape(x['label'])}</td><td>{html.escape(x['phone'])}</td></tr>"
        for x in p["phones"]
    )
    return (
        f'<div class="brochure" {_lang(c)}><h1>{html.escape(t["brochure.title"])}</h1>'
        f"<p>{html.escape(t['brochure.intro'])}</p>{body}"
        f"<b>{html.escape(t['brochure.phones'])}</b><table>{phones}</table></div>"
    )


def _weasy_batch(work: Path, index: int, chunk: list[dict[str, Any]]) -> int:
    from weasyprint import HTML

    from wellchild.documents.referral import referral_data
    from wellchild.geography.regions import region

    phones = region().phone_lines(region().county(LA))
    packets = [referral_data(form, note="") | {"phones": phones} for form in chunk]
    doc = "".join(f"<section>{_form(p)}{_brochure(p)}</section>" for p in packets)
    page = f"<html><head><meta charset=utf-8><style>{CSS}</style></head><body>{doc}</body></html>"
    HTML(string=page).write_pdf(work / "weasy" / f"batch-{index:04d}.pdf")
    return len(chunk)


def weasy(work: Path, count: int, batch: int) -> None:
    forms = json.loads((work / "forms.json").read_text())[:count]
    (work / "weasy").mkdir(exist_ok=True)
    jobs = [(work, i, chunk) for i, chunk in _chunks(forms, batch)]
    with Pool(2) as pool:
        print(sum(pool.starmap(_weasy_batch, jobs, chunksize=1)))


if __name__ == "__main__":
    step, folder, *numbers = sys.argv[1:]
    args = [int(n) for n in numbers]
    {"setup": setup, "typst": typst, "weasy": weasy}[step](Path(folder), *args)
