-- recipients
SELECT u."user_id" AS user_id
FROM "users" AS u
WHERE EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 5614991017776 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
  AND (
    (
      (u."gender" IS NOT NULL AND u."gender" IN ('male', 'female'))
      AND (u."age" IS NOT NULL AND u."age" >= 20 AND u."age" < 25)
      AND (u."app_type" IS NOT NULL AND u."app_type" IN ('ios', 'android'))
      AND (u."area" IS NOT NULL AND u."area" IN ('jp_05', 'jp_23'))
      AND (u."subscription_period" IS NOT NULL AND u."subscription_period" >= 7 AND u."subscription_period" < 30)
    )
    OR (
      NOT (u."gender" IS NOT NULL AND u."gender" = 'male')
      AND (u."age" IS NOT NULL AND u."age" >= 35 AND u."age" < 40)
    )
  )
ORDER BY u."user_id"
LIMIT 100;

-- --count
SELECT LEAST(COUNT(*), 100) AS recipients
FROM "users" AS u
WHERE EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 5614991017776 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
  AND (
    (
      (u."gender" IS NOT NULL AND u."gender" IN ('male', 'female'))
      AND (u."age" IS NOT NULL AND u."age" >= 20 AND u."age" < 25)
      AND (u."app_type" IS NOT NULL AND u."app_type" IN ('ios', 'android'))
      AND (u."area" IS NOT NULL AND u."area" IN ('jp_05', 'jp_23'))
      AND (u."subscription_period" IS NOT NULL AND u."subscription_period" >= 7 AND u."subscription_period" < 30)
    )
    OR (
      NOT (u."gender" IS NOT NULL AND u."gender" = 'male')
      AND (u."age" IS NOT NULL AND u."age" >= 35 AND u."age" < 40)
    )
  );

-- --waterfall
WITH targeted AS (
  SELECT
    u."user_id" AS user_id,
    CASE WHEN (
        (
          (u."gender" IS NOT NULL AND u."gender" IN ('male', 'female'))
          AND (u."age" IS NOT NULL AND u."age" >= 20 AND u."age" < 25)
          AND (u."app_type" IS NOT NULL AND u."app_type" IN ('ios', 'android'))
          AND (u."area" IS NOT NULL AND u."area" IN ('jp_05', 'jp_23'))
          AND (u."subscription_period" IS NOT NULL AND u."subscription_period" >= 7 AND u."subscription_period" < 30)
        )
        OR (
          NOT (u."gender" IS NOT NULL AND u."gender" = 'male')
          AND (u."age" IS NOT NULL AND u."age" >= 35 AND u."age" < 40)
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."gender" IS NOT NULL AND u."age" IS NOT NULL AND u."app_type" IN ('ios', 'android') AND u."area" IS NOT NULL AND u."subscription_period" IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM "users" AS u
  WHERE EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 5614991017776 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
  ORDER BY t.user_id
  LIMIT 100
)
SELECT f.friends, r.after_recipient, r.after_filter, l.after_limit, l.all_known
FROM (SELECT COUNT(*) AS friends FROM "users" AS u) AS f
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
        (
          (u."gender" IS NOT NULL AND u."gender" IN ($3, $4))
          AND (u."age" IS NOT NULL AND u."age" >= $5 AND u."age" < $6)
          AND (u."app_type" IS NOT NULL AND u."app_type" IN ($7, $8))
          AND (u."area" IS NOT NULL AND u."area" IN ($9, $10))
          AND (u."subscription_period" IS NOT NULL AND u."subscription_period" >= $11 AND u."subscription_period" < $12)
        )
        OR (
          NOT (u."gender" IS NOT NULL AND u."gender" = $13)
          AND (u."age" IS NOT NULL AND u."age" >= $14 AND u."age" < $15)
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."gender" IS NOT NULL AND u."age" IS NOT NULL AND u."app_type" IN ('ios', 'android') AND u."area" IS NOT NULL AND u."subscription_period" IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM "users" AS u
  WHERE EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $1 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $2 AND m."user_id" = u."user_id")
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
  ORDER BY t.user_id
  LIMIT 100
)
SELECT f.friends, r.after_recipient, r.after_filter, l.after_limit, l.all_known
FROM (SELECT COUNT(*) AS friends FROM "users" AS u) AS f
CROSS JOIN (
  SELECT COUNT(*) AS after_recipient, COUNT(CASE WHEN t.in_filter = 1 THEN 1 END) AS after_filter
  FROM targeted AS t
) AS r
CROSS JOIN (
  SELECT COUNT(*) AS after_limit, COUNT(CASE WHEN s.all_known = 1 THEN 1 END) AS all_known
  FROM selected AS s
) AS l;
-- params: [{"value":5614991017776},{"value":4389303728991},{"value":"male"},{"value":"female"},{"value":20},{"value":25},{"value":"ios"},{"value":"android"},{"value":"jp_05"},{"value":"jp_23"},{"value":7},{"value":30},{"value":"male"},{"value":35},{"value":40}]

