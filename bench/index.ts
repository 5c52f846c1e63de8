// `npm run bench`: the hot paths, each against a server in its own process. Not a test: it prints figures.
import { benchLogin } from "./login.js";
import { benchLoginHistory } from "./login-history.js";
import { benchMessages } from "./messages-c2c.js";
import { benchPresenceFanout } from "./presence-fanout.js";

await benchPresenceFanout();
await benchLogin();
await benchMessages();
await benchLoginHistory();
process.exit(0);
