// node-postgres against the bridge: typed parameters (a JS Date among them), transactions, statement_timeout.
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
  console.log(JSON.stringify(out));
}

main().catch((error) => { console.error(error); process.exit(1); });
