//! Linux cooked capture headers (SLL and SLL2): what `tcpdump -i any`
//! writes instead of an Ethernet header.
//!
//! Views over the bytes in the smoltcp manner: `new_checked` verifies the
//! length once, after which no accessor can panic.

use gapwatch_rules::MacAddr;

/// A header shorter than its fixed size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncated;

/// ARPHRD_ETHER: the link address is a MAC.
const ARPHRD_ETHER: u16 = 1;
/// Length of a MAC in the address field.
const MAC_LEN: usize = 6;

mod sll_field {
    use std::ops::Range;
    pub const HATYPE: Range<usize> = 2..4;
    pub const HALEN: Range<usize> = 4..6;
    pub const ADDR: Range<usize> = 6..14;
    pub const PROTOCOL: Range<usize> = 14..16;
    pub const LEN: usize = 16;
}

mod sll2_field {
    use std::ops::Range;
    pub const PROTOCOL: Range<usize> = 0..2;
    pub const HATYPE: Range<usize> = 8..10;
    pub const HALEN: usize = 11;
    pub const ADDR: Range<usize> = 12..20;
    pub const LEN: usize = 20;
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

fn mac_from(hatype: u16, halen: usize, addr: &[u8]) -> Option<MacAddr> {
    if hatype != ARPHRD_ETHER || halen != MAC_LEN {
        return None;
    }
    let mut out = [0u8; 6];
    out.copy_from_slice(&addr[..MAC_LEN]);
    Some(MacAddr(out))
}

/// A Linux cooked v1 header (16 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Sll<'a>(&'a [u8]);

impl<'a> Sll<'a> {
    /// Checks the length.
    pub fn new_checked(data: &'a [u8]) -> Result<Sll<'a>, Truncated> {
        if data.len() < sll_field::LEN { Err(Truncated) } else { Ok(Sll(data)) }
    }

    /// The sender's MAC, when the link is Ethernet.
    pub fn source_mac(&self) -> Option<MacAddr> {
        let halen = usize::from(be16(&self.0[sll_field::HALEN]));
        mac_from(be16(&self.0[sll_field::HATYPE]), halen, &self.0[sll_field::ADDR])
    }

    /// EtherType of the payload.
    pub fn protocol(&self) -> u16 {
        be16(&self.0[sll_field::PROTOCOL])
    }

    /// The bytes after the header.
    pub fn payload(&self) -> &'a [u8] {
        &self.0[sll_field::LEN..]
    }
}

/// A Linux cooked v2 header (20 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Sll2<'a>(&'a [u8]);

impl<'a> Sll2<'a> {
    /// Checks the length.
    pub fn new_checked(data: &'a [u8]) -> Result<Sll2<'a>, Truncated> {
        if data.len() < sll2_field::LEN { Err(Truncated) } else { Ok(Sll2(data)) }
    }

    /// The sender's MAC, when the link is Ethernet.
    pub fn source_mac(&self) -> Option<MacAddr> {
        let halen = usize::from(self.0[sll2_field::HALEN]);
        mac_from(be16(&self.0[sll2_field::HATYPE]), halen, &self.0[sll2_field::ADDR])
    }

    /// EtherType of the payload.
    pub fn protocol(&self) -> u16 {
        be16(&self.0[sll2_field::PROTOCOL])
    }

    /// The bytes after the header.
    pub fn payload(&self) -> &'a [u8] {
        &self.0[sll2_field::LEN..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SLL v1, packet from host, ARPHRD_ETHER, MAC 00:1b:21:aa:bb:01, IPv4.
    static SLL_BYTES: [u8; 16] = [
        0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01, 0x00, 0x00, 0x08,
        0x00,
    ];
    /// SLL2, IPv6, ifindex 2, ARPHRD_ETHER, outgoing, MAC 00:1b:21:aa:bb:02.
    static SLL2_BYTES: [u8; 20] = [
        0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x04, 0x06, 0x00, 0x1b, 0x21,
        0xaa, 0xbb, 0x02, 0x00, 0x00,
    ];

    #[test]
    fn sll_fields() {
        let h = Sll::new_checked(&SLL_BYTES).unwrap();
        assert_eq!(h.source_mac(), Some(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01])));
        assert_eq!(h.protocol(), 0x0800);
        assert!(h.payload().is_empty());
    }

    #[test]
    fn sll2_fields() {
        let h = Sll2::new_checked(&SLL2_BYTES).unwrap();
        assert_eq!(h.source_mac(), Some(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x02])));
        assert_eq!(h.protocol(), 0x86dd);
    }

    #[test]
    fn short_headers_are_refused() {
        for n in 0..16 {
            assert_eq!(Sll::new_checked(&SLL_BYTES[..n]).err(), Some(Truncated));
        }
        for n in 0..20 {
            assert_eq!(Sll2::new_checked(&SLL2_BYTES[..n]).err(), Some(Truncated));
        }
    }

    #[test]
    fn non_ethernet_link_has_no_mac() {
        let mut b = SLL_BYTES;
        b[3] = 0x00; // hatype 0 (NETROM)
        assert_eq!(Sll::new_checked(&b).unwrap().source_mac(), None);
        let mut b = SLL2_BYTES;
        b[11] = 8; // halen 8
        assert_eq!(Sll2::new_checked(&b).unwrap().source_mac(), None);
    }
}
