// How one keyword matches a search table's `text` (a case-insensitive substring) on each engine: through the FTS5
// trigram table on SQLite when the keyword has 3 characters or more (a trigram index has no shorter entry; shorter
// keywords are a LIKE over the rows the rest of the query selects), an ILIKE the pg_trgm GIN index serves on
// PostgreSQL.
import { sql, type Expression, type SqlBool } from "kysely";
import type { Engine } from "../storage/db.js";

function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** A case-insensitive substring match of a column no trigram index serves (LIKE on SQLite is case-insensitive for ASCII). */
export function substringMatch(engine: Engine, column: string, keyword: string): Expression<SqlBool> {
  return engine === "postgres"
    ? sql<SqlBool>`${sql.ref(column)} ilike ${likePattern(keyword)} escape '\\'`
    : sql<SqlBool>`${sql.ref(column)} like ${likePattern(keyword)} escape '\\'`;
}

/** `alias` is the search table's alias in the query, `fts` its FTS5 table (SQLite). */
export function keywordMatch(engine: Engine, keyword: string, alias: "s" | "u" | "g", fts: "message_fts" | "user_fts" | "group_fts"): Expression<SqlBool> {
  const text = sql.ref(`${alias}.text`);
  if (engine === "postgres") return sql<SqlBool>`${text} ilike ${likePattern(keyword)} escape '\\'`;
  if ([...keyword].length >= 3) {
    return sql<SqlBool>`${sql.ref(`${alias}.id`)} in (select rowid from ${sql.table(fts)} where ${sql.table(fts)} match ${`"${keyword.replace(/"/g, '""')}"`})`;
  }
  return sql<SqlBool>`${text} like ${likePattern(keyword)} escape '\\'`;
}
