//! What devices say about themselves: the names and options of their DHCP
//! requests, the names they answer for in mDNS, LLMNR and NetBIOS, the
//! services they announce.
//!
//! Each (device, kind, value) becomes a clue fact once; repeats cost a hash
//! lookup. Names in name-service messages count only in what a device
//! sends about itself: mDNS and LLMNR responses, NetBIOS registrations and
//! positive answers, never the questions it asks about others.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use gapwatch_rules::fact::{Clue, ClueKind};
use gapwatch_rules::p0f::P0fDb;
use gapwatch_rules::{Fact, MacAddr, Timestamp};
use rustc_hash::FxHasher;

use super::app::{Reported, Segment};
use crate::app::{dhcp, dns};
use crate::decode::DecodeError;

/// NetBIOS name-service record type NB (name to address).
const NB: u16 = 0x20;

/// Longest clue value kept (a host name is at most 255 bytes).
const MAX_CLUE_LEN: usize = 255;

/// The name services read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClueSource {
    /// Multicast DNS (UDP 5353).
    Mdns,
    /// Link-local multicast name resolution (UDP 5355).
    Llmnr,
    /// NetBIOS name service (UDP 137).
    Netbios,
}

/// Clues already reported, by hash of (device, kind, value).
#[derive(Default)]
pub struct Clues {
    seen: Reported,
    /// A p0f database to name SYNs with, when the user gave one.
    pub(super) p0f: Option<Arc<P0fDb>>,
    name: dns::Name,
    target: dns::Name,
}

impl Clues {
    /// A client's DISCOVER, REQUEST or INFORM: what it says about itself,
    /// on the MAC in the message (a relay forwards it from its own).
    pub fn dhcp_client(&mut self, seg: &Segment<'_>, facts: &mut Vec<Fact>) -> Option<DecodeError> {
        let Ok(p) = dhcp::Packet::new_checked(seg.payload) else {
            return Some(DecodeError::DhcpMalformed);
        };
        let mac = p.client_mac().map(MacAddr).or(seg.src.mac)?;
        if p.op() != 1 {
            return None;
        }
        for option in p.options() {
            let Ok((code, data)) = option else {
                return Some(DecodeError::DhcpMalformed);
            };
            let kind = match code {
                dhcp::option::HOST_NAME => ClueKind::DhcpHostName,
                dhcp::option::CLIENT_FQDN => ClueKind::DhcpFqdn,
                dhcp::option::VENDOR_CLASS => ClueKind::DhcpVendorClass,
                dhcp::option::PARAMETER_LIST => ClueKind::DhcpParameterList,
                dhcp::option::CLIENT_ID => ClueKind::DhcpClientId,
                _ => continue,
            };
            if self.first_time(mac, kind, data) {
                push(facts, mac, kind, dhcp_text(kind, data), seg.ts);
            }
        }
        None
    }

    /// An mDNS, LLMNR or NetBIOS message from a device: the names it
    /// answers for or registers, the services it announces.
    pub fn name_service(
        &mut self,
        seg: &Segment<'_>,
        source: ClueSource,
        facts: &mut Vec<Fact>,
    ) -> Option<DecodeError> {
        let mac = seg.src.mac?;
        let Ok(m) = dns::Message::new_checked(seg.payload) else {
            return Some(DecodeError::DnsMalformed);
        };
        if source == ClueSource::Netbios {
            return self.netbios(&m, mac, seg, facts);
        }
        if !m.is_response() {
            return None;
        }
        // Each name is hashed where it lies and copied out only when new:
        // devices repeat their announcements all day.
        let Clues { seen, name, target, .. } = self;
        let walked = m.for_each_record(name, |owner, record| {
            let owner = owner.as_str();
            let (kind, value) = match (source, record.rtype) {
                (ClueSource::Mdns, dns::TYPE_A | dns::TYPE_AAAA) => (ClueKind::MdnsHostName, owner),
                (ClueSource::Mdns, dns::TYPE_SRV) if record.target(target).is_ok() => {
                    (ClueKind::MdnsHostName, target.as_str())
                }
                (ClueSource::Mdns, dns::TYPE_PTR) => match service_type(owner) {
                    Some(service) => (ClueKind::MdnsService, service),
                    None => return,
                },
                (ClueSource::Llmnr, dns::TYPE_A | dns::TYPE_AAAA) => (ClueKind::LlmnrName, owner),
                _ => return,
            };
            if !value.is_empty() && first_time(seen, mac, kind, value.as_bytes()) {
                push(facts, mac, kind, value.to_owned(), seg.ts);
            }
        });
        walked.err().map(|_| DecodeError::DnsMalformed)
    }

    /// A NetBIOS registration or refresh, or a positive answer giving the
    /// answerer's own address: the unique name of the workstation or
    /// server service (suffix 00 or 20). An answer naming another address
    /// is a WINS server's, about someone else, and is left out.
    fn netbios(
        &mut self,
        m: &dns::Message<'_>,
        mac: MacAddr,
        seg: &Segment<'_>,
        facts: &mut Vec<Fact>,
    ) -> Option<DecodeError> {
        let Clues { seen, name, .. } = self;
        let mut decoded = [0u8; 15];
        let mut note = |encoded: &str| {
            if let Some(len) = netbios_name(encoded, &mut decoded) {
                let value = &decoded[..len];
                if first_time(seen, mac, ClueKind::NetbiosName, value) {
                    push(facts, mac, ClueKind::NetbiosName, printable(value), seg.ts);
                }
            }
        };
        match (m.is_response(), m.opcode()) {
            // Registration (5), refresh (8 or 9), multi-homed registration (15).
            (false, 5 | 8 | 9 | 15) => {
                if m.first_question(name).is_err() {
                    return Some(DecodeError::DnsMalformed);
                }
                note(name.as_str());
            }
            (true, 0) => {
                let std::net::IpAddr::V4(own) = seg.src.ip else {
                    return None;
                };
                let own = own.octets();
                let mut noted = false;
                // NB records: two flag bytes and an IPv4 address per entry.
                let walked = m.for_each_record(name, |owner, record| {
                    let own_address =
                        record.rtype == NB && record.data().chunks_exact(6).any(|e| e[2..] == own);
                    if own_address && !noted {
                        noted = true;
                        note(owner.as_str());
                    }
                });
                if walked.is_err() {
                    return Some(DecodeError::DnsMalformed);
                }
            }
            _ => {}
        }
        None
    }

    /// A SYN or SYN+ACK `mac` sent from its own address: its signature and
    /// the stack it matches.
    pub fn tcp_syn(
        &mut self,
        mac: MacAddr,
        ip_header: &[u8],
        tcp_header: &[u8],
        payload_len: usize,
        seg_ts: Timestamp,
        facts: &mut Vec<Fact>,
    ) {
        let mut h = FxHasher::default();
        mac.hash(&mut h);
        if crate::app::tcp_syn::hash_shape(ip_header, tcp_header, payload_len, &mut h).is_none() {
            return;
        }
        if !self.seen.first(h.finish()) {
            return;
        }
        let Some(sig) = crate::app::tcp_syn::signature(ip_header, tcp_header, payload_len) else {
            return;
        };
        let kind = if tcp_header[13] & 0x10 != 0 { ClueKind::TcpSynAck } else { ClueKind::TcpSyn };
        let text = sig.to_string();
        if !self.first_time(mac, kind, text.as_bytes()) {
            return;
        }
        facts.push(Fact::Clue(Clue { mac, kind, value: text, ts: seg_ts }));
        if let Some(stack) = gapwatch_rules::stack::classify(&sig)
            && self.first_time(mac, ClueKind::TcpStack, stack.family.as_bytes())
        {
            let value = stack.family.to_owned();
            facts.push(Fact::Clue(Clue { mac, kind: ClueKind::TcpStack, value, ts: seg_ts }));
        }
        let p0f = self.p0f.clone();
        if let Some(label) =
            p0f.as_deref().and_then(|db| db.classify(&sig, kind == ClueKind::TcpSynAck))
            && self.first_time(mac, ClueKind::TcpP0f, label.as_bytes())
        {
            let value = label.to_owned();
            facts.push(Fact::Clue(Clue { mac, kind: ClueKind::TcpP0f, value, ts: seg_ts }));
        }
    }

    /// Notes `value` (bytes as sent) as a clue of `kind` from `mac`, the
    /// first time.
    pub fn note(
        &mut self,
        mac: MacAddr,
        kind: ClueKind,
        value: &[u8],
        ts: Timestamp,
        facts: &mut Vec<Fact>,
    ) {
        if !value.is_empty() && self.first_time(mac, kind, value) {
            push(facts, mac, kind, printable(value), ts);
        }
    }

    fn first_time(&mut self, mac: MacAddr, kind: ClueKind, value: &[u8]) -> bool {
        first_time(&mut self.seen, mac, kind, value)
    }
}

/// True the first time `seen` meets (`mac`, `kind`, `value`).
fn first_time(seen: &mut Reported, mac: MacAddr, kind: ClueKind, value: &[u8]) -> bool {
    let mut h = FxHasher::default();
    (mac, kind, value).hash(&mut h);
    seen.first(h.finish())
}

fn push(facts: &mut Vec<Fact>, mac: MacAddr, kind: ClueKind, value: String, ts: Timestamp) {
    if !value.is_empty() {
        facts.push(Fact::Clue(Clue { mac, kind, value, ts }));
    }
}

/// `_airplay._tcp` from `_airplay._tcp.local`; the DNS-SD meta-query
/// `_services._dns-sd._udp.local` is not a service.
fn service_type(owner: &str) -> Option<&str> {
    let service = owner.strip_suffix(".local").unwrap_or(owner);
    let is_type =
        service.starts_with('_') && (service.ends_with("._tcp") || service.ends_with("._udp"));
    (is_type && !service.starts_with("_services._dns-sd")).then_some(service)
}

/// Decodes the name in a NetBIOS first-level encoded label (32 letters
/// `A`–`P`, two per byte: 15 name bytes padded with spaces, then the
/// suffix) into `out`, if it is a workstation (00) or server (20) name;
/// returns its length without the padding.
fn netbios_name(encoded: &str, out: &mut [u8; 15]) -> Option<usize> {
    let label = encoded.split('.').next()?.as_bytes();
    if label.len() != 32 {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (i, pair) in label.chunks_exact(2).enumerate() {
        let nibble = |c: u8| c.to_ascii_uppercase().checked_sub(b'A').filter(|&n| n < 16);
        bytes[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    if !matches!(bytes[15], 0x00 | 0x20) || bytes[0] == b'*' {
        return None;
    }
    let len = bytes[..15].iter().rposition(|&b| b != b' ' && b != 0).map_or(0, |i| i + 1);
    out.copy_from_slice(&bytes[..15]);
    (len > 0).then_some(len)
}

/// A DHCP option's value as text: names and vendor classes as printable
/// text, the parameter list as its option numbers, the client id in hex,
/// the FQDN's name (ASCII or DNS wire form).
fn dhcp_text(kind: ClueKind, data: &[u8]) -> String {
    match kind {
        ClueKind::DhcpParameterList => {
            data.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")
        }
        ClueKind::DhcpClientId => {
            data.iter().take(64).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
        }
        ClueKind::DhcpFqdn => {
            // Flags, two obsolete RCODE bytes, then the name; the E flag
            // (0x04) says the name is in DNS wire form.
            let (Some(&flags), Some(name)) = (data.first(), data.get(3..)) else {
                return String::new();
            };
            if flags & 0x04 != 0 {
                let mut out = dns::Name::default();
                match dns::read_name(name, 0, &mut out) {
                    Ok(_) => out.as_str().to_owned(),
                    Err(_) => String::new(),
                }
            } else {
                printable(name)
            }
        }
        _ => printable(data),
    }
}

/// Printable text kept, control bytes `?`, trailing NULs and spaces
/// dropped, at most [`MAX_CLUE_LEN`] bytes read.
pub(super) fn printable(data: &[u8]) -> String {
    let data = &data[..data.len().min(MAX_CLUE_LEN)];
    let text = String::from_utf8_lossy(data);
    let text = text.trim_end_matches(['\0', ' ']);
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// Text built in place, at most [`MAX_CLUE_LEN`] bytes (the rest is cut):
/// a clue's value is hashed before it is known to be new, and most are
/// not.
pub(super) struct Text {
    buf: [u8; MAX_CLUE_LEN],
    len: usize,
}

impl Text {
    /// Empty text.
    pub(super) fn new() -> Text {
        Text { buf: [0; MAX_CLUE_LEN], len: 0 }
    }

    /// The bytes written.
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let n = s.len().min(MAX_CLUE_LEN - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netbios_names_decode_and_group_suffixes_are_left_out() {
        // "WS-01" padded, suffix 0x20: FHFDCNDADBCACACACACACACACACACAca
        let encode = |name: &str, suffix: u8| -> String {
            let mut b = [b' '; 16];
            b[..name.len()].copy_from_slice(name.as_bytes());
            b[15] = suffix;
            b.iter().flat_map(|&x| [b'A' + (x >> 4), b'A' + (x & 15)]).map(char::from).collect()
        };
        let name = |encoded: &str| -> Option<String> {
            let mut out = [0; 15];
            netbios_name(encoded, &mut out).map(|n| String::from_utf8_lossy(&out[..n]).into_owned())
        };
        assert_eq!(name(&encode("WS-01", 0x20)).as_deref(), Some("WS-01"));
        assert_eq!(name(&format!("{}.corp", encode("FS01", 0))).as_deref(), Some("FS01"));
        assert_eq!(name(&encode("WORKGROUP", 0x1e)), None, "browser election name");
        assert_eq!(name(&encode("*", 0)), None);
        assert_eq!(name("FHFDCNDADBCA"), None, "short");
        assert_eq!(name(&"Z".repeat(32)), None, "not A-P");
    }

    #[test]
    fn service_types_keep_their_protocol() {
        assert_eq!(service_type("_airplay._tcp.local"), Some("_airplay._tcp"));
        assert_eq!(service_type("_services._dns-sd._udp.local"), None);
        assert_eq!(service_type("_sub._printer._tcp.local"), Some("_sub._printer._tcp"));
        assert_eq!(service_type("_x.local"), None);
        assert_eq!(service_type("Kitchen._airplay._tcp.local"), None, "an instance");
    }
}
