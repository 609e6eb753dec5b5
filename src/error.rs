//! Errors the command line reports: one line, in the user's language,
//! saying what to do.

use std::path::PathBuf;

use gapwatch_rules::Lang;
use gapwatch_rules::policy::PolicyError;
use gapwatch_sensor::capture::CaptureError;
use gapwatch_sensor::record::RecordError;

/// Anything that stops a command.
#[derive(Debug)]
pub enum AppError {
    /// The policy file is wrong.
    Policy(PolicyError),
    /// The database cannot be used.
    Record(RecordError),
    /// A capture cannot be read.
    Capture(CaptureError),
    /// A query failed.
    Sqlite(String),
    /// An input file cannot be read.
    Input(PathBuf, std::io::Error),
    /// An output file cannot be written.
    Output(PathBuf, std::io::Error),
    /// A request that cannot be carried out as given, already explained.
    Usage(String),
    /// Standard output was closed (`gapwatch devices | head`): not an error.
    BrokenPipe,
}

impl AppError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Policy(e) => e.message(lang),
            AppError::Record(e) => e.message(lang),
            AppError::Capture(e) => e.message(lang),
            AppError::Sqlite(e) => match lang {
                Lang::Zh => format!("读取数据库失败：{e}"),
                Lang::En => format!("reading the database failed: {e}"),
            },
            AppError::Input(p, e) => match lang {
                Lang::Zh => format!("无法读取 {}（{e}）：请检查路径和权限", p.display()),
                Lang::En => {
                    format!("cannot read {} ({e}): check the path and permissions", p.display())
                }
            },
            AppError::Output(p, e) => match lang {
                Lang::Zh => {
                    format!("无法写入 {}（{e}）：请检查该路径所在目录存在且可写", p.display())
                }
                Lang::En => {
                    format!(
                        "cannot write {} ({e}): check that its directory exists and is writable",
                        p.display()
                    )
                }
            },
            AppError::Usage(m) => m.clone(),
            AppError::BrokenPipe => String::new(),
        }
    }

    /// Maps a failed write to standard output.
    pub fn from_stdout(e: std::io::Error) -> AppError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            AppError::BrokenPipe
        } else {
            AppError::Output(PathBuf::from("-"), e)
        }
    }
}

impl From<PolicyError> for AppError {
    fn from(e: PolicyError) -> AppError {
        AppError::Policy(e)
    }
}

impl From<RecordError> for AppError {
    fn from(e: RecordError) -> AppError {
        AppError::Record(e)
    }
}

impl From<CaptureError> for AppError {
    fn from(e: CaptureError) -> AppError {
        AppError::Capture(e)
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> AppError {
        AppError::Sqlite(e.to_string())
    }
}
