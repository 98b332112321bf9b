"""The nightly engine as plain functions, one module per step of a board's night:
`plan` → `fetch` (with `archive`) → `parse` → `label` → `load` → `group`.

No Prefect in here: `flows/` wires these steps into tasks, tests and the CLI call them
directly, and `replay` runs the same steps over the raw archive. Every step takes and returns
the typed records of `ingest.records`; `ingest.key` is the one key that says whether a board's
load would change anything.
"""
