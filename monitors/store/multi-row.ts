import { Prisma } from "@prisma/client";
import { dialectOf } from "./dialect";
import { executeSql } from "./raw-sql";
import { columnNames, type TypedColumn } from "./unnest";

type RawCapable = Parameters<typeof executeSql>[0];

/**
 * `head` + up to `perStatement` value tuples + `tail` per statement, for a batch of rows. Prisma's
 * createMany spends about 0.3 ms per row in its query compiler; a parameterised multi-row insert is
 * six times faster, on SQLite and PostgreSQL alike. Each row becomes one "(…)" tuple of its values.
 */
export function multiRowStatements(db: RawCapable, head: string, rows: unknown[][], perStatement: number, tail = "") {
  const statements = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const tuples = rows.slice(i, i + perStatement).map((values) => Prisma.sql`(${Prisma.join(values)})`);
    statements.push(executeSql(db, Prisma.sql`${Prisma.raw(head)}${Prisma.join(tuples)}${Prisma.raw(tail)}`));
  }
  return statements;
}

/**
 * multiRowStatements of `INSERT INTO table (columns) VALUES …`, from the same typed column list as
 * the table's unnest statement: a jsonb column's value (JSON text) is passed as the dialect's JSON
 * parameter.
 */
export function multiRowInsert(
  db: RawCapable,
  table: string,
  columns: readonly TypedColumn[],
  rows: unknown[][],
  perStatement: number,
  tail = "",
) {
  const { jsonParam } = dialectOf(db);
  const json = columns.flatMap(([, type], i) => (type === "jsonb" ? [i] : []));
  const values = json.length ? rows.map((row) => row.map((v, i) => (json.includes(i) ? jsonParam(v as string | null) : v))) : rows;
  return multiRowStatements(db, `INSERT INTO "${table}" (${columnNames(columns)}) VALUES `, values, perStatement, tail);
}
