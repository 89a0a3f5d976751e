//! Native throughput of consumption parsing + aggregation: the same work as the wasm and decimal.js runs of
//! bench/run.sh, on the same data file (one Arrow consumption payload per line, see bench/generate.mjs).
//!
//!   cargo bench --profile bench-native --bench consumption -- FILE [RUNS]
//!
//! Prints one JSON line: lines, bytes, seconds per run and checksums (Σ consumed sell/buy), so that
//! bench/report.mjs can check that all implementations agree to the last digit.

use std::error::Error;
use std::time::Instant;

use billsync::money::{render_exact, Currency};
use billsync::period::Period;
use billsync::vendors::arrow::aggregate::{
    AggregateOptions, ConsumptionAggregator, ConsumptionTag,
};
use rust_decimal::Decimal;

/// The tag of licence `i`, as bench/generate.mjs makes it.
fn tag_of(i: usize, period: Period) -> ConsumptionTag {
    ConsumptionTag {
        resource_uuid: format!("00000000-0000-4000-8000-{i:012x}"),
        license_reference: format!("XSP{}", 100_000 + i),
        period: Some(period),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let file = args.next().ok_or("usage: consumption FILE [RUNS]")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);
    let text = std::fs::read_to_string(&file)?;
    let payloads: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let period = Period::new(2025, 1)?;
    let tags: Vec<ConsumptionTag> = (0..payloads.len()).map(|i| tag_of(i, period)).collect();
    let options = AggregateOptions {
        currency: Some(Currency::EUR),
    };

    let mut seconds = Vec::with_capacity(runs);
    let mut lines = 0u64;
    let mut rows = Vec::new();
    // One untimed run first, as the Node runs do (there it lets the JIT tier up).
    for run in 0..=runs {
        let started = Instant::now();
        let mut aggregator = ConsumptionAggregator::new(options);
        lines = 0;
        for (tag, payload) in tags.iter().zip(&payloads) {
            lines += aggregator.push(tag, payload)?;
        }
        rows = aggregator.finish();
        if run > 0 {
            seconds.push(started.elapsed().as_secs_f64());
        }
    }
    let sell: Decimal = rows.iter().map(|r| r.consumed_sell).sum();
    let buy: Decimal = rows.iter().map(|r| r.consumed_buy).sum();
    let runs_json: Vec<String> = seconds.iter().map(|s| format!("{s:.6}")).collect();
    println!(
        r#"{{"impl":"native","lines":{lines},"bytes":{},"keys":{},"seconds":[{}],"sell":"{}","buy":"{}"}}"#,
        text.len(),
        rows.len(),
        runs_json.join(","),
        render_exact(sell),
        render_exact(buy),
    );
    Ok(())
}
