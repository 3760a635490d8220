"""FHIR in and out: the ``ingest fhir`` and ``export fhir`` commands, and the export of
measure results as MeasureReports and Da Vinci DEQM gaps-in-care bundles."""
