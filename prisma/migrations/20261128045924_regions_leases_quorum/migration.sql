-- CreateTable
CREATE TABLE "RegionCheck" (
    "monitorId" INTEGER NOT NULL,
    "slot" DATETIME NOT NULL,
    "region" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "latenessMs" REAL NOT NULL,
    "status" TEXT NOT NULL,
    "totalMs" INTEGER,
    "errorClass" TEXT,
    "error" TEXT,
    "decidedAt" DATETIME,

    PRIMARY KEY ("monitorId", "slot", "region"),
    CONSTRAINT "RegionCheck_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor" ("id") ON DELETE RESTRICT ON UPDATE CASCADE

) WITHOUT ROWID; -- hand edit: the key is the table, as for CheckResult

-- CreateTable
CREATE TABLE "MonitorLease" (
    "monitorId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "agentId" TEXT,
    "expiresAt" DATETIME NOT NULL,

    PRIMARY KEY ("monitorId", "region"),
    CONSTRAINT "MonitorLease_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Monitor" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "group" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "intervalSec" INTEGER NOT NULL,
    "timeoutMs" INTEGER NOT NULL,
    "phaseMs" INTEGER NOT NULL,
    "confirmDown" INTEGER NOT NULL DEFAULT 2,
    "confirmUp" INTEGER NOT NULL DEFAULT 2,
    "isPublic" BOOLEAN NOT NULL DEFAULT true,
    "showTarget" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT,
    "sloPercent" REAL,
    "disabledReason" TEXT,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "regions" JSONB NOT NULL DEFAULT [],
    "quorum" INTEGER,
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Monitor" ("archivedAt", "config", "confirmDown", "confirmUp", "createdAt", "description", "disabledReason", "group", "id", "intervalSec", "isPublic", "kind", "name", "phaseMs", "showTarget", "sloPercent", "slug", "sortOrder", "timeoutMs", "updatedAt") SELECT "archivedAt", "config", "confirmDown", "confirmUp", "createdAt", "description", "disabledReason", "group", "id", "intervalSec", "isPublic", "kind", "name", "phaseMs", "showTarget", "sloPercent", "slug", "sortOrder", "timeoutMs", "updatedAt" FROM "Monitor";
DROP TABLE "Monitor";
ALTER TABLE "new_Monitor" RENAME TO "Monitor";
CREATE UNIQUE INDEX "Monitor_slug_key" ON "Monitor"("slug");
CREATE TABLE "new_Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "region" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "latenessP99Ms" REAL,
    "latenessP50Ms" REAL,
    "monitors" INTEGER NOT NULL DEFAULT 0,
    "checks" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_Agent" ("hostname", "id", "lastSeenAt", "latenessP99Ms", "region", "startedAt") SELECT "hostname", "id", "lastSeenAt", "latenessP99Ms", "region", "startedAt" FROM "Agent";
DROP TABLE "Agent";
ALTER TABLE "new_Agent" RENAME TO "Agent";
CREATE INDEX "Agent_lastSeenAt_idx" ON "Agent"("lastSeenAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RegionCheck_slot_idx" ON "RegionCheck"("slot");

-- CreateIndex
-- Hand edit: partial, so it holds only the few rows still waiting for a quorum decision.
CREATE INDEX "RegionCheck_decidedAt_idx" ON "RegionCheck"("decidedAt") WHERE "decidedAt" IS NULL;

-- CreateIndex
CREATE INDEX "MonitorLease_region_expiresAt_idx" ON "MonitorLease"("region", "expiresAt");

