-- recipients
SELECT u."user_id" AS user_id
FROM "hive"."crm"."users" AS u
WHERE NOT (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."audience_members" AS m WHERE m."audience_group_id" = 1000000000010 AND m."user_id" IS NOT NULL))
  AND (
    (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = '0f6f1d2e-8a4b-4c3d-9e5f-6a7b8c9d0e1f' AND m."user_id" IS NOT NULL))
    OR (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" IS NOT NULL))
  )
  AND (u."gender" IS NOT NULL AND u."gender" = 'female')
  AND (u."age" IS NOT NULL AND u."age" >= 20)
  AND (u."area" IS NOT NULL AND u."area" IN ('jp_13', 'jp_23', 'tw_01'))
  AND (u."subscription_period" IS NOT NULL AND u."subscription_period" < 30)
ORDER BY u."user_id"
LIMIT 500;

-- --count
SELECT LEAST(COUNT(*), 500) AS recipients
FROM "hive"."crm"."users" AS u
WHERE NOT (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."audience_members" AS m WHERE m."audience_group_id" = 1000000000010 AND m."user_id" IS NOT NULL))
  AND (
    (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = '0f6f1d2e-8a4b-4c3d-9e5f-6a7b8c9d0e1f' AND m."user_id" IS NOT NULL))
    OR (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" IS NOT NULL))
  )
  AND (u."gender" IS NOT NULL AND u."gender" = 'female')
  AND (u."age" IS NOT NULL AND u."age" >= 20)
  AND (u."area" IS NOT NULL AND u."area" IN ('jp_13', 'jp_23', 'tw_01'))
  AND (u."subscription_period" IS NOT NULL AND u."subscription_period" < 30);

-- --waterfall
WITH targeted AS (
  SELECT
    u."user_id" AS user_id,
    CASE WHEN (u."gender" IS NOT NULL AND u."gender" = 'female')
      AND (u."age" IS NOT NULL AND u."age" >= 20)
      AND (u."area" IS NOT NULL AND u."area" IN ('jp_13', 'jp_23', 'tw_01'))
      AND (u."subscription_period" IS NOT NULL AND u."subscription_period" < 30) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."gender" IS NOT NULL AND u."age" IS NOT NULL AND u."area" IS NOT NULL AND u."subscription_period" IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM "hive"."crm"."users" AS u
  WHERE NOT (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."audience_members" AS m WHERE m."audience_group_id" = 1000000000010 AND m."user_id" IS NOT NULL))
    AND (
      (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = '0f6f1d2e-8a4b-4c3d-9e5f-6a7b8c9d0e1f' AND m."user_id" IS NOT NULL))
      OR (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" IS NOT NULL))
    )
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
  ORDER BY t.user_id
  LIMIT 500
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
    CASE WHEN (u."gender" IS NOT NULL AND u."gender" = ?)
      AND (u."age" IS NOT NULL AND u."age" >= ?)
      AND (u."area" IS NOT NULL AND u."area" IN (?, ?, ?))
      AND (u."subscription_period" IS NOT NULL AND u."subscription_period" < ?) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."gender" IS NOT NULL AND u."age" IS NOT NULL AND u."area" IS NOT NULL AND u."subscription_period" IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM "hive"."crm"."users" AS u
  WHERE NOT (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."audience_members" AS m WHERE m."audience_group_id" = ? AND m."user_id" IS NOT NULL))
    AND (
      (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = ? AND m."user_id" IS NOT NULL))
      OR (u."user_id" IN (SELECT m."user_id" FROM "hive"."crm"."redelivery_members" AS m WHERE m."request_id" = ? AND m."user_id" IS NOT NULL))
    )
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
  ORDER BY t.user_id
  LIMIT 500
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
-- params: [{"value":1000000000010},{"value":"0f6f1d2e-8a4b-4c3d-9e5f-6a7b8c9d0e1f"},{"value":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"},{"value":"female"},{"value":20},{"value":"jp_13"},{"value":"jp_23"},{"value":"tw_01"},{"value":30}]

