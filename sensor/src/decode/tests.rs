//! Tests of [`decode`]: golden frames with every field checked, malformed
//! and cut frames with their reasons, every wired link type, and a no-panic
//! sweep over truncations and corruptions.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::PacketBuilder;
use gapwatch_rules::{MacAddr, Timestamp};

use super::*;

// ---------------------------------------------------------------------------
// Golden frames
// ---------------------------------------------------------------------------

/// 00:1b:21:aa:bb:01 (10.20.0.5:53124) → 00:1b:21:aa:bb:02 (10.20.0.1:53),
/// IPv4 TTL 64 DF, UDP, DNS query "example.com" A (29 bytes).
static DNS_QUERY: [u8; 71] = [
    0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x02, 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x39, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x41, 0x0a, 0x14, 0x00, 0x05, 0x0a, 0x14,
    0x00, 0x01, 0xcf, 0x84, 0x00, 0x35, 0x00, 0x25, 0x3a, 0x1b, 0x12, 0x34, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63,
    0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
];

/// ARP request, broadcast, from 00:1b:21:aa:bb:01 / 10.20.0.5: who has
/// 10.20.0.1? Padded to the 60-byte Ethernet minimum.
static ARP_REQUEST: [u8; 60] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01, 0x08, 0x06, 0x00, 0x01,
    0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01, 0x0a, 0x14, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// 3c:52:82:0a:0b:0c → 00:1b:21:aa:bb:01, 802.1Q VLAN 42, IPv6 hop limit
/// 64, 2001:db8::10:49152 → 2001:db8::1:443, TCP SYN, no payload.
static TCP_SYN_V6_VLAN: [u8; 78] = [
    0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01, 0x3c, 0x52, 0x82, 0x0a, 0x0b, 0x0c, 0x81, 0x00, 0x00, 0x2a,
    0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x01, 0xbb, 0x01, 0x02,
    0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xfa, 0xf0, 0x93, 0xad, 0x00, 0x00,
];

const MAC_A: [u8; 6] = [0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01];
const MAC_B: [u8; 6] = [0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x02];
const IP_A: [u8; 4] = [10, 20, 0, 5];
const IP_B: [u8; 4] = [10, 20, 0, 1];
const IP6_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
const IP6_B: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];

/// Ethernet header length, and the offsets into an untagged IPv4 frame.
const ETH: usize = 14;
const IP4_TOTAL_LEN: usize = ETH + 2;
const IP4_FLAGS: usize = ETH + 6;
const L4: usize = ETH + 20;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A frame captured whole.
fn whole(link: LinkType, data: &[u8]) -> Frame<'_> {
    Frame { ts: Timestamp::from_secs(0), link, data, orig_len: data.len() as u32 }
}

/// A frame the capture cut to `data` out of `orig_len` bytes on the wire.
fn snapped(link: LinkType, data: &[u8], orig_len: usize) -> Frame<'_> {
    Frame { ts: Timestamp::from_secs(0), link, data, orig_len: orig_len as u32 }
}

fn eth_decode(data: &[u8]) -> Decoded<'_> {
    decode(&whole(LinkType::ETHERNET, data))
}

fn ip_of<'a>(d: &Decoded<'a>) -> Ip<'a> {
    match d.net {
        Net::Ip(ip) => ip,
        other => panic!("expected IP, got {other:?} ({:?})", d.error),
    }
}

fn arp_of(d: &Decoded<'_>) -> Arp {
    match d.net {
        Net::Arp(arp) => arp,
        other => panic!("expected ARP, got {other:?} ({:?})", d.error),
    }
}

fn v4(o: [u8; 4]) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(o))
}

fn v6(o: [u8; 16]) -> IpAddr {
    IpAddr::V6(Ipv6Addr::from(o))
}

fn ethernet(dst: [u8; 6], src: [u8; 6], ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ETH + payload.len());
    out.extend_from_slice(&dst);
    out.extend_from_slice(&src);
    out.extend_from_slice(&ether_type.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An IPv4/UDP packet, no link header.
fn ipv4_udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4(IP_A, IP_B, 64).udp(sport, dport).write(&mut out, payload).unwrap();
    out
}

/// An IPv4/TCP packet with a plain 20-byte header, no link header.
fn ipv4_tcp(sport: u16, dport: u16, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4(IP_A, IP_B, 64)
        .tcp(sport, dport, 1000, 64240)
        .write(&mut out, payload)
        .unwrap();
    out[20 + 13] = flags;
    out
}

/// An IPv6 packet with `next_header` and the given (extension + upper
/// layer) bytes.
fn ipv6_raw(next_header: u8, rest: &[u8]) -> Vec<u8> {
    let mut out = vec![0x60, 0, 0, 0];
    out.extend_from_slice(&(rest.len() as u16).to_be_bytes());
    out.extend_from_slice(&[next_header, 64]);
    out.extend_from_slice(&IP6_A);
    out.extend_from_slice(&IP6_B);
    out.extend_from_slice(rest);
    out
}

fn udp_header(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&sport.to_be_bytes());
    out.extend_from_slice(&dport.to_be_bytes());
    out.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    out
}

fn ipv6_fragment_header(next_header: u8, offset_units: u16, more: bool) -> [u8; 8] {
    let field = (offset_units << 3) | u16::from(more);
    let f = field.to_be_bytes();
    [next_header, 0, f[0], f[1], 0xde, 0xad, 0xbe, 0xef]
}

fn eth_ipv4(ip: &[u8]) -> Vec<u8> {
    ethernet(MAC_B, MAC_A, 0x0800, ip)
}

fn eth_ipv6(ip: &[u8]) -> Vec<u8> {
    ethernet(MAC_B, MAC_A, 0x86dd, ip)
}

fn arp_body(op: u16, sha: [u8; 6], spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]) -> Vec<u8> {
    let mut out = vec![0x00, 0x01, 0x08, 0x00, 6, 4];
    out.extend_from_slice(&op.to_be_bytes());
    out.extend_from_slice(&sha);
    out.extend_from_slice(&spa);
    out.extend_from_slice(&tha);
    out.extend_from_slice(&tpa);
    out
}

fn sll_header(src: [u8; 6], protocol: u16) -> Vec<u8> {
    let mut out = vec![0x00, 0x00, 0x00, 0x01, 0x00, 0x06];
    out.extend_from_slice(&src);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&protocol.to_be_bytes());
    out
}

fn sll2_header(src: [u8; 6], protocol: u16) -> Vec<u8> {
    let mut out = protocol.to_be_bytes().to_vec();
    out.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0x00, 0x01, 0x00, 6]);
    out.extend_from_slice(&src);
    out.extend_from_slice(&[0, 0]);
    out
}

fn concat(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = a.to_vec();
    out.extend_from_slice(b);
    out
}

// ---------------------------------------------------------------------------
// Golden bytes
// ---------------------------------------------------------------------------

#[test]
fn golden_dns_query_over_ipv4_udp() {
    let d = eth_decode(&DNS_QUERY);
    assert_eq!(d.error, None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
    assert_eq!(d.dst_mac, Some(MacAddr(MAC_B)));
    assert_eq!(d.vlan, None);
    let ip = ip_of(&d);
    assert_eq!(ip.src, v4(IP_A));
    assert_eq!(ip.dst, v4(IP_B));
    assert_eq!(ip.proto, 17);
    assert_eq!(ip.ttl, 64);
    assert_eq!(ip.fragment, Fragment::Whole);
    assert_eq!(ip.transport, Transport::Udp { src_port: 53124, dst_port: 53 });
    assert_eq!(ip.payload.len(), 29);
    assert_eq!(ip.payload, &DNS_QUERY[42..]);
    assert_eq!(&ip.payload[..2], &[0x12, 0x34], "DNS id");
}

#[test]
fn golden_arp_request() {
    let d = eth_decode(&ARP_REQUEST);
    assert_eq!(d.error, None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
    assert_eq!(d.dst_mac, Some(MacAddr::BROADCAST));
    assert_eq!(d.vlan, None);
    assert_eq!(
        arp_of(&d),
        Arp {
            operation: 1,
            sender_mac: MacAddr(MAC_A),
            sender_ip: Ipv4Addr::new(10, 20, 0, 5),
            target_ip: Ipv4Addr::new(10, 20, 0, 1),
        }
    );
}

#[test]
fn golden_tcp_syn_over_vlan_ipv6() {
    let d = eth_decode(&TCP_SYN_V6_VLAN);
    assert_eq!(d.error, None);
    assert_eq!(d.src_mac, Some(MacAddr([0x3c, 0x52, 0x82, 0x0a, 0x0b, 0x0c])));
    assert_eq!(d.dst_mac, Some(MacAddr(MAC_A)));
    assert_eq!(d.vlan, Some(42));
    let ip = ip_of(&d);
    assert_eq!(ip.src, "2001:db8::10".parse::<IpAddr>().unwrap());
    assert_eq!(ip.dst, "2001:db8::1".parse::<IpAddr>().unwrap());
    assert_eq!(ip.proto, 6);
    assert_eq!(ip.ttl, 64);
    assert_eq!(ip.fragment, Fragment::Whole);
    assert_eq!(ip.transport, Transport::Tcp { src_port: 49152, dst_port: 443, flags: 0x02 });
    assert!(ip.payload.is_empty());
}

#[test]
fn tcp_flag_byte_maps_every_bit() {
    for flags in [0x01u8, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x12, 0x11, 0xff] {
        let frame = eth_ipv4(&ipv4_tcp(40000, 22, flags, b"x"));
        let ip = ip_of(&eth_decode(&frame));
        assert_eq!(ip.transport, Transport::Tcp { src_port: 40000, dst_port: 22, flags });
        assert_eq!(ip.payload, b"x");
    }
}

// ---------------------------------------------------------------------------
// Link layer: VLAN, ARP, truncation
// ---------------------------------------------------------------------------

#[test]
fn qinq_reports_outer_vlan_and_still_decodes_ip() {
    let ip = ipv4_udp(5353, 5353, b"mdns");
    let mut tags = vec![0x00, 100, 0x81, 0x00, 0x00, 200, 0x08, 0x00];
    tags.extend_from_slice(&ip);
    let frame = ethernet(MAC_B, MAC_A, 0x88a8, &tags);
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    assert_eq!(d.vlan, Some(100));
    let ip = ip_of(&d);
    assert_eq!((ip.src, ip.dst), (v4(IP_A), v4(IP_B)));
    assert_eq!(ip.transport, Transport::Udp { src_port: 5353, dst_port: 5353 });
    assert_eq!(ip.payload, b"mdns");
}

#[test]
fn vlan_tag_cut_short_is_vlan_truncated() {
    let frame = ethernet(MAC_B, MAC_A, 0x8100, &[0x00, 0x2a]);
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::VlanTruncated));
    assert_eq!(d.net, Net::None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
}

#[test]
fn arp_reply_fields() {
    let body = arp_body(2, MAC_B, IP_B, MAC_A, IP_A);
    let frame = ethernet(MAC_A, MAC_B, 0x0806, &body);
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_B)));
    assert_eq!(d.dst_mac, Some(MacAddr(MAC_A)));
    assert_eq!(
        arp_of(&d),
        Arp {
            operation: 2,
            sender_mac: MacAddr(MAC_B),
            sender_ip: Ipv4Addr::from(IP_B),
            target_ip: Ipv4Addr::from(IP_A),
        }
    );
}

#[test]
fn arp_with_non_ethernet_hardware_length_is_malformed() {
    // Hardware length 8: sender/target hardware addresses of 8 bytes each.
    let mut body = vec![0x00, 0x06, 0x08, 0x00, 8, 4, 0x00, 0x01];
    body.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    body.extend_from_slice(&IP_A);
    body.extend_from_slice(&[0; 8]);
    body.extend_from_slice(&IP_B);
    let frame = ethernet(MacAddr::BROADCAST.0, MAC_A, 0x0806, &body);
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::ArpMalformed));
    assert_eq!(d.net, Net::None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
    assert_eq!(d.dst_mac, Some(MacAddr::BROADCAST));
}

#[test]
fn arp_cut_short_is_malformed_unless_snapped() {
    let cut = &ARP_REQUEST[..ETH + 20];
    let d = eth_decode(cut);
    assert_eq!(d.error, Some(DecodeError::ArpMalformed));
    assert_eq!(d.net, Net::None);
    let d = decode(&snapped(LinkType::ETHERNET, cut, ARP_REQUEST.len()));
    assert_eq!(d.error, None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
}

#[test]
fn zero_length_frame_is_empty() {
    for link in [LinkType::ETHERNET, LinkType::RAW, LinkType::LINUX_SLL, LinkType::NULL] {
        let d = decode(&whole(link, &[]));
        assert_eq!(d, Decoded::empty(Some(DecodeError::Empty)), "{link:?}");
    }
}

#[test]
fn thirteen_byte_ethernet_is_link_truncated() {
    let d = eth_decode(&DNS_QUERY[..13]);
    assert_eq!(d.error, Some(DecodeError::LinkTruncated));
    assert_eq!(d.src_mac, None);
    assert_eq!(d.net, Net::None);
}

#[test]
fn unknown_ether_type_is_no_error_and_no_net() {
    let frame = ethernet(MAC_B, MAC_A, 0x88b5, &[0; 40]); // local experimental
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    assert_eq!(d.net, Net::None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
}

#[test]
fn lldp_is_a_discovery_message_behind_its_ether_type_and_vlan_tags() {
    let frame = ethernet(MAC_B, MAC_A, 0x88cc, &[0x02, 0x07, 0x04]);
    assert_eq!(eth_decode(&frame).net, Net::Discovery(Discovery::Lldp, &[0x02, 0x07, 0x04][..]));
    let tagged = ethernet(MAC_B, MAC_A, 0x8100, &[0x00, 0x0a, 0x88, 0xcc, 0x02]);
    let d = eth_decode(&tagged);
    assert_eq!((d.vlan, d.net), (Some(10), Net::Discovery(Discovery::Lldp, &[0x02][..])));
}

#[test]
fn llc_frames_carry_spanning_tree_and_cdp_up_to_their_length() {
    // 802.3: the type field is a length; the rest of the frame is padding.
    let mut bpdu = vec![0x42, 0x42, 0x03, 0x00, 0x00];
    let stp = ethernet(MAC_B, MAC_A, bpdu.len() as u16, &[bpdu.clone(), vec![0xee; 20]].concat());
    assert_eq!(eth_decode(&stp).net, Net::Discovery(Discovery::Stp, &[0x00, 0x00][..]));
    let snap = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 0x02, 0xb4];
    let cdp = ethernet(MAC_B, MAC_A, snap.len() as u16, &snap);
    assert_eq!(eth_decode(&cdp).net, Net::Discovery(Discovery::Cdp, &[0x02, 0xb4][..]));
    // Other LLC protocols (NetBIOS over LLC, IPX) and SNAP with another OUI
    // are no error, and nothing read.
    bpdu[0] = 0xf0;
    for llc in [&bpdu[..], &[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x20, 0x00], &[0x42]] {
        let frame = ethernet(MAC_B, MAC_A, llc.len() as u16, llc);
        let d = eth_decode(&frame);
        assert_eq!((d.net, d.error), (Net::None, None), "{llc:02x?}");
    }
    // Linux cooked captures say "802.2 LLC follows" (4), with no length.
    for link in [LinkType::LINUX_SLL, LinkType::LINUX_SLL2] {
        let frame = wrap(link, 0x0004, &[0x42, 0x42, 0x03, 0x00, 0x00, 0x02]);
        let d = decode(&whole(link, &frame));
        assert_eq!(d.net, Net::Discovery(Discovery::Stp, &[0x00, 0x00, 0x02][..]), "{link:?}");
        let other = wrap(link, 0x0001, &[0x42, 0x42, 0x03, 0x00]);
        assert_eq!(decode(&whole(link, &other)).net, Net::None, "{link:?}: Novell 802.3");
    }
    // A length past the frame reads what is there.
    let long = ethernet(MAC_B, MAC_A, 1500, &[0x42, 0x42, 0x03, 0x00]);
    assert_eq!(eth_decode(&long).net, Net::Discovery(Discovery::Stp, &[0x00][..]));
}

#[test]
fn frame_of_256_kib_with_trailing_bytes_decodes() {
    let mut frame = eth_ipv4(&ipv4_udp(1234, 9999, &[7; 100]));
    frame.resize(262_144, 0xee);
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    let ip = ip_of(&d);
    assert_eq!(ip.transport, Transport::Udp { src_port: 1234, dst_port: 9999 });
    assert_eq!(ip.payload, &[7; 100][..], "the IP length bounds the payload, not the frame");
}

// ---------------------------------------------------------------------------
// IP header errors and lengths
// ---------------------------------------------------------------------------

#[test]
fn ipv4_header_length_below_five_is_invalid_but_mac_is_read() {
    let mut frame = eth_ipv4(&ipv4_udp(1, 2, b"abc"));
    frame[ETH] = 0x44;
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::IpHeaderInvalid));
    assert_eq!(d.net, Net::None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
    assert_eq!(d.dst_mac, Some(MacAddr(MAC_B)));
}

#[test]
fn ip_version_other_than_4_or_6_is_invalid() {
    let mut frame = eth_ipv4(&ipv4_udp(1, 2, b"abc"));
    frame[ETH] = 0x55;
    assert_eq!(eth_decode(&frame).error, Some(DecodeError::IpHeaderInvalid));
}

#[test]
fn ip_header_cut_short_is_truncated() {
    let frame = eth_ipv4(&ipv4_udp(1, 2, b"abc"));
    let d = eth_decode(&frame[..ETH + 12]);
    assert_eq!(d.error, Some(DecodeError::IpHeaderTruncated));
    assert_eq!(d.net, Net::None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
}

/// A UDP packet whose IPv4 total length claims 100 more bytes than follow.
fn overlong_ipv4_frame() -> Vec<u8> {
    let mut frame = eth_ipv4(&ipv4_udp(4000, 53, b"0123456789"));
    let claimed = (frame.len() - ETH + 100) as u16;
    frame[IP4_TOTAL_LEN..IP4_TOTAL_LEN + 2].copy_from_slice(&claimed.to_be_bytes());
    frame
}

#[test]
fn ipv4_length_beyond_whole_frame_is_mismatch() {
    let frame = overlong_ipv4_frame();
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::IpLengthMismatch));
    assert_eq!(d.net, Net::None);
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
}

#[test]
fn ipv4_length_beyond_snapped_frame_is_no_error() {
    let frame = overlong_ipv4_frame();
    let d = decode(&snapped(LinkType::ETHERNET, &frame, frame.len() + 100));
    assert_eq!(d.error, None);
    let ip = ip_of(&d);
    assert_eq!((ip.src, ip.dst), (v4(IP_A), v4(IP_B)));
    assert_eq!(ip.transport, Transport::Udp { src_port: 4000, dst_port: 53 });
    assert_eq!(ip.payload, b"0123456789");
}

#[test]
fn ipv6_length_beyond_whole_frame_is_mismatch_unless_snapped() {
    let mut frame = eth_ipv6(&ipv6_raw(17, &udp_header(1, 2, b"abcd")));
    let claimed = (frame.len() - ETH - 40 + 50) as u16;
    frame[ETH + 4..ETH + 6].copy_from_slice(&claimed.to_be_bytes());
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::IpLengthMismatch));
    assert_eq!(d.net, Net::None);
    let d = decode(&snapped(LinkType::ETHERNET, &frame, frame.len() + 50));
    assert_eq!(d.error, None);
    assert_eq!(ip_of(&d).transport, Transport::Udp { src_port: 1, dst_port: 2 });
}

// ---------------------------------------------------------------------------
// Transport errors
// ---------------------------------------------------------------------------

/// `packet` cut to the IPv4 header plus `l4_len` transport bytes, with the
/// total length patched to match (the sender built it that short).
fn cut_consistently(packet: &[u8], l4_len: usize) -> Vec<u8> {
    let mut frame = eth_ipv4(&packet[..20 + l4_len]);
    frame[IP4_TOTAL_LEN..IP4_TOTAL_LEN + 2].copy_from_slice(&((20 + l4_len) as u16).to_be_bytes());
    frame
}

#[test]
fn tcp_header_cut_short_is_transport_truncated() {
    let frame = cut_consistently(&ipv4_tcp(1, 2, 0x10, b""), 10);
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::TransportTruncated));
    let ip = ip_of(&d);
    assert_eq!(ip.proto, 6);
    assert_eq!(ip.transport, Transport::Unreadable);
}

#[test]
fn udp_header_cut_short_is_transport_truncated() {
    let frame = cut_consistently(&ipv4_udp(1, 2, b""), 4);
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::TransportTruncated));
    let ip = ip_of(&d);
    assert_eq!(ip.proto, 17);
    assert_eq!(ip.transport, Transport::Unreadable);
}

#[test]
fn transport_cut_by_snap_length_is_no_error() {
    let frame = eth_ipv4(&ipv4_tcp(1, 2, 0x10, b"payload"));
    let cut = &frame[..L4 + 10];
    let d = decode(&snapped(LinkType::ETHERNET, cut, frame.len()));
    assert_eq!(d.error, None);
    let ip = ip_of(&d);
    assert_eq!(ip.transport, Transport::Unreadable);
    assert_eq!((ip.src, ip.dst), (v4(IP_A), v4(IP_B)));
}

#[test]
fn tcp_data_offset_below_five_is_transport_invalid() {
    let mut frame = eth_ipv4(&ipv4_tcp(1, 2, 0x02, b""));
    frame[L4 + 12] = 0x40;
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::TransportInvalid));
    assert_eq!(ip_of(&d).transport, Transport::Unreadable);
}

#[test]
fn icmpv4_echo_request_type_and_code() {
    let mut packet = Vec::new();
    PacketBuilder::ipv4(IP_A, IP_B, 128)
        .icmpv4_echo_request(7, 1)
        .write(&mut packet, b"ping")
        .unwrap();
    let frame = eth_ipv4(&packet);
    let ip = ip_of(&eth_decode(&frame));
    assert_eq!((ip.proto, ip.ttl), (1, 128));
    assert_eq!(ip.transport, Transport::Icmp { icmp_type: 8, code: 0 });
    assert_eq!(ip.payload, b"ping");
}

#[test]
fn other_ip_protocol_has_no_ports() {
    let mut packet = ipv4_udp(1, 2, b"");
    packet[9] = 47; // GRE
    let frame = eth_ipv4(&packet);
    let ip = ip_of(&eth_decode(&frame));
    assert_eq!(ip.proto, 47);
    assert_eq!(ip.transport, Transport::Other);
    assert_eq!(ip.payload.len(), 8);
}

// ---------------------------------------------------------------------------
// Fragments and IPv6 extension headers
// ---------------------------------------------------------------------------

#[test]
fn ipv4_first_fragment_reads_udp_ports_from_payload() {
    let mut frame = eth_ipv4(&ipv4_udp(5000, 6000, &[1; 32]));
    frame[IP4_FLAGS..IP4_FLAGS + 2].copy_from_slice(&0x2000u16.to_be_bytes()); // MF, offset 0
    let ip = ip_of(&eth_decode(&frame));
    assert_eq!(ip.fragment, Fragment::First);
    assert_eq!(ip.transport, Transport::Udp { src_port: 5000, dst_port: 6000 });
}

#[test]
fn ipv4_first_fragment_reads_tcp_ports_and_flags_from_payload() {
    let mut frame = eth_ipv4(&ipv4_tcp(5000, 80, 0x18, &[1; 32]));
    frame[IP4_FLAGS..IP4_FLAGS + 2].copy_from_slice(&0x2000u16.to_be_bytes());
    let ip = ip_of(&eth_decode(&frame));
    assert_eq!(ip.fragment, Fragment::First);
    assert_eq!(ip.transport, Transport::Tcp { src_port: 5000, dst_port: 80, flags: 0x18 });
}

#[test]
fn ipv4_later_fragment_has_no_transport() {
    let mut frame = eth_ipv4(&ipv4_udp(5000, 6000, &[1; 32]));
    frame[IP4_FLAGS..IP4_FLAGS + 2].copy_from_slice(&185u16.to_be_bytes()); // offset 1480, last
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    let ip = ip_of(&d);
    assert_eq!(ip.fragment, Fragment::Later);
    assert_eq!(ip.proto, 17);
    assert_eq!(ip.transport, Transport::Other);
    assert_eq!(ip.payload.len(), 8 + 32, "the whole IP payload is fragment data");
}

#[test]
fn ipv6_hop_by_hop_then_icmpv6() {
    // Hop-by-hop: next header 58, length 0 (8 bytes), PadN over 6 bytes.
    let mut rest = vec![58, 0, 0x01, 0x04, 0, 0, 0, 0];
    // ICMPv6 MLDv2 report (143), code 0, checksum, reserved, 0 records.
    rest.extend_from_slice(&[143, 0, 0, 0, 0, 0, 0, 0]);
    let frame = eth_ipv6(&ipv6_raw(0, &rest));
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    let ip = ip_of(&d);
    assert_eq!((ip.src, ip.dst), (v6(IP6_A), v6(IP6_B)));
    assert_eq!(ip.proto, 58);
    assert_eq!(ip.ttl, 64);
    assert_eq!(ip.fragment, Fragment::Whole);
    assert_eq!(ip.transport, Transport::Icmp { icmp_type: 143, code: 0 });
}

#[test]
fn ipv6_first_fragment_reads_ports_from_payload() {
    let mut rest = ipv6_fragment_header(17, 0, true).to_vec();
    rest.extend_from_slice(&udp_header(5353, 5353, &[0; 16]));
    let frame = eth_ipv6(&ipv6_raw(44, &rest));
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    let ip = ip_of(&d);
    assert_eq!(ip.proto, 17);
    assert_eq!(ip.fragment, Fragment::First);
    assert_eq!(ip.transport, Transport::Udp { src_port: 5353, dst_port: 5353 });
}

#[test]
fn ipv6_later_fragment_has_no_transport() {
    let mut rest = ipv6_fragment_header(17, 185, false).to_vec();
    rest.extend_from_slice(&[0xab; 24]);
    let frame = eth_ipv6(&ipv6_raw(44, &rest));
    let d = eth_decode(&frame);
    assert_eq!(d.error, None);
    let ip = ip_of(&d);
    assert_eq!(ip.proto, 17);
    assert_eq!(ip.fragment, Fragment::Later);
    assert_eq!(ip.transport, Transport::Other);
    assert_eq!(ip.payload, &[0xab; 24][..]);
}

/// A fragment header followed by a hop-by-hop header (only allowed first):
/// etherparse stops after the fragment header, and its extension iterator
/// would read the hop-by-hop header from the bytes it never checked.
#[test]
fn ipv6_fragment_then_misplaced_hop_by_hop_is_extension_invalid() {
    for (offset, fragment, transport) in
        [(0, Fragment::First, Transport::Unreadable), (185, Fragment::Later, Transport::Other)]
    {
        let rest = ipv6_fragment_header(0, offset, true);
        let frame = eth_ipv6(&ipv6_raw(44, &rest));
        let d = eth_decode(&frame);
        assert_eq!(d.error, Some(DecodeError::IpExtensionInvalid));
        let ip = ip_of(&d);
        assert_eq!((ip.fragment, ip.transport), (fragment, transport));
    }
}

#[test]
fn ipv6_extension_cut_short_is_extension_invalid() {
    // Hop-by-hop claims 16 bytes, the packet holds 8.
    let frame = eth_ipv6(&ipv6_raw(0, &[58, 1, 0x01, 0x04, 0, 0, 0, 0]));
    let d = eth_decode(&frame);
    assert_eq!(d.error, Some(DecodeError::IpExtensionInvalid));
}

// ---------------------------------------------------------------------------
// Link types
// ---------------------------------------------------------------------------

fn assert_udp_a_to_b(d: &Decoded<'_>, what: &str) {
    assert_eq!(d.error, None, "{what}");
    let ip = ip_of(d);
    assert_eq!((ip.src, ip.dst), (v4(IP_A), v4(IP_B)), "{what}");
    assert_eq!(ip.transport, Transport::Udp { src_port: 67, dst_port: 68 }, "{what}");
    assert_eq!(ip.payload, b"dhcp", "{what}");
}

#[test]
fn linux_sll_takes_source_mac_from_cooked_header() {
    let data = concat(&sll_header(MAC_A, 0x0800), &ipv4_udp(67, 68, b"dhcp"));
    let d = decode(&whole(LinkType::LINUX_SLL, &data));
    assert_udp_a_to_b(&d, "sll");
    assert_eq!(d.src_mac, Some(MacAddr(MAC_A)));
    assert_eq!(d.dst_mac, None);
}

#[test]
fn linux_sll2_takes_source_mac_from_cooked_header() {
    let data = concat(&sll2_header(MAC_B, 0x0800), &ipv4_udp(67, 68, b"dhcp"));
    let d = decode(&whole(LinkType::LINUX_SLL2, &data));
    assert_udp_a_to_b(&d, "sll2");
    assert_eq!(d.src_mac, Some(MacAddr(MAC_B)));
    assert_eq!(d.dst_mac, None);
}

#[test]
fn cooked_header_cut_short_is_link_truncated() {
    let sll = sll_header(MAC_A, 0x0800);
    let d = decode(&whole(LinkType::LINUX_SLL, &sll[..15]));
    assert_eq!(d.error, Some(DecodeError::LinkTruncated));
    let sll2 = sll2_header(MAC_A, 0x0800);
    let d = decode(&whole(LinkType::LINUX_SLL2, &sll2[..19]));
    assert_eq!(d.error, Some(DecodeError::LinkTruncated));
}

#[test]
fn raw_ip_link_types_carry_ip_without_macs() {
    let v4_packet = ipv4_udp(67, 68, b"dhcp");
    for link in [LinkType::RAW, LinkType::RAW_BSD12, LinkType::RAW_BSD14, LinkType::IPV4] {
        let d = decode(&whole(link, &v4_packet));
        assert_udp_a_to_b(&d, &format!("{link:?}"));
        assert_eq!((d.src_mac, d.dst_mac), (None, None));
    }
    let v6_packet = ipv6_raw(17, &udp_header(546, 547, b"dhcp6"));
    for link in [LinkType::RAW, LinkType::IPV6] {
        let d = decode(&whole(link, &v6_packet));
        assert_eq!(d.error, None);
        let ip = ip_of(&d);
        assert_eq!((ip.src, ip.dst), (v6(IP6_A), v6(IP6_B)));
        assert_eq!(ip.transport, Transport::Udp { src_port: 546, dst_port: 547 });
    }
}

#[test]
fn raw_ip_header_cut_short() {
    let packet = ipv4_udp(67, 68, b"dhcp");
    let d = decode(&whole(LinkType::RAW, &packet[..10]));
    assert_eq!(d.error, Some(DecodeError::IpHeaderTruncated));
    assert_eq!(d.net, Net::None);
}

#[test]
fn null_link_with_af_inet_header() {
    let data = concat(&[2, 0, 0, 0], &ipv4_udp(67, 68, b"dhcp"));
    for link in [LinkType::NULL, LinkType::LOOP] {
        let d = decode(&whole(link, &data));
        assert_udp_a_to_b(&d, &format!("{link:?}"));
        assert_eq!((d.src_mac, d.dst_mac), (None, None));
    }
    let d = decode(&whole(LinkType::NULL, &[2, 0, 0, 0]));
    assert_eq!(d.error, Some(DecodeError::LinkTruncated));
}

#[test]
fn radiotap_is_wireless_not_decoded() {
    let radiotap = [0u8, 0, 8, 0, 0, 0, 0, 0, 0x80, 0, 0, 0];
    let d = decode(&whole(LinkType::IEEE802_11_RADIOTAP, &radiotap));
    assert_eq!(d, Decoded::empty(Some(DecodeError::WirelessNotDecoded)));
}

// ---------------------------------------------------------------------------
// DecodeStats
// ---------------------------------------------------------------------------

#[test]
fn stats_count_get_total_iter() {
    let mut stats = DecodeStats::default();
    assert_eq!(stats.total(), 0);
    assert_eq!(stats.iter().count(), 0);
    stats.count(DecodeError::TransportInvalid);
    stats.count(DecodeError::Empty);
    stats.count(DecodeError::Empty);
    assert_eq!(stats.get(DecodeError::Empty), 2);
    assert_eq!(stats.get(DecodeError::TransportInvalid), 1);
    assert_eq!(stats.get(DecodeError::LinkTruncated), 0);
    assert_eq!(stats.total(), 3);
    let listed: Vec<_> = stats.iter().collect();
    assert_eq!(listed, vec![(DecodeError::Empty, 2), (DecodeError::TransportInvalid, 1)]);
}

#[test]
fn every_reason_has_its_own_slot_and_name() {
    for (i, reason) in DecodeError::ALL.into_iter().enumerate() {
        assert_eq!(reason.index(), i, "{reason:?}");
        let mut stats = DecodeStats::default();
        stats.count(reason);
        assert_eq!(stats.iter().collect::<Vec<_>>(), vec![(reason, 1)]);
    }
    let mut names: Vec<_> = DecodeError::ALL.iter().map(|r| r.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), DecodeError::ALL.len());
}

// ---------------------------------------------------------------------------
// No-panic sweep
// ---------------------------------------------------------------------------

const WIRED: [LinkType; 10] = [
    LinkType::ETHERNET,
    LinkType::LINUX_SLL,
    LinkType::LINUX_SLL2,
    LinkType::NULL,
    LinkType::LOOP,
    LinkType::RAW,
    LinkType::RAW_BSD12,
    LinkType::RAW_BSD14,
    LinkType::IPV4,
    LinkType::IPV6,
];

/// Marsaglia's xorshift64: deterministic, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Network-layer packets of different kinds, with their EtherType.
fn sweep_packets() -> Vec<(u16, Vec<u8>)> {
    let mut icmp = Vec::new();
    PacketBuilder::ipv4(IP_A, IP_B, 64).icmpv4_echo_request(1, 2).write(&mut icmp, b"ab").unwrap();
    let mut icmp6 = Vec::new();
    PacketBuilder::ipv6(IP6_A, IP6_B, 255)
        .icmpv6_echo_request(1, 2)
        .write(&mut icmp6, b"ab")
        .unwrap();
    let mut tcp6 = Vec::new();
    PacketBuilder::ipv6(IP6_A, IP6_B, 64)
        .tcp(443, 50000, 9, 100)
        .syn()
        .ack(1)
        .write(&mut tcp6, b"tls")
        .unwrap();
    let mut first_fragment = ipv4_udp(1, 2, &[0; 20]);
    first_fragment[6] = 0x20;
    let mut hop_by_hop = vec![58, 0, 0x01, 0x04, 0, 0, 0, 0];
    hop_by_hop.extend_from_slice(&[143, 0, 0, 0, 0, 0, 0, 0]);
    let mut frag6 = ipv6_fragment_header(17, 0, true).to_vec();
    frag6.extend_from_slice(&udp_header(9, 10, &[1; 8]));
    let mut options = ipv4_udp(1, 2, b"opt");
    // IPv4 with 4 bytes of options (IHL 6): NOPs.
    options.splice(20..20, [1, 1, 1, 1]);
    options[0] = 0x46;
    let len = options.len() as u16;
    options[2..4].copy_from_slice(&len.to_be_bytes());
    vec![
        (0x0800, DNS_QUERY[ETH..].to_vec()),
        (0x0806, ARP_REQUEST[ETH..ETH + 28].to_vec()),
        (0x86dd, TCP_SYN_V6_VLAN[ETH + 4..].to_vec()),
        (0x0800, ipv4_tcp(1, 2, 0x18, b"GET / HTTP/1.1\r\n")),
        (0x0800, icmp),
        (0x86dd, icmp6),
        (0x86dd, tcp6),
        (0x0800, first_fragment),
        (0x86dd, ipv6_raw(0, &hop_by_hop)),
        (0x86dd, ipv6_raw(44, &frag6)),
        (0x0800, options),
        (0x0800, ipv4_udp(5353, 5353, &[0; 64])),
    ]
}

/// `packet` behind the link header of `link`.
fn wrap(link: LinkType, ether_type: u16, packet: &[u8]) -> Vec<u8> {
    match link {
        LinkType::ETHERNET => ethernet(MAC_B, MAC_A, ether_type, packet),
        LinkType::LINUX_SLL => concat(&sll_header(MAC_A, ether_type), packet),
        LinkType::LINUX_SLL2 => concat(&sll2_header(MAC_A, ether_type), packet),
        LinkType::NULL | LinkType::LOOP => concat(&[2, 0, 0, 0], packet),
        _ => packet.to_vec(),
    }
}

/// True when `link` can carry a packet of `ether_type`.
fn carries(link: LinkType, ether_type: u16) -> bool {
    match link {
        LinkType::ETHERNET | LinkType::LINUX_SLL | LinkType::LINUX_SLL2 => true,
        LinkType::IPV4 => ether_type == 0x0800,
        LinkType::IPV6 => ether_type == 0x86dd,
        _ => ether_type != 0x0806,
    }
}

fn link_header_len(link: LinkType) -> usize {
    match link {
        LinkType::ETHERNET => ETH,
        LinkType::LINUX_SLL => 16,
        LinkType::LINUX_SLL2 => 20,
        LinkType::NULL | LinkType::LOOP => 4,
        _ => 0,
    }
}

/// Decodes and checks what must hold for any bytes: the payload borrows
/// from the frame.
fn decode_checked<'a>(frame: &Frame<'a>) -> Decoded<'a> {
    let d = decode(frame);
    if let Net::Ip(ip) = d.net {
        let range = frame.data.as_ptr_range();
        let p = ip.payload.as_ptr_range();
        assert!(
            range.start <= p.start && p.end <= range.end,
            "payload outside the frame for {:?} {:02x?}",
            frame.link,
            frame.data
        );
    }
    d
}

#[test]
fn sweep_every_prefix_never_panics_and_names_a_reason() {
    for (ether_type, packet) in sweep_packets() {
        for link in WIRED {
            if !carries(link, ether_type) {
                continue;
            }
            let data = wrap(link, ether_type, &packet);
            let full = decode_checked(&whole(link, &data));
            assert_eq!(full.error, None, "{link:?} {data:02x?}");
            assert_ne!(full.net, Net::None, "{link:?} {data:02x?}");
            let net_start = link_header_len(link);
            for cut in 0..data.len() {
                let prefix = &data[..cut];
                // Cut by the sender: the frame on the wire is this short.
                let d = decode_checked(&whole(link, prefix));
                // No padding in these frames: every shorter one is broken,
                // and a frame without a network layer always says why.
                assert!(d.error.is_some(), "{link:?} cut at {cut}/{}: {d:?}", data.len());
                if cut > net_start && ether_type != 0x0806 && cut < net_start + 20 {
                    assert_eq!(d.net, Net::None, "{link:?} cut inside the IP header at {cut}");
                    assert_eq!(
                        d.error,
                        Some(DecodeError::IpHeaderTruncated),
                        "{link:?} cut inside the IP header at {cut}"
                    );
                }
                // Cut by the snap length: truncation is no error.
                let d = decode_checked(&snapped(link, prefix, data.len()));
                assert!(
                    !matches!(
                        d.error,
                        Some(
                            DecodeError::IpLengthMismatch
                                | DecodeError::IpHeaderTruncated
                                | DecodeError::TransportTruncated
                                | DecodeError::VlanTruncated
                                | DecodeError::ArpMalformed
                        )
                    ),
                    "{link:?} snapped at {cut}: {:?}",
                    d.error
                );
                if cut >= net_start + 40
                    && let Net::Ip(ip) = full.net
                {
                    let cut_ip = ip_of(&d);
                    assert_eq!((cut_ip.src, cut_ip.dst), (ip.src, ip.dst), "{link:?} at {cut}");
                }
            }
        }
    }
}

#[test]
fn sweep_random_corruptions_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut decoded_ip = 0u32;
    for (ether_type, packet) in sweep_packets() {
        for link in WIRED {
            let data = wrap(link, ether_type, &packet);
            let mut corrupt = data.clone();
            for _ in 0..2000 {
                let at = rng.below(corrupt.len());
                let was = corrupt[at];
                corrupt[at] = rng.next() as u8;
                let d = decode_checked(&whole(link, &corrupt));
                decoded_ip += u32::from(matches!(d.net, Net::Ip(_)));
                decode_checked(&snapped(link, &corrupt[..at.max(1)], corrupt.len()));
                corrupt[at] = was;
            }
            // Every link type, wireless ones included, takes any bytes.
            for other in [LinkType::IEEE802_11, LinkType::PPI, LinkType(9999)] {
                decode_checked(&whole(other, &data));
            }
        }
    }
    // Most single-byte corruptions leave a readable IP header: the sweep
    // really exercised the deeper layers.
    assert!(decoded_ip > 100_000, "only {decoded_ip} corrupted frames decoded as IP");
}

// ---------------------------------------------------------------------------
// Agreement with etherparse's whole-packet lax slicer
// ---------------------------------------------------------------------------

/// [`decode`] as it was written over etherparse's whole-packet lax slicer
/// (`LaxSlicedPacket`), before it read each layer on its own: the oracle the
/// per-layer decoder must agree with on any bytes.
mod lax_reference {
    use std::net::IpAddr;

    use etherparse::err::Layer;
    use etherparse::err::packet::SliceError;
    use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, LinkSlice, TransportSlice};
    use gapwatch_rules::MacAddr;

    use super::super::cooked::{Sll, Sll2};
    use super::super::{
        Arp, DecodeError, Decoded, Fragment, IPPROTO_TCP, IPPROTO_UDP, Ip, Net, Transport,
    };
    use crate::capture::{Frame, LinkType};

    /// Decodes one frame the way `decode` did over the whole-packet slicer.
    pub(super) fn decode<'a>(frame: &Frame<'a>) -> Decoded<'a> {
        let data = frame.data;
        if data.is_empty() {
            return Decoded::empty(Some(DecodeError::Empty));
        }
        let snapped = frame.is_snapped();
        match frame.link {
            LinkType::ETHERNET => match LaxSlicedPacket::from_ethernet(data) {
                Ok(p) => from_sliced(&p, data, snapped),
                Err(_) => Decoded::empty(Some(DecodeError::LinkTruncated)),
            },
            LinkType::LINUX_SLL => match Sll::new_checked(data) {
                Ok(h) => from_cooked(h.source_mac(), h.protocol(), h.payload(), snapped),
                Err(_) => Decoded::empty(Some(DecodeError::LinkTruncated)),
            },
            LinkType::LINUX_SLL2 => match Sll2::new_checked(data) {
                Ok(h) => from_cooked(h.source_mac(), h.protocol(), h.payload(), snapped),
                Err(_) => Decoded::empty(Some(DecodeError::LinkTruncated)),
            },
            LinkType::NULL | LinkType::LOOP => match data.get(4..) {
                Some(ip) if !ip.is_empty() => from_ip(ip, snapped),
                _ => Decoded::empty(Some(DecodeError::LinkTruncated)),
            },
            LinkType::RAW
            | LinkType::RAW_BSD12
            | LinkType::RAW_BSD14
            | LinkType::IPV4
            | LinkType::IPV6 => from_ip(data, snapped),
            link if link.is_wireless() => Decoded::empty(Some(DecodeError::WirelessNotDecoded)),
            _ => Decoded::empty(Some(DecodeError::UnsupportedLink)),
        }
    }

    fn from_cooked<'a>(
        src: Option<MacAddr>,
        ether_type: u16,
        payload: &'a [u8],
        snapped: bool,
    ) -> Decoded<'a> {
        let p = LaxSlicedPacket::from_ether_type(EtherType(ether_type), payload);
        let mut d = from_sliced(&p, payload, snapped);
        d.src_mac = src;
        d
    }

    fn from_ip(data: &[u8], snapped: bool) -> Decoded<'_> {
        match LaxSlicedPacket::from_ip(data) {
            Ok(p) => from_sliced(&p, data, snapped),
            // Cut inside the IP header by the snap length: what the capture
            // promised, no error (as for the other link types).
            Err(etherparse::err::ip::LaxHeaderSliceError::Len(_)) => {
                Decoded::empty((!snapped).then_some(DecodeError::IpHeaderTruncated))
            }
            Err(etherparse::err::ip::LaxHeaderSliceError::Content(_)) => {
                Decoded::empty(Some(DecodeError::IpHeaderInvalid))
            }
        }
    }

    fn mac(bytes: [u8; 6]) -> MacAddr {
        MacAddr(bytes)
    }

    /// `data`: the bytes `p` was sliced from (the IPv4 header is found in
    /// them by position: etherparse lends it only as long as `p`).
    fn from_sliced<'a>(p: &LaxSlicedPacket<'a>, data: &'a [u8], snapped: bool) -> Decoded<'a> {
        let within = |part: &[u8]| -> &'a [u8] {
            let start = (part.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
            data.get(start..start + part.len()).unwrap_or_default()
        };
        let (src_mac, dst_mac) = match &p.link {
            Some(LinkSlice::Ethernet2(eth)) => {
                (Some(mac(eth.source())), Some(mac(eth.destination())))
            }
            _ => (None, None),
        };
        let vlan = p.vlan_ids().first().map(|id| id.value());
        let mut error = p.stop_err.as_ref().and_then(|(e, layer)| reason(e, *layer, snapped));
        let net = match &p.net {
            Some(LaxNetSlice::Arp(arp)) => arp_fields(arp).map_or_else(
                || {
                    error.get_or_insert(DecodeError::ArpMalformed);
                    Net::None
                },
                Net::Arp,
            ),
            Some(LaxNetSlice::Ipv4(v4)) => {
                let h = v4.header();
                let payload = v4.payload();
                let fragment = match (payload.fragmented, h.fragments_offset().value()) {
                    (false, _) => Fragment::Whole,
                    (true, 0) => Fragment::First,
                    (true, _) => Fragment::Later,
                };
                if payload.incomplete && !snapped {
                    error.get_or_insert(DecodeError::IpLengthMismatch);
                    Net::None
                } else {
                    Net::Ip(ip_fields(
                        within(h.slice()),
                        IpAddr::V4(h.source_addr()),
                        IpAddr::V4(h.destination_addr()),
                        payload.ip_number.0,
                        h.ttl(),
                        fragment,
                        p.transport.as_ref(),
                        payload.payload,
                    ))
                }
            }
            Some(LaxNetSlice::Ipv6(v6)) => {
                let h = v6.header();
                let payload = v6.payload();
                let fragment = if payload.fragmented {
                    if p.transport.is_some() || first_v6_fragment(v6) {
                        Fragment::First
                    } else {
                        Fragment::Later
                    }
                } else {
                    Fragment::Whole
                };
                if payload.incomplete && !snapped {
                    error.get_or_insert(DecodeError::IpLengthMismatch);
                    Net::None
                } else {
                    Net::Ip(ip_fields(
                        h.slice(),
                        IpAddr::V6(h.source_addr()),
                        IpAddr::V6(h.destination_addr()),
                        payload.ip_number.0,
                        h.hop_limit(),
                        fragment,
                        p.transport.as_ref(),
                        payload.payload,
                    ))
                }
            }
            None => Net::None,
        };
        Decoded { src_mac, dst_mac, vlan, net, error }
    }

    fn first_v6_fragment(v6: &etherparse::LaxIpv6Slice<'_>) -> bool {
        super::super::first_v6_fragment(v6.extensions())
    }

    fn arp_fields(arp: &etherparse::ArpPacketSlice<'_>) -> Option<Arp> {
        super::super::arp_fields(arp)
    }

    #[allow(clippy::too_many_arguments)]
    fn ip_fields<'a>(
        header: &'a [u8],
        src: IpAddr,
        dst: IpAddr,
        proto: u8,
        ttl: u8,
        fragment: Fragment,
        transport: Option<&TransportSlice<'a>>,
        payload: &'a [u8],
    ) -> Ip<'a> {
        let (p_transport, ip_payload) = (transport, payload);
        let (transport, payload) = match (transport, fragment) {
            (_, Fragment::Later) => (Transport::Other, payload),
            (Some(TransportSlice::Tcp(t)), _) => (
                Transport::Tcp {
                    src_port: t.source_port(),
                    dst_port: t.destination_port(),
                    flags: tcp_flags(t),
                },
                t.payload(),
            ),
            (Some(TransportSlice::Udp(u)), _) => (
                Transport::Udp { src_port: u.source_port(), dst_port: u.destination_port() },
                u.payload(),
            ),
            (Some(TransportSlice::Icmpv4(i)), _) => {
                (Transport::Icmp { icmp_type: i.type_u8(), code: i.code_u8() }, i.payload())
            }
            (Some(TransportSlice::Icmpv6(i)), _) => {
                (Transport::Icmp { icmp_type: i.type_u8(), code: i.code_u8() }, i.payload())
            }
            (Some(TransportSlice::Igmp(_)), _) => (Transport::Other, payload),
            // etherparse leaves a first fragment's transport unparsed: its
            // ports are still at the start of the payload.
            (None, Fragment::First) => (ports_of_first_fragment(proto, payload), payload),
            (None, _) if proto == IPPROTO_TCP || proto == IPPROTO_UDP => {
                (Transport::Unreadable, payload)
            }
            (None, _) if proto == 1 || proto == 58 => (Transport::Unreadable, payload),
            (None, _) => (Transport::Other, payload),
        };
        let tcp_header: &'a [u8] = match (p_transport, fragment) {
            (Some(TransportSlice::Tcp(t)), f) if f != Fragment::Later => {
                ip_payload.get(..t.header_len()).unwrap_or_default()
            }
            _ => &[],
        };
        Ip { src, dst, proto, ttl, fragment, transport, payload, header, tcp_header }
    }

    fn ports_of_first_fragment(proto: u8, payload: &[u8]) -> Transport {
        super::super::ports_of_first_fragment(proto, payload)
    }

    fn tcp_flags(t: &etherparse::TcpSlice<'_>) -> u8 {
        [t.fin(), t.syn(), t.rst(), t.psh(), t.ack(), t.urg(), t.ece(), t.cwr()]
            .into_iter()
            .enumerate()
            .fold(0, |acc, (bit, set)| acc | (u8::from(set) << bit))
    }

    /// Maps etherparse's stop error to a counted reason. A layer cut short by
    /// the snap length is no error: the capture kept what it promised.
    fn reason(e: &SliceError, layer: Layer, snapped: bool) -> Option<DecodeError> {
        let truncated = |r| if snapped { None } else { Some(r) };
        match e {
            SliceError::Len(_) => match layer {
                Layer::VlanHeader => truncated(DecodeError::VlanTruncated),
                Layer::Arp => truncated(DecodeError::ArpMalformed),
                Layer::IpHeader
                | Layer::Ipv4Header
                | Layer::Ipv6Header
                | Layer::Ipv4Packet
                | Layer::Ipv6Packet => truncated(DecodeError::IpHeaderTruncated),
                Layer::IpAuthHeader
                | Layer::Ipv6ExtHeader
                | Layer::Ipv6HopByHopHeader
                | Layer::Ipv6DestOptionsHeader
                | Layer::Ipv6RouteHeader
                | Layer::Ipv6FragHeader => truncated(DecodeError::IpExtensionInvalid),
                Layer::TcpHeader
                | Layer::UdpHeader
                | Layer::Icmpv4
                | Layer::Icmpv6
                | Layer::Igmp => truncated(DecodeError::TransportTruncated),
                _ => truncated(DecodeError::LinkTruncated),
            },
            SliceError::Ip(_) | SliceError::Ipv4(_) | SliceError::Ipv6(_) => {
                Some(DecodeError::IpHeaderInvalid)
            }
            SliceError::Ipv4Exts(_) | SliceError::Ipv6Exts(_) => {
                Some(DecodeError::IpExtensionInvalid)
            }
            SliceError::Tcp(_) => Some(DecodeError::TransportInvalid),
            SliceError::LinuxSll(_) | SliceError::Macsec(_) => Some(DecodeError::LinkTruncated),
        }
    }
}

/// Extra packets for the agreement sweep, with their EtherType: the layers
/// the other sweeps do not reach (MACsec, IPv4 AH, IPv6 extension chains,
/// IGMP, ICMP timestamps, three and four VLAN tags, atomic fragments).
fn agreement_packets() -> Vec<(u16, Vec<u8>)> {
    let udp = ipv4_udp(1000, 2000, b"data");
    // MACsec, unmodified, without and with an SCI, then modified.
    let macsec = concat(&[0x00, 0x00, 0, 0, 0, 1, 0x08, 0x00], &udp);
    let macsec_sci = concat(&[0x20, 0x00, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 0x08, 0x00], &udp);
    let macsec_short_len = concat(&[0x00, 20, 0, 0, 0, 1, 0x86, 0xdd], &[0x60; 30]);
    let macsec_modified = concat(&[0x0c, 0x00, 0, 0, 0, 1], &[0xaa; 24]);
    // IPv4 with an authentication header (12 bytes) before UDP.
    let mut ah = ipv4_udp(1000, 2000, b"ah");
    ah.splice(20..20, [17, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
    ah[9] = 51;
    let len = ah.len() as u16;
    ah[2..4].copy_from_slice(&len.to_be_bytes());
    // IPv6: destination options, routing, fragment (first), AH, then TCP.
    let mut chain = vec![43, 0, 1, 4, 0, 0, 0, 0];
    chain.extend_from_slice(&[44, 0, 0, 0, 0, 0, 0, 0]);
    chain.extend_from_slice(&ipv6_fragment_header(51, 0, true));
    chain.extend_from_slice(&[6, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
    let mut tcp = ipv4_tcp(80, 4000, 0x18, b"abc")[20..].to_vec();
    chain.append(&mut tcp);
    // IPv6 atomic fragment (offset 0, no more fragments) then UDP.
    let mut atomic = ipv6_fragment_header(17, 0, false).to_vec();
    atomic.extend_from_slice(&udp_header(7, 8, b"x"));
    // IGMPv2 report and an ICMP timestamp request.
    let mut igmp = ipv4_udp(1, 2, b"");
    igmp[9] = 2;
    igmp[20..28].copy_from_slice(&[0x16, 0, 0, 0, 224, 0, 0, 251]);
    let mut timestamp = ipv4_udp(1, 2, &[0; 12]);
    timestamp[9] = 1;
    timestamp[20] = 13;
    // Three tags (the last one still followed), and four (not).
    let mut three = vec![0x00, 1, 0x81, 0x00, 0x00, 2, 0x91, 0x00, 0x00, 3, 0x08, 0x00];
    three.extend_from_slice(&udp);
    let mut four = vec![0x00, 1, 0x81, 0x00, 0x00, 2, 0x81, 0x00, 0x00, 3, 0x81, 0x00];
    four.extend_from_slice(&[0x00, 4, 0x08, 0x00]);
    four.extend_from_slice(&udp);
    let mut vlan_macsec = vec![0x00, 9, 0x88, 0xe5];
    vlan_macsec.extend_from_slice(&macsec);
    vec![
        (0x88e5, macsec),
        (0x88e5, macsec_sci),
        (0x88e5, macsec_short_len),
        (0x88e5, macsec_modified),
        (0x0800, ah),
        (0x86dd, ipv6_raw(60, &chain)),
        (0x86dd, ipv6_raw(44, &atomic)),
        (0x0800, igmp),
        (0x0800, timestamp),
        (0x88a8, three),
        (0x8100, four),
        (0x8100, vlan_macsec),
        (0x0806, arp_body(1, MAC_A, IP_A, [0; 6], IP_B)),
    ]
}

/// Byte values that steer the decoder: EtherType halves, IP versions and
/// header lengths, protocol and extension numbers, flag bits.
const STEERING: [u8; 28] = [
    0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x08, 0x0c, 0x11, 0x20, 0x2b, 0x2c, 0x33, 0x3a, 0x3b, 0x3c,
    0x3f, 0x45, 0x46, 0x4f, 0x60, 0x81, 0x86, 0x88, 0x91, 0xa8, 0xdd, 0xe5,
];

/// Decodes `frame` both ways and insists they agree. etherparse reads no
/// LLDP and no LLC, so a discovery message counts as nothing read.
fn assert_agrees(frame: &Frame<'_>) {
    let mut new = decode_checked(frame);
    if let Net::Discovery(..) = new.net {
        new.net = Net::None;
    }
    let old = lax_reference::decode(frame);
    assert_eq!(
        new,
        old,
        "{:?} {}/{} bytes {:02x?}",
        frame.link,
        frame.data.len(),
        frame.orig_len,
        frame.data
    );
}

#[test]
fn agrees_with_whole_packet_slicer_on_every_prefix() {
    let mut packets = sweep_packets();
    packets.extend(agreement_packets());
    for (ether_type, packet) in packets {
        for link in WIRED {
            let data = wrap(link, ether_type, &packet);
            for cut in 0..=data.len() {
                assert_agrees(&whole(link, &data[..cut]));
                assert_agrees(&snapped(link, &data[..cut], data.len() + 1));
            }
        }
    }
}

#[test]
fn agrees_with_whole_packet_slicer_on_corruptions() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut packets = sweep_packets();
    packets.extend(agreement_packets());
    for (ether_type, packet) in packets {
        for link in WIRED {
            let data = wrap(link, ether_type, &packet);
            for _ in 0..1500 {
                let mut corrupt = data.clone();
                for _ in 0..1 + rng.below(3) {
                    let at = rng.below(corrupt.len());
                    corrupt[at] = if rng.below(2) == 0 {
                        STEERING[rng.below(STEERING.len())]
                    } else {
                        rng.next() as u8
                    };
                }
                assert_agrees(&whole(link, &corrupt));
                let cut = rng.below(corrupt.len() + 1);
                assert_agrees(&whole(link, &corrupt[..cut]));
                assert_agrees(&snapped(link, &corrupt[..cut], corrupt.len() + 1));
            }
        }
    }
}

#[test]
fn three_tags_are_followed_and_a_fourth_is_not() {
    let packets = agreement_packets();
    let (ether_type, three) = &packets[9];
    let frame = ethernet(MAC_B, MAC_A, *ether_type, three);
    let d = eth_decode(&frame);
    assert_eq!((d.error, d.vlan), (None, Some(1)));
    assert_eq!(ip_of(&d).transport, Transport::Udp { src_port: 1000, dst_port: 2000 });
    let (ether_type, four) = &packets[10];
    let frame = ethernet(MAC_B, MAC_A, *ether_type, four);
    let d = eth_decode(&frame);
    assert_eq!((d.error, d.vlan, d.net), (None, Some(1), Net::None));
}

#[test]
fn macsec_unmodified_payload_is_decoded_and_encrypted_is_not() {
    let packets = agreement_packets();
    for (ether_type, macsec) in &packets[..2] {
        let frame = ethernet(MAC_B, MAC_A, *ether_type, macsec);
        let d = eth_decode(&frame);
        assert_eq!(d.error, None);
        assert_eq!(ip_of(&d).payload, b"data");
    }
    let (ether_type, modified) = &packets[3];
    let frame = ethernet(MAC_B, MAC_A, *ether_type, modified);
    let d = eth_decode(&frame);
    assert_eq!((d.error, d.net), (None, Net::None));
    let frame = ethernet(MAC_B, MAC_A, 0x88e5, &[0x00, 0x00, 0, 0]);
    assert_eq!(eth_decode(&frame).error, Some(DecodeError::LinkTruncated));
}
