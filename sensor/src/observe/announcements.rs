//! What devices say about themselves beyond their names: the vendor class,
//! name and identifier of their DHCPv6 requests, the server, agent and
//! device type of their SSDP/UPnP messages, the OS version and roles in
//! their NetBIOS browser announcements. Each becomes a clue of the sending
//! MAC, once.
//!
//! Values are built in place ([`Text`]) and hashed before anything is
//! allocated: most messages repeat what was already noted.

use std::fmt::Write;

use gapwatch_rules::fact::ClueKind;
use gapwatch_rules::{Fact, MacAddr};

use super::app::Segment;
use super::clues::{Clues, Text};
use crate::app::{browser, dhcpv6, ssdp};
use crate::decode::DecodeError;

/// Server type bits of a browser announcement, as clues name them.
const SERVER_TYPES: [(u32, &str); 9] = [
    (browser::server_type::WORKSTATION, "workstation"),
    (browser::server_type::SERVER, "server"),
    (browser::server_type::DOMAIN_CTRL, "domain_controller"),
    (browser::server_type::DOMAIN_BAKCTRL, "backup_controller"),
    (browser::server_type::PRINTQ_SERVER, "print_server"),
    (browser::server_type::SERVER_UNIX, "unix"),
    (browser::server_type::NT, "windows_nt"),
    (browser::server_type::SERVER_NT, "windows_nt_server"),
    (browser::server_type::MASTER_BROWSER, "master_browser"),
];

/// A DHCPv6 client message (Solicit, Request, Renew, …): its vendor
/// class, FQDN, DUID type and option request list, on the sender.
pub fn dhcpv6_client(
    clues: &mut Clues,
    seg: &Segment<'_>,
    facts: &mut Vec<Fact>,
) -> Option<DecodeError> {
    let mac = seg.src.mac?;
    let Ok(m) = dhcpv6::Message::new_checked(seg.payload) else {
        return Some(DecodeError::DhcpMalformed);
    };
    if !m.is_client() {
        return None;
    }
    let mut note = |kind, value: &[u8]| clues.note(mac, kind, value, seg.ts, facts);
    for option in m.options() {
        let Ok((code, data)) = option else {
            return Some(DecodeError::DhcpMalformed);
        };
        let mut text = Text::new();
        let kind = match code {
            dhcpv6::option::VENDOR_CLASS => {
                let Ok((_, entries)) = dhcpv6::vendor_class(data) else {
                    return Some(DecodeError::DhcpMalformed);
                };
                if joined(&mut text, entries, " ").is_err() {
                    return Some(DecodeError::DhcpMalformed);
                }
                ClueKind::Dhcpv6VendorClass
            }
            dhcpv6::option::CLIENT_FQDN => {
                let Ok((_, labels)) = dhcpv6::client_fqdn(data) else {
                    return Some(DecodeError::DhcpMalformed);
                };
                if joined(&mut text, labels, ".").is_err() {
                    return Some(DecodeError::DhcpMalformed);
                }
                ClueKind::Dhcpv6Fqdn
            }
            dhcpv6::option::CLIENT_ID => match dhcpv6::duid_type(data) {
                Some((_, name)) => {
                    let _ = text.write_str(name);
                    ClueKind::Dhcpv6DuidType
                }
                None => continue,
            },
            dhcpv6::option::ORO => {
                for (i, code) in data.chunks_exact(2).enumerate() {
                    let sep = if i == 0 { "" } else { "," };
                    let _ = write!(text, "{sep}{}", u16::from_be_bytes([code[0], code[1]]));
                }
                ClueKind::Dhcpv6OptionRequest
            }
            _ => continue,
        };
        note(kind, text.as_bytes());
    }
    None
}

/// An SSDP message: the `SERVER` a device answers or announces with, the
/// `USER-AGENT` it searches with, the device type it announces.
pub fn ssdp(clues: &mut Clues, seg: &Segment<'_>, facts: &mut Vec<Fact>) -> Option<DecodeError> {
    let mac = seg.src.mac?;
    // Not every datagram on the port is SSDP; only a start line without
    // its end is malformed.
    let m = match ssdp::parse(seg.payload) {
        Ok(m) => m,
        Err(ssdp::SsdpError::NoLineEnd) => return Some(DecodeError::HttpMalformed),
        Err(ssdp::SsdpError::NotSsdp) => return None,
    };
    let said = [
        (ClueKind::SsdpServer, m.server.filter(|_| m.kind != ssdp::Kind::Search)),
        (ClueKind::SsdpUserAgent, m.user_agent),
        (ClueKind::SsdpDeviceType, m.device_type()),
    ];
    for (kind, value) in said {
        if let Some(value) = value {
            clues.note(mac, kind, value, seg.ts, facts);
        }
    }
    None
}

/// A NetBIOS browser host announcement: the host's name, OS version and
/// server roles, on the sender. Other datagrams on the port are no error.
pub fn browser(clues: &mut Clues, seg: &Segment<'_>, facts: &mut Vec<Fact>) -> Option<DecodeError> {
    let mac: MacAddr = seg.src.mac?;
    let a = match browser::parse(seg.payload) {
        Ok(a) => a,
        Err(browser::BrowserError::Truncated | browser::BrowserError::Malformed) => {
            return Some(DecodeError::NetbiosMalformed);
        }
        Err(_) => return None,
    };
    let mut note = |kind, value: &[u8]| clues.note(mac, kind, value, seg.ts, facts);
    note(ClueKind::NetbiosName, a.server_name);
    let mut version = Text::new();
    let _ = write!(version, "{}.{}", a.os_major, a.os_minor);
    note(ClueKind::BrowserOsVersion, version.as_bytes());
    let mut roles = Text::new();
    let named = SERVER_TYPES.iter().filter(|(bit, _)| a.server_type & bit != 0);
    for (i, (_, name)) in named.enumerate() {
        let _ = write!(roles, "{}{name}", if i == 0 { "" } else { "," });
    }
    note(ClueKind::BrowserServerType, roles.as_bytes());
    None
}

/// Writes the `parts` joined by `sep` (each as printable text); fails on
/// the first part that does not parse.
fn joined<'a, E>(
    text: &mut Text,
    parts: impl Iterator<Item = Result<&'a [u8], E>>,
    sep: &str,
) -> Result<(), E> {
    for (i, part) in parts.enumerate() {
        let part = part?;
        let _ = text.write_str(if i == 0 { "" } else { sep });
        for chunk in part.utf8_chunks() {
            let _ = text.write_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                let _ = text.write_char(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    Ok(())
}
