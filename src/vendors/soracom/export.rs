//! The billing CSV export: `FileExportResponse` (`POST /bills/{yyyyMM}/export`, `POST /bills/latest/export`)
//! and the status of an asynchronous export (`GET /files/exported/{id}`).
//!
//! In sync mode the response is `{url}`; in async mode `{exportedFileId, exportedFilePath}`, and the file
//! is polled for until it is `exported` (with its `url`) or `failed`. A response that is both or neither
//! is refused: the adapter would not know whether to download or to poll.

use serde::Serialize;
use serde_json::Value;

use super::object::{read_text, read_value, RawObject, Shape};
use super::status::ExportStatus;
use crate::error::Result;

/// Names an export response in errors.
pub const FILE_EXPORT: &str = "soracom file export";
/// Names an exported file's status in errors.
pub const EXPORTED_FILE: &str = "soracom exported file";

static EXPORT_SHAPE: Shape = Shape {
    payload: FILE_EXPORT,
    keys: &["url", "exportedFileId", "exportedFilePath"],
    list: None,
};

static STATUS_SHAPE: Shape = Shape {
    payload: EXPORTED_FILE,
    keys: &["status", "url"],
    list: None,
};

/// What an export request answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum FileExport {
    /// The file is ready at `url`.
    Sync { url: String },
    /// The file is being made: poll `GET /files/exported/{exported_file_id}`.
    #[serde(rename_all = "camelCase")]
    Async {
        exported_file_id: String,
        exported_file_path: Option<String>,
    },
}

/// Where an asynchronous export stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedFile {
    pub status: ExportStatus,
    /// Present once `exported` (required then), absent or ignored otherwise.
    pub url: Option<String>,
}

fn non_blank<'o>(object: &'o RawObject<'_>, key: &str) -> Result<Option<&'o str>> {
    match object.text(key)? {
        Some(s) if s.trim().is_empty() => Err(object.invalid(key, s, "must not be blank")),
        other => Ok(other),
    }
}

fn export_of(object: &RawObject<'_>) -> Result<FileExport> {
    let url = non_blank(object, "url")?;
    let id = non_blank(object, "exportedFileId")?;
    match (url, id) {
        (Some(url), None) => Ok(FileExport::Sync {
            url: url.to_owned(),
        }),
        (None, Some(id)) => Ok(FileExport::Async {
            exported_file_id: id.to_owned(),
            exported_file_path: non_blank(object, "exportedFilePath")?.map(str::to_owned),
        }),
        (Some(_), Some(id)) => Err(object.invalid(
            "exportedFileId",
            id,
            "both a url (sync) and an exportedFileId (async)",
        )),
        (None, None) => Err(object.invalid(
            "url",
            "",
            "missing: expected a url (sync) or an exportedFileId (async)",
        )),
    }
}

fn status_of(object: &RawObject<'_>) -> Result<ExportedFile> {
    let status = object
        .parsed("status", |s| {
            ExportStatus::parse(s).ok_or_else(ExportStatus::expected)
        })?
        .ok_or_else(|| object.invalid("status", "", "missing"))?;
    let url = non_blank(object, "url")?.map(str::to_owned);
    if status == ExportStatus::Exported && url.is_none() {
        return Err(object.invalid("url", "", "missing: an exported file has a url"));
    }
    Ok(ExportedFile { status, url })
}

/// Reads a `FileExportResponse` from its JSON text.
pub fn parse_file_export(text: &str) -> Result<FileExport> {
    export_of(&read_text(text, &EXPORT_SHAPE)?.top)
}

/// Reads a `FileExportResponse` from a JSON value.
pub fn parse_file_export_value(value: &Value) -> Result<FileExport> {
    export_of(&read_value(value, &EXPORT_SHAPE)?.top)
}

/// Reads an exported file's status from its JSON text.
pub fn parse_exported_file(text: &str) -> Result<ExportedFile> {
    status_of(&read_text(text, &STATUS_SHAPE)?.top)
}

/// Reads an exported file's status from a JSON value.
pub fn parse_exported_file_value(value: &Value) -> Result<ExportedFile> {
    status_of(&read_value(value, &STATUS_SHAPE)?.top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export_both(text: &str) -> [Result<FileExport>; 2] {
        let v: Value = serde_json::from_str(text).unwrap();
        [parse_file_export(text), parse_file_export_value(&v)]
    }

    fn status_both(text: &str) -> [Result<ExportedFile>; 2] {
        let v: Value = serde_json::from_str(text).unwrap();
        [parse_exported_file(text), parse_exported_file_value(&v)]
    }

    #[test]
    fn sync_and_async_exports() {
        for got in export_both(r#"{"url":"https://soracom-billing.s3.amazonaws.com/x.csv?sig=1"}"#)
        {
            assert_eq!(
                got.unwrap(),
                FileExport::Sync {
                    url: "https://soracom-billing.s3.amazonaws.com/x.csv?sig=1".into()
                }
            );
        }
        for got in
            export_both(r#"{"exportedFileId":"f-123","exportedFilePath":"/bills/202208.csv"}"#)
        {
            assert_eq!(
                got.unwrap(),
                FileExport::Async {
                    exported_file_id: "f-123".into(),
                    exported_file_path: Some("/bills/202208.csv".into())
                }
            );
        }
        assert_eq!(
            serde_json::to_value(parse_file_export(r#"{"exportedFileId":"f"}"#).unwrap()).unwrap(),
            serde_json::json!({"mode": "async", "exportedFileId": "f", "exportedFilePath": null})
        );
    }

    #[test]
    fn bad_exports_name_the_field() {
        for (text, field) in [
            (r#"{}"#, "url"),
            (r#"{"url":null,"exportedFileId":null}"#, "url"),
            (r#"{"url":""}"#, "url"),
            (r#"{"url":5}"#, "url"),
            (
                r#"{"url":"https://x","exportedFileId":"f"}"#,
                "exportedFileId",
            ),
            (r#"{"exportedFileId":7}"#, "exportedFileId"),
        ] {
            for got in export_both(text) {
                let e = got.unwrap_err();
                assert_eq!(e.code(), "invalid_cell", "{text}");
                assert!(e.to_string().contains(field), "{text}: {e}");
            }
        }
        assert_eq!(
            parse_file_export("[]").unwrap_err().code(),
            "invalid_payload"
        );
    }

    #[test]
    fn exported_file_statuses() {
        for got in status_both(r#"{"status":"processing"}"#) {
            assert_eq!(
                got.unwrap(),
                ExportedFile {
                    status: ExportStatus::Processing,
                    url: None
                }
            );
        }
        for got in status_both(r#"{"status":"exported","url":"https://x/y.csv"}"#) {
            assert_eq!(got.unwrap().url.as_deref(), Some("https://x/y.csv"));
        }
        for got in status_both(r#"{"status":"failed","url":null}"#) {
            assert_eq!(got.unwrap().status, ExportStatus::Failed);
        }
        for (text, field) in [
            (r#"{"status":"exported"}"#, "url"),
            (r#"{"status":"done","url":"https://x"}"#, "status"),
            (r#"{"url":"https://x"}"#, "status"),
            (r#"{"status":1}"#, "status"),
        ] {
            for got in status_both(text) {
                let e = got.unwrap_err();
                assert_eq!(e.code(), "invalid_cell", "{text}");
                assert!(e.to_string().contains(field), "{text}: {e}");
            }
        }
    }
}
