-- AlterTable
ALTER TABLE "StateChange" ADD COLUMN "dependencyId" INTEGER;

-- AlterTable
ALTER TABLE "IncidentMonitor" ADD COLUMN "dependencyId" INTEGER;

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
    "dependsOn" JSONB NOT NULL DEFAULT [],
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Monitor" ("archivedAt", "config", "confirmDown", "confirmUp", "createdAt", "description", "disabledReason", "group", "id", "intervalSec", "isPublic", "kind", "name", "phaseMs", "quorum", "regions", "showTarget", "sloPercent", "slug", "sortOrder", "timeoutMs", "updatedAt") SELECT "archivedAt", "config", "confirmDown", "confirmUp", "createdAt", "description", "disabledReason", "group", "id", "intervalSec", "isPublic", "kind", "name", "phaseMs", "quorum", "regions", "showTarget", "sloPercent", "slug", "sortOrder", "timeoutMs", "updatedAt" FROM "Monitor";
DROP TABLE "Monitor";
ALTER TABLE "new_Monitor" RENAME TO "Monitor";
CREATE UNIQUE INDEX "Monitor_slug_key" ON "Monitor"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

