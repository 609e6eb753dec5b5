//! Running the binary and reading what it wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scenario folder under `captures/`.
pub fn scenario(name: &str) -> PathBuf {
    repo().join("captures").join(name)
}

/// Runs `gapwatch` with `args` (English text, no terminal).
pub fn gapwatch<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_gapwatch"))
        .env_remove("GAPWATCH_LANG")
        .arg("--lang")
        .arg("en")
        .args(args)
        .output()
        .expect("the gapwatch binary runs")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the command succeeded, showing its error otherwise.
pub fn ok(o: Output) -> Output {
    assert!(o.status.success(), "exit {:?}: {}", o.status.code(), stderr(&o));
    o
}

/// Asserts a clean failure: exit 2, one message, no panic.
pub fn fails_cleanly(o: &Output) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2, stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Replays `captures` into `db` with an optional policy.
pub fn replay(db: &Path, policy: Option<&Path>, captures: &[&Path]) -> Output {
    let mut args: Vec<PathBuf> = vec!["replay".into(), "--db".into(), db.into()];
    if let Some(p) = policy {
        args.push("--policy".into());
        args.push(p.into());
    }
    args.extend(captures.iter().map(|c| c.to_path_buf()));
    gapwatch(args)
}

/// A listing as JSON.
pub fn list(db: &Path, what: &str) -> serde_json::Value {
    let o = ok(gapwatch([what, "--db", db.to_str().unwrap(), "--format", "json"]));
    serde_json::from_slice(&o.stdout).expect("listing is JSON")
}

/// A listing as JSON, with extra arguments.
pub fn list_with(db: &Path, what: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![what, "--db", db.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let o = ok(gapwatch(args));
    serde_json::from_slice(&o.stdout).expect("listing is JSON")
}
