-- recipients
SELECT u.`user_id` AS user_id
FROM `crm`.`users` AS u
WHERE NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000999 AND m.`user_id` = u.`user_id`)
  AND NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 4389303728991 AND m.`user_id` = u.`user_id`)
  AND NOT EXISTS (SELECT 1 FROM `crm`.`redelivery_members` AS m WHERE m.`request_id` = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m.`user_id` = u.`user_id`)
  AND (
    EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000001 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000002 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000003 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000004 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000005 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000006 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000007 AND m.`user_id` = u.`user_id`)
  )
  AND (
    (
      (u.`age` IS NOT NULL AND u.`age` >= 15 AND u.`age` < 20)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_01')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 20 AND u.`age` < 25)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_02')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 25 AND u.`age` < 30)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_03')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 30 AND u.`age` < 35)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_04')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 35 AND u.`age` < 40)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_05')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 40 AND u.`age` < 45)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_06')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 45 AND u.`age` < 50)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_07')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 50 AND u.`age` < 55)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_08')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 55 AND u.`age` < 60)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_09')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 60 AND u.`age` < 65)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_10')
    )
  )
ORDER BY u.`user_id`
LIMIT 5000;

-- --count
SELECT LEAST(COUNT(*), 5000) AS recipients
FROM `crm`.`users` AS u
WHERE NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000999 AND m.`user_id` = u.`user_id`)
  AND NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 4389303728991 AND m.`user_id` = u.`user_id`)
  AND NOT EXISTS (SELECT 1 FROM `crm`.`redelivery_members` AS m WHERE m.`request_id` = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m.`user_id` = u.`user_id`)
  AND (
    EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000001 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000002 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000003 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000004 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000005 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000006 AND m.`user_id` = u.`user_id`)
    OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000007 AND m.`user_id` = u.`user_id`)
  )
  AND (
    (
      (u.`age` IS NOT NULL AND u.`age` >= 15 AND u.`age` < 20)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_01')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 20 AND u.`age` < 25)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_02')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 25 AND u.`age` < 30)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_03')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 30 AND u.`age` < 35)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_04')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 35 AND u.`age` < 40)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_05')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 40 AND u.`age` < 45)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_06')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 45 AND u.`age` < 50)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_07')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 50 AND u.`age` < 55)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_08')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 55 AND u.`age` < 60)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_09')
    )
    OR (
      (u.`age` IS NOT NULL AND u.`age` >= 60 AND u.`age` < 65)
      AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_10')
    )
  );

-- --waterfall
WITH targeted AS (
  SELECT
    u.`user_id` AS user_id,
    CASE WHEN (
        (
          (u.`age` IS NOT NULL AND u.`age` >= 15 AND u.`age` < 20)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_01')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 20 AND u.`age` < 25)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_02')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 25 AND u.`age` < 30)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_03')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 30 AND u.`age` < 35)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_04')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 35 AND u.`age` < 40)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_05')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 40 AND u.`age` < 45)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_06')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 45 AND u.`age` < 50)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_07')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 50 AND u.`age` < 55)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_08')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 55 AND u.`age` < 60)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_09')
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= 60 AND u.`age` < 65)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = 'jp_10')
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u.`age` IS NOT NULL AND u.`area` IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM `crm`.`users` AS u
  WHERE NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000999 AND m.`user_id` = u.`user_id`)
    AND NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 4389303728991 AND m.`user_id` = u.`user_id`)
    AND NOT EXISTS (SELECT 1 FROM `crm`.`redelivery_members` AS m WHERE m.`request_id` = '5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4' AND m.`user_id` = u.`user_id`)
    AND (
      EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000001 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000002 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000003 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000004 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000005 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000006 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = 1000000000007 AND m.`user_id` = u.`user_id`)
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
FROM (SELECT COUNT(*) AS friends FROM `crm`.`users` AS u) AS f
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
    u.`user_id` AS user_id,
    CASE WHEN (
        (
          (u.`age` IS NOT NULL AND u.`age` >= :p11 AND u.`age` < :p12)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p13)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p14 AND u.`age` < :p15)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p16)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p17 AND u.`age` < :p18)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p19)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p20 AND u.`age` < :p21)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p22)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p23 AND u.`age` < :p24)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p25)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p26 AND u.`age` < :p27)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p28)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p29 AND u.`age` < :p30)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p31)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p32 AND u.`age` < :p33)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p34)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p35 AND u.`age` < :p36)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p37)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p38 AND u.`age` < :p39)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p40)
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u.`age` IS NOT NULL AND u.`area` IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM `crm`.`users` AS u
  WHERE NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p1 AND m.`user_id` = u.`user_id`)
    AND NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p2 AND m.`user_id` = u.`user_id`)
    AND NOT EXISTS (SELECT 1 FROM `crm`.`redelivery_members` AS m WHERE m.`request_id` = :p3 AND m.`user_id` = u.`user_id`)
    AND (
      EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p4 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p5 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p6 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p7 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p8 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p9 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p10 AND m.`user_id` = u.`user_id`)
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
FROM (SELECT COUNT(*) AS friends FROM `crm`.`users` AS u) AS f
CROSS JOIN (
  SELECT COUNT(*) AS after_recipient, COUNT(CASE WHEN t.in_filter = 1 THEN 1 END) AS after_filter
  FROM targeted AS t
) AS r
CROSS JOIN (
  SELECT COUNT(*) AS after_limit, COUNT(CASE WHEN s.all_known = 1 THEN 1 END) AS all_known
  FROM selected AS s
) AS l;
-- params: [{"name":"p1","value":1000000000999},{"name":"p2","value":4389303728991},{"name":"p3","value":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"},{"name":"p4","value":1000000000001},{"name":"p5","value":1000000000002},{"name":"p6","value":1000000000003},{"name":"p7","value":1000000000004},{"name":"p8","value":1000000000005},{"name":"p9","value":1000000000006},{"name":"p10","value":1000000000007},{"name":"p11","value":15},{"name":"p12","value":20},{"name":"p13","value":"jp_01"},{"name":"p14","value":20},{"name":"p15","value":25},{"name":"p16","value":"jp_02"},{"name":"p17","value":25},{"name":"p18","value":30},{"name":"p19","value":"jp_03"},{"name":"p20","value":30},{"name":"p21","value":35},{"name":"p22","value":"jp_04"},{"name":"p23","value":35},{"name":"p24","value":40},{"name":"p25","value":"jp_05"},{"name":"p26","value":40},{"name":"p27","value":45},{"name":"p28","value":"jp_06"},{"name":"p29","value":45},{"name":"p30","value":50},{"name":"p31","value":"jp_07"},{"name":"p32","value":50},{"name":"p33","value":55},{"name":"p34","value":"jp_08"},{"name":"p35","value":55},{"name":"p36","value":60},{"name":"p37","value":"jp_09"},{"name":"p38","value":60},{"name":"p39","value":65},{"name":"p40","value":"jp_10"}]

