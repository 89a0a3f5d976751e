// The store conformance kit (conformance.cjs): the checks a host Store must pass to be driven by the engine.

// The tables the engine reads and writes, every vendor's: generated from the engine's own list.
import type { TableName } from "./dist/node/billsync.js";
export type { TableName };

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
  /** Rows whose id is greater than this (string comparison); from the start when null or absent. */
  after?: string | null;
  /** At most this many rows. */
  limit: number;
}

/** One write as a store's commit receives it: the row as JSON text. */
export interface HostWrite {
  op: "put" | "create" | "delete" | "check";
  table: string;
  id: string;
  /** The version of the row the plan read; 0 when it read none (the row must not exist). */
  expect: number;
  /** The idempotency key: what the write is. */
  key: string;
  row?: string;
}

export interface HostChangeset {
  operation: string;
  as_of: string;
  writes: HostWrite[];
}

export interface CommitReport {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

type MaybePromise<T> = T | Promise<T>;

/** A row with its version; `row` is JSON text (as a database keeps it) or an object. */
export interface VersionedRow {
  id: string;
  version: number;
  row: string | StoreRow;
}

/** The port a host store implements. Every method may return its value or a Promise of it. */
export interface Store {
  get(table: TableName, id: string): MaybePromise<{ version: number; row: string | StoreRow } | null>;
  /** Keyset pagination ordered by id ascending; see ScanQuery. */
  scan(table: TableName, query: ScanQuery): MaybePromise<VersionedRow[]>;
  /**
   * Applies the changeset in one transaction, all or nothing, by the package's `resolveCommit` run inside
   * it: a write whose row moved since its plan read it makes it throw `resolveCommit`'s `conflict` error and
   * change nothing. Committing the same changeset twice leaves the store as committing it once.
   */
  commit(changeset: HostChangeset): MaybePromise<CommitReport>;
  /** Called by the kit after each check, when present. */
  close?(): MaybePromise<void>;
}

/** What a fresh store is seeded with: one array of rows per table. */
export type StoreInitial = Partial<Record<TableName, StoreRow[]>>;

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

/** The rows every check starts from (planned by the engine, as every fixture of the kit). */
export function conformanceFixture(): StoreInitial;
