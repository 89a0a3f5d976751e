//! Native throughput and memory of the streaming Soracom billing CSV aggregator.
//!
//!   cargo bench --profile bench-native --bench soracom_csv -- [ROWS] [SUBSCRIBERS]
//!   /usr/bin/time -v target/bench-native/deps/soracom_csv-* 1000000     # peak RSS ("Maximum resident set size")
//!
//! The CSV (BOM, CRLF, all amount columns, two label columns; 30 days plus monthly and discount rows over
//! SUBSCRIBERS SIMs, default 10,000) is generated on the fly into a 64 KiB buffer that is fed to the
//! aggregator each time it fills, so no copy of the file is ever held: peak RSS is the aggregator's. A
//! first pass only generates (same bytes, not fed), so its time can be taken off: `rows_per_s` is the
//! aggregator alone, `end_to_end_rows_per_s` includes generation.
//!
//! Prints one JSON line: rows, bytes, seconds, rows/s, MB/s, and the aggregates' size (entries, subscribers)
//! with the checksum Σ net.

use std::error::Error;
use std::io::Write as _;
use std::time::Instant;

use billsync::money::{render_exact, Currency};
use billsync::vendors::soracom::BillingCsvAggregator;

const CHUNK: usize = 64 * 1024;
const HEADER: &str = "\u{feff}imsi,vpgId,loraGatewayId,loraDeviceId,sigfoxDeviceId,deviceId,gadgetId,soraCamDeviceId,date,billItemName,unitPrice,quantity,amount,tag.name,group\r\n";

/// Row `i` of the generated file, appended to `out` (deterministic: no RNG, so every run is the same).
fn row(i: u64, subscribers: u64, out: &mut Vec<u8>) -> std::io::Result<()> {
    let sim = i % subscribers;
    let day = (i / subscribers) % 32;
    match day {
        // Day 31 stands for the monthly rows: a basic fee and, for one SIM in ten, a discount.
        31 if sim % 10 == 0 => write!(
            out,
            ",,,,,,,,202501,Free tier,,,-{}.{:02},,\r\n",
            sim % 50,
            sim % 100
        ),
        31 => write!(
            out,
            "4401030{sim:08},,,,,,,,202501,Air basic fee (s1.standard),10,1,10,sensor-{sim},group-{}\r\n",
            sim % 7
        ),
        _ => {
            let bytes = 1_000 + (i * 7919) % 5_000_000;
            // 0.0000002 per byte, exactly.
            let micro = bytes * 2;
            write!(
                out,
                "4401030{sim:08},,,,,,,,202501{:02},Air data (s1.standard),0.0000002,{bytes},{}.{:07},sensor-{sim},group-{}\r\n",
                day + 1,
                micro / 10_000_000,
                micro % 10_000_000,
                sim % 7
            )
        }
    }
}

/// Generates `rows` rows in 64 KiB pieces, handing each to `sink`. Returns the bytes generated.
fn generate(
    rows: u64,
    subscribers: u64,
    mut sink: impl FnMut(&[u8]) -> Result<(), Box<dyn Error>>,
) -> Result<u64, Box<dyn Error>> {
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 256);
    buf.extend_from_slice(HEADER.as_bytes());
    let mut total = 0u64;
    for i in 0..rows {
        row(i, subscribers, &mut buf)?;
        if buf.len() >= CHUNK {
            // Exactly 64 KiB per push; the tail starts the next chunk (splits fall anywhere in a row).
            sink(&buf[..CHUNK])?;
            total += CHUNK as u64;
            buf.drain(..CHUNK);
        }
    }
    sink(&buf)?;
    total += buf.len() as u64;
    Ok(total)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let rows: u64 = args
        .next()
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let subscribers: u64 = args
        .next()
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(10_000)
        .max(1);

    let started = Instant::now();
    let mut sink_len = 0u64;
    generate(rows, subscribers, |chunk| {
        sink_len += chunk.len() as u64;
        Ok(())
    })?;
    let generation = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut aggregator = BillingCsvAggregator::new(Currency::JPY);
    let bytes = generate(rows, subscribers, |chunk| {
        aggregator.push_chunk(chunk).map_err(Into::into)
    })?;
    let aggregates = aggregator.finish()?;
    let end_to_end = started.elapsed().as_secs_f64();
    assert_eq!(bytes, sink_len);
    assert_eq!(aggregates.rows(), rows);

    let aggregating = (end_to_end - generation).max(1e-9);
    println!(
        r#"{{"impl":"native","rows":{rows},"bytes":{bytes},"chunk":{CHUNK},"generate_s":{generation:.3},"total_s":{end_to_end:.3},"aggregate_s":{aggregating:.3},"rows_per_s":{:.0},"mb_per_s":{:.1},"end_to_end_rows_per_s":{:.0},"entries":{},"subscribers":{},"bill_items":{},"days":{},"net":"{}"}}"#,
        rows as f64 / aggregating,
        bytes as f64 / 1e6 / aggregating,
        rows as f64 / end_to_end,
        aggregates.entries(),
        aggregates.per_subscriber.len(),
        aggregates.per_bill_item.len(),
        aggregates.per_day.len(),
        render_exact(aggregates.net().amount),
    );
    Ok(())
}
