//! `gapwatch`: a thin command line over the sensor and rules crates.
//!
//! `main` maps the result of [`run`] to an exit status: 0 success, 2 for an
//! input or usage error (one line saying what to do); commands that report
//! a finding (`audit verify`, `policy check`, `policy import-assets`) exit 1
//! for it. `run` hands each subcommand to one function.

mod cli;
mod error;
mod output;
mod policy_cmd;
mod policy_summary;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Parser;
use gapwatch_rules::p0f::P0fDb;
use gapwatch_rules::{Lang, MacAddr, Policy};
use gapwatch_sensor::record::{self, audit, query};
use gapwatch_sensor::replay::{self, FileOutcome, ReplayConfig, ReplaySummary};

use cli::{AuditCommand, Cli, Command, Format, ListArgs, PolicyCommand};
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
        Command::Replay { policy, db, jsonl, captures, p0f, no_detection, no_fingerprints } => {
            let p0f = p0f.map(|path| load_p0f(lang, &path)).transpose()?;
            let stages = (!no_detection, !no_fingerprints);
            cmd_replay(lang, policy.as_deref(), &db, jsonl, captures, p0f, stages)
        }
        Command::Demo { db, speed, print, officer } => {
            let dashboard =
                !print && std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
            if dashboard {
                cmd_demo_dashboard(lang, &db, speed, officer.name())
            } else {
                cmd_demo(lang, &db)
            }
        }
        Command::Tui { db, officer } => {
            dashboard(lang, &db, officer.name())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Devices(args) => {
            list(&args, |conn| Ok(output::devices(&query::devices(conn)?, args.format, lang)))
        }
        Command::Device { mac, list: args } => list(&args, |conn| {
            let wanted: MacAddr = mac.parse().map_err(|_| {
                AppError::Usage(match lang {
                    Lang::Zh => format!("“{mac}”不是 MAC 地址：请写成 aa:bb:cc:dd:ee:ff"),
                    Lang::En => {
                        format!("\"{mac}\" is not a MAC address: write it as aa:bb:cc:dd:ee:ff")
                    }
                })
            })?;
            let wanted = wanted.to_string();
            let devices = query::devices(conn)?;
            let Some(device) = devices.into_iter().find(|d| d.mac == wanted) else {
                let db = args.db.display();
                return Err(AppError::Usage(match lang {
                    Lang::Zh => format!(
                        "{db} 中没有设备 {wanted}：用 gapwatch devices --db {db} 查看全部设备"
                    ),
                    Lang::En => {
                        format!("no device {wanted} in {db}: gapwatch devices --db {db} lists them")
                    }
                }));
            };
            let clues = query::device_clues(conn, &wanted)?;
            Ok(output::device(&device, &clues, args.format, lang))
        }),
        Command::Flows { list: args, limit } => {
            let limit = limit.unwrap_or(if args.format == Format::Table { 50 } else { 0 });
            list(&args, |conn| Ok(output::flows(&query::flows(conn, limit)?, args.format, lang)))
        }
        Command::Alerts(args) => {
            list(&args, |conn| Ok(output::alerts(&query::alerts(conn)?, args.format, lang)))
        }
        Command::Stats(args) => {
            list(&args, |conn| Ok(output::stats(&query::stats(conn)?, args.format, lang)))
        }
        Command::Audit { what: AuditCommand::Log(args) } => {
            list(&args, |conn| Ok(output::actions(&audit::actions(conn)?, args.format, lang)))
        }
        Command::Audit { what: AuditCommand::Verify { db } } => cmd_audit_verify(lang, &db),
        Command::Policy { what: PolicyCommand::Check { policy } } => {
            policy_cmd::check(lang, &policy)
        }
        Command::Policy { what: PolicyCommand::ImportAssets { register, policy, output } } => {
            policy_cmd::import_assets(lang, &register, policy.as_deref(), output.as_deref())
        }
    }
}

fn cmd_replay(
    lang: Lang,
    policy: Option<&Path>,
    db: &Path,
    jsonl: Option<PathBuf>,
    captures: Vec<PathBuf>,
    p0f: Option<Arc<P0fDb>>,
    (detection, fingerprints): (bool, bool),
) -> Result<ExitCode, AppError> {
    let policy = match policy {
        Some(p) => load_policy(lang, p)?,
        None => {
            eprintln!(
                "{}",
                lang.pick(
                    "资产盘点模式：未提供 --policy，局域网按私有地址段判定，不检查未登记设备",
                    "inventory mode: no --policy, so the LAN is the private ranges and unregistered devices are not checked"
                )
            );
            Policy::inventory()
        }
    };
    let jsonl: Option<Box<dyn Write + Send>> = match jsonl {
        None => None,
        Some(p) if p.as_os_str() == "-" => Some(Box::new(std::io::stdout())),
        // Appended, never truncated: a SIEM may be reading the file.
        Some(p) => Some(Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&p)
                .map_err(|e| AppError::Output(p.clone(), e))?,
        )),
    };
    let cfg = ReplayConfig {
        captures,
        db: db.to_path_buf(),
        policy,
        jsonl,
        stop: stop_on_signals(),
        pace: None,
        detection,
        fingerprints,
        p0f,
    };
    let summary = replay_with_progress(cfg)?;
    report_replay(&summary, lang);
    Ok(if summary.had_errors() { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Loads the p0f database given with `--p0f`.
fn load_p0f(lang: Lang, path: &Path) -> Result<Arc<P0fDb>, AppError> {
    P0fDb::load(path).map(Arc::new).map_err(|e| {
        AppError::Usage(match lang {
            Lang::Zh => format!("无法使用 p0f 指纹库 {e}：请检查该文件（p0f 3 的 p0f.fp 格式），或去掉 --p0f"),
            Lang::En => format!("cannot use the p0f database {e}: check the file (p0f 3's p0f.fp format), or leave out --p0f"),
        })
    })
}

/// Loads a policy for a run, printing each of its warnings as one line on
/// standard error: a suspicious policy still runs, but never silently.
fn load_policy(lang: Lang, path: &Path) -> Result<Policy, AppError> {
    let policy = Policy::load(path)?;
    policy_cmd::print_warnings(&policy, lang);
    Ok(policy)
}

/// A flag that Ctrl-C (SIGINT) and SIGTERM set, so a replay stops cleanly:
/// what was read is recorded, and the files are marked as stopped.
fn stop_on_signals() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Without the handler the default applies (the process ends); the
        // capture claim in the database still prevents a double count.
        let _ = signal_hook::flag::register(signal, Arc::clone(&stop));
    }
    stop
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
            (FileOutcome::AlreadyRecorded { partial: None, .. }, Lang::Zh) => {
                format!("{p}：此抓包已记录在数据库中，跳过")
            }
            (FileOutcome::AlreadyRecorded { partial: None, .. }, Lang::En) => {
                format!("{p}: already recorded in this database, skipped")
            }
            (FileOutcome::AlreadyRecorded { partial: Some(why), .. }, Lang::Zh) => format!(
                "{p}：此抓包已部分记录在数据库中（{why}），跳过；如需完整记录，请回放到新的数据库"
            ),
            (FileOutcome::AlreadyRecorded { partial: Some(why), .. }, Lang::En) => format!(
                "{p}: already partly recorded in this database ({why}), skipped; replay it into a new database to read it whole"
            ),
            (FileOutcome::Overlaps { path: other, .. }, Lang::Zh) => format!(
                "gapwatch: {p} 与已记录的抓包 {other} 开头相同（同一抓包后来增长或被截断）：再次回放会重复计数，已跳过；请回放到新的数据库"
            ),
            (FileOutcome::Overlaps { path: other, .. }, Lang::En) => format!(
                "gapwatch: {p} begins like {other}, already recorded (the same capture, grown or cut since): replaying it would count that part twice, so it was skipped; replay it into a new database"
            ),
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
            "共 {} 个数据包，{} 字节；{} 台设备；{} 条告警有更新；{} 个帧无法完整解码",
            t.packets, t.bytes, s.devices, s.alerts, errors
        ),
        Lang::En => eprintln!(
            "packets: {}, bytes: {}, devices: {}, alerts raised or updated: {}, frames not fully decoded: {}",
            t.packets, t.bytes, s.devices, s.alerts, errors
        ),
    }
}

/// Where the demo day lives: `captures/demo` under the current directory
/// (a checkout), else under the checkout this binary was built from.
fn demo_dir() -> Option<PathBuf> {
    [PathBuf::from("captures/demo"), Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/demo")]
        .into_iter()
        .find(|d| d.join("capture.pcap").is_file())
}

/// A database `demo` may replace: absent, or one the demo wrote (its only
/// capture is the demo day). Anything else is the user's and stays.
fn replaceable_demo_db(db: &Path, demo_capture: &Path) -> bool {
    if !db.exists() {
        return true;
    }
    let Ok(conn) = record::open_read_only(db) else {
        return false;
    };
    let Ok(stats) = query::stats(&conn) else {
        return false;
    };
    let demo = std::fs::canonicalize(demo_capture).ok();
    stats.captures.iter().all(|c| std::fs::canonicalize(&c.path).ok() == demo)
}

/// The demo's capture and policy, and a database path safe to (re)write.
fn demo_setup(lang: Lang, db: &Path) -> Result<(PathBuf, Policy), AppError> {
    let Some(dir) = demo_dir() else {
        return Err(AppError::Usage(
            lang.pick(
                "找不到演示抓包 captures/demo：请在 gapwatch 源码目录中运行 gapwatch demo",
                "the demo capture captures/demo is not here: run gapwatch demo from the gapwatch source directory",
            )
            .to_string(),
        ));
    };
    let capture = dir.join("capture.pcap");
    let policy = load_policy(lang, &dir.join("policy.toml"))?;
    if !replaceable_demo_db(db, &capture) {
        return Err(AppError::Usage(match lang {
            Lang::Zh => {
                format!("{} 已存在且不是演示数据库：请用 --db 指定另一个路径", db.display())
            }
            Lang::En => format!(
                "{} exists and is not a demo database: choose another path with --db",
                db.display()
            ),
        }));
    }
    record::remove(db);
    Ok((capture, policy))
}

fn cmd_demo(lang: Lang, db: &Path) -> Result<ExitCode, AppError> {
    let (capture, policy) = demo_setup(lang, db)?;
    let summary = replay_with_progress(ReplayConfig {
        captures: vec![capture],
        db: db.to_path_buf(),
        policy,
        jsonl: None,
        stop: stop_on_signals(),
        pace: None,
        detection: true,
        fingerprints: true,
        p0f: None,
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
    let exe = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or("gapwatch".into());
    let hint = match lang {
        Lang::Zh => format!(
            "\n数据库：{db}（可用 {exe} devices|flows|alerts|stats --db {db} 查看）\n",
            db = db.display()
        ),
        Lang::En => format!(
            "\nDatabase: {db} (explore with {exe} devices|flows|alerts|stats --db {db})\n",
            db = db.display()
        ),
    };
    write!(out, "{hint}").map_err(AppError::from_stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// The demo on the dashboard: the day replays in the background at
/// `speed` times packet time while the officer watches; quitting stops it.
fn cmd_demo_dashboard(
    lang: Lang,
    db: &Path,
    speed: f64,
    officer: String,
) -> Result<ExitCode, AppError> {
    let (capture, policy) = demo_setup(lang, db)?;
    let stop = Arc::new(AtomicBool::new(false));
    let cfg = ReplayConfig {
        captures: vec![capture],
        db: db.to_path_buf(),
        policy,
        jsonl: None,
        stop: Arc::clone(&stop),
        pace: Some(speed),
        detection: true,
        fingerprints: true,
        p0f: None,
    };
    let replaying = std::thread::spawn(move || replay::replay(cfg, |_, _| {}));
    // The dashboard opens once the replay has created the database.
    let ready = std::time::Instant::now();
    let started = || {
        let store = gapwatch_tui::Store::open(db).ok();
        store.and_then(|s| s.status().ok()).is_some_and(|o| o.site.is_some())
    };
    while !started() && !replaying.is_finished() {
        if ready.elapsed() > std::time::Duration::from_secs(10) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let shown = dashboard(lang, db, officer);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let replayed = replaying.join().map_err(|_| {
        AppError::Usage(
            lang.pick("演示回放意外中止", "the demo replay stopped unexpectedly").into(),
        )
    })?;
    shown?;
    let summary = replayed?;
    let packets = summary.totals.packets;
    let exe = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or("gapwatch".into());
    let line = match lang {
        Lang::Zh => format!(
            "演示数据库：{}（已回放 {packets} 个数据包）\n再次打开：{exe} tui --db {}",
            db.display(),
            db.display()
        ),
        Lang::En => format!(
            "Demo database: {} ({packets} packets replayed)\nReopen it: {exe} tui --db {}",
            db.display(),
            db.display()
        ),
    };
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

/// Runs the dashboard until the officer quits.
fn dashboard(lang: Lang, db: &Path, officer: String) -> Result<(), AppError> {
    let opts = gapwatch_tui::Options {
        db: db.to_path_buf(),
        lang,
        officer,
        refresh: std::time::Duration::from_secs(1),
    };
    gapwatch_tui::run(opts).map_err(|e| AppError::Usage(e.message(lang)))
}

/// Walks the action log's hash chain: 0 when intact, 1 when broken.
fn cmd_audit_verify(lang: Lang, db: &Path) -> Result<ExitCode, AppError> {
    let conn = record::open_read_only(db)?;
    let checked =
        audit::verify(&conn).map_err(|e| AppError::Sqlite(format!("{}: {e}", db.display())))?;
    let (line, code) = match (checked, lang) {
        (Ok(n), Lang::Zh) => (format!("审计日志完整：{n} 条操作，哈希链无断点"), ExitCode::SUCCESS),
        (Ok(n), Lang::En) => {
            (format!("action log intact: {n} actions, hash chain unbroken"), ExitCode::SUCCESS)
        }
        (Err(id), Lang::Zh) => (
            format!("审计日志在第 {id} 条断开：该条或其前一条被改动、插入或删除"),
            ExitCode::from(1),
        ),
        (Err(id), Lang::En) => (
            format!(
                "action log broken at row {id}: it or the row before it was changed, inserted or removed"
            ),
            ExitCode::from(1),
        ),
    };
    writeln!(std::io::stdout(), "{line}").map_err(AppError::from_stdout)?;
    Ok(code)
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
