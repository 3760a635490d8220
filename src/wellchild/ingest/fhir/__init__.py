"""FHIR R4 (Bulk Data NDJSON, bundles) and Synthea CSV → the six input files of the contract.

Mappings are data (``views/*.yaml``, ``maps.yaml``); this package reads, maps and accounts.
"""

from wellchild.ingest.fhir.ingest import IngestResult, ingest

__all__ = ["IngestResult", "ingest"]
