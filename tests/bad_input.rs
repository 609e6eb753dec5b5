//! Bad input of every kind the foundation issue names: a clear error naming
//! the file (and place), or the bad frame counted and skipped — never a
//! panic, never the loss of what was already recorded.

use std::path::{Path, PathBuf};

use gapwatch_captures::writer::{PcapOptions, PcapWriter};
use gapwatch_rules::Timestamp;
use serde_json::Value;

use crate::util::*;

/// An Ethernet/IPv4/UDP frame from `src_mac` (last octet) with a valid header.
fn udp_frame(mac_last: u8) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&[0x00, 0x1b, 0x21, 0x00, 0x00, 0x01]); // dst
    f.extend_from_slice(&[0x00, 0x1b, 0x21, 0x00, 0x00, mac_last]); // src
    f.extend_from_slice(&[0x08, 0x00]);
    let total: u16 = 20 + 8 + 4;
    f.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 1, 0, 0, 64, 17, 0, 0]);
    f.extend_from_slice(&[10, 20, 1, mac_last, 10, 20, 0, 1]);
    // To the discard port: a payload no parser reads.
    f.extend_from_slice(&[0xc3, 0x50, 0x00, 0x09, 0x00, 0x0c, 0x00, 0x00, 1, 2, 3, 4]);
    f
}

fn write_capture(path: &Path, opts: PcapOptions, frames: &[(Vec<u8>, u32)]) {
    let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
    for (i, (data, orig)) in frames.iter().enumerate() {
        w.write(Timestamp::from_secs(1_772_409_600 + i as i64), data, *orig).unwrap();
    }
    std::fs::write(path, w.into_inner()).unwrap();
}

fn stats(db: &Path) -> Value {
    list(db, "stats")
}

fn decode_errors(db: &Path) -> Vec<(String, u64)> {
    let by_reason: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(stats(db)["decode_errors"].clone()).unwrap();
    by_reason.into_iter().collect()
}

#[test]
fn not_a_capture_file() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "meeting notes, definitely not a capture file\n").unwrap();
    let err = fails_cleanly(&replay(&tmp.path().join("gw.db"), None, &[&notes]));
    assert!(err.contains("notes.txt") && err.contains("not a pcap or pcapng"), "{err}");
}

#[test]
fn truncated_file_records_everything_before_the_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cut.pcap");
    let frames: Vec<(Vec<u8>, u32)> = (1..=5).map(|i| (udp_frame(i), 46)).collect();
    write_capture(&path, PcapOptions::default(), &frames);
    let bytes = std::fs::read(&path).unwrap();
    // Each record is 16 + 46 bytes after the 24-byte header: cut the fifth.
    let fifth = 24 + 4 * 62;
    std::fs::write(&path, &bytes[..fifth + 20]).unwrap();
    let db = tmp.path().join("gw.db");
    let err = fails_cleanly(&replay(&db, None, &[&path]));
    assert!(err.contains("cut.pcap") && err.contains(&format!("byte offset {fifth}")), "{err}");
    assert_eq!(stats(&db)["packets"], 4, "the four whole records are recorded");
    assert_eq!(list(&db, "devices").as_array().unwrap().len(), 4);
}

#[test]
fn unsupported_link_type_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ppp.pcap");
    write_capture(
        &path,
        PcapOptions { linktype: 9, ..PcapOptions::default() },
        &[(udp_frame(2), 46)],
    );
    let err = fails_cleanly(&replay(&tmp.path().join("gw.db"), None, &[&path]));
    assert!(err.contains("ppp.pcap") && err.contains("link type 9 (PPP)"), "{err}");
}

#[test]
fn malformed_application_payloads_are_counted_and_skipped() {
    use gapwatch_captures::frames::{self, Ends, TcpHdr};
    use gapwatch_rules::MacAddr;
    use std::net::Ipv4Addr;

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad-payloads.pcap");
    let mac = |last| MacAddr([0x00, 0x1b, 0x21, 0x00, 0x00, last]);
    let ip = |last| Ipv4Addr::new(10, 20, 1, last);
    let e = Ends::new(mac(7), ip(7), mac(1), ip(1));
    // A DNS query whose name points at itself.
    let mut dns_loop = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    dns_loop.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    // A DHCP offer whose host-name option runs past the packet.
    let mut dhcp = vec![0u8; 240];
    dhcp[0] = 2;
    dhcp[236..240].copy_from_slice(&[99, 130, 83, 99]);
    dhcp.extend_from_slice(&[53, 1, 2, 12, 200, b'a']);
    // An HTTP request line that never ends.
    let hdr =
        TcpHdr { sport: 50000, dport: 80, seq: 1, ack: 1, flags: 0x18, window: 512, options: &[] };
    let frames_in = [
        frames::udp(&e, 40000, 53, &dns_loop),
        frames::udp(&e.reverse(), 67, 68, &dhcp),
        frames::tcp(&e, &hdr, b"GET /connecttest.txt HTTP/1.1 and no line end"),
        // The replay goes on: a good query is read after them.
        frames::dns_query(&e, 40001, 9, "www.msftconnecttest.com"),
    ];
    let frames: Vec<(Vec<u8>, u32)> = frames_in
        .into_iter()
        .map(|f| {
            let n = f.len() as u32;
            (f, n)
        })
        .collect();
    write_capture(&path, PcapOptions::default(), &frames);
    let db = tmp.path().join("gw.db");
    ok(replay(&db, None, &[&path]));
    let mut errors = decode_errors(&db);
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("dhcp_malformed".to_string(), 1),
            ("dns_malformed".to_string(), 1),
            ("http_malformed".to_string(), 1),
        ]
    );
    let alerts = list(&db, "alerts");
    let kinds: Vec<&str> =
        alerts.as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["route.connectivity_probe"], "the good query after them is read");
}

#[test]
fn malformed_frames_are_counted_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad-frames.pcap");
    let mut short = udp_frame(3);
    short[16..18].copy_from_slice(&1000u16.to_be_bytes()); // claims 1000 bytes, has 32
    let mut ihl = udp_frame(4);
    ihl[14] = 0x44; // IPv4 header length 16 bytes
    let mut jumbo = udp_frame(5);
    jumbo.resize(256 * 1024, 0);
    let frames = vec![
        (udp_frame(2), 46),
        (short, 46),
        (ihl, 46),
        (Vec::new(), 0),
        (jumbo, 256 * 1024),
        (udp_frame(6)[..13].to_vec(), 13),
    ];
    write_capture(&path, PcapOptions { snaplen: 262_144, ..PcapOptions::default() }, &frames);
    let db = tmp.path().join("gw.db");
    ok(replay(&db, None, &[&path]));
    let mut errors = decode_errors(&db);
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("empty_frame".to_string(), 1),
            ("ip_header_invalid".to_string(), 1),
            ("ip_length_exceeds_frame".to_string(), 1),
            ("link_truncated".to_string(), 1),
        ]
    );
    assert_eq!(stats(&db)["packets"], 6);
    // The link layer of the malformed frames is still read: their senders are devices.
    let macs: Vec<String> = list(&db, "devices")
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["mac"].as_str().unwrap().to_string())
        .collect();
    for last in [2, 3, 4, 5] {
        assert!(macs.contains(&format!("00:1b:21:00:00:{last:02x}")), "{macs:?}");
    }
}

#[test]
fn each_kind_of_policy_mistake_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let capture = scenario("unregistered-device").join("capture.pcap");
    let cases = [
        (
            "[site]\nlan = [\"10.20.0.0/16\"]\n[[asset]]\nmac = \"00:1b:21:aa:bb\"\nname = \"x\"\nrole = \"scanner\"\n",
            "4:7",
            "bad MAC",
        ),
        ("[site]\nlan = [\"10.20.0.0/33\"]\n", "2:8", "CIDR"),
        (
            "[site]\nlan = [\"10.20.0.0/16\"]\n[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"janitor\"\n",
            "6:8",
            "janitor",
        ),
        (
            "[site]\nlan = [\"10.20.0.0/16\"]\n[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"scanner\"\n[[asset]]\nmac = \"00:1B:21:AA:BB:01\"\nname = \"y\"\nrole = \"scanner\"\n",
            "8:7",
            "00:1b:21:aa:bb:01",
        ),
    ];
    for (i, (text, at, fragment)) in cases.iter().enumerate() {
        let policy = tmp.path().join(format!("policy{i}.toml"));
        std::fs::write(&policy, text).unwrap();
        let err = fails_cleanly(&replay(&tmp.path().join("gw.db"), Some(&policy), &[&capture]));
        assert!(err.contains(&format!("policy{i}.toml:{at}")), "case {i}: {err}");
        assert!(err.contains(fragment), "case {i}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
    assert!(!tmp.path().join("gw.db").exists(), "nothing is written under a bad policy");
}

#[test]
fn database_in_a_missing_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("no/such/dir/gw.db");
    let capture = scenario("unregistered-device").join("capture.pcap");
    let err = fails_cleanly(&replay(&db, None, &[&capture]));
    assert!(err.contains("does not exist") && err.contains("no/such/dir"), "{err}");
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

#[test]
fn database_in_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let capture = tmp.path().join("c.pcap");
    std::fs::copy(scenario("unregistered-device").join("capture.pcap"), &capture).unwrap();
    std::fs::set_permissions(&capture, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db = ro.join("gw.db");
    // Root writes anywhere: run as nobody, as the sensor does after dropping
    // privileges, from a copy of the binary that nobody can reach wherever
    // the checkout lives.
    let mut cmd = if is_root() {
        let bin = tmp.path().join("gapwatch");
        std::fs::copy(env!("CARGO_BIN_EXE_gapwatch"), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&bin);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_gapwatch"))
    };
    let o = cmd.args(["--lang", "en", "replay", "--db"]).arg(&db).arg(&capture).output().unwrap();
    let err = fails_cleanly(&o);
    assert!(err.contains("cannot create or write database") && err.contains("writable"), "{err}");
}

#[test]
fn database_locked_by_another_process() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    let capture = scenario("unregistered-device").join("capture.pcap");
    let other = scenario("offlan-destination").join("capture.pcap");
    ok(replay(&db, None, &[&capture]));
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let err = fails_cleanly(&replay(&db, None, &[&other]));
    assert!(err.contains("locked by another process"), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(list(&db, "stats")["runs"], 1, "the first run is intact");
    ok(replay(&db, None, &[&other]));
}

#[test]
fn listing_a_missing_database_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let db: PathBuf = tmp.path().join("none.db");
    let err = fails_cleanly(&gapwatch(["devices", "--db", db.to_str().unwrap()]));
    assert!(err.contains("gapwatch replay --db"), "{err}");
    assert!(!db.exists(), "listing never creates a database");
}
