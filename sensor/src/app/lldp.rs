//! LLDP (IEEE 802.1AB) data units: a zero-copy iterator over the TLVs a
//! switch, phone or access point sends about itself.
//!
//! Each TLV is a 7-bit type and a 9-bit length, then its value. The walk
//! stops at the End TLV or the end of the slice; a TLV whose length runs
//! past the slice ends it with an error.

/// TLV types gapwatch reads.
pub mod tlv {
    /// End of LLDPDU.
    pub const END: u8 = 0;
    /// Chassis ID.
    pub const CHASSIS_ID: u8 = 1;
    /// Port ID.
    pub const PORT_ID: u8 = 2;
    /// System name.
    pub const SYSTEM_NAME: u8 = 5;
    /// System description.
    pub const SYSTEM_DESCRIPTION: u8 = 6;
    /// System capabilities: supported, then enabled.
    pub const SYSTEM_CAPABILITIES: u8 = 7;
}

/// Capability bits (802.1AB table 8-4), shared with CDP's mapping in
/// [`super::cdp`].
pub mod capability {
    /// Other.
    pub const OTHER: u16 = 0x0001;
    /// Repeater.
    pub const REPEATER: u16 = 0x0002;
    /// MAC bridge (a switch).
    pub const BRIDGE: u16 = 0x0004;
    /// WLAN access point.
    pub const WLAN_AP: u16 = 0x0008;
    /// Router.
    pub const ROUTER: u16 = 0x0010;
    /// Telephone.
    pub const TELEPHONE: u16 = 0x0020;
    /// DOCSIS cable device.
    pub const DOCSIS: u16 = 0x0040;
    /// Station only (an end host).
    pub const STATION: u16 = 0x0080;
}

/// Capability names, in bit order, as clues show them.
const CAPABILITY_NAMES: [(u16, &str); 8] = [
    (capability::OTHER, "other"),
    (capability::REPEATER, "repeater"),
    (capability::BRIDGE, "bridge"),
    (capability::WLAN_AP, "wlan-ap"),
    (capability::ROUTER, "router"),
    (capability::TELEPHONE, "telephone"),
    (capability::DOCSIS, "docsis"),
    (capability::STATION, "station"),
];

/// Why an LLDPDU could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LldpError {
    /// A TLV header or value runs past the end of the data unit.
    TlvOverrun,
}

/// The TLVs of an LLDPDU, as `(type, value)`.
pub fn tlvs(payload: &[u8]) -> Tlvs<'_> {
    Tlvs { rest: payload, done: false }
}

/// Iterator over an LLDPDU's TLVs; see [`tlvs`].
#[derive(Clone, Debug)]
pub struct Tlvs<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<(u8, &'a [u8]), LldpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        let Some(&[hi, lo]) = self.rest.get(..2) else {
            self.done = true;
            return Some(Err(LldpError::TlvOverrun));
        };
        let kind = hi >> 1;
        let len = usize::from(u16::from_be_bytes([hi & 1, lo]));
        let Some(value) = self.rest.get(2..2 + len) else {
            self.done = true;
            return Some(Err(LldpError::TlvOverrun));
        };
        self.rest = &self.rest[2 + len..];
        if kind == tlv::END {
            self.done = true;
            return None;
        }
        Some(Ok((kind, value)))
    }
}

/// The capabilities a system-capabilities TLV says are enabled.
pub fn enabled_capabilities(value: &[u8]) -> Option<u16> {
    let bytes: [u8; 2] = value.get(2..4)?.try_into().ok()?;
    Some(u16::from_be_bytes(bytes))
}

/// The names of the capability bits set in `bits`, comma-separated in bit
/// order (`bridge,router`), written into `out`; returns the text.
pub fn capability_names(bits: u16, out: &mut [u8; 64]) -> &str {
    let mut len = 0;
    for (_, name) in CAPABILITY_NAMES.iter().filter(|(bit, _)| bits & bit != 0) {
        let sep = usize::from(len > 0);
        if len + sep + name.len() > out.len() {
            break;
        }
        if sep == 1 {
            out[len] = b',';
        }
        out[len + sep..len + sep + name.len()].copy_from_slice(name.as_bytes());
        len += sep + name.len();
    }
    std::str::from_utf8(&out[..len]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frame 4 of tcpdump's `LLDP_and_CDP.pcap` (switch S1), after the
    /// Ethernet header, with the system description shortened.
    const S1: [u8; 55] = [
        0x02, 0x07, 0x04, 0x00, 0x18, 0xba, 0x98, 0x68, 0x8f, // chassis: MAC
        0x04, 0x07, 0x07, b'F', b'a', b'0', b'/', b'1', b'3', // port: local
        0x06, 0x02, 0x00, 0x78, // TTL 120
        0x0a, 0x0c, b'S', b'1', b'.', b'c', b'i', b's', b'c', b'o', b'.', b'c', b'o', b'm', 0x0c,
        0x09, b'C', b'i', b's', b'c', b'o', b' ', b'I', b'O', b'S', // description
        0x0e, 0x04, 0x00, 0x14, 0x00, 0x04, // caps: bridge+router, bridge enabled
        0x00, 0x00, // end
    ];

    #[test]
    fn a_switch_names_itself_and_its_enabled_capabilities() {
        let all: Vec<_> = tlvs(&S1).collect::<Result<_, _>>().unwrap();
        let find = |t| all.iter().find(|(k, _)| *k == t).map(|(_, v)| *v);
        assert_eq!(find(tlv::SYSTEM_NAME), Some(&b"S1.cisco.com"[..]));
        assert_eq!(find(tlv::SYSTEM_DESCRIPTION), Some(&b"Cisco IOS"[..]));
        let enabled = enabled_capabilities(find(tlv::SYSTEM_CAPABILITIES).unwrap()).unwrap();
        assert_eq!(enabled, capability::BRIDGE);
        assert_eq!(capability_names(0x0014, &mut [0; 64]), "bridge,router");
        assert_eq!(capability_names(0x0008, &mut [0; 64]), "wlan-ap");
        assert_eq!(capability_names(0xffff, &mut [0; 64]).split(',').count(), 8);
        assert_eq!(capability_names(0, &mut [0; 64]), "");
        assert_eq!(all.len(), 6, "stops at End");
    }

    #[test]
    fn overruns_end_the_walk_and_no_prefix_panics() {
        for cut in 0..S1.len() - 2 {
            let read: Vec<_> = tlvs(&S1[..cut]).collect();
            let ok = read.iter().filter(|r| r.is_ok()).count();
            assert!(read.iter().skip(ok).all(|r| r.is_err()) && read.len() <= ok + 1);
        }
        assert_eq!(tlvs(&[0x0a, 0x05, b'S']).next(), Some(Err(LldpError::TlvOverrun)));
        assert_eq!(tlvs(&[0x0a]).next(), Some(Err(LldpError::TlvOverrun)));
        assert_eq!(tlvs(&[0x0a, 0x00]).next(), Some(Ok((tlv::SYSTEM_NAME, &[][..]))), "empty");
        assert_eq!(enabled_capabilities(&[0, 0x14]), None, "short");
    }
}
