"""The child process of the crash test: writes units of work to a register until it is killed.

Run as ``python crash_writer.py REGISTER SEED FIRST_UNIT``. Before a unit starts it prints ``begin <unit> <kind>``;
once the unit is committed (the call that commits it has returned) it prints ``committed <unit> <kind>``. The
parent kills it at a random moment and checks the file against what was reported.

Every row a unit inserts has ``Description = 'U<unit>'``; :data:`ROWS` says how many rows each kind leaves.
"""

from __future__ import annotations

import random
import sys

import connector

#: How many rows with Description 'U<unit>' a committed unit of each kind leaves behind.
ROWS = {
    "single": 1,
    "multi_row": 3,
    "executemany": 4,
    "autocommit": 1,
    "explicit": 2,
    "generated": 2,
    "transfer": 0,
    "revise": 0,
}
#: The assets every unit of kind 'revise' rewrites in one statement, and the two a 'transfer' moves money between.
REVISED = ("K-1", "K-2", "K-3", "K-4", "K-5")
FROM_ASSET, TO_ASSET = "T-FROM", "T-TO"


def insert_sql(rows: int) -> str:
    return "INSERT INTO Assets (AssetName, AssetNumber, Description) VALUES " + ", ".join(["(?, ?, ?)"] * rows)


def numbered(unit: int, rows: int) -> list[tuple[str, str, str]]:
    return [(f"Asset {unit}.{n}", f"U{unit}-{n}", f"U{unit}") for n in range(1, rows + 1)]


def run_unit(kind: str, unit: int, pep: connector.Connection, auto: connector.Connection) -> None:
    """One unit of work, committed when this returns. ``pep`` follows PEP 249; ``auto`` is in autocommit mode."""
    tag = f"U{unit}"
    if kind == "single":
        pep.execute(insert_sql(1), numbered(unit, 1)[0])
        pep.commit()
    elif kind == "multi_row":
        pep.execute(insert_sql(3), [value for row in numbered(unit, 3) for value in row])
        pep.commit()
    elif kind == "executemany":
        pep.executemany(insert_sql(1), numbered(unit, 4))
        pep.commit()
    elif kind == "autocommit":
        auto.execute(insert_sql(1), numbered(unit, 1)[0])
    elif kind == "explicit":
        auto.execute("BEGIN")
        first, second = numbered(unit, 2)
        auto.execute(insert_sql(1), first)
        auto.execute("UPDATE Assets SET PurchasePrice = PurchasePrice - 1 WHERE AssetNumber = ?", (FROM_ASSET,))
        auto.execute(insert_sql(1), second)
        auto.execute("UPDATE Assets SET PurchasePrice = PurchasePrice + 1 WHERE AssetNumber = ?", (TO_ASSET,))
        auto.execute("COMMIT")
    elif kind == "generated":
        pep.execute("INSERT INTO Assets (AssetName, Description) VALUES (?, ?), (?, ?)", ("g1", tag, "g2", tag))
        pep.commit()
    elif kind == "transfer":
        pep.execute("UPDATE Assets SET PurchasePrice = PurchasePrice - 1 WHERE AssetNumber = ?", (FROM_ASSET,))
        pep.execute("UPDATE Assets SET PurchasePrice = PurchasePrice + 1 WHERE AssetNumber = ?", (TO_ASSET,))
        pep.commit()
    elif kind == "revise":
        auto.execute("UPDATE Assets SET Description = ? WHERE AssetNumber LIKE 'K-%'", (f"rev{unit}",))
    else:
        raise ValueError(kind)


def main(path: str, seed: int, first_unit: int) -> None:
    chooser = random.Random(seed)
    pep = connector.connect(path, timeout=30)
    auto = connector.connect(path, autocommit=True, timeout=30)
    print("ready", flush=True)
    kinds = sorted(ROWS)
    unit = first_unit
    while True:
        kind = chooser.choice(kinds)
        print(f"begin {unit} {kind}", flush=True)
        run_unit(kind, unit, pep, auto)
        print(f"committed {unit} {kind}", flush=True)
        unit += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
