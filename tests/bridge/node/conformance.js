// node-postgres against the bridge: typed parameters (a JS Date among them), transactions, statement_timeout
// from the client's config enforced.
// Prints one JSON object with every answer; tests/bridge/test_node.py checks it against the register's rows.
const { Client } = require("pg");

async function main() {
  const [port, van, vanDate] = process.argv.slice(2);
  const client = new Client({
    host: "127.0.0.1", port: Number(port), database: "register", user: "tester", statement_timeout: 30000,
  });
  await client.connect();
  const out = {};
  const numbers = (result) => result.rows.map((row) => row.AssetNumber);
  const select = 'SELECT "AssetNumber" FROM "Assets" WHERE ';
  out.text = numbers(await client.query(select + '"AssetNumber" = $1', [van]));
  out.jsDate = numbers(await client.query(select + '"PurchaseDate" = $1', [new Date(vanDate + "T00:00:00Z")]));
  out.jsDateFrom = numbers(await client.query(select + '"PurchaseDate" >= $1', [new Date(vanDate + "T00:00:00Z")]));
  out.number = numbers(await client.query(select + '"PurchasePrice" > $1 ORDER BY 1', [1000.5]));
  out.integer = numbers(await client.query(select + '"BookDepreciationSetting_EffectiveLifeYears" = $1', [5]));
  out.boolean = numbers(await client.query(select + '"CanRollBack" = $1 ORDER BY 1', [false]));
  const sum = await client.query('SELECT SUM("PurchasePrice") AS total, MIN("PurchaseDate") AS first FROM "Assets"');
  out.sum = sum.rows[0].total;
  out.sumType = sum.fields[0].dataTypeID;
  out.firstDateType = sum.fields[1].dataTypeID;

  await client.query("BEGIN");
  await client.query('INSERT INTO "Assets" ("AssetName", "AssetNumber", "PurchaseDate") VALUES ($1, $2, $3)',
    ["Rolled back", "NJ-0001", new Date("2024-07-01T00:00:00Z")]);
  out.insideTransaction = numbers(await client.query(select + '"AssetNumber" LIKE $1', ["NJ-%"]));
  await client.query("ROLLBACK");
  out.afterRollback = numbers(await client.query(select + '"AssetNumber" LIKE $1', ["NJ-%"]));
  await client.query("BEGIN");
  await client.query('INSERT INTO "Assets" ("AssetName", "AssetNumber", "PurchaseDate", "PurchasePrice") VALUES ($1, $2, $3, $4)',
    ["Committed", "NJ-0002", new Date("2024-07-02T00:00:00Z"), "10.10"]);
  await client.query("COMMIT");
  try {
    await client.query('UPDATE "Assets" SET "AssetStatus" = $1 WHERE "AssetNumber" = $2', ["Disposed", van]);
    out.disposal = "accepted";
  } catch (error) {
    out.disposal = error.code;
  }
  await client.end();

  // statement_timeout given in the client's config (node-postgres sends it in the startup packet): a statement
  // that would run for ever is cancelled with 57014, and the session goes on (query_timeout, the client's own
  // limit, only keeps this script from waiting for ever should the server not cancel it)
  const hurried = new Client({
    host: "127.0.0.1", port: Number(port), database: "register", user: "tester", statement_timeout: 300,
    query_timeout: 10000,
  });
  await hurried.connect();
  out.timeoutShown = (await hurried.query("SHOW statement_timeout")).rows[0].statement_timeout;
  const started = Date.now();
  try {
    await hurried.query("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n");
    out.timeoutCode = "finished";
  } catch (error) {
    out.timeoutCode = error.code || error.message;
  }
  out.timeoutAfterMs = Date.now() - started;
  if (out.timeoutCode === "57014") {
    out.afterTimeout = (await hurried.query("SELECT count(*)::int AS n FROM \"Assets\"")).rows[0].n;
  }
  await hurried.end();
  console.log(JSON.stringify(out));
}

main().catch((error) => { console.error(error); process.exit(1); });
