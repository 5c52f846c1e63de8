// One schema change, written once per SQL dialect so SQLite and PostgreSQL stay in lockstep.

export interface Migration {
  /** A UTC timestamp (`YYYYMMDDTHHMMSSZ`) plus a slug; applied in ascending order and recorded in `schema_migrations`. */
  readonly id: string;
  readonly sqlite: string;
  readonly postgres: string;
}
