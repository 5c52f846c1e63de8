// Every golden case on the rpc driver against in-process servers on sqlite storage (see conformance-cases.ts).
import { conformanceTests } from "./conformance-cases.js";

await conformanceTests("sqlite", "rpc");
