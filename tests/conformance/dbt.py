"""dbt-postgres against both servers: `dbt debug`, `run` of a view, a table and an incremental model over "Assets"
(twice, so the incremental model's second run inserts into the first), `test`, `docs generate`. Each step's
exit status, each model's status in run_results.json and each model's rows must be PostgreSQL's, unless
differences.toml lists the step (dbt/<step>).

dbt pins versions of its dependencies that the project's type checker cannot share a virtual environment with, so
it lives in a virtual environment of its own: .ci/run makes `.ci-dbt`; elsewhere give its `dbt` with
ASSETS_SQL_DBT=/path/to/bin/dbt (or have one on PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg

from tests.conformance.drivers import outcome
from tests.conformance.servers import ROOT, Servers

STEPS = ("debug", "run", "run_again", "test", "docs_generate")
CHECKS = [f"dbt/{step}" for step in STEPS]
MODELS = ("assets_view", "assets_table", "assets_incremental")

PROJECT = """
name: register_models
version: "1.0"
config-version: 2
profile: register
model-paths: ["models"]
"""
FILES = {
    "assets_view.sql": """{{ config(materialized='view') }}
select "AssetNumber", "AssetName", "PurchasePrice", "PurchaseDate"
from "Assets" where "AssetStatus" = 'Registered'
""",
    "assets_table.sql": """{{ config(materialized='table') }}
select "AssetStatus", count(*) as assets, sum("PurchasePrice") as total, min("PurchaseDate") as first_purchase
from "Assets" group by 1
""",
    "assets_incremental.sql": """{{ config(materialized='incremental', unique_key='"AssetNumber"') }}
select "AssetNumber", "PurchaseDate", "PurchasePrice"
from "Assets" where "AssetNumber" is not null
{% if is_incremental() %}
  and "PurchaseDate" >= (select max("PurchaseDate") from {{ this }})
{% endif %}
""",
    "schema.yml": """
version: 2
models:
  - name: assets_view
    columns:
      - name: AssetNumber
        quote: true
        tests: [not_null, unique]
  - name: assets_table
    columns:
      - name: AssetStatus
        quote: true
        tests: [not_null, unique]
""",
}


def executable() -> str | None:
    given = os.environ.get("ASSETS_SQL_DBT")
    if given:
        return given
    local = ROOT / ".ci-dbt" / "bin" / "dbt"
    return str(local) if local.exists() else shutil.which("dbt")


def project(folder: Path, servers: Servers, side: str) -> Path:
    where = folder / f"dbt-{side}"
    (where / "models").mkdir(parents=True, exist_ok=True)
    (where / "dbt_project.yml").write_text(PROJECT)
    for name, text in FILES.items():
        (where / "models" / name).write_text(text)
    (where / "profiles.yml").write_text(
        "register:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: 127.0.0.1\n"
        f"      port: {servers.ports[side]}\n      user: tester\n      password: ''\n      dbname: register\n"
        "      schema: public\n      threads: 1\n      connect_timeout: 10\n"
    )
    return where


def step(dbt: str, where: Path, command: list[str]) -> dict[str, Any]:
    environment = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_VERSION_CHECK": "false",
        "DBT_PROFILES_DIR": str(where),
        "DBT_LOG_PATH": str(where / "logs"),
    }
    done = subprocess.run(
        [dbt, *command], cwd=where, env=environment, capture_output=True, text=True, timeout=300, check=False
    )
    answer: dict[str, Any] = {"exit": done.returncode}
    results = where / "target" / "run_results.json"
    if command[0] in ("run", "test") and results.exists():
        answer["nodes"] = sorted((r["unique_id"], r["status"]) for r in json.loads(results.read_text())["results"])
        results.unlink()
    return answer


def rows(servers: Servers, side: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    with psycopg.connect(servers.dsn(side), autocommit=True) as con:
        for model in MODELS:
            try:
                found[model] = con.execute(f"SELECT * FROM {model} ORDER BY 1").fetchall()
            except psycopg.Error as error:
                found[model] = f"SQLSTATE {error.sqlstate}"
    return found


def clean(servers: Servers, side: str) -> None:
    """Drop what dbt made (its models, and the __dbt_tmp and __dbt_backup relations a failed run leaves)."""
    with psycopg.connect(servers.dsn(side), autocommit=True) as con:
        made = con.execute(
            "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')"
        ).fetchall()
        # picked here, not by LIKE 'assets\_%': the bridge's LIKE has no backslash escape (like_backslash_escapes)
        for name, kind in [(name, kind) for name, kind in made if name.startswith("assets_")]:
            con.execute(f'DROP {"VIEW" if kind == "v" else "TABLE"} IF EXISTS "{name}"')


def run(servers: Servers, dbt: str) -> dict[str, dict[str, Any]]:
    """Each step's answer on each side, shaped as the corpus's: {"dbt/step": {"driver": {side: ...}}}. The two
    sides run at the same time, each in a project folder of its own."""
    answers: dict[str, dict[str, Any]] = {key: {"driver": {}} for key in CHECKS}
    commands = {"debug": ["debug"], "run": ["run"], "run_again": ["run"], "test": ["test"]}
    commands["docs_generate"] = ["docs", "generate"]
    folder = Path(tempfile.mkdtemp(prefix="conformance-dbt-"))

    def steps(side: str) -> None:
        where = project(folder, servers, side)
        try:
            for name, command in commands.items():

                def one(servers: Servers, side: str, command: list[str] = command, name: str = name) -> Any:
                    answer = step(dbt, where, command)
                    if name.startswith("run"):
                        answer["rows"] = rows(servers, side)
                    return answer

                answers[f"dbt/{name}"]["driver"][side] = outcome(one, servers, side)
        finally:
            clean(servers, side)

    try:
        with ThreadPoolExecutor(2) as pool:
            for done in [pool.submit(steps, side) for side in ("bridge", "postgres")]:
                done.result()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return answers
