"""``python -m wellchild`` runs the command line."""

from wellchild.cli import main

main()
