"""Data files of the synthetic generator: name pools, neighbourhoods, practice-name words."""
