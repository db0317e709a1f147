"""One of the processes of the two-process test: writes its share of the register in small transactions.

Run as ``python contender.py REGISTER NAME PEER ROUNDS``. It waits for a line on stdin (so both start together),
then, ROUNDS times, inserts an asset with a generated number and adds 1 to the shared counter asset in one
transaction. Then it commits a marker asset ``DONE-NAME`` and waits until it sees ``DONE-PEER``. It prints
``seen <n>`` (how many of the peer's assets it sees at the end) and exits 0; on any error it prints
``error <class> <message>`` and exits 1.
"""

from __future__ import annotations

import sys
import time

import connector

COUNTER = "COUNTER"
#: How long to wait for the peer's marker, in seconds: far more than the work takes.
PATIENCE = 60


def main(path: str, name: str, peer: str, rounds: int) -> int:
    con = connector.connect(path)  # the documented default timeout
    sys.stdin.readline()
    try:
        for number in range(rounds):
            with con:
                con.execute("INSERT INTO Assets (AssetName, Description) VALUES (?, ?)", (f"{name} {number}", name))
                con.execute("UPDATE Assets SET PurchasePrice = PurchasePrice + 1 WHERE AssetNumber = ?", (COUNTER,))
        with con:
            con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", (name, f"DONE-{name}"))
        deadline = time.monotonic() + PATIENCE
        while not con.execute("SELECT count(*) FROM Assets WHERE AssetNumber = ?", (f"DONE-{peer}",)).fetchone()[0]:
            if time.monotonic() > deadline:
                print(f"error Timeout never saw DONE-{peer}", flush=True)
                return 1
            time.sleep(0.01)
        seen = con.execute("SELECT count(*) FROM Assets WHERE Description = ?", (peer,)).fetchone()[0]
    except connector.Error as error:
        print(f"error {type(error).__name__} {error}", flush=True)
        return 1
    print(f"seen {seen}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
