"""One child's referral form and brochure, typeset on request with the outreach code.

The same functions that build a practice's outreach folder make the form here, for one
child of the gap list: the family's copy in the family's language above the cut line,
the office's copy in English below it; and the brochure in the family's language.
"""

from __future__ import annotations

from types import SimpleNamespace

from wellchild.documents.brochure import brochure_data
from wellchild.documents.referral import Practice, referral_data, referral_form
from wellchild.documents.typeset import render
from wellchild.geography.regions import region
from wellchild.hub.portal.models import GapEntry


def _practice(entry: GapEntry) -> object:
    practice = entry.child.practice
    return Practice(
        practice.practice_id,
        practice.name,
        practice.phone,
        practice.county_fips or entry.county_fips,
    )


def referral_pdf(entry: GapEntry) -> bytes:
    """The referral form of the child on ``entry`` (a row of a scoped gap list)."""
    row = SimpleNamespace(
        member_id=entry.child.member_id,
        first_name=entry.first_name,
        last_name=entry.last_name,
        birth_date=entry.birth_date,
        language=entry.language,
        pcp_name=entry.pcp_name,
        dentists=list(entry.dentists),
    )
    practice = _practice(entry)
    form = referral_form(row, practice, region().dental_line())  # type: ignore[arg-type]
    note = f"{entry.child.practice.practice_id} · {entry.gap_list.as_of}"
    return render("referral", referral_data(form, note=note))


def brochure_pdf(entry: GapEntry) -> bytes:
    """The brochure in the family's language, with the phone lines of the practice's county."""
    places = region()
    county = places.counties.get(entry.child.practice.county_fips or entry.county_fips)
    return render("brochure", brochure_data(entry.language, places.phone_lines(county)))
