//! The command line: flags as typed, before any validation.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use gapwatch_rules::Lang;

/// gapwatch — passive isolation sensor for air-gapped archive-digitization LANs.
#[derive(Parser, Debug)]
#[command(name = "gapwatch", version, about, long_about = None)]
pub struct Cli {
    /// Language of text shown to people: zh (default) or en.
    #[arg(long, global = true, default_value = "zh", env = "GAPWATCH_LANG", value_parser = parse_lang)]
    pub lang: Lang,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a positive number, like 600")),
    }
}

/// Who acknowledges alerts on the dashboard.
#[derive(clap::Args, Debug)]
pub struct OfficerArg {
    /// The security officer's name, recorded with every acknowledgement
    /// (default: the login name).
    #[arg(long, env = "GAPWATCH_OFFICER")]
    pub officer: Option<String>,
}

impl OfficerArg {
    /// The name given, or the login name.
    pub fn name(&self) -> String {
        self.officer
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .filter(|n| !n.trim().is_empty())
            .or_else(login_name)
            .unwrap_or_else(|| "unknown".into())
    }
}

/// The name of the user running this process, from the password file
/// (no environment is needed, e.g. under tmux or a service manager).
fn login_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let name = passwd.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        (f.nth(1)? == uid.to_string()).then(|| name.to_string())
    });
    name.or(Some(format!("uid {uid}")))
}

/// Output format of the listing commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned table for people.
    #[default]
    Table,
    /// JSON array with stable English field names.
    Json,
    /// CSV with a header row.
    Csv,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Replay capture files (pcap, pcapng) through the pipeline into the database.
    Replay {
        /// Site policy (policy.toml); without it, inventory mode.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// The database (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// Also write alerts as JSON lines to FILE ("-" for standard output).
        #[arg(long, value_name = "FILE")]
        jsonl: Option<PathBuf>,
        /// Capture files, read as one stream in packet-time order.
        #[arg(required = true, value_name = "CAPTURE")]
        captures: Vec<PathBuf>,
        /// Also name each SYN with the labels of a p0f 3 database (e.g.
        /// /etc/p0f/p0f.fp from Debian's p0f package), as clue tcp.p0f.
        #[arg(long, value_name = "P0F_FP")]
        p0f: Option<PathBuf>,
        /// Skip the detectors (the replay benchmark measures what they
        /// cost); never for real use: no alert is raised.
        #[arg(long, hide = true)]
        no_detection: bool,
        /// Skip reading what devices say about themselves (the benchmark
        /// measures what fingerprinting costs); never for real use.
        #[arg(long, hide = true)]
        no_fingerprints: bool,
    },
    /// Replay the bundled demo day into a fresh database and watch it on the
    /// dashboard (in a terminal; otherwise print what was found).
    Demo {
        /// The database to create (replaced if it exists).
        #[arg(long, default_value = "gapwatch-demo.db")]
        db: PathBuf,
        /// Packet time runs this many times faster than the clock on the
        /// dashboard (600: the ten-hour day in a minute).
        #[arg(long, default_value_t = 600.0, value_parser = parse_speed)]
        speed: f64,
        /// Replay at full speed and print the tables, even in a terminal.
        #[arg(long)]
        print: bool,
        #[command(flatten)]
        officer: OfficerArg,
    },
    /// The security officer's dashboard over a database (reads it; an
    /// acknowledgement writes the action log).
    Tui {
        /// The database.
        #[arg(long)]
        db: PathBuf,
        #[command(flatten)]
        officer: OfficerArg,
    },
    /// List the devices seen.
    Devices(ListArgs),
    /// Everything known of one device: its row and every clue it gave.
    Device {
        /// Its MAC, in any usual notation (aa:bb:cc:dd:ee:ff, aa-bb-…, aabb.ccdd.eeff).
        mac: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// List the largest flows.
    Flows {
        #[command(flatten)]
        list: ListArgs,
        /// Show at most this many (0: all). Default: 50 in a table, all in
        /// JSON and CSV.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// List the alerts, most severe first.
    Alerts(ListArgs),
    /// Totals: frames, captures, decode errors.
    Stats(ListArgs),
    /// The action log (三员分离): what the officers did, hash-chained.
    Audit {
        /// List it, or verify it.
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// The site policy (policy.toml): check it, import the asset register.
    Policy {
        /// Check a policy, or import assets into one.
        #[command(subcommand)]
        what: PolicyCommand,
    },
}

/// What to do with the site policy.
#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Validate a policy and print what it declares. Exit 0 when valid
    /// (warnings, if any, go to standard error), 1 when invalid (the error
    /// names file:line:column), 2 when the file cannot be read.
    Check {
        /// The policy file.
        #[arg(value_name = "POLICY")]
        policy: PathBuf,
    },
    /// Turn the asset register kept as a spreadsheet (CSV saved by Excel or
    /// WPS, UTF-8 or GBK) into [[asset]] entries, merged into --policy when
    /// given. Exit 1 without writing anything when any row is bad; 2 when
    /// a file cannot be read or written or the policy is itself invalid.
    ImportAssets {
        /// The register: columns MAC and role (required), name, IP,
        /// location, owner; Chinese or English headers, any order.
        #[arg(value_name = "CSV")]
        register: PathBuf,
        /// Merge into this policy: new MACs are added, registered ones
        /// updated; its comments and layout stay.
        #[arg(long, value_name = "POLICY")]
        policy: Option<PathBuf>,
        /// Write the result here (may be the --policy file itself) instead
        /// of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// What to do with the action log.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// List every action, oldest first.
    Log(ListArgs),
    /// Check the hash chain: exit 0 when intact, 1 (with the first broken
    /// row) when a row was changed, inserted or removed.
    Verify {
        /// The database.
        #[arg(long)]
        db: PathBuf,
    },
}

/// Flags shared by the listing commands.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// The database.
    #[arg(long)]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}
