"""Validate an input folder and load it into the store, all or nothing.

The load reads each file once into a typed staging table (every value normalised, every
unusable value kept aside with its row: :mod:`.staging`), runs every check of the
contract on those tables (:mod:`.checks`), and only when no error-level problem exists
replaces the input tables, rebuilds the core tables and records what was loaded, in one
transaction (:mod:`.transaction`). A failed load rolls back; a killed one never commits;
a first load is built in a side file and renamed into place. Either way the store holds
the previous load or the new one, never a mix.

The entry point is :func:`wellchild.engines.load.transaction.load_folder` (also
``wellchild.engines.duckdb_load.load_folder``).
"""
