"""The seeded synthetic Medi-Cal child population generator.

``generate`` writes the six input files of the contract for a population that looks like
Los Angeles County Medi-Cal children (with Sacramento and Amador counties), calibrated so
that the well-child and dental measures land near real-life rates. Nothing in it is
about a real person. ``docs/synth.md`` describes what it models.
"""

from wellchild.synth.generator import CHUNK, SynthResult, generate

__all__ = ["CHUNK", "SynthResult", "generate"]
