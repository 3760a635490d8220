"""Identifiers: Medi-Cal-like member ids, valid NPIs, claim numbers and fictional phones.

Member ids look like a Medi-Cal CIN (``9`` + 7 digits + a letter). The 7 digits are the
child's running number pushed through a keyed Feistel permutation, so ids are unique by
construction, repeat for the same seed, and do not look sequential.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from wellchild.contract.codes import npi_check_digit
from wellchild.synth.columns import Bytes, Ints, constant, digits, fixed_text, letters

MAX_MEMBERS = 10_000_000  # the 7-digit space of the CIN-like ids
_LOW, _HIGH = 1_000, 10_000  # the permutation works on 7 digits = 3 + 4
_ROUNDS = 6
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, which read as digits


class MemberIds:
    """A keyed, repeatable permutation of running numbers into CIN-like member ids.

    Examples
    --------
    >>> ids = MemberIds(np.random.default_rng(1)).text(np.arange(3))
    >>> [len(x) for x in ids.to_pylist()], len(set(ids.to_pylist()))
    ([9, 9, 9], 3)
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.keys = rng.integers(1, 9_999, size=(_ROUNDS, 3))

    def numbers(self, running: npt.NDArray[np.integer]) -> Ints:
        """The permuted 7-digit number of each running number (all below 10 million)."""
        x = np.asarray(running, dtype=np.int64)
        if len(x) and (x.min() < 0 or x.max() >= MAX_MEMBERS):
            raise ValueError(f"running numbers must lie in [0, {MAX_MEMBERS})")
        high, low = x // _HIGH, x % _HIGH
        for r, (k1, k2, k3) in enumerate(self.keys):
            if r % 2 == 0:
                low = (low + (high * k1 + k2) * (high ^ k3) + r) % _HIGH
            else:
                high = (high + (low * k1 + k2) * (low ^ k3) + r) % _LOW
        return high * _HIGH + low

    def rows(self, running: npt.NDArray[np.integer]) -> Bytes:
        """The ids as a ``(n, 9)`` byte matrix: ``9``, 7 digits, a check letter."""
        number = self.numbers(running)
        body = digits(number, 7)
        weights = np.arange(7, 0, -1, dtype=np.int64)
        check = ((body.astype(np.int64) - 48) @ weights + 9) % len(_CHECK_LETTERS)
        return np.hstack([constant("9", len(number)), body, letters(check, _CHECK_LETTERS)])

    def text(self, running: npt.NDArray[np.integer]) -> pa.StringArray:
        return fixed_text([self.rows(running)])


def npis(rng: np.random.Generator, n: int, *, avoid: set[str] | None = None) -> list[str]:
    """``n`` distinct valid NPIs (Luhn check digit with prefix 80840), none in ``avoid``.

    Individual NPIs start with 1 and organisations with 2 in real life; both appear here.

    Examples
    --------
    >>> from wellchild.contract.codes import is_valid_npi
    >>> all(is_valid_npi(x) for x in npis(np.random.default_rng(0), 50))
    True
    """
    taken = set(avoid or ())
    out: list[str] = []
    while len(out) < n:
        for base in rng.integers(100_000_000, 300_000_000, size=n - len(out) + 8):
            text = str(int(base))
            npi = text + npi_check_digit(text)
            if npi not in taken:
                taken.add(npi)
                out.append(npi)
                if len(out) == n:
                    break
    return out


def claim_ids(prefix: Ints, alphabet: str, received: Ints, number: Ints) -> pa.StringArray:
    """Claim numbers shaped like a Medi-Cal ICN: a character (``alphabet[prefix]``), the
    year and day of year the claim was received, and a 10-digit running number that makes
    each id unique. Rows are claim lines: lines of one claim are contiguous and share
    ``number``, so each id is built once per claim."""
    if len(number) == 0:
        return pa.array([], type=pa.string())
    first = np.flatnonzero(np.r_[True, number[1:] != number[:-1]])
    d = received[first].astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    julian = (d - d.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64) + 1
    rows = np.hstack(
        [
            letters(prefix[first], alphabet),
            digits(year % 100, 2),
            digits(julian, 3),
            digits(number[first], 10),
        ]
    )
    sizes = np.diff(np.r_[first, len(number)])
    return fixed_text([np.repeat(rows, sizes, axis=0)])


def phones(area_codes: Ints, line: Ints) -> pa.StringArray:
    """Fictional phone numbers ``(AAA) 555-01NN`` (555-0100 to 555-0199 are reserved for
    fiction)."""
    n = len(area_codes)
    return fixed_text(
        [constant("(", n), digits(area_codes, 3), constant(") 555-01", n), digits(line % 100, 2)]
    )
