//! Link and network addresses shared by every stage.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;

/// An IEEE 802 MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// `ff:ff:ff:ff:ff:ff`.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// The six octets.
    pub const fn octets(self) -> [u8; 6] {
        self.0
    }

    /// Group (multicast or broadcast) address: I/G bit set.
    pub const fn is_multicast(self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// `ff:ff:ff:ff:ff:ff`.
    pub fn is_broadcast(self) -> bool {
        self == Self::BROADCAST
    }

    /// Locally administered (U/L bit set): not from the IEEE registry, e.g. a
    /// virtual NIC or a phone's Wi-Fi privacy address.
    pub const fn is_locally_administered(self) -> bool {
        self.0[0] & 0x02 != 0
    }

    /// All zero (seen as the target of ARP requests).
    pub fn is_zero(self) -> bool {
        self.0 == [0; 6]
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = self.0;
        write!(f, "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", o[0], o[1], o[2], o[3], o[4], o[5])
    }
}

/// Why a string is not a MAC address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacParseError;

impl fmt::Display for MacParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected six hex octets separated by ':' or '-', like 00:1b:21:aa:bb:01")
    }
}

impl std::error::Error for MacParseError {}

impl FromStr for MacAddr {
    type Err = MacParseError;

    /// Accepts `00:1b:21:aa:bb:01`, `00-1B-21-AA-BB-01` (as Windows prints
    /// it) and `001b.21aa.bb01` (as Cisco switches print it).
    fn from_str(s: &str) -> Result<MacAddr, MacParseError> {
        let s = s.trim();
        let hex: String = if s.contains('.') {
            let groups: Vec<&str> = s.split('.').collect();
            if groups.len() != 3 || groups.iter().any(|g| g.len() != 4) {
                return Err(MacParseError);
            }
            groups.concat()
        } else {
            let sep = if s.contains('-') { '-' } else { ':' };
            let parts: Vec<&str> = s.split(sep).collect();
            if parts.len() != 6 || parts.iter().any(|p| p.len() != 2) {
                return Err(MacParseError);
            }
            parts.concat()
        };
        let mut out = [0u8; 6];
        for (i, byte) in out.iter_mut().enumerate() {
            let pair = hex.get(2 * i..2 * i + 2).ok_or(MacParseError)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| MacParseError)?;
        }
        Ok(MacAddr(out))
    }
}

impl serde::Serialize for MacAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for MacAddr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MacAddr, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|e| serde::de::Error::custom(format!("bad MAC address {s:?}: {e}")))
    }
}

/// True for addresses that never leave the local segment or name no single
/// host: unspecified, loopback, link-local, multicast and IPv4 broadcast.
/// Traffic to these is never a route out of the LAN.
pub fn is_local_scope(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4 == Ipv4Addr::BROADCAST
        }
        IpAddr::V6(v6) => {
            v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || v6.is_unicast_link_local()
                || v6.to_ipv4_mapped().is_some_and(|v4| is_local_scope(IpAddr::V4(v4)))
        }
    }
}

/// True for a unicast address a device can own: not unspecified, multicast or
/// broadcast.
pub fn is_unicast_host(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_unspecified() || v4.is_multicast() || v4 == Ipv4Addr::BROADCAST),
        IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
    }
}

/// True for a link-local unicast address (169.254/16, fe80::/10).
pub fn is_link_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => v6.is_unicast_link_local(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_notations() {
        let want = MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01]);
        assert_eq!("00:1b:21:aa:bb:01".parse(), Ok(want));
        assert_eq!("00-1B-21-AA-BB-01".parse(), Ok(want));
        assert_eq!("001b.21aa.bb01".parse(), Ok(want));
        assert_eq!(want.to_string(), "00:1b:21:aa:bb:01");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "00:1b:21:aa:bb",
            "00:1b:21:aa:bb:0g",
            "001b21aabb01",
            "0:1b:21:aa:bb:01:02",
            "é0:1b:21:aa:bb:01",
        ] {
            assert_eq!(bad.parse::<MacAddr>(), Err(MacParseError), "{bad}");
        }
    }

    #[test]
    fn flags() {
        let m: MacAddr = "01:00:5e:00:00:fb".parse().unwrap();
        assert!(m.is_multicast() && !m.is_broadcast());
        let la: MacAddr = "da:a1:19:00:00:01".parse().unwrap();
        assert!(la.is_locally_administered() && !la.is_multicast());
        assert!(MacAddr::BROADCAST.is_broadcast());
    }

    #[test]
    fn local_scope() {
        for s in [
            "224.0.0.251",
            "255.255.255.255",
            "169.254.1.1",
            "0.0.0.0",
            "ff02::fb",
            "fe80::1",
            "127.0.0.1",
        ] {
            assert!(is_local_scope(s.parse().unwrap()), "{s}");
        }
        for s in ["8.8.8.8", "10.20.1.1", "2001:db8::1", "fd00::1"] {
            assert!(!is_local_scope(s.parse().unwrap()), "{s}");
        }
    }
}
