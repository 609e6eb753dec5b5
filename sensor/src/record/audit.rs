//! The action log: what people did, append-only and hash-chained.
//!
//! Each row's hash covers the previous row's hash and the row's own
//! fields, so changing, inserting or removing a row breaks every hash after
//! it; [`verify`] walks the chain. An acknowledgement changes the alert's
//! state and appends its action in one transaction: neither exists
//! without the other.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

/// Longest note kept, in characters; longer ones are cut (and say so).
pub const MAX_NOTE_CHARS: usize = 500;

/// Who may do what (三员分离): each action is taken in one role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// 保密员: watches alerts and acknowledges them.
    Officer,
    /// 管理员: keeps the policy and the asset register.
    Administrator,
    /// 审计员: reads and verifies this log.
    Auditor,
}

impl Role {
    /// Stable name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Administrator => "administrator",
            Role::Auditor => "auditor",
        }
    }
}

/// One row of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Row id.
    pub id: i64,
    /// When the person acted: wall clock, ns since the epoch.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: String,
    /// What, e.g. `alert.acknowledge`.
    pub action: String,
    /// On what, e.g. `alert:17`.
    pub target: String,
    /// Their note.
    pub note: String,
    /// Hash of the row before (empty for the first).
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

/// Why an acknowledgement was not recorded.
#[derive(Debug)]
pub enum AckError {
    /// The note is empty once control characters are removed.
    EmptyNote,
    /// No alert has this id.
    NoSuchAlert(i64),
    /// The alert is not open (already acknowledged).
    NotOpen(i64),
    /// The database refused.
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for AckError {
    fn from(e: rusqlite::Error) -> AckError {
        AckError::Sqlite(e)
    }
}

/// A note as it is stored: control characters (terminal escapes, NULs,
/// line breaks) become spaces, runs of spaces collapse, and the note is cut
/// at [`MAX_NOTE_CHARS`] with a trailing `…`.
pub fn clean_note(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for c in raw.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        if chars == MAX_NOTE_CHARS {
            out.push('…');
            break;
        }
        out.push(c);
        chars += 1;
    }
    out.trim_end().to_string()
}

/// The hash of a row whose predecessor's hash is `prev`.
fn row_hash(
    prev: &str,
    at: i64,
    actor: &str,
    role: &str,
    action: &str,
    target: &str,
    note: &str,
) -> String {
    let mut h = Sha256::new();
    for field in [prev, &at.to_string(), actor, role, action, target, note] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends an action inside the caller's transaction; returns its id.
fn append(
    conn: &Connection,
    at: i64,
    actor: &str,
    role: Role,
    action: &str,
    target: &str,
    note: &str,
) -> rusqlite::Result<i64> {
    let prev: String = conn
        .query_row("SELECT hash FROM actions ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let hash = row_hash(&prev, at, actor, role.as_str(), action, target, note);
    conn.execute(
        "INSERT INTO actions (at, actor, role, action, target, note, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![at, actor, role.as_str(), action, target, note, prev, hash],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The officer `actor` acknowledges open alert `alert_id` with `note` at
/// wall-clock time `at` (ns): the alert leaves the open list and the action
/// is logged. Returns the action's id.
pub fn acknowledge(
    conn: &mut Connection,
    alert_id: i64,
    actor: &str,
    note: &str,
    at: i64,
) -> Result<i64, AckError> {
    let note = clean_note(note);
    if note.is_empty() {
        return Err(AckError::EmptyNote);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let state: Option<String> = tx
        .query_row("SELECT state FROM alerts WHERE id = ?1", [alert_id], |r| r.get(0))
        .optional()?;
    match state.as_deref() {
        None => return Err(AckError::NoSuchAlert(alert_id)),
        Some("open") => {}
        Some(_) => return Err(AckError::NotOpen(alert_id)),
    }
    tx.execute(
        "UPDATE alerts SET state = 'acknowledged', acked_at = ?2, acked_by = ?3, ack_note = ?4
         WHERE id = ?1",
        params![alert_id, at, actor, note],
    )?;
    let target = format!("alert:{alert_id}");
    let id = append(&tx, at, actor, Role::Officer, "alert.acknowledge", &target, &note)?;
    tx.commit()?;
    Ok(id)
}

/// Every action, oldest first.
pub fn actions(conn: &Connection) -> rusqlite::Result<Vec<Action>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, role, action, target, note, prev_hash, hash FROM actions ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Action {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            role: r.get(3)?,
            action: r.get(4)?,
            target: r.get(5)?,
            note: r.get(6)?,
            prev_hash: r.get(7)?,
            hash: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// Checks the chain: `Ok(n)` for `n` intact rows, or `Err(id)` of the first
/// row whose hash or link does not hold.
pub fn verify(conn: &Connection) -> rusqlite::Result<Result<usize, i64>> {
    let mut prev = String::new();
    let all = actions(conn)?;
    for a in &all {
        let want = row_hash(&prev, a.at, &a.actor, &a.role, &a.action, &a.target, &a.note);
        if a.prev_hash != prev || a.hash != want {
            return Ok(Err(a.id));
        }
        prev = a.hash.clone();
    }
    Ok(Ok(all.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_with_alert() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::open_read_write(&dir.path().join("gw.db")).unwrap();
        conn.execute(
            "INSERT INTO alerts (kind, severity, severity_rank, clause, subject_key, first_seen,
                                 last_seen, count, message_zh, message_en, evidence)
             VALUES ('device.unregistered', 'high', 3, '5.7', 'aa|', 1, 2, 1, 'zh', 'en', '{}')",
            [],
        )
        .unwrap();
        (dir, conn)
    }

    #[test]
    fn acknowledging_closes_the_alert_and_logs_it() {
        let (_dir, mut conn) = db_with_alert();
        let id =
            acknowledge(&mut conn, 1, "zhang.wei", "已核实：承包商笔记本，已带离", 42).unwrap();
        let (state, by): (String, String) = conn
            .query_row("SELECT state, acked_by FROM alerts WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((state.as_str(), by.as_str()), ("acknowledged", "zhang.wei"));
        let log = actions(&conn).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].id, id);
        assert_eq!((log[0].role.as_str(), log[0].target.as_str()), ("officer", "alert:1"));
        assert!(matches!(acknowledge(&mut conn, 1, "x", "again", 43), Err(AckError::NotOpen(1))));
        assert!(matches!(acknowledge(&mut conn, 9, "x", "n", 43), Err(AckError::NoSuchAlert(9))));
    }

    #[test]
    fn an_empty_note_is_refused() {
        let (_dir, mut conn) = db_with_alert();
        assert!(matches!(
            acknowledge(&mut conn, 1, "x", " \u{1b}\n\t ", 1),
            Err(AckError::EmptyNote)
        ));
        assert_eq!(actions(&conn).unwrap().len(), 0);
    }

    #[test]
    fn notes_lose_control_characters_and_length() {
        assert_eq!(clean_note("ok\u{1b}[2J\r\nfine\0"), "ok [2J fine");
        let long = "档".repeat(10 * 1024);
        let cleaned = clean_note(&long);
        assert_eq!(cleaned.chars().count(), MAX_NOTE_CHARS + 1);
        assert!(cleaned.ends_with('…'));
    }

    #[test]
    fn tampering_breaks_the_chain() {
        let (_dir, mut conn) = db_with_alert();
        conn.execute(
            "INSERT INTO alerts (kind, severity, severity_rank, clause, subject_key, first_seen,
                                 last_seen, count, message_zh, message_en, evidence)
             VALUES ('device.unregistered', 'high', 3, '5.7', 'bb|', 1, 2, 1, 'zh', 'en', '{}')",
            [],
        )
        .unwrap();
        acknowledge(&mut conn, 1, "a", "first", 1).unwrap();
        acknowledge(&mut conn, 2, "a", "second", 2).unwrap();
        assert_eq!(verify(&conn).unwrap(), Ok(2));
        conn.execute("UPDATE actions SET note = 'edited' WHERE id = 1", []).unwrap();
        assert_eq!(verify(&conn).unwrap(), Err(1));
    }
}
