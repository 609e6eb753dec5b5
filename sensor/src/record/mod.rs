//! Record: SQLite is the system of record (stage 5 of the pipeline).
//!
//! One writer thread takes batches of [`Record`]s and applies each batch in
//! one transaction (WAL, so readers such as the dashboard never block it).
//! Readers open their own read-only connection through [`open_read_only`].

mod alert_rows;
pub mod audit;
mod error;
pub mod query;
pub mod schema;
mod volume;
mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use error::{RecordError, RecordErrorKind};
pub use writer::{CaptureRow, DeviceRow, MinuteTraffic, Record, Recorder, RunReport};

/// How long a write waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// Opens (creating if needed) the database at `path` for writing, in WAL
/// mode, migrated to the current schema.
pub fn open_read_write(path: &Path) -> Result<Connection, RecordError> {
    if path.is_dir() {
        return Err(RecordError::new(path, RecordErrorKind::IsADirectory));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(RecordError::new(
            path,
            RecordErrorKind::MissingDirectory(parent.to_path_buf()),
        ));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        Connection::open_with_flags(path, flags).map_err(|e| RecordError::from_sqlite(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| RecordError::from_sqlite(path, e))?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(|e| RecordError::from_sqlite(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(RecordError::new(path, RecordErrorKind::NoWal(mode)));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| RecordError::from_sqlite(path, e))?;
    migrate(&conn, path)?;
    Ok(conn)
}

/// Removes the database at `path` with its write-ahead log and index.
pub fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
}

/// Opens an existing database for reading only.
pub fn open_read_only(path: &Path) -> Result<Connection, RecordError> {
    if !path.exists() {
        return Err(RecordError::new(path, RecordErrorKind::Missing));
    }
    if path.is_dir() {
        return Err(RecordError::new(path, RecordErrorKind::IsADirectory));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        Connection::open_with_flags(path, flags).map_err(|e| RecordError::from_sqlite(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| RecordError::from_sqlite(path, e))?;
    let version = schema_version(&conn, path)?;
    if version == 0 {
        // Not written by gapwatch at all: empty, or another program's.
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| RecordError::from_sqlite(path, e))?;
        let kind =
            if tables == 0 { RecordErrorKind::Empty } else { RecordErrorKind::ForeignDatabase };
        return Err(RecordError::new(path, kind));
    }
    if version != schema::SCHEMA_VERSION {
        return Err(RecordError::new(
            path,
            RecordErrorKind::SchemaMismatch { found: version, expected: schema::SCHEMA_VERSION },
        ));
    }
    Ok(conn)
}

fn schema_version(conn: &Connection, path: &Path) -> Result<i64, RecordError> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| RecordError::from_sqlite(path, e))
}

fn migrate(conn: &Connection, path: &Path) -> Result<(), RecordError> {
    let version = schema_version(conn, path)?;
    if version == 0 {
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| RecordError::from_sqlite(path, e))?;
        if tables > 0 {
            return Err(RecordError::new(path, RecordErrorKind::ForeignDatabase));
        }
    }
    if version > schema::SCHEMA_VERSION {
        return Err(RecordError::new(
            path,
            RecordErrorKind::SchemaMismatch { found: version, expected: schema::SCHEMA_VERSION },
        ));
    }
    for (from, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
        let to = from as i64 + 1;
        let batch = format!("BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {to}; COMMIT;");
        conn.execute_batch(&batch).map_err(|e| {
            // Leave no half-applied migration behind.
            let _ = conn.execute_batch("ROLLBACK");
            RecordError::from_sqlite(path, e)
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.db");
        drop(open_read_write(&db).unwrap());
        let conn = open_read_write(&db).unwrap();
        assert_eq!(schema_version(&conn, &db).unwrap(), schema::SCHEMA_VERSION);
        drop(conn);
        assert!(open_read_only(&db).is_ok());
    }

    #[test]
    fn a_version_1_database_keeps_its_rows_and_gains_the_dashboard_tables() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.db");
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(&format!("{}; PRAGMA user_version = 1;", schema::MIGRATIONS[0]))
            .unwrap();
        conn.execute(
            "INSERT INTO alerts (kind, severity, severity_rank, clause, subject_key, first_seen,
                                 last_seen, count, message_zh, message_en, evidence)
             VALUES ('device.unregistered', 'high', 3, '5.7', 'aa|', 1, 2, 1, 'zh', 'en', '{}')",
            [],
        )
        .unwrap();
        drop(conn);
        let err = open_read_only(&db).unwrap_err();
        assert!(err.to_string().contains("older"), "{err}");
        let conn = open_read_write(&db).unwrap();
        let (state, acked): (String, Option<i64>) = conn
            .query_row("SELECT state, acked_at FROM alerts", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((state.as_str(), acked), ("open", None));
        let actions: i64 =
            conn.query_row("SELECT count(*) FROM actions", [], |r| r.get(0)).unwrap();
        assert_eq!(actions, 0);
    }

    #[test]
    fn an_empty_file_is_not_called_an_old_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("empty.db");
        std::fs::write(&db, b"").unwrap();
        let err = open_read_only(&db).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::Empty), "{err}");
        let other = dir.path().join("other.db");
        Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
        let err = open_read_only(&other).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::ForeignDatabase), "{err}");
    }

    /// Batches held back to go with later ones are written when the run
    /// finishes, and when the recorder is dropped without finishing.
    #[test]
    fn held_back_batches_are_written_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.db");
        let policy = gapwatch_rules::Policy::inventory();
        let minute = |m: i64, packets| {
            let minute = gapwatch_rules::Timestamp::from_secs(m * 60);
            Record::Traffic(MinuteTraffic { minute, packets, bytes: packets * 100 })
        };
        for finish in [true, false] {
            let conn = open_read_write(&db).unwrap();
            let mut recorder = Recorder::start(conn, &db, &policy, &[], None).unwrap();
            for m in 0..5 {
                recorder.send(vec![minute(m, 1), minute(m + 100, 2)]).unwrap();
            }
            if finish {
                recorder.finish().unwrap();
            }
            drop(recorder);
        }
        let conn = open_read_only(&db).unwrap();
        let (rows, packets): (i64, i64) = conn
            .query_row("SELECT count(*), sum(packets) FROM traffic", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        // Ten minutes, each recorded by both runs.
        assert_eq!((rows, packets), (10, 2 * 5 * 3));
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.db");
        let conn = open_read_write(&db).unwrap();
        conn.pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        let err = open_read_write(&db).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::SchemaMismatch { .. }), "{err}");
        assert!(err.to_string().contains("newer"), "{err}");
        let err = open_read_only(&db).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::SchemaMismatch { .. }));
    }

    #[test]
    fn not_a_database_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("notes.txt");
        std::fs::write(
            &db,
            "this is not sqlite, just a text file that is long enough to have a header",
        )
        .unwrap();
        let err = open_read_write(&db).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::NotADatabase), "{err}");
    }

    #[test]
    fn another_programs_database_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("contacts.sqlite");
        Connection::open(&db).unwrap().execute_batch("CREATE TABLE contacts (name TEXT)").unwrap();
        let err = open_read_write(&db).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::ForeignDatabase), "{err}");
        let tables: i64 = Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1, "nothing was added to it");
        let err = open_read_write(dir.path()).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::IsADirectory), "{err}");
    }

    #[test]
    fn missing_directory_is_named() {
        let err = open_read_write(Path::new("/nonexistent-gapwatch-dir/x/gw.db")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent-gapwatch-dir/x"), "{err}");
        let err = open_read_only(Path::new("/nonexistent-gapwatch-dir/gw.db")).unwrap_err();
        assert!(matches!(err.kind, RecordErrorKind::Missing));
    }
}
