-- Every type the bridge describes, in text and in binary: literals, casts and the register's own columns.

-- name: int2_literal
SELECT 7::smallint AS a, (-32768)::int2 AS b;

-- name: int4_literal
SELECT 2147483647 AS a, -1::integer AS b, 0::int4 AS c;

-- name: int8_literal
SELECT 3000000000::bigint AS big;

-- name: int8_plain_literal
SELECT 3000000000 AS big, -9223372036854775808 AS smallest;

-- name: integer_literal_bounds
SELECT -2147483648 AS a, 2147483648 AS b, -2147483649 AS c, 9223372036854775807 AS d, 9223372036854775808 AS e,
       -(2147483648) AS f, - 5 AS g, -9223372036854775809 AS h, -2147483648 + 0 AS i, 9223372036854775808 + 1 AS j;

-- name: int8_count
SELECT count(*) FROM "Assets";

-- name: int8_sum_of_int
SELECT sum(x) FROM (VALUES (1), (2), (2147483647)) v(x);

-- name: int8_arithmetic
SELECT 3000000000::bigint * 2 AS doubled, 9223372036854775807::bigint - 1 AS almost;

-- name: int8_overflow
SELECT 9223372036854775807::bigint + 1;

-- name: int4_overflow
SELECT 2147483647 + 1;

-- name: float4_literal
SELECT 1.5::real AS a, 0.1::float4 AS b;

-- name: float8_literal
SELECT 1.0::float8 AS one, 0.1::double precision AS tenth, 1e15::float8 AS big, 1e-7::float8 AS small;

-- name: float8_shortest
SELECT 0.1::float8 + 0.2::float8 AS sum, 1/3::float8 AS third, 1000000000000000.0::float8 AS e15;

-- name: float8_nan
SELECT 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, '-Infinity'::float8 AS ninf;

-- name: float8_column
SELECT "AssetTypeName", "BookDepreciationSetting_DepreciationRate" FROM "AssetTypes" ORDER BY 1;

-- name: numeric_literal
SELECT 1.50 AS a, 0.1::numeric AS b, 123.456::numeric(10,2) AS c;

-- name: numeric_money_column
SELECT "AssetNumber", "PurchasePrice" FROM "Assets" ORDER BY "AssetNumber" NULLS LAST;

-- name: numeric_nan
SELECT 'NaN'::numeric AS nan;

-- name: bool_literal
SELECT true AS t, false AS f, NULL::boolean AS n;

-- name: bool_column
SELECT "AssetNumber", "CanRollBack" FROM "Assets" ORDER BY "AssetNumber" NULLS LAST;

-- name: bool_expression
SELECT 1 < 2 AS lt, 'a' = 'b' AS eq, NOT true AS neg;

-- name: text_literal
SELECT 'text' AS a, 'ünï'::text AS b, ''::text AS empty;

-- name: varchar_literal
SELECT 'x'::varchar AS a, 'yz'::varchar(10) AS b, 'q'::char(3) AS c;

-- name: char_and_varchar_lengths
SELECT 'abcd'::char(2) AS a, 'abc'::char AS b, 'abc'::varchar(2) AS c, 'ab'::bpchar AS d, 'é'::character(2) AS e,
  NULL::char(2) AS f;

-- name: text_column
SELECT "AssetNumber", "AssetName", "Description" FROM "Assets" ORDER BY "AssetName";

-- name: date_literal
SELECT '2024-02-29'::date AS d, DATE '2025-01-01' AS e;

-- name: date_column
SELECT "AssetNumber", "PurchaseDate", "WarrantyExpiryDate" FROM "Assets" ORDER BY "AssetNumber" NULLS LAST;

-- name: date_min_max
SELECT min("PurchaseDate"), max("PurchaseDate") FROM "Assets";

-- name: date_infinity
SELECT 'infinity'::date AS inf, '-infinity'::date AS ninf;

-- name: date_plus_int
SELECT '2024-02-28'::date + 1 AS next, '2024-03-01'::date - 1 AS previous;

-- name: date_minus_date
SELECT '2025-03-01'::date - '2024-03-01'::date AS days;

-- name: timestamp_literal
SELECT '2024-02-29 13:45:01'::timestamp AS a, '2024-02-29 13:45:01.123456'::timestamp AS b;

-- name: timestamp_from_date
SELECT "PurchaseDate"::timestamp FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: timestamptz_literal
SELECT '2024-02-29 13:45:01+00'::timestamptz AS a, '2024-02-29 13:45:01.5+02'::timestamptz AS b;

-- name: timestamptz_from_date
SELECT "PurchaseDate"::timestamptz FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: interval_literal
SELECT interval '1 month' AS a, interval '30 days' AS b, interval '1 day 02:03:04' AS c, interval '-5 years' AS d;

-- name: interval_literal_names
SELECT interval '1 day', interval '2' hour, '3 days'::interval, interval '1 day' AS named;

-- name: interval_literal_of_several_parts
SELECT interval '2 days 10:00' AS a, interval '1 day 02:03:04.5' AS b, interval '1 day ago' AS c, interval '5' day AS d,
       interval '3 DAYS' AS e, interval '-1 day' AS f, interval '-1 year -1 month' AS g, interval '-13 months' AS h;

-- name: interval_sums
SELECT interval '1 day' + interval '2 hours' AS a, interval '1 mon' - interval '45 days' AS b,
       interval '1 year' + interval '-13 months' AS c, '2 days'::interval - '12:00'::interval AS d,
       timestamp '2024-01-31 00:00' + (interval '1 month' + interval '1 day') AS e;

-- name: interval_justified
SELECT justify_days(interval '45 days') AS a, justify_days(interval '1 mon -45 days') AS b,
       justify_days(interval '-35 days') AS c, justify_hours(interval '50:00:00') AS d,
       justify_hours(interval '1 day -30:00:00') AS e, justify_interval(interval '1 mon -1 hour') AS f,
       justify_interval(interval '-1 mon 50:00:00') AS g, justify_hours(NULL) AS h;

-- name: interval_justify_a_parameter
-- params: ["65 days"]
SELECT justify_days($1) AS a, justify_interval($1) AS b;

-- name: interval_signs_printed
SELECT interval '-1 year 2 months' AS a, interval '-1 mon 5 days 10:00' AS b, interval '1 day -02:00' AS c,
       interval '-13 months -5 days +3 hours' AS d, justify_days(interval '-35 days 10:00') AS e,
       interval '-1 day' + interval '1 microsecond' AS f;

-- name: interval_from_timestamps
SELECT '2025-01-01 12:00'::timestamp - '2024-12-31 00:00'::timestamp AS gap;

-- name: interval_age
SELECT age('2025-03-31'::date, '2024-02-29'::date);

-- name: uuid_literal
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id;

-- name: uuid_column_count
SELECT count("AssetId") FROM "Assets";

-- name: bytea_literal
SELECT '\xdeadbeef'::bytea AS b, ''::bytea AS empty;

-- name: json_literal
SELECT '{"a": 1}'::json AS j, '[1, 2]'::jsonb AS jb;

-- name: int_array
SELECT ARRAY[1, 2, 3] AS a;

-- name: text_array
SELECT ARRAY['a', 'b c', NULL] AS a;

-- name: int8_array
SELECT ARRAY[3000000000::bigint, 1] AS a;

-- name: numeric_array
SELECT ARRAY[1.5, 2.25] AS a;

-- name: date_array
SELECT ARRAY['2024-02-29'::date, '2025-01-01'::date] AS a;

-- name: bool_array
SELECT ARRAY[true, false] AS a;

-- name: float8_array
SELECT ARRAY[0.5::float8, 1e15::float8] AS a;

-- name: array_agg_of_text
SELECT array_agg("AssetNumber" ORDER BY "AssetNumber") FROM "Assets" WHERE "AssetStatus" = 'Registered';

-- name: array_agg_of_dates
SELECT array_agg("PurchaseDate" ORDER BY "PurchaseDate") FROM "Assets" WHERE "AssetStatus" = 'Registered';

-- name: null_untyped
SELECT NULL AS n;

-- name: null_typed
SELECT NULL::int AS i, NULL::date AS d, NULL::numeric AS n, NULL::text AS t;

-- name: pg_typeof
SELECT pg_typeof(1), pg_typeof(3000000000), pg_typeof(1.5), pg_typeof('2024-01-01'::date), pg_typeof(now());

-- name: every_asset_column
SELECT * FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: every_asset_type_column
SELECT * FROM "AssetTypes" ORDER BY "AssetTypeName";

-- name: every_value_update_column
SELECT "AssetNumber", "UpdateType", "Amount", "CounterAccount", "Date", "Memo" FROM "ValueUpdates" ORDER BY "AssetNumber", "Date", "UpdateType";

-- name: every_depreciation_run_column
SELECT "ThroughDate", "AssetCount", "Amount" FROM "DepreciationRuns";

-- name: every_settings_column
SELECT * FROM "Settings";

-- name: every_tracking_column
SELECT "AssetNumber", "Category", "Option" FROM "AssetTracking" ORDER BY 1;

-- name: journal_lines
SELECT count(*), sum("Debit"), sum("Credit") FROM "JournalLines";

-- name: date_column_after_timestamp_within_its_day
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" > '2024-12-31 10:00'::timestamp ORDER BY 1;

-- name: date_column_on_or_after_timestamp_within_its_day
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" >= '2024-12-31 10:00'::timestamp ORDER BY 1;

-- name: date_column_on_or_after_midnight
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" >= '2024-12-31 00:00'::timestamp ORDER BY 1;

-- name: date_column_before_timestamp_within_its_day
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" < '2024-07-01 00:00:00.000001'::timestamp ORDER BY 1;

-- name: date_column_on_or_before_timestamp
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" <= '2024-07-01 23:59:59'::timestamp ORDER BY 1;

-- name: date_column_on_the_right_of_a_timestamp
SELECT "AssetNumber" FROM "Assets" WHERE '2025-01-15 08:00'::timestamp < "PurchaseDate" AND TIMESTAMP '2025-06-30 00:00' >= "PurchaseDate" ORDER BY 1;

-- name: date_column_between_timestamps
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN TIMESTAMP '2024-02-29 00:00' AND TIMESTAMP '2025-01-15 00:00' ORDER BY 1;

-- name: date_column_against_a_timestamp_parameter
-- params: ["2025-03-03 00:00:01"]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" >= $1::timestamp ORDER BY 1;

-- name: date_column_compared_with_a_timestamp_shown
SELECT "AssetNumber", "PurchaseDate" > TIMESTAMP '2025-01-15 00:00' AS later, "PurchaseDate" <= TIMESTAMP '2025-01-15 12:00' AS not_later FROM "Assets" WHERE "PurchaseDate" IS NOT NULL ORDER BY 1;
