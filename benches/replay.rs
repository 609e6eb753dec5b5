//! Replay benchmark: the full pipeline against the bare libpcap read loop,
//! on the same generated LAN capture, in the same run.
//!
//! ```text
//! cargo bench --bench replay -- [--packets N] [--seed S] [--runs R]
//! ```
//! Generates (once, under `target/bench/`) a capture of N packets (default
//! 5,000,000; IMIX sizes, ~200 devices, a working day of packet time) with
//! the project's own generator, warms the page cache, then measures:
//! - `libpcap loop`: `pcap_next_ex` over the file through the `pcap` crate,
//!   touching one byte per packet (the ceiling for any libpcap reader);
//! - `gapwatch reader loop`: gapwatch's own reader alone, the same way (it
//!   reads ahead on a second thread, which copies each record once more:
//!   alone it is bound by that thread, in a replay it frees the pipeline's);
//! - `pipeline, no database`: read, decode, observe and detect in this
//!   process, records discarded (what the database costs on top);
//! - `gapwatch replay`: the release binary, capture → SQLite, as a user
//!   runs it, in a child process so its peak RSS is its own;
//! - `replay, no detection`: the same with the detectors skipped (the
//!   hidden `--no-detection`), run alternately with the row above so
//!   both see the same machine: what detection costs;
//! - `replay, no fingerprints`: the same with clue reading skipped
//!   (`--no-fingerprints`: DHCP options, names, SYN signatures), in the
//!   same alternation: what fingerprinting costs;
//! - the same replay over the first fifth of the packets (same traffic,
//!   same rate, a fifth as long), to show that memory does not grow with
//!   capture length.
//!
//! Each figure is the median of R runs (default 3). Every replay follows a
//! libpcap loop, and the ratio of the two is the median of those pairs: on
//! a shared host whose speed drifts, both sides of a pair see the same
//! machine. Timings belong here, never in tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use gapwatch_captures::lan::{LanOptions, write_lan};
use gapwatch_captures::writer::{PcapOptions, PcapWriter};
use gapwatch_rules::Policy;
use gapwatch_sensor::capture::{FileSource, Source};
use gapwatch_sensor::pipeline::{Pipeline, Sink};
use gapwatch_sensor::record::{Record, RecordError};

struct Args {
    packets: u64,
    seed: u64,
    runs: usize,
}

fn args() -> Args {
    let mut a = Args { packets: 5_000_000, seed: 1, runs: 3 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        match flag.as_str() {
            "--packets" => a.packets = value(),
            "--seed" => a.seed = value(),
            "--runs" => a.runs = value().max(1) as usize,
            _ => {} // cargo passes --bench
        }
    }
    a
}

fn capture(dir: &Path, packets: u64, seed: u64) -> PathBuf {
    let path = dir.join(format!("lan-{packets}-{seed}.pcap"));
    if !path.exists() {
        let t = Instant::now();
        let tmp = path.with_extension("tmp");
        let out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).unwrap());
        let opts = LanOptions { packets, seed, ..LanOptions::default() };
        write_lan(out, &opts).expect("generate the LAN capture");
        std::fs::rename(&tmp, &path).unwrap();
        eprintln!("generated {} in {:.1} s", path.display(), t.elapsed().as_secs_f64());
    }
    // Warm the page cache so every row reads from memory.
    let _ = std::fs::read(&path).map(|b| b.len());
    path
}

/// The first `packets` records of `full`: the same traffic at the same
/// rate, a fifth as long, to see whether memory grows with length.
fn first_part(full: &Path, packets: u64) -> PathBuf {
    let path = full.with_file_name(format!(
        "first-{packets}-of-{}",
        full.file_name().unwrap().to_string_lossy()
    ));
    if !path.exists() {
        let mut src = FileSource::open(full).expect("gapwatch opens the capture");
        let out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
        let mut w = PcapWriter::new(out, PcapOptions::default()).unwrap();
        let mut n = 0;
        while let Ok(Some(f)) = src.next_frame() {
            if n == packets {
                break;
            }
            w.write(f.ts, f.data, f.orig_len).unwrap();
            n += 1;
        }
        w.flush().unwrap();
    }
    let _ = std::fs::read(&path).map(|b| b.len());
    path
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// Seconds, packets and wire bytes of one libpcap pass.
fn libpcap_loop(path: &Path) -> (f64, u64, u64) {
    let t = Instant::now();
    let mut cap = pcap::Capture::from_file(path).expect("libpcap opens the capture");
    let (mut n, mut bytes, mut acc) = (0u64, 0u64, 0u32);
    while let Ok(p) = cap.next_packet() {
        n += 1;
        bytes += u64::from(p.header.len);
        if p.data.len() > 12 {
            acc = acc.wrapping_add(u32::from(p.data[12]));
        }
    }
    std::hint::black_box(acc);
    (t.elapsed().as_secs_f64(), n, bytes)
}

fn parser_loop(path: &Path) -> (f64, u64, u64) {
    let t = Instant::now();
    let mut src = FileSource::open(path).expect("gapwatch opens the capture");
    let (mut n, mut bytes, mut acc) = (0u64, 0u64, 0u32);
    while let Ok(Some(f)) = src.next_frame() {
        n += 1;
        bytes += f.wire_len();
        if f.data.len() > 12 {
            acc = acc.wrapping_add(u32::from(f.data[12]));
        }
    }
    std::hint::black_box(acc);
    (t.elapsed().as_secs_f64(), n, bytes)
}

struct Discard;

impl Sink for Discard {
    fn write(&mut self, batch: Vec<Record>) -> Result<(), RecordError> {
        std::hint::black_box(batch);
        Ok(())
    }
}

/// Seconds of the pipeline alone (read, decode, observe, detect), records
/// discarded: how much of the replay is the database's.
fn pipeline_loop(path: &Path) -> f64 {
    let t = Instant::now();
    let mut src = FileSource::open(path).expect("gapwatch opens the capture");
    let mut pipeline = Pipeline::new(Policy::inventory());
    let mut sink = Discard;
    while let Ok(Some(f)) = src.next_frame() {
        pipeline.process(&f, &mut sink).expect("discarding never fails");
    }
    pipeline.finish(&mut sink).expect("discarding never fails");
    t.elapsed().as_secs_f64()
}

/// Seconds and peak RSS (KiB) of `gapwatch replay` into a fresh database.
fn gapwatch_replay(path: &Path, dir: &Path) -> (f64, u64) {
    gapwatch_replay_with(path, dir, &[])
}

/// The same with `extra` flags for `replay`.
fn gapwatch_replay_with(path: &Path, dir: &Path, extra: &[&str]) -> (f64, u64) {
    let (secs, rss, _) = gapwatch_replay_timed(path, dir, extra);
    (secs, rss)
}

/// The same, with the CPU seconds (user + system) the replay used: less
/// disturbed than wall time by whatever else the machine runs.
fn gapwatch_replay_timed(path: &Path, dir: &Path, extra: &[&str]) -> (f64, u64, f64) {
    let db = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let t = Instant::now();
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M %U %S", "-o"])
        .arg(dir.join("rss.txt"))
        .arg(env!("CARGO_BIN_EXE_gapwatch"))
        .args(["--lang", "en", "replay"])
        .args(extra)
        .arg("--db")
        .arg(&db)
        .arg(path)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run gapwatch replay (needs /usr/bin/time: apt-get install time)");
    let secs = t.elapsed().as_secs_f64();
    assert!(status.success(), "gapwatch replay failed");
    let report = std::fs::read_to_string(dir.join("rss.txt")).unwrap_or_default();
    let fields: Vec<&str> = report.lines().last().unwrap_or("").split_whitespace().collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (secs, number(0) as u64, number(1) + number(2))
}

fn row(name: &str, secs: f64, packets: u64, bytes: u64, rss_kib: Option<u64>) {
    let rss = rss_kib.map(|k| format!("{:.1}", k as f64 / 1024.0)).unwrap_or_else(|| "-".into());
    println!(
        "{name:<24} {secs:>8.2} {:>12.0} {:>9.0} {rss:>9}",
        packets as f64 / secs,
        bytes as f64 * 8.0 / secs / 1e6
    );
}

fn main() {
    let a = args();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    let full = capture(&dir, a.packets, a.seed);
    let fifth = first_part(&full, a.packets / 5);

    let (_, packets, bytes) = libpcap_loop(&full);
    println!(
        "# {}: {packets} packets, {bytes} wire bytes, {} runs each (median)",
        full.display(),
        a.runs
    );
    println!(
        "{:<24} {:>8} {:>12} {:>9} {:>9}",
        "reader", "wall_s", "pkts_per_s", "Mbit_s", "rss_MiB"
    );
    // Every replay comes right after a libpcap loop over the same file, and
    // the ratio is taken per pair: a machine whose speed drifts between
    // runs (a shared host) moves both sides of a pair alike.
    let (mut loops, mut ratios) = (Vec::new(), Vec::new());
    // With and without detection, alternately: a noisy machine slows both.
    let (mut runs, mut bare, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cpu, mut bare_cpu, mut plain_cpu) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..a.runs {
        let libpcap = libpcap_loop(&full).0;
        let (s, r, c) = gapwatch_replay_timed(&full, &dir, &[]);
        loops.push(libpcap);
        ratios.push(libpcap / s);
        runs.push((s, r));
        cpu.push(c);
        let (s, r, c) = gapwatch_replay_timed(&full, &dir, &["--no-detection"]);
        bare.push((s, r));
        bare_cpu.push(c);
        let (s, r, c) = gapwatch_replay_timed(&full, &dir, &["--no-fingerprints"]);
        plain.push((s, r));
        plain_cpu.push(c);
    }
    let libpcap = median(loops);
    row("libpcap loop", libpcap, packets, bytes, None);
    let parser = median((0..a.runs).map(|_| parser_loop(&full).0).collect());
    row("gapwatch reader loop", parser, packets, bytes, None);
    let pipeline = median((0..a.runs).map(|_| pipeline_loop(&full)).collect());
    row("pipeline, no database", pipeline, packets, bytes, None);
    let (cpu, bare_cpu, plain_cpu) = (median(cpu), median(bare_cpu), median(plain_cpu));
    let replay = median(runs.iter().map(|r| r.0).collect());
    let rss = runs.iter().map(|r| r.1).max().unwrap_or(0);
    row("gapwatch replay", replay, packets, bytes, Some(rss));
    let no_detection = median(bare.iter().map(|r| r.0).collect());
    let bare_rss = bare.iter().map(|r| r.1).max().unwrap_or(0);
    row("replay, no detection", no_detection, packets, bytes, Some(bare_rss));
    let no_fingerprints = median(plain.iter().map(|r| r.0).collect());
    let plain_rss = plain.iter().map(|r| r.1).max().unwrap_or(0);
    row("replay, no fingerprints", no_fingerprints, packets, bytes, Some(plain_rss));
    let (_, small_packets, small_bytes) = libpcap_loop(&fifth);
    let small: Vec<(f64, u64)> = (0..a.runs).map(|_| gapwatch_replay(&fifth, &dir)).collect();
    let small_secs = median(small.iter().map(|r| r.0).collect());
    let small_rss = small.iter().map(|r| r.1).max().unwrap_or(0);
    row("gapwatch replay (1/5)", small_secs, small_packets, small_bytes, Some(small_rss));
    let (lowest, highest) =
        ratios.iter().fold((f64::MAX, 0.0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    println!(
        "ratio replay/libpcap (packets/s): {:.2} (median of {} paired runs, {lowest:.2}–{highest:.2})   reader/libpcap: {:.2}   peak RSS full/fifth: {:.1}/{:.1} MiB",
        median(ratios.clone()),
        ratios.len(),
        libpcap / parser,
        rss as f64 / 1024.0,
        small_rss as f64 / 1024.0
    );
    println!(
        "detection adds {:+.1} % to replay time (median {replay:.2} s with, {no_detection:.2} s without)",
        (replay / no_detection - 1.0) * 100.0
    );
    println!(
        "fingerprinting adds {:+.1} % to replay time (median {replay:.2} s with, {no_fingerprints:.2} s without)",
        (replay / no_fingerprints - 1.0) * 100.0
    );
    println!(
        "CPU time (user + system, median): {cpu:.2} s; detection adds {:+.1} %, fingerprinting {:+.1} %",
        (cpu / bare_cpu - 1.0) * 100.0,
        (cpu / plain_cpu - 1.0) * 100.0
    );
}
