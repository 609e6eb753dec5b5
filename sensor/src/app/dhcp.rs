//! DHCPv4 messages (RFC 2131, options RFC 2132): a zero-copy view of the
//! fixed fields and an iterator over the options.
//!
//! The options area may be extended into the `file` and `sname` fields by
//! the overload option (52); those areas are read once each, in the order
//! RFC 2131 §4.1 gives, and an overload option found inside them is
//! ignored, so no message can make the reader loop. An option that runs
//! past its area ends the iteration with an error.

use std::net::Ipv4Addr;

/// Offset of the `sname` field.
const SNAME: std::ops::Range<usize> = 44..108;
/// Offset of the `file` field.
const FILE: std::ops::Range<usize> = 108..236;
/// Offset of the magic cookie, after which options begin.
const COOKIE_AT: usize = 236;
/// The magic cookie (99.130.83.99).
const COOKIE: [u8; 4] = [99, 130, 83, 99];
/// Shortest message: fixed fields and cookie.
pub const MIN_LEN: usize = 240;

/// Option codes gapwatch reads.
pub mod option {
    /// Routers (default gateways).
    pub const ROUTER: u8 = 3;
    /// DNS servers.
    pub const DNS_SERVERS: u8 = 6;
    /// Host name.
    pub const HOST_NAME: u8 = 12;
    /// Parameter request list.
    pub const PARAMETER_LIST: u8 = 55;
    /// Vendor class identifier.
    pub const VENDOR_CLASS: u8 = 60;
    /// Client identifier.
    pub const CLIENT_ID: u8 = 61;
    /// Client FQDN (RFC 4702).
    pub const CLIENT_FQDN: u8 = 81;
    /// Option overload.
    pub const OVERLOAD: u8 = 52;
    /// Message type.
    pub const MESSAGE_TYPE: u8 = 53;
    /// Server identifier.
    pub const SERVER_ID: u8 = 54;
}

/// Message types (option 53).
pub mod message_type {
    /// DHCPDISCOVER.
    pub const DISCOVER: u8 = 1;
    /// DHCPOFFER.
    pub const OFFER: u8 = 2;
    /// DHCPREQUEST.
    pub const REQUEST: u8 = 3;
    /// DHCPACK.
    pub const ACK: u8 = 5;
}

/// Why a message could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhcpError {
    /// Shorter than the fixed fields and the cookie.
    Truncated,
    /// The magic cookie is missing: BOOTP or not DHCP at all.
    NoCookie,
    /// An option's length runs past the end of its area.
    OptionOverrun,
}

/// A DHCPv4 message, as captured.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    bytes: &'a [u8],
}

impl<'a> Packet<'a> {
    /// A view of `bytes`, if they hold the fixed fields and the cookie.
    pub fn new_checked(bytes: &'a [u8]) -> Result<Packet<'a>, DhcpError> {
        if bytes.len() < MIN_LEN {
            return Err(DhcpError::Truncated);
        }
        if bytes[COOKIE_AT..MIN_LEN] != COOKIE {
            return Err(DhcpError::NoCookie);
        }
        Ok(Packet { bytes })
    }

    /// 1 for a client's request, 2 for a server's reply.
    pub fn op(&self) -> u8 {
        self.bytes[0]
    }

    /// The address offered or assigned (`yiaddr`).
    pub fn your_ip(&self) -> Ipv4Addr {
        self.ipv4_at(16)
    }

    /// The client's hardware address, when it is a 6-byte Ethernet one.
    pub fn client_mac(&self) -> Option<[u8; 6]> {
        let (htype, hlen) = (self.bytes[1], self.bytes[2]);
        if htype != 1 || hlen != 6 {
            return None;
        }
        let mut mac = [0; 6];
        mac.copy_from_slice(&self.bytes[28..34]);
        Some(mac)
    }

    /// Every option, main area first, then `file` and `sname` when the
    /// overload option says they hold options.
    pub fn options(&self) -> Options<'a> {
        Options { bytes: self.bytes, area: Area::Main, at: MIN_LEN, overload: 0, failed: false }
    }

    /// The first option with `code`, if present (and readable up to it).
    pub fn option(&self, code: u8) -> Option<&'a [u8]> {
        self.options().map_while(Result::ok).find(|&(c, _)| c == code).map(|(_, data)| data)
    }

    /// The message type (option 53), if present.
    pub fn message_type(&self) -> Option<u8> {
        self.option(option::MESSAGE_TYPE).and_then(|v| v.first().copied())
    }

    fn ipv4_at(&self, at: usize) -> Ipv4Addr {
        let b = &self.bytes[at..at + 4];
        Ipv4Addr::new(b[0], b[1], b[2], b[3])
    }
}

/// The addresses of an option that holds a list of IPv4 addresses (a
/// trailing partial address is ignored).
pub fn ipv4_list(data: &[u8]) -> impl Iterator<Item = Ipv4Addr> + '_ {
    data.chunks_exact(4).map(|b| Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    Main,
    File,
    Sname,
    Done,
}

/// Iterator over `(code, data)` of a message's options.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    bytes: &'a [u8],
    area: Area,
    at: usize,
    overload: u8,
    failed: bool,
}

impl Options<'_> {
    fn area_end(&self) -> usize {
        match self.area {
            Area::Main => self.bytes.len(),
            Area::File => FILE.end,
            Area::Sname => SNAME.end,
            Area::Done => 0,
        }
    }

    /// Moves on to the next area the overload option named.
    fn next_area(&mut self) {
        let (area, at) = match self.area {
            Area::Main if self.overload & 1 != 0 => (Area::File, FILE.start),
            Area::Main | Area::File if self.overload & 2 != 0 => (Area::Sname, SNAME.start),
            _ => (Area::Done, 0),
        };
        self.area = area;
        self.at = at;
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<(u8, &'a [u8]), DhcpError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.area != Area::Done && !self.failed {
            let end = self.area_end();
            let Some(&code) = self.bytes.get(self.at).filter(|_| self.at < end) else {
                self.next_area();
                continue;
            };
            match code {
                0 => self.at += 1,
                255 => self.next_area(),
                _ => {
                    let data = self
                        .bytes
                        .get(self.at + 1)
                        .map(|&len| self.at + 2..self.at + 2 + usize::from(len))
                        .filter(|range| range.end <= end)
                        .and_then(|range| self.bytes.get(range));
                    let Some(data) = data else {
                        self.failed = true;
                        return Some(Err(DhcpError::OptionOverrun));
                    };
                    self.at += 2 + data.len();
                    if code == option::OVERLOAD && self.area == Area::Main {
                        self.overload = data.first().copied().unwrap_or(0);
                    }
                    return Some(Ok((code, data)));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An offer of 10.0.0.50 to 02:00:00:00:00:01 with `options` after the
    /// cookie.
    fn offer(options: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0u8; MIN_LEN];
        bytes[0] = 2;
        bytes[1] = 1;
        bytes[2] = 6;
        bytes[16..20].copy_from_slice(&[10, 0, 0, 50]);
        bytes[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
        bytes[COOKIE_AT..MIN_LEN].copy_from_slice(&COOKIE);
        bytes.extend_from_slice(options);
        bytes
    }

    fn codes(bytes: &[u8]) -> Vec<Result<u8, DhcpError>> {
        Packet::new_checked(bytes).unwrap().options().map(|o| o.map(|(c, _)| c)).collect()
    }

    #[test]
    fn reads_fixed_fields_and_options() {
        let bytes = offer(&[53, 1, 2, 54, 4, 10, 0, 0, 1, 3, 4, 10, 0, 0, 1, 0, 255]);
        let p = Packet::new_checked(&bytes).unwrap();
        assert_eq!(p.op(), 2);
        assert_eq!(p.your_ip(), Ipv4Addr::new(10, 0, 0, 50));
        assert_eq!(p.client_mac(), Some([2, 0, 0, 0, 0, 1]));
        assert_eq!(p.message_type(), Some(message_type::OFFER));
        let routers: Vec<_> = ipv4_list(p.option(option::ROUTER).unwrap()).collect();
        assert_eq!(routers, [Ipv4Addr::new(10, 0, 0, 1)]);
        assert_eq!(p.option(option::DNS_SERVERS), None);
    }

    #[test]
    fn short_or_cookieless_messages_are_refused() {
        let bytes = offer(&[255]);
        for len in 0..MIN_LEN {
            assert_eq!(Packet::new_checked(&bytes[..len]).err(), Some(DhcpError::Truncated));
        }
        let mut bootp = bytes.clone();
        bootp[COOKIE_AT] = 0;
        assert_eq!(Packet::new_checked(&bootp).err(), Some(DhcpError::NoCookie));
    }

    #[test]
    fn an_option_overrunning_the_packet_ends_with_an_error() {
        let bytes = offer(&[53, 1, 2, 12, 200, b'a']);
        assert_eq!(codes(&bytes), [Ok(53), Err(DhcpError::OptionOverrun)]);
        let bytes = offer(&[53, 1, 2, 12]);
        assert_eq!(codes(&bytes), [Ok(53), Err(DhcpError::OptionOverrun)]);
    }

    #[test]
    fn zero_length_options_and_padding_are_read() {
        let bytes = offer(&[0, 0, 12, 0, 53, 1, 5, 255, 99, 99]);
        assert_eq!(codes(&bytes), [Ok(12), Ok(53)]);
        let p = Packet::new_checked(&bytes).unwrap();
        assert_eq!(p.option(option::HOST_NAME), Some(&[][..]));
        assert_eq!(p.message_type(), Some(message_type::ACK));
    }

    #[test]
    fn overload_reads_file_then_sname_once() {
        let mut bytes = offer(&[52, 1, 3, 255]);
        // `file` holds a router option and an overload claim that must not
        // restart anything; `sname` holds the message type.
        bytes[FILE.start..FILE.start + 9].copy_from_slice(&[3, 4, 10, 0, 0, 9, 52, 1, 3]);
        bytes[FILE.start + 9] = 255;
        bytes[SNAME.start..SNAME.start + 4].copy_from_slice(&[53, 1, 2, 255]);
        assert_eq!(codes(&bytes), [Ok(52), Ok(3), Ok(52), Ok(53)]);
    }

    #[test]
    fn an_option_may_not_run_from_file_into_the_cookie() {
        let mut bytes = offer(&[52, 1, 1, 255]);
        bytes[FILE.end - 2] = 12;
        bytes[FILE.end - 1] = 10;
        let result = codes(&bytes);
        assert_eq!(result.last(), Some(&Err(DhcpError::OptionOverrun)));
    }

    #[test]
    fn options_without_an_end_stop_at_the_packet_end() {
        let bytes = offer(&[53, 1, 2]);
        assert_eq!(codes(&bytes), [Ok(53)]);
    }
}
