//! The ArrowEngine's methods for the 32 operations of Waldur's newest source: each runs its operation as
//! `handle` does and resolves to its body (a destroy resolves to null). A uuid argument is the object of a
//! `{uuid}/…` path.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::args::{optional_object_arg, string_arg};
use super::engine::JsArrowEngine;
use crate::vendors::arrow::validate::Operation;

impl JsArrowEngine {
    /// `{ ...body, uuid }` for an operation on one object.
    fn on_object(&self, operation: Operation, uuid: &JsValue, body: JsValue) -> Promise {
        let input = string_arg(uuid, "uuid").and_then(|uuid| {
            let mut body = optional_object_arg(body, "body", "an object, or null")?;
            if body.is_null() {
                body = serde_json::json!({});
            }
            if let Some(object) = body.as_object_mut() {
                object.insert("uuid".into(), serde_json::Value::String(uuid));
            }
            super::to_js(&body)
        });
        match input {
            Ok(input) => self.operation(operation, input),
            Err(error) => Promise::reject(&error),
        }
    }
}

#[wasm_bindgen(js_class = ArrowEngine)]
impl JsArrowEngine {
    #[wasm_bindgen(js_name = listBillingSyncItems, unchecked_return_type = "Promise<Array<BillingSyncItemDetail>>")]
    pub fn list_billing_sync_items(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "BillingSyncItemQuery | null")]
        query: JsValue,
    ) -> Promise {
        self.operation(Operation::BillingSyncItemsList, query)
    }

    #[wasm_bindgen(js_name = retrieveBillingSyncItem, unchecked_return_type = "Promise<BillingSyncItemDetail>")]
    pub fn retrieve_billing_sync_item(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(Operation::BillingSyncItemsRetrieve, &uuid, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = listCustomerMappings, unchecked_return_type = "Promise<Array<CustomerMappingView>>")]
    pub fn list_customer_mappings(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CustomerMappingQuery | null")]
        query: JsValue,
    ) -> Promise {
        self.operation(Operation::CustomerMappingsList, query)
    }

    #[wasm_bindgen(js_name = createCustomerMapping, unchecked_return_type = "Promise<CustomerMappingView>")]
    pub fn create_customer_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CustomerMappingWrite")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::CustomerMappingsCreate, body)
    }

    #[wasm_bindgen(js_name = retrieveCustomerMapping, unchecked_return_type = "Promise<CustomerMappingView>")]
    pub fn retrieve_customer_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(Operation::CustomerMappingsRetrieve, &uuid, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = updateCustomerMapping, unchecked_return_type = "Promise<CustomerMappingView>")]
    pub fn update_customer_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CustomerMappingWrite")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::CustomerMappingsUpdate, &uuid, body)
    }

    #[wasm_bindgen(js_name = partialUpdateCustomerMapping, unchecked_return_type = "Promise<CustomerMappingView>")]
    pub fn partial_update_customer_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CustomerMappingWrite")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::CustomerMappingsPartialUpdate, &uuid, body)
    }

    #[wasm_bindgen(js_name = destroyCustomerMapping, unchecked_return_type = "Promise<null>")]
    pub fn destroy_customer_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(Operation::CustomerMappingsDestroy, &uuid, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = syncCustomersFromArrow, unchecked_return_type = "Promise<CustomersSynced>")]
    pub fn sync_customers_from_arrow(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SyncFromArrowRequest | null")]
        query: JsValue,
    ) -> Promise {
        self.operation(Operation::CustomerMappingsSyncFromArrow, query)
    }

    #[wasm_bindgen(js_name = availableCustomers, unchecked_return_type = "Promise<AvailableCustomers>")]
    pub fn available_customers(&self) -> Promise {
        self.operation(Operation::CustomerMappingsAvailableCustomers, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = customerBillingSummary, unchecked_return_type = "Promise<CustomerBillingSummary>")]
    pub fn customer_billing_summary(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(
            Operation::CustomerMappingsBillingSummary,
            &uuid,
            JsValue::NULL,
        )
    }

    #[wasm_bindgen(js_name = fetchCustomerArrowData, unchecked_return_type = "Promise<CustomerArrowData>")]
    pub fn fetch_customer_arrow_data(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(
            Operation::CustomerMappingsFetchArrowData,
            &uuid,
            JsValue::NULL,
        )
    }

    #[wasm_bindgen(js_name = discoverLicenses, unchecked_return_type = "Promise<DiscoveredLicenses>")]
    pub fn discover_licenses(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(
            Operation::CustomerMappingsDiscoverLicenses,
            &uuid,
            JsValue::NULL,
        )
    }

    #[wasm_bindgen(js_name = linkResource, unchecked_return_type = "Promise<LinkedResource>")]
    pub fn link_resource(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Omit<LinkResourceRequest, 'uuid'>")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::CustomerMappingsLinkResource, &uuid, body)
    }

    #[wasm_bindgen(js_name = importLicense, unchecked_return_type = "Promise<ImportedLicense>")]
    pub fn import_license(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Omit<ImportLicenseRequest, 'uuid'>")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::CustomerMappingsImportLicense, &uuid, body)
    }

    #[wasm_bindgen(js_name = listSettings, unchecked_return_type = "Promise<Array<ArrowSettingsView>>")]
    pub fn list_settings(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SettingsQuery | null")] query: JsValue,
    ) -> Promise {
        self.operation(Operation::SettingsList, query)
    }

    #[wasm_bindgen(js_name = createSettings, unchecked_return_type = "Promise<ArrowSettingsView>")]
    pub fn create_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SettingsWrite")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::SettingsCreate, body)
    }

    #[wasm_bindgen(js_name = retrieveSettings, unchecked_return_type = "Promise<ArrowSettingsView>")]
    pub fn retrieve_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(Operation::SettingsRetrieve, &uuid, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = updateSettings, unchecked_return_type = "Promise<ArrowSettingsView>")]
    pub fn update_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SettingsWrite")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::SettingsUpdate, &uuid, body)
    }

    #[wasm_bindgen(js_name = partialUpdateSettings, unchecked_return_type = "Promise<ArrowSettingsView>")]
    pub fn partial_update_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SettingsWrite")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::SettingsPartialUpdate, &uuid, body)
    }

    #[wasm_bindgen(js_name = destroySettings, unchecked_return_type = "Promise<null>")]
    pub fn destroy_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(Operation::SettingsDestroy, &uuid, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = validateCredentials, unchecked_return_type = "Promise<CredentialsValidation>")]
    pub fn validate_credentials(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CredentialsRequest")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::SettingsValidateCredentials, body)
    }

    #[wasm_bindgen(js_name = discoverCustomers, unchecked_return_type = "Promise<DiscoveredCustomers>")]
    pub fn discover_customers(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CredentialsRequest")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::SettingsDiscoverCustomers, body)
    }

    #[wasm_bindgen(js_name = previewSettings, unchecked_return_type = "Promise<SettingsPreview>")]
    pub fn preview_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SaveSettingsRequest")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::SettingsPreviewSettings, body)
    }

    #[wasm_bindgen(js_name = saveSettings, unchecked_return_type = "Promise<SettingsSaved>")]
    pub fn save_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SaveSettingsRequest")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::SettingsSaveSettings, body)
    }

    #[wasm_bindgen(js_name = listVendorOfferingMappings, unchecked_return_type = "Promise<Array<VendorOfferingMappingView>>")]
    pub fn list_vendor_offering_mappings(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "VendorMappingQuery | null")] query: JsValue,
    ) -> Promise {
        self.operation(Operation::VendorMappingsList, query)
    }

    #[wasm_bindgen(js_name = createVendorOfferingMapping, unchecked_return_type = "Promise<VendorOfferingMappingView>")]
    pub fn create_vendor_offering_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VendorMappingWrite")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::VendorMappingsCreate, body)
    }

    #[wasm_bindgen(js_name = retrieveVendorOfferingMapping, unchecked_return_type = "Promise<VendorOfferingMappingView>")]
    pub fn retrieve_vendor_offering_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(Operation::VendorMappingsRetrieve, &uuid, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = updateVendorOfferingMapping, unchecked_return_type = "Promise<VendorOfferingMappingView>")]
    pub fn update_vendor_offering_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VendorMappingWrite")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::VendorMappingsUpdate, &uuid, body)
    }

    #[wasm_bindgen(js_name = partialUpdateVendorOfferingMapping, unchecked_return_type = "Promise<VendorOfferingMappingView>")]
    pub fn partial_update_vendor_offering_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VendorMappingWrite")] body: JsValue,
    ) -> Promise {
        self.on_object(Operation::VendorMappingsPartialUpdate, &uuid, body)
    }

    #[wasm_bindgen(js_name = destroyVendorOfferingMapping, unchecked_return_type = "Promise<null>")]
    pub fn destroy_vendor_offering_mapping(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        self.on_object(Operation::VendorMappingsDestroy, &uuid, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = vendorChoices, unchecked_return_type = "Promise<Array<VendorNameChoice>>")]
    pub fn vendor_choices(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SyncFromArrowRequest | null")]
        query: JsValue,
    ) -> Promise {
        self.operation(Operation::VendorMappingsVendorChoices, query)
    }
}
