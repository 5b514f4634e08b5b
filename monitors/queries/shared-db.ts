import { openDatabase, type Db } from "../store/client";

const globalForDb = globalThis as unknown as { statusDb?: Promise<Db> };

/** One database client per server process (the web reuses it across requests and hot reloads). */
export function sharedDb(): Promise<Db> {
  globalForDb.statusDb ??= openDatabase().then((r) => r.db);
  return globalForDb.statusDb;
}
