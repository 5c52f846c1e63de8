// Which RPCs the reference server serves, as "chatwire.v1.Service.Method": read off a server started in memory (its
// handler table decides, nothing else), so `coverage:api` and docs/api.md agree and follow new domains by themselves.
export async function servedMethods(): Promise<Set<string>> {
  const { startServer } = await import("../server/index.js");
  const server = await startServer({ storage: "memory", logLevel: "silent", metrics: false });
  try {
    return new Set(server.implementedMethods);
  } finally {
    await server.close();
  }
}
