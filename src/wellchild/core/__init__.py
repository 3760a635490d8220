"""Input → core: derived tables every measure reads (merged enrollment spans, …).

Each module builds Ibis expressions, so the same logic runs on every engine.
"""
