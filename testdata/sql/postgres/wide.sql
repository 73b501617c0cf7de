-- recipients
SELECT u."user_id" AS user_id
FROM "users" AS u
WHERE NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000999 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" = u."user_id")
  AND (
    EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000001 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000002 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000003 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000004 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000005 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000006 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000007 AND m."user_id" = u."user_id")
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
FROM "users" AS u
WHERE NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000999 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
  AND NOT EXISTS (SELECT 1 FROM "redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" = u."user_id")
  AND (
    EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000001 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000002 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000003 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000004 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000005 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000006 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000007 AND m."user_id" = u."user_id")
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
  FROM "users" AS u
  WHERE NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000999 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "redelivery_members" AS m WHERE m."request_id" = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m."user_id" = u."user_id")
    AND (
      EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000001 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000002 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000003 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000004 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000005 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000006 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 1000000000007 AND m."user_id" = u."user_id")
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
          (u."age" IS NOT NULL AND u."age" >= $11 AND u."age" < $12)
          AND NOT (u."area" IS NOT NULL AND u."area" = $13)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $14 AND u."age" < $15)
          AND NOT (u."area" IS NOT NULL AND u."area" = $16)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $17 AND u."age" < $18)
          AND NOT (u."area" IS NOT NULL AND u."area" = $19)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $20 AND u."age" < $21)
          AND NOT (u."area" IS NOT NULL AND u."area" = $22)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $23 AND u."age" < $24)
          AND NOT (u."area" IS NOT NULL AND u."area" = $25)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $26 AND u."age" < $27)
          AND NOT (u."area" IS NOT NULL AND u."area" = $28)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $29 AND u."age" < $30)
          AND NOT (u."area" IS NOT NULL AND u."area" = $31)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $32 AND u."age" < $33)
          AND NOT (u."area" IS NOT NULL AND u."area" = $34)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $35 AND u."age" < $36)
          AND NOT (u."area" IS NOT NULL AND u."area" = $37)
        )
        OR (
          (u."age" IS NOT NULL AND u."age" >= $38 AND u."age" < $39)
          AND NOT (u."area" IS NOT NULL AND u."area" = $40)
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u."age" IS NOT NULL AND u."area" IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM "users" AS u
  WHERE NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $1 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $2 AND m."user_id" = u."user_id")
    AND NOT EXISTS (SELECT 1 FROM "redelivery_members" AS m WHERE m."request_id" = $3 AND m."user_id" = u."user_id")
    AND (
      EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $4 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $5 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $6 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $7 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $8 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $9 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $10 AND m."user_id" = u."user_id")
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
FROM (SELECT COUNT(*) AS friends FROM "users" AS u) AS f
CROSS JOIN (
  SELECT COUNT(*) AS after_recipient, COUNT(CASE WHEN t.in_filter = 1 THEN 1 END) AS after_filter
  FROM targeted AS t
) AS r
CROSS JOIN (
  SELECT COUNT(*) AS after_limit, COUNT(CASE WHEN s.all_known = 1 THEN 1 END) AS all_known
  FROM selected AS s
) AS l;
-- params: [{"value":1000000000999},{"value":4389303728991},{"value":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"},{"value":1000000000001},{"value":1000000000002},{"value":1000000000003},{"value":1000000000004},{"value":1000000000005},{"value":1000000000006},{"value":1000000000007},{"value":15},{"value":20},{"value":"jp_01"},{"value":20},{"value":25},{"value":"jp_02"},{"value":25},{"value":30},{"value":"jp_03"},{"value":30},{"value":35},{"value":"jp_04"},{"value":35},{"value":40},{"value":"jp_05"},{"value":40},{"value":45},{"value":"jp_06"},{"value":45},{"value":50},{"value":"jp_07"},{"value":50},{"value":55},{"value":"jp_08"},{"value":55},{"value":60},{"value":"jp_09"},{"value":60},{"value":65},{"value":"jp_10"}]

