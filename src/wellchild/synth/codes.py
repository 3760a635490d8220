"""The procedure and diagnosis codes the generator writes, and how they are spelled.

Diagnosis lists are pre-built as strings for every (principal, secondary, spelling) triple,
so a claim line only carries an index; spellings are ``Z00.129`` (usual), ``Z00129``
(no dots) and ``z00.129`` (lower case), as real files mix them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from wellchild.synth import rates
from wellchild.synth.columns import Ints
from wellchild.synth.region import Floats

PROCEDURES = (
    # preventive E/M: new patient by age band, then established
    "99381", "99382", "99383", "99384", "99385",
    "99391", "99392", "99393", "99394", "99395",
    "99461",
    # problem E/M: office, new office, emergency department
    "99212", "99213", "99214", "99203", "99204", "99283", "99284", "99285",
    # vaccine administration and products
    "90460", "90461", "90471", "90472",
    "90744", "90723", "90680", "90670", "90648", "90707", "90716", "90633", "90700",
    "90713", "90715", "90734", "90651", "90686",
    # screening and office tests
    "96110", "96127", "99188", "85018", "83655", "36416", "99173", "92551", "80061", "36415",
    "87491",
    # sick-visit extras
    "87880", "87804", "87635", "94640", "96372", "J0696", "71046", "73610", "85025", "81002",
    "87086",
    # vision and behavioral health
    "92004", "92014", "92015", "V2020", "V2100", "90791", "90832", "90834", "90837", "90785",
)  # fmt: skip
PRINCIPAL = (
    "Z00.110", "Z00.111", "Z00.121", "Z00.129", "Z00.00", "Z00.01", "Z23", "Z13.88", "Z13.0",
    "Z13.42", "Z13.31", "Z01.419", "Z30.011",
    "J06.9", "H66.90", "R50.9", "J02.9", "L20.9", "B34.9", "J45.909", "R05.9", "K52.9",
    "H10.9", "J21.9", "L22", "R21", "J20.9", "A08.4", "S09.90XA", "S93.401A", "T78.40XA",
    "J30.9", "R10.9", "K59.00", "F90.9", "L70.0", "N94.6", "F84.0", "J35.1", "R01.1",
    "H52.13", "G40.909", "P59.9", "F41.9", "H52.03", "F43.20", "F91.9", "F32.9", "N39.0",
)  # fmt: skip
SECONDARY = ("Z23", "Z68.51", "Z71.3", "Z13.42", "J06.9", "R50.9", "Z20.822", "R11.10", "Z13.88",
             "Z13.0", "Z71.82", "R63.4")  # fmt: skip
NONE = -1

SICK_YOUNG = {"J06.9": 24, "H66.90": 16, "R50.9": 12, "J21.9": 8, "B34.9": 8, "L22": 4, "K52.9": 5,
              "H10.9": 5, "R21": 4, "P59.9": 2, "R05.9": 6, "L20.9": 6}  # fmt: skip
SICK_CHILD = {"J06.9": 20, "H66.90": 10, "R50.9": 8, "J02.9": 12, "L20.9": 5, "B34.9": 8,
              "J45.909": 6, "R05.9": 7, "K52.9": 4, "H10.9": 4, "J20.9": 4, "A08.4": 3,
              "S09.90XA": 2, "S93.401A": 2, "T78.40XA": 1, "J30.9": 3, "R10.9": 3,
              "K59.00": 2, "N39.0": 2}  # fmt: skip
SICK_TEEN = {**SICK_CHILD, "F90.9": 3, "L70.0": 4, "F41.9": 3, "N94.6": 2}
VISION = {"H52.13": 3, "H52.03": 1}
THERAPY = {"F90.9": 4, "F41.9": 3, "F43.20": 3, "F91.9": 2, "F32.9": 2, "F84.0": 1}
SPECIALTY = {"J35.1": 3, "J30.9": 3, "J45.909": 3, "L20.9": 2, "L70.0": 2, "R01.1": 1,
             "H52.13": 3, "G40.909": 1, "F90.9": 3, "F84.0": 2}  # fmt: skip


def procedure(code: str) -> int:
    """Index of a procedure code in :data:`PROCEDURES`."""
    return PROCEDURES.index(code)


def principal(code: str) -> int:
    return PRINCIPAL.index(code)


def secondary(code: str) -> int:
    return SECONDARY.index(code)


def procedure_vocabulary() -> pa.StringArray:
    """Every procedure code twice: as written, then in lower case (the odd file does)."""
    return pa.array(list(PROCEDURES) + [c.lower() for c in PROCEDURES], type=pa.string())


def procedure_text(code: Ints, rng: np.random.Generator) -> Ints:
    """Index into :func:`procedure_vocabulary`; letter codes are now and then lower case."""
    lower = rng.random(len(code)) < rates.LOWER_CASE
    return np.where(code == NONE, NONE, code + np.where(lower, len(PROCEDURES), 0))


def _spell(code: str, style: int) -> str:
    if style == 1:
        return code.replace(".", "")
    if style == 2:
        return code.lower()
    return code


def diagnosis_vocabulary() -> pa.StringArray:
    """Every diagnosis list the generator writes, indexed by :func:`diagnosis_text`."""
    out = []
    for p in PRINCIPAL:
        for s in (*SECONDARY, None):
            for style in range(3):
                text = _spell(p, style)
                out.append(text if s is None else f"{text};{_spell(s, style)}")
    return pa.array(out, type=pa.string())


def diagnosis_text(first: Ints, second: Ints, style: Ints) -> Ints:
    """Index into :func:`diagnosis_vocabulary`, NONE where there is no principal code."""
    s = np.where(second == NONE, len(SECONDARY), second)
    index = (first * (len(SECONDARY) + 1) + s) * 3 + style
    return np.where(first == NONE, NONE, index)


def spelling(rng: np.random.Generator, n: int) -> Ints:
    """A spelling per claim: 0 with dots, 1 without, 2 lower case."""
    u = rng.random(n)
    return np.where(u < rates.LOWER_CASE, 2, np.where(u < rates.LOWER_CASE + rates.UNDOTTED, 1, 0))


def draw(rng: np.random.Generator, table: dict[str, int], n: int) -> Ints:
    """``n`` principal diagnoses drawn with the weights of ``table``."""
    codes = np.array([principal(c) for c in table])
    weights = np.cumsum(np.array(list(table.values()), dtype=np.float64))
    pick = np.searchsorted(weights, rng.random(n) * weights[-1], side="right")
    out: Ints = codes[np.minimum(pick, len(codes) - 1)]
    return out


def choose(rng: np.random.Generator, options: dict[str, float], n: int) -> Ints:
    """``n`` procedure codes drawn with the shares of ``options``."""
    codes = np.array([procedure(c) for c in options])
    shares: Floats = np.cumsum(np.array(list(options.values()), dtype=np.float64))
    pick = np.searchsorted(shares, rng.random(n) * shares[-1], side="right")
    out: Ints = codes[np.minimum(pick, len(codes) - 1)]
    return out
