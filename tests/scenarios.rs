//! Every scenario under `captures/` replays to exactly its expected alerts;
//! the demo's inventory matches its asset register; replay is idempotent.

use std::path::Path;

use serde_json::{Value, json};

use crate::util::*;

/// The fields an expected-alerts file pins down, sorted.
fn projection(alerts: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = alerts
        .as_array()
        .expect("an array of alerts")
        .iter()
        .map(|a| {
            json!({
                "kind": a["kind"], "severity": a["severity"], "clause": a["clause"],
                "subject": a["subject"], "first_seen": a["first_seen"],
                "last_seen": a["last_seen"], "count": a["count"],
            })
        })
        .collect();
    out.sort_by_key(|a| {
        (
            a["kind"].to_string(),
            a["subject"]["mac"].to_string(),
            a["subject"]["ip"].to_string(),
            a["first_seen"].to_string(),
        )
    });
    out
}

fn replay_scenario(dir: &Path, db: &Path) {
    let policy = dir.join("policy.toml");
    let policy = policy.exists().then_some(policy);
    ok(replay(db, policy.as_deref(), &[&dir.join("capture.pcap")]));
}

#[test]
fn every_scenario_raises_exactly_its_expected_alerts() {
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("captures")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("capture.pcap").exists() {
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("gw.db");
        replay_scenario(&dir, &db);
        let got = list(&db, "alerts");
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("expected-alerts.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(projection(&got), projection(&expected), "scenario {}", dir.display());
        for a in got.as_array().unwrap() {
            let mac = a["subject"]["mac"].as_str().unwrap_or("");
            for lang in ["message_zh", "message_en"] {
                let text = a[lang].as_str().unwrap();
                assert!(text.contains(mac), "{lang} names the subject: {text}");
            }
            assert!(a["evidence"].is_object());
        }
        checked += 1;
    }
    assert!(checked >= 5, "the five scenarios exist (found {checked})");
}

#[test]
fn demo_inventory_matches_the_register() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let dir = scenario("demo");
    replay_scenario(&dir, &db);
    let policy = gapwatch_rules::Policy::load(&dir.join("policy.toml")).unwrap();
    let devices = list(&db, "devices");
    let devices = devices.as_array().unwrap();
    for asset in policy.assets() {
        let d = devices
            .iter()
            .find(|d| d["mac"] == asset.mac.to_string())
            .unwrap_or_else(|| panic!("registered {} ({}) was seen", asset.name, asset.mac));
        assert_eq!(d["registered"], true);
        assert_eq!(d["name"], asset.name.as_str());
        assert_eq!(d["role"], asset.role.as_str());
        if let Some(ip) = asset.ip {
            assert!(
                d["ipv4"].as_array().unwrap().contains(&json!(ip.to_string())),
                "{} uses {ip}",
                asset.name
            );
        }
        assert!(d["packets_sent"].as_u64().unwrap() > 0);
    }
    let strangers: Vec<&Value> = devices.iter().filter(|d| d["registered"] == false).collect();
    let unregistered_alerts: Vec<Value> = list(&db, "alerts")
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "device.unregistered")
        .map(|a| a["subject"]["mac"].clone())
        .collect();
    assert_eq!(strangers.len(), unregistered_alerts.len(), "one alert per unregistered device");
    for s in &strangers {
        assert!(unregistered_alerts.contains(&s["mac"]), "{} has its alert", s["mac"]);
    }
    assert!(
        devices.iter().filter(|d| !d["vendor"].is_null()).count() >= policy.assets().len() / 2,
        "vendors come from the OUI registry"
    );
}

#[test]
fn replaying_twice_duplicates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let dir = scenario("demo");
    replay_scenario(&dir, &db);
    let before = ["devices", "alerts", "stats"].map(|w| list(&db, w));
    let flows_before = list_with(&db, "flows", &["--limit", "0"]);
    let second = ok(replay(&db, Some(&dir.join("policy.toml")), &[&dir.join("capture.pcap")]));
    assert!(stderr(&second).contains("already recorded"), "{}", stderr(&second));
    let after = ["devices", "alerts", "stats"].map(|w| list(&db, w));
    assert_eq!(before, after);
    assert_eq!(flows_before, list_with(&db, "flows", &["--limit", "0"]));
}

#[test]
fn alerts_also_go_out_as_json_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let out = tmp.path().join("alerts.jsonl");
    let dir = scenario("demo");
    ok(gapwatch([
        "replay".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--policy".as_ref(),
        dir.join("policy.toml").as_os_str(),
        "--jsonl".as_ref(),
        out.as_os_str(),
        dir.join("capture.pcap").as_os_str(),
    ]));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut last_by_id = std::collections::BTreeMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("each line is one JSON object");
        for field in [
            "id",
            "kind",
            "severity",
            "clause",
            "subject",
            "first_seen",
            "last_seen",
            "count",
            "message_zh",
            "message_en",
            "evidence",
        ] {
            assert!(v.get(field).is_some(), "field {field} in {line}");
        }
        last_by_id.insert(v["id"].as_i64().unwrap(), v);
    }
    let stored = list(&db, "alerts");
    let stored = stored.as_array().unwrap();
    assert_eq!(last_by_id.len(), stored.len());
    for a in stored {
        assert_eq!(
            &last_by_id[&a["id"].as_i64().unwrap()],
            a,
            "the last line of an alert is its final state"
        );
    }
}

#[test]
fn chinese_is_the_default_language() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    replay_scenario(&scenario("offlan-destination"), &db);
    let zh = std::process::Command::new(env!("CARGO_BIN_EXE_gapwatch"))
        .env_remove("GAPWATCH_LANG")
        .args(["alerts", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    let zh = String::from_utf8(zh.stdout).unwrap();
    assert!(zh.contains("严重度") && zh.contains("网外"), "{zh}");
    let en =
        String::from_utf8(ok(gapwatch(["alerts", "--db", db.to_str().unwrap()])).stdout).unwrap();
    assert!(en.contains("severity") && en.contains("outside the LAN"), "{en}");
}

#[test]
fn csv_listings_have_a_header_and_a_row_per_item() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    replay_scenario(&scenario("unregistered-device"), &db);
    let o = ok(gapwatch(["devices", "--db", db.to_str().unwrap(), "--format", "csv"]));
    let text = String::from_utf8(o.stdout).unwrap();
    let mut lines = text.lines();
    assert!(
        lines.next().unwrap().starts_with("mac,vendor,registered,name,role,ipv4,ipv6,first_seen")
    );
    assert_eq!(lines.count(), list(&db, "devices").as_array().unwrap().len());
}

#[test]
fn committed_captures_are_what_the_generator_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let written = gapwatch_captures::scenario::write_all(tmp.path()).unwrap();
    assert!(written.len() >= 5);
    for s in &written {
        for file in ["capture.pcap", "expected-alerts.json", "README.md", "policy.toml"] {
            let fresh = tmp.path().join(s.name).join(file);
            let committed = repo().join("captures").join(s.name).join(file);
            assert_eq!(fresh.exists(), committed.exists(), "{}/{file}", s.name);
            if fresh.exists() {
                assert!(
                    std::fs::read(&fresh).unwrap() == std::fs::read(&committed).unwrap(),
                    "captures/{}/{file} differs from the generator's output: run \
                     `cargo run -p gapwatch-captures --bin capgen -- scenarios`",
                    s.name
                );
            }
        }
    }
}

#[test]
fn demo_devices_name_themselves_and_one_device_shows_every_clue() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    replay_scenario(&scenario("demo"), &db);
    let devices = list(&db, "devices");
    let hostnames = |mac: &str| -> Value {
        let d = devices.as_array().unwrap().iter().find(|d| d["mac"] == mac).unwrap();
        d["hostnames"].clone()
    };
    // DHCP and NetBIOS names, then the names answered for in mDNS; the
    // file server, static and silent in name services, names nothing.
    assert_eq!(hostnames("a4:8c:db:5f:90:c7"), json!(["LAPTOP-K3V9T2QD", "laptop-k3v9t2qd.local"]));
    assert_eq!(hostnames("30:05:5c:8a:41:2f"), json!(["BRN30055C8A412F", "BRN30055C8A412F.local"]));
    assert_eq!(hostnames("7e:c4:2a:5d:91:03"), json!(["iPhone", "iPhone.local"]));
    assert_eq!(hostnames("00:80:17:6b:0e:11"), json!(["scan-01.local"]));
    assert_eq!(hostnames("0c:c4:7a:5e:21:0a"), json!([]));

    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let db_arg = db.to_str().unwrap();
    let one = ok(gapwatch(["device", "A4-8C-DB-5F-90-C7", "--db", db_arg, "--format", "json"]));
    let one: Value = serde_json::from_str(&text(&one)).unwrap();
    assert_eq!(one["mac"], "a4:8c:db:5f:90:c7");
    let clues: Vec<(String, String)> = one["clues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap().to_owned(), c["value"].as_str().unwrap().to_owned()))
        .collect();
    assert!(clues.contains(&("dhcp.vendor_class".into(), "MSFT 5.0".into())), "{clues:?}");
    assert!(clues.iter().any(|(k, v)| k == "dhcp.prl" && v.starts_with("1,3,6,15")), "{clues:?}");

    // Their SYNs tell the stacks: Windows workstations, embedded scanners,
    // the phone's Apple stack.
    let stack = |mac: &str| -> Vec<String> {
        let one = ok(gapwatch(["device", mac, "--db", db_arg, "--format", "json"]));
        let one: Value = serde_json::from_str(&text(&one)).unwrap();
        one["clues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "tcp.stack")
            .map(|c| c["value"].as_str().unwrap().to_owned())
            .collect()
    };
    // What each is, from all of it (rules/data/classify.tsv).
    let kind = |mac: &str| -> (Value, Value) {
        let d = devices.as_array().unwrap().iter().find(|d| d["mac"] == mac).unwrap();
        (d["os"].clone(), d["class"].clone())
    };
    assert_eq!(kind("a4:8c:db:5f:90:c7"), (json!("Windows"), json!("workstation")));
    assert_eq!(kind("7e:c4:2a:5d:91:03"), (json!("iOS"), json!("phone")));
    assert_eq!(kind("30:05:5c:8a:41:2f"), (Value::Null, json!("printer")));
    assert_eq!(kind("00:80:17:6b:0e:11"), (Value::Null, json!("scanner")));
    assert_eq!(stack("a4:8c:db:5f:90:c7"), ["Windows"]);
    assert_eq!(stack("00:80:17:6b:0e:11"), ["Embedded"]);
    assert_eq!(stack("7e:c4:2a:5d:91:03"), ["macOS"]);

    let missing = gapwatch(["device", "02:00:00:00:00:99", "--db", db_arg, "--lang", "en"]);
    let err = fails_cleanly(&missing);
    assert!(
        err.contains("no device 02:00:00:00:00:99") && err.contains("gapwatch devices"),
        "{err}"
    );
    let bad = gapwatch(["device", "not-a-mac", "--db", db_arg, "--lang", "en"]);
    assert!(fails_cleanly(&bad).contains("is not a MAC address"));
}
