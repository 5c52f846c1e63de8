// Every migration by name; names are UTC timestamps plus a slug and run in ascending order. Append new ones; never
// edit, rename or reorder one that has shipped.
import type { Migration } from "kysely";
import { init } from "./20251122T000000Z-init.js";
import { timers } from "./20261128T000000Z-timers.js";
import { messages } from "./20261201T000000Z-messages.js";
import { relationships } from "./20261202T000000Z-relationships.js";
import { groups } from "./20261203T000000Z-groups.js";
import { signaling } from "./20261204T000000Z-signaling.js";
import { interactions } from "./20261205T000000Z-interactions.js";
import { search } from "./20261206T000000Z-search.js";
import { groupSearch } from "./20261207T000000Z-group-search.js";

export const migrations: Readonly<Record<string, Migration>> = {
  "20251122T000000Z-init": init,
  "20261128T000000Z-timers": timers,
  "20261201T000000Z-messages": messages,
  "20261202T000000Z-relationships": relationships,
  "20261203T000000Z-groups": groups,
  "20261204T000000Z-signaling": signaling,
  "20261205T000000Z-interactions": interactions,
  "20261206T000000Z-search": search,
  "20261207T000000Z-group-search": groupSearch,
};
