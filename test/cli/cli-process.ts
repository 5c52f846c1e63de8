// Runs the `chatwire` CLI from the sources (tsx) as its own process, as an operator would run it.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = fileURLToPath(new URL("../../server/cli.ts", import.meta.url));
/** tsx by absolute URL: the CLI runs in a scratch folder, where a bare `--import tsx` would not resolve. */
const TSX = import.meta.resolve("tsx");

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: none of the test runner's CHATWIRE_* or PORT settings leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CHATWIRE_|PORT$|HOST$|LOG_LEVEL$)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export function spawnCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): ChildProcess {
  return spawn(process.execPath, ["--import", TSX, CLI, ...args], { cwd: options.cwd, env: cleanEnv(options.env), stdio: ["pipe", "pipe", "pipe"] });
}

/** Runs a command to its end. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string>; stdin?: string }): Promise<Exited> {
  const child = spawnCli(args, options);
  child.stdin!.end(options.stdin ?? "");
  return exited(child);
}

export function exited(child: ChildProcess): Promise<Exited> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

export interface RunningCli {
  child: ChildProcess;
  url: string;
  /** stdout so far. */
  output(): string;
  /** Resolves with the exit and all output. */
  exit: Promise<Exited>;
}

/** Starts `chatwire serve` and resolves once it prints its URL (rejects if it exits first). */
export function startServe(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<RunningCli> {
  const child = spawnCli(["serve", ...args], options);
  child.stdin!.end();
  const exit = exited(child);
  let seen = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: string) => {
      seen += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(seen)?.[1];
      // The banner is one write, so it arrives whole.
      if (url && seen.endsWith("\n")) resolve({ child, url, output: () => seen, exit });
    });
    void exit.then((e) => reject(new Error(`chatwire serve exited (${e.code}) before listening:\n${e.stdout}\n${e.stderr}`)));
  });
}
