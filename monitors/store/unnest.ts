import { type PreparedStatement, utcText } from "./pg-direct";

/** A column of a statement that takes its rows as arrays: its name and PostgreSQL type. */
export type TypedColumn = readonly [name: string, pgType: string];

/** `"a", "b", …`: the column list of an INSERT. */
export function columnNames(columns: readonly TypedColumn[]): string {
  return columns.map(([c]) => `"${c}"`).join(", ");
}

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], …) tail`: a batch of any size in one
 * statement whose text never changes, so it is prepared once per connection (multiRowStatements is
 * the SQLite form, one "(…)" per row).
 */
export function unnestInsert(name: string, table: string, columns: readonly TypedColumn[], tail = ""): PreparedStatement {
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  return { name, text: `INSERT INTO "${table}" (${columnNames(columns)}) SELECT * FROM unnest(${arrays})${tail}` };
}

/**
 * Rows of values as one array per column, the parameters of an unnest statement. Dates become UTC
 * text: `pg` would write them in the process's time zone, which a timestamp column ignores.
 */
export function columnArrays(rows: readonly unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < width; c++) {
      const v = row[c];
      columns[c][r] = v instanceof Date ? utcText(v) : v;
    }
  }
  return columns;
}
