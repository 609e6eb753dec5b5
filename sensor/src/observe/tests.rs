//! Tests of the [`Observer`]: frames built with etherparse, decoded and
//! observed, and the facts drained after each one checked exactly.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::PacketBuilder;
use gapwatch_rules::fact::{
    BindingSource, CONFLICT_WINDOW_SECS, Endpoint, FlowEnd, FlowStart, FlowSummary, HourlyVolume,
};
use gapwatch_rules::{Fact, MacAddr, Policy, Timestamp};

use super::*;
use crate::capture::{Frame, LinkType};
use crate::decode::decode;

/// 2026-01-01T00:00:00Z, the start of an hour.
const BASE: i64 = 1_767_225_600;

#[derive(Clone, Copy)]
struct Host {
    mac: MacAddr,
    ip: IpAddr,
}

const fn host(last: u8, ip: [u8; 4]) -> Host {
    Host {
        mac: MacAddr([0x00, 0x1b, 0x21, 0x00, 0x00, last]),
        ip: IpAddr::V4(Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3])),
    }
}

const A: Host = host(0x0a, [10, 20, 0, 10]);
const B: Host = host(0x0b, [10, 20, 0, 11]);
const C: Host = host(0x0c, [10, 20, 0, 12]);
const D: Host = host(0x0d, [10, 20, 0, 13]);
/// The router: its MAC sends what arrives from the Internet.
const ROUTER_MAC: MacAddr = MacAddr([0x00, 0x1b, 0x21, 0x00, 0x00, 0x01]);
const BROADCAST: [u8; 6] = [0xff; 6];

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_secs(BASE + secs)
}

fn site_policy() -> Policy {
    Policy::parse("[site]\nlan = [\"10.20.0.0/16\"]\n", "policy.toml").unwrap()
}

/// An observer and the frames fed to it.
struct Lan {
    obs: Observer,
}

impl Lan {
    fn new() -> Lan {
        Lan { obs: Observer::new(site_policy()) }
    }

    fn with(policy: Policy) -> Lan {
        Lan { obs: Observer::new(policy) }
    }

    /// Decodes and observes one Ethernet frame at `BASE + secs`; returns the
    /// facts it produced, but the new-device rate (its own test reads it
    /// through [`Lan::see_all`]).
    fn see(&mut self, bytes: &[u8], secs: i64) -> Vec<Fact> {
        let facts = self.see_all(bytes, secs);
        facts.into_iter().filter(|f| !matches!(f, Fact::NewDeviceRate { .. })).collect()
    }

    /// Like [`Lan::see`], every fact.
    fn see_all(&mut self, bytes: &[u8], secs: i64) -> Vec<Fact> {
        let frame = Frame {
            ts: ts(secs),
            link: LinkType::ETHERNET,
            data: bytes,
            orig_len: bytes.len() as u32,
        };
        let d = decode(&frame);
        assert_eq!(d.error, None, "test frame must decode cleanly");
        self.obs.observe(&d, frame.ts, frame.wire_len());
        self.obs.facts().collect()
    }

    fn finish(&mut self) -> Vec<Fact> {
        self.obs.finish();
        self.obs.facts().collect()
    }

    fn device(&self, mac: MacAddr) -> &Device {
        self.obs.devices().get(mac).expect("device")
    }
}

// ---------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------

/// UDP from `src_ip:sport` (sent by `src_mac`) to `dst_ip:dport` (at `dst_mac`).
fn udp_frame(
    src_mac: MacAddr,
    dst_mac: [u8; 6],
    (src_ip, sport): (IpAddr, u16),
    (dst_ip, dport): (IpAddr, u16),
    payload_len: usize,
) -> Vec<u8> {
    let mut out = Vec::new();
    let payload = vec![0x5a; payload_len];
    let eth = PacketBuilder::ethernet2(src_mac.0, dst_mac);
    match (src_ip, dst_ip) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            eth.ipv4(s.octets(), d.octets(), 64).udp(sport, dport).write(&mut out, &payload)
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            eth.ipv6(s.octets(), d.octets(), 64).udp(sport, dport).write(&mut out, &payload)
        }
        _ => unreachable!(),
    }
    .unwrap();
    out
}

/// UDP between two hosts of the LAN.
fn udp(src: Host, sport: u16, dst: Host, dport: u16, payload_len: usize) -> Vec<u8> {
    udp_frame(src.mac, dst.mac.0, (src.ip, sport), (dst.ip, dport), payload_len)
}

/// IPv4 TCP between two hosts of the LAN with the given flag byte, no payload
/// (54 bytes on the wire).
fn tcp(src: Host, sport: u16, dst: Host, dport: u16, flags: u8) -> Vec<u8> {
    let (IpAddr::V4(s), IpAddr::V4(d)) = (src.ip, dst.ip) else { unreachable!() };
    let mut out = Vec::new();
    PacketBuilder::ethernet2(src.mac.0, dst.mac.0)
        .ipv4(s.octets(), d.octets(), 64)
        .tcp(sport, dport, 1, 64240)
        .write(&mut out, &[])
        .unwrap();
    out[14 + 20 + 13] = flags;
    out
}

const TCP_LEN: u64 = 54;
const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const ACK: u8 = 0x10;

/// ARP with `sha`/`spa` in the body, sent by `eth_src`.
fn arp(op: u16, eth_src: MacAddr, sha: MacAddr, spa: [u8; 4], tpa: [u8; 4]) -> Vec<u8> {
    let mut out = BROADCAST.to_vec();
    out.extend_from_slice(&eth_src.0);
    out.extend_from_slice(&[0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4]);
    out.extend_from_slice(&op.to_be_bytes());
    out.extend_from_slice(&sha.0);
    out.extend_from_slice(&spa);
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&tpa);
    out.resize(60, 0);
    out
}

/// A frame with no network layer gapwatch reads (LLDP to its multicast).
fn lldp(src: MacAddr) -> Vec<u8> {
    let mut out = vec![0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e];
    out.extend_from_slice(&src.0);
    out.extend_from_slice(&[0x88, 0xcc]);
    out.resize(60, 0);
    out
}

fn ep(h: Host, port: u16) -> Endpoint {
    Endpoint { mac: Some(h.mac), ip: h.ip, port }
}

fn start(proto: u8, initiator: Endpoint, responder: Endpoint, secs: i64) -> FlowStart {
    FlowStart { proto, initiator, responder, ts: ts(secs) }
}

/// Only the flow-table facts (flows and pair volumes).
fn flow_facts(facts: Vec<Fact>) -> Vec<Fact> {
    facts
        .into_iter()
        .filter(|f| matches!(f, Fact::NewFlow(_) | Fact::FlowEnded(_) | Fact::HourlyVolume(_)))
        .collect()
}

fn new_device(mac: MacAddr, vendor: Option<&'static str>, secs: i64) -> Fact {
    Fact::NewDevice { mac, vendor, ts: ts(secs) }
}

fn bound(mac: MacAddr, ip: IpAddr, source: BindingSource, secs: i64) -> Fact {
    Fact::AddressBound { mac, ip, source, ts: ts(secs) }
}

const INTEL: Option<&str> = Some("Intel Corporate");

// ---------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------

#[test]
fn first_frame_from_a_mac_is_a_new_device_with_its_vendor() {
    let mut lan = Lan::new();
    assert_eq!(lan.see(&lldp(A.mac), 0), vec![new_device(A.mac, INTEL, 0)]);
    assert_eq!(lan.device(A.mac).vendor, INTEL);
}

#[test]
fn locally_administered_mac_has_no_vendor() {
    let mut lan = Lan::new();
    let local = MacAddr([0x02, 0x42, 0xac, 0x11, 0x00, 0x02]);
    assert_eq!(lan.see(&lldp(local), 0), vec![new_device(local, None, 0)]);
}

#[test]
fn second_frame_is_no_new_fact_and_counts_sent() {
    let mut lan = Lan::new();
    let frame = lldp(A.mac);
    assert_eq!(lan.see(&frame, 0).len(), 1);
    assert_eq!(lan.see(&frame, 5), vec![]);
    let a = lan.device(A.mac);
    assert_eq!((a.packets_sent, a.bytes_sent), (2, 2 * frame.len() as u64));
    assert_eq!((a.first_seen, a.last_seen), (ts(0), ts(5)));
    assert_eq!(lan.obs.devices().len(), 1);
}

#[test]
fn unicast_to_known_device_counts_received() {
    let mut lan = Lan::new();
    let to_b = udp(A, 1000, B, 2000, 10);
    lan.see(&to_b, 0); // B not yet known: nothing to count
    assert!(lan.obs.devices().get(B.mac).is_none());
    lan.see(&lldp(B.mac), 1);
    lan.see(&to_b, 2);
    let b = lan.device(B.mac);
    assert_eq!((b.packets_received, b.bytes_received), (1, to_b.len() as u64));
    assert_eq!(b.last_seen, ts(2), "receiving is being seen");
    let a = lan.device(A.mac);
    assert_eq!((a.packets_sent, a.packets_received), (2, 0));
}

#[test]
fn broadcast_and_multicast_destinations_are_not_received() {
    let mut lan = Lan::new();
    lan.see(&lldp(A.mac), 0);
    lan.see(&lldp(B.mac), 0);
    lan.see(&arp(1, A.mac, A.mac, [10, 20, 0, 10], [10, 20, 0, 11]), 1);
    lan.see(&lldp(A.mac), 2);
    for d in lan.obs.devices().iter() {
        assert_eq!((d.packets_received, d.bytes_received), (0, 0), "{}", d.mac);
    }
}

#[test]
fn zero_source_is_not_a_device() {
    let mut lan = Lan::new();
    assert_eq!(lan.see(&lldp(MacAddr([0; 6])), 0), vec![]);
    assert!(lan.obs.devices().is_empty());
}

#[test]
fn group_source_is_a_device_without_vendor() {
    let mut lan = Lan::new();
    let group = MacAddr([0x01, 0x00, 0x5e, 0, 0, 1]);
    assert_eq!(lan.see(&lldp(group), 0), vec![new_device(group, None, 0)]);
}

// ---------------------------------------------------------------------------
// Address binding
// ---------------------------------------------------------------------------

#[test]
fn arp_from_its_own_mac_binds_sender_ip() {
    let mut lan = Lan::new();
    let facts = lan.see(&arp(1, A.mac, A.mac, [10, 20, 0, 10], [10, 20, 0, 1]), 0);
    assert_eq!(facts, vec![new_device(A.mac, INTEL, 0), bound(A.mac, A.ip, BindingSource::Arp, 0)]);
    let a = lan.device(A.mac);
    assert_eq!(a.addresses.len(), 1);
    assert_eq!(a.addresses[0].source, BindingSource::Arp);
}

#[test]
fn a_second_mac_on_a_fresh_address_is_a_conflict_and_a_late_one_is_not() {
    let conflicts = |facts: Vec<Fact>| -> Vec<Fact> {
        facts.into_iter().filter(|f| matches!(f, Fact::AddressConflict { .. })).collect()
    };
    let mut lan = Lan::new();
    assert_eq!(conflicts(lan.see(&arp(1, A.mac, A.mac, [10, 20, 0, 10], [10, 20, 0, 1]), 0)), []);
    // A re-announces its own address: not a conflict.
    assert_eq!(conflicts(lan.see(&arp(2, A.mac, A.mac, [10, 20, 0, 10], [10, 20, 0, 1]), 5)), []);
    // B claims A's address a minute after A last used it.
    assert_eq!(
        conflicts(lan.see(&arp(2, B.mac, B.mac, [10, 20, 0, 10], [10, 20, 0, 1]), 65)),
        vec![Fact::AddressConflict {
            ip: A.ip,
            owner: A.mac,
            claimant: B.mac,
            source: BindingSource::Arp,
            ts: ts(65),
        }]
    );
    // C takes the address long after B went quiet: it changed hands.
    let later = 65 + CONFLICT_WINDOW_SECS + 1;
    assert_eq!(
        conflicts(lan.see(&arp(2, C.mac, C.mac, [10, 20, 0, 10], [10, 20, 0, 1]), later)),
        []
    );
    // An ARP probe (sender 0.0.0.0) claims nothing.
    assert_eq!(conflicts(lan.see(&arp(1, D.mac, D.mac, [0, 0, 0, 0], [10, 20, 0, 10]), later)), []);
}

#[test]
fn every_new_device_states_how_many_came_in_the_last_minute() {
    let mut lan = Lan::new();
    let rate = |facts: Vec<Fact>| -> Vec<u32> {
        facts
            .into_iter()
            .filter_map(|f| match f {
                Fact::NewDeviceRate { in_last_minute, .. } => Some(in_last_minute),
                _ => None,
            })
            .collect()
    };
    let frame =
        |last: u8| udp_frame(MacAddr([2, 0, 0, 0, 0, last]), BROADCAST, (A.ip, 9), (B.ip, 9), 4);
    assert_eq!(rate(lan.see_all(&frame(1), 0)), [1]);
    assert_eq!(rate(lan.see_all(&frame(2), 20)), [2]);
    assert_eq!(rate(lan.see_all(&frame(1), 30)), Vec::<u32>::new(), "known device");
    assert_eq!(rate(lan.see_all(&frame(3), 59)), [3]);
    // A minute after the first, it no longer counts.
    assert_eq!(rate(lan.see_all(&frame(4), 60)), [3]);
    assert_eq!(rate(lan.see_all(&frame(5), 200)), [1]);
}

#[test]
fn arp_reply_binds_sender_ip() {
    let mut lan = Lan::new();
    let facts = lan.see(&arp(2, B.mac, B.mac, [10, 20, 0, 11], [10, 20, 0, 10]), 0);
    assert_eq!(facts[1], bound(B.mac, B.ip, BindingSource::Arp, 0));
}

#[test]
fn arp_probe_does_not_bind() {
    let mut lan = Lan::new();
    let facts = lan.see(&arp(1, A.mac, A.mac, [0, 0, 0, 0], [10, 20, 0, 10]), 0);
    assert_eq!(facts, vec![new_device(A.mac, INTEL, 0)]);
    assert!(lan.device(A.mac).addresses.is_empty());
}

#[test]
fn arp_with_sender_mac_other_than_link_source_does_not_bind() {
    let mut lan = Lan::new();
    let facts = lan.see(&arp(2, A.mac, B.mac, [10, 20, 0, 11], [10, 20, 0, 10]), 0);
    assert_eq!(facts, vec![new_device(A.mac, INTEL, 0)]);
    assert!(lan.device(A.mac).addresses.is_empty());
    assert!(lan.obs.devices().get(B.mac).is_none());
}

#[test]
fn lan_ip_source_binds() {
    let mut lan = Lan::new();
    let facts = lan.see(&udp(A, 5000, B, 53, 20), 0);
    assert_eq!(
        facts,
        vec![
            new_device(A.mac, INTEL, 0),
            bound(A.mac, A.ip, BindingSource::IpSource, 0),
            Fact::NewFlow(start(17, ep(A, 5000), ep(B, 53), 0)),
        ]
    );
}

#[test]
fn off_lan_source_does_not_bind() {
    let mut lan = Lan::new();
    let google: IpAddr = Ipv4Addr::new(8, 8, 8, 8).into();
    let frame = udp_frame(ROUTER_MAC, A.mac.0, (google, 53), (A.ip, 5000), 40);
    let facts = lan.see(&frame, 0);
    assert_eq!(
        facts,
        vec![
            new_device(ROUTER_MAC, INTEL, 0),
            Fact::NewFlow(start(
                17,
                Endpoint { mac: Some(ROUTER_MAC), ip: google, port: 53 },
                ep(A, 5000),
                0
            )),
        ]
    );
    assert!(lan.device(ROUTER_MAC).addresses.is_empty());
}

#[test]
fn link_local_sources_bind() {
    let mut lan = Lan::new();
    let fe80: IpAddr = "fe80::21b:21ff:fe00:a".parse().unwrap();
    let all_nodes: IpAddr = "ff02::1".parse().unwrap();
    let frame = udp_frame(A.mac, [0x33, 0x33, 0, 0, 0, 1], (fe80, 546), (all_nodes, 547), 8);
    let facts = lan.see(&frame, 0);
    assert_eq!(facts[1], bound(A.mac, fe80, BindingSource::IpSource, 0));
    let apipa: IpAddr = Ipv4Addr::new(169, 254, 7, 8).into();
    let frame = udp_frame(B.mac, BROADCAST, (apipa, 137), (Ipv4Addr::BROADCAST.into(), 137), 8);
    let facts = lan.see(&frame, 1);
    assert_eq!(facts[1], bound(B.mac, apipa, BindingSource::IpSource, 1));
}

#[test]
fn unspecified_source_does_not_bind() {
    let mut lan = Lan::new();
    let discover = udp_frame(
        A.mac,
        BROADCAST,
        (Ipv4Addr::UNSPECIFIED.into(), 68),
        (Ipv4Addr::BROADCAST.into(), 67),
        300,
    );
    let facts = lan.see(&discover, 0);
    assert!(
        !facts.iter().any(|f| matches!(f, Fact::AddressBound { .. })),
        "DHCP discover bound an address: {facts:?}"
    );
    assert!(lan.device(A.mac).addresses.is_empty());
}

#[test]
fn same_address_twice_binds_once() {
    let mut lan = Lan::new();
    let facts = lan.see(&arp(1, A.mac, A.mac, [10, 20, 0, 10], [10, 20, 0, 1]), 0);
    assert_eq!(facts.len(), 2);
    lan.see(&udp(A, 5000, B, 53, 20), 3);
    let facts = lan.see(&udp(A, 5001, B, 53, 20), 4);
    assert!(!facts.iter().any(|f| matches!(f, Fact::AddressBound { .. })), "{facts:?}");
    let a = lan.device(A.mac);
    assert_eq!(a.addresses.len(), 1);
    let addr = a.addresses[0];
    assert_eq!((addr.ip, addr.source), (A.ip, BindingSource::Arp), "first source is kept");
    assert_eq!((addr.first_seen, addr.last_seen), (ts(0), ts(4)));
}

#[test]
fn inventory_policy_binds_private_and_link_local_only() {
    let mut lan = Lan::with(Policy::inventory());
    let cases: [(&str, bool); 5] = [
        ("192.168.1.5", true),
        ("10.99.0.1", true),
        ("fd00::5", true),
        ("8.8.8.8", false),
        ("2001:db8::5", false),
    ];
    for (i, (ip, binds)) in cases.into_iter().enumerate() {
        let ip: IpAddr = ip.parse().unwrap();
        let dst: IpAddr = if ip.is_ipv4() {
            Ipv4Addr::new(192, 168, 1, 1).into()
        } else {
            Ipv6Addr::LOCALHOST.into()
        };
        let mac = MacAddr([0x00, 0x1b, 0x21, 0x00, 0x01, i as u8]);
        let facts = lan.see(&udp_frame(mac, B.mac.0, (ip, 9), (dst, 9), 4), i as i64);
        let did_bind = facts.contains(&bound(mac, ip, BindingSource::IpSource, i as i64));
        assert_eq!(did_bind, binds, "{ip}");
    }
}

// ---------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------

#[test]
fn first_packet_is_a_new_flow_and_reply_joins_it() {
    let mut lan = Lan::new();
    let query = udp(A, 5000, B, 53, 30);
    let answer = udp(B, 53, A, 5000, 90);
    let facts = flow_facts(lan.see(&query, 0));
    assert_eq!(facts, vec![Fact::NewFlow(start(17, ep(A, 5000), ep(B, 53), 0))]);
    assert_eq!(flow_facts(lan.see(&answer, 0)), vec![]);
    assert_eq!(flow_facts(lan.see(&query, 1)), vec![]);
    assert_eq!(lan.obs.flows().len(), 1);
    let ended = flow_facts(lan.finish());
    let Fact::FlowEnded(s) = &ended[0] else { panic!("{ended:?}") };
    assert_eq!((s.orig_packets, s.orig_bytes), (2, 2 * query.len() as u64));
    assert_eq!((s.resp_packets, s.resp_bytes), (1, answer.len() as u64));
}

#[test]
fn the_first_answer_is_a_fact_and_later_ones_are_not() {
    let mut lan = Lan::new();
    let answered = |facts: Vec<Fact>| -> Vec<Fact> {
        facts.into_iter().filter(|f| matches!(f, Fact::FlowAnswered { .. })).collect()
    };
    assert_eq!(answered(lan.see(&tcp(A, 40000, B, 445, 0x02), 0)), vec![]);
    let flow = start(6, ep(A, 40000), ep(B, 445), 0);
    assert_eq!(
        answered(lan.see(&tcp(B, 445, A, 40000, 0x12), 1)),
        vec![Fact::FlowAnswered { flow, tcp_flags: 0x12, at: ts(1) }]
    );
    assert_eq!(answered(lan.see(&tcp(A, 40000, B, 445, 0x10), 2)), vec![]);
    assert_eq!(answered(lan.see(&tcp(B, 445, A, 40000, 0x18), 3)), vec![]);
    // A flow nobody answers never says so.
    assert_eq!(answered(lan.see(&udp(A, 5001, B, 53, 30), 4)), vec![]);
    assert_eq!(answered(lan.finish()), vec![]);
}

#[test]
fn tcp_fin_both_ways_closes_flow_and_bare_syn_starts_new_one() {
    let mut lan = Lan::new();
    let facts = flow_facts(lan.see(&tcp(A, 40000, B, 22, SYN), 0));
    assert_eq!(facts, vec![Fact::NewFlow(start(6, ep(A, 40000), ep(B, 22), 0))]);
    for (frame, secs) in [
        (tcp(B, 22, A, 40000, SYN | ACK), 0),
        (tcp(A, 40000, B, 22, ACK), 0),
        (tcp(A, 40000, B, 22, FIN | ACK), 1),
        (tcp(B, 22, A, 40000, FIN | ACK), 1),
        // The last ACK, within the linger time, joins the closed flow.
        (tcp(A, 40000, B, 22, ACK), 2),
    ] {
        assert_eq!(flow_facts(lan.see(&frame, secs)), vec![], "at {secs}");
    }
    let facts = flow_facts(lan.see(&tcp(A, 40000, B, 22, SYN), 5));
    assert_eq!(
        facts,
        vec![
            Fact::FlowEnded(FlowSummary {
                start: start(6, ep(A, 40000), ep(B, 22), 0),
                last_seen: ts(2),
                orig_packets: 4,
                orig_bytes: 4 * TCP_LEN,
                resp_packets: 2,
                resp_bytes: 2 * TCP_LEN,
                orig_tcp_flags: SYN | ACK | FIN,
                resp_tcp_flags: SYN | ACK | FIN,
                end: FlowEnd::Fin,
            }),
            Fact::NewFlow(start(6, ep(A, 40000), ep(B, 22), 5)),
        ]
    );
    assert_eq!(lan.obs.flows().len(), 1);
}

#[test]
fn bare_syn_on_an_open_flow_does_not_split_it() {
    let mut lan = Lan::new();
    lan.see(&tcp(A, 40000, B, 22, SYN), 0);
    assert_eq!(flow_facts(lan.see(&tcp(A, 40000, B, 22, SYN), 1)), vec![], "retransmitted SYN");
}

#[test]
fn rst_ends_a_flow() {
    let mut lan = Lan::new();
    lan.see(&tcp(A, 40000, B, 23, SYN), 0);
    lan.see(&tcp(B, 23, A, 40000, RST | ACK), 0);
    // Past the linger time, the sweep reports it.
    let facts = flow_facts(lan.see(&lldp(C.mac), 20));
    assert_eq!(
        facts,
        vec![Fact::FlowEnded(FlowSummary {
            start: start(6, ep(A, 40000), ep(B, 23), 0),
            last_seen: ts(0),
            orig_packets: 1,
            orig_bytes: TCP_LEN,
            resp_packets: 1,
            resp_bytes: TCP_LEN,
            orig_tcp_flags: SYN,
            resp_tcp_flags: RST | ACK,
            end: FlowEnd::Rst,
        })]
    );
    assert!(lan.obs.flows().is_empty());
}

#[test]
fn rst_flow_still_open_at_finish_ends_as_rst() {
    let mut lan = Lan::new();
    lan.see(&tcp(A, 40000, B, 23, SYN), 0);
    lan.see(&tcp(B, 23, A, 40000, RST | ACK), 0);
    let ended: Vec<FlowEnd> = flow_facts(lan.finish())
        .into_iter()
        .filter_map(|f| match f {
            Fact::FlowEnded(s) => Some(s.end),
            _ => None,
        })
        .collect();
    assert_eq!(ended, vec![FlowEnd::Rst]);
}

/// Sends `frame` at 0 and at `gap`; returns the flow facts of the second.
fn after_silence(frame: &[u8], gap: i64) -> Vec<Fact> {
    let mut lan = Lan::new();
    lan.see(frame, 0);
    flow_facts(lan.see(frame, gap))
}

fn idle_summary(start: FlowStart, bytes: u64, tcp_flags: u8) -> FlowSummary {
    FlowSummary {
        start,
        last_seen: start.ts,
        orig_packets: 1,
        orig_bytes: bytes,
        resp_packets: 0,
        resp_bytes: 0,
        orig_tcp_flags: tcp_flags,
        resp_tcp_flags: 0,
        end: FlowEnd::Idle,
    }
}

#[test]
fn udp_silent_61s_ends_idle_and_next_packet_starts_new_flow() {
    let frame = udp(A, 5000, B, 514, 100);
    let first = start(17, ep(A, 5000), ep(B, 514), 0);
    assert_eq!(
        after_silence(&frame, 61),
        vec![
            Fact::FlowEnded(idle_summary(first, frame.len() as u64, 0)),
            Fact::NewFlow(start(17, ep(A, 5000), ep(B, 514), 61)),
        ]
    );
}

#[test]
fn udp_silent_60s_is_the_same_flow() {
    assert_eq!(after_silence(&udp(A, 5000, B, 514, 100), 60), vec![]);
}

#[test]
fn tcp_silent_301s_ends_idle_and_next_packet_starts_new_flow() {
    let frame = tcp(A, 40000, B, 3306, ACK);
    let first = start(6, ep(A, 40000), ep(B, 3306), 0);
    assert_eq!(
        after_silence(&frame, 301),
        vec![
            Fact::FlowEnded(idle_summary(first, TCP_LEN, ACK)),
            Fact::NewFlow(start(6, ep(A, 40000), ep(B, 3306), 301)),
        ]
    );
}

#[test]
fn tcp_silent_300s_is_the_same_flow() {
    assert_eq!(after_silence(&tcp(A, 40000, B, 3306, ACK), 300), vec![]);
}

#[test]
fn finish_ends_live_flows_as_end_of_capture_in_start_order() {
    let mut lan = Lan::new();
    let u = udp(A, 5000, B, 53, 10);
    lan.see(&u, 0);
    lan.see(&tcp(C, 40000, B, 443, SYN), 1);
    let ended: Vec<FlowSummary> = lan
        .finish()
        .into_iter()
        .filter_map(|f| match f {
            Fact::FlowEnded(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(ended.len(), 2);
    assert_eq!(ended[0].start, start(17, ep(A, 5000), ep(B, 53), 0));
    assert_eq!(ended[1].start, start(6, ep(C, 40000), ep(B, 443), 1));
    assert!(ended.iter().all(|s| s.end == FlowEnd::EndOfCapture));
    assert_eq!((ended[0].orig_packets, ended[0].orig_bytes), (1, u.len() as u64));
    assert!(lan.obs.flows().is_empty());
}

#[test]
fn sweep_ends_idle_flow_without_a_packet_of_it() {
    let mut lan = Lan::new();
    let frame = udp(A, 5000, B, 514, 10);
    lan.see(&frame, 0);
    let facts = flow_facts(lan.see(&lldp(C.mac), 70));
    let first = start(17, ep(A, 5000), ep(B, 514), 0);
    assert_eq!(facts, vec![Fact::FlowEnded(idle_summary(first, frame.len() as u64, 0))]);
    assert!(lan.obs.flows().is_empty());
}

#[test]
fn sweep_runs_every_ten_seconds_of_packet_time() {
    let mut lan = Lan::new();
    lan.see(&udp(A, 5000, B, 514, 10), 0);
    let other = lldp(C.mac);
    assert_eq!(flow_facts(lan.see(&other, 55)), vec![], "swept at 55, flow 55 s idle");
    assert_eq!(flow_facts(lan.see(&other, 62)), vec![], "61 s idle, but next sweep due at 65");
    let facts = flow_facts(lan.see(&other, 65));
    assert!(matches!(&facts[..], [Fact::FlowEnded(s)] if s.end == FlowEnd::Idle), "{facts:?}");
}

fn volumes(facts: Vec<Fact>) -> Vec<HourlyVolume> {
    facts
        .into_iter()
        .filter_map(|f| match f {
            Fact::HourlyVolume(v) => Some(v),
            _ => None,
        })
        .collect()
}

/// The volume of one hour from `initiator` (any port) to a service.
fn volume(initiator: Host, responder: Endpoint, hour: i64, first: i64, last: i64) -> HourlyVolume {
    HourlyVolume {
        proto: 17,
        initiator: ep(initiator, 0),
        responder,
        hour: ts(hour),
        connections: 1,
        first_seen: ts(first),
        last_seen: ts(last),
        orig_packets: 0,
        orig_bytes: 0,
        resp_packets: 0,
        resp_bytes: 0,
        tcp_flags: 0,
    }
}

#[test]
fn hourly_volume_per_direction_and_service() {
    let mut lan = Lan::new();
    let ab = udp(A, 5000, B, 6000, 100);
    let ba = udp(B, 6000, A, 5000, 300);
    lan.see(&ab, 100);
    lan.see(&ab, 130);
    lan.see(&ba, 160);
    // A second connection from another client port to the same service
    // joins the same hourly record.
    let ab2 = udp(A, 5001, B, 6000, 10);
    lan.see(&ab2, 170);
    let cd = udp(C, 7000, D, 8000, 50);
    assert_eq!(
        volumes(lan.see(&cd, 3600 + 10)),
        vec![HourlyVolume {
            connections: 2,
            orig_packets: 3,
            orig_bytes: 2 * ab.len() as u64 + ab2.len() as u64,
            resp_packets: 1,
            resp_bytes: ba.len() as u64,
            ..volume(A, ep(B, 6000), 0, 100, 170)
        }]
    );
    assert_eq!(
        volumes(lan.finish()),
        vec![HourlyVolume {
            orig_packets: 1,
            orig_bytes: cd.len() as u64,
            ..volume(C, ep(D, 8000), 3600, 3610, 3610)
        }]
    );
}

#[test]
fn a_flow_across_an_hour_counts_in_each_hour_and_once_as_a_connection() {
    let mut lan = Lan::new();
    let ab = udp(A, 5000, B, 6000, 100);
    lan.see(&ab, 3590);
    let first_hour = volumes(lan.see(&ab, 3610));
    assert_eq!(
        first_hour,
        vec![HourlyVolume {
            orig_packets: 1,
            orig_bytes: ab.len() as u64,
            ..volume(A, ep(B, 6000), 0, 3590, 3590)
        }]
    );
    assert_eq!(
        volumes(lan.finish()),
        vec![HourlyVolume {
            connections: 0,
            orig_packets: 1,
            orig_bytes: ab.len() as u64,
            ..volume(A, ep(B, 6000), 3600, 3610, 3610)
        }]
    );
}

#[test]
fn volume_includes_flows_ended_within_the_hour() {
    let mut lan = Lan::new();
    let ab = udp(A, 5000, B, 6000, 100);
    lan.see(&ab, 0);
    lan.see(&lldp(C.mac), 100); // the sweep ends A→B (idle)
    let facts = flow_facts(lan.see(&lldp(C.mac), 3600));
    assert_eq!(
        facts,
        vec![Fact::HourlyVolume(HourlyVolume {
            orig_packets: 1,
            orig_bytes: ab.len() as u64,
            ..volume(A, ep(B, 6000), 0, 0, 0)
        })]
    );
}
