//! Facts from the application layer: the names devices ask for (DNS
//! queries, HTTP `Host`), the leases DHCP servers hand out, DHCPv6 servers
//! answering.
//!
//! Which parser reads a payload is decided by port, one comparison per
//! packet; a name becomes a fact only the first time a client asks a server
//! for it, so a workstation resolving the file server every minute costs a
//! hash lookup, not an allocation.

use std::hash::{Hash, Hasher};

use gapwatch_rules::fact::{
    ClueKind, DhcpLease, DhcpMessage, Endpoint, NameRequest, NameVia, RouterSignal,
};
use gapwatch_rules::{Fact, MacAddr, Timestamp};
use rustc_hash::{FxHashSet, FxHasher};

use super::announcements;
use super::clues::{ClueSource, Clues};
use crate::app::{dhcp, dns, http, tls};
use crate::decode::DecodeError;

const TCP: u8 = 6;
const UDP: u8 = 17;
const DNS_PORT: u16 = 53;
const DHCP_SERVER_PORT: u16 = 67;
const DHCP_CLIENT_PORT: u16 = 68;
const MDNS_PORT: u16 = 5353;
const LLMNR_PORT: u16 = 5355;
const NBNS_PORT: u16 = 137;
const SSH_PORT: u16 = 22;
const NBDS_PORT: u16 = 138;
const SSDP_PORT: u16 = 1900;
const DHCPV6_CLIENT_PORT: u16 = 546;
const DHCPV6_SERVER_PORT: u16 = 547;
/// DHCPv6 message types a server sends to configure a client.
const DHCPV6_ADVERTISE: u8 = 2;
const DHCPV6_REPLY: u8 = 7;
/// Things remembered as reported before the memory starts over (they are
/// then reported again, which only bumps the alerts' counts).
const REMEMBERED: usize = 1 << 16;

/// Hashes of what was already reported, bounded: names asked for, clues
/// given, SYN shapes seen.
#[derive(Default)]
pub(super) struct Reported(FxHashSet<u64>);

impl Reported {
    /// True the first time `hash` is met (since the memory last started
    /// over).
    pub(super) fn first(&mut self, hash: u64) -> bool {
        if self.0.len() >= REMEMBERED {
            self.0.clear();
        }
        self.0.insert(hash)
    }
}

/// The application-layer reader and what it has reported.
pub struct AppObserver {
    /// Hashes of (client, server, how, name) already reported.
    names_seen: Reported,
    /// What devices said about themselves, reported once each.
    pub(super) clues: Clues,
    /// Whether clues are read at all (the benchmark measures their cost).
    pub(super) fingerprinting: bool,
    /// Scratch space for a DNS name being read.
    name: dns::Name,
}

impl Default for AppObserver {
    fn default() -> AppObserver {
        AppObserver {
            names_seen: Reported::default(),
            name: dns::Name::default(),
            clues: Clues::default(),
            fingerprinting: true,
        }
    }
}

/// One packet's transport as the application reader needs it (the
/// endpoints borrowed from the flow table's view of the packet).
pub struct Segment<'a> {
    /// IP protocol.
    pub proto: u8,
    /// Sender.
    pub src: &'a Endpoint,
    /// Receiver.
    pub dst: &'a Endpoint,
    /// The transport payload.
    pub payload: &'a [u8],
    /// Packet time.
    pub ts: Timestamp,
}

impl AppObserver {
    /// Reads `seg`'s payload if its ports say it carries something
    /// gapwatch reads; a payload that does not parse is returned as the
    /// reason to count.
    pub fn observe(&mut self, seg: &Segment<'_>, facts: &mut Vec<Fact>) -> Option<DecodeError> {
        if seg.payload.is_empty() {
            return None;
        }
        match (seg.proto, seg.src.port, seg.dst.port) {
            (UDP, _, DNS_PORT) => self.dns_query(seg, seg.payload, facts),
            (TCP, _, DNS_PORT) => match seg.payload.get(2..) {
                // DNS over TCP: a two-byte length, then the message; only
                // a segment starting a message is read.
                Some(message) if message.len() >= dns::HEADER_LEN => {
                    self.dns_query(seg, message, facts)
                }
                _ => None,
            },
            (UDP, DHCP_SERVER_PORT, _) => dhcp_server(seg, facts),
            (UDP, DHCPV6_SERVER_PORT, DHCPV6_CLIENT_PORT) => {
                if let Some(&(DHCPV6_ADVERTISE | DHCPV6_REPLY)) = seg.payload.first() {
                    facts.push(Fact::RouterSignal {
                        signal: RouterSignal::Dhcpv6Advertise,
                        mac: seg.src.mac,
                        ip: seg.src.ip,
                        ts: seg.ts,
                    });
                }
                None
            }
            _ if !self.fingerprinting => None,
            (UDP, DHCP_CLIENT_PORT, DHCP_SERVER_PORT) => self.clues.dhcp_client(seg, facts),
            (UDP, MDNS_PORT, _) => self.clues.name_service(seg, ClueSource::Mdns, facts),
            (UDP, LLMNR_PORT, _) => self.clues.name_service(seg, ClueSource::Llmnr, facts),
            (UDP, NBNS_PORT, _) => self.clues.name_service(seg, ClueSource::Netbios, facts),
            (UDP, NBDS_PORT, NBDS_PORT) => announcements::browser(&mut self.clues, seg, facts),
            (UDP, SSDP_PORT, _) | (UDP, _, SSDP_PORT) => {
                announcements::ssdp(&mut self.clues, seg, facts)
            }
            (UDP, DHCPV6_CLIENT_PORT, DHCPV6_SERVER_PORT) => {
                announcements::dhcpv6_client(&mut self.clues, seg, facts)
            }
            (TCP, _, _) if http::looks_like_request(seg.payload) => self.http_request(seg, facts),
            (TCP, _, _) if tls::looks_like_client_hello(seg.payload) => {
                self.client_hello(seg, facts)
            }
            (TCP, SSH_PORT, _) | (TCP, _, SSH_PORT) if self.fingerprinting => {
                if let (Some(banner), Some(mac)) = (ssh_banner(seg.payload), seg.src.mac) {
                    self.clues.note(mac, ClueKind::SshBanner, banner, seg.ts, facts);
                }
                None
            }
            _ => None,
        }
    }

    fn dns_query(
        &mut self,
        seg: &Segment<'_>,
        message: &[u8],
        facts: &mut Vec<Fact>,
    ) -> Option<DecodeError> {
        let Ok(m) = dns::Message::new_checked(message) else {
            return Some(DecodeError::DnsMalformed);
        };
        if m.is_response() || m.opcode() != 0 {
            return None;
        }
        if m.first_question(&mut self.name).is_err() {
            return Some(DecodeError::DnsMalformed);
        }
        let name = self.name.as_str();
        if !name.is_empty() {
            report(&mut self.names_seen, seg, NameVia::Dns, name.as_bytes(), facts);
        }
        None
    }

    /// A TLS ClientHello: the name asked for, and (fingerprinting) the
    /// client's JA3, JA4 and first ALPN protocol.
    fn client_hello(&mut self, seg: &Segment<'_>, facts: &mut Vec<Fact>) -> Option<DecodeError> {
        let hello = match tls::client_hello(seg.payload) {
            Ok(hello) => hello,
            Err(tls::TlsError::Split) => return Some(DecodeError::TlsSplit),
            Err(tls::TlsError::Malformed) => return Some(DecodeError::TlsMalformed),
        };
        if let Some(name) = hello.server_name.filter(|n| !n.is_empty()) {
            report(&mut self.names_seen, seg, NameVia::TlsSni, name, facts);
        }
        if let (Some(mac), true) = (seg.src.mac, self.fingerprinting) {
            self.clues.note(mac, ClueKind::TlsJa3, hello.ja3.as_bytes(), seg.ts, facts);
            self.clues.note(mac, ClueKind::TlsJa4, hello.ja4.as_bytes(), seg.ts, facts);
            if let Some(alpn) = hello.alpn {
                self.clues.note(mac, ClueKind::TlsAlpn, alpn, seg.ts, facts);
            }
        }
        None
    }

    fn http_request(&mut self, seg: &Segment<'_>, facts: &mut Vec<Fact>) -> Option<DecodeError> {
        let request = match http::parse_request(seg.payload) {
            Ok(request) => request,
            Err(_) => return Some(DecodeError::HttpMalformed),
        };
        if let Some(host) = request.host.filter(|h| !h.is_empty()) {
            report(&mut self.names_seen, seg, NameVia::HttpHost, host, facts);
        }
        if let (Some(agent), Some(mac), true) =
            (request.user_agent, seg.src.mac, self.fingerprinting)
        {
            self.clues.note(mac, ClueKind::HttpUserAgent, agent, seg.ts, facts);
        }
        None
    }
}

/// States the name as a fact the first time this client asks this
/// server for it this way.
fn report(
    names_seen: &mut Reported,
    seg: &Segment<'_>,
    via: NameVia,
    name: &[u8],
    facts: &mut Vec<Fact>,
) {
    // Names compare without case or a trailing dot.
    let name = name.strip_suffix(b".").unwrap_or(name);
    let mut h = FxHasher::default();
    (seg.src.ip, seg.dst.ip, via).hash(&mut h);
    for b in name {
        h.write_u8(b.to_ascii_lowercase());
    }
    if !names_seen.first(h.finish()) {
        return;
    }
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    facts.push(Fact::NameRequested(NameRequest {
        proto: seg.proto,
        client: *seg.src,
        server: *seg.dst,
        name: name.trim_end_matches('.').to_owned(),
        via,
        ts: seg.ts,
    }));
}

/// A DHCP server's offer or acknowledgement becomes a fact; other server
/// messages (NAK, relayed requests) are read and dropped.
fn dhcp_server(seg: &Segment<'_>, facts: &mut Vec<Fact>) -> Option<DecodeError> {
    let Ok(p) = dhcp::Packet::new_checked(seg.payload) else {
        return Some(DecodeError::DhcpMalformed);
    };
    if p.op() != 2 {
        return None;
    }
    let mut message = None;
    let (mut routers, mut dns_servers) = (Vec::new(), Vec::new());
    for option in p.options() {
        let Ok((code, data)) = option else {
            return Some(DecodeError::DhcpMalformed);
        };
        match (code, data.first()) {
            (dhcp::option::MESSAGE_TYPE, Some(&dhcp::message_type::OFFER)) => {
                message = Some(DhcpMessage::Offer)
            }
            (dhcp::option::MESSAGE_TYPE, Some(&dhcp::message_type::ACK)) => {
                message = Some(DhcpMessage::Ack)
            }
            (dhcp::option::ROUTER, _) => routers.extend(dhcp::ipv4_list(data)),
            (dhcp::option::DNS_SERVERS, _) => dns_servers.extend(dhcp::ipv4_list(data)),
            _ => {}
        }
    }
    if let Some(message) = message {
        facts.push(Fact::DhcpLease(DhcpLease {
            message,
            server: *seg.src,
            client_mac: p.client_mac().map(MacAddr),
            offered: p.your_ip(),
            routers,
            dns_servers,
            ts: seg.ts,
        }));
    }
    None
}

/// The identification line an SSH side sends first (`SSH-2.0-OpenSSH_9.6`),
/// without its line end; None for anything else.
fn ssh_banner(payload: &[u8]) -> Option<&[u8]> {
    if !payload.starts_with(b"SSH-") {
        return None;
    }
    let end = payload.iter().position(|&b| b == b'\r' || b == b'\n')?;
    Some(&payload[..end.min(255)])
}
