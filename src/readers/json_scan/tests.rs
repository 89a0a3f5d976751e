//! The scanner's tests: strictness, offsets, escapes, depth, and agreement with serde_json.
use super::*;
use proptest::prelude::*;

fn cells(json: &str) -> Result<Vec<Cell<'_>>> {
    let mut s = Scanner::new(json, "test");
    s.begin_array()?;
    let mut first = true;
    let mut out = Vec::new();
    while s.next_element(&mut first)? {
        out.push(s.cell()?);
    }
    s.finish()?;
    Ok(out)
}

fn offset_of(err: Error) -> usize {
    match err {
        Error::InvalidPayload { offset, .. } => offset,
        other => panic!("expected invalid_payload, got {other:?}"),
    }
}

#[test]
fn reads_cells_borrowing_plain_strings() {
    let got =
        cells(r#" [ "a", -12.50, 0, 1e-3, true, false, null, [1, {"x": []}], {} ] "#).unwrap();
    assert!(matches!(&got[0], Cell::Text(Cow::Borrowed("a"))));
    assert_eq!(got[1], Cell::Number("-12.50".into()));
    assert_eq!(got[2], Cell::Number("0".into()));
    assert_eq!(got[3], Cell::Number("1e-3".into()));
    assert_eq!(got[4], Cell::Bool(true));
    assert_eq!(got[5], Cell::Bool(false));
    assert_eq!(got[6], Cell::Null);
    assert_eq!(got[7], Cell::Nested(r#"[1, {"x": []}]"#.into()));
    assert_eq!(got[8], Cell::Nested("{}".into()));
    assert!(cells("[]").unwrap().is_empty());
}

#[test]
fn decodes_escapes_and_surrogate_pairs() {
    let got =
        cells(r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00!", "x\u0000y"]"#).unwrap();
    assert_eq!(got[0], Cell::Text("a\"b\\c/d\u{8}\u{c}\n\r\t".into()));
    assert_eq!(got[1], Cell::Text("é€".into()));
    assert_eq!(got[2], Cell::Text("😀!".into()));
    assert_eq!(got[3], Cell::Text("x\0y".into()));
    // Non-ASCII text passes through untouched.
    assert_eq!(
        cells(r#"["€1,000.00 ü"]"#).unwrap()[0],
        Cell::Text("€1,000.00 ü".into())
    );
    // Skipped strings are checked as strictly as read ones.
    let mut s = Scanner::new(r#"{"k": "\ud800"}"#, "test");
    assert!(s.skip_value().is_err());
}

#[test]
fn rejects_malformed_documents_with_offsets() {
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("[1,]", 3),
        ("[1 2]", 3),
        ("[01]", 2),
        ("[-]", 2),
        ("[1.]", 3),
        ("[1e]", 3),
        ("[.5]", 1),
        ("[+1]", 1),
        ("[tru]", 1),
        ("[nul]", 1),
        ("[\"abc]", 1),
        ("[\"a\u{1}\"]", 3),
        ("[\"\\x\"]", 2),
        ("[\"\\u12\"]", 2),
        ("[\"\\udc00\"]", 2),
        ("[\"\\ud800\\u0041\"]", 2),
        ("[\"\\ud800x\"]", 2),
        ("[1] x", 4),
        ("[1]]", 3),
        ("[", 1),
        ("['a']", 1),
        ("[NaN]", 1),
        ("[Infinity]", 1),
    ];
    for (json, offset) in cases {
        let err = cells(json).unwrap_err();
        assert_eq!(err.code(), "invalid_payload", "{json:?}");
        assert_eq!(offset_of(err), *offset, "{json:?}");
    }
    for json in [
        r#"{"a" 1}"#,
        r#"{"a":1,}"#,
        r#"{a:1}"#,
        r#"{"a":1"#,
        "{,}",
        "[1}",
        "{\"a\":1]",
    ] {
        assert!(validate_document(json, "t").is_err(), "{json:?}");
    }
}

#[test]
fn nesting_is_capped_without_recursion() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    validate_document(&ok, "t").unwrap();
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(
        validate_document(&deep, "t").unwrap_err().code(),
        "invalid_payload"
    );
    let very_deep = "[{\"a\":".repeat(100_000);
    assert!(validate_document(&very_deep, "t").is_err());
    // Depth already used by the structure counts against a skipped value.
    let mut s = Scanner::new("[[[]]]", "t");
    s.begin_array().unwrap();
    s.depth = MAX_DEPTH - 1;
    let mut first = true;
    assert!(s.next_element(&mut first).unwrap());
    assert!(s.skip_value().is_err());
}

#[test]
fn bytes_must_be_utf8() {
    let err = Scanner::text_of(b"[\"\xff\"]", "t").unwrap_err();
    assert_eq!(offset_of(err), 2);
}

proptest! {
    #[test]
    fn the_word_test_finds_the_first_special_byte(bytes in proptest::array::uniform8(any::<u8>())) {
        let expected = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        let mask = special_bytes(u64::from_le_bytes(bytes));
        let found = (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize);
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,64}") {
        let _ = validate_document(&s, "fuzz");
        let _ = cells(&s);
    }

    #[test]
    fn never_panics_on_json_like_text(s in r#"[\[\]{}",:\\ u0-9a-fA-Fe.+\-tnl]{0,64}"#) {
        let _ = validate_document(&s, "fuzz");
        let _ = cells(&s);
    }

    #[test]
    fn agrees_with_serde_json_on_validity(s in r#"[\[\]{}",:\\ u0-9dDeE.+\-tr]{0,24}"#) {
        let ours = validate_document(&s, "fuzz").is_ok();
        let theirs = serde_json::from_str::<serde_json::Value>(&s).is_ok();
        prop_assert_eq!(ours, theirs, "{:?}", s);
    }

    #[test]
    fn strings_round_trip_through_serde_json(s in "\\PC{0,32}") {
        let json = serde_json::to_string(&vec![s.clone()]).unwrap();
        prop_assert_eq!(cells(&json).unwrap(), vec![Cell::Text(s.into())]);
    }
}
