"""``python -m bench --changelog`` runs through on a small register: each operation with the log and without it, and
the checks it makes of its own work (the UPDATE's count, the import's rows, the run and its rollback, the log holding
changes on one side and none on the other). No figure is judged here: timings belong to the benchmark's own run."""

from __future__ import annotations

import re

from bench import changelog


def test_the_changelog_benchmark_runs_and_checks_its_work(capsys) -> None:
    assert changelog.main(["--changelog", "--rows", "300", "--runs-assets", "30", "--turns", "2"]) == 0
    report = capsys.readouterr().out
    for operation, _ in changelog.OPERATIONS:
        assert re.search(rf"\b{operation}\b", report, re.IGNORECASE), operation
