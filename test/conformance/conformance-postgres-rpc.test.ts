// Every golden case on the rpc driver against in-process servers on postgres storage (see conformance-cases.ts).
import { conformanceTests } from "./conformance-cases.js";

await conformanceTests("postgres", "rpc");
