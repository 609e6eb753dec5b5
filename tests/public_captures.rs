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

/// The alert kinds a public capture raises in inventory mode.
fn kinds_raised(dir: &std::path::Path, file: &str) -> std::collections::BTreeSet<String> {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("gw.db");
    ok(replay(&db, None, &[&dir.join(file)]));
    let alerts = list(&db, "alerts");
    alerts.as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn real_tunnels_router_messages_and_dhcp_servers_are_found() {
    let Some(dir) = public_dir() else {
        return;
    };
    let expect = [
        ("ndpi__4in4tunnel.pcap", "route.tunnel"),
        ("ndpi__6in4tunnel.pcap", "route.tunnel"),
        ("ndpi__gre.pcapng", "route.tunnel"),
        ("ndpi__ipsec_isakmp_esp.pcap", "route.tunnel"),
        ("ndpi__openvpn.pcap", "route.tunnel"),
        ("ndpi__pptp.pcap", "route.tunnel"),
        ("ndpi__teredo.pcap", "route.tunnel"),
        ("ndpi__wireguard.pcap", "route.tunnel"),
        ("suricata-verify__ikev1-isakmp-main-mode.pcap", "route.tunnel"),
        ("tcpdump__espudp1.pcap", "route.tunnel"),
        ("tcpdump__ikev2four.pcap", "route.tunnel"),
        ("tcpdump__l2tp-avp-overflow.pcap", "route.tunnel"),
        ("tcpdump__various_gre.pcap", "route.tunnel"),
        ("zeek__gre-pptp.pcap", "route.tunnel"),
        ("tcpdump__icmpv6-ra-pref64.pcap", "route.ipv6_router_advertisement"),
        ("zeek__icmp6-router-advert.pcap", "route.ipv6_router_advertisement"),
        // Home routers and a lab server handing out a gateway.
        ("ndpi__android.pcap", "route.rogue_dhcp"),
        ("zeek__dhcp.pcap", "route.rogue_dhcp"),
        ("tcpdump__dhcp-rfc3004.pcap", "route.rogue_dhcp"),
        ("chrissanders-packets__dhcp_nolease_initialization.pcapng", "route.rogue_dhcp"),
        // A phone on home Wi-Fi: its connectivity checks, its names, its router.
        ("ndpi__android.pcap", "route.connectivity_probe"),
        ("ndpi__android.pcap", "route.external_dns"),
        ("ndpi__android.pcap", "route.router_present"),
        // A Cisco 1601 router, and a layer-3 switch, announcing routing in CDP.
        ("zeek__cdp-v1.pcap", "route.router_present"),
        ("tcpdump__various_gre.pcap", "route.router_present"),
    ];
    for (file, kind) in expect {
        let raised = kinds_raised(&dir, file);
        assert!(raised.contains(kind), "{file}: {kind} expected, raised {raised:?}");
    }
}

#[test]
fn local_only_captures_raise_no_route_alert() {
    let Some(dir) = public_dir() else {
        return;
    };
    // Name services, discovery, file sharing and link-layer chatter that
    // never leave the segment.
    for file in [
        "ndpi__netbios.pcap",
        "zeek__mdns.pcap",
        "suricata-verify__llmnr-udp_input.pcap",
        "ndpi__ssdp-m-search-ua.pcap",
        "ndpi__smb_deletefile.pcap",
        "zeek__smb2readwrite.pcap",
        "zeek__arp-who-has.pcap",
        "tcpdump__LLDP_and_CDP.pcap",
        "ndpi__rsync.pcap",
        "ndpi__ubntac2.pcap",
    ] {
        let raised = kinds_raised(&dir, file);
        let route: Vec<_> = raised.iter().filter(|k| k.starts_with("route.")).collect();
        assert!(route.is_empty(), "{file}: {route:?}");
    }
}

#[test]
fn real_devices_name_themselves() {
    let Some(dir) = public_dir() else {
        return;
    };
    // Names that tshark shows in each capture (scripts/compare-names).
    for (file, name) in [
        ("ndpi__netbios.pcap", "GUNNAR"),
        ("zeek__dhcp.pcap", "btest.is.cool"),
        ("suricata-verify__llmnr-udp_input.pcap", "HS2011"),
        ("zeek__mdns.pcap", "johanna-QEMU-Virtual-Machine.local"),
        ("tcpdump__LLDP_and_CDP.pcap", "S2"),
        ("zeek__cdp-v1.pcap", "R1"),
        // A wireless client's DHCP request inside an access point's tunnel.
        ("ndpi__capwap.pcap", "kawai-iPad3"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("gw.db");
        ok(replay(&db, None, &[&dir.join(file)]));
        let names: Vec<String> = list(&db, "devices")
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["hostnames"].as_array().cloned().unwrap_or_default())
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect();
        assert!(names.iter().any(|n| n == name), "{file}: {name} not in {names:?}");
    }
}

#[test]
fn network_gear_says_what_it_is_in_lldp_and_cdp() {
    let Some(dir) = public_dir() else {
        return;
    };
    for (file, mac, class) in [
        ("tcpdump__LLDP_and_CDP.pcap", "00:18:ba:98:68:8f", "switch"),
        ("tcpdump__LLDP_and_CDP.pcap", "00:19:2f:a7:b2:8d", "switch"),
        ("zeek__cdp-v1.pcap", "00:e0:1e:d5:d5:15", "router"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("gw.db");
        ok(replay(&db, None, &[&dir.join(file)]));
        let devices = list(&db, "devices");
        let device = devices.as_array().unwrap().iter().find(|d| d["mac"] == mac);
        let device = device.unwrap_or_else(|| panic!("{file}: {mac} not listed"));
        assert_eq!(device["class"], class, "{file}: {device}");
    }
}
