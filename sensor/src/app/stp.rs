//! Spanning-tree BPDUs (IEEE 802.1D/802.1w/802.1s, carried in LLC
//! 0x42/0x42): who sends them is a bridge, and its bridge id names it.
//!
//! Configuration and RST/MST BPDUs carry the root and the sender's bridge
//! ids; a topology-change notification carries neither.

use std::fmt;

/// Length of a configuration BPDU, up to and including the forward delay.
const CONFIG_LEN: usize = 35;

/// Why a BPDU could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StpError {
    /// Not protocol 0, or shorter than a configuration BPDU.
    Malformed,
    /// A topology-change notification: valid, but it names no bridge.
    NoBridgeId,
}

/// A bridge id: priority (with the VLAN/instance in its low 12 bits) and
/// the bridge's MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BridgeId {
    /// Priority, as sent (e.g. 32768 + VLAN 1 = 32769).
    pub priority: u16,
    /// The bridge's address.
    pub mac: [u8; 6],
}

impl fmt::Display for BridgeId {
    /// `32769/00:18:ba:98:68:80`, as Wireshark shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.mac;
        write!(
            f,
            "{}/{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            self.priority, m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

/// The root's and the sender's bridge ids in a BPDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bpdu {
    /// The bridge the sender believes is the root.
    pub root: BridgeId,
    /// The sender.
    pub bridge: BridgeId,
}

/// Reads a BPDU (what follows the LLC header).
pub fn parse(bpdu: &[u8]) -> Result<Bpdu, StpError> {
    match bpdu {
        [0, 0, _, 0x80, ..] => Err(StpError::NoBridgeId),
        [0, 0, ..] if bpdu.len() >= CONFIG_LEN => {
            let id = |at: usize| BridgeId {
                priority: u16::from_be_bytes([bpdu[at], bpdu[at + 1]]),
                mac: bpdu[at + 2..at + 8].try_into().unwrap_or_default(),
            };
            Ok(Bpdu { root: id(5), bridge: id(17) })
        }
        _ => Err(StpError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rapid-spanning-tree BPDU from a bridge that is its own root.
    const RSTP: [u8; 36] = [
        0x00, 0x00, 0x02, 0x02, 0x3c, // protocol, version 2, type RST, flags
        0x80, 0x01, 0x00, 0x18, 0xba, 0x98, 0x68, 0x80, // root 32769/…
        0x00, 0x00, 0x00, 0x00, // root path cost
        0x80, 0x01, 0x00, 0x18, 0xba, 0x98, 0x68, 0x80, // bridge 32769/…
        0x80, 0x0d, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x0f, 0x00, // port, timers
        0x00, // version 1 length
    ];

    #[test]
    fn root_and_sender_are_read() {
        let b = parse(&RSTP).unwrap();
        assert_eq!(b.bridge.to_string(), "32769/00:18:ba:98:68:80");
        assert_eq!(b.root, b.bridge);
        assert_eq!(parse(&[0, 0, 0, 0x80]), Err(StpError::NoBridgeId), "TCN");
        assert_eq!(parse(&RSTP[..34]), Err(StpError::Malformed));
        assert_eq!(parse(&[1; 40]), Err(StpError::Malformed), "not protocol 0");
        for cut in 0..CONFIG_LEN {
            assert!(parse(&RSTP[..cut]).is_err(), "cut at {cut}");
        }
    }
}
