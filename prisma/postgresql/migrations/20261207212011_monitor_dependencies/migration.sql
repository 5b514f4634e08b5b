-- AlterTable
ALTER TABLE "Monitor" ADD COLUMN     "dependsOn" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "StateChange" ADD COLUMN     "dependencyId" INTEGER;

-- AlterTable
ALTER TABLE "IncidentMonitor" ADD COLUMN     "dependencyId" INTEGER;

