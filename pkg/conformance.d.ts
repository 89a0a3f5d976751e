// The store conformance kit (conformance.cjs): the checks a host Store must pass to be driven by the engine.

/** Every table the Arrow integration reads or writes. */
export type TableName =
  | "settings"
  | "customers"
  | "projects"
  | "resources"
  | "customer_mappings"
  | "consumption_records"
  | "billing_syncs"
  | "invoice_items";

/** A row exactly as it appears in changesets: a plain JSON object with a `uuid`. */
export type StoreRow = { uuid: string; [field: string]: unknown };

export type WhereValue = string | number | boolean | null | Array<string | number>;

export interface ScanQuery {
  /**
   * Every entry must match a TOP-LEVEL field of the row, by JSON equality (a string only that string, a number
   * only an equal number, a boolean only that boolean). An array means "any of" (empty: nothing matches).
   * `null` matches a field that is null or absent; any other value never matches an absent field.
   */
  where?: Record<string, WhereValue>;
  /** Rows whose uuid is greater than this (string comparison); from the start when null or absent. */
  after?: string | null;
  /** At most this many rows. */
  limit: number;
}

export interface StoreFlags {
  global_sync_enabled: boolean;
}

export type SyncSwitch = { scope: "global" } | { scope: "settings"; settings_uuid: string };

export type Intent =
  | { type: "upsert_consumption_record"; key: string; record: StoreRow }
  | { type: "delete_consumption_record"; key: string; uuid: string }
  | { type: "upsert_billing_sync"; key: string; sync: StoreRow }
  | { type: "transition_billing_sync"; key: string; uuid: string; from: 1 | 2 | 3 | 4; to: 1 | 2 | 3 | 4; at: string }
  | { type: "upsert_invoice_item"; key: string; item: StoreRow }
  | { type: "create_invoice_item"; key: string; item: StoreRow }
  | { type: "set_sync_enabled"; key: string; switch: SyncSwitch; enabled: boolean }
  | { type: "upsert_customer"; key: string; customer: StoreRow }
  | { type: "upsert_project"; key: string; project: StoreRow }
  | { type: "upsert_resource"; key: string; resource: StoreRow }
  | { type: "upsert_customer_mapping"; key: string; mapping: StoreRow };

export interface Changeset {
  operation: string;
  as_of: string;
  intents: Intent[];
}

export interface CommitReport {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

type MaybePromise<T> = T | Promise<T>;

/** The port a host store implements. Every method may return its value or a Promise of it. */
export interface Store {
  get(table: TableName, uuid: string): MaybePromise<StoreRow | null>;
  /** Keyset pagination ordered by uuid ascending; see ScanQuery. */
  scan(table: TableName, query: ScanQuery): MaybePromise<StoreRow[]>;
  flags(): MaybePromise<StoreFlags>;
  /**
   * Applies every intent in order in one transaction, all or nothing: on any failure (a transition conflict,
   * a missing billing sync or settings row, an unknown intent type) it rejects and leaves the store as it was.
   * Committing the same changeset twice leaves the store as committing it once.
   */
  commit(changeset: Changeset): MaybePromise<CommitReport>;
  /** Called by the kit after each check, when present. */
  close?(): MaybePromise<void>;
}

/** What a fresh store is seeded with: one array of rows per table, and the global flag. */
export interface StoreInitial {
  global_sync_enabled: boolean;
  settings: StoreRow[];
  customers: StoreRow[];
  projects: StoreRow[];
  resources: StoreRow[];
  customer_mappings: StoreRow[];
  consumption_records: StoreRow[];
  billing_syncs: StoreRow[];
  invoice_items: StoreRow[];
}

export interface ConformanceOptions {
  /** Called after each passing check. */
  log?: (check: string, outcome: "ok") => void;
  /** Runs only the checks whose name it accepts. */
  only?: (check: string) => boolean;
}

export interface ConformanceResult {
  passed: string[];
}

/** The AssertionError thrown for the first failing check; its message starts with the check's name. */
export interface ConformanceFailure extends Error {
  name: "AssertionError";
  check: string;
  cause: unknown;
}

/**
 * Runs every check, each on a fresh store from `makeStore(initial)`; resolves with the names of the checks
 * passed, or rejects with a ConformanceFailure naming the first that failed.
 */
export function runStoreConformance(
  makeStore: (initial: StoreInitial) => MaybePromise<Store>,
  options?: ConformanceOptions,
): Promise<ConformanceResult>;

/** The names of every check, in the order they run. */
export function conformanceChecks(): string[];

/** A fresh copy of the rows every check starts from. */
export function conformanceFixture(): StoreInitial;
