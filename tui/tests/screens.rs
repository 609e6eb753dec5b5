//! Every pane, drawn over a database filled by replaying the demo day:
//! at 80×24 (the smallest the dashboard lays out in) and 160×48, in
//! Chinese and English. Snapshots are plain text (one line per row), so
//! they also show what a monochrome terminal gets.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use gapwatch_rules::{Lang, Policy};
use gapwatch_sensor::record::{self, audit};
use gapwatch_sensor::replay::{ReplayConfig, replay};
use gapwatch_tui::app::Tab;
use gapwatch_tui::{App, Store, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../captures/demo")
}

/// The demo day replayed once, shared by every test.
/// How many alerts the demo must raise, from its `expected-alerts.json`.
fn demo_expected_alerts() -> u64 {
    let text = std::fs::read_to_string(demo_dir().join("expected-alerts.json")).unwrap();
    let alerts: serde_json::Value = serde_json::from_str(&text).unwrap();
    alerts.as_array().unwrap().len() as u64
}

fn demo_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        fill(&db);
        (dir, db)
    });
    path
}

fn fill(db: &Path) {
    let demo = demo_dir();
    let cfg = ReplayConfig {
        captures: vec![demo.join("capture.pcap")],
        db: db.to_path_buf(),
        policy: Policy::load(&demo.join("policy.toml")).unwrap(),
        jsonl: None,
        stop: Arc::new(AtomicBool::new(false)),
        pace: None,
        detection: true,
        fingerprints: true,
        p0f: None,
    };
    replay(cfg, |_, _| {}).unwrap();
}

fn render(db: &Path, app: &mut App, width: u16, height: u16) -> String {
    let store = Store::open(db).unwrap();
    let screen = view::fetch(&store, app, Rect::new(0, 0, width, height)).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(f, app, &screen)).unwrap();
    terminal.backend().to_string()
}

fn pane(tab: Tab, lang: Lang, width: u16, height: u16) -> String {
    let mut app = App::new(lang);
    app.tab = tab;
    render(demo_db(), &mut app, width, height)
}

macro_rules! screens {
    ($($name:ident: $tab:expr, $lang:expr, $w:expr, $h:expr;)*) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(pane($tab, $lang, $w, $h));
        }
    )*};
}

screens! {
    overview_zh_80x24: Tab::Overview, Lang::Zh, 80, 24;
    overview_en_160x48: Tab::Overview, Lang::En, 160, 48;
    alerts_zh_80x24: Tab::Alerts, Lang::Zh, 80, 24;
    alerts_en_80x24: Tab::Alerts, Lang::En, 80, 24;
    alerts_zh_160x48: Tab::Alerts, Lang::Zh, 160, 48;
    devices_zh_80x24: Tab::Devices, Lang::Zh, 80, 24;
    devices_en_160x48: Tab::Devices, Lang::En, 160, 48;
    flows_zh_80x24: Tab::Flows, Lang::Zh, 80, 24;
    flows_en_160x48: Tab::Flows, Lang::En, 160, 48;
}

#[test]
fn too_small_a_terminal_gets_a_message() {
    let text = pane(Tab::Overview, Lang::Zh, 60, 20);
    assert!(
        text.contains("终端太小") && text.contains("80×24") && text.contains("60×20"),
        "{text}"
    );
    let text = pane(Tab::Alerts, Lang::En, 79, 40);
    assert!(text.contains("Terminal too small"), "{text}");
}

#[test]
fn the_demo_day_shows_a_breach_with_its_alerts() {
    let store = Store::open(demo_db()).unwrap();
    let o = store.overview().unwrap();
    assert_eq!(o.verdict(), gapwatch_tui::store::Verdict::Breach);
    assert_eq!(o.open(), demo_expected_alerts(), "every expected alert of the demo is open");
    assert_eq!(o.unregistered, Some(2));
    assert_eq!(o.per_minute.len(), 60);
    assert_eq!(o.exports.len(), 1, "one export station in the demo policy");
    assert!(o.exports[0].bytes_in > 0, "{:?}", o.exports);
}

#[test]
fn an_acknowledged_alert_moves_to_its_filter_with_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ack.db");
    fill(&db);
    let mut app = App::new(Lang::Zh);
    app.tab = Tab::Alerts;
    let _ = render(&db, &mut app, 120, 40);
    let id = app.selected_alert_id.expect("an open alert is selected");
    let mut conn = record::open_read_write(&db).unwrap();
    // 2026-03-02 18:00 Beijing time, so the snapshot does not move.
    let at = 1_772_445_600_000_000_000;
    audit::acknowledge(&mut conn, id, "张伟", "已核实：承包商笔记本\u{1b}[31m，已带离", at)
        .unwrap();
    let open = render(&db, &mut app, 120, 40);
    let still_open = format!("告警 {} 条", demo_expected_alerts() - 1);
    assert!(open.contains(&still_open), "{open}");
    app.alert_filter.state = gapwatch_tui::store::StateFilter::Acknowledged;
    app.alert_selected = 0;
    insta::assert_snapshot!(render(&db, &mut app, 120, 40));
}

#[test]
fn a_database_of_another_schema_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "{}; PRAGMA user_version = 1;",
        gapwatch_sensor::record::schema::MIGRATIONS[0]
    ))
    .unwrap();
    drop(conn);
    let Err(err) = Store::open(&db) else { panic!("opened an old database") };
    assert!(err.message(Lang::En).contains("gapwatch replay"), "{}", err.message(Lang::En));
    let Err(err) = Store::open(&dir.path().join("missing.db")) else { panic!() };
    assert!(matches!(err.kind, record::RecordErrorKind::Missing), "{err}");
}

#[test]
fn the_selection_stays_on_its_alert_when_new_alerts_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("anchor.db");
    fill(&db);
    let mut app = App::new(Lang::En);
    app.tab = Tab::Alerts;
    let _ = render(&db, &mut app, 120, 40);
    app.on_key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Down));
    let _ = render(&db, &mut app, 120, 40);
    let reading = app.selected_alert_id.expect("an open alert");
    assert_eq!(app.alert_selected, 1);
    // A newer, more severe alert arrives: it sorts above the one being read.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO alerts (kind, severity, severity_rank, clause, subject_mac, subject_key,
                             first_seen, last_seen, count, message_zh, message_en, evidence)
         VALUES ('device.unregistered', 'critical', 4, '5.7', '02:00:00:00:00:01',
                 '02:00:00:00:00:01|', 1, 9000000000000000000, 1, '新', 'new', '{}')",
        [],
    )
    .unwrap();
    let _ = render(&db, &mut app, 120, 40);
    assert_eq!(app.selected_alert_id, Some(reading), "the same alert stays selected");
    assert_eq!(app.alert_selected, 2, "one row further down");
}

#[test]
fn a_dashboard_reading_never_blocks_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("busy.db");
    fill(&db);
    // A dashboard in the middle of a read: its snapshot stays open.
    let reader = record::open_read_only(&db).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let before: i64 = reader.query_row("SELECT count(*) FROM alerts", [], |r| r.get(0)).unwrap();
    // The sensor records another capture meanwhile, and is not held up.
    let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("../captures/offlan-destination");
    let cfg = ReplayConfig {
        captures: vec![other.join("capture.pcap")],
        db: db.clone(),
        policy: Policy::load(&other.join("policy.toml")).unwrap(),
        jsonl: None,
        stop: Arc::new(AtomicBool::new(false)),
        pace: None,
        detection: true,
        fingerprints: true,
        p0f: None,
    };
    let summary = replay(cfg, |_, _| {}).expect("the writer is never blocked by a reader");
    assert!(!summary.had_errors());
    let still: i64 = reader.query_row("SELECT count(*) FROM alerts", [], |r| r.get(0)).unwrap();
    assert_eq!(still, before, "the reader keeps its snapshot");
    reader.execute_batch("COMMIT").unwrap();
    let now = Store::open(&db).unwrap().overview().unwrap();
    assert!(now.open() as i64 > before, "the next refresh sees the new alerts");
}

#[test]
fn devices_are_found_by_mac_in_any_notation_and_by_being_unregistered() {
    let store = Store::open(demo_db()).unwrap();
    let by = |search: &str| {
        let page = store.devices(search, Default::default(), 0, 50).unwrap();
        (page.total, page.rows.into_iter().map(|d| d.mac).collect::<Vec<_>>())
    };
    let colon = by("a4:8c:db");
    assert_eq!(colon.0, 1, "{colon:?}");
    assert_eq!(by("A4-8C-DB"), colon, "Windows notation");
    assert_eq!(by("a48c.db5f"), colon, "Cisco notation");
    assert_eq!(by("a48cdb"), colon, "bare hex");
    let (n, macs) = by("未登记");
    assert_eq!(n, 2, "{macs:?}");
    assert_eq!(by("unregistered").0, 2);
    assert!(by("扫描").0 >= 2, "by registered name");
    assert_eq!(by("no-such-device").0, 0);
}
