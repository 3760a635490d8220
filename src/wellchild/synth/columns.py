"""Arrow columns built straight from numpy arrays, without a Python object per value.

Tens of millions of claim lines leave the generator as Arrow arrays. Codes and names come
from small vocabularies, so they are dictionary columns (an index per row); identifiers
of fixed width (member ids, claim ids, phone numbers) are assembled as a byte matrix and
handed to Arrow as the data buffer of a string array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]

# The ASCII digits of 0000..9999, four bytes per number.
_QUADS: Bytes = np.frombuffer(
    "".join(f"{i:04d}" for i in range(10_000)).encode("ascii"), dtype=np.uint8
).reshape(10_000, 4)


def digits(values: npt.NDArray[np.integer], width: int) -> Bytes:
    """Zero-padded decimal digits of non-negative integers as an ``(n, width)`` byte matrix.

    Examples
    --------
    >>> digits(np.array([7, 1234567]), 8).tobytes()
    b'0000000701234567'
    """
    rest = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((len(rest), width), dtype=np.uint8)
    end = width
    while end > 0:
        size = min(4, end)
        out[:, end - size : end] = _QUADS[rest % 10_000][:, 4 - size :]
        rest //= 10_000
        end -= size
    return out


def constant(text: str, n: int) -> Bytes:
    """An ``(n, len(text))`` byte matrix repeating ``text`` (ASCII)."""
    row = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(row, (n, len(row)))


def letters(index: npt.NDArray[np.integer], alphabet: str) -> Bytes:
    """One character of ``alphabet`` per row, as an ``(n, 1)`` byte matrix."""
    table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    return table[np.asarray(index)].reshape(-1, 1)


def fixed_text(parts: Sequence[Bytes]) -> pa.StringArray:
    """A string array whose rows are the byte rows of the parts, side by side."""
    matrix = np.ascontiguousarray(np.hstack(parts), dtype=np.uint8)
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix))


def fixed_rows(text: pa.StringArray) -> Bytes:
    """The byte matrix behind a string array of equal-width ASCII values (no nulls)."""
    n = len(text)
    if n == 0:
        return np.empty((0, 0), dtype=np.uint8)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=n + 1, offset=text.offset * 4)
    width = int(offsets[1] - offsets[0])
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[0] + n * width].reshape(n, width)


def take_fixed(rows: Bytes, index: npt.NDArray[np.integer]) -> pa.StringArray:
    """Rows ``index`` of a fixed-width byte matrix as a string array (a fast ``take``)."""
    return fixed_text([rows[np.asarray(index)]])


def dictionary(
    index: npt.NDArray[np.integer], values: pa.Array, *, null: int = -1
) -> pa.DictionaryArray:
    """A dictionary column: ``values[index]`` per row, null where ``index == null``."""
    index = np.asarray(index)
    mask = index == null
    indices = pa.array(np.where(mask, 0, index).astype(np.int32), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, values)


def vocabulary(values: Sequence[str]) -> pa.StringArray:
    """A small string array used as the dictionary of coded columns."""
    return pa.array(list(values), type=pa.string())


def date_column(
    days: npt.NDArray[np.integer], *, null: npt.NDArray[np.bool_] | None = None
) -> pa.Array:
    """Day numbers (days since 1970-01-01) as an Arrow ``date32`` column."""
    values = np.asarray(days).astype(np.int32)
    mask = null if null is not None and null.any() else None
    return pa.array(values, type=pa.int32(), mask=mask).view(pa.date32())


def int32_column(values: npt.NDArray[np.integer]) -> pa.Array:
    return pa.array(np.asarray(values).astype(np.int32), type=pa.int32())
