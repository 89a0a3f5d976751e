use proptest::prelude::*;

use super::{decode, effective_page_size, encode, page_items, page_url, paginate, INVALID_PAGE};

const URL: &str = "https://h.example/api/admin/arrow/consumption-records/";

#[test]
fn middle_page_has_all_four_links() {
    let page = paginate(54, 3, 10, URL).unwrap();
    assert_eq!(page.range, 20..30);
    assert_eq!(page.count, 54);
    assert_eq!(page.x_result_count(), "54");
    assert_eq!(
        page.link_header.unwrap(),
        format!(
            "<{URL}?page=1&page_size=10>; rel=\"first\", \
             <{URL}?page=2&page_size=10>; rel=\"prev\", \
             <{URL}?page=4&page_size=10>; rel=\"next\", \
             <{URL}?page=6&page_size=10>; rel=\"last\""
        )
    );
}

#[test]
fn first_and_last_pages_omit_prev_and_next() {
    let first = paginate(54, 1, 10, URL).unwrap().link_header.unwrap();
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("page=2&page_size=10>; rel=\"next\""));
    let last = paginate(54, 6, 10, URL).unwrap();
    assert_eq!(last.range, 50..54);
    let links = last.link_header.unwrap();
    assert!(!links.contains("rel=\"next\""));
    assert!(links.contains("page=5&page_size=10>; rel=\"prev\""));
    assert!(links.ends_with("page=6&page_size=10>; rel=\"last\""));
}

#[test]
fn empty_list_has_one_empty_page() {
    let page = paginate(0, 1, 10, URL).unwrap();
    assert_eq!(page.range, 0..0);
    assert_eq!(page.count, 0);
    assert_eq!(
        page.link_header.unwrap(),
        format!(
            "<{URL}?page=1&page_size=10>; rel=\"first\", <{URL}?page=1&page_size=10>; rel=\"last\""
        )
    );
    let e = paginate(0, 2, 10, URL).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(e.status(), 404);
}

#[test]
fn page_zero_and_past_the_end_are_invalid_page() {
    for page in [0, 7, usize::MAX] {
        let e = paginate(54, page, 10, URL).unwrap_err();
        assert_eq!(e, crate::Error::not_found(INVALID_PAGE), "page {page}");
    }
    assert_eq!(paginate(60, 6, 10, URL).unwrap().range, 50..60);
    assert!(
        paginate(60, 7, 10, URL).is_err(),
        "an exact fit has no extra page"
    );
}

#[test]
fn huge_page_sizes_do_not_overflow() {
    let page = paginate(5, 1, usize::MAX, URL).unwrap();
    assert_eq!(page.range, 0..5);
    assert!(paginate(5, 2, usize::MAX, URL).is_err());
}

#[test]
fn zero_page_size_is_a_validation_error() {
    let e = paginate(5, 1, 0, URL).unwrap_err();
    assert_eq!(e.code(), "validation_failed");
    assert_eq!(effective_page_size(None), 10);
    assert_eq!(effective_page_size(Some("0")), 10);
    assert_eq!(effective_page_size(Some("x")), 10);
    assert_eq!(effective_page_size(Some("25")), 25);
    assert_eq!(effective_page_size(Some("1000")), 300);
}

#[test]
fn links_keep_other_params_sorted_and_encoded() {
    let url = "/api/x/?license_reference=a%20b&page=3&customer_uuid=c&page_size=5&q=1%262#top";
    assert_eq!(
        page_url(url, 4, 5),
        "/api/x/?customer_uuid=c&license_reference=a%20b&page=4&page_size=5&q=1%262"
    );
    // '+' in a query is a space; a value with '>' or ',' cannot break the Link header.
    assert_eq!(
        page_url("/a?x=a+b>,;", 1, 2),
        "/a?page=1&page_size=2&x=a%20b%3E%2C%3B"
    );
    // Repeated names keep their relative order.
    assert_eq!(
        page_url("/a?z=2&z=1", 1, 2),
        "/a?page=1&page_size=2&z=2&z=1"
    );
    // A malformed escape is kept literally, then encoded.
    assert_eq!(
        page_url("/a?x=%zz%4", 1, 2),
        "/a?page=1&page_size=2&x=%25zz%254"
    );
    assert!(paginate(1, 1, 1, "").unwrap().link_header.is_none());
}

#[test]
fn percent_encoding_round_trips() {
    for text in ["plain", "a b&c=d", "€1,000.00", "%", "~-._", ""] {
        assert_eq!(decode(&encode(text)), text);
    }
    assert_eq!(encode("é"), "%C3%A9");
    assert_eq!(decode("%C3%A9"), "é");
}

#[test]
fn page_items_is_safe_for_a_foreign_range() {
    let items = [1, 2, 3];
    let page = paginate(10, 2, 5, URL).unwrap();
    assert!(page_items(&items, &page).is_empty());
    let page = paginate(3, 1, 2, URL).unwrap();
    assert_eq!(page_items(&items, &page), [1, 2]);
}

proptest! {
    #[test]
    fn pages_cover_every_item_once_in_order(
        total in 0usize..300,
        page_size in prop_oneof![1usize..40, 40usize..=usize::MAX],
    ) {
        let items: Vec<usize> = (0..total).collect();
        let mut seen = Vec::new();
        let mut page = 1;
        loop {
            let p = paginate(total, page, page_size, URL).unwrap();
            prop_assert_eq!(p.count, total);
            prop_assert!(p.range.len() <= page_size);
            seen.extend_from_slice(page_items(&items, &p));
            let has_next = p.link_header.unwrap().contains("rel=\"next\"");
            if !has_next {
                break;
            }
            page += 1;
        }
        prop_assert_eq!(&seen, &items);
        prop_assert!(paginate(total, page + 1, page_size, URL).is_err());
    }
}
