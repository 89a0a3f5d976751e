//! The READMEs match the code: every operation of both REST APIs has a curl line (Arrow's in
//! examples/node-admin/README.md, on `$BASE`; Soracom's in README.md, on `$S`), and no curl line of those
//! blocks names a path that no operation serves.

use billsync::vendors::arrow::validate::Operation as ArrowOperation;
use billsync::vendors::soracom::validate::Operation as SoracomOperation;

/// The listing every vendor's handler serves besides its operations (src/rest/http.rs, `serve_unowned`).
const UNOWNED_ARROW: &str = "/api/admin/arrow/billing-syncs/unowned/";
const UNOWNED_SORACOM: &str = "/api/admin/soracom/billing-syncs/unowned/";

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The paths the curl lines on `base` call, relative to it, without the query.
fn curl_paths(readme: &str, base: &str) -> Vec<String> {
    readme
        .lines()
        .filter(|line| line.trim_start().starts_with("curl"))
        .flat_map(|line| {
            line.match_indices(base)
                .map(|(at, _)| {
                    let rest = &line[at + base.len()..];
                    let end = rest
                        .find(|c: char| c.is_whitespace() || c == '"' || c == '?' || c == '\'')
                        .unwrap_or(rest.len());
                    rest[..end].to_owned()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether `called` (e.g. "/customers/$C/bills/") is `path` (e.g. "/customers/{uuid}/bills/").
fn matches(path: &str, called: &str) -> bool {
    let (want, got): (Vec<&str>, Vec<&str>) =
        (path.split('/').collect(), called.split('/').collect());
    want.len() == got.len()
        && want
            .iter()
            .zip(&got)
            .all(|(w, g)| w == g || (w.starts_with('{') && !g.is_empty()))
}

fn check(readme: &str, base: &str, prefix: &str, paths: &[&str]) {
    let called = curl_paths(readme, base);
    for path in paths {
        let relative = path.strip_prefix(prefix).unwrap();
        assert!(
            called.iter().any(|c| matches(relative, c)),
            "no curl line on {base} calls {path}"
        );
    }
    for c in &called {
        assert!(
            paths
                .iter()
                .any(|p| matches(p.strip_prefix(prefix).unwrap(), c)),
            "a curl line on {base} calls {c}, which no operation serves"
        );
    }
}

#[test]
fn every_arrow_operation_has_a_curl_line() {
    let mut paths: Vec<&str> = ArrowOperation::ALL.iter().map(|op| op.path()).collect();
    paths.push(UNOWNED_ARROW);
    check(
        &read("examples/node-admin/README.md"),
        "$BASE",
        "/api/admin/arrow",
        &paths,
    );
}

#[test]
fn every_soracom_operation_has_a_curl_line() {
    let mut paths: Vec<&str> = SoracomOperation::ALL.iter().map(|op| op.path()).collect();
    paths.push(UNOWNED_SORACOM);
    check(&read("README.md"), "$S", "/api/admin/soracom", &paths);
}
