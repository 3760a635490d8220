"""Engines: the only modules that import duckdb or pyspark.

``duckdb_store`` opens the store (a DuckDB file) and ``duckdb_load`` validates and loads
an input folder into it (the ``load`` package: staging, checks and the transaction).
Everything above this package speaks Ibis or plain Python.
"""
