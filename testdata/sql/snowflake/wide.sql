-- recipients
SELECT u."user_id" AS user_id
FROM "CRM_DB"."PUBLIC"."users" AS u
WHERE NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000999 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" = u."user_id")
  AND (
    EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000001 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000002 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000003 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000004 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000005 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000006 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000007 AND m."user_id" = u."user_id")
  )
  AND (
    (
      (u."age" IS NOT NULL AND u."age" >= 15 AND u."age" < 20)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_01')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 20 AND u."age" < 25)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_02')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 25 AND u."age" < 30)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_03')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 30 AND u."age" < 35)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_04')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 35 AND u."age" < 40)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_05')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 40 AND u."age" < 45)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_06')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 45 AND u."age" < 50)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_07')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 50 AND u."age" < 55)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_08')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 55 AND u."age" < 60)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_09')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 60 AND u."age" < 65)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_10')
    )
  )
ORDER BY u."user_id"
LIMIT 5000;

-- --count
SELECT LEAST(COUNT(*), 5000) AS recipients
FROM "CRM_DB"."PUBLIC"."users" AS u
WHERE NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000999 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" = u."user_id")
  AND (
    EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000001 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000002 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000003 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000004 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000005 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000006 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000007 AND m."user_id" = u."user_id")
  )
  AND (
    (
      (u."age" IS NOT NULL AND u."age" >= 15 AND u."age" < 20)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_01')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 20 AND u."age" < 25)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_02')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 25 AND u."age" < 30)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_03')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 30 AND u."age" < 35)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_04')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 35 AND u."age" < 40)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_05')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 40 AND u."age" < 45)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_06')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 45 AND u."age" < 50)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_07')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 50 AND u."age" < 55)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_08')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 55 AND u."age" < 60)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_09')
    )
    OR (
      (u."age" IS NOT NULL AND u."age" >= 60 AND u."age" < 65)
      AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_10')
    )
  );

-- --waterfall
WITH targeted AS (
  SELECT
    u."user_id" AS user_id,
    CASE WHEN (
        (
          (u."age" IS NOT NULL AND u."age" >= 15 AND u."age" < 20)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_01')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 20 AND u."age" < 25)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_02')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 25 AND u."age" < 30)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_03')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 30 AND u."age" < 35)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_04')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 35 AND u."age" < 40)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_05')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 40 AND u."age" < 45)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_06')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 45 AND u."age" < 50)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_07')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 50 AND u."age" < 55)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_08')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 55 AND u."age" < 60)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_09')
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= 60 AND u."age" < 65)
          AND NOT (u."area" IS NOT NULL AND u."area" = 'jp_10')
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."age" IS NOT NULL AND u."area" IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM "CRM_DB"."PUBLIC"."users" AS u
  WHERE NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000999 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" = u."user_id")
    AND (
      EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000001 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000002 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000003 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000004 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000005 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000006 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = 1000000000007 AND m."user_id" = u."user_id")
    )
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
  ORDER BY t.user_id
  LIMIT 5000
)
SELECT f.friends, r.after_recipient, r.after_filter, l.after_limit, l.all_known
FROM (SELECT COUNT(*) AS friends FROM "CRM_DB"."PUBLIC"."users" AS u) AS f
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
          (u."age" IS NOT NULL AND u."age" >= :51 AND u."age" < :52)
          AND NOT (u."area" IS NOT NULL AND u."area" = :53)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :54 AND u."age" < :55)
          AND NOT (u."area" IS NOT NULL AND u."area" = :56)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :57 AND u."age" < :58)
          AND NOT (u."area" IS NOT NULL AND u."area" = :59)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :60 AND u."age" < :61)
          AND NOT (u."area" IS NOT NULL AND u."area" = :62)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :63 AND u."age" < :64)
          AND NOT (u."area" IS NOT NULL AND u."area" = :65)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :66 AND u."age" < :67)
          AND NOT (u."area" IS NOT NULL AND u."area" = :68)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :69 AND u."age" < :70)
          AND NOT (u."area" IS NOT NULL AND u."area" = :71)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :72 AND u."age" < :73)
          AND NOT (u."area" IS NOT NULL AND u."area" = :74)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :75 AND u."age" < :76)
          AND NOT (u."area" IS NOT NULL AND u."area" = :77)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= :78 AND u."age" < :79)
          AND NOT (u."area" IS NOT NULL AND u."area" = :80)
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."age" IS NOT NULL AND u."area" IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM "CRM_DB"."PUBLIC"."users" AS u
  WHERE NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :41 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :42 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."redelivery_members" AS m WHERE m."request_id" = :43 AND m."user_id" = u."user_id")
    AND (
      EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :44 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :45 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :46 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :47 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :48 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :49 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "CRM_DB"."PUBLIC"."audience_members" AS m WHERE m."audience_group_id" = :50 AND m."user_id" = u."user_id")
    )
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
  ORDER BY t.user_id
  LIMIT 5000
)
SELECT f.friends, r.after_recipient, r.after_filter, l.after_limit, l.all_known
FROM (SELECT COUNT(*) AS friends FROM "CRM_DB"."PUBLIC"."users" AS u) AS f
CROSS JOIN (
  SELECT COUNT(*) AS after_recipient, COUNT(CASE WHEN t.in_filter = 1 THEN 1 END) AS after_filter
  FROM targeted AS t
) AS r
CROSS JOIN (
  SELECT COUNT(*) AS after_limit, COUNT(CASE WHEN s.all_known = 1 THEN 1 END) AS all_known
  FROM selected AS s
) AS l;
-- params: [{"value":1000000000999},{"value":4389303728991},{"value":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"},{"value":1000000000001},{"value":1000000000002},{"value":1000000000003},{"value":1000000000004},{"value":1000000000005},{"value":1000000000006},{"value":1000000000007},{"value":15},{"value":20},{"value":"jp_01"},{"value":20},{"value":25},{"value":"jp_02"},{"value":25},{"value":30},{"value":"jp_03"},{"value":30},{"value":35},{"value":"jp_04"},{"value":35},{"value":40},{"value":"jp_05"},{"value":40},{"value":45},{"value":"jp_06"},{"value":45},{"value":50},{"value":"jp_07"},{"value":50},{"value":55},{"value":"jp_08"},{"value":55},{"value":60},{"value":"jp_09"},{"value":60},{"value":65},{"value":"jp_10"},{"value":1000000000999},{"value":4389303728991},{"value":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"},{"value":1000000000001},{"value":1000000000002},{"value":1000000000003},{"value":1000000000004},{"value":1000000000005},{"value":1000000000006},{"value":1000000000007},{"value":15},{"value":20},{"value":"jp_01"},{"value":20},{"value":25},{"value":"jp_02"},{"value":25},{"value":30},{"value":"jp_03"},{"value":30},{"value":35},{"value":"jp_04"},{"value":35},{"value":40},{"value":"jp_05"},{"value":40},{"value":45},{"value":"jp_06"},{"value":45},{"value":50},{"value":"jp_07"},{"value":50},{"value":55},{"value":"jp_08"},{"value":55},{"value":60},{"value":"jp_09"},{"value":60},{"value":65},{"value":"jp_10"}]

