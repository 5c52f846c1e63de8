// The `chatwire` command, as operators know ejabberdctl and prosodyctl: `serve` runs the reference server from a
// config file, the environment and flags; `usersig`, `import-accounts` and `status` administer a running one;
// `conformance` runs the conformance suite against any server. Every failure ends with one line and a non-zero exit.
// Modules beyond commander are loaded by the command that needs them, so `--help` and `usersig` start fast.
import { Command, Option } from "commander";
import { ConfigError, SETTINGS, envName } from "./config/settings.js";
import type { Config } from "./config/load-config.js";
import { chatwireVersion } from "./version.js";

/** A failure to report as one line (the message), then exit with `exitCode`. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Runs an action; every error becomes one line on stderr (a stack only with CHATWIRE_DEBUG=1). */
function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      console.error(`chatwire: ${message.split("\n")[0]}`);
      if (process.env.CHATWIRE_DEBUG === "1" && err instanceof Error) console.error(err.stack);
      process.exit(err instanceof CliError ? err.exitCode : 1);
    }
  };
}

/** --config, the flags of the settings (no defaults shown from the environment: --help never prints a secret), --set. */
function withSettings(command: Command, scope: "serve" | "admin"): Command {
  command.addOption(new Option("-c, --config <file>", "config file, YAML or JSON (env CHATWIRE_CONFIG)"));
  for (const setting of SETTINGS) {
    if (!setting.flag || (scope === "admin" && !setting.admin)) continue;
    const env = [envName(setting.key), ...(setting.envAliases ?? [])].join(", ");
    const fallback = setting.default ? `; default ${setting.default}` : "";
    command.addOption(new Option(`${setting.flag} <value>`, `${setting.help} (env ${env}${fallback})`));
  }
  if (scope === "serve") {
    command.addOption(
      new Option("--set <key=value>", "set any config-file key, e.g. --set presence.offlineTimeoutMs=60000 (repeatable)").argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      ),
    );
  }
  return command;
}

async function readConfig(command: Command): Promise<Config> {
  const { loadConfig } = await import("./config/load-config.js");
  const opts = command.opts<Record<string, string | string[] | undefined>>();
  const flags: Record<string, string | undefined> = {};
  for (const setting of SETTINGS) {
    if (!setting.flag) continue;
    const option = command.options.find((o) => o.long === setting.flag);
    if (option) flags[setting.key] = opts[option.attributeName()] as string | undefined;
  }
  return loadConfig({
    file: (opts.config as string | undefined) ?? (process.env.CHATWIRE_CONFIG || undefined),
    env: process.env,
    flags,
    sets: (opts.set as string[] | undefined) ?? [],
  });
}

function urlOf(config: Config, explicit: string | undefined): string {
  if (explicit) return explicit.replace(/\/+$/, "");
  const host = (config.values.host as string | undefined) ?? "127.0.0.1";
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${(config.values.port as number | undefined) ?? 8080}`;
}

async function adminKey(config: Config): Promise<{ sdkAppID: number; secretKey: string }> {
  const { resolveSecretKey } = await import("./config/secret-key.js");
  const { key } = resolveSecretKey({
    secretKey: config.values.secretKey as string | undefined,
    secretKeyFile: config.values.secretKeyFile as string | undefined,
    dataDir: (config.values.dataDir as string | undefined) ?? "./data",
    generate: false,
  });
  return { sdkAppID: (config.values.sdkAppID as number | undefined) ?? 1400000000, secretKey: key };
}

const program = new Command()
  .name("chatwire")
  .description("Tencent Cloud Chat's Web SDK API as an open protocol: the reference server, its admin tools and its conformance suite.")
  .version(chatwireVersion(), "-v, --version", "print the version")
  .showHelpAfterError("(add --help for usage)");

withSettings(
  program
    .command("serve")
    .description(
      "Run the reference server. Settings come from the config file, then the environment, then flags. On first start it " +
        "generates the secret key into <dataDir>/secret-key and prints it once. SIGTERM or SIGINT stops it gracefully.",
    ),
  "serve",
).action(
  action(async (_options: unknown, command: Command) => {
    const { serve } = await import("./cli/serve.js");
    await serve(await readConfig(command));
  }),
);

withSettings(
  program
    .command("usersig")
    .description("Print a UserSig for a user of the configured app, signed with the server's key (for `administrator`: the admin APIs' credential).")
    .argument("<userID>", "the user, e.g. administrator")
    .option("--expire <seconds>", "lifetime in seconds", "86400"),
  "admin",
).action(
  action(async (userId: string, options: { expire: string }, command: Command) => {
    const expireSeconds = Number(options.expire);
    if (!Number.isSafeInteger(expireSeconds) || expireSeconds < 1) throw new CliError(`invalid --expire ${JSON.stringify(options.expire)}: expected a positive number of seconds`);
    if (userId === "" || Buffer.byteLength(userId) > 32) throw new CliError("invalid userID: 1 to 32 bytes");
    const { genUserSig } = await import("./auth/user-sig.js");
    const { sdkAppID, secretKey } = await adminKey(await readConfig(command));
    console.log(genUserSig({ sdkAppId: sdkAppID, secretKey, userId, expireSeconds, nowMs: Date.now() }));
  }),
);

withSettings(
  program
    .command("import-accounts")
    .description("Create accounts on a running server before their first login (AccountAdminService.ImportAccounts, 100 per call).")
    .argument("[userIDs...]", "user IDs")
    .option("-f, --file <file>", "read user IDs from a file (one per line, # comments; or a JSON array); - for stdin")
    .option("--url <url>", "the server (default: http://<host>:<port> of the settings)"),
  "admin",
).action(
  action(async (userIds: string[], options: { file?: string; url?: string }, command: Command) => {
    const config = await readConfig(command);
    const { importAccounts, readUserIds } = await import("./cli/admin-commands.js");
    const ids = [...userIds, ...(options.file ? await readUserIds(options.file) : [])];
    if (ids.length === 0) throw new CliError("no user IDs: pass them as arguments or with --file");
    const line = await importAccounts({ url: urlOf(config, options.url), ...(await adminKey(config)), userIds: ids });
    console.log(line);
  }),
);

withSettings(
  program
    .command("status")
    .description("Show whether a server is live and ready, its version, uptime and counts (from /healthz, /readyz and /metrics).")
    .option("--url <url>", "the server (default: http://<host>:<port> of the settings)"),
  "admin",
).action(
  action(async (options: { url?: string }, command: Command) => {
    const { status } = await import("./cli/admin-commands.js");
    const report = await status(urlOf(await readConfig(command), options.url));
    console.log(report.lines.join("\n"));
    if (!report.ok) process.exit(1);
  }),
);

program
  .command("conformance")
  .description(
    "Run the conformance suite. With --url against that server (cases needing a manual clock, server options or a " +
      "restart are skipped; a preflight checks the server answers and accepts the key); without, against in-process servers.",
  )
  .option("--url <url>", "the server's base URL, e.g. http://127.0.0.1:8080")
  .option("--sdk-app-id <id>", "the server's SDKAppID (env CHATWIRE_SDK_APP_ID)")
  .option("--secret-key <key>", "the server's secret key, to sign UserSigs (env CHATWIRE_SECRET_KEY)")
  .addOption(new Option("--driver <driver>", "drive the server with raw RPCs, the TencentCloudChat facade, or both").choices(["rpc", "facade", "both"]).default("both"))
  .addOption(
    new Option("--storage <engine>", "in-process servers' storage; cases that restart the server need sqlite or postgres (env CHATWIRE_TEST_PG_URL)")
      .choices(["memory", "sqlite", "postgres"])
      .default("memory"),
  )
  .option("--filter <glob>", "run the cases whose driver/suite/case or suite/case matches (* within a segment, ** across); repeat to run the cases any matches, in that order", (glob: string, globs: string[] = []) => [...globs, glob])
  .option("--bail", "stop at the first failing case")
  .addOption(new Option("--reporter <format>", "also write a machine-readable report").choices(["json", "junit", "tap"]))
  .option("-o, --output <file>", "write the report to this file (its folder is created); without it the report goes to stdout and progress to stderr")
  .option("--junit <file>", "same as --reporter junit --output <file>")
  .addOption(new Option("--trace <which>", "print traces of failures, of every case, or none").choices(["failures", "all", "none"]).default("failures"))
  .action(
    action(
      async (options: {
        url?: string;
        sdkAppId?: string;
        secretKey?: string;
        driver: string;
        storage: "memory" | "sqlite" | "postgres";
        filter?: string[];
        bail?: boolean;
        reporter?: "json" | "junit" | "tap";
        output?: string;
        junit?: string;
        trace: "failures" | "all" | "none";
      }) => {
        const sdkAppIdText = options.sdkAppId ?? process.env.CHATWIRE_SDK_APP_ID;
        const secretKey = options.secretKey ?? process.env.CHATWIRE_SECRET_KEY;
        const sdkAppID = sdkAppIdText === undefined ? undefined : Number(sdkAppIdText);
        if (options.url && (sdkAppID === undefined || !secretKey)) {
          throw new CliError("--url needs --sdk-app-id and --secret-key (or CHATWIRE_SDK_APP_ID and CHATWIRE_SECRET_KEY)", 2);
        }
        if (sdkAppID !== undefined && !(Number.isSafeInteger(sdkAppID) && sdkAppID > 0)) throw new CliError(`invalid SDKAppID ${JSON.stringify(sdkAppIdText)}: expected a positive integer`, 2);
        const reporter = options.reporter ?? (options.junit ? "junit" : undefined);
        const output = options.output ?? options.junit;
        // A report on stdout keeps stdout for itself; progress goes to stderr.
        const toStderr = reporter !== undefined && output === undefined;
        // Loaded only here: `serve` must not need the suite.
        const { runConformance, remoteTargets, inProcessTargets, ConformanceSetupError } = await import("../test/conformance/index.js");
        const targets = options.url ? remoteTargets({ url: options.url, sdkAppID: sdkAppID!, secretKey: secretKey! }) : inProcessTargets(options.storage);
        let ok: boolean;
        try {
          ({ ok } = await runConformance({
            targets,
            drivers: options.driver === "both" ? ["rpc", "facade"] : [options.driver as "rpc" | "facade"],
            filter: options.filter,
            bail: options.bail,
            reporter,
            output,
            traces: options.trace,
            log: (line) => (toStderr ? console.error(line) : console.log(line)),
            print: (text) => process.stdout.write(text),
          }));
        } catch (err) {
          if (err instanceof ConformanceSetupError) throw new CliError(err.message, 2);
          throw err;
        }
        // Devices hold HTTP/2 connections and timers; a finished run exits rather than waiting on them.
        process.exit(ok ? 0 : 1);
      },
    ),
  );

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`chatwire: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
