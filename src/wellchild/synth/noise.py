"""What real claim files carry besides clean paid lines: denials, reversals with their
corrected lines, resubmissions, duplicate claims and NPIs that match no provider.

Claim lines travel as a dict of equal-length numpy arrays (one entry per column, plus
``claim``, the claim's number within the chunk, and ``received``, the day the claim
arrived). Lines of one claim are contiguous and claims are numbered in order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from wellchild.synth import rates
from wellchild.synth.columns import Ints

STATUSES = ("paid", "denied", "reversed")
PAID, DENIED, REVERSED = range(3)
NO_NPI = -1
Lines = dict[str, Ints]


def line_numbers(claim: Ints) -> Ints:
    """1, 2, 3, ... within each run of equal claim numbers."""
    if len(claim) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, claim[1:] != claim[:-1]])
    sizes = np.diff(np.r_[starts, len(claim)])
    return np.arange(len(claim)) - np.repeat(starts, sizes) + 1


def select(lines: Lines, rows: npt.NDArray[np.integer] | npt.NDArray[np.bool_]) -> Lines:
    return {k: v[rows] for k, v in lines.items()}


def concat(parts: list[Lines]) -> Lines:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _as_new_claims(
    rng: np.random.Generator, lines: Lines, rows: Ints, first: int
) -> tuple[Lines, int]:
    """Copies of ``rows`` on new claims numbered from ``first``, received later."""
    copy = select(lines, rows)
    _, group = np.unique(copy["claim"], return_inverse=True)
    copy["claim"] = first + group
    copy["line"] = line_numbers(copy["claim"])
    lag = rng.integers(20, 90, int(group.max()) + 1 if len(group) else 0)
    copy["received"] = copy["received"] + lag[group] if len(group) else copy["received"]
    return copy, first + (int(group.max()) + 1 if len(group) else 0)


def claim_flags(rng: np.random.Generator, lines: Lines, share: float) -> npt.NDArray[np.bool_]:
    """A per-claim coin with probability ``share``, spread to the claim's lines."""
    n_claims = int(lines["claim"].max()) + 1 if len(lines["claim"]) else 0
    return (rng.random(n_claims) < share)[lines["claim"]]


def add_noise(rng: np.random.Generator, lines: Lines, directory_npis: tuple[int, int]) -> Lines:
    """Deny, reverse, resubmit and duplicate some lines; blank or garble some NPIs.

    ``directory_npis`` is (NPIs of providers, all NPIs): indices from the first number on
    are valid NPIs that match no provider.
    """
    n = len(lines["claim"])
    if n == 0:
        return lines
    known, total = directory_npis
    status = lines["status"].copy()
    u = rng.random(n)
    paid = status == PAID
    status[paid & (u < rates.DENIED)] = DENIED
    status[paid & (u >= rates.DENIED) & (u < rates.DENIED + rates.REVERSED)] = REVERSED
    resubmit = paid & (status == DENIED) & (rng.random(n) < rates.DENIAL_RESUBMITTED)
    correct = (status == REVERSED) & (rng.random(n) < rates.REVERSAL_CORRECTED)
    lines = {**lines, "status": status}

    next_claim = int(lines["claim"].max()) + 1
    fixed, next_claim = _as_new_claims(rng, lines, np.flatnonzero(resubmit | correct), next_claim)
    fixed["status"] = np.full(len(fixed["claim"]), PAID)
    twice, next_claim = _as_new_claims(
        rng, lines, np.flatnonzero(claim_flags(rng, lines, rates.DUPLICATE_CLAIMS)), next_claim
    )
    out = concat([lines, fixed, twice])

    unknown = claim_flags(rng, out, rates.UNKNOWN_NPI)
    blank = claim_flags(rng, out, rates.NO_NPI) & ~unknown
    billing_only = claim_flags(rng, out, rates.BILLING_ONLY)
    phantom = rng.integers(known, total, len(out["claim"]))
    out["rendering"] = np.where(
        unknown, phantom, np.where(blank | billing_only, NO_NPI, out["rendering"])
    )
    out["billing"] = np.where(unknown, phantom, np.where(blank, NO_NPI, out["billing"]))
    return out
