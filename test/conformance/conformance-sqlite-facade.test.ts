// Every golden case on the facade driver against in-process servers on sqlite storage (see conformance-cases.ts).
import { conformanceTests } from "./conformance-cases.js";

await conformanceTests("sqlite", "facade");
