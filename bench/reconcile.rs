//! Native time of a whole consumption reconciliation preview: parse the export and the records (both JSON
//! text), match lines to records, plan the compensations and build the summary. The same work as `previewReconciliation` in wasm and the
//! decimal.js reference of bench/measure-reconcile.mjs, on the same file (bench/reconcile-data.mjs).
//!
//!   cargo bench --profile bench-native --bench reconcile -- FILE [RUNS]

use std::alloc::{GlobalAlloc, Layout, System};
use std::error::Error;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use billsync::ledger::{PreviewOutput, PreviewParts, PreviewResult};
use billsync::timezone::NoZoneRules;
use billsync::vendors::arrow::line::BilledLine;
use billsync::vendors::arrow::parse_billing_export;
use billsync::vendors::arrow::preview::preview_into;
use serde_json::{json, Value};

/// The system allocator, counting allocations: the report gives allocations per record, the measure of
/// "per-record churn" that time alone hides.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let file = args.next().ok_or("usage: reconcile FILE [RUNS]")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    let export = input["exportPayload"]
        .as_str()
        .ok_or("no exportPayload")?
        .to_owned();
    // The records as one JSON text, as wasm gets them: parsed inside the timed region.
    let records = serde_json::to_string(&input["records"])?;
    let rest = json!({
        "period": "2025-01",
        "settings": {"invoice_price_source": "sell", "currency": "EUR"},
        "asOf": "2025-02-03T10:00:00Z",
    });
    drop(input);
    // RESULT=summary|totals: what is asked for, as `input.result` asks it in wasm.
    let result = match std::env::var("RESULT").as_deref() {
        Ok("summary") => PreviewResult::Summary,
        Ok("totals") => PreviewResult::Totals,
        _ => PreviewResult::All,
    };
    let case = format!(
        "records as text, result {} as text",
        format!("{result:?}").to_lowercase()
    );
    // From both texts to the result as one JSON text: what `previewReconciliationJson` returns in wasm.
    // Also the time of each phase: the export read, the preview planned, the result written.
    let once = || -> Result<(PreviewParts, String, [f64; 3]), Box<dyn Error>> {
        let started = Instant::now();
        let page = parse_billing_export(&export)?;
        let lines: Vec<BilledLine> = page
            .lines
            .into_iter()
            .map(|l| BilledLine::of_export(l, 1))
            .collect();
        let read = started.elapsed().as_secs_f64();
        let a0 = ALLOCATIONS.load(Ordering::Relaxed);
        let mut output = PreviewOutput {
            result,
            on_rows: None,
        };
        let preview = preview_into(&rest, Some(&records), &lines, &NoZoneRules, &mut output)?;
        if std::env::var_os("PHASE_ALLOCATIONS").is_some() {
            eprintln!(
                "plan allocations: {}",
                ALLOCATIONS.load(Ordering::Relaxed) - a0
            );
        }
        let planned = started.elapsed().as_secs_f64();
        let text = preview.to_json()?;
        let written = started.elapsed().as_secs_f64();
        Ok((preview, text, [read, planned - read, written - planned]))
    };
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let mut result = once()?;
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    let mut seconds = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        result = once()?;
        seconds.push(started.elapsed().as_secs_f64());
    }
    let (preview, text, [read, planned, written]) = &result;
    let summary = &preview.summary;
    println!(
        "{}",
        json!({
            "impl": "native",
            "case": case,
            "records": summary.counters.reconciled + summary.counters.no_billing_data,
            "seconds": seconds,
            "adjustment": summary.totals.first().map(|t| t.adjustment.clone()),
            "compensations": summary.counters.compensation_items_created,
            "result_bytes": text.len(),
            "allocations_per_record": allocations as f64 / (summary.counters.reconciled + summary.counters.no_billing_data).max(1) as f64,
            "last_run_phases": {"export_read": read, "records_read_and_planned": planned, "result_written": written},
            "peak_rss_mb": peak_rss_mb(),
        })
    );
    Ok(())
}

/// The process's peak resident set (VmHWM) in MB, where /proc says it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0).round())
}
