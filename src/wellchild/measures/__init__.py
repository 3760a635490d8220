"""The measures of docs/measure-rules.md: building blocks, one folder per measure, the evaluator
that writes the long table, and the statistics computed from it."""
