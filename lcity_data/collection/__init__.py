"""Collecting the returns: a yearly round in which each reporting unit submits, the office reviews, and
approved figures are published as one release.

Modules, one job each: `meta` (a template's hidden round/unit/year, read by the importer), `errors`,
`rounds` (open and read rounds, their history), `template` (the per-unit .xlsx), `submissions`
(submit through the importer, only the unit's own cells), `review` (return with comment, approve),
`status` (the status board and a submission's diff), `publish` (one release from the approved ones).
This package imports nothing at load time, so the importer can read `meta` without a cycle.
"""
