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
          (u.`age` IS NOT NULL AND u.`age` >= :p51 AND u.`age` < :p52)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p53)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p54 AND u.`age` < :p55)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p56)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p57 AND u.`age` < :p58)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p59)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p60 AND u.`age` < :p61)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p62)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p63 AND u.`age` < :p64)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p65)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p66 AND u.`age` < :p67)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p68)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p69 AND u.`age` < :p70)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p71)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p72 AND u.`age` < :p73)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p74)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p75 AND u.`age` < :p76)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p77)
        )
        OR (
          (u.`age` IS NOT NULL AND u.`age` >= :p78 AND u.`age` < :p79)
          AND NOT (u.`area` IS NOT NULL AND u.`area` = :p80)
        )
      ) THEN 1 ELSE 0 END AS in_filter,
    CASE WHEN u.`age` IS NOT NULL AND u.`area` IS NOT NULL THEN 1 ELSE 0 END AS all_known
  FROM `crm`.`users` AS u
  WHERE NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p41 AND m.`user_id` = u.`user_id`)
    AND NOT EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p42 AND m.`user_id` = u.`user_id`)
    AND NOT EXISTS (SELECT 1 FROM `crm`.`redelivery_members` AS m WHERE m.`request_id` = :p43 AND m.`user_id` = u.`user_id`)
    AND (
      EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p44 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p45 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p46 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p47 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p48 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p49 AND m.`user_id` = u.`user_id`)
      OR EXISTS (SELECT 1 FROM `crm`.`audience_members` AS m WHERE m.`audience_group_id` = :p50 AND m.`user_id` = u.`user_id`)
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
-- params: [{"name":"p1","value":1000000000999},{"name":"p2","value":4389303728991},{"name":"p3","value":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"},{"name":"p4","value":1000000000001},{"name":"p5","value":1000000000002},{"name":"p6","value":1000000000003},{"name":"p7","value":1000000000004},{"name":"p8","value":1000000000005},{"name":"p9","value":1000000000006},{"name":"p10","value":1000000000007},{"name":"p11","value":15},{"name":"p12","value":20},{"name":"p13","value":"jp_01"},{"name":"p14","value":20},{"name":"p15","value":25},{"name":"p16","value":"jp_02"},{"name":"p17","value":25},{"name":"p18","value":30},{"name":"p19","value":"jp_03"},{"name":"p20","value":30},{"name":"p21","value":35},{"name":"p22","value":"jp_04"},{"name":"p23","value":35},{"name":"p24","value":40},{"name":"p25","value":"jp_05"},{"name":"p26","value":40},{"name":"p27","value":45},{"name":"p28","value":"jp_06"},{"name":"p29","value":45},{"name":"p30","value":50},{"name":"p31","value":"jp_07"},{"name":"p32","value":50},{"name":"p33","value":55},{"name":"p34","value":"jp_08"},{"name":"p35","value":55},{"name":"p36","value":60},{"name":"p37","value":"jp_09"},{"name":"p38","value":60},{"name":"p39","value":65},{"name":"p40","value":"jp_10"},{"name":"p41","value":1000000000999},{"name":"p42","value":4389303728991},{"name":"p43","value":"5b59509c-c57b-11e9-aa8c-2a2ae2dbcce4"},{"name":"p44","value":1000000000001},{"name":"p45","value":1000000000002},{"name":"p46","value":1000000000003},{"name":"p47","value":1000000000004},{"name":"p48","value":1000000000005},{"name":"p49","value":1000000000006},{"name":"p50","value":1000000000007},{"name":"p51","value":15},{"name":"p52","value":20},{"name":"p53","value":"jp_01"},{"name":"p54","value":20},{"name":"p55","value":25},{"name":"p56","value":"jp_02"},{"name":"p57","value":25},{"name":"p58","value":30},{"name":"p59","value":"jp_03"},{"name":"p60","value":30},{"name":"p61","value":35},{"name":"p62","value":"jp_04"},{"name":"p63","value":35},{"name":"p64","value":40},{"name":"p65","value":"jp_05"},{"name":"p66","value":40},{"name":"p67","value":45},{"name":"p68","value":"jp_06"},{"name":"p69","value":45},{"name":"p70","value":50},{"name":"p71","value":"jp_07"},{"name":"p72","value":50},{"name":"p73","value":55},{"name":"p74","value":"jp_08"},{"name":"p75","value":55},{"name":"p76","value":60},{"name":"p77","value":"jp_09"},{"name":"p78","value":60},{"name":"p79","value":65},{"name":"p80","value":"jp_10"}]

