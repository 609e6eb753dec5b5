//! `capgen`: writes gapwatch's scenario captures and benchmark LANs.
//!
//! ```text
//! capgen scenarios [--out DIR]                                  every scenario under DIR (default: this crate's folder)
//! capgen lan --packets N [--seed S] [--devices D] --out FILE     the benchmark LAN as classic pcap
//! ```
//!
//! Exit status: 0 on success, 1 if writing failed, 2 for a usage error.

use std::fs::File;
use std::path::PathBuf;
use std::process::ExitCode;

use gapwatch_captures::lan::{self, LanOptions};
use gapwatch_captures::scenario;

const USAGE: &str = "usage: capgen scenarios [--out DIR]\n       capgen lan --packets N [--seed S] [--devices D] --out FILE";

/// Why `capgen` stopped.
enum Failure {
    /// Bad command line: the message says what to do.
    Usage(String),
    /// Writing failed.
    Io(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("capgen: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            eprintln!("capgen: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    match args.first().map(String::as_str) {
        Some("scenarios") => scenarios(&args[1..]),
        Some("lan") => lan(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::Usage(format!("unknown command {other:?}"))),
        None => Err(Failure::Usage("a command is needed".into())),
    }
}

/// `--flag value` pairs of a subcommand, each flag at most once.
fn flags<'a>(args: &'a [String], known: &[&str]) -> Result<Vec<(&'a str, &'a str)>, Failure> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if !known.contains(&flag.as_str()) {
            return Err(Failure::Usage(format!("unknown option {flag:?}")));
        }
        let Some(value) = it.next() else {
            return Err(Failure::Usage(format!("{flag} needs a value")));
        };
        if out.iter().any(|(f, _)| f == flag) {
            return Err(Failure::Usage(format!("{flag} given twice")));
        }
        out.push((flag.as_str(), value.as_str()));
    }
    Ok(out)
}

fn number(flag: &str, value: &str) -> Result<u64, Failure> {
    let clean: String = value.chars().filter(|c| *c != '_').collect();
    clean.parse().map_err(|_| Failure::Usage(format!("{flag} takes a whole number, not {value:?}")))
}

fn scenarios(args: &[String]) -> Result<(), Failure> {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for (flag, value) in flags(args, &["--out"])? {
        if flag == "--out" {
            dir = PathBuf::from(value);
        }
    }
    let written = scenario::write_all(&dir)
        .map_err(|e| Failure::Io(format!("writing scenarios under {}: {e}", dir.display())))?;
    for s in &written {
        eprintln!(
            "{}/{}: {} frames, capture.pcap {} bytes, {} expected alert(s)",
            dir.display(),
            s.name,
            s.records.len(),
            s.pcap_bytes().len(),
            s.expected.len()
        );
    }
    Ok(())
}

fn lan(args: &[String]) -> Result<(), Failure> {
    let mut opts = LanOptions::default();
    let mut out = None;
    let mut packets = None;
    for (flag, value) in flags(args, &["--packets", "--seed", "--devices", "--out"])? {
        match flag {
            "--packets" => packets = Some(number(flag, value)?),
            "--seed" => opts.seed = number(flag, value)?,
            "--devices" => {
                let d = number(flag, value)?;
                if !(24..=60_000).contains(&d) {
                    return Err(Failure::Usage(format!(
                        "--devices must be between 24 and 60000, not {d}"
                    )));
                }
                opts.devices = d as u32;
            }
            _ => out = Some(PathBuf::from(value)),
        }
    }
    let Some(packets) = packets else {
        return Err(Failure::Usage("lan needs --packets N".into()));
    };
    let Some(out) = out else {
        return Err(Failure::Usage("lan needs --out FILE".into()));
    };
    opts.packets = packets;
    let file =
        File::create(&out).map_err(|e| Failure::Io(format!("creating {}: {e}", out.display())))?;
    let stats = lan::write_lan(file, &opts)
        .map_err(|e| Failure::Io(format!("writing {}: {e}", out.display())))?;
    eprintln!(
        "{}: {} packets, {} bytes on the wire (seed {}, {} devices)",
        out.display(),
        stats.packets,
        stats.bytes,
        opts.seed,
        opts.devices
    );
    Ok(())
}
