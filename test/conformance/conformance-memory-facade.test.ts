// Every golden case on the facade driver against in-process servers on memory storage (see conformance-cases.ts).
import { conformanceTests } from "./conformance-cases.js";

await conformanceTests("memory", "facade");
