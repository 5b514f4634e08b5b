-- Written by hand, not by `migrate diff`: Prisma's schema language cannot express partitioning, so
-- prisma/postgresql/schema.prisma still describes these tables as plain ones (their columns, keys
-- and indexes are unchanged) and SQLite keeps its tables as they were.
--
-- Raw results (CheckResult, RegionCheck) are partitioned by day of "slot"; rollups first by
-- resolution, then by time: minute rollups by day, hour rollups by month, day rollups by year, month
-- rollups in one table. Retention drops whole partitions instead of deleting rows (no dead space
-- left behind). monitors/store/partitions.ts creates the partitions ahead of time and moves rows
-- out of the DEFAULT partitions, which catch anything that arrives outside the prepared ranges
-- (history imported from long ago, a clock far off), so no insert ever fails for want of one.
-- The rows of the old tables are copied into the DEFAULT partitions here; the agent's first
-- housekeeping pass moves them into their own partitions.

-- CheckResult
ALTER TABLE "CheckResult" RENAME TO "CheckResult_unpartitioned";
ALTER TABLE "CheckResult_unpartitioned" RENAME CONSTRAINT "CheckResult_pkey" TO "CheckResult_unpartitioned_pkey";
ALTER TABLE "CheckResult_unpartitioned" DROP CONSTRAINT "CheckResult_monitorId_fkey";
CREATE TABLE "CheckResult" (
    "monitorId" INTEGER NOT NULL,
    "slot" TIMESTAMP(3) NOT NULL,
    "region" TEXT NOT NULL DEFAULT 'default',
    "latenessMs" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL,
    "effective" TEXT NOT NULL,
    "totalMs" INTEGER,
    "dnsMs" INTEGER,
    "connectMs" INTEGER,
    "tlsMs" INTEGER,
    "firstByteMs" INTEGER,
    "errorClass" TEXT,
    "error" TEXT,
    "details" JSONB,

    CONSTRAINT "CheckResult_pkey" PRIMARY KEY ("monitorId","slot","region")
) PARTITION BY RANGE ("slot");
CREATE TABLE "CheckResult_default" PARTITION OF "CheckResult" DEFAULT;
INSERT INTO "CheckResult" SELECT * FROM "CheckResult_unpartitioned";
DROP TABLE "CheckResult_unpartitioned";
ALTER TABLE "CheckResult" ADD CONSTRAINT "CheckResult_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- RegionCheck
ALTER TABLE "RegionCheck" RENAME TO "RegionCheck_unpartitioned";
ALTER TABLE "RegionCheck_unpartitioned" RENAME CONSTRAINT "RegionCheck_pkey" TO "RegionCheck_unpartitioned_pkey";
ALTER TABLE "RegionCheck_unpartitioned" DROP CONSTRAINT "RegionCheck_monitorId_fkey";
DROP INDEX "RegionCheck_slot_idx";
DROP INDEX "RegionCheck_decidedAt_idx";
CREATE TABLE "RegionCheck" (
    "monitorId" INTEGER NOT NULL,
    "slot" TIMESTAMP(3) NOT NULL,
    "region" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "latenessMs" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL,
    "totalMs" INTEGER,
    "errorClass" TEXT,
    "error" TEXT,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "RegionCheck_pkey" PRIMARY KEY ("monitorId","slot","region")
) PARTITION BY RANGE ("slot");
CREATE TABLE "RegionCheck_default" PARTITION OF "RegionCheck" DEFAULT;
CREATE INDEX "RegionCheck_slot_idx" ON "RegionCheck"("slot");
CREATE INDEX "RegionCheck_decidedAt_idx" ON "RegionCheck"("decidedAt") WHERE "decidedAt" IS NULL;
INSERT INTO "RegionCheck" SELECT * FROM "RegionCheck_unpartitioned";
DROP TABLE "RegionCheck_unpartitioned";
ALTER TABLE "RegionCheck" ADD CONSTRAINT "RegionCheck_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Rollup
ALTER TABLE "Rollup" RENAME TO "Rollup_unpartitioned";
ALTER TABLE "Rollup_unpartitioned" RENAME CONSTRAINT "Rollup_pkey" TO "Rollup_unpartitioned_pkey";
ALTER TABLE "Rollup_unpartitioned" DROP CONSTRAINT "Rollup_monitorId_fkey";
DROP INDEX "Rollup_resolution_bucket_idx";
CREATE TABLE "Rollup" (
    "monitorId" INTEGER NOT NULL,
    "resolution" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "up" INTEGER NOT NULL DEFAULT 0,
    "degraded" INTEGER NOT NULL DEFAULT 0,
    "down" INTEGER NOT NULL DEFAULT 0,
    "maintenance" INTEGER NOT NULL DEFAULT 0,
    "latencyCount" INTEGER NOT NULL DEFAULT 0,
    "latencySum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latencyMin" DOUBLE PRECISION,
    "latencyMax" DOUBLE PRECISION,
    "h0" INTEGER NOT NULL DEFAULT 0,
    "h1" INTEGER NOT NULL DEFAULT 0,
    "h2" INTEGER NOT NULL DEFAULT 0,
    "h3" INTEGER NOT NULL DEFAULT 0,
    "h4" INTEGER NOT NULL DEFAULT 0,
    "h5" INTEGER NOT NULL DEFAULT 0,
    "h6" INTEGER NOT NULL DEFAULT 0,
    "h7" INTEGER NOT NULL DEFAULT 0,
    "h8" INTEGER NOT NULL DEFAULT 0,
    "h9" INTEGER NOT NULL DEFAULT 0,
    "h10" INTEGER NOT NULL DEFAULT 0,
    "h11" INTEGER NOT NULL DEFAULT 0,
    "h12" INTEGER NOT NULL DEFAULT 0,
    "h13" INTEGER NOT NULL DEFAULT 0,
    "h14" INTEGER NOT NULL DEFAULT 0,
    "h15" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Rollup_pkey" PRIMARY KEY ("monitorId","resolution","bucket")
) PARTITION BY LIST ("resolution");
CREATE TABLE "Rollup_minute" PARTITION OF "Rollup" FOR VALUES IN ('minute') PARTITION BY RANGE ("bucket");
CREATE TABLE "Rollup_minute_default" PARTITION OF "Rollup_minute" DEFAULT;
CREATE TABLE "Rollup_hour" PARTITION OF "Rollup" FOR VALUES IN ('hour') PARTITION BY RANGE ("bucket");
CREATE TABLE "Rollup_hour_default" PARTITION OF "Rollup_hour" DEFAULT;
CREATE TABLE "Rollup_day" PARTITION OF "Rollup" FOR VALUES IN ('day') PARTITION BY RANGE ("bucket");
CREATE TABLE "Rollup_day_default" PARTITION OF "Rollup_day" DEFAULT;
CREATE TABLE "Rollup_month" PARTITION OF "Rollup" FOR VALUES IN ('month');
CREATE TABLE "Rollup_default" PARTITION OF "Rollup" DEFAULT;
CREATE INDEX "Rollup_resolution_bucket_idx" ON "Rollup"("resolution", "bucket");
INSERT INTO "Rollup" SELECT * FROM "Rollup_unpartitioned";
DROP TABLE "Rollup_unpartitioned";
ALTER TABLE "Rollup" ADD CONSTRAINT "Rollup_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
