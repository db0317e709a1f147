"""Bringing a register in and out: Xero's fixed-asset import template, Xero's Assets API bodies, and CSV.

- :mod:`.importer`: :func:`~.importer.import_files`, every row through the register's rules, all or nothing, with
  every problem reported (:mod:`.report`);
- :mod:`.exporter`: :func:`~.exporter.export`, in the shapes the importer reads back;
- the shapes: :mod:`.xero_template` (the template's columns and words), :mod:`.xero_json` (API bodies),
  :mod:`.tabular` (CSV), :mod:`.dates` (Xero's three date formats);
- :mod:`.mapping` lays a file's headers onto a table and turns its cells into values;
- :mod:`.progress` draws the bar, :mod:`.cli` is ``assets-sql import`` and ``assets-sql export``.
"""
