/** Every code a BillsyncError can carry: generated from src/error.rs (Error::ALL_CODES). */
import type { BillsyncErrorCode } from "./dist/node/billsync.js";
export type { BillsyncErrorCode };

/** Field errors in the Django REST framework shape: `{ field: ["message"] }`. */
export type FieldErrors = Record<string, string[]>;

/** Where an error happened, beside its message. */
export interface BillsyncErrorDetails {
  row?: number;
  column?: string;
  value?: string;
  location?: string;
  call?: string;
  /** `invalid_argument`: which argument, what it must be, and what it was. */
  argument?: string;
  expected?: string;
  got?: string;
  /** `payload_too_large`: the limit that was exceeded, and its unit ("bytes", "rows", "characters"). */
  limit?: number;
  unit?: string;
}

/** The one error class billsync throws. */
export declare class BillsyncError extends Error {
  readonly name: "BillsyncError";
  readonly code: BillsyncErrorCode;
  /** The HTTP status the error answers a REST request with (400 for validation and invalid arguments, 413
   * for payload_too_large). */
  readonly status: number;
  /** Present for `validation_failed`. */
  readonly fields?: FieldErrors;
  readonly details?: BillsyncErrorDetails;
}

/** True when `value` is an error thrown by billsync. */
export declare function isBillsyncError(value: unknown): value is BillsyncError;
