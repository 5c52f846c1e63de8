// `npm run bench`: the hot paths, each against a server in its own process. Not a test: it prints figures.
import { benchLogin } from "./login.js";
import { benchPresenceFanout } from "./presence-fanout.js";

await benchPresenceFanout();
await benchLogin();
process.exit(0);
