"""Tenants never see each other's rows: a connection works in its tenant, may name another it is allowed, and no
other."""

import pytest

import connector


@pytest.fixture
def two_tenants(path):
    con = connector.connect(str(path), tenant="Acme Ltd", autocommit=True)
    con.execute("INSERT INTO Tenants (Name) VALUES ('Globex')")
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Acme van', 'FA-0001')")
    globex = con.execute("SELECT TenantId FROM Tenants WHERE Name = 'Globex'").fetchone()[0]
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, TenantId) VALUES ('Globex van', 'FA-0001', ?)", (globex,))
    acme = con.tenant
    con.close()
    return acme, globex


def names(con, sql="SELECT AssetName FROM Assets ORDER BY AssetName", parameters=None):
    return [name for (name,) in con.execute(sql, parameters)]


def test_a_new_file_gets_one_tenant_named_as_asked(path):
    con = connector.connect(str(path), tenant="Acme Ltd")
    assert con.execute("SELECT Name, Type, IsActive FROM Tenants").fetchall() == [("Acme Ltd", "ORGANISATION", True)]
    assert connector.connect(str(path.with_name("other.db"))).execute("SELECT Name FROM Tenants").fetchall() == [
        ("Demo Company",)
    ]


def test_queries_see_the_current_tenant_and_may_name_another(path, two_tenants):
    acme, globex = two_tenants
    con = connector.connect(str(path))
    assert con.tenant == acme
    assert names(con) == ["Acme van"]
    assert names(con, "SELECT AssetName FROM Assets WHERE TenantId = ?", (globex,)) == ["Globex van"]
    assert names(con, "SELECT AssetName FROM Assets WHERE TenantId = 'globex'") == ["Globex van"]  # by name too
    assert names(con, "SELECT AssetName FROM Assets WHERE TenantId IN (?, ?) ORDER BY 1", (acme, globex)) == [
        "Acme van",
        "Globex van",
    ]
    con.tenant = "Globex"
    assert names(con) == ["Globex van"]
    assert con.execute("SELECT count(*) FROM Settings").fetchone() == (1,)


def test_numbers_are_unique_per_tenant_not_per_file(path, two_tenants):
    con = connector.connect(str(path), tenant="Globex")
    assert con.execute("SELECT AssetNumber FROM Assets").fetchall() == [("FA-0001",)]


def test_a_tenant_the_connection_may_not_use_is_refused_never_shown(path, two_tenants):
    acme, globex = two_tenants
    con = connector.connect(str(path), tenants=["Acme Ltd"])
    assert names(con, "SELECT Name FROM Tenants") == ["Acme Ltd"]
    outside = "tenant .* is not one of this connection's tenants"
    with pytest.raises(connector.ProgrammingError, match=outside):
        con.execute("SELECT * FROM Assets WHERE TenantId = ?", (globex,)).fetchall()
    with pytest.raises(connector.ProgrammingError, match=outside):
        con.execute("INSERT INTO Assets (AssetName, TenantId) VALUES ('sneaky', ?)", (globex,))
    with pytest.raises(connector.ProgrammingError, match=outside):
        con.execute("UPDATE Assets SET AssetName = 'x' WHERE TenantId = ?", (globex,))
    # a tenant that does not exist reads the same to a restricted connection: it learns nothing of the others
    with pytest.raises(connector.ProgrammingError, match=outside):
        con.execute("SELECT * FROM Assets WHERE TenantId = 'Initech'").fetchall()
    assert names(con, "SELECT AssetName FROM Assets WHERE TenantId <> ?", (acme,)) == []
    with pytest.raises(connector.ProgrammingError, match=outside):
        connector.connect(str(path), tenant="Globex", tenants=["Acme Ltd"])
    with pytest.raises(
        connector.ProgrammingError, match=r"no tenant 'Initech' in this register; .* INSERT INTO Tenants"
    ):
        connector.connect(str(path), tenant="Initech")
    other = connector.connect(str(path), tenant="Globex")
    assert names(other) == ["Globex van"]


def test_rows_cannot_move_between_tenants(path, two_tenants):
    acme, globex = two_tenants
    con = connector.connect(str(path))
    with pytest.raises(connector.IntegrityError, match="cannot move asset FA-0001 to another tenant"):
        con.execute("UPDATE Assets SET TenantId = ?", (globex,))
    assert names(con) == ["Acme van"]


def test_tenants_cannot_be_deleted(path, two_tenants):
    con = connector.connect(str(path))
    with pytest.raises(connector.NotSupportedError, match="set IsActive = false instead"):
        con.execute("DELETE FROM Tenants WHERE Name = 'Globex'")
    con.execute("UPDATE Tenants SET IsActive = 0 WHERE Name = 'Globex'")
    assert con.execute("SELECT Name, IsActive FROM Tenants ORDER BY Name").fetchall() == [
        ("Acme Ltd", True),
        ("Globex", False),
    ]
