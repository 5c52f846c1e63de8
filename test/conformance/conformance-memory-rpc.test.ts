// Every golden case on the rpc driver against in-process servers on memory storage (see conformance-cases.ts).
import { conformanceTests } from "./conformance-cases.js";

await conformanceTests("memory", "rpc");
