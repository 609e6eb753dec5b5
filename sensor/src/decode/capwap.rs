//! The frames a wireless access point tunnels to its controller in the
//! CAPWAP data channel (RFC 5415, UDP 5247): native 802.11 data frames
//! (RFC 5416) or 802.3 frames. Decoded like any frame, they show the
//! wireless clients — their MACs, addresses and DHCP requests — that a
//! mirror port sees only inside the tunnel.
//!
//! Only whole, unencrypted messages are read: DTLS, fragments and
//! keep-alives (which carry a session id, not a frame) are left alone; an
//! 802.11 frame that is protected, or not a data frame, has nothing to read
//! and is no error.

use etherparse::EtherType;
use gapwatch_rules::MacAddr;

use super::{DecodeError, Decoded, Net, Transport, ether, ethernet, truncated};

/// The CAPWAP data channel's port.
pub const DATA_PORT: u16 = 5247;

/// Wireless binding id of IEEE 802.11.
const WBID_IEEE80211: u8 = 1;

/// The frame inside `outer`'s CAPWAP data message, decoded, and its
/// length as captured, if `outer` carries one. `snapped`: whether the
/// capture cut the outer frame short.
pub fn inner<'a>(outer: &Decoded<'a>, snapped: bool) -> Option<(Decoded<'a>, u64)> {
    let Net::Ip(ip) = outer.net else {
        return None;
    };
    let Transport::Udp { src_port, dst_port } = ip.transport else {
        return None;
    };
    if src_port != DATA_PORT && dst_port != DATA_PORT {
        return None;
    }
    let mut d = Decoded::empty(None);
    let p = ip.payload;
    // Preamble (version 0, type 0: not DTLS), HLEN in words, RID, WBID,
    // then the T (native frame), F (fragment) and K (keep-alive) bits.
    let [preamble, b1, b2, b3] = *p.first_chunk::<4>()?;
    let header_len = usize::from(b1 >> 3) * 4;
    let (wbid, native) = ((b2 >> 1) & 0x1f, b2 & 1 != 0);
    let (fragment, keep_alive) = (b3 & 0x80 != 0, b3 & 0x08 != 0);
    if preamble != 0 || fragment || keep_alive || header_len < 8 {
        return None;
    }
    let Some(frame) = p.get(header_len..) else {
        d.error = truncated(DecodeError::TunnelTruncated, snapped);
        return Some((d, 0));
    };
    match (native, wbid) {
        (true, WBID_IEEE80211) => wlan_data(&mut d, frame, snapped),
        (false, _) => {
            if !ethernet(&mut d, frame, snapped) {
                d.error = truncated(DecodeError::TunnelTruncated, snapped);
            }
        }
        _ => return None,
    }
    Some((d, frame.len() as u64))
}

/// An 802.11 data frame: its source and destination by the To/From DS
/// bits, then the LLC/SNAP header and what follows it.
fn wlan_data<'a>(d: &mut Decoded<'a>, frame: &'a [u8], snapped: bool) {
    let Some(&[b0, b1]) = frame.get(..2) else {
        d.error = truncated(DecodeError::TunnelTruncated, snapped);
        return;
    };
    // Cisco controllers send the frame control bytes swapped (Wireshark's
    // "swap frame control" preference): take the order in which the first
    // byte reads as protocol version 0 and a data frame.
    let is_data = |fc0: u8| fc0 & 0x0f == 0x08;
    let (fc0, fc1) = if !is_data(b0) && is_data(b1) { (b1, b0) } else { (b0, b1) };
    let (kind, subtype) = ((fc0 >> 2) & 3, fc0 >> 4);
    let (to_ds, from_ds, protected, order) =
        (fc1 & 0x01 != 0, fc1 & 0x02 != 0, fc1 & 0x40 != 0, fc1 & 0x80 != 0);
    // Data frames only; null data (subtypes 4 and 12) carry nothing.
    if kind != 2 || subtype & 0x4 != 0 || protected {
        return;
    }
    let qos = subtype & 0x8 != 0;
    let header_len = 24
        + 6 * usize::from(to_ds && from_ds)
        + 2 * usize::from(qos)
        + 4 * usize::from(qos && order);
    // Addresses 1–3 follow frame control and duration; the fourth, of a
    // wireless bridge link, follows the sequence control.
    let mac_at = |at: usize| frame.get(at..at + 6).and_then(|m| Some(MacAddr(m.try_into().ok()?)));
    let (Some(body), Some(a1), Some(a2), Some(a3)) =
        (frame.get(header_len..), mac_at(4), mac_at(10), mac_at(16))
    else {
        d.error = truncated(DecodeError::TunnelTruncated, snapped);
        return;
    };
    let (dst, src) = match (to_ds, from_ds) {
        (false, false) => (a1, a2),
        (true, false) => (a3, a2),
        (false, true) => (a1, a3),
        (true, true) => (a3, mac_at(24).unwrap_or(a2)),
    };
    d.src_mac = Some(src);
    d.dst_mac = Some(dst);
    // LLC/SNAP with RFC 1042 or bridge-tunnel encapsulation.
    match body {
        [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00 | 0xf8, t0, t1, payload @ ..] => {
            ether(d, EtherType(u16::from_be_bytes([*t0, *t1])), payload, snapped)
        }
        _ if body.len() < 8 => d.error = truncated(DecodeError::TunnelTruncated, snapped),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use etherparse::PacketBuilder;

    use super::*;
    use crate::capture::{Frame, LinkType};
    use crate::decode::decode;

    const IPAD: [u8; 6] = [0x1c, 0xab, 0xa7, 0xf2, 0x13, 0x9d];
    const BSSID: [u8; 6] = [0x58, 0x0a, 0x20, 0x69, 0x0e, 0x20];

    /// The CAPWAP header of frame 280 of nDPI's `capwap.pcap`: HLEN 4,
    /// 802.11 binding, native frame, with wireless-specific information
    /// (the W flag).
    const HEADER: [u8; 16] =
        [0x00, 0x20, 0x43, 0x20, 0, 0, 0, 0, 0x01, 0x04, 0xed, 0x4d, 0, 0, 0, 0];

    /// The iPad's DHCP discover as frame 280 carries it: an 802.11 data
    /// frame to the DS (frame control swapped, as Cisco sends it), LLC/SNAP,
    /// then IPv4/UDP 68 → 67 with `dhcp` as payload.
    fn wlan_discover(fc: [u8; 2], dhcp: &[u8]) -> Vec<u8> {
        let mut f = fc.to_vec();
        f.extend_from_slice(&[0x2c, 0x00]);
        f.extend_from_slice(&BSSID);
        f.extend_from_slice(&IPAD);
        f.extend_from_slice(&[0xff; 6]);
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0]);
        let mut ip = Vec::new();
        PacketBuilder::ipv4([0; 4], [255; 4], 255).udp(68, 67).write(&mut ip, dhcp).unwrap();
        f.extend_from_slice(&0x0800u16.to_be_bytes());
        f.extend_from_slice(&ip);
        f
    }

    fn outer(capwap: &[u8], sport: u16, dport: u16) -> Vec<u8> {
        let mut out = Vec::new();
        PacketBuilder::ethernet2(
            [0xb8, 0x38, 0x61, 0xf3, 0x05, 0xac],
            [0x24, 0xe9, 0xb3, 0x47, 0xae, 0x20],
        )
        .ipv4([192, 168, 10, 10], [192, 168, 10, 9], 64)
        .udp(sport, dport)
        .write(&mut out, capwap)
        .unwrap();
        out
    }

    fn inner_of(frame: &[u8]) -> Option<(Decoded<'_>, u64)> {
        let f = Frame {
            ts: gapwatch_rules::Timestamp::from_secs(1),
            link: LinkType::ETHERNET,
            data: frame,
            orig_len: frame.len() as u32,
        };
        let outer = decode(&f);
        inner(&outer, false)
    }

    #[test]
    fn a_wireless_clients_frame_is_read_inside_the_tunnel() {
        for fc in [[0x01, 0x08], [0x08, 0x01]] {
            let capwap = [&HEADER[..], &wlan_discover(fc, b"dhcp")].concat();
            let frame = outer(&capwap, 12380, DATA_PORT);
            let (d, len) = inner_of(&frame).expect("CAPWAP data");
            assert_eq!((d.src_mac, d.dst_mac), (Some(MacAddr(IPAD)), Some(MacAddr([0xff; 6]))));
            assert_eq!(len, capwap.len() as u64 - 16);
            let Net::Ip(ip) = d.net else { panic!("{d:?}") };
            assert_eq!(ip.transport, Transport::Udp { src_port: 68, dst_port: 67 });
            assert_eq!(ip.payload, b"dhcp");
            assert_eq!(d.error, None);
        }
        // From the controller to the access point, too.
        let capwap = [&HEADER[..], &wlan_discover([0x08, 0x01], b"x")].concat();
        assert!(inner_of(&outer(&capwap, DATA_PORT, 40000)).is_some());
    }

    #[test]
    fn an_8023_frame_in_the_tunnel_is_read_as_ethernet() {
        let mut header = HEADER;
        header[2] = 0x42; // T = 0: an 802.3 frame
        let mut eth = Vec::new();
        PacketBuilder::ethernet2(IPAD, [0xff; 6])
            .ipv4([10, 0, 0, 7], [10, 0, 0, 1], 64)
            .udp(5353, 5353)
            .write(&mut eth, b"m")
            .unwrap();
        let frame = outer(&[&header[..], &eth].concat(), 12380, DATA_PORT);
        let (d, _) = inner_of(&frame).expect("CAPWAP data");
        assert_eq!(d.src_mac, Some(MacAddr(IPAD)));
        assert!(matches!(d.net, Net::Ip(_)));
    }

    #[test]
    fn what_cannot_be_read_is_skipped_and_cuts_are_counted() {
        let body = wlan_discover([0x08, 0x01], b"dhcp");
        let with = |h: &[u8], f: &[u8]| outer(&[h, f].concat(), 12380, DATA_PORT);
        // DTLS, a fragment, another binding: not read.
        let mut dtls = HEADER;
        dtls[0] = 0x01;
        let mut fragment = HEADER;
        fragment[3] |= 0x80;
        let mut wimax = HEADER;
        wimax[2] = 0x05; // WBID 2, native
        let mut keep_alive = HEADER;
        keep_alive[2] = 0x42; // T = 0: would read as an 802.3 frame
        keep_alive[3] |= 0x08;
        for h in [dtls, fragment, wimax, keep_alive] {
            assert!(inner_of(&with(&h, &body)).is_none(), "{h:02x?}");
        }
        // Another port: not CAPWAP data.
        assert!(inner_of(&outer(&[&HEADER[..], &body].concat(), 5246, 40000)).is_none());
        // Protected and null data frames: nothing to read, no error.
        for fc in [[0x08, 0x41], [0x48, 0x01]] {
            let frame = with(&HEADER, &wlan_discover(fc, b"x"));
            let (d, _) = inner_of(&frame).unwrap();
            assert_eq!((d.src_mac, d.net, d.error), (None, Net::None, None), "{fc:02x?}");
        }
        // Every cut inside the headers is counted, none panics.
        let whole = [&HEADER[..], &body].concat();
        for cut in 0..16 + 24 + 8 {
            let capwap = &whole[..cut];
            match inner_of(&outer(capwap, 12380, DATA_PORT)) {
                None => assert!(cut < 4, "cut at {cut}"),
                Some((d, _)) => {
                    assert_eq!(d.error, Some(DecodeError::TunnelTruncated), "cut at {cut}")
                }
            }
        }
    }
}
