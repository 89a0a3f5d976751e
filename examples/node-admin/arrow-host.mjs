// The host's side of billsync's Arrow admin API (`new ArrowEngine({ ..., host })`): what only the host may hold
// or create.
//
// - storeApiKey({ settingsUuid, apiKey }): billsync never stores an Arrow API key (no row, no response carries
//   it); it hands each key given to settings create/update/save_settings to the host, which keeps it here and
//   gives it to the Arrow client (`keyFor`) whenever a call names those settings. This example keeps the keys
//   in process memory (a production host keeps them in its secret store); `null` forgets one.
// - importLicense({ licenseReference, licenseName, offeringUuid, projectUuid, customerUuid, licenseAttribute }):
//   creating a resource is the host's business. This one writes a resource row through the store port (one
//   changeset, so any store works), with backend_id and the licence attribute set to the licence.
import { randomUUID } from 'node:crypto';

/**
 * @param {{ store: { commit(changeset: object): unknown }, now?: () => string }} options
 * @returns {{ storeApiKey: Function, importLicense: Function, keyFor: (settingsUuid: string) => string | undefined, keys: Map<string, string> }}
 */
export function createArrowHost({ store, now = () => new Date().toISOString() }) {
  const keys = new Map();
  return {
    keys,
    keyFor: (settingsUuid) => keys.get(settingsUuid),
    storeApiKey({ settingsUuid, apiKey }) {
      if (apiKey == null) keys.delete(settingsUuid);
      else keys.set(settingsUuid, apiKey);
    },
    async importLicense({ licenseReference, licenseName, offeringUuid, projectUuid, licenseAttribute }) {
      const row = {
        uuid: randomUUID(),
        name: licenseName,
        project_uuid: projectUuid,
        offering_uuid: offeringUuid,
        backend_id: licenseReference,
        state: 'OK',
        attributes: { [licenseAttribute]: licenseReference },
      };
      await store.commit({
        operation: 'host_import_license',
        as_of: now(),
        writes: [{ op: 'create', table: 'resources', id: row.uuid, expect: 0, key: `import:${licenseReference}`, row: JSON.stringify(row) }],
      });
      return row;
    },
  };
}
