"""Typeset documents: Typst templates per document, message catalogues per language, and
the Python that feeds one to the other."""
