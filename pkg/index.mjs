// Node entry point (ES modules): the same instance as the CommonJS entry, with named exports.
import api from './index.cjs';

export default api;
export const {
  BillsyncError,
  isBillsyncError,
  version,
  errorCodes,
  parsePeriod,
  periodRange,
  parseMoney,
  validateRequest,
  aggregateConsumption,
  ConsumptionAggregator,
  SoracomCsvAggregator,
  parseBillingExport,
  previewReconciliation,
  previewReconciliationJson,
  ArrowEngine,
  SoracomEngine,
  MemoryStore,
  createMemoryStore,
  runStoreConformance,
  conformanceChecks,
  conformanceFixture,
  resolveCommit,
  conformanceFixtures,
} = api;
