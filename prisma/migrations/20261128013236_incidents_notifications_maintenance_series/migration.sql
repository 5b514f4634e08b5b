-- AlterTable
ALTER TABLE "StateChange" ADD COLUMN "handledAt" DATETIME;
-- Changes recorded before incident automation existed are history, not news: mark them handled
-- so the first start after this migration does not open incidents for old outages.
UPDATE "StateChange" SET "handledAt" = "confirmedAt";

-- CreateTable
CREATE TABLE "ActionToken" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "purpose" TEXT NOT NULL,
    "incidentId" INTEGER,
    "target" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "count" INTEGER NOT NULL,
    "resetAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Maintenance" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "recurrence" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "durationMinutes" INTEGER,
    "seriesId" INTEGER,
    "cancelledAt" DATETIME,
    "createdById" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Maintenance_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Maintenance" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Maintenance_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Maintenance" ("body", "cancelledAt", "createdAt", "createdById", "endsAt", "id", "recurrence", "startsAt", "timeZone", "title", "updatedAt") SELECT "body", "cancelledAt", "createdAt", "createdById", "endsAt", "id", "recurrence", "startsAt", "timeZone", "title", "updatedAt" FROM "Maintenance";
DROP TABLE "Maintenance";
ALTER TABLE "new_Maintenance" RENAME TO "Maintenance";
CREATE INDEX "Maintenance_startsAt_idx" ON "Maintenance"("startsAt");
CREATE INDEX "Maintenance_endsAt_idx" ON "Maintenance"("endsAt");
CREATE UNIQUE INDEX "Maintenance_seriesId_startsAt_key" ON "Maintenance"("seriesId", "startsAt");
CREATE TABLE "new_Outbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventKey" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "channelId" INTEGER,
    "subscriberId" INTEGER,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "deliveredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Outbox_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "NotificationChannel" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Outbox_subscriberId_fkey" FOREIGN KEY ("subscriberId") REFERENCES "Subscriber" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Outbox" ("attempts", "channelId", "target", "createdAt", "deliveredAt", "eventKey", "id", "lastError", "nextAttemptAt", "payload", "status") SELECT "attempts", "channelId", 'channel:' || "channelId", "createdAt", "deliveredAt", "eventKey", "id", "lastError", "nextAttemptAt", "payload", "status" FROM "Outbox";
DROP TABLE "Outbox";
ALTER TABLE "new_Outbox" RENAME TO "Outbox";
CREATE INDEX "Outbox_status_nextAttemptAt_idx" ON "Outbox"("status", "nextAttemptAt");
CREATE UNIQUE INDEX "Outbox_eventKey_target_key" ON "Outbox"("eventKey", "target");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ActionToken_expiresAt_idx" ON "ActionToken"("expiresAt");

-- CreateIndex
CREATE INDEX "StateChange_handledAt_idx" ON "StateChange"("handledAt");

-- CreateIndex
CREATE INDEX "Subscriber_confirmTokenHash_idx" ON "Subscriber"("confirmTokenHash");

