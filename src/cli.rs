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
    },
    /// Replay the bundled demo day into a fresh database and show what was found.
    Demo {
        /// The database to create (replaced if it exists).
        #[arg(long, default_value = "gapwatch-demo.db")]
        db: PathBuf,
    },
    /// List the devices seen.
    Devices(ListArgs),
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
