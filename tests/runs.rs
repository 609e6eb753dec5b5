//! What a replay promises across runs: a capture counts once, whether the
//! run that read it finished, was stopped, or the file grew since.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use gapwatch_rules::Policy;
use gapwatch_sensor::replay::{self as library, FileOutcome, ReplayConfig};

use crate::util::*;

fn demo() -> std::path::PathBuf {
    scenario("demo").join("capture.pcap")
}

#[test]
fn a_stopped_replay_records_what_it_read_and_is_not_replayed_again() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let cfg = ReplayConfig {
        captures: vec![demo()],
        db: db.clone(),
        policy: Policy::inventory(),
        jsonl: None,
        // As if Ctrl-C came at once: the replay stops at its first check.
        stop: Arc::new(AtomicBool::new(true)),
        pace: None,
        detection: true,
        fingerprints: true,
        p0f: None,
    };
    let summary = library::replay(cfg, |_, _| {}).unwrap();
    let FileOutcome::Stopped { packets, error } = &summary.files[0].1 else {
        panic!("{:?}", summary.files);
    };
    assert!(*packets > 0 && *packets < 9718, "stopped part-way ({packets})");
    assert!(error.to_string().contains("stopped on request"), "{error}");
    assert_eq!(list(&db, "stats")["packets"], *packets);

    let again = replay(&db, None, &[&demo()]);
    let err = stderr(&again);
    assert!(again.status.success(), "{err}");
    assert!(err.contains("already partly recorded"), "{err}");
    assert_eq!(list(&db, "stats")["packets"], *packets, "nothing counted twice");
}

#[test]
fn a_capture_that_grew_is_not_counted_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let bytes = std::fs::read(demo()).unwrap();
    let growing = tmp.path().join("growing.pcap");
    std::fs::write(&growing, &bytes[..bytes.len() / 2]).unwrap();
    // Cut mid-record: recorded up to the cut, reported.
    fails_cleanly(&replay(&db, None, &[&growing]));
    let first = list(&db, "stats")["packets"].clone();
    std::fs::write(&growing, &bytes).unwrap();
    let err = fails_cleanly(&replay(&db, None, &[&growing]));
    assert!(err.contains("begins like") && err.contains("new database"), "{err}");
    assert_eq!(list(&db, "stats")["packets"], first);
}

#[test]
fn jsonl_file_is_appended_not_truncated() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let out = tmp.path().join("alerts.jsonl");
    let args = |capture: &Path| {
        vec![
            "replay".into(),
            "--db".into(),
            db.clone().into_os_string(),
            "--jsonl".into(),
            out.clone().into_os_string(),
            capture.as_os_str().to_owned(),
        ]
    };
    ok(gapwatch(args(&scenario("inventory").join("capture.pcap"))));
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(!first.is_empty());
    ok(gapwatch(args(&scenario("inventory").join("capture.pcap"))));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        first,
        "a skipped replay leaves the file as it was"
    );
}

#[test]
fn jsonl_to_a_closed_pipe_still_records_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gapwatch"))
        .args(["--lang", "en", "replay", "--jsonl", "-", "--db"])
        .arg(&db)
        .arg(demo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once (`| head -0`)
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(list(&db, "stats")["packets"], 9718);
}

#[test]
fn demo_never_replaces_a_database_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let err = fails_cleanly(&gapwatch(["demo".as_ref(), "--db".as_ref(), notes.as_os_str()]));
    assert!(err.contains("not a demo database"), "{err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");

    let real = tmp.path().join("site.db");
    ok(replay(&real, None, &[&scenario("inventory").join("capture.pcap")]));
    fails_cleanly(&gapwatch(["demo".as_ref(), "--db".as_ref(), real.as_os_str()]));
    assert_eq!(list(&real, "stats")["captures"].as_array().unwrap().len(), 1);

    let demo_db = tmp.path().join("demo.db");
    ok(gapwatch(["demo".as_ref(), "--db".as_ref(), demo_db.as_os_str()]));
    ok(gapwatch(["demo".as_ref(), "--db".as_ref(), demo_db.as_os_str()]));
    assert_eq!(list(&demo_db, "stats")["runs"], 1, "the demo's own database is made anew");
}

#[test]
fn every_frame_is_counted_in_its_minute() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    ok(replay(&db, None, &[&demo()]));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (minutes, packets, misaligned): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(packets), sum(minute % 60000000000 != 0) FROM traffic",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(packets, 9718, "every frame of the demo day in some minute");
    assert_eq!(misaligned, 0);
    // 08:00 to 18:00: minutes with traffic, most of the ten hours.
    assert!((300..=601).contains(&minutes), "{minutes} minutes");
}

/// The demo day replayed twice into `dir`: as it is, and with the
/// benchmark's `flag`; the two databases.
fn demo_with_and_without(dir: &Path, flag: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let demo = scenario("demo");
    let (policy, capture) = (demo.join("policy.toml"), demo.join("capture.pcap"));
    let with = dir.join("with.db");
    ok(replay(&with, Some(&policy), &[&capture]));
    let without = dir.join("without.db");
    let args = [std::ffi::OsStr::new("replay"), flag.as_ref(), "--policy".as_ref()];
    let rest = [policy.as_os_str(), "--db".as_ref(), without.as_os_str(), capture.as_os_str()];
    ok(gapwatch(args.into_iter().chain(rest)));
    (with, without)
}

#[test]
fn the_benchmarks_detection_switch_observes_the_same_and_raises_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (with, without) = demo_with_and_without(tmp.path(), "--no-detection");
    assert!(!list(&with, "alerts").as_array().unwrap().is_empty());
    assert_eq!(list(&without, "alerts"), serde_json::json!([]));
    assert_eq!(list(&with, "devices"), list(&without, "devices"));
}

#[test]
fn the_benchmarks_fingerprint_switch_keeps_alerts_and_drops_clues() {
    let tmp = tempfile::tempdir().unwrap();
    let (with, without) = demo_with_and_without(tmp.path(), "--no-fingerprints");
    let kinds = |db: &std::path::Path| -> Vec<serde_json::Value> {
        let alerts = list(db, "alerts");
        alerts.as_array().unwrap().iter().map(|a| a["kind"].clone()).collect()
    };
    assert_eq!(kinds(&with), kinds(&without));
    let named = |db: &std::path::Path| {
        let devices = list(db, "devices");
        devices
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["hostnames"] != serde_json::json!([]))
            .count()
    };
    assert!(named(&with) > 10);
    assert_eq!(named(&without), 0);
}

#[test]
fn a_p0f_database_names_syns_beside_gapwatchs_own_table() {
    let tmp = tempfile::tempdir().unwrap();
    let fp = tmp.path().join("p0f.fp");
    // The generator's Windows SYN, in p0f 3's notation.
    std::fs::write(
        &fp,
        "[tcp:request]\nlabel = s:win:Windows:10 (generated)\n\
         sig = *:128:0:*:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0\n",
    )
    .unwrap();
    let db = tmp.path().join("gw.db");
    let dir = scenario("fingerprint-steady");
    let (capture, policy) = (dir.join("capture.pcap"), dir.join("policy.toml"));
    let args =
        [&["replay", "--p0f"][..], &[fp.to_str().unwrap(), "--db", db.to_str().unwrap()]].concat();
    ok(gapwatch(
        [&args[..], &["--policy", policy.to_str().unwrap(), capture.to_str().unwrap()]].concat(),
    ));
    let clues = list_with(&db, "device", &["a4:11:94:26:b8:24"]);
    let p0f: Vec<&str> = clues["clues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "tcp.p0f")
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert_eq!(p0f, ["Windows 10 (generated)"], "{clues}");

    // A broken database stops the run before anything is read, naming
    // the file and the line.
    std::fs::write(&fp, "[tcp:request]\nlabel = s:win:Windows:10\nsig = *:128:0\n").unwrap();
    let o = gapwatch([
        "replay",
        "--p0f",
        fp.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        capture.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("p0f.fp:3") && err.contains("8 fields") && !err.contains("panicked"),
        "{err}"
    );
}
