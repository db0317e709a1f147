-- Binary results: every computed value goes out in the format and width its description says.

-- name: min_purchase_date
SELECT min("PurchaseDate") AS first FROM "Assets";

-- name: max_warranty_date
SELECT max("WarrantyExpiryDate") FROM "Assets";

-- name: leap_day_literal
SELECT '2024-02-29'::date AS leap;

-- name: date_trunc_month_of_date
SELECT date_trunc('month', "PurchaseDate") AS month FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: date_trunc_month_group
SELECT date_trunc('month', "PurchaseDate") AS month, count(*) FROM "Assets" WHERE "PurchaseDate" IS NOT NULL GROUP BY 1 ORDER BY 1;

-- name: date_trunc_timestamp
SELECT date_trunc('day', '2025-07-01 13:14:15'::timestamp) AS day;

-- name: date_trunc_timestamptz
SELECT date_trunc('year', '2025-07-01 13:14:15+00'::timestamptz) AS year;

-- name: timestamp_plus_interval
SELECT '2025-01-31 00:00'::timestamp + interval '1 month' AS t;

-- name: date_plus_interval
SELECT "PurchaseDate" + interval '1 year' AS anniversary FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: date_minus_interval_days
SELECT '2025-03-01'::date - interval '1 day' AS t;

-- name: interval_multiply
SELECT interval '1 day' * 3 AS three_days;

-- name: interval_justify
SELECT justify_days(interval '45 days') AS j;

-- name: extract_year
SELECT extract(year FROM "PurchaseDate") AS y FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: extract_epoch
SELECT extract(epoch FROM '2025-01-01 00:00:00+00'::timestamptz) AS e;

-- name: extract_fields_numeric
SELECT extract(second FROM '2025-07-01 10:30:01.5'::timestamp) AS s, extract(epoch FROM '2025-01-01'::date) AS d,
  extract(milliseconds FROM '2025-07-01 10:30:01.5'::timestamp) AS ms, extract(year FROM '2025-07-01'::date) AS y,
  extract(epoch FROM interval '1 day') AS i, extract(microseconds FROM '2025-07-01 10:30:01.5'::timestamp) AS us;

-- name: date_part_month
SELECT date_part('month', '2025-07-01'::date) AS m;

-- name: date_part_fields
SELECT date_part('epoch', '2025-01-01 00:00:00+00'::timestamptz) AS e, date_part('dow', '2025-07-01'::date) AS d,
  date_part('year', '2025-07-01 10:00'::timestamp) AS y, date_part('hour', '2025-07-01 10:30'::timestamp) AS h;

-- name: make_date
SELECT make_date(2025, 7, 1) AS d;

-- name: current_date_type
SELECT pg_typeof(current_date)::text AS t, current_date = current_date AS same;

-- name: to_char_date
SELECT to_char("PurchaseDate", 'YYYY-MM') AS ym FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: coalesce_dates
SELECT coalesce("WarrantyExpiryDate", "PurchaseDate") AS d FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY "AssetNumber";

-- name: case_date
SELECT CASE WHEN "PurchasePrice" > 1000 THEN "PurchaseDate" END AS d FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY "AssetNumber";

-- name: greatest_date
SELECT greatest("PurchaseDate", '2025-01-01'::date) AS d FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: generate_series_int
SELECT * FROM generate_series(1, 3) AS g;

-- name: generate_series_dates
SELECT g::date AS d FROM generate_series('2025-01-01'::date, '2025-03-01'::date, interval '1 month') AS g;

-- name: generate_series_timestamps
SELECT * FROM generate_series('2025-01-01 00:00'::timestamp, '2025-01-01 02:00'::timestamp, interval '1 hour') AS g;

-- name: unnest_ints
SELECT unnest(ARRAY[3, 1, 2]) AS x ORDER BY 1;

-- name: unnest_dates
SELECT unnest(ARRAY['2025-01-01'::date, '2024-02-29'::date]) AS d ORDER BY 1;

-- name: array_length
SELECT array_length(ARRAY[1, 2, 3], 1) AS n;

-- name: string_agg
SELECT string_agg("AssetNumber", ',' ORDER BY "AssetNumber") FROM "Assets";

-- name: bool_and_or
SELECT bool_and("CanRollBack") AS a, bool_or("CanRollBack") AS o FROM "Assets";

-- name: sum_money
SELECT sum("PurchasePrice") AS total FROM "Assets";

-- name: avg_money
SELECT avg("PurchasePrice") AS mean FROM "Assets" WHERE "AssetStatus" = 'Registered';

-- name: money_times_int
SELECT "PurchasePrice" * 2 AS twice FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: money_divided
SELECT "PurchasePrice" / 3 AS third FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: round_money
SELECT round("PurchasePrice" / 3, 2) AS third FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: count_filter
SELECT count(*) FILTER (WHERE "AssetStatus" = 'Draft') AS drafts FROM "Assets";

-- name: length_of_text
SELECT length("AssetName") AS n FROM "Assets" WHERE "AssetNumber" = 'FA-0101';

-- name: int_division
SELECT 7 / 2 AS q, 7 % 2 AS r, -7 / 2 AS nq;

-- name: cast_text_to_int
SELECT '42'::int AS i, '42'::bigint AS b, '42'::smallint AS s;

-- name: cast_int_to_text
SELECT 42::text AS t;

-- name: window_row_number
SELECT "AssetNumber", row_number() OVER (ORDER BY "PurchaseDate", "AssetNumber") AS n FROM "Assets" WHERE "PurchaseDate" IS NOT NULL ORDER BY 2;

-- name: window_sum
SELECT "AssetNumber", sum("PurchasePrice") OVER (ORDER BY "AssetNumber") AS running FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1;

-- name: lag_date
SELECT "AssetNumber", lag("PurchaseDate") OVER (ORDER BY "AssetNumber") AS before FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1;
