// Small SQL pieces whose text differs by engine, so stores stay written once.
import { sql, type Expression, type SqlBool } from "kysely";
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
