-- CreateTable
CREATE TABLE "HeartbeatPing" (
    "id" SERIAL NOT NULL,
    "monitorId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "exitCode" INTEGER,
    "body" TEXT,
    "bodyTruncated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "HeartbeatPing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HeartbeatToken" (
    "monitorId" INTEGER NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "generated" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HeartbeatToken_pkey" PRIMARY KEY ("monitorId")
);

-- CreateIndex
CREATE INDEX "HeartbeatPing_monitorId_at_idx" ON "HeartbeatPing"("monitorId", "at");

-- CreateIndex
CREATE INDEX "HeartbeatPing_at_idx" ON "HeartbeatPing"("at");

-- CreateIndex
CREATE UNIQUE INDEX "HeartbeatToken_tokenHash_key" ON "HeartbeatToken"("tokenHash");

-- AddForeignKey
ALTER TABLE "HeartbeatPing" ADD CONSTRAINT "HeartbeatPing_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HeartbeatToken" ADD CONSTRAINT "HeartbeatToken_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

