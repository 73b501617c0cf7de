-- recipients
SELECT u."user_id" AS user_id
FROM "users" AS u
WHERE (
    EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 5614991017776 AND m."user_id" = u."user_id")
  );

-- --count
SELECT COUNT(*) AS recipients
FROM "users" AS u
WHERE (
    EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
    OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 5614991017776 AND m."user_id" = u."user_id")
  );

-- --waterfall
WITH targeted AS (
  SELECT
    u."user_id" AS user_id,
    1 AS in_filter,
    1 AS all_known
  FROM "users" AS u
  WHERE (
      EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 4389303728991 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = 5614991017776 AND m."user_id" = u."user_id")
    )
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
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
    1 AS in_filter,
    1 AS all_known
  FROM "users" AS u
  WHERE (
      EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $1 AND m."user_id" = u."user_id")
      OR EXISTS (SELECT 1 FROM "audience_members" AS m WHERE m."audience_group_id" = $2 AND m."user_id" = u."user_id")
    )
),
selected AS (
  SELECT t.all_known
  FROM targeted AS t
  WHERE t.in_filter = 1
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
-- params: [{"value":4389303728991},{"value":5614991017776}]

