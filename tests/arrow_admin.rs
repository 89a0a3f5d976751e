//! The 32 operations of Waldur's newest admin Arrow API, through `handle` on the memory store: each one's
//! answer and status, its bad input, its unknown uuids, and one named test per defect of the reference
//! that applies to them (shared/spec/arrow-newest.md, section E).

mod common;

use std::cell::RefCell;

use billsync::engine::HttpResponse;
use common::fake_arrow::*;
use serde_json::{json, Value};

const A: &str = "/api/admin/arrow";
const UNKNOWN: &str = "eeeeeeee-0000-4000-8000-000000000001";
const OFFERING: &str = "0ffe0000-0000-4000-8000-000000000001";
const PLAN: &str = "91a00000-0000-4000-8000-000000000001";
const OTHER_OFFERING_PLAN: &str = "91a00000-0000-4000-8000-000000000002";

fn admin_engine() -> TestEngine {
    let engine = engine(FakeArrow {
        admin: true,
        ..arrow()
    });
    let mut store = engine.host.store.borrow_mut();
    store
        .load(
            "offerings",
            OFFERING,
            json!({"uuid": OFFERING, "name": "Azure", "type": "Marketplace.Basic"}),
        )
        .unwrap();
    store
        .load(
            "plans",
            PLAN,
            json!({"uuid": PLAN, "name": "PAYG", "offering_uuid": OFFERING}),
        )
        .unwrap();
    store
        .load(
            "plans",
            OTHER_OFFERING_PLAN,
            json!({"uuid": OTHER_OFFERING_PLAN, "name": "Other", "offering_uuid": UNKNOWN}),
        )
        .unwrap();
    drop(store);
    engine
}

fn ok(r: &HttpResponse, status: u16) -> &Value {
    assert_eq!(r.status, status, "{}", r.body);
    &r.body
}

fn store_text(engine: &TestEngine) -> String {
    let store = engine.host.store.borrow();
    ["settings", "customer_mappings", "vendor_offering_mappings"]
        .iter()
        .flat_map(|t| {
            store
                .rows(t)
                .map(|(_, h)| h.row.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn create_settings(engine: &TestEngine, key: &str) -> Value {
    let r = post(
        engine,
        &format!("{A}/settings/"),
        json!({"api_url": "https://arrow.example/api", "api_key": key, "export_type_reference": "EXP"}),
    );
    ok(&r, 201).clone()
}

#[test]
fn billing_sync_items_list_filter_and_retrieve() {
    let engine = admin_engine();
    ok(
        &post(
            &engine,
            &format!("{A}/billing-syncs/trigger_sync/"),
            json!({"year": 2025, "month": 1}),
        ),
        200,
    );
    let r = get(
        &engine,
        &format!("{A}/billing-sync-items/"),
        json!({"page_size": 100}),
    );
    let items = ok(&r, 200).as_array().unwrap().clone();
    assert_eq!(items.len(), 5);
    assert_eq!(r.headers["x-result-count"], "5");
    for item in &items {
        // The client's model wants a UUID: no null ever, the nil uuid with has_compensation false.
        assert!(item["compensation_item_uuid"].is_string());
        assert!(item["invoice_item_uuid"].is_string());
        assert_eq!(item["has_compensation"], false);
        assert_eq!(item["report_period"], "2025-01");
    }
    let one = &items[0];
    let r = get(
        &engine,
        &format!("{A}/billing-sync-items/{}/", one["uuid"].as_str().unwrap()),
        json!({}),
    );
    assert_eq!(ok(&r, 200), one);
    let r = get(
        &engine,
        &format!("{A}/billing-sync-items/"),
        json!({"vendor_name": "micro", "arrow_line_reference": "3"}),
    );
    assert_eq!(ok(&r, 200).as_array().unwrap().len(), 1);
    let r = get(
        &engine,
        &format!("{A}/billing-sync-items/"),
        json!({"has_compensation": "true"}),
    );
    assert_eq!(ok(&r, 200).as_array().unwrap().len(), 0);
    let r = get(
        &engine,
        &format!("{A}/billing-sync-items/{UNKNOWN}/"),
        json!({}),
    );
    assert_eq!(r.status, 404);
    let r = get(
        &engine,
        &format!("{A}/billing-sync-items/"),
        json!({"billing_sync_uuid": "x", "has_compensation": "maybe", "report_period": "2025/01"}),
    );
    assert_eq!(r.status, 400);
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["billing_sync_uuid", "has_compensation", "report_period"]
    );
    let mut head = request("HEAD", &format!("{A}/billing-sync-items/"), Value::Null);
    head.query = json!({"page_size": 2}).as_object().cloned().unwrap();
    let r = block_on(engine.handle(&head));
    assert_eq!((r.status, r.headers["x-result-count"].as_str()), (200, "5"));
}

#[test]
fn customer_mappings_crud_and_unique_together() {
    let engine = admin_engine();
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"settings": SETTINGS, "arrow_reference": "XSP770001", "waldur_customer": CUSTOMER, "arrow_company_name": "Fabrikam"}),
    );
    let created = ok(&r, 201).clone();
    assert_eq!(created["settings_uuid"], SETTINGS);
    assert_eq!(created["settings"], SETTINGS, "a create names it by uuid");
    assert_eq!(created["waldur_customer_name"], "Contoso");
    assert_eq!(created["is_active"], true);
    assert_eq!(created["created"], "2025-01-20T10:00:00Z");
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    // DRF's unique-together error, and field errors naming each field.
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"settings": SETTINGS, "arrow_reference": "XSP770001", "waldur_customer": CUSTOMER}),
    );
    assert_eq!(r.status, 400);
    assert!(r.body["non_field_errors"][0]
        .as_str()
        .unwrap()
        .contains("unique set"));
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"settings": UNKNOWN, "arrow_reference": "", "waldur_customer": "x"}),
    );
    assert_eq!(r.status, 400);
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["arrow_reference", "waldur_customer"]);
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"settings": UNKNOWN, "arrow_reference": "X", "waldur_customer": CUSTOMER}),
    );
    assert_eq!(
        r.body,
        json!({"settings": [format!("Invalid pk \"{UNKNOWN}\" - object does not exist.")]})
    );
    // PUT takes the related objects by URL, as the reference renders them.
    let r = send(
        &engine,
        "PUT",
        &format!("{A}/customer-mappings/{uuid}/"),
        json!({"settings": format!("https://admin.example{A}/settings/{SETTINGS}/"), "arrow_reference": "XSP770001",
               "waldur_customer": format!("https://admin.example/api/customers/{CUSTOMER}/"), "arrow_company_name": "Fabrikam AG"}),
    );
    assert_eq!(ok(&r, 200)["arrow_company_name"], "Fabrikam AG");
    let r = send(
        &engine,
        "PATCH",
        &format!("{A}/customer-mappings/{uuid}/"),
        json!({"is_active": false}),
    );
    assert_eq!(ok(&r, 200)["is_active"], false);
    let r = get(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"is_active": "false"}),
    );
    assert_eq!(ok(&r, 200).as_array().unwrap().len(), 1);
    let r = get(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"arrow_reference": "xsp66"}),
    );
    assert_eq!(ok(&r, 200).as_array().unwrap().len(), 1);
    let r = send(
        &engine,
        "DELETE",
        &format!("{A}/customer-mappings/{uuid}/"),
        Value::Null,
    );
    assert_eq!((r.status, &r.body), (204, &Value::Null));
    for method in ["GET", "PUT", "PATCH", "DELETE"] {
        let r = send(
            &engine,
            method,
            &format!("{A}/customer-mappings/{uuid}/"),
            json!({"settings": SETTINGS, "arrow_reference": "a", "waldur_customer": CUSTOMER}),
        );
        assert_eq!(r.status, 404, "{method}");
    }
    let r = send(
        &engine,
        "DELETE",
        &format!("{A}/customer-mappings/"),
        Value::Null,
    );
    assert_eq!(r.status, 405);
}

#[test]
fn sync_from_arrow_and_available_customers() {
    let engine = admin_engine();
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/sync_from_arrow/"),
        json!({}),
    );
    assert_eq!(ok(&r, 200), &json!({"updated": 1}));
    let r = get(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/"),
        json!({}),
    );
    assert_eq!(ok(&r, 200)["arrow_company_name"], "Contoso Ltd");
    let r = get(
        &engine,
        &format!("{A}/customer-mappings/available_customers/"),
        json!({}),
    );
    let body = ok(&r, 200);
    let available: Vec<&str> = body["arrow_customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    assert_eq!(available, ["XSP770001"]);
    // No match: the suggestion leaves the customer out rather than sending null (the client's crash).
    assert!(body["suggestions"][0]
        .get("suggested_waldur_customer")
        .is_none());
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/sync_from_arrow/"),
        json!({"settings_uuid": UNKNOWN}),
    );
    assert_eq!(r.status, 404);
}

#[test]
fn settings_crud_never_answers_or_stores_the_api_key() {
    // Defect 10: the reference returns the key in clear from list and retrieve.
    let engine = admin_engine();
    let created = create_settings(&engine, ARROW_KEY);
    assert_eq!(
        created["partner_name"], "Reseller Ltd",
        "whoami with the given key"
    );
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    let mut answers = vec![created.to_string()];
    answers.push(
        get(&engine, &format!("{A}/settings/"), json!({}))
            .body
            .to_string(),
    );
    answers.push(
        get(&engine, &format!("{A}/settings/{uuid}/"), json!({}))
            .body
            .to_string(),
    );
    let r = send(
        &engine,
        "PUT",
        &format!("{A}/settings/{uuid}/"),
        json!({"api_url": "https://arrow.example/v2", "api_key": ""}),
    );
    assert_eq!(ok(&r, 200)["api_url"], "https://arrow.example/v2");
    answers.push(r.body.to_string());
    let r = send(
        &engine,
        "PATCH",
        &format!("{A}/settings/{uuid}/"),
        json!({"sync_enabled": true, "invoice_price_source": "buy"}),
    );
    assert_eq!(ok(&r, 200)["invoice_price_source"], "buy");
    answers.push(r.body.to_string());
    for answer in &answers {
        assert!(!answer.contains(ARROW_KEY), "{answer}");
        assert!(!answer.contains("api_key"), "{answer}");
    }
    assert!(!store_text(&engine).contains(ARROW_KEY));
    // The host holds it.
    assert_eq!(
        engine
            .vendor
            .api
            .keys
            .borrow()
            .get(&uuid)
            .map(String::as_str),
        Some(ARROW_KEY)
    );
    let r = send(
        &engine,
        "PATCH",
        &format!("{A}/settings/{uuid}/"),
        json!({"invoice_price_source": "both", "api_url": "ftp://x", "invoice_item_prefix": "x".repeat(101)}),
    );
    assert_eq!(r.status, 400);
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["api_url", "invoice_item_prefix", "invoice_price_source"]
    );
    let r = post(
        &engine,
        &format!("{A}/settings/"),
        json!({"api_url": "https://a.example"}),
    );
    assert_eq!(r.body, json!({"api_key": ["This field is required."]}));
    let r = send(
        &engine,
        "DELETE",
        &format!("{A}/settings/{uuid}/"),
        Value::Null,
    );
    assert_eq!(r.status, 204);
    assert!(
        engine.vendor.api.keys.borrow().get(&uuid).is_none(),
        "the host forgot the key"
    );
    assert_eq!(
        get(&engine, &format!("{A}/settings/{uuid}/"), json!({})).status,
        404
    );
}

#[test]
fn the_active_settings_are_the_newest_active_row() {
    // Defect 11: the reference takes an arbitrary active row. Two active rows: the one created last wins,
    // whatever the uuid order, and save_settings leaves the other operator's row active (defect 9).
    let engine = admin_engine();
    let saved = post(
        &engine,
        &format!("{A}/settings/save_settings/"),
        json!({"api_url": "https://arrow.example/api", "api_key": ARROW_KEY, "export_type_reference": "EXP",
               "customer_mappings": [{"arrow_reference": "XSP770001", "waldur_customer_uuid": CUSTOMER},
                                     {"arrow_reference": "XSP9", "waldur_customer_uuid": UNKNOWN}]}),
    );
    let body = ok(&saved, 201).clone();
    assert_eq!(body["mappings_created"], 1);
    assert_eq!(body["mappings_skipped"].as_array().unwrap().len(), 1);
    let new = body["settings_uuid"].as_str().unwrap().to_owned();
    let status = get(
        &engine,
        &format!("{A}/billing-syncs/consumption_status/"),
        json!({}),
    );
    assert_eq!(ok(&status, 200)["settings_uuid"], new.as_str());
    let active = get(
        &engine,
        &format!("{A}/settings/"),
        json!({"is_active": "true"}),
    );
    assert_eq!(
        ok(&active, 200).as_array().unwrap().len(),
        2,
        "the demo row stays active"
    );
    // The mapping got Arrow's company name.
    let mappings = get(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"settings_uuid": new}),
    );
    assert_eq!(
        ok(&mappings, 200)[0]["arrow_company_name"],
        "Company XSP770001"
    );
}

#[test]
fn wizard_endpoints() {
    let engine = admin_engine();
    let creds = json!({"api_url": "https://arrow.example/api", "api_key": ARROW_KEY});
    let r = post(
        &engine,
        &format!("{A}/settings/validate_credentials/"),
        creds.clone(),
    );
    let body = ok(&r, 200);
    assert_eq!(body["valid"], true);
    assert_eq!(body["partner_info"]["reference"], "XSP-PARTNER");
    let r = post(
        &engine,
        &format!("{A}/settings/validate_credentials/"),
        json!({"api_url": "https://arrow.example/api", "api_key": "wrong"}),
    );
    assert_eq!(ok(&r, 200)["valid"], false);
    let r = post(
        &engine,
        &format!("{A}/settings/validate_credentials/"),
        json!({"api_url": "nope"}),
    );
    assert_eq!(r.status, 400);
    let r = post(
        &engine,
        &format!("{A}/settings/discover_customers/"),
        creds.clone(),
    );
    let body = ok(&r, 200);
    assert_eq!(body["arrow_customers"].as_array().unwrap().len(), 2);
    assert_eq!(body["suggestions"][0]["existing_mapping"], true);
    assert_eq!(body["export_types"][0]["compatible"], true);
    let r = post(
        &engine,
        &format!("{A}/settings/preview_settings/"),
        creds.clone(),
    );
    assert_eq!(ok(&r, 200)["partner_name"], "Reseller Ltd");
    assert_eq!(r.body["classification_filter"], "IAAS");
    let r = post(
        &engine,
        &format!("{A}/settings/preview_settings/"),
        json!({"api_url": "https://a.example", "api_key": "wrong"}),
    );
    assert_eq!(r.status, 400);
    assert!(r.body["api_key"][0]
        .as_str()
        .unwrap()
        .contains("arrow.whoami"));
}

#[test]
fn a_missing_port_call_is_a_501_naming_it() {
    let engine = engine(arrow());
    for (path, body, call) in [
        (
            "settings/validate_credentials/",
            json!({"api_url": "https://a.example", "api_key": "k"}),
            "arrow.whoami",
        ),
        (
            "settings/discover_customers/",
            json!({"api_url": "https://a.example", "api_key": "k"}),
            "arrow.customers",
        ),
        (
            "settings/",
            json!({"api_url": "https://a.example", "api_key": "k"}),
            "arrow.storeApiKey",
        ),
        (
            "customer-mappings/sync_from_arrow/",
            json!({}),
            "arrow.customers",
        ),
    ] {
        let r = post(&engine, &format!("{A}/{path}"), body);
        assert_eq!(r.status, 501, "{path}: {}", r.body);
        assert_eq!(r.body["code"], "not_implemented");
        assert!(
            r.body["detail"].as_str().unwrap().contains(call),
            "{}",
            r.body
        );
    }
    assert!(
        !store_text(&engine).contains("a.example"),
        "nothing was written"
    );
}

#[test]
fn billing_summary_counts_each_mappings_own_records_once() {
    // Defect 5: two mappings on one customer each reported the customer's full totals.
    let engine = admin_engine();
    let second = post(
        &engine,
        &format!("{A}/customer-mappings/"),
        json!({"settings": SETTINGS, "arrow_reference": "XSP770001", "waldur_customer": CUSTOMER}),
    );
    let second = ok(&second, 201)["uuid"].as_str().unwrap().to_owned();
    ok(
        &post(
            &engine,
            &format!("{A}/billing-syncs/trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1}),
        ),
        200,
    );
    ok(
        &post(
            &engine,
            &format!("{A}/billing-syncs/trigger_sync/"),
            json!({"year": 2025, "month": 1}),
        ),
        200,
    );
    let first = get(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/billing_summary/"),
        json!({}),
    );
    let first = ok(&first, 200).clone();
    let other = get(
        &engine,
        &format!("{A}/customer-mappings/{second}/billing_summary/"),
        json!({}),
    );
    let other = ok(&other, 200).clone();
    // The statements are all XSP661245's: its mapping has the three records (licences its lines name).
    assert_eq!(first["total_consumption_records"], 3);
    assert_eq!(first["total_consumed_sell"], "130.00");
    assert_eq!(first["total_billing_syncs"], 1);
    assert_eq!(other["total_consumption_records"], 0);
    assert_eq!(other["total_consumed_sell"], "0.00");
    assert_eq!(other["total_billing_syncs"], 0);
    assert_eq!(other["total_billing_sell"], Value::Null);
    assert_eq!(first["recent_billing_syncs"][0]["state"], "2");
    assert_eq!(
        get(
            &engine,
            &format!("{A}/customer-mappings/{UNKNOWN}/billing_summary/"),
            json!({})
        )
        .status,
        404
    );
}

#[test]
fn a_linked_resource_is_consumption_synced() {
    // Defect 3: the reference sets only backend_id, which the consumption sync never reads.
    let engine = admin_engine();
    let vm = resource(9);
    engine
        .host
        .store
        .borrow_mut()
        .load(
            "resources",
            &vm,
            json!({"uuid": vm, "name": "new-vm", "project_uuid": PROJECT, "state": "OK"}),
        )
        .unwrap();
    // XSP1003 is resource 3's: refused (defect 4).
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/link_resource/"),
        json!({"resource_uuid": vm, "license_reference": license(3)}),
    );
    assert_eq!(r.status, 400);
    assert!(r.body["license_reference"][0]
        .as_str()
        .unwrap()
        .contains(&resource(3)));
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/link_resource/"),
        json!({"resource_uuid": UNKNOWN, "license_reference": "XSP-NEW"}),
    );
    assert_eq!(r.status, 404);
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/link_resource/"),
        json!({"resource_uuid": vm, "license_reference": "XSP-NEW"}),
    );
    let body = ok(&r, 200);
    assert_eq!(
        (
            body["previous_backend_id"].as_str(),
            body["success"].as_bool()
        ),
        (Some(""), Some(true))
    );
    let held = engine
        .host
        .store
        .borrow()
        .get("resources", &vm)
        .unwrap()
        .row
        .clone();
    assert_eq!(held["backend_id"], "XSP-NEW");
    assert_eq!(held["attributes"]["arrow_license_reference"], "XSP-NEW");
    ok(
        &post(
            &engine,
            &format!("{A}/billing-syncs/trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1}),
        ),
        200,
    );
    let records = get(
        &engine,
        &format!("{A}/consumption-records/"),
        json!({"resource_uuid": vm}),
    );
    let records = ok(&records, 200).as_array().unwrap().clone();
    assert_eq!(records.len(), 1, "the linked resource has its record");
    assert_eq!(records[0]["license_reference"], "XSP-NEW");
}

#[test]
fn import_license_goes_through_the_host_and_answers_200() {
    let engine = admin_engine();
    let body = json!({"license_reference": "XSP-IMPORT", "offering_uuid": OFFERING, "project_uuid": PROJECT});
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/import_license/"),
        body.clone(),
    );
    let answer = ok(&r, 200);
    assert_eq!(
        answer["resource_uuid"],
        "dddddddd-0000-4000-8000-000000000001"
    );
    assert_eq!(answer["offering_name"], "Azure");
    assert_eq!(answer["project_name"], "Azure");
    let imports = engine.vendor.api.imports.borrow().clone();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0]["licenseAttribute"], "arrow_license_reference");
    assert_eq!(imports[0]["customerUuid"], CUSTOMER);
    // A licence already on a resource is refused, whatever the offering (defect 2).
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/import_license/"),
        json!({"license_reference": license(1), "offering_uuid": OFFERING, "project_uuid": PROJECT}),
    );
    assert_eq!(r.status, 400);
    assert!(r.body["license_reference"][0]
        .as_str()
        .unwrap()
        .contains("already been imported"));
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/import_license/"),
        json!({"license_reference": "X", "offering_uuid": UNKNOWN, "project_uuid": PROJECT}),
    );
    assert_eq!(r.status, 404);
    let r = post(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/import_license/"),
        json!({"license_reference": "x".repeat(256)}),
    );
    assert_eq!(r.status, 400);
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["license_reference", "offering_uuid", "project_uuid"]);
    assert_eq!(engine.vendor.api.imports.borrow().len(), 1);
}

#[test]
fn fetch_arrow_data_and_discover_licenses() {
    let engine = admin_engine();
    let r = get(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/fetch_arrow_data/"),
        json!({}),
    );
    let body = ok(&r, 200);
    assert_eq!(body["period"], "2025-01");
    assert_eq!(body["billing_lines"].as_array().unwrap().len(), 5);
    assert_eq!(body["billing_total_sell"], "1132.50");
    assert_eq!(body["consumption_lines"].as_array().unwrap().len(), 3);
    assert_eq!(body["consumption_total_sell"], "130.00");
    assert_eq!(body["matched_resources"], 3);
    let r = get(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/discover_licenses/"),
        json!({}),
    );
    assert_eq!(ok(&r, 200)["waldur_resources"].as_array().unwrap().len(), 3);
    assert_eq!(r.body["error"], Value::Null);
}

#[test]
fn an_unparseable_vendor_price_is_a_502_naming_the_row() {
    // Defect 6: the reference answers 500.
    let mut fake = FakeArrow {
        admin: true,
        ..arrow()
    };
    fake.export.insert(
        "2025-01".into(),
        vec![export_row(1, "XSP1001", "12,3,4.x", "1", "2025-01")],
    );
    let engine = engine(fake);
    let r = get(
        &engine,
        &format!("{A}/customer-mappings/{MAPPING}/fetch_arrow_data/"),
        json!({}),
    );
    assert_eq!(r.status, 502, "{}", r.body);
    assert_eq!(r.body["code"], "invalid_cell");
    assert!(
        r.body["detail"].as_str().unwrap().contains("row 1"),
        "{}",
        r.body
    );
}

#[test]
fn vendor_offering_mappings_crud_and_choices() {
    let engine = admin_engine();
    let r = post(
        &engine,
        &format!("{A}/vendor-offering-mappings/"),
        json!({"settings": SETTINGS, "arrow_vendor_name": "Microsoft", "offering": OFFERING}),
    );
    assert_eq!(r.body, json!({"plan": ["This field is required."]}));
    let r = post(
        &engine,
        &format!("{A}/vendor-offering-mappings/"),
        json!({"settings": SETTINGS, "arrow_vendor_name": "Microsoft", "offering": OFFERING, "plan": OTHER_OFFERING_PLAN}),
    );
    assert_eq!(
        r.body,
        json!({"plan": ["Plan must belong to the selected offering."]})
    );
    let r = post(
        &engine,
        &format!("{A}/vendor-offering-mappings/"),
        json!({"settings": SETTINGS, "arrow_vendor_name": "Microsoft", "offering": OFFERING, "plan": PLAN}),
    );
    let created = ok(&r, 201).clone();
    assert_eq!(
        (
            created["offering_name"].as_str(),
            created["plan_name"].as_str()
        ),
        (Some("Azure"), Some("PAYG"))
    );
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    let r = post(
        &engine,
        &format!("{A}/vendor-offering-mappings/"),
        json!({"settings": SETTINGS, "arrow_vendor_name": "microsoft", "offering": OFFERING, "plan": PLAN}),
    );
    assert_eq!(r.status, 400);
    // Defect 12: the plan check holds on updates too.
    let r = send(
        &engine,
        "PATCH",
        &format!("{A}/vendor-offering-mappings/{uuid}/"),
        json!({"plan": OTHER_OFFERING_PLAN}),
    );
    assert_eq!(
        r.body,
        json!({"plan": ["Plan must belong to the selected offering."]})
    );
    let r = send(
        &engine,
        "PUT",
        &format!("{A}/vendor-offering-mappings/{uuid}/"),
        json!({"settings": created["settings"], "arrow_vendor_name": "Microsoft Azure", "offering": OFFERING, "plan": PLAN}),
    );
    assert_eq!(ok(&r, 200)["arrow_vendor_name"], "Microsoft Azure");
    let r = get(
        &engine,
        &format!("{A}/vendor-offering-mappings/"),
        json!({"offering_uuid": OFFERING, "arrow_vendor_name": "azure"}),
    );
    assert_eq!(ok(&r, 200).as_array().unwrap().len(), 1);
    let r = get(
        &engine,
        &format!("{A}/vendor-offering-mappings/vendor_choices/"),
        json!({}),
    );
    assert_eq!(
        ok(&r, 200),
        &json!([{"value": "Amazon", "label": "Amazon"}, {"value": "Microsoft", "label": "Microsoft"}])
    );
    assert_eq!(
        send(
            &engine,
            "DELETE",
            &format!("{A}/vendor-offering-mappings/{uuid}/"),
            Value::Null
        )
        .status,
        204
    );
    assert_eq!(
        get(
            &engine,
            &format!("{A}/vendor-offering-mappings/{uuid}/"),
            json!({})
        )
        .status,
        404
    );
    // Without the catalog call: the vendor names of the stored statement lines.
    let plain = engine_without_catalog();
    ok(
        &post(
            &plain,
            &format!("{A}/billing-syncs/trigger_sync/"),
            json!({"year": 2025, "month": 1}),
        ),
        200,
    );
    let r = get(
        &plain,
        &format!("{A}/vendor-offering-mappings/vendor_choices/"),
        json!({}),
    );
    assert_eq!(
        ok(&r, 200),
        &json!([{"value": "Microsoft", "label": "Microsoft"}])
    );
}

fn engine_without_catalog() -> TestEngine {
    engine(arrow())
}

#[test]
fn trigger_sync_for_one_resource_keeps_the_statements_own_totals() {
    // Defect 13: the reference stores one resource's share as the statement's totals.
    let whole = admin_engine();
    ok(
        &post(
            &whole,
            &format!("{A}/billing-syncs/trigger_sync/"),
            json!({"year": 2025, "month": 1}),
        ),
        200,
    );
    let filtered = admin_engine();
    let r = post(
        &filtered,
        &format!("{A}/billing-syncs/trigger_sync/"),
        json!({"year": 2025, "month": 1, "resource_uuid": resource(2), "dry_run": true}),
    );
    assert_eq!(ok(&r, 200)["dry_run"], true);
    ok(
        &post(
            &filtered,
            &format!("{A}/billing-syncs/trigger_sync/"),
            json!({"year": 2025, "month": 1, "resource_uuid": resource(2)}),
        ),
        200,
    );
    let totals = |engine: &TestEngine| {
        let r = get(engine, &format!("{A}/billing-syncs/"), json!({}));
        ok(&r, 200)
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["sell_total"].clone(),
                    s["items"].as_array().unwrap().len(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(totals(&filtered), totals(&whole));
    assert_eq!(totals(&whole), [(json!("1132.50"), 5)]);
    let r = post(
        &filtered,
        &format!("{A}/billing-syncs/trigger_sync/"),
        json!({"year": 2025, "month": 1, "resource_uuid": UNKNOWN}),
    );
    assert_eq!(
        r.status, 404,
        "an unknown resource is not a silent unfiltered sync"
    );
}

#[test]
fn every_one_of_the_51_is_routed() {
    use billsync::vendors::arrow::validate::Operation;
    let engine = admin_engine();
    let served = RefCell::new(0);
    for op in Operation::ALL {
        let path = op.path().replace("{uuid}", UNKNOWN);
        let r = send(&engine, op.method().as_str(), &path, Value::Null);
        // Every answer is one of the API's: never a 500, never "no such path".
        assert!(
            r.status != 500 && r.status != 405,
            "{op}: {} {}",
            r.status,
            r.body
        );
        if r.status != 404 || path.contains(UNKNOWN) {
            *served.borrow_mut() += 1;
        }
    }
    assert_eq!(*served.borrow(), 51);
}
