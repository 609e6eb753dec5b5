//! Dashboard refresh benchmark: one refresh (every query a frame needs)
//! over a database with 10,000 devices and 100,000 alerts.
//!
//! ```text
//! cargo bench -p gapwatch-tui --bench refresh -- [--devices N] [--alerts N] [--runs R]
//! ```
//! Builds the database once under `target/bench/`, then times
//! `view::fetch` for every pane, at 80×24 and 200×60, with the selection
//! at the top and deep in the list, and a device search. Reports the
//! median and the worst of R runs (default 30) against the 50 ms target.
//! Timings belong here, never in tests.

use std::path::{Path, PathBuf};
use std::time::Instant;

use gapwatch_rules::Lang;
use gapwatch_sensor::record;
use gapwatch_tui::app::Tab;
use gapwatch_tui::store::StateFilter;
use gapwatch_tui::{App, Store, view};
use ratatui::layout::Rect;
use rusqlite::params;

const TARGET_MS: f64 = 50.0;

/// Puts the dashboard in the state a case measures.
type Setup = Box<dyn Fn(&mut App)>;

struct Args {
    devices: u64,
    alerts: u64,
    runs: usize,
}

fn args() -> Args {
    let mut a = Args { devices: 10_000, alerts: 100_000, runs: 30 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        match flag.as_str() {
            "--devices" => a.devices = value(),
            "--alerts" => a.alerts = value(),
            "--runs" => a.runs = value().max(1) as usize,
            _ => {} // cargo passes --bench
        }
    }
    a
}

fn mac(i: u64) -> String {
    let b = i.to_be_bytes();
    format!("02:00:{:02x}:{:02x}:{:02x}:{:02x}", b[4], b[5], b[6], b[7])
}

/// A database shaped like a large site after months: devices with two
/// addresses each, a register of most of them, alerts of every severity,
/// most acknowledged, hourly flows, a day of traffic minutes.
fn build(path: &Path, devices: u64, alerts: u64) {
    let t = Instant::now();
    let mut conn = record::open_read_write(path).expect("create the bench database");
    let tx = conn.transaction().unwrap();
    let day = 1_772_409_600_000_000_000i64; // 2026-03-02 00:00 UTC
    let ns = |secs: i64| day + secs * 1_000_000_000;
    tx.execute(
        "INSERT INTO runs (mode, status, first_ts, last_ts, site, timezone)
         VALUES ('policy', 'complete', ?1, ?2, '基准测试场所', 'Asia/Shanghai')",
        params![ns(0), ns(86_399)],
    )
    .unwrap();
    {
        let mut dev = tx
            .prepare("INSERT INTO devices VALUES (?1, 'Bench Vendor', ?2, ?3, 10, 1000, 10, 1000)")
            .unwrap();
        let mut addr = tx.prepare("INSERT INTO addresses VALUES (?1, ?2, 'arp', ?3, ?3)").unwrap();
        let mut asset =
            tx.prepare("INSERT INTO assets (mac, name, role, ip) VALUES (?1, ?2, ?3, ?4)").unwrap();
        for i in 0..devices {
            let m = mac(i);
            let ip = format!("10.{}.{}.{}", 20 + i / 65_536, (i / 256) % 256, i % 256);
            dev.execute(params![m, ns(i as i64 % 3600), ns(86_000 - (i as i64 % 80_000))]).unwrap();
            addr.execute(params![m, ip, ns(1)]).unwrap();
            addr.execute(params![m, format!("fe80::{i:x}"), ns(2)]).unwrap();
            if i % 10 != 0 {
                let role = if i % 500 == 1 { "export" } else { "workstation" };
                asset.execute(params![m, format!("工位-{i:05}"), role, ip]).unwrap();
            }
        }
        let mut alert = tx
            .prepare(
                "INSERT INTO alerts (kind, severity, severity_rank, clause, subject_mac, subject_ip,
                   subject_key, first_seen, last_seen, count, message_zh, message_en, evidence, state)
                 VALUES (?1, ?2, ?3, '5.4', ?4, ?5, ?6, ?7, ?8, 3, ?9, ?10, ?11, ?12)",
            )
            .unwrap();
        let kinds = ["device.unregistered", "route.offlan_destination"];
        let severities = ["info", "low", "medium", "high", "critical"];
        for i in 0..alerts {
            let d = i % devices.max(1);
            let rank = (i % 5) as i64;
            // One open alert per (kind, subject); the rest acknowledged.
            let open = i < 2 * devices.max(1) && i % 3 == 0;
            let state = if open { "open" } else { "acknowledged" };
            let kind = kinds[(i / devices.max(1)) as usize % 2];
            alert
                .execute(params![
                    kind,
                    severities[rank as usize],
                    rank,
                    mac(d),
                    format!("10.20.{}.{}", (d / 256) % 256, d % 256),
                    format!("{}|{i}", mac(d)),
                    ns((i % 86_000) as i64),
                    ns((i % 86_000) as i64 + 60),
                    format!("{} 向网外地址发送数据：203.0.113.{}:443/tcp", mac(d), i % 250),
                    format!("{} sent traffic off the LAN: 203.0.113.{}:443/tcp", mac(d), i % 250),
                    format!("{{\"destinations\":[\"203.0.113.{}:443/tcp\"]}}", i % 250),
                    state
                ])
                .unwrap();
        }
        let mut flow = tx
            .prepare(
                "INSERT INTO flows (proto, orig_mac, orig_ip, resp_mac, resp_ip, resp_port, hour,
                   connections, first_seen, last_seen, orig_packets, orig_bytes, resp_packets,
                   resp_bytes, tcp_flags)
                 VALUES (6, ?1, ?2, ?3, ?6, 445, ?4, 2, ?4, ?4, 100, ?5, 100, 9000, 27)",
            )
            .unwrap();
        for hour in 0..24i64 {
            for i in (0..devices).step_by(5) {
                let bytes = ((i * 7919 + hour as u64 * 104_729) % 1_000_000) as i64;
                flow.execute(params![
                    mac(i),
                    format!("10.20.{}.{}", (i / 256) % 256, i % 256),
                    // Most traffic goes to the file server, a tenth to
                    // an export station.
                    if i % 10 == 0 { mac(1) } else { mac(2) },
                    ns(hour * 3600),
                    bytes,
                    if i % 10 == 0 { "10.20.0.1" } else { "10.20.0.2" }
                ])
                .unwrap();
            }
        }
        let mut ledger =
            tx.prepare("INSERT INTO export_ledger VALUES (?1, ?2, ?3, ?4, 9000, 2)").unwrap();
        for hour in 0..24i64 {
            for i in (0..devices).step_by(50) {
                ledger.execute(params![ns(hour * 3600), mac(1), mac(i), 1_000_000]).unwrap();
            }
        }
        let mut minute = tx.prepare("INSERT INTO traffic VALUES (?1, ?2, ?3)").unwrap();
        for m in 0..1440i64 {
            minute.execute(params![ns(m * 60), 1000 + m % 300, 800_000]).unwrap();
        }
    }
    tx.commit().unwrap();
    eprintln!("built {} in {:.1} s", path.display(), t.elapsed().as_secs_f64());
}

fn time_refresh(store: &Store, app: &mut App, size: Rect, runs: usize) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let screen = view::fetch(store, app, size).expect("refresh");
            std::hint::black_box(screen);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1])
}

fn main() {
    let a = args();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("dashboard-{}-{}.db", a.devices, a.alerts));
    if !db.exists() {
        build(&db, a.devices, a.alerts);
    }
    let store = Store::open(&db).expect("open the bench database");
    println!(
        "# {}: {} devices, {} alerts; one refresh = every query of one frame; {} runs (median, worst)",
        db.display(),
        a.devices,
        a.alerts,
        a.runs
    );
    println!("{:<44} {:>10} {:>10}", "refresh", "median_ms", "worst_ms");
    let mut worst = 0f64;
    let cases: Vec<(&str, Setup)> = vec![
        ("overview", Box::new(|app| app.tab = Tab::Overview)),
        ("alerts, open, top", Box::new(|app| app.tab = Tab::Alerts)),
        (
            "alerts, all states, row 50,000",
            Box::new(|app| {
                app.tab = Tab::Alerts;
                app.alert_filter.state = StateFilter::All;
                app.alert_selected = 50_000;
            }),
        ),
        ("devices, top", Box::new(|app| app.tab = Tab::Devices)),
        (
            "devices, row 9,000",
            Box::new(|app| {
                app.tab = Tab::Devices;
                app.device_selected = 9_000;
            }),
        ),
        (
            "devices, search \"10.20.3\"",
            Box::new(|app| {
                app.tab = Tab::Devices;
                app.search = "10.20.3".into();
            }),
        ),
        ("flows, latest hour", Box::new(|app| app.tab = Tab::Flows)),
    ];
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        for (name, setup) in &cases {
            let mut app = App::new(Lang::Zh);
            setup(&mut app);
            app.rows = u64::MAX;
            let (median, max) = time_refresh(&store, &mut app, Rect::new(0, 0, w, h), a.runs);
            worst = worst.max(max);
            println!("{:<44} {median:>10.2} {max:>10.2}", format!("{name} @{w}x{h}"));
        }
    }
    let verdict = if worst <= TARGET_MS { "met" } else { "NOT met" };
    println!("worst refresh {worst:.2} ms; target ≤ {TARGET_MS} ms: {verdict}");
}
