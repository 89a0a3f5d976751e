//! The CSV reader's tests: RFC 4180 forms, line numbers, limits, and chunk splits anywhere.
use super::*;
use proptest::prelude::*;

fn rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>> {
    read_all(bytes, "test", CsvLimits::default())
        .map(|rows| rows.into_iter().map(|r| (r.line, r.fields)).collect())
}

fn fields(bytes: &[u8]) -> Vec<Vec<String>> {
    rows(bytes).unwrap().into_iter().map(|(_, f)| f).collect()
}

/// Feeds `bytes` split at `cuts` (sorted offsets).
fn rows_chunked(bytes: &[u8], cuts: &[usize]) -> Result<Vec<(usize, Vec<String>)>> {
    let mut reader = CsvReader::new("test", CsvLimits::default());
    let mut out = Vec::new();
    let mut collect = |row: CsvRow<'_>| {
        out.push((row.line(), row.iter().map(str::to_owned).collect()));
        Ok(())
    };
    let mut from = 0;
    for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
        let cut = cut.clamp(from, bytes.len());
        reader.push(&bytes[from..cut], &mut collect)?;
        from = cut;
    }
    reader.finish(&mut collect)?;
    Ok(out)
}

fn reason(err: Error) -> String {
    match err {
        Error::InvalidPayload { reason, .. } => reason,
        other => panic!("expected invalid_payload, got {other:?}"),
    }
}

#[test]
fn reads_plain_and_quoted_fields() {
    let got = fields(b"a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n,,\n");
    assert_eq!(
        got,
        [
            vec!["a", "b", "c"],
            vec!["1", "x,y", "say \"hi\""],
            vec!["", "", ""]
        ]
    );
}

#[test]
fn bom_is_dropped_only_at_the_start() {
    assert_eq!(fields(b"\xEF\xBB\xBFa,b\n"), [vec!["a", "b"]]);
    assert_eq!(fields("a,\u{feff}b\n".as_bytes()), [vec!["a", "\u{feff}b"]]);
    // Bytes that begin like a BOM but are not one are content (here, bad UTF-8).
    assert!(rows(b"\xEF\xBBa\n").is_err());
    assert_eq!(fields(b"\xEF\xBB\xBF"), Vec::<Vec<String>>::new());
    assert!(rows(b"\xEF").is_err());
}

#[test]
fn a_bom_split_across_chunks() {
    let text = b"\xEF\xBB\xBFimsi,amount\n440,1\n";
    for cuts in [vec![1], vec![2], vec![1, 2], vec![1, 2, 3], vec![0, 0, 1]] {
        assert_eq!(
            rows_chunked(text, &cuts).unwrap(),
            rows(text).unwrap(),
            "{cuts:?}"
        );
    }
}

#[test]
fn line_endings_and_the_last_row() {
    assert_eq!(fields(b"a\r\nb\nc\rd"), [["a"], ["b"], ["c"], ["d"]]);
    assert_eq!(fields(b"a\n\n\r\nb\n"), [["a"], ["b"]]);
    assert_eq!(fields(b"\"\"\n"), [[""]]);
    assert_eq!(fields(b"a,\n"), [["a", ""]]);
    assert!(fields(b"").is_empty());
}

#[test]
fn embedded_line_breaks_count_as_physical_lines() {
    let got = rows(b"h1,h2\r\n\"two\r\nlines\",x\r\nnext,y\n\n\"a\nb\nc\",z\n").unwrap();
    assert_eq!(got[0], (1, vec!["h1".into(), "h2".into()]));
    assert_eq!(got[1], (2, vec!["two\r\nlines".into(), "x".into()]));
    assert_eq!(got[2], (4, vec!["next".into(), "y".into()]));
    assert_eq!(got[3].0, 6);
    assert_eq!(got[3].1[0], "a\nb\nc");
}

#[test]
fn refuses_malformed_quoting() {
    let r = reason(rows(b"a,b\n\"open,x\n").unwrap_err());
    assert!(r.contains("line 2") && r.contains("unterminated"), "{r}");
    let r = reason(rows(b"a,b\nx\"y,z\n").unwrap_err());
    assert!(r.contains("line 2") && r.contains("quote"), "{r}");
    let r = reason(rows(b"a\n\n\"x\"y\n").unwrap_err());
    assert!(r.contains("line 3") && r.contains("closing quote"), "{r}");
}

#[test]
fn refuses_bad_utf8_naming_the_line() {
    let r = reason(rows(b"a\nb\n\xff\xfe\n").unwrap_err());
    assert!(r.contains("line 3") && r.contains("UTF-8"), "{r}");
    // A character split between fields is not two valid fields.
    assert!(rows(b"\xE2\x82,\xAC\n").is_err());
}

#[test]
fn limits_are_hard_errors() {
    let limits = CsvLimits {
        max_row_bytes: 8,
        max_fields: 3,
    };
    let e = read_all(b"abc\n123456789\n", "t", limits).unwrap_err();
    assert_eq!(e.code(), "invalid_payload");
    assert!(reason(e).contains("line 2"));
    let e = read_all(b"a,b,c\n1,2,3,4\n", "t", limits).unwrap_err();
    assert!(reason(e).contains("more than 3 fields"));
    assert!(read_all(b"a,b,c\n12345678\n", "t", limits).is_ok());
}

#[test]
fn a_failed_reader_stays_failed() {
    let mut reader = CsvReader::new("t", CsvLimits::default());
    let mut sink = |_: CsvRow<'_>| Ok(());
    assert!(reader.push(b"a\"b\n", &mut sink).is_err());
    assert!(reader.push(b"ok\n", &mut sink).is_err());
    assert!(reader.finish(&mut sink).is_err());
    // And a finished one takes nothing more.
    let mut reader = CsvReader::new("t", CsvLimits::default());
    reader.finish(&mut sink).unwrap();
    assert!(reader.push(b"x\n", &mut sink).is_err());
}

#[test]
fn a_callback_error_stops_the_reader() {
    let mut reader = CsvReader::new("t", CsvLimits::default());
    let mut n = 0;
    let mut stop_at_two = |_: CsvRow<'_>| {
        n += 1;
        if n == 2 {
            Err(Error::not_found("row 2"))
        } else {
            Ok(())
        }
    };
    let e = reader.push(b"a\nb\nc\n", &mut stop_at_two).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(n, 2);
}

fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        "[a-z0-9 .-]{0,6}",
        "\"([a-z,\r\n€]|\"\"){0,6}\"",
        Just("€¥".to_owned()),
    ];
    let row = proptest::collection::vec(field, 1..5).prop_map(|f| f.join(","));
    let sep = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
    (
        any::<bool>(),
        proptest::collection::vec((row, sep), 0..8),
        any::<bool>(),
    )
        .prop_map(|(bom, rows, trailing)| {
            let mut s: Vec<u8> = if bom { BOM.to_vec() } else { Vec::new() };
            let n = rows.len();
            for (i, (row, sep)) in rows.into_iter().enumerate() {
                s.extend_from_slice(row.as_bytes());
                if i + 1 < n || trailing {
                    s.extend_from_slice(sep.as_bytes());
                }
            }
            s
        })
}

proptest! {
    #[test]
    fn chunk_splits_never_change_the_rows(text in csv_text(), cuts in proptest::collection::vec(0usize..200, 0..12)) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        let whole = rows(&text);
        let chunked = rows_chunked(&text, &cuts);
        prop_assert_eq!(whole.is_ok(), chunked.is_ok());
        if let (Ok(a), Ok(b)) = (whole, chunked) {
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn byte_at_a_time_agrees(text in csv_text()) {
        let cuts: Vec<usize> = (1..text.len()).collect();
        prop_assert_eq!(rows(&text).ok(), rows_chunked(&text, &cuts).ok());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64), cut in 0usize..64) {
        let _ = rows_chunked(&bytes, &[cut]);
    }
}
