//! Decode: zero-copy views over a frame's layers (stage 2 of the pipeline).
//!
//! Each layer is read on its own, in place: `etherparse`'s per-layer slices
//! read Ethernet II, 802.1Q/QinQ and MACsec tags, ARP, the IPv4
//! authentication header, IPv6 extension headers (with fragments), TCP, UDP,
//! ICMP, ICMPv6 and IGMP; the fixed IPv4 and IPv6 headers are read field by
//! field with bounds-checked accesses; [`cooked`] reads Linux cooked
//! headers. Only the fields [`Decoded`] keeps are copied out: no
//! whole-packet structure is built. The layers follow the rules of
//! etherparse's whole-packet lax slicer (`LaxSlicedPacket`), and the tests
//! hold [`decode`] to its results on every prefix and on corruptions of
//! many packets: lengths are read laxly (an IP length below its header
//! means "up to the end of the frame"), at most three VLAN/MACsec tags are
//! followed, and the transport of a fragment is not parsed.
//!
//! A malformed layer is never fatal: [`decode`] keeps what came before it (a
//! frame with a broken IP header still shows which MAC sent it), stops
//! there, and names the reason in [`Decoded::error`] so it can be counted.
//!
//! Contract: [`decode`] does not panic and does not allocate, on any bytes.

pub mod capwap;
pub mod cooked;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::err::{ip_auth, ipv6_exts, macsec, tcp};
use etherparse::{
    ArpPacketSlice, EtherType, Ethernet2Slice, Icmpv4Slice, Icmpv6Slice, IgmpSlice,
    IpAuthHeaderSlice, IpNumber, Ipv6ExtensionsSlice, LaxMacsecPayloadSlice, LaxMacsecSlice,
    SingleVlanSlice, TcpSlice, UdpSlice, ether_type, ip_number,
};
use gapwatch_rules::MacAddr;

use crate::capture::{Frame, LinkType};
use cooked::{Sll, Sll2};

/// IP protocol numbers gapwatch reads ports from.
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
/// IP protocol numbers of ICMP and ICMPv6.
const IPPROTO_ICMP: u8 = 1;
const IPPROTO_ICMPV6: u8 = 58;

/// VLAN and MACsec tags followed before giving up (without error), as
/// etherparse's lax slicer does.
const MAX_LINK_EXTS: usize = 3;

/// EtherType of LLDP.
const LLDP: EtherType = EtherType(0x88cc);

/// Type/length values up to this are an 802.3 length, and an LLC header
/// follows.
const MAX_8023_LENGTH: u16 = 1500;

/// A Linux cooked header's protocol for an 802.2 LLC frame (`ETH_P_802_2`).
const SLL_LLC: u16 = 0x0004;

/// Why (part of) a frame could not be decoded. Counted per reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecodeError {
    /// A record with no bytes.
    Empty,
    /// Shorter than its link-layer header.
    LinkTruncated,
    /// A VLAN tag cut short.
    VlanTruncated,
    /// An ARP packet cut short or with impossible address lengths.
    ArpMalformed,
    /// An IP header cut short.
    IpHeaderTruncated,
    /// An IP header that is not one: wrong version, IPv4 header length
    /// below 20 bytes. (A total length below the header is read as "up to
    /// the end of the frame", as segmentation-offload captures need.)
    IpHeaderInvalid,
    /// IP extension headers cut short or malformed.
    IpExtensionInvalid,
    /// The IP header claims more bytes than the frame had on the wire.
    IpLengthMismatch,
    /// A TCP, UDP, ICMP or IGMP header cut short.
    TransportTruncated,
    /// A TCP header with a data offset below 20 bytes.
    TransportInvalid,
    /// An 802.11 frame: counted, decoded once the wireless issue lands.
    WirelessNotDecoded,
    /// A link type decode does not know (sources refuse these at open, so
    /// this counts only frames handed over by other means).
    UnsupportedLink,
    /// A DNS query on port 53 that does not parse (counted by the
    /// observer, which reads application payloads).
    DnsMalformed,
    /// A DHCP or DHCPv6 message that does not parse.
    DhcpMalformed,
    /// An HTTP request head, or an SSDP message, whose first line never
    /// ends.
    HttpMalformed,
    /// A frame from a new MAC when the device table was full (the policy's
    /// `max_devices`): its sender is not kept.
    DeviceTableFull,
    /// A TLS ClientHello whose lengths contradict each other.
    TlsMalformed,
    /// A TLS ClientHello split across segments (not read).
    TlsSplit,
    /// An LLDP, CDP or spanning-tree message that does not parse.
    DiscoveryMalformed,
    /// A frame tunnelled in CAPWAP cut short inside its headers.
    TunnelTruncated,
    /// A NetBIOS datagram (browser announcement) whose lengths contradict
    /// each other.
    NetbiosMalformed,
}

impl DecodeError {
    /// Every reason, in the order of [`DecodeStats`].
    pub const ALL: [DecodeError; 21] = [
        DecodeError::Empty,
        DecodeError::LinkTruncated,
        DecodeError::VlanTruncated,
        DecodeError::ArpMalformed,
        DecodeError::IpHeaderTruncated,
        DecodeError::IpHeaderInvalid,
        DecodeError::IpExtensionInvalid,
        DecodeError::IpLengthMismatch,
        DecodeError::TransportTruncated,
        DecodeError::TransportInvalid,
        DecodeError::WirelessNotDecoded,
        DecodeError::UnsupportedLink,
        DecodeError::DnsMalformed,
        DecodeError::DhcpMalformed,
        DecodeError::HttpMalformed,
        DecodeError::DeviceTableFull,
        DecodeError::TlsMalformed,
        DecodeError::TlsSplit,
        DecodeError::DiscoveryMalformed,
        DecodeError::TunnelTruncated,
        DecodeError::NetbiosMalformed,
    ];

    /// Stable name for records and `gapwatch stats`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecodeError::Empty => "empty_frame",
            DecodeError::LinkTruncated => "link_truncated",
            DecodeError::VlanTruncated => "vlan_truncated",
            DecodeError::ArpMalformed => "arp_malformed",
            DecodeError::IpHeaderTruncated => "ip_header_truncated",
            DecodeError::IpHeaderInvalid => "ip_header_invalid",
            DecodeError::IpExtensionInvalid => "ip_extension_invalid",
            DecodeError::IpLengthMismatch => "ip_length_exceeds_frame",
            DecodeError::TransportTruncated => "transport_truncated",
            DecodeError::TransportInvalid => "transport_invalid",
            DecodeError::WirelessNotDecoded => "wireless_not_decoded",
            DecodeError::UnsupportedLink => "unsupported_link",
            DecodeError::DnsMalformed => "dns_malformed",
            DecodeError::DhcpMalformed => "dhcp_malformed",
            DecodeError::HttpMalformed => "http_malformed",
            DecodeError::DeviceTableFull => "device_table_full",
            DecodeError::TlsMalformed => "tls_malformed",
            DecodeError::TlsSplit => "tls_split",
            DecodeError::DiscoveryMalformed => "discovery_malformed",
            DecodeError::TunnelTruncated => "tunnel_truncated",
            DecodeError::NetbiosMalformed => "netbios_malformed",
        }
    }

    /// True for an application payload that did not parse: no error when
    /// the capture's snap length cut the payload.
    pub fn is_payload(self) -> bool {
        matches!(
            self,
            DecodeError::DnsMalformed
                | DecodeError::DhcpMalformed
                | DecodeError::HttpMalformed
                | DecodeError::TlsMalformed
                | DecodeError::TlsSplit
                | DecodeError::DiscoveryMalformed
                | DecodeError::NetbiosMalformed
        )
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Frames that could not be (fully) decoded, per reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeStats([u64; DecodeError::ALL.len()]);

impl DecodeStats {
    /// Counts one frame with `reason`.
    pub fn count(&mut self, reason: DecodeError) {
        self.0[reason.index()] += 1;
    }

    /// Frames counted with `reason`.
    pub fn get(&self, reason: DecodeError) -> u64 {
        self.0[reason.index()]
    }

    /// All frames counted.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Non-zero reasons with their counts.
    pub fn iter(&self) -> impl Iterator<Item = (DecodeError, u64)> + '_ {
        DecodeError::ALL.into_iter().map(|r| (r, self.get(r))).filter(|&(_, n)| n > 0)
    }
}

/// An ARP packet's address fields (Ethernet/IPv4 ARP only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arp {
    /// 1 request, 2 reply.
    pub operation: u16,
    /// Sender hardware address.
    pub sender_mac: MacAddr,
    /// Sender protocol address (0.0.0.0 in probes).
    pub sender_ip: Ipv4Addr,
    /// Target protocol address.
    pub target_ip: Ipv4Addr,
}

/// Where a packet sits in a fragmented datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fragment {
    /// Not fragmented.
    Whole,
    /// The first fragment: carries the transport header.
    First,
    /// A later fragment: no transport header.
    Later,
}

/// The transport layer of an IP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// TCP: ports and the flag byte (FIN 0x01, SYN 0x02, RST 0x04, …, CWR 0x80).
    Tcp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Flags.
        flags: u8,
    },
    /// UDP.
    Udp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
    },
    /// ICMP or ICMPv6 type and code.
    Icmp {
        /// Type.
        icmp_type: u8,
        /// Code.
        code: u8,
    },
    /// Another protocol (IGMP, GRE, ESP, …) or a later fragment: no ports.
    Other,
    /// The transport header is cut short (by the snap length or malformed).
    Unreadable,
}

/// An IP packet's header fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ip<'a> {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// IP protocol number of the payload (after IPv6 extension headers).
    pub proto: u8,
    /// TTL or hop limit.
    pub ttl: u8,
    /// Fragment position.
    pub fragment: Fragment,
    /// The transport layer.
    pub transport: Transport,
    /// The transport payload, as captured.
    pub payload: &'a [u8],
    /// The IP header as captured (IPv4 with its options; IPv6's fixed 40
    /// bytes): what a stack fingerprint reads (DF, IP ID, ECN, options).
    pub header: &'a [u8],
    /// The TCP header with its options, for TCP (empty otherwise).
    pub tcp_header: &'a [u8],
}

/// A link-layer discovery protocol: what network gear says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Discovery {
    /// LLDP (EtherType 0x88cc).
    Lldp,
    /// CDP (LLC/SNAP, Cisco OUI, protocol 0x2000).
    Cdp,
    /// Spanning tree (LLC 0x42/0x42).
    Stp,
}

/// The network layer of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net<'a> {
    /// No network layer read (unknown EtherType or LLC, or malformed).
    None,
    /// ARP.
    Arp(Arp),
    /// IPv4 or IPv6.
    Ip(Ip<'a>),
    /// A discovery message, its payload after the EtherType or LLC header.
    Discovery(Discovery, &'a [u8]),
}

/// What could be read of one frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// Link source address, when the link has one.
    pub src_mac: Option<MacAddr>,
    /// Link destination address, when the link has one.
    pub dst_mac: Option<MacAddr>,
    /// Outer VLAN id, if tagged.
    pub vlan: Option<u16>,
    /// The network layer.
    pub net: Net<'a>,
    /// Why decoding stopped early, if it did.
    pub error: Option<DecodeError>,
}

impl Decoded<'_> {
    fn empty(error: Option<DecodeError>) -> Self {
        Decoded { src_mac: None, dst_mac: None, vlan: None, net: Net::None, error }
    }
}

/// Decodes one frame.
pub fn decode<'a>(frame: &Frame<'a>) -> Decoded<'a> {
    let data = frame.data;
    if data.is_empty() {
        return Decoded::empty(Some(DecodeError::Empty));
    }
    let snapped = frame.is_snapped();
    let mut d = Decoded::empty(None);
    match frame.link {
        LinkType::ETHERNET => {
            if !ethernet(&mut d, data, snapped) {
                d.error = Some(DecodeError::LinkTruncated);
            }
        }
        LinkType::LINUX_SLL => match Sll::new_checked(data) {
            Ok(h) => {
                d.src_mac = h.source_mac();
                cooked_protocol(&mut d, h.protocol(), h.payload(), snapped);
            }
            Err(_) => d.error = Some(DecodeError::LinkTruncated),
        },
        LinkType::LINUX_SLL2 => match Sll2::new_checked(data) {
            Ok(h) => {
                d.src_mac = h.source_mac();
                cooked_protocol(&mut d, h.protocol(), h.payload(), snapped);
            }
            Err(_) => d.error = Some(DecodeError::LinkTruncated),
        },
        LinkType::NULL | LinkType::LOOP => match data.get(4..) {
            Some(packet) if !packet.is_empty() => ip(&mut d, packet, snapped),
            _ => d.error = Some(DecodeError::LinkTruncated),
        },
        LinkType::RAW
        | LinkType::RAW_BSD12
        | LinkType::RAW_BSD14
        | LinkType::IPV4
        | LinkType::IPV6 => ip(&mut d, data, snapped),
        link if link.is_wireless() => d.error = Some(DecodeError::WirelessNotDecoded),
        _ => d.error = Some(DecodeError::UnsupportedLink),
    }
    d
}

/// An Ethernet II or 802.3 frame: its addresses, then what follows them.
/// False when the frame is shorter than its header (the caller names why).
fn ethernet<'a>(d: &mut Decoded<'a>, frame: &'a [u8], snapped: bool) -> bool {
    let Ok(eth) = Ethernet2Slice::from_slice_without_fcs(frame) else {
        return false;
    };
    d.src_mac = Some(MacAddr(eth.source()));
    d.dst_mac = Some(MacAddr(eth.destination()));
    ether(d, eth.ether_type(), eth.payload_slice(), snapped);
    true
}

/// `reason` for a layer cut short, unless the snap length cut it: then the
/// capture kept what it promised, and that is no error.
fn truncated(reason: DecodeError, snapped: bool) -> Option<DecodeError> {
    if snapped { None } else { Some(reason) }
}

/// Reads what follows a link header: up to [`MAX_LINK_EXTS`] VLAN (0x8100,
/// 0x88a8, 0x9100) or MACsec tags, then ARP or IP. Other EtherTypes, an
/// encrypted MACsec payload and a fourth tag end decoding without error.
fn ether<'a>(d: &mut Decoded<'a>, mut ether_type: EtherType, mut payload: &'a [u8], snapped: bool) {
    use ether_type::{
        ARP, IPV4, IPV6, MACSEC, PROVIDER_BRIDGING, VLAN_DOUBLE_TAGGED_FRAME, VLAN_TAGGED_FRAME,
    };
    let mut exts = 0;
    loop {
        match ether_type {
            VLAN_TAGGED_FRAME | PROVIDER_BRIDGING | VLAN_DOUBLE_TAGGED_FRAME
                if exts < MAX_LINK_EXTS =>
            {
                let Ok(tag) = SingleVlanSlice::from_slice(payload) else {
                    d.error = truncated(DecodeError::VlanTruncated, snapped);
                    return;
                };
                d.vlan.get_or_insert(tag.vlan_identifier().value());
                (ether_type, payload) = (tag.ether_type(), tag.payload_slice());
            }
            MACSEC if exts < MAX_LINK_EXTS => match LaxMacsecSlice::from_slice(payload) {
                Ok(LaxMacsecSlice {
                    payload: LaxMacsecPayloadSlice::Unmodified(inner), ..
                }) => {
                    (ether_type, payload) = (inner.ether_type, inner.payload);
                }
                // Encrypted or modified: nothing more to read.
                Ok(_) => return,
                Err(macsec::HeaderSliceError::Len(_)) => {
                    d.error = truncated(DecodeError::LinkTruncated, snapped);
                    return;
                }
                Err(macsec::HeaderSliceError::Content(_)) => {
                    d.error = Some(DecodeError::LinkTruncated);
                    return;
                }
            },
            ARP => return arp(d, payload, snapped),
            IPV4 | IPV6 => return ip(d, payload, snapped),
            LLDP => {
                d.net = Net::Discovery(Discovery::Lldp, payload);
                return;
            }
            EtherType(len) if len <= MAX_8023_LENGTH => {
                let payload = &payload[..payload.len().min(usize::from(len))];
                return llc(d, payload);
            }
            _ => return,
        }
        exts += 1;
    }
}

/// What follows a Linux cooked header: its protocol is an EtherType, or
/// one of Linux's own small numbers, of which 4 says an 802.2 LLC frame
/// follows (no 802.3 length is kept).
fn cooked_protocol<'a>(d: &mut Decoded<'a>, protocol: u16, payload: &'a [u8], snapped: bool) {
    match protocol {
        SLL_LLC => llc(d, payload),
        p if p <= MAX_8023_LENGTH => {}
        p => ether(d, EtherType(p), payload, snapped),
    }
}

/// An 802.3 frame's LLC header: spanning tree, or CDP behind SNAP.
/// Other LLC protocols are left unread, without error.
fn llc<'a>(d: &mut Decoded<'a>, payload: &'a [u8]) {
    match payload {
        [0x42, 0x42, 0x03, bpdu @ ..] => d.net = Net::Discovery(Discovery::Stp, bpdu),
        [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, cdp @ ..] => {
            d.net = Net::Discovery(Discovery::Cdp, cdp)
        }
        _ => {}
    }
}

fn arp(d: &mut Decoded<'_>, payload: &[u8], snapped: bool) {
    match ArpPacketSlice::from_slice(payload) {
        Ok(arp) => match arp_fields(&arp) {
            Some(fields) => d.net = Net::Arp(fields),
            None => d.error = Some(DecodeError::ArpMalformed),
        },
        Err(_) => d.error = truncated(DecodeError::ArpMalformed, snapped),
    }
}

fn arp_fields(arp: &ArpPacketSlice<'_>) -> Option<Arp> {
    let sha: [u8; 6] = arp.sender_hw_addr().try_into().ok()?;
    let spa: [u8; 4] = arp.sender_protocol_addr().try_into().ok()?;
    let tpa: [u8; 4] = arp.target_protocol_addr().try_into().ok()?;
    Some(Arp {
        operation: arp.operation().0,
        sender_mac: MacAddr(sha),
        sender_ip: Ipv4Addr::from(spa),
        target_ip: Ipv4Addr::from(tpa),
    })
}

/// An IP header read, before its transport.
struct IpHeader<'a> {
    /// The header's own bytes.
    header: &'a [u8],
    src: IpAddr,
    dst: IpAddr,
    /// Protocol of the payload (after IPv4 AH or IPv6 extension headers).
    proto: u8,
    ttl: u8,
    fragment: Fragment,
    /// The bytes after the header and its extensions, bounded by the IP
    /// length when the frame holds that many.
    payload: &'a [u8],
    /// The IP length claims more bytes than the frame holds.
    incomplete: bool,
    /// An extension header stopped decoding, with the reason to count (none
    /// when the snap length cut it).
    ext_stop: Option<Option<DecodeError>>,
}

/// Reads an IP packet (version from the first nibble) into `d`.
fn ip<'a>(d: &mut Decoded<'a>, data: &'a [u8], snapped: bool) {
    let header = match data.first().map(|b| b >> 4) {
        Some(4) => ipv4(data, snapped),
        Some(6) => ipv6(data, snapped),
        Some(_) => Err(Some(DecodeError::IpHeaderInvalid)),
        None => Err(truncated(DecodeError::IpHeaderTruncated, snapped)),
    };
    match header {
        Ok(header) => ip_transport(d, &header, snapped),
        Err(reason) => d.error = reason,
    }
}

/// `N` bytes at `at` of a fixed-size header, in bounds by construction.
fn field<const N: usize, const M: usize>(header: &[u8; M], at: usize) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&header[at..at + N]);
    out
}

/// The payload of an IP packet whose header ends before `rest` and whose
/// length field makes it `claimed` bytes after the header, if the frame
/// holds them: else all of `rest`, flagged incomplete.
fn bounded(rest: &[u8], claimed: usize) -> (&[u8], bool) {
    match rest.get(..claimed) {
        Some(payload) => (payload, false),
        None => (rest, true),
    }
}

/// The IPv4 header (with an authentication header, if any), or why it
/// cannot be read.
fn ipv4(data: &[u8], snapped: bool) -> Result<IpHeader<'_>, Option<DecodeError>> {
    let header_len = data.first().map_or(0, |b| usize::from(b & 0x0f) * 4);
    if header_len < 20 {
        return Err(Some(DecodeError::IpHeaderInvalid));
    }
    let (Some(h), Some(rest)) = (data.first_chunk::<20>(), data.get(header_len..)) else {
        return Err(truncated(DecodeError::IpHeaderTruncated, snapped));
    };
    let total_len = usize::from(u16::from_be_bytes(field(h, 2)));
    // A total length below the header: up to the end of the frame.
    let (mut payload, incomplete) = match total_len.checked_sub(header_len) {
        Some(claimed) => bounded(rest, claimed),
        None => (rest, false),
    };
    let more_fragments = h[6] & 0x20 != 0;
    let offset = u16::from_be_bytes([h[6] & 0x1f, h[7]]);
    let fragment = match (more_fragments || offset != 0, offset) {
        (false, _) => Fragment::Whole,
        (true, 0) => Fragment::First,
        (true, _) => Fragment::Later,
    };
    let mut proto = h[9];
    let mut ext_stop = None;
    if IpNumber(proto) == ip_number::AUTH {
        match IpAuthHeaderSlice::from_slice(payload) {
            Ok(auth) => {
                proto = auth.next_header().0;
                payload = payload.get(auth.slice().len()..).unwrap_or_default();
            }
            Err(ip_auth::HeaderSliceError::Len(_)) => {
                ext_stop = Some(truncated(DecodeError::IpExtensionInvalid, snapped));
            }
            Err(ip_auth::HeaderSliceError::Content(_)) => {
                ext_stop = Some(Some(DecodeError::IpExtensionInvalid));
            }
        }
    }
    Ok(IpHeader {
        header: &data[..header_len],
        src: IpAddr::V4(Ipv4Addr::from(field::<4, 20>(h, 12))),
        dst: IpAddr::V4(Ipv4Addr::from(field::<4, 20>(h, 16))),
        proto,
        ttl: h[8],
        fragment,
        payload,
        incomplete,
        ext_stop,
    })
}

/// The IPv6 header and its extension headers, or why they cannot be read.
fn ipv6(data: &[u8], snapped: bool) -> Result<IpHeader<'_>, Option<DecodeError>> {
    let Some((h, rest)) = data.split_first_chunk::<40>() else {
        return Err(truncated(DecodeError::IpHeaderTruncated, snapped));
    };
    let payload_len = usize::from(u16::from_be_bytes(field(h, 4)));
    // A payload length of 0 (jumbogram, or segmentation offload): up to the
    // end of the frame.
    let (payload, incomplete) = if payload_len == 0 && !rest.is_empty() {
        (rest, false)
    } else {
        bounded(rest, payload_len)
    };
    let next_header = IpNumber(h[6]);
    let mut header = IpHeader {
        header: &h[..],
        src: IpAddr::V6(Ipv6Addr::from(field::<16, 40>(h, 8))),
        dst: IpAddr::V6(Ipv6Addr::from(field::<16, 40>(h, 24))),
        proto: next_header.0,
        ttl: h[7],
        fragment: Fragment::Whole,
        payload,
        incomplete,
        ext_stop: None,
    };
    // The extension headers etherparse reads; anything else is the payload.
    if matches!(
        next_header,
        ip_number::IPV6_HOP_BY_HOP
            | ip_number::IPV6_ROUTE
            | ip_number::IPV6_FRAG
            | ip_number::AUTH
            | ip_number::IPV6_DEST_OPTIONS
    ) {
        let (exts, proto, payload, stop) =
            Ipv6ExtensionsSlice::from_slice_lax(next_header, payload);
        header.proto = proto.0;
        header.payload = payload;
        header.ext_stop = stop.map(|(e, _)| match e {
            ipv6_exts::HeaderSliceError::Len(_) => {
                truncated(DecodeError::IpExtensionInvalid, snapped)
            }
            ipv6_exts::HeaderSliceError::Content(_) => Some(DecodeError::IpExtensionInvalid),
        });
        if exts.is_fragmenting_payload() {
            header.fragment =
                if first_v6_fragment(&exts) { Fragment::First } else { Fragment::Later };
        }
    }
    Ok(header)
}

fn first_v6_fragment(exts: &Ipv6ExtensionsSlice<'_>) -> bool {
    use etherparse::Ipv6ExtensionSlice as Ext;
    // etherparse's iterator follows `next_header` past the headers the lax
    // parse checked (when it stopped early) and reads them unchecked: stop
    // once the checked bytes are used up.
    let mut left = exts.slice().len();
    let mut iter = exts.clone().into_iter();
    while left > 0 {
        let Some(ext) = iter.next() else { break };
        let len = match ext {
            Ext::Fragment(f) if f.fragment_offset().value() != 0 => return false,
            Ext::Fragment(f) => f.slice().len(),
            Ext::HopByHop(h) | Ext::Routing(h) | Ext::DestinationOptions(h) => h.slice().len(),
            Ext::Authentication(a) => a.slice().len(),
        };
        left = left.saturating_sub(len);
    }
    true
}

/// Reads the transport of `header` and stores the IP layer (or, when the IP
/// length overruns a whole frame, the reason it is not kept) in `d`.
fn ip_transport<'a>(d: &mut Decoded<'a>, header: &IpHeader<'a>, snapped: bool) {
    // A fragment's transport is not parsed, nor one behind a broken
    // extension header.
    let (error, read) = match header.ext_stop {
        Some(reason) => (reason, None),
        None if header.fragment != Fragment::Whole => (None, None),
        None => match transport(header.proto, header.payload, snapped) {
            Ok(read) => (None, read),
            Err(reason) => (reason, None),
        },
    };
    if header.incomplete && !snapped {
        d.error = Some(error.unwrap_or(DecodeError::IpLengthMismatch));
        return;
    }
    d.error = error;
    let payload = header.payload;
    let (transport, payload) = match (read, header.fragment) {
        (_, Fragment::Later) => (Transport::Other, payload),
        (Some(read), _) => read,
        // A first fragment's ports are still at the start of the payload.
        (None, Fragment::First) => (ports_of_first_fragment(header.proto, payload), payload),
        (None, _)
            if matches!(
                header.proto,
                IPPROTO_TCP | IPPROTO_UDP | IPPROTO_ICMP | IPPROTO_ICMPV6
            ) =>
        {
            (Transport::Unreadable, payload)
        }
        (None, _) => (Transport::Other, payload),
    };
    // The TCP payload ends the bytes after the IP header: what comes
    // before it is the TCP header.
    let tcp_header = match transport {
        Transport::Tcp { .. } => {
            header.payload.get(..header.payload.len() - payload.len()).unwrap_or_default()
        }
        _ => &[],
    };
    d.net = Net::Ip(Ip {
        src: header.src,
        dst: header.dst,
        proto: header.proto,
        ttl: header.ttl,
        fragment: header.fragment,
        transport,
        payload,
        header: header.header,
        tcp_header,
    });
}

/// The transport header of an unfragmented payload and the bytes after it;
/// `Ok(None)` for a protocol without one gapwatch reads, `Err` with the
/// reason to count (none when the snap length cut it) when it is broken.
fn transport(
    proto: u8,
    payload: &[u8],
    snapped: bool,
) -> Result<Option<(Transport, &[u8])>, Option<DecodeError>> {
    let cut = |_| truncated(DecodeError::TransportTruncated, snapped);
    Ok(Some(match IpNumber(proto) {
        ip_number::TCP => match TcpSlice::from_slice(payload) {
            Ok(t) => (
                Transport::Tcp {
                    src_port: t.source_port(),
                    dst_port: t.destination_port(),
                    // FIN 0x01 … CWR 0x80, as on the wire.
                    flags: t.header_slice().get(13).copied().unwrap_or(0),
                },
                t.payload(),
            ),
            Err(tcp::HeaderSliceError::Len(e)) => return Err(cut(e)),
            Err(tcp::HeaderSliceError::Content(_)) => {
                return Err(Some(DecodeError::TransportInvalid));
            }
        },
        ip_number::UDP => {
            let u = UdpSlice::from_slice_lax(payload).map_err(cut)?;
            (
                Transport::Udp { src_port: u.source_port(), dst_port: u.destination_port() },
                u.payload(),
            )
        }
        ip_number::ICMP => {
            let i = Icmpv4Slice::from_slice(payload).map_err(cut)?;
            (Transport::Icmp { icmp_type: i.type_u8(), code: i.code_u8() }, i.payload())
        }
        ip_number::IPV6_ICMP => {
            let i = Icmpv6Slice::from_slice(payload).map_err(cut)?;
            (Transport::Icmp { icmp_type: i.type_u8(), code: i.code_u8() }, i.payload())
        }
        ip_number::IGMP => {
            IgmpSlice::from_slice(payload).map_err(cut)?;
            (Transport::Other, payload)
        }
        _ => return Ok(None),
    }))
}

fn ports_of_first_fragment(proto: u8, payload: &[u8]) -> Transport {
    let (Some(sp), Some(dp)) = (payload.get(0..2), payload.get(2..4)) else {
        return Transport::Unreadable;
    };
    let (src_port, dst_port) =
        (u16::from_be_bytes([sp[0], sp[1]]), u16::from_be_bytes([dp[0], dp[1]]));
    match proto {
        IPPROTO_TCP => {
            Transport::Tcp { src_port, dst_port, flags: payload.get(13).copied().unwrap_or(0) }
        }
        IPPROTO_UDP => Transport::Udp { src_port, dst_port },
        _ => Transport::Other,
    }
}

#[cfg(test)]
mod tests;
