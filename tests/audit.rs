//! The auditor's commands over the action log: `gapwatch audit log` lists
//! what the officers did, `gapwatch audit verify` proves nothing was
//! changed, inserted or removed since.

use gapwatch_sensor::record::{self, audit};

use crate::util::*;

#[test]
fn the_auditor_lists_and_verifies_the_action_log() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let demo = scenario("demo");
    ok(replay(&db, Some(&demo.join("policy.toml")), &[&demo.join("capture.pcap")]));
    let mut conn = record::open_read_write(&db).unwrap();
    for id in [1, 2] {
        audit::acknowledge(
            &mut conn,
            id,
            "王芳",
            &format!("核实 #{id}"),
            1_772_445_600_000_000_000,
        )
        .unwrap();
    }

    let o = ok(gapwatch(["audit", "log", "--db", db.to_str().unwrap(), "--format", "json"]));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the log is JSON");
    let rows = log.as_array().expect("an array of actions");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["actor"], "王芳");
    assert_eq!(rows[0]["role"], "officer");
    assert_eq!(rows[1]["note"], "核实 #2");
    assert_eq!(rows[0]["at"], "2026-03-02T10:00:00.000000Z");
    assert_eq!(rows[1]["prev_hash"], rows[0]["hash"]);

    let intact = ok(gapwatch(["audit", "verify", "--db", db.to_str().unwrap()]));
    let text = String::from_utf8_lossy(&intact.stdout);
    assert!(text.contains("intact: 2 actions"), "{text}");

    // Someone edits the first note behind the log's back.
    conn.execute("UPDATE actions SET note = '已删除' WHERE id = 1", []).unwrap();
    let broken = gapwatch(["audit", "verify", "--db", db.to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(1), "a broken chain is a finding");
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(text.contains("broken at row 1"), "{text}");
}
