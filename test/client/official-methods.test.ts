// Every one of the 149 official methods exists on an instance, and the facade's method table agrees with the
// official declarations, with the table read from the official package (fixtures/official-methods.json) and with the
// generated bindings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { clientMethods, rpcMethods } from "../../client/generated/methods.js";
import { officialMethods } from "../../client/official-methods.js";
import { newChat } from "./helpers/chat-fixture.js";

interface ReferenceMethod {
  name: string;
  params: Array<{ name: string }> | null;
  returns: string | null;
  allowedBeforeReady: boolean;
  runtimeParamSchema: unknown;
}

const referencePath = fileURLToPath(new URL("./fixtures/official-methods.json", import.meta.url));
const referenceMethods = Object.entries(
  (JSON.parse(readFileSync(referencePath, "utf8")) as { domains: Record<string, ReferenceMethod[]> }).domains,
).flatMap(([domain, methods]) => methods.map((method) => ({ ...method, domain })));
const table = officialMethods as Record<string, (typeof officialMethods)[keyof typeof officialMethods]>;

/** The methods class ChatSDK declares in the official index.d.ts (148; `once` is runtime-only). */
function declaredMethods(): string[] {
  const dts = readFileSync(createRequire(import.meta.url).resolve("@tencentcloud/chat/index.d.ts"), "utf8");
  const body = dts.slice(dts.indexOf("class ChatSDK"));
  const classBody = body.slice(0, body.search(/^}/m));
  return [...new Set([...classBody.matchAll(/^\s+([a-zA-Z]+)\(/gm)].map((m) => m[1]!))];
}

/**
 * The reference schema as the spec records it: positional rules always carry their parameter's name, empty object
 * schemas check nothing (null), and the one nested rule of the official table (createImageMessage's
 * `payload.onProgress`, which its validator never reads) is left out.
 */
function officialSchema(method: ReferenceMethod): unknown {
  const schema = method.runtimeParamSchema as Record<string, Record<string, unknown>> | Array<Record<string, unknown>> | undefined;
  if (!schema) return null;
  // `required: false` says nothing the absence of `required` does not.
  const clean = (rule: Record<string, unknown>) => Object.fromEntries(Object.entries(rule).filter(([, v]) => typeof v !== "object" && v !== false));
  if (Array.isArray(schema)) return schema.map((rule, i) => ({ name: method.params?.[i]?.name ?? "options", ...clean(rule) }));
  const entries = Object.entries(schema).map(([k, rule]) => [k, clean(rule)]);
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

function assertAllOnInstance(names: readonly string[]): void {
  const { chat } = newChat();
  for (const name of names) {
    assert.equal(typeof (chat as unknown as Record<string, unknown>)[name], "function", name);
  }
  assert.equal(Object.getPrototypeOf(chat), null);
}

test("every method of the official declarations, plus once, exists on an instance (149)", () => {
  const names = [...declaredMethods(), "once"];
  assert.equal(names.length, 149);
  assert.deepEqual([...names].sort(), Object.keys(table).sort());
  assertAllOnInstance(names);
});

test("the official table lists 149 methods and every one exists on an instance", () => {
  assert.equal(referenceMethods.length, 149);
  assertAllOnInstance(referenceMethods.map((m) => m.name));
});

test("the method table equals the official table: names, domains, allow-list, parameters, schemas", () => {
  assert.deepEqual(Object.keys(table).sort(), referenceMethods.map((m) => m.name).sort());
  for (const method of referenceMethods) {
    const entry = table[method.name]!;
    assert.equal(entry.domain, method.domain, method.name);
    assert.equal(entry.allowedBeforeReady, method.allowedBeforeReady, method.name);
    assert.deepEqual(entry.schema, officialSchema(method), method.name);
    if (method.params) assert.deepEqual(entry.params, method.params.map((p) => p.name), method.name);
    const declaredSync = method.returns !== null && !method.returns.startsWith("Promise") && method.name !== "callExperimentalAPI";
    if (method.name !== "once") assert.equal(entry.sync, declaredSync, method.name);
  }
});

test("the generated bindings name official methods and agree on the allow-list", () => {
  for (const binding of [...rpcMethods, ...clientMethods]) {
    const entry = table[binding.name];
    assert.ok(entry, `${binding.name} is not an official method`);
    assert.equal(binding.allowedBeforeReady, entry.allowedBeforeReady, binding.name);
  }
});
