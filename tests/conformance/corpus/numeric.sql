-- Exact numeric wherever PostgreSQL's type is numeric, and integer overflow as PostgreSQL reports it.

-- name: sum_of_values_numeric
SELECT sum(x) FROM (VALUES (0.1::numeric), (0.2::numeric)) v(x);

-- name: sum_of_values_literals
SELECT sum(x) FROM (VALUES (0.1), (0.2)) v(x);

-- name: numeric_addition
SELECT 0.1 + 0.2 AS s;

-- name: numeric_scale_kept
SELECT 1.10 + 2.205 AS s, 1.10 * 2 AS m;

-- name: numeric_division
SELECT 1.0 / 3 AS third, 10::numeric / 4 AS q;

-- name: numeric_round
SELECT round(2.5) AS a, round(-2.5) AS b, round(1.005, 2) AS c;

-- name: numeric_trunc
SELECT trunc(2.789, 1) AS t;

-- name: numeric_cast_scale
SELECT 1.005::numeric(10,2) AS rounded, 1.004::numeric(10,2) AS down;

-- name: numeric_cast_overflow
SELECT 12345.678::numeric(5,2);

-- name: numeric_big
SELECT 123456789012345678901234567890.12 + 1 AS big;

-- name: union_of_money_sum
SELECT sum(p) FROM (SELECT "PurchasePrice" AS p FROM "Assets" UNION ALL SELECT "Amount" FROM "ValueUpdates") u;

-- name: union_of_money_type
SELECT p FROM (SELECT "PurchasePrice" AS p FROM "Assets" WHERE "AssetNumber" = 'FA-0042' UNION ALL SELECT 0.5) u ORDER BY 1;

-- name: values_numeric_column
SELECT x * 3 AS y FROM (VALUES (0.1), (1.25)) v(x) ORDER BY 1;

-- name: values_numeric_wide
SELECT sum(x) FROM (VALUES (123456789012345678901234567890.12), (0.01)) v(x);

-- name: values_numeric_compared
SELECT x FROM (VALUES (0.1), (1.25), (2.50)) v(x) WHERE x > 1 ORDER BY x;

-- name: values_numeric_kept_scale
SELECT x FROM (VALUES (1.50), (-0.10)) v(x) ORDER BY x DESC;

-- name: values_numeric_avg
SELECT avg(x) FROM (VALUES (0.1), (0.2), (0.4)) v(x);

-- name: union_money_and_literal_sum
SELECT sum(p) FROM (SELECT "PurchasePrice" AS p FROM "Assets" UNION ALL SELECT 0.005) u;

-- name: subquery_money_sum
SELECT sum(p), min(p), max(p) FROM (SELECT "PurchasePrice" AS p FROM "Assets") s;

-- name: subquery_money_compared
SELECT count(*), sum(p) FROM (SELECT "PurchasePrice" AS p, "PurchasePrice" * 2 AS q FROM "Assets") s WHERE p > 1000 AND q <= 65000;

-- name: cte_numeric_compared
WITH p AS (SELECT "PurchasePrice" * 1.1 AS grossed FROM "Assets") SELECT count(*) FROM p WHERE grossed > 1000;

-- name: money_avg_rounded
SELECT round(avg("PurchasePrice"), 2) AS a FROM "Assets";

-- name: rounding_integers
SELECT round(2) AS r, ceil(3) AS c, floor(3) AS f, sign(-3) AS s, round(2, 1) AS r1, trunc(7) AS t;

-- name: trunc_places
SELECT trunc(-2.789, 2) AS t, trunc(2.789) AS u, round(-0.5) AS r;

-- name: numeric_cast_rounds_to_overflow
SELECT 999.995::numeric(5,2);

-- name: numeric_cast_huge_overflow
SELECT 1e300::numeric(5,2);

-- name: numeric_cast_negative_zero
SELECT (-0.001)::numeric(5,2) AS z;

-- name: union_distinct_numeric_scales
SELECT 1.50 AS v UNION SELECT 1.5 ORDER BY 1;

-- name: union_numeric_integers_and_column
SELECT "PurchasePrice" AS v FROM "Assets" UNION SELECT 0.5 UNION SELECT 1 UNION SELECT 1.0 ORDER BY 1 DESC;

-- name: union_numeric_subquery_column
SELECT 2.5 AS v UNION SELECT x FROM (SELECT 2.50 AS x UNION ALL SELECT 10) a UNION SELECT 9 ORDER BY v;

-- name: intersect_except_numeric_scales
SELECT (SELECT count(*) FROM (SELECT 1.50 AS v INTERSECT SELECT 1.5) i) AS i,
  (SELECT count(*) FROM (SELECT 2.0 AS v EXCEPT SELECT 2) e) AS e;

-- name: union_all_numeric_order
SELECT 0.5 AS v UNION ALL SELECT 1 UNION ALL SELECT 10.25 UNION ALL SELECT 9 ORDER BY 1 DESC;

-- name: values_distinct_numeric_scales
SELECT count(DISTINCT x) AS n FROM (VALUES (1.50), (1.5), (2)) v(x);

-- name: values_numeric_scales_grouped
SELECT count(*) AS groups, max(n) AS largest
FROM (SELECT x, count(*) AS n FROM (VALUES (1.50), (1.5), (2), (2.0), (10), (-2), (2.000)) v(x) GROUP BY x) g;

-- name: values_numeric_scales_distinct_sorted
SELECT DISTINCT x FROM (VALUES (2.0), (10), (2), (1.500), (1.5), (-0.5)) v(x) ORDER BY x DESC;

-- name: numeric_avg
SELECT avg(x) FROM (VALUES (1), (2)) v(x);

-- name: int_avg_numeric
SELECT avg("BookDepreciationSetting_EffectiveLifeYears") FROM "AssetTypes";

-- name: money_plus_float
SELECT "PurchasePrice" + 0.5::float8 AS f FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: numeric_comparison_exact
SELECT 0.1 + 0.2 = 0.3 AS exact;

-- name: float_comparison_inexact
SELECT 0.1::float8 + 0.2::float8 = 0.3::float8 AS inexact;

-- name: int8_multiply_overflow
SELECT 9223372036854775807::bigint * 2;

-- name: int4_multiply_overflow
SELECT 2147483647 * 2;

-- name: int8_sum_no_overflow
SELECT sum(x) FROM (VALUES (9223372036854775807::bigint), (1::bigint)) v(x);

-- name: int8_sum_forms
SELECT sum(DISTINCT x::int8) AS a, sum(x::bigint) FILTER (WHERE x > 1) AS b, sum(x::int8) AS c
FROM (VALUES (9223372036854775807), (9223372036854775807), (2)) v(x);

-- name: int8_sum_small
SELECT sum(x) AS s, pg_typeof(sum(x))::text AS t FROM (VALUES (1::bigint), (-3::bigint)) v(x);

-- name: division_by_zero
SELECT 1 / 0;

-- name: numeric_division_by_zero
SELECT 1.5 / 0;

-- name: float_division_by_zero
SELECT 1.5::float8 / 0;

-- name: modulo_numeric
SELECT 10.5 % 3 AS m;

-- name: power_and_sqrt
SELECT power(2, 10) AS p, sqrt(2::numeric) AS r;

-- name: sqrt_numeric_scales
SELECT sqrt(0::numeric) AS a, sqrt(100::numeric) AS b, sqrt(0.0001) AS c, sqrt(12345678901234567890::numeric) AS d,
  sqrt(2.000000000000000000000) AS e, sqrt(0.5) AS f, sqrt(1e-10::numeric) AS g, sqrt(2) AS h;

-- name: sqrt_numeric_column
SELECT "AssetNumber", sqrt("PurchasePrice") AS r FROM "Assets" ORDER BY 1;

-- name: sqrt_numeric_negative
SELECT sqrt(-1::numeric) AS r;

-- name: abs_and_sign
SELECT abs(-1.50) AS a, sign(-3) AS s;

-- name: ceil_floor
SELECT ceil(1.2) AS c, floor(-1.2) AS f;

-- name: numeric_to_int_cast
SELECT 2.5::int AS a, 3.5::int AS b, (-2.5)::int AS c;

-- name: float_and_computed_numeric_to_int_cast
SELECT 2.5::float8::int AS a, 3.5::float8::int AS b, (-2.5)::float8::int AS c, (1.25 * 2)::int AS d, 1.49::int8 AS e;

-- name: numeric_column_to_int_cast
SELECT "AssetNumber", "PurchasePrice"::int AS p, ("PurchasePrice" / 3)::int AS q FROM "Assets" ORDER BY 1;

-- name: numeric_text_cast
SELECT '1.50'::numeric AS a, '1e3'::numeric AS b;

-- name: money_sum_by_type
SELECT t."AssetTypeName", sum(a."PurchasePrice") AS total FROM "Assets" a JOIN "AssetTypes" t ON t."AssetTypeId" = a."AssetTypeId" GROUP BY 1 ORDER BY 1;

-- name: money_in_cte
WITH p AS (SELECT "PurchasePrice" * 1.1 AS grossed FROM "Assets" WHERE "AssetNumber" = 'FA-0101') SELECT grossed FROM p;

-- name: own_numeric_column
CREATE TEMP TABLE n (x numeric(10,2));
INSERT INTO n VALUES (1.005), (2.499);
SELECT x, sum(x) OVER () FROM n ORDER BY x;

-- name: own_numeric_precision
CREATE TEMP TABLE n (x numeric(4,2));
INSERT INTO n VALUES (123.45);

-- name: own_bigint_column
CREATE TEMP TABLE n (x bigint);
INSERT INTO n VALUES (3000000000);
SELECT x, x * 2 FROM n;

-- name: own_bool_column
CREATE TEMP TABLE n (b boolean);
INSERT INTO n VALUES ('t'), ('yes'), (false);
SELECT count(*) FROM n WHERE b;

-- name: own_bool_column_update
CREATE TEMP TABLE nb (a int, b boolean);
INSERT INTO nb VALUES (1, 'on'), (2, 'off'), (3, NULL), (4, true);
UPDATE nb SET b = 'no' WHERE a = 4;
SELECT a, b, NOT b AS n FROM nb ORDER BY a;

-- name: own_bool_column_invalid
CREATE TEMP TABLE nbi (b boolean);
INSERT INTO nbi VALUES ('maybe');

-- name: own_numeric_update_rounds
CREATE TEMP TABLE n (x numeric(6,2));
INSERT INTO n VALUES (1);
UPDATE n SET x = x * 1.0055;
SELECT x FROM n;

-- name: own_numeric_update_overflow
CREATE TEMP TABLE n (x numeric(4,2));
INSERT INTO n VALUES (10);
UPDATE n SET x = x * 10;

-- name: own_numeric_no_scale
CREATE TEMP TABLE n (x numeric(3));
INSERT INTO n VALUES (2.5), (-2.5), (999.4);
SELECT x FROM n ORDER BY x;

-- name: own_numeric_found_rounded
CREATE TEMP TABLE n (x numeric(10,2));
INSERT INTO n VALUES (1.005), (2.004);
SELECT count(*) FROM n WHERE x = 1.01 OR x = 2.00;

-- name: own_numeric_returning
CREATE TEMP TABLE n (x numeric(10,2));
INSERT INTO n VALUES (1.005) RETURNING x;

-- name: own_numeric_table_kept
CREATE TABLE own_amounts (id integer PRIMARY KEY, amount numeric(8,3));
INSERT INTO own_amounts VALUES (1, 2.0005), (2, -0.0004);
SELECT id, amount FROM own_amounts ORDER BY id;

-- name: own_numeric_table_overflow
CREATE TABLE own_amounts (id integer PRIMARY KEY, amount numeric(8,3));
INSERT INTO own_amounts VALUES (1, 100000);

-- name: numeric_cast_precision_beyond_postgresql
SELECT 1::numeric(2000, 2);

-- name: numeric_cast_many_digits
SELECT 1e400::numeric(1000, 500) AS big, 1e-400::numeric(1000, 500) AS small;
