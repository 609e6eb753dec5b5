//! The terminal and the event loop: fetch, draw, wait for a key or the
//! next refresh. Errors while refreshing (a database busy for a moment)
//! are shown on the status line, not fatal: the officer keeps the screen.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind};
use gapwatch_rules::Lang;
use gapwatch_sensor::record::audit::{self, AckError};
use gapwatch_sensor::record::{self, RecordError};
use ratatui::DefaultTerminal;
use ratatui::layout::Rect;

use crate::app::{App, Command};
use crate::store::Store;
use crate::view;

/// How the dashboard runs.
pub struct Options {
    /// The database to watch.
    pub db: PathBuf,
    /// Language of every text shown.
    pub lang: Lang,
    /// Who acknowledges: recorded with every action.
    pub officer: String,
    /// How often the screen is refreshed from the database.
    pub refresh: Duration,
}

/// Why the dashboard could not run.
#[derive(Debug)]
pub enum TuiError {
    /// The database could not be opened (missing, another schema, …).
    Record(RecordError),
    /// The terminal failed.
    Terminal(std::io::Error),
}

impl TuiError {
    /// One line saying what went wrong and what to do, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            TuiError::Record(e) => e.message(lang),
            TuiError::Terminal(e) => match lang {
                Lang::Zh => format!("终端出错：{e}（请在交互式终端中运行 gapwatch tui）"),
                Lang::En => {
                    format!("terminal error: {e} (run gapwatch tui in an interactive terminal)")
                }
            },
        }
    }
}

/// Opens the dashboard on `opts.db` and runs it until the officer quits.
pub fn run(opts: Options) -> Result<(), TuiError> {
    // Open before touching the terminal: a missing database is one line on
    // a normal screen, not a flash of an empty dashboard.
    let store = Store::open(&opts.db).map_err(TuiError::Record)?;
    let mut terminal = ratatui::try_init().map_err(TuiError::Terminal)?;
    let result = event_loop(&mut terminal, &store, &opts);
    ratatui::try_restore().map_err(TuiError::Terminal)?;
    result.map_err(TuiError::Terminal)
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    store: &Store,
    opts: &Options,
) -> std::io::Result<()> {
    let mut app = App::new(opts.lang);
    let mut screen = view::Screen::default();
    let mut fetched: Option<Instant> = None;
    loop {
        if fetched.is_none_or(|at| at.elapsed() >= opts.refresh) {
            let size = terminal.size()?;
            match view::fetch(store, &mut app, Rect::new(0, 0, size.width, size.height)) {
                Ok(s) => screen = s,
                Err(e) => app.status = Some(refresh_failed(opts.lang, &e)),
            }
            fetched = Some(Instant::now());
        }
        terminal.draw(|frame| view::draw(frame, &app, &screen))?;
        let wait = opts.refresh.saturating_sub(fetched.map_or(Duration::ZERO, |at| at.elapsed()));
        if !event::poll(wait)? {
            continue;
        }
        match event::read()? {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                match app.on_key(key) {
                    Some(Command::Quit) => return Ok(()),
                    Some(Command::Acknowledge { alert_id, note }) => {
                        app.status = Some(acknowledge(opts, alert_id, &note));
                    }
                    None => {}
                }
                fetched = None;
            }
            Event::Resize(..) => fetched = None,
            _ => {}
        }
    }
}

fn refresh_failed(lang: Lang, e: &rusqlite::Error) -> String {
    match lang {
        Lang::Zh => format!("刷新失败，稍后重试：{e}"),
        Lang::En => format!("refresh failed, retrying: {e}"),
    }
}

/// Writes the acknowledgement; returns the line telling the officer how it
/// went.
fn acknowledge(opts: &Options, alert_id: i64, note: &str) -> String {
    let lang = opts.lang;
    let mut conn = match record::open_read_write(&opts.db) {
        Ok(c) => c,
        Err(e) => return e.message(lang),
    };
    // An action is stamped with the wall clock: it is a person's act, not
    // something seen on the wire.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64);
    match (audit::acknowledge(&mut conn, alert_id, &opts.officer, note, now), lang) {
        (Ok(_), Lang::Zh) => format!("已确认告警 #{alert_id}，已记入审计日志（{}）", opts.officer),
        (Ok(_), Lang::En) => {
            format!("alert #{alert_id} acknowledged and logged (by {})", opts.officer)
        }
        (Err(AckError::EmptyNote), Lang::Zh) => "确认需要填写说明：按 a 重新输入".into(),
        (Err(AckError::EmptyNote), Lang::En) => "a note is required: press a to try again".into(),
        (Err(AckError::NotOpen(id) | AckError::NoSuchAlert(id)), Lang::Zh) => {
            format!("告警 #{id} 已不是未处理状态")
        }
        (Err(AckError::NotOpen(id) | AckError::NoSuchAlert(id)), Lang::En) => {
            format!("alert #{id} is no longer open")
        }
        (Err(AckError::Sqlite(e)), Lang::Zh) => format!("确认未能写入：{e}"),
        (Err(AckError::Sqlite(e)), Lang::En) => format!("the acknowledgement was not written: {e}"),
    }
}
