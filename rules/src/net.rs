//! Link and network addresses shared by every stage.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;

/// An IEEE 802 MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct MacAddr(pub [u8; 6]);

/// Hashed as one integer, not as a slice of six bytes: the device table
/// looks a MAC up twice for every frame.
impl std::hash::Hash for MacAddr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let [a, b, c, d, e, f] = self.0;
        state.write_u64(u64::from_le_bytes([a, b, c, d, e, f, 0, 0]));
    }
}

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

impl MacAddr {
    /// The address as `00:1b:21:aa:bb:01`, on the stack: the record writes
    /// one per row, and the formatting machinery costs more than the row.
    pub fn text(self) -> MacText {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b':'; 17];
        for (i, octet) in self.0.into_iter().enumerate() {
            out[3 * i] = HEX[usize::from(octet >> 4)];
            out[3 * i + 1] = HEX[usize::from(octet & 0x0f)];
        }
        MacText(out)
    }
}

/// A MAC address as text; see [`MacAddr::text`].
#[derive(Clone, Copy)]
pub struct MacText([u8; 17]);

impl MacText {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits and colons are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.text().as_str())
    }
}

/// An IP address as text, on the stack; see [`ip_text`].
#[derive(Clone, Copy)]
pub struct IpText {
    buf: [u8; 39],
    len: u8,
}

impl IpText {
    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }

    fn push(&mut self, bytes: &[u8]) -> fmt::Result {
        let at = usize::from(self.len);
        let room = self.buf.get_mut(at..at + bytes.len()).ok_or(fmt::Error)?;
        room.copy_from_slice(bytes);
        self.len += bytes.len() as u8;
        Ok(())
    }
}

impl fmt::Write for IpText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes())
    }
}

/// `ip` as its usual text (`10.20.1.5`, `fe80::1`), without allocating.
pub fn ip_text(ip: IpAddr) -> IpText {
    let mut out = IpText { buf: [0; 39], len: 0 };
    match ip {
        // Dotted quads are most of what the record writes: done by hand.
        IpAddr::V4(v4) => {
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    let _ = out.push(b".");
                }
                let digits = [b'0' + octet / 100, b'0' + octet / 10 % 10, b'0' + octet % 10];
                let skip = if octet >= 100 {
                    0
                } else if octet >= 10 {
                    1
                } else {
                    2
                };
                let _ = out.push(&digits[skip..]);
            }
        }
        // The longest IPv6 text (eight groups of four) is 39 bytes.
        IpAddr::V6(v6) => {
            let _ = fmt::Write::write_fmt(&mut out, format_args!("{v6}"));
        }
    }
    out
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
    fn text_forms_match_display() {
        for mac in
            [[0u8; 6], [0xff; 6], [0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01], [0x0a, 0xb0, 1, 2, 3, 4]]
        {
            let mac = MacAddr(mac);
            let std_form = format!(
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                mac.0[0], mac.0[1], mac.0[2], mac.0[3], mac.0[4], mac.0[5]
            );
            assert_eq!(mac.text().as_str(), std_form);
            assert_eq!(format!("{mac:>20}"), format!("{std_form:>20}"));
        }
        for ip in [
            "0.0.0.0",
            "255.255.255.255",
            "10.0.9.99",
            "100.10.1.0",
            "192.168.100.254",
            "::",
            "fe80::1",
            "::ffff:10.1.2.3",
            "1234:5678:9abc:def0:1234:5678:9abc:def0",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(ip_text(ip).as_str(), ip.to_string());
        }
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
