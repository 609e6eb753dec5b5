//! Real captures from public projects (`../shared/captures/public`, when
//! that folder exists): each replays without a panic; well-formed ones
//! yield exactly the packet count of the MANIFEST, malformed ones either
//! replay with counted errors or fail with a message naming the file.

use std::path::PathBuf;

use crate::util::*;

fn public_dir() -> Option<PathBuf> {
    let dir = repo().join("../shared/captures/public");
    dir.join("MANIFEST.tsv").exists().then_some(dir)
}

#[test]
fn every_public_capture_replays_without_panic() {
    let Some(dir) = public_dir() else {
        eprintln!("skipped: ../shared/captures/public is not here");
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut replayed = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, packets, what) = (cols[0], cols[6], cols[8]);
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("gw.db");
        let o = replay(&db, None, &[&dir.join(file)]);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{file}: {err}");
        match o.status.code() {
            Some(0) => {
                let stats = list(&db, "stats");
                assert_eq!(
                    stats["packets"].to_string(),
                    packets,
                    "{file}: packet count as in the MANIFEST"
                );
            }
            Some(2) => {
                assert!(what.contains("robustness"), "{file} is well-formed but failed: {err}");
                assert!(err.contains(file), "{file}: the error names the file: {err}");
            }
            other => panic!("{file}: exit {other:?}: {err}"),
        }
        replayed += 1;
    }
    assert!(replayed >= 50, "the MANIFEST lists the captures ({replayed})");
}

#[test]
fn an_internet_connected_capture_shows_offlan_traffic() {
    let Some(dir) = public_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    ok(replay(&db, None, &[&dir.join("ndpi__android.pcap")]));
    let alerts = list(&db, "alerts");
    let phone = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "route.offlan_destination" && a["subject"]["ip"] == "192.168.2.16")
        .expect("the phone on a home Wi-Fi reaches the internet");
    let destinations = phone["evidence"]["destinations"].as_array().unwrap();
    assert!(destinations.iter().any(|d| d == "216.239.35.8:123/udp"), "{destinations:?}");
}
