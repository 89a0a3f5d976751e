"""The four Arrow triggers of waldur-api-client 8.1.3 against a backend that runs them in the request.

Such a backend (SQLite, `triggers: 'request'`) answers trigger_consumption_sync, trigger_sync,
trigger_reconciliation and reconcile with 200 and the run's counters (the work is done when it answers);
8.1.3's modules for them accept 202 only, so each raises UnexpectedStatus(200). This script checks exactly
that, and that the 200's body is the counters: the documented client-driven difference. Started by
official-client.test.mjs with BILLSYNC_URL, BILLSYNC_TOKEN and BILLSYNC_FIXTURES (period {year, month}).
It prints one line per trigger and, last, a JSON summary; it exits 1 when a check failed.
"""

import importlib
import json
import os
import sys

from waldur_api_client import AuthenticatedClient
from waldur_api_client import errors
from waldur_api_client import models as M

FIX = json.loads(os.environ["BILLSYNC_FIXTURES"])
client = AuthenticatedClient(base_url=os.environ["BILLSYNC_URL"], token=os.environ["BILLSYNC_TOKEN"],
                             prefix="Token", timeout=60)
year, month = FIX["period"]["year"], FIX["period"]["month"]
TRIGGERS = [
    ("admin_arrow_billing_syncs_trigger_consumption_sync",
     M.TriggerConsumptionSyncRequestRequest(year=year, month=month)),
    ("admin_arrow_billing_syncs_trigger_sync", M.TriggerSyncRequestRequest(year=year, month=month)),
    ("admin_arrow_billing_syncs_trigger_reconciliation", M.ReconcileRequestRequest(year=year, month=month)),
    ("admin_arrow_billing_syncs_reconcile", M.ReconcileRequestRequest(year=year, month=month, force=True)),
]

failures = []
answers = {}
for name, body in TRIGGERS:
    module = importlib.import_module(f"waldur_api_client.api.admin.{name}")
    try:
        response = module.sync_detailed(client=client, body=body)
    except errors.UnexpectedStatus as error:
        counters = json.loads(error.content)
        numbers = {k: v for k, v in counters.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        answers[name] = {"status": error.status_code, "counters": numbers}
        print(f"ok   {name}: UnexpectedStatus({error.status_code}) {json.dumps(numbers)}", flush=True)
        if error.status_code != 200 or "job" in counters or not numbers:
            failures.append({"module": name, "status": error.status_code, "body": counters})
        continue
    failures.append({"module": name, "error": f"accepted {int(response.status_code)}: expected UnexpectedStatus(200)"})
    print(f"FAIL {name}: accepted {int(response.status_code)}", flush=True)

print(json.dumps({"answers": answers, "failures": failures}))
sys.exit(1 if failures or len(answers) != len(TRIGGERS) else 0)
