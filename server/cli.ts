// The `chatwire` command: `serve` runs the reference server; `conformance` runs the conformance suite against a
// running server (or, without --url, against fresh in-process servers with a manual clock).
import { Command, InvalidArgumentError, Option } from "commander";
import { startServer } from "./index.js";

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("not a non-negative integer");
  return n;
}

const program = new Command()
  .name("chatwire")
  .description("Tencent Cloud Chat's Web SDK API as an open protocol: the reference server and its conformance suite.")
  .showHelpAfterError();

program
  .command("serve")
  .description("Run the reference server and print its URL.")
  .option("--port <port>", "TCP port; 0 picks a free one", integer, Number(process.env.PORT ?? 8080))
  .option("--host <host>", "interface to bind", process.env.HOST ?? "127.0.0.1")
  .option("--sdk-app-id <id>", "the SDKAppID UserSigs must carry (env CHATWIRE_SDK_APP_ID)", integer, envInt("CHATWIRE_SDK_APP_ID"))
  .option("--secret-key <key>", "the key UserSigs are signed with; random when absent (env CHATWIRE_SECRET_KEY)", process.env.CHATWIRE_SECRET_KEY)
  .option("--storage <storage>", 'memory, a SQLite file path or a postgres:// URL (env CHATWIRE_STORAGE)', process.env.CHATWIRE_STORAGE)
  .option("--log-level <level>", "pino log level, or silent", process.env.LOG_LEVEL ?? "info")
  .action(async (options: { port: number; host: string; sdkAppId?: number; secretKey?: string; storage?: string; logLevel: string }) => {
    const server = await startServer({
      port: options.port,
      host: options.host,
      sdkAppID: options.sdkAppId,
      secretKey: options.secretKey,
      storage: options.storage,
      logLevel: options.logLevel,
    });
    console.log(`Chatwire listening on ${server.url}`);
    console.log(`SDKAppID ${server.sdkAppID}${options.secretKey ? "" : `, secret key ${server.secretKey} (random: pass --secret-key to keep one)`}`);
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });

program
  .command("conformance")
  .description("Run the conformance suite. With --url against that server (cases needing a manual clock, server options or a restart are skipped); without, against in-process servers.")
  .option("--url <url>", "the server's base URL, e.g. http://127.0.0.1:8080")
  .option("--sdk-app-id <id>", "the server's SDKAppID (env CHATWIRE_SDK_APP_ID)", integer, envInt("CHATWIRE_SDK_APP_ID"))
  .option("--secret-key <key>", "the server's secret key, to sign UserSigs (env CHATWIRE_SECRET_KEY)", process.env.CHATWIRE_SECRET_KEY)
  .addOption(new Option("--driver <driver>", "drive the server with raw RPCs, the TencentCloudChat facade, or both").choices(["rpc", "facade", "both"]).default("both"))
  .addOption(
    new Option("--storage <engine>", "in-process servers' storage; cases that restart the server need sqlite or postgres (env CHATWIRE_TEST_PG_URL)")
      .choices(["memory", "sqlite", "postgres"])
      .default("memory"),
  )
  .option("--filter <glob>", "run the cases whose driver/suite/case or suite/case matches (* within a segment, ** across); repeat to run the cases any matches", (glob: string, globs: string[] = []) => [...globs, glob])
  .option("--bail", "stop at the first failing case")
  .option("--junit <file>", "write a JUnit XML report")
  .addOption(new Option("--trace <which>", "print traces of failures, of every case, or none").choices(["failures", "all", "none"]).default("failures"))
  .action(async (options: { url?: string; sdkAppId?: number; secretKey?: string; driver: string; storage: "memory" | "sqlite" | "postgres"; filter?: string[]; bail?: boolean; junit?: string; trace: "failures" | "all" | "none" }, command: Command) => {
    if (options.url && (options.sdkAppId === undefined || !options.secretKey)) {
      command.error("error: --url needs --sdk-app-id and --secret-key (or CHATWIRE_SDK_APP_ID and CHATWIRE_SECRET_KEY)");
    }
    // Loaded only here: `serve` must not need the suite.
    const { runConformance } = await import("../test/conformance/run.js");
    const { inProcessTargets, remoteTargets } = await import("../test/conformance/targets.js");
    const targets = options.url
      ? remoteTargets({ url: options.url, sdkAppID: options.sdkAppId!, secretKey: options.secretKey! })
      : inProcessTargets({ storage: options.storage });
    const { ok } = await runConformance({
      targets,
      drivers: options.driver === "both" ? ["rpc", "facade"] : [options.driver as "rpc" | "facade"],
      filter: options.filter,
      bail: options.bail,
      junit: options.junit,
      traces: options.trace,
      log: (line) => console.log(line),
    });
    // Devices hold HTTP/2 connections and timers; a finished run exits rather than waiting on them.
    process.exit(ok ? 0 : 1);
  });

function envInt(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : Number(value);
}

await program.parseAsync(process.argv);
