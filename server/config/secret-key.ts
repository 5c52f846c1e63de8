// The secret key UserSigs are signed with. Configured (secretKey, secretKeyFile) it is used as given; otherwise the
// server keeps one in <dataDir>/secret-key, generating it on first start (mode 0600), so UserSigs stay valid
// across restarts and the key is shown once, when it is made.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "./settings.js";

export const SECRET_KEY_FILE_NAME = "secret-key";

export interface SecretKey {
  key: string;
  /** "config": given as a value; "file": read from a file; "generated": made now and written to `file`. */
  origin: "config" | "file" | "generated";
  file?: string;
}

function readKeyFile(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const key = text.trim();
  if (key === "") throw new ConfigError(`${what} ${file} is empty`);
  return key;
}

/**
 * Returns the key: the configured one, else the data directory's, else (when `generate`) a new one written there.
 * Without `generate` (the admin commands) a missing key is an error: they must sign with the server's key.
 */
export function resolveSecretKey(options: { secretKey?: string | undefined; secretKeyFile?: string | undefined; dataDir: string; generate: boolean }): SecretKey {
  if (options.secretKey) return { key: options.secretKey, origin: "config" };
  if (options.secretKeyFile) {
    const file = resolve(options.secretKeyFile);
    return { key: readKeyFile(file, "the secret key file"), origin: "file", file };
  }
  const file = resolve(join(options.dataDir, SECRET_KEY_FILE_NAME));
  let exists = true;
  try {
    statSync(file);
  } catch {
    exists = false;
  }
  if (exists) return { key: readKeyFile(file, "the secret key file"), origin: "file", file };
  if (!options.generate) {
    throw new ConfigError(`no secret key: ${file} does not exist (start the server once to generate it, or set secretKey / secretKeyFile)`);
  }
  const key = randomBytes(32).toString("hex");
  try {
    mkdirSync(resolve(options.dataDir), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600); // whatever the umask
  } catch (err) {
    throw new ConfigError(`cannot write the secret key to ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return { key, origin: "generated", file };
}
