// Reads the spec the way every emitter needs it: the descriptors buf generated into gen/, custom options decoded.
// Pure data out; the emitters never touch descriptors' option encoding themselves.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import {
  createFileRegistry,
  fromBinary,
  getOption,
  hasOption,
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescMethod,
  type DescService,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { getComments } from "@bufbuild/protoplugin";
import {
  client_method,
  constant,
  constant_table,
  ConstantTable,
  error,
  event,
  facade,
  facade_name,
  http,
  rules,
  type ClientMethod,
  type FacadeBinding,
  type FieldRules,
  type HttpRoute,
  type OfficialConstant,
  type OfficialError,
} from "../gen/chatwire/v1/options_pb.js";

export interface SpecMethod {
  desc: DescMethod;
  /** Path of the generated module that exports the service, relative to the repo root, without extension. */
  module: string;
  facade?: FacadeBinding;
  http?: HttpRoute;
}

export interface SpecService {
  desc: DescService;
  module: string;
  methods: SpecMethod[];
}

export interface SpecClientMethod extends ClientMethod {
  file: string;
}

export interface SpecConstant {
  enumDesc: DescEnum;
  number: number;
  constant: OfficialConstant;
}

export interface SpecConstantEnum {
  desc: DescEnum;
  module: string;
  table: ConstantTable;
  values: SpecConstant[];
}

export interface SpecErrorCode {
  name: string;
  code: number;
  error: OfficialError;
  comment: string;
}

export interface SpecEventVariant {
  field: DescField;
  /** Official key, e.g. "USER_STATUS_UPDATED". */
  name: string;
}

export interface SpecFieldRules {
  field: DescField;
  rules: FieldRules;
}

export interface SpecMessageRules {
  desc: DescMessage;
  module: string;
  fields: SpecFieldRules[];
}

export interface Spec {
  files: DescFile[];
  services: SpecService[];
  clientMethods: SpecClientMethod[];
  constantEnums: SpecConstantEnum[];
  errorCodes: SpecErrorCode[];
  eventVariants: SpecEventVariant[];
  messageRules: SpecMessageRules[];
  facadeNames: Map<DescField, string>;
}

/**
 * Builds the spec with buf (source info kept, so comments are available) and returns its chatwire files, each with
 * the path of the module protoc-gen-es generates for it.
 */
export function loadSpecFiles(repoRoot: string, bufBin = join(repoRoot, "node_modules", ".bin", "buf")): Map<DescFile, string> {
  const image = execFileSync(bufBin, ["build", "-o", "-#format=binpb"], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
  const files = new Map<DescFile, string>();
  const chatwire = [...registry.files].filter((f) => f.name.startsWith("chatwire/")).sort((a, b) => a.name.localeCompare(b.name));
  for (const file of chatwire) files.set(file, `gen/${file.name}_pb`);
  return files;
}

/** The leading comment of a descriptor, trimmed; "" when it has none. */
export function commentOf(desc: Parameters<typeof getComments>[0]): string {
  return (getComments(desc).leading ?? "").trim();
}

/** Loads the spec of the buf workspace at `root` (its buf.yaml and proto/). */
export function loadSpec(root: string, bufBin?: string): Spec {
  const fileModules = loadSpecFiles(root, bufBin);
  const spec: Spec = {
    files: [...fileModules.keys()],
    services: [],
    clientMethods: [],
    constantEnums: [],
    errorCodes: [],
    eventVariants: [],
    messageRules: [],
    facadeNames: new Map(),
  };
  for (const [file, module] of fileModules) {
    for (const cm of getOption(file, client_method)) {
      spec.clientMethods.push({ ...cm, file: file.name });
    }
    for (const service of file.services) {
      spec.services.push({
        desc: service,
        module,
        methods: service.methods.map((m) => ({
          desc: m,
          module,
          facade: hasOption(m, facade) ? getOption(m, facade) : undefined,
          http: hasOption(m, http) ? getOption(m, http) : undefined,
        })),
      });
    }
    for (const e of file.enums) {
      readEnum(spec, e, module);
    }
    for (const message of allMessages(file.messages)) {
      for (const e of message.nestedEnums) readEnum(spec, e, module);
      const fields: SpecFieldRules[] = [];
      for (const field of message.fields) {
        if (hasOption(field, rules)) fields.push({ field, rules: getOption(field, rules) });
        if (hasOption(field, event)) spec.eventVariants.push({ field, name: getOption(field, event).name });
        if (hasOption(field, facade_name)) spec.facadeNames.set(field, getOption(field, facade_name));
      }
      if (fields.length > 0) spec.messageRules.push({ desc: message, module, fields });
    }
  }
  spec.errorCodes.sort((a, b) => a.code - b.code);
  return spec;
}

function readEnum(spec: Spec, e: DescEnum, module: string): void {
  const table = getOption(e, constant_table);
  if (table !== ConstantTable.UNSPECIFIED) {
    spec.constantEnums.push({
      desc: e,
      module,
      table,
      values: e.values
        .filter((v) => hasOption(v, constant))
        .map((v) => ({ enumDesc: e, number: v.number, constant: getOption(v, constant) })),
    });
  }
  for (const v of e.values) {
    if (hasOption(v, error)) {
      spec.errorCodes.push({
        name: v.name,
        code: v.number,
        error: getOption(v, error),
        comment: commentOf(v),
      });
    }
  }
}

export function* allMessages(messages: readonly DescMessage[]): Generator<DescMessage> {
  for (const m of messages) {
    yield m;
    yield* allMessages(m.nestedMessages);
  }
}

/** The official runtime value of a constant. */
export function constantValue(c: OfficialConstant): string | number {
  return c.value.case === "numberValue" ? c.value.value : c.value.case === "stringValue" ? c.value.value : "";
}
