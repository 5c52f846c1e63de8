// `npm run bench`: the hot paths, each against a server in its own process, and the package's figures. Not a test:
// it prints figures. `npm run bench -- package` (or fanout, group, login, messages, login-history, follow-paging, search) runs one part.
import { benchFollowPaging } from "./follow-paging.js";
import { benchGroupFanout } from "./group-fanout.js";
import { benchLogin } from "./login.js";
import { benchLoginHistory } from "./login-history.js";
import { benchMessages } from "./messages-c2c.js";
import { benchPackage } from "./package.js";
import { benchPresenceFanout } from "./presence-fanout.js";
import { benchSearch } from "./search.js";

const parts = {
  fanout: benchPresenceFanout,
  group: benchGroupFanout,
  login: benchLogin,
  messages: benchMessages,
  "login-history": benchLoginHistory,
  "follow-paging": benchFollowPaging,
  package: benchPackage,
  search: benchSearch,
};
const chosen = process.argv.slice(2);
for (const name of chosen) if (!(name in parts)) throw new Error(`unknown bench part ${name}: ${Object.keys(parts).join(", ")}`);
for (const [name, run] of Object.entries(parts)) if (chosen.length === 0 || chosen.includes(name)) await run();
process.exit(0);
