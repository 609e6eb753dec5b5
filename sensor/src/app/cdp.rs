//! CDP (Cisco Discovery Protocol) messages, carried in LLC/SNAP: a
//! zero-copy iterator over the TLVs a Cisco device sends about itself.
//!
//! A four-byte header (version, hold time, checksum), then TLVs of a
//! two-byte type and a two-byte length that counts the TLV's own header.
//! A length below four or past the slice ends the walk with an error.

use super::lldp::capability;

/// TLV types gapwatch reads.
pub mod tlv {
    /// Device ID (usually the host name).
    pub const DEVICE_ID: u16 = 0x0001;
    /// Capabilities (four bytes of bits).
    pub const CAPABILITIES: u16 = 0x0004;
    /// Software version (multi-line text).
    pub const SOFTWARE_VERSION: u16 = 0x0005;
    /// Platform (`cisco WS-C3560-24TS`).
    pub const PLATFORM: u16 = 0x0006;
}

/// Length of the CDP header before the TLVs.
const HEADER_LEN: usize = 4;

/// Why a CDP message could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CdpError {
    /// Shorter than the header, or not version 1 or 2.
    BadHeader,
    /// A TLV's length is below its header or runs past the message.
    TlvOverrun,
}

/// The TLVs of a CDP message, as `(type, value)`.
pub fn tlvs(payload: &[u8]) -> Result<Tlvs<'_>, CdpError> {
    match payload.first() {
        Some(1 | 2) if payload.len() >= HEADER_LEN => {
            Ok(Tlvs { rest: &payload[HEADER_LEN..], done: false })
        }
        _ => Err(CdpError::BadHeader),
    }
}

/// Iterator over a CDP message's TLVs; see [`tlvs`].
#[derive(Clone, Debug)]
pub struct Tlvs<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<(u16, &'a [u8]), CdpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        let header = self.rest.get(..4).map(|h| {
            (u16::from_be_bytes([h[0], h[1]]), usize::from(u16::from_be_bytes([h[2], h[3]])))
        });
        match header {
            Some((kind, len)) if len >= 4 && len <= self.rest.len() => {
                let value = &self.rest[4..len];
                self.rest = &self.rest[len..];
                Some(Ok((kind, value)))
            }
            _ => {
                self.done = true;
                Some(Err(CdpError::TlvOverrun))
            }
        }
    }
}

/// A capabilities TLV's bits in LLDP's terms ([`capability`]), so both
/// protocols' clues read alike: router, bridge (transparent, source-route
/// or switch), repeater, telephone, station (host).
pub fn capabilities(value: &[u8]) -> Option<u16> {
    let bytes: [u8; 4] = value.try_into().ok()?;
    let cdp = u32::from_be_bytes(bytes);
    let map = [
        (0x01, capability::ROUTER),
        (0x02 | 0x04 | 0x08, capability::BRIDGE),
        (0x10, capability::STATION),
        (0x40, capability::REPEATER),
        (0x80, capability::TELEPHONE),
    ];
    Some(map.iter().filter(|(bits, _)| cdp & bits != 0).fold(0, |acc, (_, lldp)| acc | lldp))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start of frame 1 of tcpdump's `LLDP_and_CDP.pcap` (switch S1)
    /// after LLC/SNAP, with its software version shortened, and the
    /// capabilities TLV from later in the frame.
    const S1: [u8; 49] = [
        0x02, 0xb4, 0x0b, 0xea, // version 2, hold 180, checksum
        0x00, 0x01, 0x00, 0x06, b'S', b'1', // device id
        0x00, 0x05, 0x00, 0x0d, b'C', b'i', b's', b'c', b'o', b' ', b'I', b'O', b'S', //
        0x00, 0x06, 0x00, 0x0e, b'c', b'i', b's', b'c', b'o', b' ', b'W', b'S', b'-', b'C', //
        0x00, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x28, // switch, IGMP
        0x00, 0x03, 0x00, 0x04, // an empty port id
    ];

    #[test]
    fn a_switch_names_itself_and_its_platform() {
        let all: Vec<_> = tlvs(&S1).unwrap().collect::<Result<_, _>>().unwrap();
        let find = |t| all.iter().find(|(k, _)| *k == t).map(|(_, v)| *v);
        assert_eq!(find(tlv::DEVICE_ID), Some(&b"S1"[..]));
        assert_eq!(find(tlv::SOFTWARE_VERSION), Some(&b"Cisco IOS"[..]));
        assert_eq!(find(tlv::PLATFORM), Some(&b"cisco WS-C"[..]));
        assert_eq!(capabilities(find(tlv::CAPABILITIES).unwrap()), Some(capability::BRIDGE));
        assert_eq!(capabilities(&[0, 0, 0, 1]), Some(capability::ROUTER), "zeek's cdp-v1 R1");
        assert_eq!(capabilities(&[0, 0, 0]), None);
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn bad_lengths_end_the_walk_and_no_prefix_panics() {
        for cut in 0..S1.len() {
            if let Ok(walk) = tlvs(&S1[..cut]) {
                let read: Vec<_> = walk.collect();
                let ok = read.iter().take_while(|r| r.is_ok()).count();
                assert!(read.len() <= ok + 1);
            }
        }
        assert_eq!(tlvs(&[3, 180, 0, 0]).err(), Some(CdpError::BadHeader));
        assert_eq!(tlvs(&[2, 180]).err(), Some(CdpError::BadHeader));
        let below_header = [2, 180, 0, 0, 0, 1, 0, 2];
        assert_eq!(tlvs(&below_header).unwrap().next(), Some(Err(CdpError::TlvOverrun)));
        let past_end = [2, 180, 0, 0, 0, 1, 0, 9, b'S'];
        assert_eq!(tlvs(&past_end).unwrap().next(), Some(Err(CdpError::TlvOverrun)));
    }
}
