//! Native throughput and memory of the streaming Soracom billing CSV aggregator, on a file.
//!
//!   cargo bench --profile bench-native --bench soracom_csv -- FILE [RUNS]
//!
//! bench/run-soracom.sh runs it on the file bench/soracom-data.mjs wrote, beside the wasm build and the
//! plain-JS reference (bench/measure-soracom.mjs) on the same file. The file is read in 64 KiB chunks, each
//! fed to `BillingCsvAggregator::push_chunk` as it is read, so no copy of the file is held: memory is the
//! aggregator's (one row and the sums). One untimed run first (page cache, allocator), then RUNS timed ones;
//! the timed region is open → read → push → finish.
//!
//! Prints one JSON line: rows, bytes, seconds of each run, peak RSS (`VmHWM` of /proc/self/status: the
//! kernel's high-water mark, what `/usr/bin/time -v` reports as "Maximum resident set size"), the total and
//! a digest of every sum (bench/measure-soracom.mjs computes the same digest, so the three implementations
//! are checked to agree on every subscriber, month, date, label, day and bill item, not just the total).

use std::error::Error;
use std::fmt::Write as _;
use std::fs::File;
use std::io::Read;
use std::time::Instant;

use billsync::money::{render_exact, Currency};
use billsync::vendors::soracom::{BillingCsvAggregator, CsvAggregates, LineTotals};

const CHUNK: usize = 64 * 1024;

/// Reads `path` in 64 KiB chunks into the aggregator. Returns the aggregates and the bytes read.
fn aggregate(path: &str, buffer: &mut [u8]) -> Result<(CsvAggregates, u64), Box<dyn Error>> {
    let mut file = File::open(path)?;
    let mut aggregator = BillingCsvAggregator::new(Currency::JPY);
    let mut bytes = 0u64;
    loop {
        let n = file.read(buffer)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        aggregator.push_chunk(&buffer[..n])?;
    }
    Ok((aggregator.finish()?, bytes))
}

fn totals(out: &mut String, tag: &str, key: &str, t: &LineTotals) {
    let _ = writeln!(
        out,
        "{tag}\t{key}\t{}\t{}\t{}\t{}",
        t.rows,
        render_exact(t.charges),
        render_exact(t.discounts),
        render_exact(t.net)
    );
}

/// Every sum as text, one per line, in key order: what the digest is taken of (bench/measure-soracom.mjs
/// writes the same text from its result).
fn canonical(a: &CsvAggregates) -> String {
    let mut out = String::new();
    for (key, s) in &a.per_subscriber {
        let _ = writeln!(out, "S\t{key}");
        for (month, t) in &s.months {
            totals(&mut out, "M", &month.to_string(), t);
        }
        for (date, t) in &s.dates {
            totals(&mut out, "D", &date.to_string(), t);
        }
        for (name, value) in &s.labels {
            let _ = writeln!(out, "L\t{name}\t{value}");
        }
    }
    for (date, t) in &a.per_day {
        totals(&mut out, "P", &date.to_string(), t);
    }
    for (item, t) in &a.per_bill_item {
        totals(&mut out, "B", item, t);
    }
    totals(&mut out, "T", "", &a.total);
    out
}

/// FNV-1a, 32 bits: a check that two results are the same, not a defence against anyone.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h: u32, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The process's peak resident set, in MB, from the kernel.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let path = args
        .next()
        .ok_or("usage: soracom_csv FILE [RUNS] (bench/run-soracom.sh makes the file)")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);

    let mut buffer = vec![0u8; CHUNK];
    let (mut aggregates, mut bytes) = aggregate(&path, &mut buffer)?;
    // After one run the peak is the streaming's and the sums' (there is no separate result here).
    let stream_rss_mb = peak_rss_mb();
    let mut seconds = Vec::with_capacity(runs);
    for _ in 0..runs {
        // The previous run's sums are freed before the next starts, as in the JS runs.
        drop(aggregates);
        let started = Instant::now();
        (aggregates, bytes) = aggregate(&path, &mut buffer)?;
        seconds.push(started.elapsed().as_secs_f64());
    }
    let text = canonical(&aggregates);
    let t = &aggregates.total;
    println!(
        r#"{{"impl":"native","file":"{path}","rows":{},"bytes":{bytes},"chunk":{CHUNK},"seconds":[{}],"stream_rss_mb":{stream_rss_mb:.1},"max_rss_mb":{:.1},"subscribers":{},"days":{},"bill_items":{},"total":{{"rows":{},"charges":"{}","discounts":"{}","net":"{}"}},"digest":"{:08x}"}}"#,
        aggregates.rows(),
        seconds
            .iter()
            .map(|s| format!("{s:.4}"))
            .collect::<Vec<_>>()
            .join(","),
        peak_rss_mb(),
        aggregates.per_subscriber.len(),
        aggregates.per_day.len(),
        aggregates.per_bill_item.len(),
        t.rows,
        render_exact(t.charges),
        render_exact(t.discounts),
        render_exact(t.net),
        fnv1a(text.as_bytes()),
    );
    Ok(())
}
