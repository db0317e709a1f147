"""python -m tests.conformance [--update] [NAME ...]: run the corpus and the drivers' checks (dbt's too, when a
dbt is found: see dbt.py) against the bridge and a real PostgreSQL.

Prints each entry that differs and how, and a count by category; with --update, rewrites differences.toml to list
exactly the entries that differ today, keeping the reasons already written and giving new ones a first reason to
be edited.
"""

from __future__ import annotations

import argparse
import collections
import sys

from tests.conformance import corpus, dbt, drivers
from tests.conformance.servers import started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite differences.toml from today's answers")
    parser.add_argument("names", nargs="*", help="only the entries whose key (file/name) contains one of these")
    arguments = parser.parse_args(argv)
    if arguments.update and arguments.names:
        parser.error("--update runs everything (an entry's answer can depend on the entries before it): give no NAME")
    entries = corpus.everything()
    names = arguments.names or None
    if names:
        entries = [e for e in entries if any(n in e.key for n in names)]
    found = dbt.executable()
    with started() as servers:
        answers = corpus.run(entries, servers.bridge, servers.postgres)
        answers.update(drivers.run(servers, names))
        if found is None:
            print("dbt is not installed (see tests/conformance/dbt.py): its steps are not run")
        elif names is None or any(n in key for n in names for key in dbt.CHECKS):
            answers.update(dbt.run(servers, found))
    known = corpus.listed()
    differ = {key: ways for key, ways in answers.items() if corpus.differing(ways)}
    for key, ways in differ.items():
        print(corpus.explain(key, ways))
    counts: collections.Counter[str] = collections.Counter(key.split("/")[0] for key in answers)
    differs: collections.Counter[str] = collections.Counter(key.split("/")[0] for key in differ)
    print(f"\n{'category':28} {'statements':>10} {'differ':>7}")
    for category in sorted(counts):
        print(f"{category:28} {counts[category]:10d} {differs[category]:7d}")
    print(f"{'all':28} {sum(counts.values()):10d} {len(differ):7d}")
    if arguments.update:
        kept = {key: reason for key, reason in known.items() if key not in answers}  # entries not run this time
        kept.update({key: known.get(key) or corpus.summary(ways) for key, ways in differ.items()})
        corpus.write(kept)
        print(f"wrote {corpus.DIFFERENCES} ({len(kept)} differences)")
        return 0
    unlisted = [key for key in differ if key not in known]
    agreeing = [key for key in answers if key in known and key not in differ]
    for key in unlisted:
        print(f"differs and is not listed: {key}")
    for key in agreeing:
        print(f"listed but agrees now: {key}")
    return 1 if unlisted or agreeing else 0


if __name__ == "__main__":
    sys.exit(main())
