//! The dashboard end to end, in a real terminal: `gapwatch demo` runs inside
//! a private tmux server, replays the demo day into a fresh database and
//! opens the dashboard; the test presses the officer's keys (`2` for the
//! alerts, `a`, a note, Enter, `q`) and reads the screen as it goes. It
//! proves that an alert can be acknowledged from the keyboard while the
//! replay is still writing, that the demo quits cleanly, and that the
//! acknowledgement is in the database: the alert marked acknowledged by the
//! officer, and one officer action, with the note, opening the hash chain.
//!
//! Needs tmux; without it the test fails and says so.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use gapwatch_sensor::record::audit;
use rusqlite::{Connection, OpenFlags};

use crate::util::repo;

const OFFICER: &str = "e2e-officer";
const NOTE: &str = "checked: contractor laptop, removed";
/// How long any one step may take before the test gives up.
const TIMEOUT: Duration = Duration::from_secs(60);
/// How often the screen is read while waiting.
const POLL: Duration = Duration::from_millis(200);

#[test]
fn an_officer_acknowledges_an_alert_on_the_demo_dashboard() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.db");
    let demo = format!(
        "{} --lang en demo --db {} --speed 2000 --officer {OFFICER}",
        sh_quote(env!("CARGO_BIN_EXE_gapwatch")),
        sh_quote(db.to_str().expect("temporary path is UTF-8")),
    );
    // The pane stays open after the demo quits, showing how it exited.
    let term = Tmux::start(&repo(), &format!("{demo}; echo EXIT=$?; sleep 30"));

    term.wait_for("the dashboard", |pane| pane.contains("2 Alerts").then_some(()));
    term.keys(&["2"]);
    let open =
        term.wait_for("at least one open alert", |pane| alert_count(pane).filter(|&n| n >= 1));
    eprintln!("{open} open alert(s) listed");

    term.keys(&["a"]);
    term.wait_for("the note input", |pane| pane.contains("Note:").then_some(()));
    term.text(NOTE);
    term.wait_for("the typed note", |pane| pane.contains(&format!("Note: {NOTE}")).then_some(()));
    term.keys(&["Enter"]);
    let alert_id = term.wait_for("the acknowledgement", acknowledged_alert);

    term.keys(&["q"]);
    let pane = term.wait_for("the demo to exit", |pane| {
        pane.lines().any(|l| l.trim_end() == "EXIT=0").then(|| pane.to_string())
    });
    assert!(pane.contains("Demo database:"), "no closing line after quitting:\n{pane}");

    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let actions: Vec<[String; 7]> = conn
        .prepare("SELECT actor, role, action, target, note, prev_hash, hash FROM actions")
        .unwrap()
        .query_map([], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?])
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actions.len(), 1, "one action logged: {actions:?}");
    let [actor, role, action, target, note, prev_hash, hash] = &actions[0];
    assert_eq!(actor, OFFICER);
    assert_eq!(role, "officer");
    assert_eq!(action, "alert.acknowledge");
    assert_eq!(target, &format!("alert:{alert_id}"));
    assert_eq!(note, NOTE);
    assert_eq!(prev_hash, "", "the first action opens the chain");
    assert!(
        hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "hash is SHA-256 hex: {hash:?}"
    );
    assert_eq!(audit::verify(&conn).unwrap(), Ok(1), "the action log's chain holds");

    let (state, acked_by, ack_note): (String, Option<String>, Option<String>) = conn
        .query_row("SELECT state, acked_by, ack_note FROM alerts WHERE id = ?1", [alert_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(state, "acknowledged");
    assert_eq!(acked_by.as_deref(), Some(OFFICER));
    assert_eq!(ack_note.as_deref(), Some(NOTE));
}

/// N from the alert list's title " Alerts: N · open · …".
fn alert_count(pane: &str) -> Option<u64> {
    let rest = &pane[pane.find("Alerts: ")? + "Alerts: ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The alert id from the footer "alert #N acknowledged and logged (by …)".
fn acknowledged_alert(pane: &str) -> Option<i64> {
    let line =
        pane.lines().find(|l| l.contains(&format!("acknowledged and logged (by {OFFICER})")))?;
    let rest = &line[line.find("alert #")? + "alert #".len()..];
    rest.split(' ').next()?.parse().ok()
}

/// Quotes `s` as one word for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A tmux server of the test's own (its own socket, so no other session is
/// touched) running one 120×40 session; the server is killed on drop, so a
/// failed assertion still cleans up.
struct Tmux {
    socket: String,
    /// The socket file, which tmux leaves behind when killed.
    socket_path: Option<String>,
}

impl Tmux {
    const SESSION: &str = "dash";

    /// Starts `command` (run by `/bin/sh`) in `dir`.
    fn start(dir: &Path, command: &str) -> Tmux {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let socket = format!("gapwatch-e2e-{}-{nanos}", std::process::id());
        let mut term = Tmux { socket, socket_path: None };
        let dir = dir.to_str().expect("repository path is UTF-8");
        let args = ["new-session", "-d", "-x", "120", "-y", "40", "-s", Self::SESSION, "-c", dir];
        let o = term.tmux(&[&args[..], &[command]].concat());
        assert!(o.status.success(), "tmux new-session failed: {}", text(&o.stderr));
        let path = text(&term.tmux(&["display-message", "-p", "#{socket_path}"]).stdout);
        term.socket_path = Some(path.trim().to_string()).filter(|p| !p.is_empty());
        term
    }

    /// Runs `tmux -L <socket> args`, without any tmux.conf. A fresh server
    /// takes its shell from SHELL: `/bin/sh`, whatever the caller's is.
    fn tmux(&self, args: &[&str]) -> Output {
        let run = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env("SHELL", "/bin/sh")
            .env_remove("TMUX")
            .env_remove("GAPWATCH_LANG")
            .env_remove("GAPWATCH_OFFICER")
            .output();
        match run {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "tmux is not installed: the dashboard test drives a real terminal through tmux; \
                 install tmux (scripts/gw test installs it)"
            ),
            Err(e) => panic!("tmux could not run: {e}"),
        }
    }

    /// The screen as text.
    fn capture(&self) -> String {
        text(&self.tmux(&["capture-pane", "-p", "-t", Self::SESSION]).stdout)
    }

    /// Presses keys, named as tmux names them (`a`, `Enter`).
    fn keys(&self, keys: &[&str]) {
        let o = self.tmux(&[&["send-keys", "-t", Self::SESSION][..], keys].concat());
        assert!(o.status.success(), "tmux send-keys failed: {}", text(&o.stderr));
    }

    /// Types `s` literally.
    fn text(&self, s: &str) {
        let o = self.tmux(&["send-keys", "-t", Self::SESSION, "-l", s]);
        assert!(o.status.success(), "tmux send-keys -l failed: {}", text(&o.stderr));
    }

    /// Reads the screen until `seen` finds something in it; panics with the
    /// last screen on timeout, or as soon as the demo has exited unless
    /// `seen` is looking for that.
    fn wait_for<T>(&self, what: &str, seen: impl Fn(&str) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            let pane = self.capture();
            if let Some(found) = seen(&pane) {
                eprintln!("saw {what} after {:.1} s", start.elapsed().as_secs_f64());
                return found;
            }
            if pane.lines().any(|l| l.starts_with("EXIT=")) {
                panic!("the demo exited while waiting for {what}; the screen:\n{pane}");
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out after {TIMEOUT:?} waiting for {what}; the screen:\n{pane}");
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
