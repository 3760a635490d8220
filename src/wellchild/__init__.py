"""wellchild: preventive care for young children on Medicaid.

The public Python API; the command line (``wellchild --help``) is built on the same calls.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wellchild")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
