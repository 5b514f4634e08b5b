-- AlterTable
ALTER TABLE "MonitorState" ADD COLUMN "lastLatenessMs" REAL;

