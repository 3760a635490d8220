"""Linking the members of two sources that share no id (``wellchild link``).

``docs/linkage.md`` describes the model, the outputs and the figures. The package is
imported by the command line, so it imports nothing heavy itself.
"""
