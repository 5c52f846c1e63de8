// Small SQL pieces whose text differs by engine, so stores stay written once.
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from "kysely";
import type { Engine } from "./db.js";

/**
 * `column IN (values)` with one bound parameter however many values there are, so the statement text (and its
 * cached prepared statement) does not change with the list's length: json_each on SQLite, = ANY on PostgreSQL.
 */
export function inList(engine: Engine, column: string, values: readonly string[]): Expression<SqlBool> {
  return engine === "sqlite"
    ? sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`
    : sql<SqlBool>`${sql.ref(column)} = any(${values as string[]}::text[])`;
}

/** The SQL type of a column of `rowsOf`. */
export type RowsColumn = "text" | "bigint" | "bytes";

/**
 * A `select` yielding `rows` (each an array in `columns` order) as rows of columns c0, c1, …, with one bound
 * parameter per column however many rows there are, so a multi-row insert or upsert keeps one statement text (and
 * its cached prepared statement) for any batch: json_each on SQLite (bytes travel as hex), unnest on PostgreSQL.
 */
export function rowsOf(engine: Engine, columns: readonly RowsColumn[], rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  if (engine === "sqlite") {
    const json = JSON.stringify(rows.map((row) => row.map((v, i) => (columns[i] === "bytes" ? Buffer.from(v as Uint8Array).toString("hex") : v))));
    const picks = columns.map((type, i) => {
      const value = sql`json_extract(value, ${sql.lit(`$[${i}]`)})`;
      return sql`${type === "bytes" ? sql`unhex(${value})` : value} as ${sql.ref(`c${i}`)}`;
    });
    return sql`select ${sql.join(picks)} from json_each(${json}) where true`;
  }
  const arrays = columns.map((type, i) => {
    const values = rows.map((row) => (type === "bytes" ? Buffer.from(row[i] as Uint8Array) : row[i]));
    return sql`${values}::${sql.raw(type === "bytes" ? "bytea" : type)}[]`;
  });
  return sql`select * from unnest(${sql.join(arrays)}) as t(${sql.join(columns.map((_, i) => sql.ref(`c${i}`)))})`;
}

/**
 * Serialises transactions that read, then write, what `keys` name (a user's friend list, a profile): on PostgreSQL
 * a transaction-scoped advisory lock per key, taken in sorted order; SQLite's `BEGIN IMMEDIATE` already runs one
 * writer at a time. A deadlock PostgreSQL breaks is retried by `Db.transact`.
 */
export async function lockKeys(trx: Kysely<any>, engine: Engine, keys: readonly string[]): Promise<void> {
  if (engine !== "postgres") return;
  for (const key of [...new Set(keys)].sort()) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}
