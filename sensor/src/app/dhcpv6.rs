//! DHCPv6 messages (RFC 8415): a zero-copy view of the header, an iterator
//! over the options, and readers for the options that say what a client
//! is — its DUID, vendor class and FQDN.
//!
//! Clients send to UDP 547; the caller picks the port. Every option and
//! every entry inside one is bounded by the slice it sits in: one that
//! runs past it ends its iteration with an error, so a crafted length can
//! neither make a reader loop nor read beyond the payload.

/// Length of a client/server message header: type and transaction id.
pub const HEADER_LEN: usize = 4;
/// Length of a relay message header: type, hop count, link and peer
/// addresses (RFC 8415 §9).
pub const RELAY_HEADER_LEN: usize = 34;
/// The hardware type of Ethernet in a DUID (IANA ARP hardware types).
const HW_ETHERNET: u16 = 1;

/// Option codes gapwatch reads.
pub mod option {
    /// Client Identifier: the client's DUID.
    pub const CLIENT_ID: u16 = 1;
    /// Option Request: the option codes the client asks for.
    pub const ORO: u16 = 6;
    /// User Class.
    pub const USER_CLASS: u16 = 15;
    /// Vendor Class: enterprise number and opaque class data.
    pub const VENDOR_CLASS: u16 = 16;
    /// Client FQDN (RFC 4704).
    pub const CLIENT_FQDN: u16 = 39;
}

/// Message types (RFC 8415 §7.3).
pub mod message_type {
    /// Solicit.
    pub const SOLICIT: u8 = 1;
    /// Advertise.
    pub const ADVERTISE: u8 = 2;
    /// Request.
    pub const REQUEST: u8 = 3;
    /// Confirm.
    pub const CONFIRM: u8 = 4;
    /// Renew.
    pub const RENEW: u8 = 5;
    /// Rebind.
    pub const REBIND: u8 = 6;
    /// Reply.
    pub const REPLY: u8 = 7;
    /// Release.
    pub const RELEASE: u8 = 8;
    /// Decline.
    pub const DECLINE: u8 = 9;
    /// Information-request.
    pub const INFORMATION_REQUEST: u8 = 11;
    /// Relay-forward.
    pub const RELAY_FORW: u8 = 12;
    /// Relay-reply.
    pub const RELAY_REPL: u8 = 13;
}

/// Why a message or an option could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dhcpv6Error {
    /// Shorter than its fixed fields: a message under its header, or an
    /// option's data too short for the fields it starts with.
    Truncated,
    /// An option's length runs past the end of the message.
    OptionOverrun,
    /// A vendor or user class entry runs past the end of its option.
    EntryOverrun,
    /// A label of a name runs past the end of its option.
    LabelOverrun,
    /// A name label that is not a plain length: RFC 4704 forbids
    /// compression, and 0x40/0x80 are reserved.
    BadLabel,
}

/// A DHCPv6 message, as captured.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    bytes: &'a [u8],
}

impl<'a> Message<'a> {
    /// A view of `bytes`, if they hold a whole header: 4 bytes, or 34 for
    /// a relay message.
    pub fn new_checked(bytes: &'a [u8]) -> Result<Message<'a>, Dhcpv6Error> {
        let Some(&msg_type) = bytes.first() else {
            return Err(Dhcpv6Error::Truncated);
        };
        if bytes.len() < header_len(msg_type) {
            return Err(Dhcpv6Error::Truncated);
        }
        Ok(Message { bytes })
    }

    /// The message type (see [`message_type`]).
    pub fn msg_type(&self) -> u8 {
        self.bytes[0]
    }

    /// The 24-bit transaction id; a relay message has none.
    pub fn transaction_id(&self) -> Option<u32> {
        let b = self.bytes;
        (!is_relay(b[0])).then(|| u32::from_be_bytes([0, b[1], b[2], b[3]]))
    }

    /// True for the messages only a client sends: what they carry
    /// describes the sender. Relayed messages are the relay's, not the
    /// client's, and are excluded.
    pub fn is_client(&self) -> bool {
        use message_type::*;
        matches!(
            self.msg_type(),
            SOLICIT | REQUEST | CONFIRM | RENEW | REBIND | RELEASE | DECLINE | INFORMATION_REQUEST
        )
    }

    /// Every option after the header, in order.
    pub fn options(&self) -> Options<'a> {
        Options { bytes: self.bytes, at: header_len(self.msg_type()), failed: false }
    }

    /// The first option with `code`, if present (and readable up to it).
    pub fn option(&self, code: u16) -> Option<&'a [u8]> {
        self.options().map_while(Result::ok).find(|&(c, _)| c == code).map(|(_, data)| data)
    }
}

fn is_relay(msg_type: u8) -> bool {
    matches!(msg_type, message_type::RELAY_FORW | message_type::RELAY_REPL)
}

fn header_len(msg_type: u8) -> usize {
    if is_relay(msg_type) { RELAY_HEADER_LEN } else { HEADER_LEN }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

/// Iterator over `(code, data)` of a message's options.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    bytes: &'a [u8],
    at: usize,
    failed: bool,
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<(u16, &'a [u8]), Dhcpv6Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.at >= self.bytes.len() {
            return None;
        }
        let code = u16_at(self.bytes, self.at);
        let len = u16_at(self.bytes, self.at + 2).map(usize::from);
        let start = self.at + 4;
        let (Some(code), Some(data)) =
            (code, len.and_then(|len| self.bytes.get(start..start + len)))
        else {
            self.failed = true;
            return Some(Err(Dhcpv6Error::OptionOverrun));
        };
        self.at = start + data.len();
        Some(Ok((code, data)))
    }
}

/// The DUID type of a Client Identifier's `data` and its name, if it has
/// one: an unfamiliar type is reported as `"unknown"`, not refused.
pub fn duid_type(data: &[u8]) -> Option<(u16, &'static str)> {
    let duid_type = u16_at(data, 0)?;
    let name = match duid_type {
        1 => "DUID-LLT",
        2 => "DUID-EN",
        3 => "DUID-LL",
        4 => "DUID-UUID",
        _ => "unknown",
    };
    Some((duid_type, name))
}

/// The Ethernet address inside a DUID-LLT or DUID-LL (a Client
/// Identifier's `data`), if it holds one. A DUID-LLT's address is that of
/// some interface at the time the DUID was made, not necessarily the one
/// the message came from.
pub fn duid_link_layer(data: &[u8]) -> Option<[u8; 6]> {
    // Type and hardware type, then (for LLT) a 4-byte time, then the MAC.
    let mac_at = match (u16_at(data, 0)?, u16_at(data, 2)?) {
        (1, HW_ETHERNET) => 8,
        (3, HW_ETHERNET) => 4,
        _ => return None,
    };
    // Any other length is not a 6-byte Ethernet address.
    if data.len() != mac_at + 6 {
        return None;
    }
    let mut mac = [0; 6];
    mac.copy_from_slice(&data[mac_at..]);
    Some(mac)
}

/// A Vendor Class option's enterprise number and its entries.
pub fn vendor_class(data: &[u8]) -> Result<(u32, Entries<'_>), Dhcpv6Error> {
    let enterprise = data.get(..4).ok_or(Dhcpv6Error::Truncated)?;
    let enterprise =
        u32::from_be_bytes([enterprise[0], enterprise[1], enterprise[2], enterprise[3]]);
    Ok((enterprise, Entries { rest: &data[4..] }))
}

/// A User Class option's entries (the same list a Vendor Class holds,
/// without the enterprise number).
pub fn user_class(data: &[u8]) -> Entries<'_> {
    Entries { rest: data }
}

/// Iterator over the opaque entries of a vendor or user class, each
/// preceded by a 2-byte length.
#[derive(Clone, Debug)]
pub struct Entries<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<&'a [u8], Dhcpv6Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let entry = u16_at(self.rest, 0).and_then(|len| self.rest.get(2..2 + usize::from(len)));
        let Some(entry) = entry else {
            self.rest = &[];
            return Some(Err(Dhcpv6Error::EntryOverrun));
        };
        self.rest = &self.rest[2 + entry.len()..];
        Some(Ok(entry))
    }
}

/// A Client FQDN option's flags (S, O, N bits) and the labels of its
/// name. The name may be partial (a host name with no domain, as Windows
/// sends it): then the labels end with the option, without a root label.
pub fn client_fqdn(data: &[u8]) -> Result<(u8, Labels<'_>), Dhcpv6Error> {
    let (&flags, name) = data.split_first().ok_or(Dhcpv6Error::Truncated)?;
    Ok((flags, Labels { rest: name }))
}

/// Iterator over the labels of a Client FQDN's uncompressed name; it
/// ends at the root label or at the end of the option.
#[derive(Clone, Debug)]
pub struct Labels<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Labels<'a> {
    type Item = Result<&'a [u8], Dhcpv6Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&len, after) = self.rest.split_first()?;
        let len = usize::from(len);
        let result = match len {
            0 => None,
            1..=63 => Some(after.get(..len).ok_or(Dhcpv6Error::LabelOverrun)),
            _ => Some(Err(Dhcpv6Error::BadLabel)),
        };
        // After the root, an error or a label, what follows is either the
        // rest of the name or nothing to read.
        self.rest = match result {
            Some(Ok(label)) => &after[label.len()..],
            _ => &[],
        };
        result
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A Solicit from an Android phone: ndpi__android.pcap frame 69 (UDP
    /// payload). Client id DUID-LLT 4c:6a:f6:9f:f6:27, IA_NA, elapsed
    /// time, ORO (23, 24).
    const ANDROID_SOLICIT: [u8; 52] = [
        0x01, 0xd8, 0xe4, 0xfe, 0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x25, 0xe5, 0x14,
        0x8e, 0x4c, 0x6a, 0xf6, 0x9f, 0xf6, 0x27, 0x00, 0x03, 0x00, 0x0c, 0x0e, 0x00, 0x08, 0xca,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,
        0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x18,
    ];

    /// A Solicit laid out as Windows 10 sends one (no capture of one is
    /// at hand, so built by hand): elapsed time, DUID-LLT, IA_NA, a
    /// partial FQDN `DESKTOP-ABC`, vendor class "MSFT 5.0" under
    /// Microsoft's enterprise number 311, ORO (24, 23, 17, 39).
    pub(crate) const WINDOWS_SOLICIT: &[u8] = &[
        0x01, 0x3a, 0x5c, 0x01, // Solicit, transaction id
        0x00, 0x08, 0x00, 0x02, 0x00, 0x00, // elapsed time
        0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x26, 0x1f, 0x4b, 0x55, // DUID-LLT
        0x00, 0x15, 0x5d, 0x01, 0x02, 0x03, // MAC
        0x00, 0x03, 0x00, 0x0c, 0x0e, 0x00, 0x15, 0x5d, 0, 0, 0, 0, 0, 0, 0, 0, // IA_NA
        0x00, 0x27, 0x00, 0x0d, 0x00, 0x0b, b'D', b'E', b'S', b'K', b'T', b'O', b'P', b'-', b'A',
        b'B', b'C', // FQDN
        0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x01, 0x37, 0x00, 0x08, b'M', b'S', b'F', b'T', b' ',
        b'5', b'.', b'0', // vendor class
        0x00, 0x06, 0x00, 0x08, 0x00, 0x18, 0x00, 0x17, 0x00, 0x11, 0x00, 0x27, // ORO
    ];

    fn codes(bytes: &[u8]) -> Vec<Result<u16, Dhcpv6Error>> {
        Message::new_checked(bytes).unwrap().options().map(|o| o.map(|(c, _)| c)).collect()
    }

    #[test]
    fn reads_a_real_android_solicit() {
        let m = Message::new_checked(&ANDROID_SOLICIT).unwrap();
        assert_eq!(m.msg_type(), message_type::SOLICIT);
        assert_eq!(m.transaction_id(), Some(0xd8e4fe));
        assert!(m.is_client());
        assert_eq!(codes(&ANDROID_SOLICIT), [Ok(1), Ok(3), Ok(8), Ok(6)]);
        let duid = m.option(option::CLIENT_ID).unwrap();
        assert_eq!(duid_type(duid), Some((1, "DUID-LLT")));
        assert_eq!(duid_link_layer(duid), Some([0x4c, 0x6a, 0xf6, 0x9f, 0xf6, 0x27]));
        assert_eq!(m.option(option::ORO), Some(&[0, 23, 0, 24][..]));
        assert_eq!(m.option(option::VENDOR_CLASS), None);
    }

    #[test]
    fn reads_a_windows_solicit() {
        let m = Message::new_checked(WINDOWS_SOLICIT).unwrap();
        assert_eq!(codes(WINDOWS_SOLICIT), [Ok(8), Ok(1), Ok(3), Ok(39), Ok(16), Ok(6)]);
        let duid = m.option(option::CLIENT_ID).unwrap();
        assert_eq!(duid_link_layer(duid), Some([0x00, 0x15, 0x5d, 0x01, 0x02, 0x03]));
        let (enterprise, entries) = vendor_class(m.option(option::VENDOR_CLASS).unwrap()).unwrap();
        assert_eq!(enterprise, 311);
        assert_eq!(entries.collect::<Vec<_>>(), [Ok(&b"MSFT 5.0"[..])]);
        let fqdn = m.option(option::CLIENT_FQDN).unwrap();
        let (flags, labels) = client_fqdn(fqdn).unwrap();
        assert_eq!(flags, 0);
        assert_eq!(labels.collect::<Vec<_>>(), [Ok(&b"DESKTOP-ABC"[..])]);
    }

    #[test]
    fn duid_types_and_link_layer_addresses() {
        let ll = [0, 3, 0, 1, 2, 0, 0, 0, 0, 9];
        assert_eq!(duid_type(&ll), Some((3, "DUID-LL")));
        assert_eq!(duid_link_layer(&ll), Some([2, 0, 0, 0, 0, 9]));
        // DUID-EN and DUID-UUID carry no MAC; a non-Ethernet or odd-sized
        // link-layer address is not read as one.
        assert_eq!(duid_type(&[0, 2, 0, 0, 1, 55, 1]), Some((2, "DUID-EN")));
        assert_eq!(duid_link_layer(&[0, 2, 0, 0, 1, 55, 1, 2, 3, 4]), None);
        assert_eq!(duid_type(&[0, 4]), Some((4, "DUID-UUID")));
        assert_eq!(duid_link_layer(&[0, 3, 0, 6, 2, 0, 0, 0, 0, 9]), None);
        assert_eq!(duid_link_layer(&ll[..9]), None);
        assert_eq!(duid_link_layer(&[0, 1, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 9, 0]), None);
        assert_eq!(duid_type(&[0, 9]), Some((9, "unknown")));
        assert_eq!(duid_type(&[0]), None);
        assert_eq!(duid_link_layer(&[]), None);
    }

    #[test]
    fn an_option_overrunning_the_message_ends_with_an_error() {
        let mut bytes = ANDROID_SOLICIT;
        bytes[47] = 5; // ORO claims one byte more than is left
        assert_eq!(codes(&bytes), [Ok(1), Ok(3), Ok(8), Err(Dhcpv6Error::OptionOverrun)]);
        // Half an option header is an overrun too.
        assert_eq!(codes(&[1, 0, 0, 1, 0, 8, 0]), [Err(Dhcpv6Error::OptionOverrun)]);
        assert_eq!(codes(&[1, 0, 0, 1, 0]), [Err(Dhcpv6Error::OptionOverrun)]);
    }

    #[test]
    fn zero_length_options_are_read() {
        // Rapid commit (14) is empty by definition.
        let bytes = [1, 0, 0, 1, 0, 14, 0, 0, 0, 6, 0, 2, 0, 23];
        assert_eq!(codes(&bytes), [Ok(14), Ok(6)]);
        let m = Message::new_checked(&bytes).unwrap();
        assert_eq!(m.option(14), Some(&[][..]));
        assert_eq!(codes(&bytes[..4]), []);
    }

    #[test]
    fn short_messages_are_refused_and_prefixes_never_panic() {
        for len in 0..HEADER_LEN {
            let result = Message::new_checked(&WINDOWS_SOLICIT[..len]);
            assert_eq!(result.err(), Some(Dhcpv6Error::Truncated), "prefix {len}");
        }
        for len in HEADER_LEN..WINDOWS_SOLICIT.len() {
            let result = codes(&WINDOWS_SOLICIT[..len]);
            let ends_on_option = [4, 10, 28, 44, 61, 79].contains(&len);
            assert_eq!(result.iter().all(Result::is_ok), ends_on_option, "prefix {len}");
        }
    }

    #[test]
    fn relay_messages_are_not_client_messages() {
        let mut relay = [0u8; RELAY_HEADER_LEN + 4];
        relay[0] = message_type::RELAY_FORW;
        relay[RELAY_HEADER_LEN..].copy_from_slice(&[0, 9, 0, 0]); // empty relay message
        let m = Message::new_checked(&relay).unwrap();
        assert!(!m.is_client());
        assert_eq!(m.transaction_id(), None);
        assert_eq!(codes(&relay), [Ok(9)]);
        relay[0] = message_type::RELAY_REPL;
        assert!(!Message::new_checked(&relay).unwrap().is_client());
        let short = Message::new_checked(&relay[..RELAY_HEADER_LEN - 1]);
        assert_eq!(short.err(), Some(Dhcpv6Error::Truncated));
        for server in [message_type::ADVERTISE, message_type::REPLY, 10] {
            assert!(!Message::new_checked(&[server, 0, 0, 0]).unwrap().is_client());
        }
    }

    #[test]
    fn vendor_class_entries_stop_at_an_overrun() {
        let data = [0, 0, 1, 55, 0, 2, b'a', b'b', 0, 0, 0, 9, b'c'];
        let (enterprise, entries) = vendor_class(&data).unwrap();
        assert_eq!(enterprise, 311);
        let entries: Vec<_> = entries.collect();
        assert_eq!(entries, [Ok(&b"ab"[..]), Ok(&b""[..]), Err(Dhcpv6Error::EntryOverrun)]);
        let half_length: Vec<_> = vendor_class(&data[..5]).unwrap().1.collect();
        assert_eq!(half_length, [Err(Dhcpv6Error::EntryOverrun)]);
        assert_eq!(vendor_class(&data[..3]).err(), Some(Dhcpv6Error::Truncated));
        let user: Vec<_> = user_class(&[0, 3, b'x', b'y', b'z']).collect();
        assert_eq!(user, [Ok(&b"xyz"[..])]);
    }

    #[test]
    fn fqdn_labels_end_at_the_root_or_stop_at_an_error() {
        let labels = |data| client_fqdn(data).unwrap().1.collect::<Vec<_>>();
        let full = [0x01, 4, b'h', b'o', b's', b't', 3, b'l', b'a', b'n', 0, 9, 9];
        assert_eq!(labels(&full), [Ok(&b"host"[..]), Ok(&b"lan"[..])]);
        assert_eq!(client_fqdn(&full).unwrap().0, 0x01);
        let overrun = [0, 1, b'a', 5, b'b'];
        assert_eq!(labels(&overrun), [Ok(&b"a"[..]), Err(Dhcpv6Error::LabelOverrun)]);
        let pointer = [0, 1, b'a', 0xc0, 1];
        assert_eq!(labels(&pointer), [Ok(&b"a"[..]), Err(Dhcpv6Error::BadLabel)]);
        assert_eq!(labels(&[0]), []);
        assert_eq!(client_fqdn(&[]).err(), Some(Dhcpv6Error::Truncated));
    }

    #[test]
    fn mutated_solicits_read_without_panicking() {
        // Each byte of both solicits set to values that stress lengths;
        // every reader is run to its end.
        for base in [&ANDROID_SOLICIT[..], WINDOWS_SOLICIT] {
            for at in 0..base.len() {
                for value in [0, 1, 3, 0x0d, 0x3f, 0x40, 0xc0, 0xff] {
                    let mut bytes = base.to_vec();
                    bytes[at] = value;
                    let Ok(m) = Message::new_checked(&bytes) else { continue };
                    for (_, data) in m.options().map_while(Result::ok) {
                        let _ = (duid_type(data), duid_link_layer(data));
                        let _ = vendor_class(data).map(|(_, e)| e.count());
                        let _ = client_fqdn(data).map(|(_, l)| l.count());
                        let _ = user_class(data).count();
                    }
                }
            }
        }
    }
}
