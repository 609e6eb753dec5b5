//! Tests of the scenarios: determinism, size, parseability, and a
//! cross-check that each scenario stages exactly the incidents its expected
//! alerts describe (no stray address, no stray off-LAN flow).

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use gapwatch_rules::net::{is_link_local, is_local_scope, is_unicast_host};

use super::*;

#[test]
fn every_scenario_has_a_unique_name() {
    let all = all();
    let names: BTreeSet<_> = all.iter().map(|s| s.name).collect();
    assert_eq!(names.len(), 26);
    for want in [
        "demo",
        "unregistered-device",
        "offlan-destination",
        "offlan-reply",
        "ip-conflict",
        "ip-reassigned",
        "tunnel",
        "tunnel-lookalike",
        "ipv6-router-advertisement",
        "ipv6-neighbour-discovery",
        "router-present",
        "icmp-errors",
        "mac-flood",
        "morning-start",
        "benign-local-scope",
        "inventory",
        "arp-poisoning",
        "arp-normal",
        "rogue-dhcp",
        "internet-names",
        "local-names",
        "unexpected-service",
        "allowed-services",
        "fingerprint-changed",
        "fingerprint-steady",
        "announced-router",
    ] {
        assert!(names.contains(want), "{want}");
    }
}

#[test]
fn all_twice_gives_identical_bytes() {
    let (a, b) = (all(), all());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.pcap_bytes(), y.pcap_bytes(), "{}", x.name);
        assert_eq!(x.expected_json(), y.expected_json(), "{}", x.name);
        assert_eq!(x.readme(), y.readme(), "{}", x.name);
        assert_eq!(x.policy, y.policy, "{}", x.name);
    }
    assert_eq!(index_readme(&a), index_readme(&b));
}

#[test]
fn demo_stays_small_and_covers_the_day() {
    let demo = all().into_iter().find(|s| s.name == "demo").unwrap();
    let bytes = demo.pcap_bytes();
    assert!(bytes.len() <= 1_500_000, "demo capture is {} bytes", bytes.len());
    assert!((8_000..=12_500).contains(&demo.records.len()), "{} frames", demo.records.len());
    assert_eq!(demo.snaplen, 400);
    let first = demo.records.first().unwrap().ts;
    let last = demo.records.last().unwrap().ts;
    assert!(first >= site::local(8, 0, 0) && last < site::local(18, 0, 0), "{first} .. {last}");
    let long: Vec<&Record> = demo.records.iter().filter(|r| r.frame.len() > 400).collect();
    assert!(long.len() > 1000, "bulk copies are cut: {}", long.len());
    // Only bulk TCP is long: DHCP, DNS and the rest stay whole for the
    // parsers; the long segments keep their first 128 bytes.
    for r in long {
        let p = SlicedPacket::from_ethernet(&r.frame).unwrap();
        assert!(matches!(p.transport, Some(TransportSlice::Tcp(_))), "{}", r.ts);
        assert_eq!(demo.kept(r).len(), 128);
    }
}

#[test]
fn every_frame_parses_and_records_are_ordered() {
    for s in all() {
        let mut prev = Timestamp::MIN;
        for (i, r) in s.records.iter().enumerate() {
            if let Err(e) = SlicedPacket::from_ethernet(&r.frame) {
                panic!("{} frame {i} does not parse: {e:?}", s.name);
            }
            assert_eq!(r.orig_len as usize, r.frame.len());
            assert_eq!(r.ts.as_nanos() % 1000, 0, "{} frame {i}: microsecond time", s.name);
            assert!(r.ts >= prev, "{} frame {i} goes back in time", s.name);
            prev = r.ts;
        }
    }
}

#[test]
fn written_files_round_trip() {
    let dir = std::env::temp_dir().join(format!("gapwatch-captures-test-{}", std::process::id()));
    let written = write_all(&dir).unwrap();
    for s in &written {
        let d = dir.join(s.name);
        let pcap = std::fs::read(d.join("capture.pcap")).unwrap();
        assert_eq!(pcap, s.pcap_bytes());
        assert_eq!(&pcap[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(u32::from_le_bytes(pcap[16..20].try_into().unwrap()), s.snaplen);
        assert_eq!(d.join("policy.toml").exists(), s.policy.is_some());
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d.join("expected-alerts.json")).unwrap())
                .unwrap();
        let arr = json.as_array().unwrap();
        assert_eq!(arr.len(), s.expected.len());
        for a in arr {
            let keys: BTreeSet<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
            let want: BTreeSet<&str> =
                ["kind", "severity", "clause", "subject", "first_seen", "last_seen", "count"]
                    .into_iter()
                    .collect();
            assert_eq!(keys, want);
            assert!(a["first_seen"].as_str().unwrap() <= a["last_seen"].as_str().unwrap());
            assert!(a["first_seen"].as_str().unwrap().ends_with('Z'));
        }
    }
    assert!(dir.join("README.md").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_format_is_exact() {
    let mac = site::mac("a4:8c:db:5f:90:c7");
    let t = Timestamp::from_secs(1_772_411_400);
    let a = ExpectedAlert::unregistered(mac, t, t.plus_secs(1), 2);
    let b = ExpectedAlert::offlan_destination(mac, Ipv4Addr::new(10, 20, 1, 200), t, t, 1);
    let s = expected_json(&[b, a]);
    assert!(s.starts_with("[\n  {\n    \"kind\": \"device.unregistered\""), "{s}");
    assert!(s.contains("\"mac\": \"a4:8c:db:5f:90:c7\",\n      \"ip\": null"), "{s}");
    assert!(s.contains("\"first_seen\": \"2026-03-02T00:30:00.000000Z\""), "{s}");
    assert!(s.ends_with("]\n"));
}

/// The MACs of a policy's register, whatever notation they are written in.
fn registered(policy: &str) -> BTreeSet<MacAddr> {
    policy
        .lines()
        .filter_map(|l| l.strip_prefix("mac = \""))
        .map(|l| l.trim_end_matches('"').parse().unwrap())
        .collect()
}

fn in_lan(ip: IpAddr, inventory: bool) -> bool {
    if is_link_local(ip) {
        return true;
    }
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if inventory { v4.is_private() } else { o[0] == 10 && o[1] == 20 }
        }
        IpAddr::V6(v6) => inventory && (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// Per source MAC: time of its first frame, and each address it binds with
/// the time of the binding (ARP sender, or IP source inside the LAN).
fn bindings(s: &Scenario) -> BTreeMap<MacAddr, (Timestamp, BTreeMap<IpAddr, Timestamp>)> {
    let inventory = s.policy.is_none();
    let mut out: BTreeMap<MacAddr, (Timestamp, BTreeMap<IpAddr, Timestamp>)> = BTreeMap::new();
    for r in &s.records {
        let p = SlicedPacket::from_ethernet(&r.frame).unwrap();
        let Some(etherparse::LinkSlice::Ethernet2(eth)) = &p.link else { continue };
        let src = MacAddr(eth.source());
        if src.is_multicast() {
            continue;
        }
        let entry = out.entry(src).or_insert((r.ts, BTreeMap::new()));
        let bound = match &p.net {
            Some(NetSlice::Arp(a)) => {
                let ip: [u8; 4] = a.sender_protocol_addr().try_into().unwrap();
                (a.sender_hw_addr() == src.octets() && ip != [0; 4]).then_some(IpAddr::from(ip))
            }
            Some(NetSlice::Ipv4(ip)) => Some(IpAddr::from(ip.header().source_addr())),
            Some(NetSlice::Ipv6(ip)) => Some(IpAddr::from(ip.header().source_addr())),
            _ => None,
        };
        if let Some(ip) = bound {
            let arp = matches!(p.net, Some(NetSlice::Arp(_)));
            if arp || (is_unicast_host(ip) && in_lan(ip, inventory)) {
                entry.1.entry(ip).or_insert(r.ts);
            }
        }
    }
    out
}

#[test]
fn unregistered_devices_are_staged_exactly() {
    for s in all() {
        let Some(policy) = &s.policy else { continue };
        let reg = registered(policy);
        let want: BTreeMap<MacAddr, &ExpectedAlert> = s
            .expected
            .iter()
            .filter(|a| a.kind == "device.unregistered")
            .map(|a| (a.mac.unwrap(), a))
            .collect();
        for (mac, (first, addrs)) in bindings(&s) {
            if reg.contains(&mac) {
                assert!(!want.contains_key(&mac), "{}: {mac} is registered", s.name);
                continue;
            }
            let a = want
                .get(&mac)
                .unwrap_or_else(|| panic!("{}: unregistered {mac} sends frames", s.name));
            assert_eq!(a.first_seen, first, "{}: {mac} first frame", s.name);
            assert_eq!(a.count, 1 + addrs.len() as u64, "{}: {mac} binds {addrs:?}", s.name);
            let last = addrs.values().max().copied().unwrap_or(first);
            assert_eq!(a.last_seen, last, "{}: {mac} last binding", s.name);
        }
    }
}

/// Protocol, source port, destination, destination port.
type FiveTuple = (u8, u16, IpAddr, u16);

#[test]
fn offlan_flows_are_staged_exactly() {
    for s in all() {
        let inventory = s.policy.is_none();
        // Distinct (proto, src, sport, dst, dport) towards off-LAN unicast
        // addresses, per (source MAC, source IP): the staged flows never
        // reuse a 5-tuple, so each is one flow.
        let mut flows: BTreeMap<(MacAddr, IpAddr), BTreeMap<FiveTuple, Timestamp>> =
            BTreeMap::new();
        // Flows an off-LAN address began: the LAN side's packets in them
        // are answers, not flows of its own.
        let mut inbound: BTreeSet<(u8, IpAddr, u16, IpAddr, u16)> = BTreeSet::new();
        for r in &s.records {
            let p = SlicedPacket::from_ethernet(&r.frame).unwrap();
            let Some(etherparse::LinkSlice::Ethernet2(eth)) = &p.link else { continue };
            let (src, dst, proto) = match &p.net {
                Some(NetSlice::Ipv4(ip)) => {
                    let h = ip.header();
                    (
                        IpAddr::from(h.source_addr()),
                        IpAddr::from(h.destination_addr()),
                        h.protocol().0,
                    )
                }
                Some(NetSlice::Ipv6(ip)) => {
                    let h = ip.header();
                    (
                        IpAddr::from(h.source_addr()),
                        IpAddr::from(h.destination_addr()),
                        h.next_header().0,
                    )
                }
                _ => continue,
            };
            let (sp, dp) = match &p.transport {
                Some(TransportSlice::Tcp(t)) => (t.source_port(), t.destination_port()),
                Some(TransportSlice::Udp(u)) => (u.source_port(), u.destination_port()),
                _ => (0, 0),
            };
            let from_outside = !in_lan(src, inventory) && !is_local_scope(src);
            if from_outside && in_lan(dst, inventory) {
                // The first packet between the two: the outside began it.
                if !flows.values().any(|f| f.contains_key(&(proto, dp, src, sp))) {
                    inbound.insert((proto, src, sp, dst, dp));
                }
                continue;
            }
            // Sent to an off-LAN address, from whatever address (a rogue
            // router's own subnet is off the LAN too).
            if in_lan(dst, inventory) || is_local_scope(dst) {
                continue;
            }
            if inbound.contains(&(proto, dst, dp, src, sp)) {
                continue;
            }
            flows
                .entry((MacAddr(eth.source()), src))
                .or_default()
                .entry((proto, sp, dst, dp))
                .or_insert(r.ts);
        }
        let want: Vec<&ExpectedAlert> =
            s.expected.iter().filter(|a| a.kind == "route.offlan_destination").collect();
        assert_eq!(flows.len(), want.len(), "{}: initiators {:?}", s.name, flows.keys());
        for a in want {
            let f = flows
                .get(&(a.mac.unwrap(), a.ip.unwrap()))
                .unwrap_or_else(|| panic!("{}: {a:?} not staged", s.name));
            assert_eq!(a.count, f.len() as u64, "{}: {f:?}", s.name);
            assert_eq!(a.first_seen, *f.values().min().unwrap(), "{}", s.name);
            assert_eq!(a.last_seen, *f.values().max().unwrap(), "{}", s.name);
        }
    }
}

#[test]
fn policies_load_and_register_what_they_should() {
    for s in all() {
        let Some(text) = &s.policy else { continue };
        let policy = gapwatch_rules::Policy::parse(text, s.name)
            .unwrap_or_else(|e| panic!("{}: policy.toml does not load: {e:?}", s.name));
        assert!(policy.has_register(), "{}", s.name);
        for mac in registered(text) {
            assert!(policy.asset(mac).is_some(), "{}: {mac} not in the loaded register", s.name);
        }
        for a in s.expected.iter().filter(|a| a.kind == "device.unregistered") {
            assert!(policy.asset(a.mac.unwrap()).is_none(), "{}", s.name);
        }
        assert!(policy.is_lan(IpAddr::V4(Ipv4Addr::new(10, 20, 1, 1))));
        assert!(!policy.is_lan(IpAddr::V4(Ipv4Addr::new(114, 114, 114, 114))));
    }
}
