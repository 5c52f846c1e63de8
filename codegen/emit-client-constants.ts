// Emits the facade's official constant tables (TYPES, EVENT, TSignaling) and the enum-number → official-value maps.
import { ConstantTable } from "../gen/chatwire/v1/options_pb.js";
import { emitTypeScript, key, type GeneratedFile } from "./generated-file.js";
import { constantValue, type Spec } from "./load-spec.js";

export const CLIENT_CONSTANTS_PATH = "client/generated/constants.ts";

export function emitClientConstants(spec: Spec): GeneratedFile {
  const tables = new Map<ConstantTable, string[]>([
    [ConstantTable.TYPES, []],
    [ConstantTable.EVENT, []],
    [ConstantTable.TSIGNALING, []],
  ]);
  const enumMaps: string[] = [];
  for (const e of spec.constantEnums) {
    const lines = tables.get(e.table)!;
    const numbers: string[] = [];
    for (const v of e.values) {
      const value = JSON.stringify(constantValue(v.constant));
      for (const name of [v.constant.name, ...v.constant.aliases]) lines.push(`  ${key(name)}: ${value},`);
      numbers.push(`    ${v.number}: ${value},`);
    }
    enumMaps.push(`  ${JSON.stringify(e.desc.typeName)}: {\n${numbers.join("\n")}\n  },`);
  }
  const table = (name: string, doc: string, t: ConstantTable) =>
    `/** ${doc} */\nexport const ${name} = {\n${tables.get(t)!.join("\n")}\n} as const;`;
  return emitTypeScript(CLIENT_CONSTANTS_PATH, "emit-client-constants.ts", [
    table("TYPES", "`TencentCloudChat.TYPES`: every official constant with its runtime value.", ConstantTable.TYPES),
    table("EVENT", "`TencentCloudChat.EVENT`: every official event name with its runtime value.", ConstantTable.EVENT),
    table("TSignaling", "`TencentCloudChat.TSignaling`: signaling event names and action types.", ConstantTable.TSIGNALING),
    `/** Enum type name → enum number → the official runtime value the number stands for. */\nexport const officialEnumValues: Readonly<Record<string, Readonly<Record<number, string | number>>>> = {\n${enumMaps.join("\n")}\n};`,
  ]);
}
