//! Why the database could not be used, and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

use gapwatch_rules::Lang;
use rusqlite::ErrorCode;

/// A database that could not be opened or written.
#[derive(Debug)]
pub struct RecordError {
    /// The database file.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: RecordErrorKind,
}

/// What went wrong with the database.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// The directory to hold it does not exist.
    MissingDirectory(PathBuf),
    /// No database there (for commands that only read).
    Missing,
    /// An empty file or database: nothing was ever recorded in it.
    Empty,
    /// The file cannot be created or opened for writing.
    CannotOpen(String),
    /// Another process holds a lock on it.
    Locked,
    /// The file is not an SQLite database.
    NotADatabase,
    /// An SQLite database of some other program.
    ForeignDatabase,
    /// The path names a directory.
    IsADirectory,
    /// The database is damaged.
    Corrupt,
    /// The disk is full.
    DiskFull,
    /// The file system refused write-ahead logging.
    NoWal(String),
    /// Written by another version of gapwatch.
    SchemaMismatch {
        /// Version in the file.
        found: i64,
        /// Version this build reads.
        expected: i64,
    },
    /// The writer thread stopped unexpectedly.
    WriterGone,
    /// Any other SQLite error.
    Sqlite(String),
    /// Writing the JSON-lines output failed.
    Jsonl(String),
}

impl RecordError {
    pub(crate) fn new(path: &Path, kind: RecordErrorKind) -> RecordError {
        RecordError { path: path.to_path_buf(), kind }
    }

    pub(crate) fn from_sqlite(path: &Path, e: rusqlite::Error) -> RecordError {
        let kind = match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                RecordErrorKind::Locked
            }
            Some(ErrorCode::NotADatabase) => RecordErrorKind::NotADatabase,
            Some(ErrorCode::DatabaseCorrupt) => RecordErrorKind::Corrupt,
            Some(ErrorCode::DiskFull) => RecordErrorKind::DiskFull,
            Some(ErrorCode::CannotOpen)
            | Some(ErrorCode::ReadOnly)
            | Some(ErrorCode::PermissionDenied) => RecordErrorKind::CannotOpen(e.to_string()),
            _ => RecordErrorKind::Sqlite(e.to_string()),
        };
        RecordError::new(path, kind)
    }

    /// The message in `lang`: what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let p = self.path.display();
        let dir = self.path.parent().map(|d| d.display().to_string()).unwrap_or_default();
        use RecordErrorKind::*;
        match (&self.kind, lang) {
            (MissingDirectory(d), Lang::Zh) => {
                format!(
                    "数据库 {p} 所在目录 {} 不存在：请先创建该目录，或换一个 --db 路径",
                    d.display()
                )
            }
            (MissingDirectory(d), Lang::En) => {
                format!(
                    "database {p}: directory {} does not exist; create it or choose another --db",
                    d.display()
                )
            }
            (Missing, Lang::Zh) => {
                format!("数据库 {p} 不存在：请先运行 gapwatch replay --db {p} 抓包文件")
            }
            (Missing, Lang::En) => {
                format!("no database at {p}: run `gapwatch replay --db {p} CAPTURE` first")
            }
            (Empty, Lang::Zh) => {
                format!(
                    "{p} 是空的，没有任何记录：请先运行 gapwatch replay --db {p} 抓包文件，或换一个 --db"
                )
            }
            (Empty, Lang::En) => format!(
                "{p} is empty, nothing was recorded in it: run `gapwatch replay --db {p} CAPTURE` first, or choose another --db"
            ),
            (CannotOpen(e), Lang::Zh) => {
                format!(
                    "无法创建或写入数据库 {p}（{e}）：请确认目录 {dir} 可写，或换一个 --db 路径"
                )
            }
            (CannotOpen(e), Lang::En) => {
                format!(
                    "cannot create or write database {p} ({e}): make directory {dir} writable or choose another --db"
                )
            }
            (Locked, Lang::Zh) => format!(
                "数据库 {p} 被另一个进程锁定：请等它结束（另一个 gapwatch replay？）或换一个 --db"
            ),
            (Locked, Lang::En) => format!(
                "database {p} is locked by another process: wait for it to finish (another gapwatch replay?) or use another --db"
            ),
            (NotADatabase, Lang::Zh) => {
                format!("{p} 不是 gapwatch 数据库（不是 SQLite 文件）：请换一个 --db 路径")
            }
            (NotADatabase, Lang::En) => {
                format!("{p} is not a gapwatch database (not SQLite): choose another --db")
            }
            (ForeignDatabase, Lang::Zh) => {
                format!("{p} 是其他程序的 SQLite 数据库，不是 gapwatch 数据库：请换一个 --db 路径")
            }
            (ForeignDatabase, Lang::En) => {
                format!(
                    "{p} is another program's SQLite database, not gapwatch's: choose another --db"
                )
            }
            (IsADirectory, Lang::Zh) => {
                format!("{p} 是一个目录：--db 需要一个文件路径，例如 {p}/gapwatch.db")
            }
            (IsADirectory, Lang::En) => {
                format!("{p} is a directory: --db takes a file path, for example {p}/gapwatch.db")
            }
            (Corrupt, Lang::Zh) => {
                format!("数据库 {p} 已损坏：请从备份恢复，或换一个 --db 重新回放")
            }
            (Corrupt, Lang::En) => format!(
                "database {p} is damaged: restore it from a backup or replay into another --db"
            ),
            (DiskFull, Lang::Zh) => format!("写入数据库 {p} 时磁盘已满：请释放空间后重试"),
            (DiskFull, Lang::En) => {
                format!("disk full while writing database {p}: free space and try again")
            }
            (NoWal(m), Lang::Zh) => {
                format!("数据库 {p} 无法启用 WAL 模式（{m}）：请把数据库放在本地磁盘上")
            }
            (NoWal(m), Lang::En) => {
                format!("database {p} cannot use WAL mode ({m}): put it on a local disk")
            }
            (SchemaMismatch { found, expected }, Lang::Zh) if found > expected => format!(
                "数据库 {p} 由更新版本的 gapwatch 写入（结构版本 {found}，本程序为 {expected}）：请使用新版本，或换一个 --db"
            ),
            (SchemaMismatch { found, expected }, Lang::En) if found > expected => format!(
                "database {p} was written by a newer gapwatch (schema {found}, this one reads {expected}): use that version or another --db"
            ),
            (SchemaMismatch { found, expected }, Lang::Zh) => format!(
                "数据库 {p} 的结构版本较旧（{found}，本程序为 {expected}）：请用 gapwatch replay 打开一次以升级"
            ),
            (SchemaMismatch { found, expected }, Lang::En) => format!(
                "database {p} has an older schema ({found}, this one reads {expected}): open it once with gapwatch replay to upgrade it"
            ),
            (WriterGone, Lang::Zh) => format!("数据库 {p} 的写入线程意外停止"),
            (WriterGone, Lang::En) => format!("the writer of database {p} stopped unexpectedly"),
            (Sqlite(e), Lang::Zh) => format!("数据库 {p} 出错：{e}"),
            (Sqlite(e), Lang::En) => format!("database {p}: {e}"),
            (Jsonl(e), Lang::Zh) => format!("写入 JSON 行输出失败：{e}"),
            (Jsonl(e), Lang::En) => format!("writing the JSON-lines output failed: {e}"),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for RecordError {}
