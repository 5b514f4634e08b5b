-- CreateTable
CREATE TABLE "HeartbeatPing" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "monitorId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "exitCode" INTEGER,
    "body" TEXT,
    "bodyTruncated" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "HeartbeatPing_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HeartbeatToken" (
    "monitorId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tokenHash" TEXT NOT NULL,
    "generated" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "HeartbeatToken_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "HeartbeatPing_monitorId_at_idx" ON "HeartbeatPing"("monitorId", "at");

-- CreateIndex
CREATE INDEX "HeartbeatPing_at_idx" ON "HeartbeatPing"("at");

-- CreateIndex
CREATE UNIQUE INDEX "HeartbeatToken_tokenHash_key" ON "HeartbeatToken"("tokenHash");

