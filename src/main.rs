//! `gapwatch`: a thin command line over the sensor and rules crates.
//!
//! `main` maps the result of [`run`] to an exit status: 0 success, 2 for an
//! input or usage error (one line saying what to do). `run` hands each
//! subcommand to one function.

mod cli;
mod error;
mod output;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use gapwatch_rules::{Lang, Policy};
use gapwatch_sensor::record::{self, query};
use gapwatch_sensor::replay::{self, FileOutcome, ReplayConfig, ReplaySummary};

use cli::{Cli, Command, Format, ListArgs};
use error::AppError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang;
    match run(cli) {
        Ok(code) => code,
        Err(AppError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gapwatch: {}", e.message(lang));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, AppError> {
    let lang = cli.lang;
    match cli.command {
        Command::Replay { policy, db, jsonl, captures } => {
            cmd_replay(lang, policy.as_deref(), &db, jsonl, captures)
        }
        Command::Demo { db } => cmd_demo(lang, &db),
        Command::Devices(args) => {
            list(&args, |conn| Ok(output::devices(&query::devices(conn)?, args.format, lang)))
        }
        Command::Flows { list: args, limit } => {
            list(&args, |conn| Ok(output::flows(&query::flows(conn, limit)?, args.format, lang)))
        }
        Command::Alerts(args) => {
            list(&args, |conn| Ok(output::alerts(&query::alerts(conn)?, args.format, lang)))
        }
        Command::Stats(args) => {
            list(&args, |conn| Ok(output::stats(&query::stats(conn)?, args.format, lang)))
        }
    }
}

fn cmd_replay(
    lang: Lang,
    policy: Option<&Path>,
    db: &Path,
    jsonl: Option<PathBuf>,
    captures: Vec<PathBuf>,
) -> Result<ExitCode, AppError> {
    let policy = match policy {
        Some(p) => Policy::load(p)?,
        None => Policy::inventory(),
    };
    let jsonl: Option<Box<dyn Write + Send>> = match jsonl {
        None => None,
        Some(p) if p.as_os_str() == "-" => Some(Box::new(std::io::stdout())),
        Some(p) => {
            Some(Box::new(std::fs::File::create(&p).map_err(|e| AppError::Output(p.clone(), e))?))
        }
    };
    let summary =
        replay_with_progress(ReplayConfig { captures, db: db.to_path_buf(), policy, jsonl })?;
    report_replay(&summary, lang);
    Ok(if summary.had_errors() { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Replays, drawing a progress bar when standard error is a terminal.
fn replay_with_progress(cfg: ReplayConfig) -> Result<ReplaySummary, AppError> {
    if !std::io::stderr().is_terminal() {
        return Ok(replay::replay(cfg, |_, _| {})?);
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let summary = replay::replay(cfg, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    Ok(summary?)
}

fn report_replay(s: &ReplaySummary, lang: Lang) {
    for (path, outcome) in &s.files {
        let p = path.display();
        let line = match (outcome, lang) {
            (FileOutcome::Recorded { packets }, Lang::Zh) => {
                format!("{p}：已回放 {packets} 个数据包")
            }
            (FileOutcome::Recorded { packets }, Lang::En) => {
                format!("{p}: replayed {packets} packets")
            }
            (FileOutcome::AlreadyRecorded { .. }, Lang::Zh) => {
                format!("{p}：此抓包已记录在数据库中，跳过")
            }
            (FileOutcome::AlreadyRecorded { .. }, Lang::En) => {
                format!("{p}: already recorded in this database, skipped")
            }
            (FileOutcome::Stopped { error, .. } | FileOutcome::Failed(error), lang) => {
                format!("gapwatch: {}", error.message(lang))
            }
        };
        eprintln!("{line}");
    }
    if s.run_id.is_none() {
        return;
    }
    let errors: u64 = s.decode_errors.iter().map(|(_, n)| n).sum();
    let t = s.totals;
    match lang {
        Lang::Zh => eprintln!(
            "共 {} 个数据包，{} 字节；{} 台设备；{} 个帧无法完整解码",
            t.packets, t.bytes, s.devices, errors
        ),
        Lang::En => eprintln!(
            "{} packets, {} bytes; {} devices; {} frames not fully decoded",
            t.packets, t.bytes, s.devices, errors
        ),
    }
}

fn cmd_demo(lang: Lang, db: &Path) -> Result<ExitCode, AppError> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/demo");
    let capture = dir.join("capture.pcap");
    let policy = Policy::load(&dir.join("policy.toml"))?;
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let summary = replay_with_progress(ReplayConfig {
        captures: vec![capture],
        db: db.to_path_buf(),
        policy,
        jsonl: None,
    })?;
    report_replay(&summary, lang);
    let conn = record::open_read_only(db)?;
    let mut out = std::io::stdout().lock();
    let title = |zh: &str, en: &str| format!("\n== {} ==\n", lang.pick(zh, en));
    let sections = [
        (title("设备", "Devices"), output::devices(&query::devices(&conn)?, Format::Table, lang)),
        (title("告警", "Alerts"), output::alerts(&query::alerts(&conn)?, Format::Table, lang)),
        (
            title("流量最大的 10 条流", "Top 10 flows"),
            output::flows(&query::flows(&conn, 10)?, Format::Table, lang),
        ),
    ];
    for (heading, body) in sections {
        write!(out, "{heading}{body}").map_err(AppError::from_stdout)?;
    }
    let hint = match lang {
        Lang::Zh => format!(
            "\n数据库：{0}（可用 gapwatch devices|flows|alerts|stats --db {0} 查看）\n",
            db.display()
        ),
        Lang::En => format!(
            "\nDatabase: {0} (explore with gapwatch devices|flows|alerts|stats --db {0})\n",
            db.display()
        ),
    };
    write!(out, "{hint}").map_err(AppError::from_stdout)?;
    Ok(ExitCode::SUCCESS)
}

fn list(
    args: &ListArgs,
    render: impl FnOnce(&rusqlite::Connection) -> Result<String, AppError>,
) -> Result<ExitCode, AppError> {
    let conn = record::open_read_only(&args.db)?;
    let text = render(&conn).map_err(|e| match e {
        AppError::Sqlite(msg) => AppError::Sqlite(format!("{}: {msg}", args.db.display())),
        other => other,
    })?;
    std::io::stdout().lock().write_all(text.as_bytes()).map_err(AppError::from_stdout)?;
    Ok(ExitCode::SUCCESS)
}
