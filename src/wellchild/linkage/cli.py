"""``wellchild link``: the command around :func:`wellchild.linkage.link.link`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wellchild.linkage.band import ACCEPT, REVIEW
from wellchild.linkage.link import link

out = Console(highlight=False, soft_wrap=True)

LINK_EPILOG = (
    "Examples:\n\n"
    "    wellchild synth --children 5000 --seed 1 --year 2025 --out syn --separate-ids\n\n"
    "    wellchild link --medical syn/medical --dental syn/dental --out linked "
    "--truth syn/truth.csv"
)


def link_command(
    medical: Annotated[
        Path, typer.Option("--medical", help="Folder with the medical source's member file.")
    ],
    dental: Annotated[
        Path, typer.Option("--dental", help="Folder with the dental source's member file.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the crosswalk to.")],
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth",
            help="File of true pairs (medical_id, dental_id): adds precision, recall, F1.",
            show_default=False,
        ),
    ] = None,
    review: Annotated[
        float, typer.Option("--review", help="Lowest probability of a pair sent to review.")
    ] = REVIEW,
    accept: Annotated[
        float, typer.Option("--accept", help="Lowest probability of a pair linked outright.")
    ] = ACCEPT,
) -> None:
    """Link a medical and a dental member file that share no id (Splink, Fellegi–Sunter on
    name, birth date, sex, address, ZIP and guardian, trained without labels): writes
    crosswalk.csv, review.csv and a report."""
    result = link(medical, dental, out_dir, truth=truth, review=review, accept=accept)
    out.print(
        f"Linked {result.linked:,} of {result.medical:,} medical and {result.dental:,} dental "
        f"members; {result.review:,} pairs to review ({result.seconds:.1f} s)."
    )
    if result.scores is not None:
        s = result.scores
        out.print(f"Precision {s.precision:.4f}, recall {s.recall:.4f}, F1 {s.f1:.4f}.")
    for path in result.files.values():
        out.print(f"  {path}")
