// The server in a child process, for tests that kill it: starts on the storage and key given in the environment
// and prints its URL as one JSON line.
import { startServer } from "../../server/index.js";

const server = await startServer({
  storage: process.env.CHATWIRE_STORAGE,
  secretKey: process.env.CHATWIRE_SECRET_KEY,
  logLevel: "silent",
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
