// Every migration, oldest first. Append new ones; never edit or reorder an applied one.
import { init } from "./20251122T000000Z-init.js";
import type { Migration } from "./migration.js";

export type { Migration } from "./migration.js";

export const migrations: readonly Migration[] = [init];
