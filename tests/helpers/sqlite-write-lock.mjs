#!/usr/bin/env node
// Holds SQLite's write lock on a database for a while, as a competing writer would:
//   node tests/helpers/sqlite-write-lock.mjs <database file> <hold ms>
// Prints "locked <epoch ms>" once BEGIN IMMEDIATE succeeded and "released <epoch ms>" after COMMIT.
import Database from "better-sqlite3";

const [file, holdArg] = process.argv.slice(2);
const holdMs = Number(holdArg ?? 5000);
if (!file || !Number.isFinite(holdMs)) {
  console.error("usage: sqlite-write-lock.mjs <database file> <hold ms>");
  process.exit(2);
}

// This process may wait as long as it likes for the agent's current transaction to end.
const db = new Database(file, { timeout: 30_000 });
db.exec("BEGIN IMMEDIATE");
// A real write, so the lock is a writer's and not just a reservation.
db.prepare(
  `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('chaos-lock', '"held"', ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
).run(Date.now());
console.log(`locked ${Date.now()}`);
setTimeout(() => {
  db.exec("COMMIT");
  console.log(`released ${Date.now()}`);
  db.close();
}, holdMs);
