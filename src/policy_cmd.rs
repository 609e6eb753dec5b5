//! `gapwatch policy check` and `gapwatch policy import-assets`: the file
//! reading and writing around the checks of `gapwatch_rules::policy`.
//!
//! Exit status: 0 done; 1 for a finding (an invalid policy, a register with
//! bad rows or in an unreadable encoding: nothing is written); 2 when a file
//! cannot be read or written, or the policy to merge into is itself invalid.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gapwatch_rules::policy::{PolicyErrorKind, register};
use gapwatch_rules::{Lang, Policy};

use crate::error::AppError;
use crate::policy_summary::summary;

/// Validates the policy at `path`: its summary on standard output and
/// exit 0, or the error (file:line:column) on standard error and exit 1
/// (2 when the file cannot be read at all).
/// Warnings go to standard error, one line each, and do not fail the check.
pub fn check(lang: Lang, path: &Path) -> Result<ExitCode, AppError> {
    let policy = match Policy::load(path) {
        Ok(policy) => policy,
        // Not a finding about the policy: there is nothing to check.
        Err(e) if matches!(e.kind, PolicyErrorKind::Unreadable { .. }) => return Err(e.into()),
        Err(e) => {
            eprintln!("gapwatch: {}", e.message(lang));
            return Ok(ExitCode::from(1));
        }
    };
    print_warnings(&policy, lang);
    std::io::stdout()
        .lock()
        .write_all(summary(&policy, lang).as_bytes())
        .map_err(AppError::from_stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// Imports the register at `csv` into the policy at `policy` (or into bare
/// `[[asset]]` tables), writing the result to `output` or standard output
/// and what was done to standard error.
pub fn import_assets(
    lang: Lang,
    csv: &Path,
    policy: Option<&Path>,
    output: Option<&Path>,
) -> Result<ExitCode, AppError> {
    let bytes = std::fs::read(csv).map_err(|e| AppError::Input(csv.to_path_buf(), e))?;
    let base = match policy {
        Some(path) => {
            let policy = Policy::load(path)?;
            print_warnings(&policy, lang);
            // Policy::load has just read it as UTF-8.
            let text = std::fs::read_to_string(path)
                .map_err(|e| AppError::Input(path.to_path_buf(), e))?;
            Some((policy, text))
        }
        None => None,
    };
    let origin = csv.display().to_string();
    let base_ref = base.as_ref().map(|(policy, text)| (policy, text.as_str()));
    let imported = match register::import(&bytes, &origin, base_ref) {
        Ok(imported) => imported,
        Err(e) => {
            eprintln!("gapwatch: {}", e.message(lang));
            return Ok(ExitCode::from(1));
        }
    };
    match output {
        Some(path) => write_replacing(path, imported.text.as_bytes())?,
        None => std::io::stdout()
            .lock()
            .write_all(imported.text.as_bytes())
            .map_err(AppError::from_stdout)?,
    }
    for line in imported.report(&origin, lang) {
        eprintln!("{line}");
    }
    if let Some(path) = output {
        let p = path.display();
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("已写入 {p}（已通过校验）"),
                Lang::En => format!("written to {p} (validated)"),
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Each warning of `policy` as one line on standard error.
pub fn print_warnings(policy: &Policy, lang: Lang) {
    for warning in policy.warnings() {
        eprintln!("gapwatch: {}", warning.message(lang));
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder
/// and a rename, so the old file stays whole until the new one is; an
/// existing file keeps its permissions.
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let fail = |e| AppError::Output(path.to_path_buf(), e);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary: PathBuf =
        path.with_file_name(format!(".{name}.gapwatch-{}", std::process::id()));
    let written = std::fs::write(&temporary, bytes).and_then(|()| {
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temporary, meta.permissions())?;
        }
        std::fs::rename(&temporary, path)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(fail(e));
    }
    Ok(())
}
