// The JS face of billsync's errors. wasm-bindgen copies this file next to the generated glue, and the Rust
// side constructs it, so every error thrown by billsync is a real Error subclass with a stable code.
export class BillsyncError extends Error {
  constructor(code, message, status, fields, details) {
    // Error() converts its message to a string, which throws for a Symbol: a host constructing one with
    // any value gets an error, never a TypeError.
    super(typeof message === "symbol" ? String(message) : message);
    this.name = "BillsyncError";
    this.code = code;
    this.status = status;
    if (fields !== undefined && fields !== null) this.fields = fields;
    if (details !== undefined && details !== null) this.details = details;
  }
}

export function isBillsyncError(value) {
  return value instanceof BillsyncError;
}
