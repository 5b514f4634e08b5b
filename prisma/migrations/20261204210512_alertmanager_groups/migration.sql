-- CreateTable
CREATE TABLE "AlertGroup" (
    "keyHash" TEXT NOT NULL PRIMARY KEY,
    "groupKey" TEXT NOT NULL,
    "receiver" TEXT NOT NULL,
    "incidentId" INTEGER,
    "digest" TEXT NOT NULL DEFAULT '',
    "claimedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AlertGroup_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AlertGroup_incidentId_idx" ON "AlertGroup"("incidentId");

