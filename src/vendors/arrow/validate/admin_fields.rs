//! Field parsers of the admin endpoints (customer mappings, settings, vendor mappings): DRF's max_length,
//! URLField, blank-allowed CharFields, and a related object given by uuid or by its URL.

use serde_json::Value;

use crate::fields::{text, uuid, NOT_BLANK};

/// A CharField with `max_length`: trimmed, blank refused.
pub fn text_max(max: usize) -> impl Fn(&Value) -> Result<String, String> {
    move |value| {
        let text = text(value)?;
        if text.chars().count() > max {
            return Err(format!(
                "Ensure this field has no more than {max} characters."
            ));
        }
        Ok(text)
    }
}

/// A CharField with `blank=True` and `max_length`: "" is kept as "".
pub fn text_or_blank(max: usize) -> impl Fn(&Value) -> Result<String, String> {
    move |value| match value {
        Value::String(s) if s.trim().is_empty() => Ok(String::new()),
        other => text_max(max)(other),
    }
}

/// DRF's URLField: an http(s) URL with a host, at most `max` characters.
pub fn url_max(max: usize) -> impl Fn(&Value) -> Result<String, String> {
    move |value| {
        let url = text_max(max)(value)?;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let host = rest.and_then(|r| r.split(['/', '?', '#']).next());
        match host {
            Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(url),
            _ => Err("Enter a valid URL.".to_owned()),
        }
    }
}

/// A related object as the API takes it: its uuid, or its URL (`…/<uuid>/`), as PUT bodies name it.
pub fn uuid_or_url(value: &Value) -> Result<String, String> {
    if let Ok(id) = uuid(value) {
        return Ok(id);
    }
    let Value::String(text) = value else {
        return Err("Must be a valid UUID or a URL ending in one.".to_owned());
    };
    if text.trim().is_empty() {
        return Err(NOT_BLANK.to_owned());
    }
    let last = text.trim().trim_end_matches('/').rsplit('/').next();
    last.and_then(|segment| uuid(&Value::String(segment.to_owned())).ok())
        .filter(|_| text.contains("://"))
        .ok_or_else(|| "Must be a valid UUID or a URL ending in one.".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parsers() {
        assert_eq!(text_max(3)(&json!(" abc ")), Ok("abc".into()));
        assert_eq!(
            text_max(3)(&json!("abcd")),
            Err("Ensure this field has no more than 3 characters.".into())
        );
        assert_eq!(text_or_blank(3)(&json!(" ")), Ok(String::new()));
        assert_eq!(
            url_max(255)(&json!("https://xsp.arrow.com/api")),
            Ok("https://xsp.arrow.com/api".into())
        );
        for bad in [json!("xsp.arrow.com"), json!("https://"), json!("ftp://x")] {
            assert_eq!(
                url_max(255)(&bad),
                Err("Enter a valid URL.".into()),
                "{bad}"
            );
        }
        let id = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
        assert_eq!(uuid_or_url(&json!(id)), Ok(id.into()));
        assert_eq!(
            uuid_or_url(&json!(format!("https://h/api/customers/{id}/"))),
            Ok(id.into())
        );
        assert!(uuid_or_url(&json!("https://h/api/customers/x/")).is_err());
        assert!(uuid_or_url(&json!(3)).is_err());
    }
}
