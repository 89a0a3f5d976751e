export * from "./dist/node/billsync.js";
export { BillsyncError, isBillsyncError } from "./errors.js";
export type { BillsyncErrorCode, BillsyncErrorDetails, FieldErrors } from "./errors.js";
export { runStoreConformance, conformanceChecks, conformanceFixture } from "./conformance.js";
export type { ConformanceOptions, ConformanceResult } from "./conformance.js";
