//! Tests of the facts read beyond devices and flows: names asked for, DHCP
//! leases, DHCPv6 servers, ARP anomalies, stack changes. Frames come from
//! the scenario generator's builders.

use std::net::{IpAddr, Ipv4Addr};

use gapwatch_captures::frames::{self, Ends, Os, TcpHdr};
use gapwatch_captures::payload::dhcp;
use gapwatch_rules::fact::{
    ARP_MANY_ADDRESSES, ArpAnomaly, DhcpMessage, Fingerprint, NameVia, RouterSignal,
};
use gapwatch_rules::{Fact, MacAddr, Policy, Timestamp};

use super::Observer;
use crate::capture::{Frame, LinkType};
use crate::decode::{DecodeError, decode};

const BASE: i64 = 1_767_225_600;

fn mac(last: u8) -> MacAddr {
    MacAddr([0x00, 0x1b, 0x21, 0x00, 0x00, last])
}

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, 20, 1, last)
}

fn ends(from: u8, to: u8) -> Ends {
    Ends::new(mac(from), ip(from), mac(to), ip(to))
}

struct Lan {
    obs: Observer,
    /// Application payloads that did not parse, as counted.
    errors: Vec<DecodeError>,
}

impl Lan {
    fn new() -> Lan {
        let policy = Policy::parse("[site]\nlan = [\"10.20.0.0/16\"]\n", "p.toml").unwrap();
        Lan { obs: Observer::new(policy), errors: Vec::new() }
    }

    /// Observes `bytes` at `BASE` + `ms` milliseconds; returns every fact
    /// it gave, and keeps the payload error, if any.
    fn observe(&mut self, bytes: &[u8], ms: i64) -> Vec<Fact> {
        let ts = Timestamp::from_nanos((BASE * 1000 + ms) * 1_000_000);
        let frame =
            Frame { ts, link: LinkType::ETHERNET, data: bytes, orig_len: bytes.len() as u32 };
        self.errors.extend(self.obs.observe(&decode(&frame), ts, frame.wire_len()));
        self.obs.facts().collect()
    }

    /// Observes `bytes` at `BASE + secs`; returns the facts of interest
    /// here.
    fn see(&mut self, bytes: &[u8], secs: i64) -> Vec<Fact> {
        self.see_ms(bytes, secs * 1000)
    }

    /// Same at `BASE` + `ms` milliseconds.
    fn see_ms(&mut self, bytes: &[u8], ms: i64) -> Vec<Fact> {
        let mut facts = self.observe(bytes, ms);
        facts.retain(|f| {
            matches!(
                f,
                Fact::NameRequested(_)
                    | Fact::DhcpLease(_)
                    | Fact::ArpAnomaly { .. }
                    | Fact::FingerprintChanged { .. }
                    | Fact::RouterSignal { .. }
            )
        });
        facts
    }

    /// Observes `bytes` at `BASE + secs`; returns the device-table facts.
    fn obs_all(&mut self, bytes: &[u8], secs: i64) -> Vec<Fact> {
        let mut facts = self.observe(bytes, secs * 1000);
        facts.retain(|f| matches!(f, Fact::DeviceTableFull { .. }));
        facts
    }

    /// Observes `bytes` at `BASE + secs`; returns the clues.
    fn see_clues(&mut self, bytes: &[u8], secs: i64) -> Vec<Fact> {
        let mut facts = self.observe(bytes, secs * 1000);
        facts.retain(|f| matches!(f, Fact::Clue(_)));
        facts
    }
}

#[test]
fn a_dns_query_is_a_name_once_per_client_server_and_name() {
    let mut lan = Lan::new();
    let facts = lan.see(&frames::dns_query(&ends(7, 1), 50000, 1, "WWW.Example.COM."), 1);
    let [Fact::NameRequested(r)] = &facts[..] else { panic!("{facts:?}") };
    assert_eq!((r.name.as_str(), r.via, r.proto), ("www.example.com", NameVia::Dns, 17));
    assert_eq!((r.client.ip, r.server.port), (IpAddr::V4(ip(7)), 53));
    // The retry from another port, and the answer: nothing new.
    assert!(lan.see(&frames::dns_query(&ends(7, 1), 50001, 2, "www.example.com"), 2).is_empty());
    let answer = frames::dns_response(&ends(1, 7), 50000, 1, "www.example.com", &[], 3);
    assert!(lan.see(&answer, 3).is_empty());
    // Another client asking the same is a new fact.
    assert_eq!(lan.see(&frames::dns_query(&ends(8, 1), 50000, 3, "www.example.com"), 4).len(), 1);
    assert!(lan.errors.is_empty());
}

#[test]
fn mdns_and_llmnr_are_not_dns_queries() {
    let mut lan = Lan::new();
    let q = gapwatch_captures::payload::dns::query(1, "www.example.com", 1);
    let v4 = IpAddr::V4(ip(7));
    assert!(lan.see(&frames::mdns(mac(7), v4, &q), 1).is_empty());
    assert!(lan.see(&frames::llmnr_query(mac(7), v4, 50000, 2, "www.example.com"), 2).is_empty());
}

#[test]
fn an_http_request_names_its_host() {
    let mut lan = Lan::new();
    let hdr = TcpHdr {
        sport: 50000,
        dport: 8080,
        seq: 1,
        ack: 1,
        flags: 0x18,
        window: 512,
        options: &[],
    };
    let get = b"GET /connecttest.txt HTTP/1.1\r\nHost: www.msftconnecttest.com:8080\r\n\r\n";
    let facts = lan.see(&frames::tcp(&ends(7, 1), &hdr, get), 1);
    let [Fact::NameRequested(r)] = &facts[..] else { panic!("{facts:?}") };
    assert_eq!(
        (r.name.as_str(), r.via, r.server.port),
        ("www.msftconnecttest.com", NameVia::HttpHost, 8080)
    );
    // SMB or any other payload is not read as HTTP; a broken head is counted.
    assert!(lan.see(&frames::tcp(&ends(7, 1), &hdr, b"\xfeSMB@\x00\x01\x00"), 2).is_empty());
    assert!(lan.see(&frames::tcp(&ends(7, 1), &hdr, b"GET / HTTP/1.1"), 3).is_empty());
    assert_eq!(lan.errors, [DecodeError::HttpMalformed]);
}

#[test]
fn server_offers_and_acks_are_leases_with_what_they_hand_out() {
    let mut lan = Lan::new();
    let client = dhcp::Client::windows(mac(7), "WS-07");
    let discover = client.discover(9, 0, None);
    assert!(
        lan.see(&frames::dhcp_client(&discover), 1).is_empty(),
        "client messages are not leases"
    );
    let cfg = dhcp::ServerConfig {
        server_ip: ip(1),
        subnet_mask: Ipv4Addr::new(255, 255, 0, 0),
        router: Some(ip(254)),
        dns: vec![Ipv4Addr::new(8, 8, 8, 8), ip(1)],
        domain: None,
        lease_secs: 3600,
    };
    let offer = cfg.reply(&discover, dhcp::MessageType::Offer, ip(7));
    let facts = lan.see(&frames::dhcp_server(mac(1), ip(1), &offer), 2);
    let [Fact::DhcpLease(l)] = &facts[..] else { panic!("{facts:?}") };
    assert_eq!((l.message, l.offered, l.client_mac), (DhcpMessage::Offer, ip(7), Some(mac(7))));
    assert_eq!((l.routers.as_slice(), l.dns_servers.as_slice()), (&[ip(254)][..], &cfg.dns[..]));
    assert_eq!(l.server.mac, Some(mac(1)));
    let ack = cfg.reply(&client.request(9, 0, ip(7), ip(1)), dhcp::MessageType::Ack, ip(7));
    let facts = lan.see(&frames::dhcp_server(mac(1), ip(1), &ack), 3);
    assert!(matches!(&facts[..], [Fact::DhcpLease(l)] if l.message == DhcpMessage::Ack));
}

#[test]
fn a_dhcpv6_advertise_is_a_router_signal() {
    let mut lan = Lan::new();
    let server = std::net::Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
    let client = std::net::Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 7);
    let e = Ends::new(mac(1), server, mac(7), client).ttl(255);
    let facts = lan.see(&frames::udp(&e, 547, 546, &[2, 0, 0, 1]), 1);
    assert_eq!(
        facts,
        [Fact::RouterSignal {
            signal: RouterSignal::Dhcpv6Advertise,
            mac: Some(mac(1)),
            ip: IpAddr::V6(server),
            ts: Timestamp::from_secs(BASE + 1),
        }]
    );
    // A client's solicit (type 1, to the server port) is nothing.
    assert!(lan.see(&frames::udp(&e.reverse(), 546, 547, &[1, 0, 0, 2]), 2).is_empty());
}

#[test]
fn arp_replies_nobody_asked_for_are_anomalies_after_the_start() {
    let mut lan = Lan::new();
    // At the start a reply may answer a question asked before the capture.
    assert!(lan.see(&frames::arp_reply(mac(1), ip(1), (mac(7), ip(7))), 0).is_empty());
    // Asked and answered within the window: fine.
    assert!(lan.see(&frames::arp_request(mac(7), ip(7), ip(1)), 10).is_empty());
    assert!(lan.see_ms(&frames::arp_reply(mac(1), ip(1), (mac(7), ip(7))), 10_004).is_empty());
    // Nobody asked for 10.20.1.1 in the last seconds.
    let facts = lan.see(&frames::arp_reply(mac(9), ip(1), (mac(7), ip(7))), 30);
    assert_eq!(
        facts,
        [Fact::ArpAnomaly {
            mac: mac(9),
            ip: ip(1),
            anomaly: ArpAnomaly::UnsolicitedReply,
            ts: Timestamp::from_secs(BASE + 30),
        }]
    );
}

#[test]
fn a_gratuitous_reply_for_another_devices_address_is_a_claim() {
    let mut lan = Lan::new();
    assert!(lan.see(&frames::arp_gratuitous(mac(1), ip(1)), 0).is_empty());
    // Announcing its own address with a reply, or with a request: fine.
    let own =
        frames::arp(2, mac(1), MacAddr::BROADCAST, (mac(1), ip(1)), (MacAddr::BROADCAST, ip(1)));
    assert!(lan.see(&own, 5000).is_empty(), "hours later still its own");
    // Another device announcing 10.20.1.1 with a request is a conflict,
    // not poisoning; with a reply it is poisoning.
    assert!(lan.see(&frames::arp_gratuitous(mac(9), ip(1)), 5001).is_empty());
    let claim =
        frames::arp(2, mac(8), MacAddr::BROADCAST, (mac(8), ip(1)), (MacAddr::BROADCAST, ip(1)));
    let facts = lan.see(&claim, 5002);
    assert!(
        matches!(&facts[..], [Fact::ArpAnomaly { mac: m, anomaly: ArpAnomaly::GratuitousClaim { owner }, .. }]
            if *m == mac(8) && *owner == mac(9)),
        "{facts:?}"
    );
}

#[test]
fn one_mac_claiming_many_addresses_is_reported_once() {
    let mut lan = Lan::new();
    let mut reported = Vec::new();
    for n in 0..(ARP_MANY_ADDRESSES + 4) {
        let claimed = Ipv4Addr::new(10, 20, 2, n as u8);
        reported.extend(lan.see(&frames::arp_gratuitous(mac(9), claimed), i64::from(n)));
    }
    let many = ArpAnomaly::ManyAddresses { count: ARP_MANY_ADDRESSES };
    assert!(
        matches!(&reported[..], [Fact::ArpAnomaly { anomaly, ip, .. }] if *anomaly == many && *ip == Ipv4Addr::new(10, 20, 2, 15)),
        "{reported:?}"
    );
}

#[test]
fn a_new_initial_ttl_on_tcp_is_a_fingerprint_change_once() {
    let mut lan = Lan::new();
    let hdr =
        TcpHdr { sport: 50000, dport: 445, seq: 1, ack: 1, flags: 0x10, window: 512, options: &[] };
    let windows = ends(7, 1).ttl(Os::Windows.ttl());
    let linux = ends(7, 1).ttl(Os::Linux.ttl());
    assert!(
        lan.see(&frames::tcp(&windows, &hdr, &[]), 1).is_empty(),
        "the first stack is no change"
    );
    // UDP and multicast leave with other TTLs on the same stack: not read.
    assert!(lan.see(&frames::udp(&ends(7, 1).ttl(1), 5355, 5355, b"x"), 2).is_empty());
    let facts = lan.see(&frames::tcp(&linux.ttl(63), &hdr, &[]), 3);
    assert_eq!(
        facts,
        [Fact::FingerprintChanged {
            mac: mac(7),
            before: Fingerprint::Ttl(128),
            after: Fingerprint::Ttl(64),
            ts: Timestamp::from_secs(BASE + 3),
        }]
    );
    // Flapping back and forth between known stacks says nothing more.
    assert!(lan.see(&frames::tcp(&windows, &hdr, &[]), 4).is_empty());
    assert!(lan.see(&frames::tcp(&linux, &hdr, &[]), 5).is_empty());
}

#[test]
fn routed_packets_do_not_fingerprint_the_router() {
    let mut lan = Lan::new();
    let hdr =
        TcpHdr { sport: 443, dport: 50000, seq: 1, ack: 1, flags: 0x10, window: 512, options: &[] };
    let outside = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 5));
    for (i, ttl) in [52u8, 116, 240].into_iter().enumerate() {
        let routed = Ends::new(mac(254), outside, mac(7), ip(7)).ttl(ttl);
        assert!(lan.see(&frames::tcp(&routed, &hdr, &[]), i as i64).is_empty());
    }
}

#[test]
fn a_mac_that_brings_in_or_takes_out_off_lan_traffic_is_a_router() {
    use gapwatch_rules::fact::{ROUTER_SOURCED_OFFLAN, ROUTER_SUNK_OFFLAN};
    let mut lan = Lan::new();
    let gateway = mac(254);
    let outside = |n: u8| IpAddr::V4(Ipv4Addr::new(203, 0, 113, n));
    // The gateway is a device on the LAN (it announces itself); a MAC that
    // never sent a frame is not counted, so made-up MACs grow nothing.
    lan.see(&frames::arp_gratuitous(gateway, ip(254)), 0);
    let mut signals = Vec::new();
    // Devices send to off-LAN destinations through it (nobody answers).
    for n in 0..(ROUTER_SUNK_OFFLAN as u8 + 2) {
        let e = Ends::new(mac(7), ip(7), gateway, outside(n));
        signals.extend(lan.see(&frames::udp(&e, 40000 + u16::from(n), 53, b""), i64::from(n)));
    }
    let last_sunk = outside(ROUTER_SUNK_OFFLAN as u8 - 1);
    assert!(
        matches!(&signals[..], [Fact::RouterSignal { signal: RouterSignal::SinksOffLan, mac: Some(m), ip, .. }]
            if *m == gateway && *ip == last_sunk),
        "{signals:?}"
    );
    // One off-LAN source through another MAC is not yet a router; two are.
    let other = mac(253);
    let mut signals = Vec::new();
    for n in 0..(ROUTER_SOURCED_OFFLAN as u8 + 1) {
        let e = Ends::new(other, outside(100 + n), mac(7), ip(7));
        signals.extend(lan.see(&frames::udp(&e, 443, 40000, b""), 100 + i64::from(n)));
    }
    assert!(
        matches!(&signals[..], [Fact::RouterSignal { signal: RouterSignal::SourcesOffLan, mac: Some(m), .. }] if *m == other),
        "{signals:?}"
    );
}

#[test]
fn the_device_table_stays_within_max_devices_and_counts_the_rest() {
    let policy = Policy::parse(
        "[site]\nlan = [\"10.20.0.0/16\"]\n[thresholds]\nmax_devices = 3\n",
        "p.toml",
    )
    .unwrap();
    let mut lan = Lan { obs: Observer::new(policy), errors: Vec::new() };
    let mut full = Vec::new();
    for n in 1..=5u8 {
        let frame = frames::udp(&ends(n, 200), 40000, 9, b"x");
        full.extend(lan.obs_all(&frame, i64::from(n)));
    }
    assert_eq!(lan.obs.devices().len(), 3);
    assert_eq!(
        full,
        [Fact::DeviceTableFull { max_devices: 3, ts: Timestamp::from_secs(BASE + 4) }],
        "stated once"
    );
    assert_eq!(lan.errors, [DecodeError::DeviceTableFull, DecodeError::DeviceTableFull]);
    // A known device is still counted.
    lan.obs_all(&frames::udp(&ends(1, 200), 40000, 9, b"x"), 6);
    assert_eq!(lan.obs.devices().get(mac(1)).unwrap().packets_sent, 2);
    assert_eq!(lan.errors.len(), 2);
}

#[test]
fn a_full_device_table_still_takes_in_registered_devices() {
    let policy = Policy::parse(
        "[site]\nlan = [\"10.20.0.0/16\"]\n[thresholds]\nmax_devices = 2\n\n\
         [[asset]]\nmac = \"00:1b:21:00:00:09\"\nname = \"FS\"\nrole = \"fileserver\"\n",
        "p.toml",
    )
    .unwrap();
    let mut lan = Lan { obs: Observer::new(policy), errors: Vec::new() };
    for n in [1u8, 2, 3, 9] {
        lan.obs_all(&frames::udp(&ends(n, 200), 40000, 9, b"x"), i64::from(n));
    }
    let kept: Vec<MacAddr> = lan.obs.devices().iter().map(|d| d.mac).collect();
    assert_eq!(kept, [mac(1), mac(2), mac(9)], "the stranger is turned away, the asset is not");
    assert_eq!(lan.errors, [DecodeError::DeviceTableFull]);
}

#[test]
fn a_dhcp_client_says_its_name_class_and_fingerprint_once() {
    use gapwatch_rules::fact::{Clue, ClueKind};
    let mut lan = Lan::new();
    let client = dhcp::Client::windows(mac(7), "WS-07");
    let clues = |facts: Vec<Fact>| -> Vec<(ClueKind, String)> {
        facts
            .into_iter()
            .filter_map(|f| match f {
                Fact::Clue(Clue { kind, value, mac: m, .. }) if m == mac(7) => Some((kind, value)),
                _ => None,
            })
            .collect()
    };
    let mut got = clues(lan.see_clues(&frames::dhcp_client(&client.discover(1, 0, None)), 1));
    got.sort_by_key(|(k, _)| k.as_str());
    assert_eq!(
        got,
        [
            (ClueKind::DhcpClientId, "01:00:1b:21:00:00:07".to_owned()),
            (ClueKind::DhcpHostName, "WS-07".to_owned()),
            (ClueKind::DhcpParameterList, "1,3,6,15,31,33,43,44,46,47,119,121,249,252".to_owned()),
            (ClueKind::DhcpVendorClass, "MSFT 5.0".to_owned()),
        ]
    );
    // The REQUEST repeats them: nothing new.
    let request = client.request(1, 0, ip(7), ip(1));
    assert!(clues(lan.see_clues(&frames::dhcp_client(&request), 2)).is_empty());
}

#[test]
fn fqdn_clues_read_both_encodings_and_relayed_requests_name_the_client() {
    use gapwatch_rules::fact::{Clue, ClueKind};
    let mut lan = Lan::new();
    let mut msg = dhcp::Client::windows(mac(7), "WS-07").discover(2, 0, None);
    msg.options.retain(|(code, _)| *code == 53);
    // ASCII form (E flag clear), then DNS wire form (E flag set).
    msg.options.push((81, b"\x00\x00\x00ws-07.dig.local".to_vec()));
    let relay = Ends::new(mac(1), ip(1), mac(2), ip(2)).ttl(64);
    let frame = frames::udp(&relay, 68, 67, &msg.encode());
    let facts = lan.see_clues(&frame, 1);
    assert!(
        matches!(&facts[..], [Fact::Clue(Clue { mac: m, kind: ClueKind::DhcpFqdn, value, .. })]
            if *m == mac(7) && value == "ws-07.dig.local"),
        "{facts:?}"
    );
    msg.options.retain(|(code, _)| *code == 53);
    msg.options.push((81, b"\x04\x00\x00\x05ws-08\x03dig\x05local\x00".to_vec()));
    let facts = lan.see_clues(&frames::dhcp_client(&msg), 2);
    assert!(
        matches!(&facts[..], [Fact::Clue(Clue { kind: ClueKind::DhcpFqdn, value, .. })] if value == "ws-08.dig.local"),
        "{facts:?}"
    );
    // Control bytes in a host name are shown, not passed on.
    msg.options.retain(|(code, _)| *code == 53);
    msg.options.push((12, b"evil\x1b[31m\x00\x00".to_vec()));
    let facts = lan.see_clues(&frames::dhcp_client(&msg), 3);
    assert!(
        matches!(&facts[..], [Fact::Clue(Clue { value, .. })] if value == "evil?[31m"),
        "{facts:?}"
    );
}

#[test]
fn name_services_give_the_names_a_device_answers_for_not_the_ones_it_asks() {
    use gapwatch_captures::payload::dns;
    use gapwatch_rules::fact::{Clue, ClueKind};
    let mut lan = Lan::new();
    let clues = |facts: Vec<Fact>| -> Vec<(MacAddr, ClueKind, String)> {
        facts
            .into_iter()
            .filter_map(|f| match f {
                Fact::Clue(Clue { mac, kind, value, .. }) => Some((mac, kind, value)),
                _ => None,
            })
            .collect()
    };
    let v4 = IpAddr::V4(ip(7));
    // Asking is not naming.
    let q = dns::mdns_query(&[("_ipp._tcp.local", dns::TYPE_PTR)], false);
    assert!(clues(lan.see_clues(&frames::mdns(mac(7), v4, &q), 1)).is_empty());
    assert!(clues(lan.see_clues(&frames::llmnr_query(mac(7), v4, 5000, 1, "fs01"), 2)).is_empty());
    // Announcing is.
    let ann = dns::mdns_announce("Scanner-7.local", &[v4]);
    assert_eq!(
        clues(lan.see_clues(&frames::mdns(mac(7), v4, &ann), 3)),
        [(mac(7), ClueKind::MdnsHostName, "Scanner-7.local".to_owned())]
    );
    let service = dns::mdns_service("Scanner 7", "_uscan._tcp.local", "Scanner-7.local", 80, ip(7));
    let got = clues(lan.see_clues(&frames::mdns(mac(7), v4, &service), 4));
    assert!(got.contains(&(mac(7), ClueKind::MdnsService, "_uscan._tcp".to_owned())), "{got:?}");
    // NetBIOS: a registration names the registering device.
    let bcast = Ipv4Addr::new(10, 20, 255, 255);
    let reg = frames::nbns_registration(mac(8), ip(8), bcast, 7, "WS-08", 0x20);
    assert_eq!(
        clues(lan.see_clues(&reg, 5)),
        [(mac(8), ClueKind::NetbiosName, "WS-08".to_owned())]
    );
    let query = frames::nbns_query(mac(8), ip(8), bcast, 8, "FS01", 0x20);
    assert!(clues(lan.see_clues(&query, 6)).is_empty());
    assert!(lan.errors.is_empty(), "{:?}", lan.errors);
}

#[test]
fn a_gratuitous_reply_for_an_address_left_an_hour_ago_claims_nothing() {
    let mut lan = Lan::new();
    assert!(lan.see(&frames::arp_gratuitous(mac(3), ip(3)), 0).is_empty());
    let reply = |m| frames::arp(2, m, MacAddr::BROADCAST, (m, ip(3)), (MacAddr::BROADCAST, ip(3)));
    assert!(lan.see(&reply(mac(4)), 3601).is_empty(), "given anew after the hour");
    // A request the device table never saw still makes its answer solicited.
    let policy = Policy::parse(
        "[site]\nlan = [\"10.20.0.0/16\"]\n[thresholds]\nmax_devices = 1\n",
        "p.toml",
    )
    .unwrap();
    let mut full = Lan { obs: Observer::new(policy), errors: Vec::new() };
    full.see(&frames::arp_gratuitous(mac(1), ip(1)), 0);
    full.see(&frames::arp_request(mac(7), ip(7), ip(1)), 10);
    assert!(full.see(&frames::arp_reply(mac(1), ip(1), (mac(7), ip(7))), 10).is_empty());
}

#[test]
fn user_agents_and_ssh_banners_are_clues_of_their_sender() {
    use gapwatch_rules::fact::{Clue, ClueKind};
    let mut lan = Lan::new();
    let hdr =
        TcpHdr { sport: 50000, dport: 80, seq: 1, ack: 1, flags: 0x18, window: 512, options: &[] };
    let get = b"GET / HTTP/1.1\r\nHost: 10.20.1.11\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\n\r\n";
    let facts = lan.see_clues(&frames::tcp(&ends(7, 11), &hdr, get), 1);
    assert!(
        matches!(&facts[..], [Fact::Clue(Clue { mac: m, kind: ClueKind::HttpUserAgent, value, .. })]
            if *m == mac(7) && value == "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"),
        "{facts:?}"
    );
    assert!(lan.see_clues(&frames::tcp(&ends(7, 11), &hdr, get), 2).is_empty(), "once");
    let ssh = TcpHdr { sport: 22, dport: 50001, ..hdr };
    let facts = lan.see_clues(&frames::tcp(&ends(11, 7), &ssh, b"SSH-2.0-dropbear_2019.78\r\n"), 3);
    assert!(
        matches!(&facts[..], [Fact::Clue(Clue { mac: m, kind: ClueKind::SshBanner, value, .. })]
            if *m == mac(11) && value == "SSH-2.0-dropbear_2019.78"),
        "{facts:?}"
    );
    // A banner without its line end is not read.
    let cut = TcpHdr { sport: 50002, dport: 22, ..hdr };
    assert!(lan.see_clues(&frames::tcp(&ends(7, 11), &cut, b"SSH-2.0-Open"), 4).is_empty());
}

#[test]
fn a_client_hello_names_its_server_and_fingerprints_its_client() {
    use gapwatch_rules::fact::{Clue, ClueKind, NameRequest};
    let mut lan = Lan::new();
    let hdr =
        TcpHdr { sport: 50000, dport: 443, seq: 1, ack: 1, flags: 0x18, window: 512, options: &[] };
    // A minimal TLS 1.2 ClientHello for connectivitycheck.gstatic.com.
    let name = b"connectivitycheck.gstatic.com";
    let mut sni = vec![0, 0];
    let list_len = (name.len() + 3) as u16;
    sni.extend_from_slice(&(list_len + 2).to_be_bytes());
    sni.extend_from_slice(&list_len.to_be_bytes());
    sni.push(0);
    sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
    sni.extend_from_slice(name);
    // ALPN: h2, then http/1.1.
    sni.extend_from_slice(&[0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 2, b'h', b'2', 8]);
    sni.extend_from_slice(b"http/1.1");
    let mut body = vec![3, 3];
    body.extend_from_slice(&[9; 32]);
    body.extend_from_slice(&[0, 0, 2, 0xc0, 0x2f, 1, 0]);
    body.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    body.extend_from_slice(&sni);
    let mut record = vec![0x16, 3, 1, 0, (body.len() + 4) as u8, 1, 0, 0, body.len() as u8];
    record.extend_from_slice(&body);
    let facts = lan.see_clues(&frames::tcp(&ends(7, 11), &hdr, &record), 1);
    let kinds: Vec<(ClueKind, &str)> = facts
        .iter()
        .filter_map(|f| match f {
            Fact::Clue(Clue { kind, value, .. }) => Some((*kind, value.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds.iter().map(|k| k.0).collect::<Vec<_>>(),
        [ClueKind::TlsJa3, ClueKind::TlsJa4, ClueKind::TlsAlpn]
    );
    assert_eq!(kinds[2].1, "h2");
    assert!(kinds[1].1.starts_with("t12d0102h2_"), "{}", kinds[1].1);
    let names = lan.obs.facts().count();
    assert_eq!(names, 0, "see_clues drained the facts");
    // The server name is a name request, as DNS and HTTP names are.
    let mut other = Lan::new();
    let requested: Vec<String> = other
        .observe(&frames::tcp(&ends(7, 11), &hdr, &record), 0)
        .into_iter()
        .filter_map(|f| match f {
            Fact::NameRequested(NameRequest { name, via: NameVia::TlsSni, .. }) => Some(name),
            _ => None,
        })
        .collect();
    assert_eq!(requested, ["connectivitycheck.gstatic.com"]);
    // Cut short, it is split; nothing is reported.
    assert!(lan.see_clues(&frames::tcp(&ends(8, 11), &hdr, &record[..40]), 2).is_empty());
    assert_eq!(lan.errors, [DecodeError::TlsSplit]);
}

#[test]
fn network_gear_names_itself_and_its_capabilities_in_lldp_cdp_and_stp() {
    use gapwatch_captures::payload::{cdp, lldp};
    use gapwatch_rules::fact::Clue;
    let clues = |facts: Vec<Fact>| -> Vec<(MacAddr, &'static str, String)> {
        let mut out: Vec<_> = facts
            .into_iter()
            .filter_map(|f| match f {
                Fact::Clue(Clue { mac, kind, value, .. }) => Some((mac, kind.as_str(), value)),
                _ => None,
            })
            .collect();
        out.sort();
        out
    };
    let mut lan = Lan::new();
    let ap = lldp::Info {
        chassis: mac(2),
        port: "eth0",
        ttl: 120,
        system_name: "AP-2",
        system_description: "TP-LINK Wireless Access Point\nFirmware 1.0",
        management: None,
        capabilities: [0x000c, 0x000c],
    };
    let got = clues(lan.see_clues(&frames::lldp(mac(2), &ap), 1));
    let want = [
        (mac(2), "lldp.capabilities", "bridge,wlan-ap".to_owned()),
        (mac(2), "lldp.description", "TP-LINK Wireless Access Point".to_owned()),
        (mac(2), "lldp.system_name", "AP-2".to_owned()),
    ];
    assert_eq!(got, want);
    assert!(lan.see_clues(&frames::lldp(mac(2), &ap), 31).is_empty(), "once");

    let router = cdp::Info {
        device_id: "R1",
        port: "Gi0/1",
        software: "Cisco IOS Software, C2900\nTechnical Support",
        platform: "cisco CISCO2911/K9",
        capabilities: 0x21,
    };
    let got = clues(lan.see_clues(&frames::cdp(mac(3), &router), 2));
    let want = [
        (mac(3), "cdp.capabilities", "router".to_owned()),
        (mac(3), "cdp.device_id", "R1".to_owned()),
        (mac(3), "cdp.platform", "cisco CISCO2911/K9".to_owned()),
        (mac(3), "cdp.software", "Cisco IOS Software, C2900".to_owned()),
    ];
    assert_eq!(got, want);

    let got = clues(lan.see_clues(&frames::stp(mac(4), 32768, 24), 3));
    assert_eq!(got, [(mac(4), "stp.bridge_id", "32768/00:1b:21:00:00:04".to_owned())]);
    assert!(lan.errors.is_empty(), "{:?}", lan.errors);

    // A TLV running past the message is counted, what came before kept.
    let mut broken = frames::lldp(mac(5), &ap)[..14].to_vec();
    broken.extend_from_slice(&[0x0a, 0x03, b'A', b'P', b'5', 0x0c, 0x40, b'x']);
    let got = clues(lan.see_clues(&broken, 4));
    assert_eq!(got, [(mac(5), "lldp.system_name", "AP5".to_owned())]);
    assert_eq!(lan.errors, [DecodeError::DiscoveryMalformed]);
}

#[test]
fn dhcpv6_ssdp_and_browser_announcements_are_clues_of_their_sender() {
    use crate::app::{browser, dhcpv6};
    use gapwatch_captures::frames::ssdp_msearch;
    use gapwatch_rules::fact::Clue;
    let values = |facts: Vec<Fact>| -> Vec<(&'static str, String)> {
        let mut out: Vec<_> = facts
            .into_iter()
            .filter_map(|f| match f {
                Fact::Clue(Clue { mac: m, kind, value, .. }) if m == mac(7) => {
                    Some((kind.as_str(), value))
                }
                _ => None,
            })
            .collect();
        out.sort();
        out
    };
    let mut lan = Lan::new();
    let link_local: std::net::Ipv6Addr = "fe80::7".parse().unwrap();
    let v6 = Ends::new(
        mac(7),
        link_local,
        mac(0xff),
        "ff02::1:2".parse::<std::net::Ipv6Addr>().unwrap(),
    );
    let solicit = frames::udp(&v6, 546, 547, dhcpv6::tests::WINDOWS_SOLICIT);
    let want = [
        ("dhcpv6.duid_type", "DUID-LLT".to_owned()),
        ("dhcpv6.fqdn", "DESKTOP-ABC".to_owned()),
        ("dhcpv6.oro", "24,23,17,39".to_owned()),
        ("dhcpv6.vendor_class", "MSFT 5.0".to_owned()),
    ];
    assert_eq!(values(lan.see_clues(&solicit, 1)), want);
    assert!(lan.see_clues(&solicit, 2).is_empty(), "once");

    let notify = b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\
        NT: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nNTS: ssdp:alive\r\n\
        SERVER: Linux/3.10 UPnP/1.0 MiniUPnPd/2.1\r\n\r\n";
    let to_group = Ends::new(mac(7), ip(7), mac(0xfe), std::net::Ipv4Addr::new(239, 255, 255, 250));
    let want = [
        ("ssdp.device_type", "urn:schemas-upnp-org:device:InternetGatewayDevice:1".to_owned()),
        ("ssdp.server", "Linux/3.10 UPnP/1.0 MiniUPnPd/2.1".to_owned()),
    ];
    assert_eq!(values(lan.see_clues(&frames::udp(&to_group, 1900, 1900, notify), 3)), want);
    // A search says what the searcher wants, not what it is.
    let search = ssdp_msearch(mac(7), ip(7), 50_000, "urn:schemas-upnp-org:device:MediaRenderer:1");
    assert!(values(lan.see_clues(&search, 4)).is_empty());

    let announcement = browser::tests::hex(browser::tests::NVR9);
    let bcast = Ends::new(mac(7), ip(7), mac(0xfe), std::net::Ipv4Addr::new(10, 20, 255, 255));
    let want = [
        ("browser.os_version", "6.1".to_owned()),
        ("browser.server_type", "workstation,server,windows_nt".to_owned()),
        ("netbios.name", "NVR9".to_owned()),
    ];
    assert_eq!(values(lan.see_clues(&frames::udp(&bcast, 138, 138, &announcement), 5)), want);
    assert!(lan.errors.is_empty(), "{:?}", lan.errors);

    // Cut short: counted, nothing noted.
    let cut = frames::udp(&bcast, 138, 138, &announcement[..100]);
    assert!(values(lan.see_clues(&cut, 6)).is_empty());
    let broken = [&dhcpv6::tests::WINDOWS_SOLICIT[..20], &[0x00, 0x27, 0x00, 0x40]].concat();
    assert!(values(lan.see_clues(&frames::udp(&v6, 546, 547, &broken), 7)).is_empty());
    assert_eq!(lan.errors, [DecodeError::NetbiosMalformed, DecodeError::DhcpMalformed]);
}
