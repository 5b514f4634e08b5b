-- Data migration (SQLite): month buckets, built from the day buckets already stored, so
-- databases from before month rollups keep their full year of uptime.
INSERT INTO "Rollup" ("monitorId", "resolution", "bucket", "up", "degraded", "down", "maintenance", "latencyCount", "latencySum", "latencyMin", "latencyMax", "h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10", "h11", "h12", "h13", "h14", "h15")
SELECT "monitorId", 'month', CAST(strftime('%s', "bucket" / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000,
       SUM("up"), SUM("degraded"), SUM("down"), SUM("maintenance"), SUM("latencyCount"), SUM("latencySum"), MIN("latencyMin"), MAX("latencyMax"), SUM("h0"), SUM("h1"), SUM("h2"), SUM("h3"), SUM("h4"), SUM("h5"), SUM("h6"), SUM("h7"), SUM("h8"), SUM("h9"), SUM("h10"), SUM("h11"), SUM("h12"), SUM("h13"), SUM("h14"), SUM("h15")
FROM "Rollup"
WHERE "resolution" = 'day'
GROUP BY "monitorId", CAST(strftime('%s', "bucket" / 1000, 'unixepoch', 'start of month') AS INTEGER)
ON CONFLICT ("monitorId", "resolution", "bucket") DO NOTHING;
