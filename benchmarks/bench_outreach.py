"""Referral packets (form + brochure in the family's language) to PDF: Typst against
WeasyPrint in the same run.

Forms are built from the gap lists of a synthetic population's largest practices and
repeated with fresh member ids and names up to BENCH_OUTREACH_PACKETS (32,000, the
children the Los Angeles pilot reached). Typst typesets them in batches of
BENCH_OUTREACH_BATCH (500) on two worker processes: each brochure typeset once per
language and each form once per language, number of dentists and practice as a blank,
placed as PDF pages, with each child's values set on the blank (documents/packets.py).
WeasyPrint renders the same packets as HTML (the form and the brochure per packet, same
fonts) on two workers too; as it is much slower, it renders BENCH_OUTREACH_WEASY (1,000)
packets and the 32,000 figure is extrapolated linearly (set it to the full count to
time them all).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import Measurement, machine, measure, table
from outreach_workers import CHILDREN

WORKERS = Path(__file__).resolve().parent / "outreach_workers.py"


def _count(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _step(*args: object) -> Measurement:
    return measure([sys.executable, str(WORKERS), *map(str, args)])


def _pages(folder: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in sorted(folder.glob("*.pdf")))


def run(work: Path) -> str:
    total = _count("BENCH_OUTREACH_PACKETS", 32_000)
    batch = _count("BENCH_OUTREACH_BATCH", 500)
    weasy_count = min(total, _count("BENCH_OUTREACH_WEASY", 1_000))
    _step("setup", work, total)
    typst = _step("typst", work, batch)
    weasy = _step("weasy", work, weasy_count, min(batch, 100))
    typst_pages, weasy_pages = _pages(work / "typst"), _pages(work / "weasy")
    on_blank = int(typst.output.split()[-1])
    weasy_total = weasy.seconds * total / weasy_count
    typst_mb = sum(p.stat().st_size for p in (work / "typst").glob("*.pdf")) / 2**20
    weasy_mb = sum(p.stat().st_size for p in (work / "weasy").glob("*.pdf")) / 2**20
    rows = [
        ["Typst (wellchild)", f"{total:,}", f"{typst_pages:,}", f"{typst.seconds:.1f} s",
         f"{typst.seconds / total * 1000:.2f} ms", f"{typst_mb / total * 1024:.0f} KiB",
         f"{typst.peak_rss_mb:.0f} MB"],
        ["WeasyPrint (HTML)", f"{weasy_count:,}", f"{weasy_pages:,}", f"{weasy.seconds:.1f} s "
         f"(≈ {weasy_total:.0f} s for {total:,})", f"{weasy.seconds / weasy_count * 1000:.2f} ms",
         f"{weasy_mb / weasy_count * 1024:.0f} KiB", f"{weasy.peak_rss_mb:.0f} MB"],
    ]  # fmt: skip
    return "\n\n".join(
        [
            "## Referral packets to PDF (`bench_outreach.py`)",
            machine(),
            f"{total:,} packets (referral form + brochure in the family's language), built "
            f"from the gap lists of a {CHILDREN:,}-child synthetic population's largest Los "
            f"Angeles practices; Typst in batches of {batch} (brochures and blank forms "
            "typeset once, the children's values set on the blanks), WeasyPrint in batches of "
            f"{min(batch, 100)}, both on 2 worker processes. Wall time includes starting "
            "the workers; peak RSS is the largest of the process and its workers (os.wait4 "
            "counts the children a process waited for).",
            table(
                [
                    "renderer",
                    "packets",
                    "pages",
                    "wall time",
                    "per packet",
                    "PDF per packet",
                    "peak RSS",
                ],
                rows,
            ),
            f"Typst set {on_blank:,} of the {total:,} forms on their blank and laid out the "
            f"other {total - on_blank:,} whole. Typst is {weasy_total / typst.seconds:.1f}× "
            "faster than WeasyPrint per packet in this run; target: 32,000 packets in ≤ 60 s "
            f"({'met' if typst.seconds * 32_000 / total <= 60 else 'not met'}).",
        ]
    )
