// What pkg/examples/quickstart.{mjs,cjs} print: the tests compare both, in the repo and installed from the
// packed tarball, with this.
export const QUICKSTART_OUTPUT = `consumption sync: 200 (1 synced)
reconciliation: 200 (1 reconciled)
XSP1001 2025-01-01: consumed 100.00, final 95.00, adjustment -5.00
invoice items: Arrow consumption: subscription-1: 100.00; Arrow consumption adjustment: subscription-1 (credit for 2025-01-01): -5.00
`;
