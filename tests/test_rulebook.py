"""The rule book, checked by machine: random sequences of SQL through ``connector.connect`` against a model.

A hypothesis state machine sends valid and invalid INSERT / UPDATE / DELETE statements on Assets and AssetTypes
(registration with fields missing, rate and life switched right and wrong, disposal attempts, duplicate numbers in
any case, writes and reads in other tenants, commits and rollbacks) and, after every step, compares every row the
connection can see with :mod:`tests.rulebook_model`, a plain-Python reading of the README's rules. A statement the
rules refuse must fail with one of the errors the model allows and change nothing; one they allow must succeed
and change exactly what the model says.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import connector
from tests import rulebook_model as rules
from tests.rulebook_model import (
    AVERAGING_METHOD,
    DESCRIPTION,
    LIFE,
    METHOD,
    NAME,
    NUMBER,
    PRICE,
    PURCHASE_DATE,
    RATE,
    START_DATE,
    STATUS,
    TYPE,
    TYPE_NAME,
    Refused,
)

PENDING = "the row being inserted"

# -- values: some right, some wrong, many colliding -------------------------------------------------------------


def mostly(right: list[Any], wrong: list[Any]) -> st.SearchStrategy[Any]:
    """Values, right three times in four, so that long sequences of accepted writes happen too."""
    return st.one_of(st.sampled_from(right), st.sampled_from(right), st.sampled_from(right), st.sampled_from(wrong))


numbers = st.sampled_from(["FA-0001", "fa-0002", "FA-0003", "Van-1", "VAN-1", "X"])
names = mostly(["Corporate van", "Laptop", "Desk"], ["", "   ", None])
prices = mostly([Decimal("0"), Decimal("32500.00"), Decimal("1999.99")], [Decimal("-1.00"), Decimal("1.005")])
dates = mostly([dt.date(2025, 1, 15), "2024-07-01"], ["2025-02-30", "15/01/2025"])
methods = mostly(["StraightLine", "diminishingvalue150", "NoDepreciation", "FULLDEPRECIATION"], ["Sideways"])
averaging = mostly(["FullMonth", "actualdays"], ["Sometimes"])
rates = mostly([12, 0.12, 100], [0, 100.5, -3])
lives = mostly([5, 1], [0, 2.5, -1])
registered = st.sampled_from(["Registered", "REGISTERED", "registered"])
disposals = st.sampled_from(
    [
        {STATUS: "Disposed"},
        {STATUS: "DISPOSED"},
        {"DisposalDate": dt.date(2025, 6, 30)},
        {"DisposalPrice": Decimal("100.00")},
        {"BookDepreciationDetail_CurrentCapitalGain": Decimal("5.00")},
        {"BookDepreciationDetail_CurrentGainLoss": Decimal("-5.00")},
    ]
)
type_names = mostly(["Vehicles", "VEHICLES", "Computers", "Furniture"], ["", None])


def setting_values(data: st.DataObject, *, nullable: bool) -> dict[str, Any]:
    """Some of a depreciation setting: method, averaging, and a rate or a life (or, wrongly, both)."""
    maybe = (lambda s: st.one_of(st.none(), s)) if nullable else (lambda s: s)
    fields = data.draw(st.sets(st.sampled_from([METHOD, AVERAGING_METHOD, RATE, LIFE])))
    strategies = {METHOD: methods, AVERAGING_METHOD: averaging, RATE: rates, LIFE: lives}
    return {column: data.draw(maybe(strategies[column])) for column in sorted(fields)}


class RuleBook(RuleBasedStateMachine):
    """One register file, one connection limited to two of its three tenants, and the model beside it."""

    @initialize()
    def open_register(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="rulebook-"))
        self.path = str(self.folder / "register.db")
        setup = connector.connect(self.path, tenant="Acme Ltd")
        setup.execute("INSERT INTO Tenants (Name) VALUES ('Beta Pty'), ('Gamma Inc')")
        ids = dict(setup.execute("SELECT Name, TenantId FROM Tenants"))
        self.acme, self.beta, self.gamma = ids["Acme Ltd"], ids["Beta Pty"], ids["Gamma Inc"]
        setup.execute("INSERT INTO AssetTypes (AssetTypeName, TenantId) VALUES ('Vehicles', ?)", (self.gamma,))
        setup.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, TenantId) VALUES ('Gamma van', 'FA-0001', ?)", (self.gamma,)
        )
        setup.commit()
        self.gamma_rows = self.rows_of(setup, self.gamma)
        setup.close()
        self.con = connector.connect(self.path, tenant="Acme Ltd", tenants=["Acme Ltd", "Beta Pty"])
        self.current = self.acme
        self.model = rules.Register(sequences={self.acme: "0001", self.beta: "0001"})
        plant = {TYPE_NAME: "Plant", METHOD: "StraightLine", AVERAGING_METHOD: "FullMonth", RATE: None, LIFE: 10}
        for tenant in (self.acme, self.beta):
            sql = (
                f"INSERT INTO AssetTypes ({', '.join(plant)}, TenantId) VALUES (?, ?, ?, ?, ?, ?) RETURNING AssetTypeId"
            )
            (type_id,) = self.con.execute(sql, (*plant.values(), tenant)).fetchone()
            self.model.insert_type(tenant, type_id, plant)
        self.con.commit()
        self.committed = self.model.copy()

    def teardown(self) -> None:
        if not hasattr(self, "con"):
            return
        self.con.close()
        everyone = connector.connect(self.path)
        try:
            assert self.rows_of(everyone, self.gamma) == self.gamma_rows, "a tenant out of reach was changed"
        finally:
            everyone.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------------------------------

    def write(self, sql: str, parameters: Any, change, many: bool = False) -> list[tuple[Any, ...]] | None:
        """Run a write (``many``: by executemany, ``parameters`` being its sets); ``change`` applies it to a copy of
        the model or raises Refused. The rows it returned, or None when it was (rightly) refused."""
        expected = self.model.copy()
        try:
            change(expected)
            refused = None
        except Refused as error:
            refused = error
        try:
            cursor = self.con.executemany(sql, parameters) if many else self.con.execute(sql, parameters)
            returned = cursor.fetchall() if cursor.description else []
        except connector.Error as error:
            assert refused is not None, f"{sql} {parameters}: the rules allow it, yet: {type(error).__name__}: {error}"
            assert type(error) in refused.errors, (
                f"{sql} {parameters}: {type(error).__name__}: {error}; the rules call for one of {refused}"
            )
            event(f"{sql.split()[0]} refused: {type(error).__name__}")
            return None
        event(f"{sql.split()[0]} accepted")
        assert refused is None, f"{sql} {parameters}: the rules refuse it ({refused}), yet it was accepted"
        self.model = expected
        return returned

    def tenant_of_choice(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from([self.acme, self.beta]))

    def assets_of(self, tenant: str) -> list[str]:
        return [key for key, asset in self.model.assets.items() if asset.tenant == tenant]

    def pick_asset(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(list(self.model.assets)))

    def type_id(self, data: st.DataObject) -> str | None:
        """An AssetTypeId to write: one of this tenant's, another tenant's, one that does not exist, or NULL."""
        known = list(self.model.types)
        return data.draw(st.one_of(st.none(), st.just("no-such-type"), st.sampled_from(known or [None])))

    def registration_fields(self, data: st.DataObject) -> dict[str, Any]:
        """Some of the fields registration needs (a type, the dates, a price), and a depreciation setting."""
        written: dict[str, Any] = {}
        if data.draw(st.booleans()):
            written[TYPE] = self.type_id(data)
        for column, values in ((PURCHASE_DATE, dates), (PRICE, prices), (START_DATE, dates)):
            if data.draw(st.booleans()):
                written[column] = data.draw(values)
        written.update(setting_values(data, nullable=False))
        return written

    def update(self, asset_id: str, written: dict[str, Any]) -> None:
        columns = ", ".join(f"{column} = ?" for column in written)
        tenant = self.model.assets[asset_id].tenant
        self.write(
            f"UPDATE Assets SET {columns} WHERE AssetId = ? AND TenantId = ?",
            (*written.values(), asset_id, tenant),
            lambda model: model.update_assets([asset_id], written),
        )

    @staticmethod
    def rows_of(con: connector.Connection, tenant: str) -> dict[str, list[tuple[Any, ...]]]:
        assets = con.execute(
            f"SELECT AssetId, {', '.join(rules.ASSET_COLUMNS)} FROM Assets WHERE TenantId = ? ORDER BY AssetId",
            (tenant,),
        ).fetchall()
        types = con.execute(
            f"SELECT AssetTypeId, {', '.join(rules.TYPE_COLUMNS)}, Locks FROM AssetTypes WHERE TenantId = ? "
            "ORDER BY AssetTypeId",
            (tenant,),
        ).fetchall()
        return {"assets": assets, "types": types}

    def expected_rows(self, model: rules.Register, tenant: str) -> dict[str, list[tuple[Any, ...]]]:
        assets = [
            (key, *(model.assets[key].values[column] for column in rules.ASSET_COLUMNS))
            for key in sorted(k for k, a in model.assets.items() if a.tenant == tenant)
        ]
        types = [
            (key, *(model.types[key].values[column] for column in rules.TYPE_COLUMNS), model.locks(key))
            for key in sorted(k for k, t in model.types.items() if t.tenant == tenant)
        ]
        return {"assets": assets, "types": types}

    def matches(self, con: connector.Connection, model: rules.Register) -> None:
        for tenant in (self.acme, self.beta):
            assert self.rows_of(con, tenant) == self.expected_rows(model, tenant)
            sequence = con.execute("SELECT AssetNumberSequence FROM Settings WHERE TenantId = ?", (tenant,)).fetchone()
            assert sequence == (model.sequences[tenant],)

    # -- Assets ----------------------------------------------------------------------------------------------------

    @rule(data=st.data())
    def insert_asset(self, data: st.DataObject) -> None:
        tenant = self.tenant_of_choice(data)
        written: dict[str, Any] = {NAME: data.draw(names)}
        if data.draw(st.booleans()):
            written[NUMBER] = data.draw(numbers)
        written.update(self.registration_fields(data))
        status = data.draw(st.sampled_from([None, "Registered", "draft", "Disposed"]))
        if status is not None:
            written[STATUS] = status
        columns = [*written, "TenantId"]
        tenant_named = data.draw(st.sampled_from([tenant, "Beta Pty" if tenant == self.beta else "acme ltd"]))
        sql = f"INSERT INTO Assets ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) RETURNING AssetId"
        returned = self.write(
            sql, (*written.values(), tenant_named), lambda model: model.insert_asset(tenant, PENDING, written)
        )
        if returned is not None:
            ((asset_id,),) = returned
            self.model.assets[asset_id] = self.model.assets.pop(PENDING)

    @rule(data=st.data(), count=st.integers(2, 4), many=st.booleans())
    def insert_assets_at_once(self, data: st.DataObject, count: int, many: bool) -> None:
        """Several assets in one statement (VALUES (...), (...) or executemany): each row is judged as if the rows
        before it were written, a number an earlier row took included; one refused row refuses them all."""
        tenant = self.tenant_of_choice(data)
        columns = [NAME, *sorted(data.draw(st.sets(st.sampled_from([NUMBER, STATUS, TYPE, PURCHASE_DATE, PRICE]))))]
        if STATUS in columns:
            columns += [START_DATE, METHOD, AVERAGING_METHOD, RATE]
        draws = {
            NAME: names,
            NUMBER: numbers,
            STATUS: st.sampled_from(["Registered", "draft", "Disposed"]),
            PURCHASE_DATE: dates,
            PRICE: prices,
            START_DATE: dates,
            METHOD: methods,
            AVERAGING_METHOD: averaging,
            RATE: st.one_of(st.none(), rates),
        }
        rows = [
            {column: self.type_id(data) if column == TYPE else data.draw(draws[column]) for column in columns}
            for _ in range(count)
        ]
        pending = [f"{PENDING} {index}" for index in range(count)]

        def change(model: rules.Register) -> None:
            for key, written in zip(pending, rows):
                model.insert_asset(tenant, key, written)

        head = f"INSERT INTO Assets ({', '.join(columns)}, TenantId)"
        marks = f"({', '.join('?' * (len(columns) + 1))})"
        if many:
            sets = [(*written.values(), tenant) for written in rows]
            returned = self.write(f"{head} VALUES {marks}", sets, change, many=True)
            if returned is not None:  # executemany returns no rows: find each asset by the number it was given
                returned = [
                    self.con.execute(
                        "SELECT AssetId FROM Assets WHERE TenantId = ? AND AssetNumber = ?",
                        (tenant, self.model.assets[key].values[NUMBER]),
                    ).fetchone()
                    for key in pending
                ]
        else:
            values = [value for written in rows for value in (*written.values(), tenant)]
            returned = self.write(f"{head} VALUES {', '.join([marks] * count)} RETURNING AssetId", values, change)
        event(f"assets at once {'accepted' if returned is not None else 'refused'}")
        if returned is not None:
            for key, (asset_id,) in zip(pending, returned):
                self.model.assets[asset_id] = self.model.assets.pop(key)

    @rule(data=st.data())
    def insert_or_ignore_a_number(self, data: st.DataObject) -> None:
        number = data.draw(numbers)

        def change(model: rules.Register) -> None:
            if number.casefold() not in model.numbers(self.current):
                model.insert_asset(self.current, PENDING, {NAME: "Ignored maybe", NUMBER: number})

        returned = self.write(
            "INSERT OR IGNORE INTO Assets (AssetName, AssetNumber) VALUES ('Ignored maybe', ?) RETURNING AssetId",
            (number,),
            change,
        )
        if returned:
            ((asset_id,),) = returned
            self.model.assets[asset_id] = self.model.assets.pop(PENDING)

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def set_fields(self, data: st.DataObject) -> None:
        asset_id = self.pick_asset(data)
        choices = {
            NAME: names,
            NUMBER: numbers,
            PURCHASE_DATE: st.one_of(st.none(), dates),
            PRICE: st.one_of(st.none(), prices),
            START_DATE: st.one_of(st.none(), dates),
        }
        columns = data.draw(st.sets(st.sampled_from(sorted([*choices, TYPE])), min_size=1))
        written = {
            column: self.type_id(data) if column == TYPE else data.draw(choices[column]) for column in sorted(columns)
        }
        written.update(setting_values(data, nullable=True))
        self.update(asset_id, written)

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data(), switch=st.sampled_from(["rate", "life", "to rate", "to life", "both", "neither"]))
    def rate_or_life(self, data: st.DataObject, switch: str) -> None:
        rate, life = data.draw(rates), data.draw(lives)
        written = {
            "rate": {RATE: rate},
            "life": {LIFE: life},
            "to rate": {RATE: rate, LIFE: None},
            "to life": {LIFE: life, RATE: None},
            "both": {RATE: rate, LIFE: life},
            "neither": {RATE: None, LIFE: None},
        }[switch]
        self.update(self.pick_asset(data), written)

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def register(self, data: st.DataObject) -> None:
        asset_id = self.pick_asset(data)
        written: dict[str, Any] = {STATUS: data.draw(registered)}
        written.update(self.registration_fields(data))
        self.update(asset_id, written)
        event(f"registration {'done' if self.model.assets[asset_id].values[STATUS] == 'Registered' else 'refused'}")

    @precondition(
        lambda self: any(
            asset.tenant == t.tenant for asset in self.model.assets.values() for t in self.model.types.values()
        )
    )
    @rule(data=st.data(), own_setting=st.booleans(), and_register=st.booleans())
    def get_ready_to_register(self, data: st.DataObject, own_setting: bool, and_register: bool) -> None:
        """Everything registration needs, from the asset type or the asset's own setting; perhaps registering in
        the same statement."""
        asset_id = data.draw(
            st.sampled_from(
                [
                    key
                    for key, asset in self.model.assets.items()
                    if any(t.tenant == asset.tenant for t in self.model.types.values())
                ]
            )
        )
        tenant = self.model.assets[asset_id].tenant
        type_id = data.draw(st.sampled_from([key for key, t in self.model.types.items() if t.tenant == tenant]))
        written: dict[str, Any] = {
            TYPE: type_id,
            PURCHASE_DATE: "2025-01-15",
            PRICE: Decimal("32500.00"),
            START_DATE: dt.date(2025, 1, 15),
        }
        if own_setting:
            written |= {METHOD: "StraightLine", AVERAGING_METHOD: "FullMonth", LIFE: 5, RATE: None}
        if and_register:
            written[STATUS] = "Registered"
        self.update(asset_id, written)
        event(f"registration {'done' if self.model.assets[asset_id].values[STATUS] == 'Registered' else 'refused'}")

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data(), status=st.sampled_from(["Draft", "DRAFT"]))
    def back_to_draft(self, data: st.DataObject, status: str) -> None:
        self.update(self.pick_asset(data), {STATUS: status})

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data(), disposal=disposals)
    def dispose(self, data: st.DataObject, disposal: dict[str, Any]) -> None:
        self.update(self.pick_asset(data), disposal)

    @rule(rate=st.sampled_from([10, 150]), switching=st.booleans())
    def one_rate_for_every_asset(self, rate: int, switching: bool) -> None:
        """A multi-row UPDATE: any row that cannot take it refuses the whole statement."""
        written = {RATE: rate, LIFE: None} if switching else {RATE: rate}
        columns = ", ".join(f"{column} = ?" for column in written)
        targets = self.assets_of(self.current)
        self.write(
            f"UPDATE Assets SET {columns}", tuple(written.values()), lambda model: model.update_assets(targets, written)
        )

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def delete_assets(self, data: st.DataObject) -> None:
        tenant = self.tenant_of_choice(data)
        known = self.assets_of(tenant)
        chosen = data.draw(st.lists(st.sampled_from(known), min_size=1, unique=True)) if known else []
        marks = ", ".join("?" * len(chosen)) or "NULL"
        self.write(
            f"DELETE FROM Assets WHERE AssetId IN ({marks}) AND TenantId = ?",
            (*chosen, tenant),
            lambda model: model.delete_assets(chosen),
        )

    # -- AssetTypes ------------------------------------------------------------------------------------------------

    @rule(data=st.data(), name=type_names)
    def insert_asset_type(self, data: st.DataObject, name: str) -> None:
        tenant = self.tenant_of_choice(data)
        written = {TYPE_NAME: name, **setting_values(data, nullable=False)}
        columns = [*written, "TenantId"]
        sql = (
            f"INSERT INTO AssetTypes ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            "RETURNING AssetTypeId"
        )
        returned = self.write(
            sql, (*written.values(), tenant), lambda model: model.insert_type(tenant, PENDING, written)
        )
        if returned is not None:
            ((type_id,),) = returned
            self.model.types[type_id] = self.model.types.pop(PENDING)

    @rule(data=st.data(), names_given=st.lists(type_names, min_size=2, max_size=4))
    def insert_asset_types_at_once(self, data: st.DataObject, names_given: list[str]) -> None:
        """Several asset types by one executemany: a name an earlier row took is taken; all or none."""
        tenant = self.tenant_of_choice(data)
        rows = [{TYPE_NAME: name, METHOD: data.draw(methods), LIFE: data.draw(lives)} for name in names_given]
        pending = [f"{PENDING} {index}" for index in range(len(rows))]

        def change(model: rules.Register) -> None:
            for key, written in zip(pending, rows):
                model.insert_type(tenant, key, written)

        sql = f"INSERT INTO AssetTypes ({TYPE_NAME}, {METHOD}, {LIFE}, TenantId) VALUES (?, ?, ?, ?)"
        accepted = self.write(sql, [(*written.values(), tenant) for written in rows], change, many=True) is not None
        event(f"asset types at once {'accepted' if accepted else 'refused'}")
        if accepted:
            for key, written in zip(pending, rows):
                (type_id,) = self.con.execute(
                    f"SELECT AssetTypeId FROM AssetTypes WHERE TenantId = ? AND {TYPE_NAME} = ?",
                    (tenant, written[TYPE_NAME]),
                ).fetchone()
                self.model.types[type_id] = self.model.types.pop(key)

    @precondition(lambda self: self.model.types)
    @rule(data=st.data())
    def delete_asset_type(self, data: st.DataObject) -> None:
        type_id = data.draw(st.sampled_from(list(self.model.types)))
        tenant = self.model.types[type_id].tenant
        self.write(
            "DELETE FROM AssetTypes WHERE AssetTypeId = ? AND TenantId = ?",
            (type_id, tenant),
            lambda model: model.delete_type(type_id),
        )

    # -- tenants ---------------------------------------------------------------------------------------------------

    @rule(name=st.sampled_from(["Acme Ltd", "BETA PTY"]))
    def switch_tenant(self, name: str) -> None:
        self.con.tenant = name
        self.current = self.acme if name == "Acme Ltd" else self.beta

    @rule(how=st.sampled_from(["select", "insert", "update", "switch"]))
    def reach_for_a_tenant_out_of_reach(self, how: str) -> None:
        statements = {
            "select": ("SELECT * FROM Assets WHERE TenantId = ?", (self.gamma,)),
            "insert": ("INSERT INTO Assets (AssetName, TenantId) VALUES ('Sneaky', ?)", ("Gamma Inc",)),
            "update": ("UPDATE Assets SET AssetName = 'Sneaky' WHERE TenantId = ?", (self.gamma,)),
        }
        try:
            if how == "switch":
                self.con.tenant = "Gamma Inc"
            else:
                self.con.execute(*statements[how]).fetchall()
        except connector.ProgrammingError:
            return
        raise AssertionError(f"{how} reached a tenant the connection may not use")

    @precondition(lambda self: any(asset.tenant != self.current for asset in self.model.assets.values()))
    @rule(data=st.data())
    def update_another_tenants_asset_without_naming_it(self, data: st.DataObject) -> None:
        others = [key for key, asset in self.model.assets.items() if asset.tenant != self.current]
        asset_id = data.draw(st.sampled_from(others))
        cursor = self.con.execute("UPDATE Assets SET Description = 'moved' WHERE AssetId = ?", (asset_id,))
        assert cursor.rowcount == 0

    # -- transactions ----------------------------------------------------------------------------------------------

    @rule()
    def commit(self) -> None:
        self.con.commit()
        self.committed = self.model.copy()
        other = connector.connect(self.path, tenant="Acme Ltd")
        try:
            self.matches(other, self.committed)
        finally:
            other.close()

    @rule()
    def rollback(self) -> None:
        self.con.rollback()
        self.model = self.committed.copy()

    # -- after every step ------------------------------------------------------------------------------------------

    @invariant()
    def the_register_is_what_the_rules_say(self) -> None:
        self.matches(self.con, self.model)

    @invariant()
    def the_documented_invariants_hold(self) -> None:
        rows = self.con.execute(
            f"SELECT TenantId, {NUMBER}, {STATUS}, {RATE}, {LIFE}, {DESCRIPTION} FROM Assets WHERE TenantId IN (?, ?)",
            (self.acme, self.beta),
        ).fetchall()
        numbers_seen = [(tenant, number.casefold()) for tenant, number, *_ in rows]
        assert len(numbers_seen) == len(set(numbers_seen)), "an AssetNumber is taken twice in a tenant"
        assert all(status in ("Draft", "Registered") for _, _, status, *_ in rows), "a Disposed asset"
        assert not any(rate is not None and life is not None for *_, rate, life, _ in rows), "both rate and life"
        assert all(description != "moved" for *_, description in rows), "a row of another tenant was changed"
        unfiltered = {tenant for (tenant,) in self.con.execute("SELECT TenantId FROM Assets")}
        assert unfiltered <= {self.current}, "a query without TenantId saw another tenant's rows"
        visible = {tenant for (tenant,) in self.con.execute("SELECT TenantId FROM Tenants")}
        assert visible == {self.acme, self.beta}


#: CONNECTOR_RULEBOOK_EXAMPLES=2000 searches longer.
RuleBook.TestCase.settings = settings(
    max_examples=int(os.environ.get("CONNECTOR_RULEBOOK_EXAMPLES", "100")),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_the_rule_book = RuleBook.TestCase
