// Where RPCs go. The facade talks to any Connect `Transport` (tests inject an in-memory router transport);
// without one it builds a Connect transport with the binary format for `baseUrl`: HTTP/2 through
// @connectrpc/connect-node under Node, fetch through @connectrpc/connect-web elsewhere. The Node module is
// imported dynamically, so browser bundles never load it; connect-web statically, so bundlers drop its unused
// gRPC-web transport.
import type { Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";

interface NodeGlobals {
  process?: { versions?: { node?: string } };
  window?: unknown;
}

/** Whether the facade runs under Node (and not in a browser that polyfills `process`). */
export function isNodeRuntime(): boolean {
  const g = globalThis as NodeGlobals;
  return typeof g.process?.versions?.node === "string" && g.window === undefined;
}

// A variable specifier keeps bundlers from resolving the Node transport into browser builds.
const NODE_TRANSPORT_MODULE = "@connectrpc/connect-node";

/** Builds the default Connect transport for `baseUrl` (e.g. "http://127.0.0.1:8080"). */
export async function createDefaultTransport(baseUrl: string): Promise<Transport> {
  if (isNodeRuntime()) {
    const node = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_TRANSPORT_MODULE)) as typeof import("@connectrpc/connect-node");
    return node.createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true });
  }
  return createConnectTransport({ baseUrl, useBinaryFormat: true });
}

/** Returns a function that yields the injected transport, or builds the default one once on first use. */
export function lazyTransport(options: { transport?: Transport; baseUrl: string }): () => Promise<Transport> {
  let pending: Promise<Transport> | undefined;
  return () => {
    pending ??= options.transport ? Promise.resolve(options.transport) : createDefaultTransport(options.baseUrl);
    return pending;
  };
}

/**
 * The server when create() names none: `globalThis.CHATWIRE_BASE_URL` (a script tag or a bundler `define`), the
 * `CHATWIRE_URL` environment variable under Node, or the page's origin in a browser.
 */
export function defaultBaseUrl(): string {
  const g = globalThis as { location?: { origin?: string }; process?: { env?: Record<string, string | undefined> } };
  // Written out in full, so that a bundler's `define: {"globalThis.CHATWIRE_BASE_URL": …}` replaces it.
  const url = (globalThis as { CHATWIRE_BASE_URL?: string }).CHATWIRE_BASE_URL || g.process?.env?.CHATWIRE_URL || g.location?.origin;
  if (url) return url;
  throw new TypeError("TencentCloudChat.create: pass `baseUrl` (the Chatwire server URL), set CHATWIRE_URL, or `transport`.");
}
