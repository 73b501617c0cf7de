-- recipients
SELECT u."user_id" AS user_id
FROM "hive"."crm"."users" AS u
WHERE (
    NOT (u."gender" IS NOT NULL AND u."gender" = 'male')
    OR (u."age" IS NOT NULL AND u."age" < 25)
    OR (u."app_type" IS NOT NULL AND u."app_type" = 'ios')
  );

-- --count
SELECT COUNT(*) AS recipients
FROM "hive"."crm"."users" AS u
WHERE (
    NOT (u."gender" IS NOT NULL AND u."gender" = 'male')
    OR (u."age" IS NOT NULL AND u."age" < 25)
    OR (u."app_type" IS NOT NULL AND u."app_type" = 'ios')
  );

-- --waterfall
WITH targeted AS (
  SELECT
    u."user_id" AS user_id,
    CASE WHEN (
        NOT (u."gender" IS NOT NULL AND u."gender" = 'male')
        OR (u."age" IS NOT NULL AND u."age" < 25)
        OR (u."app_type" IS NOT NULL AND u."app_type" = 'ios')
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."gender" IS NOT NULL AND u."age" IS NOT NULL AND u."app_type" IN ('ios', 'android') THEN 1 ELSE 0 END AS all_known
  FROM "hive"."crm"."users" AS u
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
)
SELECT f.friends, r.after_recipient, r.after_filter, l.after_limit, l.all_known
FROM (SELECT COUNT(*) AS friends FROM "hive"."crm"."users" AS u) AS f
CROSS JOIN (
  SELECT COUNT(*) AS after_recipient, COUNT(CASE WHEN t.in_filter = 1 THEN 1 END) AS after_filter
  FROM targeted AS t
) AS r
CROSS JOIN (
  SELECT COUNT(*) AS after_limit, COUNT(CASE WHEN s.all_known = 1 THEN 1 END) AS all_known
  FROM selected AS s
) AS l;

-- --waterfall --params
WITH targeted AS (
  SELECT
    u."user_id" AS user_id,
    CASE WHEN (
        NOT (u."gender" IS NOT NULL AND u."gender" = ?)
        OR (u."age" IS NOT NULL AND u."age" < ?)
        OR (u."app_type" IS NOT NULL AND u."app_type" = ?)
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."gender" IS NOT NULL AND u."age" IS NOT NULL AND u."app_type" IN ('ios', 'android') THEN 1 ELSE 0 END AS all_known
  FROM "hive"."crm"."users" AS u
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
)
SELECT f.friends, r.after_recipient, r.after_filter, l.after_limit, l.all_known
FROM (SELECT COUNT(*) AS friends FROM "hive"."crm"."users" AS u) AS f
CROSS JOIN (
  SELECT COUNT(*) AS after_recipient, COUNT(CASE WHEN t.in_filter = 1 THEN 1 END) AS after_filter
  FROM targeted AS t
) AS r
CROSS JOIN (
  SELECT COUNT(*) AS after_limit, COUNT(CASE WHEN s.all_known = 1 THEN 1 END) AS all_known
  FROM selected AS s
) AS l;
-- params: [{"value":"male"},{"value":25},{"value":"ios"}]

