// `npm start`: runs the reference server with settings from the environment and prints its URL.
import { startServer } from "./index.js";

const server = await startServer({
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? "127.0.0.1",
  sdkAppID: process.env.CHATWIRE_SDK_APP_ID ? Number(process.env.CHATWIRE_SDK_APP_ID) : undefined,
  secretKey: process.env.CHATWIRE_SECRET_KEY,
  storage: process.env.CHATWIRE_STORAGE,
  logLevel: process.env.LOG_LEVEL ?? "info",
});
console.log(`Chatwire listening on ${server.url}`);
console.log(`SDKAppID ${server.sdkAppID}${process.env.CHATWIRE_SECRET_KEY ? "" : `, secret key ${server.secretKey} (random: set CHATWIRE_SECRET_KEY to keep one)`}`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
