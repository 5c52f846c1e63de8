// Lookups over the generated method tables.
import { clientMethods, rpcMethods, type ClientMethodBinding, type RpcMethodBinding } from "./generated/methods.js";

/** RPC-bound official methods by name. */
export const rpcBindings: ReadonlyMap<string, RpcMethodBinding> = new Map(
  (rpcMethods as readonly RpcMethodBinding[]).map((binding) => [binding.name, binding]),
);

/** Client-implemented official methods by name. */
export const clientBindings: ReadonlyMap<string, ClientMethodBinding> = new Map(
  (clientMethods as readonly ClientMethodBinding[]).map((binding) => [binding.name, binding]),
);

/** The binding of RPC-bound method `name`; throws when the spec does not bind it (a codegen/spec mismatch). */
export function rpcBinding(name: string): RpcMethodBinding {
  const binding = rpcBindings.get(name);
  if (!binding) throw new Error(`the spec binds no RPC to ${name}`);
  return binding;
}
