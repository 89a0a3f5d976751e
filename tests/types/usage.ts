// Compile-only checks of the package's declarations, as a TypeScript user would write against them.
import {
  BillsyncError,
  isBillsyncError,
  parseMoney,
  parsePeriod,
  periodRange,
  validateRequest,
  version,
} from "../../pkg/index.js";
import type { BillsyncErrorCode, MoneyValue, PeriodParts } from "../../pkg/index.js";

const p: PeriodParts = parsePeriod("2025-01");
const year: number = p.year;
const months: string[] = periodRange("2024-11", "2025-02");
const money: MoneyValue = parseMoney("€1,000.50", "EUR");
const amount: string = money.amount;
const v: string = version();
const request: unknown = validateRequest("admin_arrow_billing_syncs_trigger_sync", { year: 2025, month: 1 });

try {
  parsePeriod("2025-13");
} catch (e: unknown) {
  if (isBillsyncError(e)) {
    const code: BillsyncErrorCode = e.code;
    const status: number = e.status;
    const fields: Record<string, string[]> | undefined = e.fields;
    const asError: Error = e;
    const isClass: boolean = e instanceof BillsyncError;
    void [code, status, fields, asError, isClass];
  }
}

void [year, months, amount, v, request];
