"""Validate an input folder and load it into the store, all or nothing: the public entry
point of :mod:`wellchild.engines.load` (staging, checks and the transaction)."""

from __future__ import annotations

from wellchild.contract import BY_NAME
from wellchild.engines.load.staging import Progress
from wellchild.engines.load.transaction import LoadResult, load_folder

__all__ = ["BY_NAME", "LoadResult", "Progress", "load_folder"]
