//! Tunnels told by the shape of their first datagram, whatever the port:
//! WireGuard, OpenVPN, IKE, L2TP and IPv6 carried in UDP (Teredo).
//!
//! Each test reads fixed fields that the protocol sets in its first
//! message and that ordinary payloads do not line up with by chance: a
//! message type with its exact length, a version next to a length field
//! equal to the datagram's length, zero fields where the protocol writes
//! zeros.

/// Ports whose protocols gapwatch reads or knows (DNS, DHCP, NTP, NetBIOS,
/// SNMP, syslog, SSDP, mDNS, LLMNR): a datagram to or from them is that
/// protocol, whatever its bytes happen to look like.
const KNOWN_PORTS: [u16; 13] = [53, 67, 68, 123, 137, 138, 161, 162, 514, 1900, 5353, 5355, 546];

/// The tunnel protocol the first payload of a UDP flow between these ports
/// has the shape of (never for a port of a known protocol).
pub fn first_datagram_between(ports: (u16, u16), payload: &[u8]) -> Option<&'static str> {
    if KNOWN_PORTS.contains(&ports.0) || KNOWN_PORTS.contains(&ports.1) {
        return None;
    }
    first_datagram(payload)
}

/// The tunnel protocol a UDP flow's first payload has the shape of.
pub fn first_datagram(payload: &[u8]) -> Option<&'static str> {
    if is_wireguard_initiation(payload) {
        Some("WireGuard")
    } else if is_ike_initiation(payload) {
        Some("IKE")
    } else if is_l2tp_control(payload) {
        Some("L2TP")
    } else if is_openvpn_reset(payload) {
        Some("OpenVPN")
    } else if is_ipv6_packet(payload) {
        Some("IPv6-in-UDP")
    } else {
        None
    }
}

/// Handshake initiation: type 1, three reserved zero bytes, 148 bytes.
fn is_wireguard_initiation(p: &[u8]) -> bool {
    p.len() == 148 && p[..4] == [1, 0, 0, 0]
}

/// IKE_SA_INIT (v2) or main/aggressive mode (v1): an initiator SPI, a
/// zero responder SPI, the version, message id 0 and a length equal to the
/// datagram's.
fn is_ike_initiation(p: &[u8]) -> bool {
    if p.len() < 28 {
        return false;
    }
    let version_and_exchange = matches!((p[17], p[18]), (0x20, 34) | (0x10, 2) | (0x10, 4));
    let length = u32::from_be_bytes([p[24], p[25], p[26], p[27]]) as usize;
    p[..8] != [0; 8]
        && p[8..16] == [0; 8]
        && version_and_exchange
        && p[20..24] == [0; 4]
        && length == p.len()
}

/// An L2TPv2 control message: T, L and S bits, version 2, and a length
/// equal to the datagram's.
fn is_l2tp_control(p: &[u8]) -> bool {
    p.len() >= 12
        && p[0] & 0xcb == 0xc8
        && p[1] & 0x0f == 2
        && usize::from(u16::from_be_bytes([p[2], p[3]])) == p.len()
}

/// A client's hard reset (v2 or v3, key id 0): a session id, then an empty
/// acknowledgement list and message packet id 0 at the end — 14 bytes, or
/// with `tls-auth` an HMAC (SHA-1, SHA-256 or SHA-512) and the replay
/// packet id 1 between them. The exact lengths and the packet id keep RPC
/// calls (whose AUTH_NULL verifier also ends in zeros) out.
fn is_openvpn_reset(p: &[u8]) -> bool {
    if !matches!(p.first(), Some(0x38 | 0x50)) || p.len() < 14 || p[1..9] == [0; 8] {
        return false;
    }
    let tail_empty = p[p.len() - 5..] == [0; 5];
    match p.len() {
        14 => tail_empty,
        // opcode, session id, HMAC, packet id, time, ack length, message id
        42 | 54 | 86 => {
            let hmac = p.len() - 1 - 8 - 4 - 4 - 1 - 4;
            tail_empty && p[9 + hmac..13 + hmac] == [0, 0, 0, 1]
        }
        _ => false,
    }
}

/// A whole IPv6 packet: version 6, a payload length that fills the
/// datagram exactly, a next header a tunnelled host sends (TCP, UDP,
/// ICMPv6, hop-by-hop, no next header), and a Teredo (2001::/32) or
/// link-local address at one end — what Teredo and 6-in-UDP carry.
fn is_ipv6_packet(p: &[u8]) -> bool {
    if p.len() < 40
        || p[0] >> 4 != 6
        || usize::from(u16::from_be_bytes([p[4], p[5]])) + 40 != p.len()
    {
        return false;
    }
    let tunnelled =
        |a: &[u8]| a[..4] == [0x20, 0x01, 0, 0] || (a[0] == 0xfe && a[1] & 0xc0 == 0x80);
    matches!(p[6], 0 | 6 | 17 | 58 | 59) && (tunnelled(&p[8..24]) || tunnelled(&p[24..40]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wireguard() -> Vec<u8> {
        let mut p = vec![1, 0, 0, 0];
        p.resize(148, 0x5c);
        p
    }

    fn ike() -> Vec<u8> {
        let mut p = vec![0x11; 8];
        p.extend_from_slice(&[0; 8]);
        p.extend_from_slice(&[33, 0x20, 34, 0x08, 0, 0, 0, 0]);
        p.extend_from_slice(&(300u32).to_be_bytes());
        p.resize(300, 0x42);
        p
    }

    fn openvpn() -> Vec<u8> {
        let mut p = vec![0x38, 1, 2, 3, 4, 5, 6, 7, 8];
        p.extend_from_slice(&[0, 0, 0, 0, 0]);
        p
    }

    fn l2tp() -> Vec<u8> {
        let mut p = vec![0xc8, 0x02, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0];
        p.resize(20, 0x80);
        p
    }

    fn ipv6() -> Vec<u8> {
        // A Teredo client (2001:0::/32) sending 8 bytes of UDP.
        let mut p = vec![0x60, 0, 0, 0, 0, 8, 17, 64];
        p.extend_from_slice(&[0x20, 0x01, 0, 0, 0x41, 0x37, 0x9e, 0x50]);
        p.resize(48, 0xfe);
        p
    }

    #[test]
    fn openvpn_with_tls_auth_is_told_too() {
        // SHA-1 HMAC: opcode, session id, 20-byte HMAC, packet id 1, time,
        // no acknowledgements, message id 0.
        let mut p = vec![0x38, 9, 8, 7, 6, 5, 4, 3, 2];
        p.extend_from_slice(&[0xab; 20]);
        p.extend_from_slice(&[0, 0, 0, 1, 0x5f, 0x00, 0x10, 0x20, 0, 0, 0, 0, 0]);
        assert_eq!(p.len(), 42);
        assert_eq!(first_datagram(&p), Some("OpenVPN"));
        p[32] = 2;
        assert_eq!(first_datagram(&p), None, "replay packet id 2 is not a first message");
    }

    #[test]
    fn each_tunnel_is_told_by_its_first_datagram() {
        assert_eq!(first_datagram(&wireguard()), Some("WireGuard"));
        assert_eq!(first_datagram(&ike()), Some("IKE"));
        assert_eq!(first_datagram(&openvpn()), Some("OpenVPN"));
        assert_eq!(first_datagram(&l2tp()), Some("L2TP"));
        assert_eq!(first_datagram(&ipv6()), Some("IPv6-in-UDP"));
    }

    #[test]
    fn near_misses_are_not_tunnels() {
        let mut p = wireguard();
        p.push(0);
        assert_eq!(first_datagram(&p), None, "149 bytes");
        let mut p = ike();
        p[27] ^= 1;
        assert_eq!(first_datagram(&p), None, "length field off by one");
        let mut p = openvpn();
        p[13] = 1;
        assert_eq!(first_datagram(&p), None, "message packet id 1");
        // An RPC call (NFS NULL, AUTH_NULL) whose xid starts with 0x38.
        let mut rpc = vec![0x38, 0x21, 0x7a, 0x10, 0, 0, 0, 0, 0, 0, 0, 2];
        rpc.extend_from_slice(&[0, 1, 0x86, 0xa3, 0, 0, 0, 3, 0, 0, 0, 0]);
        rpc.extend_from_slice(&[0; 16]);
        assert_eq!(first_datagram(&rpc), None, "RPC call");
        let mut p = ipv6();
        p.push(0);
        assert_eq!(first_datagram(&p), None, "IPv6 length does not fill it");
        // Ordinary first datagrams: DNS, NTP, SSDP, syslog, a NetBIOS query.
        let mut ntp = vec![0x23u8];
        ntp.resize(48, 0);
        for p in [
            &b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x00\x00\x01\x00\x01"[..],
            &ntp,
            b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n",
            b"<38>Nov 25 10:00:00 scanner01 job done",
            &[0x80, 0x01, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0],
        ] {
            assert_eq!(first_datagram(p), None, "{p:?}");
        }
        // A 41-byte DNS query whose id starts with 6: version nibble 6 and
        // QDCOUNT 1 + 40 = 41 would look like IPv6 without the other tests.
        let mut dns = vec![0x6a, 0xbc, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        dns.extend_from_slice(b"\x0210\x010\x0220\x0210\x07in-addr\x04arpa\x00\x00\x0c\x00\x01");
        dns.resize(41, 0);
        assert_eq!(first_datagram(&dns), None, "DNS query");
        assert_eq!(first_datagram_between((50000, 53), &ipv6()), None, "to a DNS port");
        assert_eq!(first_datagram_between((50000, 3545), &ipv6()), Some("IPv6-in-UDP"));
        // Every prefix of a real shape is too short to be one.
        let w = wireguard();
        assert!((0..w.len()).all(|n| first_datagram(&w[..n]).is_none()));
    }
}
