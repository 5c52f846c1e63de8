#!/usr/bin/env node
// The `chatwire` executable: loads the TypeScript CLI through tsx (a runtime dependency), so no build step is needed.
import { register } from "tsx/esm/api";

register();
await import("../server/cli.ts");
