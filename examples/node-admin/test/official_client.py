"""The official Waldur client (waldur-api-client 8.1.3) against billsync's admin Arrow API.

Drives every one of the 51 admin_arrow_* operations and the 11 HEAD *_count variants against a running
examples/node-admin server (with its Arrow simulator), through the client's own modules, so that the
client's models parse every response (a status it does not expect, a missing required key or a null where
its model wants a UUID raises). Started by official-client.test.mjs, which gives it:

  BILLSYNC_URL       the server's base URL (127.0.0.1)
  BILLSYNC_TOKEN     the admin token
  BILLSYNC_FIXTURES  JSON: arrow_url, arrow_key, offering, plan, other_plan, customers, projects, resource
                     (a resource of the first customer with no licence), license (an Arrow licence no
                     resource holds), period {year, month}

The server runs its triggers as jobs on its queue (PostgreSQL, `triggers: 'queue'`): the four triggers
(trigger_consumption_sync, trigger_sync, trigger_reconciliation, reconcile) answer 202 naming their job, which
is what 8.1.3 accepts, and the script waits for each job (polling its url, 60 s at most) before the calls that
read what it made.

It prints one line per call and, last, a JSON summary; it exits 1 when a call failed or a module was left
out.
"""

import importlib
import json
import os
import pkgutil
import sys
import time
import traceback
from uuid import UUID

import waldur_api_client.api.admin as admin
from waldur_api_client import AuthenticatedClient
from waldur_api_client import models as M
from waldur_api_client.types import UNSET

BASE = os.environ["BILLSYNC_URL"]
FIX = json.loads(os.environ["BILLSYNC_FIXTURES"])
client = AuthenticatedClient(base_url=BASE, token=os.environ["BILLSYNC_TOKEN"], prefix="Token", timeout=60)

called = {}
failures = []


def op(name, **kwargs):
    """Calls admin.<name>.sync_detailed and returns what the client's model parsed."""
    module = importlib.import_module(f"waldur_api_client.api.admin.{name}")
    try:
        response = module.sync_detailed(client=client, **kwargs)
    except Exception as error:  # the client raises on an unexpected status or a body its model rejects
        failures.append({"module": name, "error": f"{type(error).__name__}: {error}"})
        print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
        traceback.print_exc(limit=3)
        return None
    called[name] = int(response.status_code)
    parsed = response.parsed
    kind = type(parsed).__name__ if not isinstance(parsed, list) else f"list[{len(parsed)}]"
    print(f"ok   {name}: {int(response.status_code)} {kind}", flush=True)
    return parsed


JOB_WAIT_SECONDS = 60


def trigger(name, **kwargs):
    """Calls a trigger, which the queued backend answers 202 naming its job, and waits for the job."""
    module = importlib.import_module(f"waldur_api_client.api.admin.{name}")
    try:
        response = module.sync_detailed(client=client, **kwargs)
    except Exception as error:
        failures.append({"module": name, "error": f"{type(error).__name__}: {error}"})
        print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
        return None
    called[name] = int(response.status_code)
    try:
        job = json.loads(response.content)["job"]
    except (ValueError, KeyError, TypeError) as error:
        failures.append({"module": name, "error": f"the 202 names no job: {error}: {response.content!r}"})
        print(f"FAIL {name}: the 202 names no job: {response.content!r}", flush=True)
        return None
    print(f"ok   {name}: {int(response.status_code)} job {job['id']} {job['state']}", flush=True)
    http = client.get_httpx_client()
    deadline = time.monotonic() + JOB_WAIT_SECONDS
    while True:
        got = http.get(job["url"])
        state = got.json().get("state") if got.status_code == 200 else None
        if state == "completed":
            print(f"     job {job['id']} completed: {json.dumps(got.json().get('output'))}", flush=True)
            return got.json()
        if got.status_code != 200 or state in ("failed", "cancelled") or time.monotonic() > deadline:
            failures.append({"module": name, "job": job["id"], "status": got.status_code, "body": got.text})
            print(f"FAIL {name}: job {job['id']}: {got.status_code} {got.text}", flush=True)
            return None
        time.sleep(0.2)


def check(condition, message):
    if not condition:
        failures.append({"check": message})
        print(f"FAIL check: {message}", flush=True)


year, month = FIX["period"]["year"], FIX["period"]["month"]
period = f"{year}-{month:02d}"
customer, other_customer = (UUID(c) for c in FIX["customers"][:2])
project = UUID(FIX["projects"][0])

# --- billing-syncs and consumption-records (the seeds' 19) ---------------------------------------------
trigger("admin_arrow_billing_syncs_trigger_consumption_sync",
        body=M.TriggerConsumptionSyncRequestRequest(year=year, month=month))
trigger("admin_arrow_billing_syncs_trigger_sync", body=M.TriggerSyncRequestRequest(year=year, month=month))
trigger("admin_arrow_billing_syncs_trigger_reconciliation",
        body=M.ReconcileRequestRequest(year=year, month=month))
trigger("admin_arrow_billing_syncs_reconcile",
        body=M.ReconcileRequestRequest(year=year, month=month, force=True))
syncs = op("admin_arrow_billing_syncs_list") or []
check(len(syncs) > 0, "trigger_sync made billing syncs")
if syncs:
    op("admin_arrow_billing_syncs_retrieve", uuid=syncs[0].uuid)
op("admin_arrow_billing_syncs_count")
op("admin_arrow_billing_syncs_pause_sync", body=M.SyncPauseRequestRequest(pause_global=True))
op("admin_arrow_billing_syncs_resume_sync", body=M.SyncPauseRequestRequest(pause_global=True))
op("admin_arrow_billing_syncs_consumption_status_retrieve")
op("admin_arrow_billing_syncs_consumption_status_count")
op("admin_arrow_billing_syncs_consumption_statistics_retrieve")
op("admin_arrow_billing_syncs_consumption_statistics_count")
op("admin_arrow_billing_syncs_pending_records_list")
op("admin_arrow_billing_syncs_pending_records_count")
op("admin_arrow_billing_syncs_fetch_billing_export",
   body=M.FetchBillingExportRequestRequest(period_from=period, period_to=period))
records = op("admin_arrow_consumption_records_list") or []
check(len(records) > 0, "the consumption sync made records")
if records:
    op("admin_arrow_consumption_records_retrieve", uuid=records[0].uuid)
    license_reference = records[0].license_reference
    op("admin_arrow_billing_syncs_fetch_consumption",
       body=M.FetchConsumptionRequestRequest(license_reference=license_reference, period=period))
    op("admin_arrow_billing_syncs_fetch_license_info",
       body=M.FetchLicenseInfoRequestRequest(license_reference=license_reference))
    op("admin_arrow_billing_syncs_sync_resource_historical_consumption",
       body=M.SyncResourceHistoricalConsumptionRequestRequest(
           resource_uuid=records[0].resource_uuid, period_from=period, period_to=period, force=False,
           dry_run=True))
op("admin_arrow_consumption_records_count")
op("admin_arrow_billing_syncs_sync_resources",
   body=M.SyncResourcesRequestRequest(period_from=period, period_to=period, force_import=False))
op("admin_arrow_billing_syncs_cleanup_consumption",
   body=M.CleanupConsumptionRequestRequest(only_finalized=False, only_unfinalized=False, dry_run=True))
# trigger_sync's newest field: one resource's statements, each whole.
if records:
    trigger("admin_arrow_billing_syncs_trigger_sync",
            body=M.TriggerSyncRequestRequest(year=year, month=month, resource_uuid=records[0].resource_uuid))

# --- billing-sync-items ------------------------------------------------------------------------------
items = op("admin_arrow_billing_sync_items_list") or []
check(len(items) > 0, "billing-sync-items lists the syncs' items")
if items:
    item = op("admin_arrow_billing_sync_items_retrieve", uuid=items[0].uuid)
    check(item is not None and item.billing_sync_uuid == items[0].billing_sync_uuid, "item retrieve")
    op("admin_arrow_billing_sync_items_list", billing_sync_uuid=items[0].billing_sync_uuid,
       has_compensation=False, report_period=period)
op("admin_arrow_billing_sync_items_count")

# --- settings ----------------------------------------------------------------------------------------
arrow_url, arrow_key = FIX["arrow_url"], FIX["arrow_key"]
valid = op("admin_arrow_settings_validate_credentials",
           body=M.ArrowCredentialsRequest(api_url=arrow_url, api_key=arrow_key))
check(valid is not None and valid.valid, "the simulator's key is valid")
invalid = op("admin_arrow_settings_validate_credentials",
             body=M.ArrowCredentialsRequest(api_url=arrow_url, api_key="wrong-key"))
check(invalid is not None and invalid.valid is False, "a wrong key is reported invalid (200)")
discovered = op("admin_arrow_settings_discover_customers",
                body=M.DiscoverCustomersRequestRequest(api_url=arrow_url, api_key=arrow_key))
check(discovered is not None and len(discovered.arrow_customers) > 0, "discover_customers lists Arrow's")
preview = op("admin_arrow_settings_preview_settings",
             body=M.PreviewSettingsRequestRequest(api_url=arrow_url, api_key=arrow_key,
                                                  classification_filter="IAAS", sync_enabled=False))
check(preview is not None and preview.partner_name != "", "preview names the partner")
created = op("admin_arrow_settings_create",
             body=M.ArrowSettingsCreateRequest(api_url=arrow_url, api_key=arrow_key,
                                               export_type_reference="ERP-EXPORT-IAAS", is_active=False))
settings_list = op("admin_arrow_settings_list") or []
for s in settings_list:
    check(s.api_key is UNSET, "no settings row carries its api_key")
op("admin_arrow_settings_count")
if created:
    got = op("admin_arrow_settings_retrieve", uuid=created.uuid)
    check(got is not None and got.api_key is UNSET, "retrieve does not leak the api_key")
    op("admin_arrow_settings_update", uuid=created.uuid,
       body=M.ArrowSettingsRequest(api_url=arrow_url, invoice_item_prefix="Arrow"))
    op("admin_arrow_settings_partial_update", uuid=created.uuid,
       body=M.PatchedArrowSettingsRequest(sync_enabled=True))
saved = op("admin_arrow_settings_save_settings",
           body=M.SaveSettingsRequestRequest(
               api_url=arrow_url, api_key=arrow_key, classification_filter="IAAS", sync_enabled=False,
               customer_mappings=[M.CustomerMappingInputRequest(arrow_reference="XSP661377",
                                                               waldur_customer_uuid=customer)]))
check(saved is not None and saved.mappings_created == 1, "save_settings made its mapping")
still_active = [s for s in (op("admin_arrow_settings_list", is_active=True) or [])]
check(len(still_active) >= 2, "save_settings leaves the other active settings active")

# --- customer-mappings -------------------------------------------------------------------------------
mappings = op("admin_arrow_customer_mappings_list") or []
op("admin_arrow_customer_mappings_count")
check(len(mappings) > 0, "the demo's mappings are listed")
target_settings = created.uuid if created else None
mapping = None
if target_settings:
    mapping = op("admin_arrow_customer_mappings_create",
                 body=M.ArrowCustomerMappingCreateRequest(settings=target_settings, arrow_reference="XSP661302",
                                                          waldur_customer=other_customer))
if mapping:
    op("admin_arrow_customer_mappings_retrieve", uuid=mapping.uuid)
    op("admin_arrow_customer_mappings_update", uuid=mapping.uuid,
       # PUT names the related objects by URL, as the list renders them (the request model types them as str).
       body=M.ArrowCustomerMappingRequest(settings=f"{BASE}/api/admin/arrow/settings/{mapping.settings_uuid}/",
                                          arrow_reference="XSP661302",
                                          waldur_customer=f"{BASE}/api/customers/{mapping.waldur_customer_uuid}/",
                                          arrow_company_name="Fabrikam"))
    op("admin_arrow_customer_mappings_partial_update", uuid=mapping.uuid,
       body=M.PatchedArrowCustomerMappingRequest(is_active=False))
op("admin_arrow_customer_mappings_sync_from_arrow", body=M.SyncFromArrowRequestRequest())
op("admin_arrow_customer_mappings_available_customers_retrieve")
op("admin_arrow_customer_mappings_available_customers_count")
demo = next((m for m in mappings if str(m.waldur_customer_uuid) == str(customer)), mappings[0] if mappings else None)
if demo:
    summary = op("admin_arrow_customer_mappings_billing_summary_retrieve", uuid=demo.uuid)
    check(summary is not None and summary.total_consumption_records >= 0, "billing summary")
    op("admin_arrow_customer_mappings_fetch_arrow_data_retrieve", uuid=demo.uuid)
    op("admin_arrow_customer_mappings_discover_licenses_retrieve", uuid=demo.uuid)
    linked = op("admin_arrow_customer_mappings_link_resource", uuid=demo.uuid,
                body=M.LinkResourceRequestRequest(resource_uuid=UUID(FIX["resource"]),
                                                  license_reference=FIX["license"]))
    check(linked is not None and linked.success, "link_resource")
    imported = op("admin_arrow_customer_mappings_import_license", uuid=demo.uuid,
                  body=M.ImportLicenseRequestRequest(license_reference=FIX["license"] + "-IMPORT",
                                                     offering_uuid=UUID(FIX["offering"]), project_uuid=project))
    check(imported is not None and imported.success, "import_license (200)")

# --- vendor-offering-mappings ------------------------------------------------------------------------
choices = op("admin_arrow_vendor_offering_mappings_vendor_choices_list") or []
check(len(choices) > 0, "vendor choices")
op("admin_arrow_vendor_offering_mappings_vendor_choices_count")
vendor = None
if created:
    vendor = op("admin_arrow_vendor_offering_mappings_create",
                body=M.ArrowVendorOfferingMappingCreateRequest(settings=created.uuid, arrow_vendor_name="Microsoft",
                                                               offering=UUID(FIX["offering"]),
                                                               plan=UUID(FIX["plan"])))
op("admin_arrow_vendor_offering_mappings_list")
op("admin_arrow_vendor_offering_mappings_count")
if vendor:
    op("admin_arrow_vendor_offering_mappings_retrieve", uuid=vendor.uuid)
    op("admin_arrow_vendor_offering_mappings_update", uuid=vendor.uuid,
       body=M.ArrowVendorOfferingMappingRequest(settings=f"{BASE}/api/admin/arrow/settings/{vendor.settings_uuid}/",
                                                arrow_vendor_name="Microsoft",
                                                offering=UUID(FIX["offering"]), plan=UUID(FIX["other_plan"])))
    op("admin_arrow_vendor_offering_mappings_partial_update", uuid=vendor.uuid,
       body=M.PatchedArrowVendorOfferingMappingRequest(is_active=False))
    op("admin_arrow_vendor_offering_mappings_destroy", uuid=vendor.uuid)
if mapping:
    op("admin_arrow_customer_mappings_destroy", uuid=mapping.uuid)
if created:
    op("admin_arrow_settings_destroy", uuid=created.uuid)

modules = sorted(m.name for m in pkgutil.iter_modules(admin.__path__) if m.name.startswith("admin_arrow_"))
missing = [m for m in modules if m not in called]
summary = {"modules": len(modules), "called": len(called), "missing": missing, "failures": failures}
print(json.dumps(summary))
sys.exit(1 if failures or missing or len(modules) != 62 else 0)
