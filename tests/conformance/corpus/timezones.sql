-- timestamptz as PostgreSQL prints it (offset, fractional seconds) and SET TIME ZONE obeyed; BI time grains.

-- name: now_type
SELECT pg_typeof(now())::text AS t;

-- name: now_offset_shown
SELECT to_char(now(), 'OF') AS offset_shown;

-- name: now_minus_now
SELECT now() - now() AS zero;

-- name: timestamptz_utc_text
SELECT '2025-07-01 00:00:00+00'::timestamptz AS t;

-- name: timestamptz_fraction
SELECT '2025-07-01 00:00:00.123456+00'::timestamptz AS t, '2025-07-01 00:00:00.5+00'::timestamptz AS u;

-- name: timestamptz_other_offset
SELECT '2025-07-01 12:00:00+05:30'::timestamptz AS t;

-- name: set_time_zone_then_show
SET TIME ZONE 'Australia/Sydney';
SHOW timezone;

-- name: set_time_zone_then_timestamptz
SET TIME ZONE 'Australia/Sydney';
SELECT '2025-07-01 00:00:00+00'::timestamptz AS t;

-- name: set_timezone_equals
SET timezone = 'America/New_York';
SELECT '2025-01-15 12:00:00+00'::timestamptz AS t;

-- name: set_time_zone_offset_number
SET TIME ZONE -3;
SELECT '2025-01-15 12:00:00+00'::timestamptz AS t;

-- name: set_time_zone_local
SET TIME ZONE LOCAL;
SHOW timezone;

-- name: at_time_zone_to_timestamp
SELECT '2025-07-01 00:00:00+00'::timestamptz AT TIME ZONE 'Australia/Sydney' AS local;

-- name: at_time_zone_to_timestamptz
SELECT '2025-07-01 00:00:00'::timestamp AT TIME ZONE 'Australia/Sydney' AS utc;

-- name: date_to_timestamptz_in_zone
SET TIME ZONE 'Australia/Sydney';
SELECT '2025-07-01'::date::timestamptz AS t;

-- name: date_trunc_week_timestamptz
SELECT date_trunc('week', '2025-07-03 10:00:00+00'::timestamptz) AS week;

-- name: date_trunc_month_column_timestamptz
SELECT date_trunc('month', "PurchaseDate"::timestamptz) AS month, count(*) FROM "Assets" WHERE "PurchaseDate" IS NOT NULL GROUP BY 1 ORDER BY 1;

-- name: date_trunc_quarter_cast
SELECT CAST(date_trunc('quarter', CAST("PurchaseDate" AS timestamp)) AS date) AS q, count(*) FROM "Assets" WHERE "PurchaseDate" IS NOT NULL GROUP BY 1 ORDER BY 1;

-- name: metabase_week_grain
SELECT (CAST(date_trunc('week', CAST(("PurchaseDate" + INTERVAL '1 day') AS timestamp)) AS timestamp) + INTERVAL '-1 day') AS w, count(*) FROM "Assets" WHERE "PurchaseDate" IS NOT NULL GROUP BY 1 ORDER BY 1;

-- name: extract_timezone
SELECT extract(timezone FROM '2025-07-01 00:00:00+00'::timestamptz) AS tz;

-- name: extract_timezone_fields
SELECT extract(timezone_hour FROM '2025-07-01 10:00:00+00'::timestamptz) AS h,
  date_part('timezone_minute', '2025-07-01 10:00:00+00'::timestamptz) AS m;

-- name: current_setting_timezone
SELECT current_setting('TimeZone') AS tz;

-- name: timestamptz_compare_date
SELECT count(*) FROM "Assets" WHERE "PurchaseDate" < '2025-01-01 00:00:00+00'::timestamptz;

-- name: to_timestamp_epoch
SELECT to_timestamp(0) AS epoch;

-- name: to_timestamp_pattern
SELECT to_timestamp('2025-07-01 13:14', 'YYYY-MM-DD HH24:MI') AS t;

-- name: localtimestamp_type
SELECT pg_typeof(localtimestamp)::text AS t;

-- name: timestamp_infinity
SELECT 'infinity'::timestamp AS t, '-infinity'::timestamptz AS u;
