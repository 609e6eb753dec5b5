//! Ethernet frame builders: ARP, IPv4/IPv6 with UDP, TCP and ICMP, DHCP,
//! DNS/mDNS/LLMNR, SSDP, NetBIOS-NS, IGMP, ICMPv6 neighbour discovery,
//! LLDP, CDP, spanning tree and 802.1Q tagging.
//!
//! IP and transport headers are written by etherparse's `PacketBuilder`
//! (correct lengths and checksums, as a mirror port sees them: offloading
//! happens in the sender's NIC, before the wire); the application payloads
//! come from [`crate::payload`]. Every builder returns one complete frame
//! without FCS, padded to the Ethernet minimum of 60 bytes. [`Tcp`] plays
//! whole TCP conversations.

mod tcp;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{
    ArpHardwareId, ArpOperation, ArpPacket, EtherType, IcmpEchoHeader, Icmpv4Type, Icmpv6Type,
    IgmpType, IpHeaders, IpNumber, Ipv4Header, Ipv4Options, Ipv6Header, PacketBuilder,
    PacketBuilderStep, TcpHeader, TcpOptions, icmpv6::NeighborAdvertisementHeader,
    igmp::MembershipReportV3Header, ip_number,
};
use gapwatch_rules::MacAddr;

use crate::payload::{cdp, dhcp, dns, lldp, netbios, ssdp, stp};

pub use tcp::{Os, Tcp, TcpPeer};

/// Shortest Ethernet frame without FCS; shorter frames are zero-padded.
pub const ETH_MIN_LEN: usize = 60;
/// TCP flag FIN.
pub const FIN: u8 = 0x01;
/// TCP flag SYN.
pub const SYN: u8 = 0x02;
/// TCP flag RST.
pub const RST: u8 = 0x04;
/// TCP flag PSH.
pub const PSH: u8 = 0x08;
/// TCP flag ACK.
pub const ACK: u8 = 0x10;

/// IPv4 mDNS group.
pub const MDNS_V4: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
/// IPv6 mDNS group.
pub const MDNS_V6: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0xfb);
/// IPv4 LLMNR group.
pub const LLMNR_V4: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 252);
/// IPv6 LLMNR group.
pub const LLMNR_V6: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 3);
/// SSDP group.
pub const SSDP_V4: Ipv4Addr = Ipv4Addr::new(239, 255, 255, 250);
/// IGMPv3 reports go to all IGMPv3-capable routers.
pub const IGMPV3_REPORTS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);
/// Destination of LLDP frames (nearest bridge).
pub const LLDP_MAC: MacAddr = MacAddr([0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e]);
/// Destination of spanning tree BPDUs.
pub const STP_MAC: MacAddr = MacAddr([0x01, 0x80, 0xc2, 0x00, 0x00, 0x00]);
/// Destination of CDP (Cisco's multicast address).
pub const CDP_MAC: MacAddr = MacAddr([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);

/// The two ends of an IP packet: link and network addresses, and the TTL
/// (hop limit) the sender uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ends {
    /// Ethernet source.
    pub src_mac: MacAddr,
    /// Ethernet destination.
    pub dst_mac: MacAddr,
    /// IP source.
    pub src: IpAddr,
    /// IP destination (same family as `src`).
    pub dst: IpAddr,
    /// TTL / hop limit.
    pub ttl: u8,
}

impl Ends {
    /// From `src_mac`/`src` to `dst_mac`/`dst` with TTL 128 (Windows).
    pub fn new(
        src_mac: MacAddr,
        src: impl Into<IpAddr>,
        dst_mac: MacAddr,
        dst: impl Into<IpAddr>,
    ) -> Ends {
        Ends { src_mac, dst_mac, src: src.into(), dst: dst.into(), ttl: 128 }
    }

    /// The same with another TTL.
    pub fn ttl(self, ttl: u8) -> Ends {
        Ends { ttl, ..self }
    }

    /// The way back (TTL kept; set the responder's with [`Ends::ttl`]).
    pub fn reverse(self) -> Ends {
        Ends {
            src_mac: self.dst_mac,
            dst_mac: self.src_mac,
            src: self.dst,
            dst: self.src,
            ttl: self.ttl,
        }
    }
}

/// The TCP header fields of one segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpHdr<'a> {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number (sent as is; meaningful with [`ACK`]).
    pub ack: u32,
    /// OR of [`FIN`], [`SYN`], [`RST`], [`PSH`], [`ACK`].
    pub flags: u8,
    /// Receive window.
    pub window: u16,
    /// Raw TCP options (a multiple of 4 bytes, at most 40).
    pub options: &'a [u8],
}

/// Zero-pads `frame` to [`ETH_MIN_LEN`].
pub fn pad(mut frame: Vec<u8>) -> Vec<u8> {
    if frame.len() < ETH_MIN_LEN {
        frame.resize(ETH_MIN_LEN, 0);
    }
    frame
}

/// The Ethernet address of an IPv4 multicast group (01:00:5e + low 23 bits).
pub fn ipv4_multicast_mac(group: Ipv4Addr) -> MacAddr {
    let o = group.octets();
    MacAddr([0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]])
}

/// The Ethernet address of an IPv6 multicast group (33:33 + low 32 bits).
pub fn ipv6_multicast_mac(group: Ipv6Addr) -> MacAddr {
    let o = group.octets();
    MacAddr([0x33, 0x33, o[12], o[13], o[14], o[15]])
}

/// The solicited-node multicast address of `ip` (ff02::1:ffXX:XXXX).
pub fn solicited_node(ip: Ipv6Addr) -> Ipv6Addr {
    let o = ip.octets();
    let mut s = [0u8; 16];
    s[0] = 0xff;
    s[1] = 0x02;
    s[11] = 0x01;
    s[12] = 0xff;
    s[13..16].copy_from_slice(&o[13..16]);
    Ipv6Addr::from(s)
}

/// The EUI-64 link-local address of `mac` (fe80::/64, U/L bit flipped).
pub fn link_local(mac: MacAddr) -> Ipv6Addr {
    let m = mac.octets();
    let mut s = [0u8; 16];
    s[0] = 0xfe;
    s[1] = 0x80;
    s[8] = m[0] ^ 0x02;
    s[9] = m[1];
    s[10] = m[2];
    s[11] = 0xff;
    s[12] = 0xfe;
    s[13..16].copy_from_slice(&m[3..6]);
    Ipv6Addr::from(s)
}

/// Inserts an 802.1Q tag (VLAN `vid`, priority `pcp`) after the MACs.
pub fn vlan_tag(frame: &[u8], vid: u16, pcp: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len() + 4);
    out.extend_from_slice(&frame[..12]);
    out.extend_from_slice(&0x8100u16.to_be_bytes());
    out.extend_from_slice(&((u16::from(pcp & 7) << 13) | (vid & 0x0fff)).to_be_bytes());
    out.extend_from_slice(&frame[12..]);
    out
}

/// A deterministic IPv4 identification for a packet (FNV-1a over what
/// distinguishes it), so repeated builds are identical without a counter.
fn ip_id(e: &Ends, salt: &[u8]) -> u16 {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |b: u8| h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    if let IpAddr::V4(s) = e.src {
        s.octets().into_iter().for_each(&mut eat);
    }
    if let IpAddr::V4(d) = e.dst {
        d.octets().into_iter().for_each(&mut eat);
    }
    salt.iter().take(48).copied().for_each(&mut eat);
    (h ^ (h >> 16)) as u16
}

/// The builder up to the IP header for `e` (IPv4 with DF for TCP, as stacks
/// set it; `options` only for IPv4).
fn ip_step(e: &Ends, proto: IpNumber, salt: &[u8], options: &[u8]) -> PacketBuilderStep<IpHeaders> {
    let eth = PacketBuilder::ethernet2(e.src_mac.octets(), e.dst_mac.octets());
    match (e.src, e.dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut h = Ipv4Header::new(0, e.ttl, proto, s.octets(), d.octets())
                .expect("empty payload fits");
            h.identification = ip_id(e, salt);
            h.dont_fragment = proto == ip_number::TCP;
            h.options = Ipv4Options::try_from(options).expect("IPv4 options are at most 40 bytes");
            eth.ip(IpHeaders::Ipv4(h, Default::default()))
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let h = Ipv6Header {
                next_header: proto,
                hop_limit: e.ttl,
                source: s.octets(),
                destination: d.octets(),
                ..Default::default()
            };
            eth.ip(IpHeaders::Ipv6(h, Default::default()))
        }
        _ => panic!("frames::Ends mixes IPv4 and IPv6: {} -> {}", e.src, e.dst),
    }
}

/// An ARP packet: Ethernet `eth_src` → `eth_dst`, then the ARP fields.
pub fn arp(
    op: u16,
    eth_src: MacAddr,
    eth_dst: MacAddr,
    sender: (MacAddr, Ipv4Addr),
    target: (MacAddr, Ipv4Addr),
) -> Vec<u8> {
    let pkt = ArpPacket::new(
        ArpHardwareId::ETHERNET,
        EtherType::IPV4,
        ArpOperation(op),
        &sender.0.octets(),
        &sender.1.octets(),
        &target.0.octets(),
        &target.1.octets(),
    )
    .expect("Ethernet/IPv4 ARP sizes are valid");
    let b = PacketBuilder::ethernet2(eth_src.octets(), eth_dst.octets()).arp(pkt);
    let mut out = Vec::with_capacity(ETH_MIN_LEN);
    b.write(&mut out).expect("writing to a Vec");
    pad(out)
}

/// "Who has `target`? Tell `ip`": broadcast ARP request.
pub fn arp_request(mac: MacAddr, ip: Ipv4Addr, target: Ipv4Addr) -> Vec<u8> {
    arp(1, mac, MacAddr::BROADCAST, (mac, ip), (MacAddr::default(), target))
}

/// "`ip` is at `mac`": unicast ARP reply to `to`.
pub fn arp_reply(mac: MacAddr, ip: Ipv4Addr, to: (MacAddr, Ipv4Addr)) -> Vec<u8> {
    arp(2, mac, to.0, (mac, ip), to)
}

/// ARP probe (RFC 5227): sender IP 0.0.0.0, asking whether `target` is
/// taken before using it.
pub fn arp_probe(mac: MacAddr, target: Ipv4Addr) -> Vec<u8> {
    arp(1, mac, MacAddr::BROADCAST, (mac, Ipv4Addr::UNSPECIFIED), (MacAddr::default(), target))
}

/// Gratuitous ARP (announcement): a request with sender = target = `ip`.
pub fn arp_gratuitous(mac: MacAddr, ip: Ipv4Addr) -> Vec<u8> {
    arp(1, mac, MacAddr::BROADCAST, (mac, ip), (MacAddr::default(), ip))
}

/// A UDP datagram.
pub fn udp(e: &Ends, sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut salt = sport.to_be_bytes().to_vec();
    salt.extend_from_slice(payload.get(..16).unwrap_or(payload));
    let b = ip_step(e, ip_number::UDP, &salt, &[]).udp(sport, dport);
    let mut out = Vec::with_capacity(b.size(payload.len()).max(ETH_MIN_LEN));
    b.write(&mut out, payload).expect("UDP datagram fits");
    pad(out)
}

/// A TCP segment.
pub fn tcp(e: &Ends, h: &TcpHdr<'_>, payload: &[u8]) -> Vec<u8> {
    let header = TcpHeader {
        source_port: h.sport,
        destination_port: h.dport,
        sequence_number: h.seq,
        acknowledgment_number: h.ack,
        fin: h.flags & FIN != 0,
        syn: h.flags & SYN != 0,
        rst: h.flags & RST != 0,
        psh: h.flags & PSH != 0,
        ack: h.flags & ACK != 0,
        window_size: h.window,
        options: TcpOptions::try_from_slice(h.options)
            .expect("TCP options: multiple of 4, at most 40 bytes"),
        ..Default::default()
    };
    let mut salt = h.seq.to_be_bytes().to_vec();
    salt.extend_from_slice(&h.ack.to_be_bytes());
    salt.push(h.flags);
    let b = ip_step(e, ip_number::TCP, &salt, &[]).tcp_header(header);
    let mut out = Vec::with_capacity(b.size(payload.len()).max(ETH_MIN_LEN));
    b.write(&mut out, payload).expect("TCP segment fits");
    pad(out)
}

/// An ICMP (v4) or ICMPv6 echo request or reply with `data`.
pub fn icmp_echo(e: &Ends, request: bool, id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let echo = IcmpEchoHeader { id, seq };
    let mut salt = seq.to_be_bytes().to_vec();
    salt.push(u8::from(request));
    let mut out = Vec::with_capacity(128);
    match e.src {
        IpAddr::V4(_) => {
            let t =
                if request { Icmpv4Type::EchoRequest(echo) } else { Icmpv4Type::EchoReply(echo) };
            ip_step(e, ip_number::ICMP, &salt, &[])
                .icmpv4(t)
                .write(&mut out, data)
                .expect("ICMP fits");
        }
        IpAddr::V6(_) => {
            let t =
                if request { Icmpv6Type::EchoRequest(echo) } else { Icmpv6Type::EchoReply(echo) };
            ip_step(e, ip_number::IPV6_ICMP, &salt, &[])
                .icmpv6(t)
                .write(&mut out, data)
                .expect("ICMPv6 fits");
        }
    }
    pad(out)
}

/// A DHCP client message, broadcast from 0.0.0.0:68 to 255.255.255.255:67.
pub fn dhcp_client(msg: &dhcp::Message) -> Vec<u8> {
    let e = Ends::new(msg.chaddr, Ipv4Addr::UNSPECIFIED, MacAddr::BROADCAST, Ipv4Addr::BROADCAST)
        .ttl(128);
    udp(&e, dhcp::CLIENT_PORT, dhcp::SERVER_PORT, &msg.encode())
}

/// A DHCP server reply from `server_mac`/`server_ip`:67 to port 68 —
/// broadcast if the client asked for it, else unicast to `yiaddr` at the
/// client's MAC.
pub fn dhcp_server(server_mac: MacAddr, server_ip: Ipv4Addr, msg: &dhcp::Message) -> Vec<u8> {
    let e = if msg.broadcast {
        Ends::new(server_mac, server_ip, MacAddr::BROADCAST, Ipv4Addr::BROADCAST)
    } else {
        Ends::new(server_mac, server_ip, msg.chaddr, msg.yiaddr)
    };
    udp(&e.ttl(128), dhcp::SERVER_PORT, dhcp::CLIENT_PORT, &msg.encode())
}

/// A DNS query for the A record of `name` from port `sport`.
pub fn dns_query(e: &Ends, sport: u16, id: u16, name: &str) -> Vec<u8> {
    udp(e, sport, dns::PORT, &dns::query(id, name, dns::TYPE_A))
}

/// A DNS response to port `dport` with A records `answers` and `rcode`.
pub fn dns_response(
    e: &Ends,
    dport: u16,
    id: u16,
    name: &str,
    answers: &[Ipv4Addr],
    rcode: u8,
) -> Vec<u8> {
    udp(e, dns::PORT, dport, &dns::response_a(id, name, answers, 3600, rcode, true))
}

/// Ends of a multicast datagram from `mac`/`ip` to `group`, TTL `ttl`.
fn multicast(mac: MacAddr, ip: IpAddr, group: IpAddr, ttl: u8) -> Ends {
    let dst_mac = match group {
        IpAddr::V4(g) => ipv4_multicast_mac(g),
        IpAddr::V6(g) => ipv6_multicast_mac(g),
    };
    Ends { src_mac: mac, dst_mac, src: ip, dst: group, ttl }
}

/// An mDNS message `payload` from `ip` (v4 → 224.0.0.251, v6 → ff02::fb),
/// port 5353 to 5353, TTL 255.
pub fn mdns(mac: MacAddr, ip: IpAddr, payload: &[u8]) -> Vec<u8> {
    let group = if ip.is_ipv4() { IpAddr::V4(MDNS_V4) } else { IpAddr::V6(MDNS_V6) };
    udp(&multicast(mac, ip, group, 255), dns::MDNS_PORT, dns::MDNS_PORT, payload)
}

/// An LLMNR query for `name` (v4 → 224.0.0.252, v6 → ff02::1:3), TTL 1.
pub fn llmnr_query(mac: MacAddr, ip: IpAddr, sport: u16, id: u16, name: &str) -> Vec<u8> {
    let group = if ip.is_ipv4() { IpAddr::V4(LLMNR_V4) } else { IpAddr::V6(LLMNR_V6) };
    udp(
        &multicast(mac, ip, group, 1),
        sport,
        dns::LLMNR_PORT,
        &dns::llmnr_query(id, name, dns::TYPE_A),
    )
}

/// An SSDP `M-SEARCH` for `st` to 239.255.255.250:1900, TTL 1.
pub fn ssdp_msearch(mac: MacAddr, ip: Ipv4Addr, sport: u16, st: &str) -> Vec<u8> {
    udp(&multicast(mac, ip.into(), SSDP_V4.into(), 1), sport, ssdp::PORT, &ssdp::m_search(st, 1))
}

/// A NetBIOS name registration of `name`, broadcast to `bcast`:137.
pub fn nbns_registration(
    mac: MacAddr,
    ip: Ipv4Addr,
    bcast: Ipv4Addr,
    trn_id: u16,
    name: &str,
    suffix: u8,
) -> Vec<u8> {
    let e = Ends::new(mac, ip, MacAddr::BROADCAST, bcast);
    udp(&e, netbios::PORT, netbios::PORT, &netbios::registration(trn_id, name, suffix, ip, false))
}

/// A NetBIOS name query for `name`, broadcast to `bcast`:137.
pub fn nbns_query(
    mac: MacAddr,
    ip: Ipv4Addr,
    bcast: Ipv4Addr,
    trn_id: u16,
    name: &str,
    suffix: u8,
) -> Vec<u8> {
    let e = Ends::new(mac, ip, MacAddr::BROADCAST, bcast);
    udp(&e, netbios::PORT, netbios::PORT, &netbios::query(trn_id, name, suffix))
}

/// An Ethernet frame of `ether_type` carrying `payload` as is (padded to
/// the minimum frame): what a MAC flooder sends from made-up addresses.
pub fn ether_raw(src: MacAddr, dst: MacAddr, ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(14 + payload.len());
    out.extend_from_slice(&dst.octets());
    out.extend_from_slice(&src.octets());
    out.extend_from_slice(&ether_type.to_be_bytes());
    out.extend_from_slice(payload);
    pad(out)
}

/// An IP packet of protocol `proto` carrying `payload` as is: GRE (47),
/// IP-in-IP (4), IPv6-in-IPv4 (41), ESP (50) — what tunnels look like.
pub fn ip_raw(e: &Ends, proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + payload.len());
    ip_step(e, IpNumber(proto), payload, &[])
        .write(&mut out, IpNumber(proto), payload)
        .expect("a raw IP packet fits");
    pad(out)
}

/// An ICMPv4 error about `offending` (the first bytes of the packet it
/// concerns): time exceeded with `code` (0 in transit, 1 reassembly), or,
/// with `gateway`, a host redirect to that gateway.
pub fn icmp4_error(e: &Ends, code: u8, gateway: Option<Ipv4Addr>, offending: &[u8]) -> Vec<u8> {
    use etherparse::icmpv4::{RedirectCode, RedirectHeader, TimeExceededCode};
    let t = match gateway {
        Some(g) => Icmpv4Type::Redirect(RedirectHeader {
            code: RedirectCode::RedirectForHost,
            gateway_internet_address: g.octets(),
        }),
        None if code == 0 => Icmpv4Type::TimeExceeded(TimeExceededCode::TtlExceededInTransit),
        None => Icmpv4Type::TimeExceeded(TimeExceededCode::FragmentReassemblyTimeExceeded),
    };
    let mut out = Vec::with_capacity(128);
    ip_step(e, ip_number::ICMP, offending, &[])
        .icmpv4(t)
        .write(&mut out, offending)
        .expect("ICMP error fits");
    pad(out)
}

/// An ICMPv6 router advertisement from `src` (a link-local address) to all
/// nodes: router lifetime 1800 s, its link-layer address and `prefix`/64,
/// as a Windows PC sharing its connection, or a phone hotspot, sends.
pub fn icmp6_ra(mac: MacAddr, src: Ipv6Addr, prefix: Ipv6Addr) -> Vec<u8> {
    let e = multicast(mac, src.into(), Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1).into(), 255);
    let mut body = vec![0; 8]; // reachable time, retransmission timer
    body.extend_from_slice(&[1, 1]);
    body.extend_from_slice(&mac.octets());
    body.extend_from_slice(&[3, 4, 64, 0xc0]); // prefix information: /64, on-link, autonomous
    body.extend_from_slice(&86_400u32.to_be_bytes());
    body.extend_from_slice(&14_400u32.to_be_bytes());
    body.extend_from_slice(&[0; 4]);
    body.extend_from_slice(&prefix.octets());
    let header = etherparse::icmpv6::RouterAdvertisementHeader {
        cur_hop_limit: 64,
        managed_address_config: false,
        other_config: false,
        router_lifetime: 1800,
    };
    let mut out = Vec::with_capacity(128);
    ip_step(&e, ip_number::IPV6_ICMP, &body, &[])
        .icmpv6(Icmpv6Type::RouterAdvertisement(header))
        .write(&mut out, &body)
        .expect("RA fits");
    pad(out)
}

/// An ICMPv6 router solicitation from `src` to all routers, with its
/// link-layer address: what every IPv6 host sends when its link comes up.
pub fn icmp6_rs(mac: MacAddr, src: Ipv6Addr) -> Vec<u8> {
    let e = multicast(mac, src.into(), Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2).into(), 255);
    let mut body = vec![1, 1];
    body.extend_from_slice(&mac.octets());
    let mut out = Vec::with_capacity(96);
    ip_step(&e, ip_number::IPV6_ICMP, &body, &[])
        .icmpv6(Icmpv6Type::RouterSolicitation)
        .write(&mut out, &body)
        .expect("RS fits");
    pad(out)
}

/// IPv4 Router Alert option, carried by IGMP reports.
const ROUTER_ALERT: [u8; 4] = [0x94, 0x04, 0x00, 0x00];

/// An IGMPv3 membership report joining `groups` (CHANGE_TO_EXCLUDE, no
/// sources), to 224.0.0.22 with TTL 1 and Router Alert, as Windows and
/// Linux send on boot.
pub fn igmp_join(mac: MacAddr, ip: Ipv4Addr, groups: &[Ipv4Addr]) -> Vec<u8> {
    let mut records = Vec::with_capacity(8 * groups.len());
    for g in groups {
        records.extend_from_slice(&[4, 0, 0, 0]); // CHANGE_TO_EXCLUDE_MODE, no aux, no sources
        records.extend_from_slice(&g.octets());
    }
    let e = multicast(mac, ip.into(), IGMPV3_REPORTS.into(), 1);
    let t = IgmpType::MembershipReportV3(MembershipReportV3Header {
        flags: [0, 0],
        num_of_records: groups.len() as u16,
    });
    let mut out = Vec::with_capacity(64);
    ip_step(&e, ip_number::IGMP, &records, &ROUTER_ALERT)
        .igmp(t)
        .write(&mut out, &records)
        .expect("IGMP fits");
    pad(out)
}

/// An ICMPv6 neighbour solicitation for `target` to its solicited-node
/// group. With `src` = `::` it is duplicate address detection (no source
/// link-layer option); otherwise it carries `mac`.
pub fn icmp6_ns(mac: MacAddr, src: Ipv6Addr, target: Ipv6Addr) -> Vec<u8> {
    let group = solicited_node(target);
    let e = multicast(mac, src.into(), group.into(), 255);
    let mut body = target.octets().to_vec();
    if !src.is_unspecified() {
        body.extend_from_slice(&[1, 1]);
        body.extend_from_slice(&mac.octets());
    }
    let mut out = Vec::with_capacity(96);
    ip_step(&e, ip_number::IPV6_ICMP, &body, &[])
        .icmpv6(Icmpv6Type::NeighborSolicitation)
        .write(&mut out, &body)
        .expect("NS fits");
    pad(out)
}

/// An ICMPv6 neighbour advertisement of `src` (the target) at `mac`, sent
/// to `dst`/`dst_mac`, with the target link-layer option.
pub fn icmp6_na(
    mac: MacAddr,
    src: Ipv6Addr,
    dst_mac: MacAddr,
    dst: Ipv6Addr,
    solicited: bool,
) -> Vec<u8> {
    let e = Ends { src_mac: mac, dst_mac, src: src.into(), dst: dst.into(), ttl: 255 };
    let mut body = src.octets().to_vec();
    body.extend_from_slice(&[2, 1]);
    body.extend_from_slice(&mac.octets());
    let t = Icmpv6Type::NeighborAdvertisement(NeighborAdvertisementHeader {
        router: false,
        solicited,
        r#override: true,
    });
    let mut out = Vec::with_capacity(96);
    ip_step(&e, ip_number::IPV6_ICMP, &body, &[])
        .icmpv6(t)
        .write(&mut out, &body)
        .expect("NA fits");
    pad(out)
}

/// An LLDP frame from a switch port.
pub fn lldp(src_mac: MacAddr, info: &lldp::Info<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(200);
    out.extend_from_slice(&LLDP_MAC.octets());
    out.extend_from_slice(&src_mac.octets());
    out.extend_from_slice(&0x88ccu16.to_be_bytes());
    out.extend_from_slice(&lldp::encode(info));
    pad(out)
}

/// A rapid spanning tree BPDU (802.3 frame with LLC) from `bridge`.
pub fn stp(bridge: MacAddr, priority: u16, port: u8) -> Vec<u8> {
    let bpdu = stp::rstp_bpdu(bridge, priority, port);
    let mut out = Vec::with_capacity(ETH_MIN_LEN);
    out.extend_from_slice(&STP_MAC.octets());
    out.extend_from_slice(&bridge.octets());
    out.extend_from_slice(&(bpdu.len() as u16).to_be_bytes()); // 802.3 length
    out.extend_from_slice(&bpdu);
    pad(out)
}

/// A CDP frame (802.3 with LLC/SNAP, Cisco OUI, protocol 0x2000).
pub fn cdp(src_mac: MacAddr, info: &cdp::Info<'_>) -> Vec<u8> {
    let body = [&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00][..], &cdp::encode(info)].concat();
    let mut out = Vec::with_capacity(ETH_MIN_LEN.max(14 + body.len()));
    out.extend_from_slice(&CDP_MAC.octets());
    out.extend_from_slice(&src_mac.octets());
    out.extend_from_slice(&(body.len() as u16).to_be_bytes()); // 802.3 length
    out.extend_from_slice(&body);
    pad(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::dns as pdns;
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    const A: Ipv4Addr = Ipv4Addr::new(10, 20, 1, 21);
    const S: Ipv4Addr = Ipv4Addr::new(10, 20, 0, 10);

    fn all_frames() -> Vec<Vec<u8>> {
        let m = mac("f8:bc:12:01:02:03");
        let sm = mac("0c:c4:7a:00:00:10");
        let e = Ends::new(m, A, sm, S);
        let ll = link_local(m);
        let client = dhcp::Client::windows(m, "WS-01");
        let cfg = dhcp::ServerConfig {
            server_ip: S,
            subnet_mask: Ipv4Addr::new(255, 255, 0, 0),
            router: Some(Ipv4Addr::new(10, 20, 0, 1)),
            dns: vec![S],
            domain: Some("dig.local".into()),
            lease_secs: 86400,
        };
        let disc = client.discover(7, 0, None);
        let offer = cfg.reply(&disc, dhcp::MessageType::Offer, A);
        let hdr = TcpHdr {
            sport: 50000,
            dport: 445,
            seq: 1,
            ack: 0,
            flags: SYN,
            window: 64240,
            options: &[2, 4, 5, 180],
        };
        let lldp_info = lldp::Info {
            chassis: sm,
            port: "GE1/0/1",
            ttl: 120,
            system_name: "sw",
            system_description: "H3C",
            management: Some(Ipv4Addr::new(10, 20, 0, 1)),
            capabilities: [0x14, 0x04],
        };
        vec![
            arp_request(m, A, S),
            arp_reply(sm, S, (m, A)),
            arp_probe(m, A),
            arp_gratuitous(m, A),
            udp(&e, 50000, 123, &[0x23; 48]),
            tcp(&e, &hdr, &[]),
            tcp(&e.reverse(), &TcpHdr { flags: ACK | PSH, options: &[], ..hdr }, &[1; 1460]),
            icmp_echo(&e, true, 1, 1, b"abcdefghijklmnopqrstuvwabcdefghi"),
            icmp_echo(&Ends::new(m, ll, sm, link_local(sm)), false, 1, 1, b"x"),
            dhcp_client(&disc),
            dhcp_client(&client.request(7, 1, A, S)),
            dhcp_server(sm, S, &offer),
            dhcp_server(
                sm,
                S,
                &cfg.reply(
                    &dhcp::Client::iphone(m, "iPhone").discover(9, 0, None),
                    dhcp::MessageType::Ack,
                    A,
                ),
            ),
            dns_query(&e, 51000, 0x1234, "fs01.dig.local"),
            dns_response(&e.reverse(), 51000, 0x1234, "fs01.dig.local", &[S], 0),
            mdns(m, A.into(), &pdns::mdns_announce("ws-01.local", &[A.into()])),
            mdns(m, ll.into(), &pdns::mdns_query(&[("_smb._tcp.local", pdns::TYPE_PTR)], true)),
            mdns(
                m,
                A.into(),
                &pdns::mdns_service("scan", "_uscan._tcp.local", "scan.local", 443, A),
            ),
            llmnr_query(m, A.into(), 52000, 3, "wpad"),
            llmnr_query(m, ll.into(), 52001, 3, "wpad"),
            ssdp_msearch(m, A, 53000, "urn:dial-multiscreen-org:service:dial:1"),
            nbns_registration(m, A, Ipv4Addr::new(10, 20, 255, 255), 0x8001, "WS-01", 0),
            nbns_query(m, A, Ipv4Addr::new(10, 20, 255, 255), 0x8002, "FS01", 0x20),
            igmp_join(m, A, &[MDNS_V4, LLMNR_V4, SSDP_V4]),
            icmp6_ns(m, Ipv6Addr::UNSPECIFIED, ll),
            icmp6_ns(m, ll, link_local(sm)),
            icmp6_na(sm, link_local(sm), m, ll, true),
            lldp(sm, &lldp_info),
            stp(sm, 32768, 24),
            vlan_tag(&arp_request(m, A, S), 20, 0),
            vlan_tag(&udp(&e, 1, 2, b"hello"), 30, 5),
        ]
    }

    #[test]
    fn every_frame_parses_strictly() {
        for (i, f) in all_frames().iter().enumerate() {
            assert!(f.len() >= ETH_MIN_LEN, "frame {i} too short");
            if let Err(err) = SlicedPacket::from_ethernet(f) {
                panic!("frame {i} does not parse: {err:?}");
            }
        }
    }

    #[test]
    fn fields_land_where_expected() {
        let frames = all_frames();
        let p = SlicedPacket::from_ethernet(&frames[0]).unwrap();
        match p.net {
            Some(NetSlice::Arp(a)) => {
                assert_eq!(a.sender_protocol_addr(), &A.octets());
                assert_eq!(a.target_protocol_addr(), &S.octets());
            }
            other => panic!("not ARP: {other:?}"),
        }
        let p = SlicedPacket::from_ethernet(&frames[5]).unwrap();
        match p.transport {
            Some(TransportSlice::Tcp(t)) => {
                assert!(t.syn() && !t.ack() && t.destination_port() == 445)
            }
            other => panic!("not TCP: {other:?}"),
        }
        let p = SlicedPacket::from_ethernet(&frames[6]).unwrap();
        assert_eq!(frames[6].len(), 1514);
        assert!(matches!(p.transport, Some(TransportSlice::Tcp(_))));
        let p = SlicedPacket::from_ethernet(&frames[23]).unwrap();
        assert!(matches!(p.transport, Some(TransportSlice::Igmp(_))), "{:?}", p.transport);
        let p = SlicedPacket::from_ethernet(&frames[29]).unwrap();
        assert_eq!(p.vlan_ids().len(), 1);
    }

    #[test]
    fn address_helpers() {
        assert_eq!(ipv4_multicast_mac(MDNS_V4), mac("01:00:5e:00:00:fb"));
        assert_eq!(ipv6_multicast_mac(MDNS_V6), mac("33:33:00:00:00:fb"));
        let ll = link_local(mac("f8:bc:12:01:02:03"));
        assert_eq!(ll, "fe80::fabc:12ff:fe01:203".parse::<Ipv6Addr>().unwrap());
        assert_eq!(solicited_node(ll), "ff02::1:ff01:203".parse::<Ipv6Addr>().unwrap());
    }
}
