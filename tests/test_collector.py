import gc

import pytest

import connector
from connector import collector


@pytest.fixture(autouse=True)
def restored():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_as_it_was_after():
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():  # a rollback inside a run: the outermost pause decides
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failure_inside_leaves_the_collector_as_it_was():
    gc.enable()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("a failure inside")
    assert gc.isenabled()
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()  # paused by its caller before: still paused


def test_a_run_and_its_rollback_leave_the_collector_on(path):
    con = connector.connect(str(path), autocommit=True)
    con.execute("UPDATE Settings SET AssetStartDate = '2024-01-01'")
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
        "VALUES ('Plant', 'StraightLine', 'FullMonth', 20)"
    )
    con.execute(
        "INSERT INTO Assets (AssetName, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, AssetStatus) "
        "SELECT 'Press', AssetTypeId, '2024-01-01', 1200, '2024-01-01', 'Registered' FROM AssetTypes"
    )
    gc.enable()
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-12-31')")
    assert gc.isenabled()
    con.execute("UPDATE Settings SET LastDepreciationDate = '2024-06-30'")
    assert gc.isenabled()
    assert con.execute("SELECT AccountingBookValue FROM Assets").fetchone()[0] == 1080
    con.close()
