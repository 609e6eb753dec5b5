//! Decode: zero-copy views over a frame's layers (stage 2 of the pipeline).
//!
//! `etherparse`'s lax slicer reads L2–L4 (802.1Q/QinQ, ARP, IPv4 with
//! fragments, IPv6 with extension headers, TCP, UDP, ICMP, ICMPv6) without
//! copying; [`cooked`] reads Linux cooked headers. A malformed layer is never
//! fatal: [`decode`] keeps what came before it (a frame with a broken IP
//! header still shows which MAC sent it), stops there, and names the reason
//! in [`Decoded::error`] so it can be counted.
//!
//! Contract: [`decode`] does not panic and does not allocate, on any bytes.

pub mod cooked;

use std::net::{IpAddr, Ipv4Addr};

use etherparse::err::Layer;
use etherparse::err::packet::SliceError;
use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, LinkSlice, TransportSlice};
use gapwatch_rules::MacAddr;

use crate::capture::{Frame, LinkType};
use cooked::{Sll, Sll2};

/// IP protocol numbers gapwatch reads ports from.
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;

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
}

impl DecodeError {
    /// Every reason, in the order of [`DecodeStats`].
    pub const ALL: [DecodeError; 12] = [
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
        }
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
}

/// The network layer of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net<'a> {
    /// No network layer read (unknown EtherType, LLC, or malformed).
    None,
    /// ARP.
    Arp(Arp),
    /// IPv4 or IPv6.
    Ip(Ip<'a>),
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
    match frame.link {
        LinkType::ETHERNET => match LaxSlicedPacket::from_ethernet(data) {
            Ok(p) => from_sliced(&p, None, snapped),
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
    let mut d = from_sliced(&p, None, snapped);
    d.src_mac = src;
    d
}

fn from_ip(data: &[u8], snapped: bool) -> Decoded<'_> {
    match LaxSlicedPacket::from_ip(data) {
        Ok(p) => from_sliced(&p, None, snapped),
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

fn from_sliced<'a>(p: &LaxSlicedPacket<'a>, _: Option<()>, snapped: bool) -> Decoded<'a> {
    let (src_mac, dst_mac) = match &p.link {
        Some(LinkSlice::Ethernet2(eth)) => (Some(mac(eth.source())), Some(mac(eth.destination()))),
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
    use etherparse::Ipv6ExtensionSlice as Ext;
    // etherparse's iterator follows `next_header` past the headers the lax
    // parse checked (when it stopped early) and reads them unchecked: stop
    // once the checked bytes are used up.
    let mut left = v6.extensions().slice().len();
    let mut exts = v6.extensions().clone().into_iter();
    while left > 0 {
        let Some(ext) = exts.next() else { break };
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

fn arp_fields(arp: &etherparse::ArpPacketSlice<'_>) -> Option<Arp> {
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

fn ip_fields<'a>(
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    ttl: u8,
    fragment: Fragment,
    transport: Option<&TransportSlice<'a>>,
    payload: &'a [u8],
) -> Ip<'a> {
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
    Ip { src, dst, proto, ttl, fragment, transport, payload }
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
            Layer::TcpHeader | Layer::UdpHeader | Layer::Icmpv4 | Layer::Icmpv6 | Layer::Igmp => {
                truncated(DecodeError::TransportTruncated)
            }
            _ => truncated(DecodeError::LinkTruncated),
        },
        SliceError::Ip(_) | SliceError::Ipv4(_) | SliceError::Ipv6(_) => {
            Some(DecodeError::IpHeaderInvalid)
        }
        SliceError::Ipv4Exts(_) | SliceError::Ipv6Exts(_) => Some(DecodeError::IpExtensionInvalid),
        SliceError::Tcp(_) => Some(DecodeError::TransportInvalid),
        SliceError::LinuxSll(_) | SliceError::Macsec(_) => Some(DecodeError::LinkTruncated),
    }
}

#[cfg(test)]
mod tests;
