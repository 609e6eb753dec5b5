//! The signature of a TCP SYN or SYN+ACK: IP and TCP header fields and the
//! TCP options, read in place as p0f 3 reads them.
//!
//! Only the headers decode found are read, never past them: an option that
//! runs past the header ends the layout and is noted as the quirk `bad`.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use gapwatch_rules::stack::TcpSignature;

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;
const URG: u8 = 0x20;

/// The signature of a SYN (or SYN+ACK) with this IP header, TCP header and
/// `payload_len` bytes of data; None for any other segment or a header too
/// short to be one.
pub fn signature(ip_header: &[u8], tcp: &[u8], payload_len: usize) -> Option<TcpSignature> {
    if tcp.len() < 20 || tcp[13] & SYN == 0 {
        return None;
    }
    let flags = tcp[13];
    let mut quirks = Vec::new();
    let (ip_version, ttl, ip_options_len) = match ip_header.first().map(|b| b >> 4) {
        Some(4) if ip_header.len() >= 20 => {
            let df = ip_header[6] & 0x40 != 0;
            let id = u16::from_be_bytes([ip_header[4], ip_header[5]]);
            if df {
                quirks.push("df");
                if id != 0 {
                    quirks.push("id+");
                }
            } else if id == 0 {
                quirks.push("id-");
            }
            if ip_header[1] & 0x03 != 0 {
                quirks.push("ecn");
            }
            if ip_header[6] & 0x80 != 0 {
                quirks.push("0+");
            }
            (4, ip_header[8], (ip_header.len() - 20) as u8)
        }
        Some(6) if ip_header.len() >= 40 => {
            let flow = u32::from_be_bytes([0, ip_header[1] & 0x0f, ip_header[2], ip_header[3]]);
            if flow != 0 {
                quirks.push("flow");
            }
            if (ip_header[0] & 0x0f) | (ip_header[1] >> 4) & 0x03 != 0 {
                quirks.push("ecn");
            }
            (6, ip_header[7], 0)
        }
        _ => return None,
    };
    let seq = u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]);
    let ack = u32::from_be_bytes([tcp[8], tcp[9], tcp[10], tcp[11]]);
    if seq == 0 {
        quirks.push("seq-");
    }
    match (flags & ACK != 0, ack != 0) {
        (false, true) => quirks.push("ack+"),
        (true, false) => quirks.push("ack-"),
        _ => {}
    }
    let urgent = u16::from_be_bytes([tcp[18], tcp[19]]);
    if flags & URG == 0 && urgent != 0 {
        quirks.push("uptr+");
    }
    if flags & URG != 0 {
        quirks.push("urgf+");
    }
    if flags & PSH != 0 {
        quirks.push("pushf+");
    }
    let mut sig = TcpSignature {
        ip_version,
        initial_ttl: crate::observe::device::ttl_base(ttl),
        ttl,
        ip_options_len,
        mss: None,
        window: u16::from_be_bytes([tcp[14], tcp[15]]),
        window_scale: None,
        layout: String::new(),
        quirks: String::new(),
        payload: payload_len > 0,
    };
    read_options(&tcp[20..], flags, &mut sig, &mut quirks);
    sig.quirks = quirks.join(",");
    Some(sig)
}

/// Everything a SYN's signature is made of, hashed in place into `h`
/// without building it (timestamp values and sequence numbers count only
/// as zero or not): the same shape again is the same signature, so a
/// device's thousandth connection costs no allocation. None when
/// [`signature`] would give none.
pub fn hash_shape(
    ip_header: &[u8],
    tcp: &[u8],
    payload_len: usize,
    h: &mut impl Hasher,
) -> Option<()> {
    if tcp.len() < 20 || tcp[13] & SYN == 0 {
        return None;
    }
    match ip_header.first().map(|b| b >> 4) {
        Some(4) if ip_header.len() >= 20 => {
            let id_zero = ip_header[4] == 0 && ip_header[5] == 0;
            (4u8, ip_header[1] & 3, ip_header[6] & 0xc0, id_zero, ip_header[8]).hash(h);
            ip_header.len().hash(h);
        }
        Some(6) if ip_header.len() >= 40 => (6u8, &ip_header[..4], ip_header[7]).hash(h),
        _ => return None,
    }
    let zero = |b: &[u8]| b.iter().all(|&x| x == 0);
    (zero(&tcp[4..8]), zero(&tcp[8..12]), tcp[13], &tcp[14..16], zero(&tcp[18..20])).hash(h);
    (payload_len > 0).hash(h);
    let mut opts = &tcp[20..];
    while let Some((&kind, rest)) = opts.split_first() {
        kind.hash(h);
        let len = rest.first().map_or(0, |&l| usize::from(l));
        match kind {
            1 => opts = rest,
            // Timestamps: only whether each value is zero.
            8 if len == 10 && rest.len() >= 9 => {
                (zero(&rest[1..5]), zero(&rest[5..9])).hash(h);
                opts = &rest[9..];
            }
            _ if kind != 0 && len >= 2 && rest.len() >= len - 1 => {
                rest[..len - 1].hash(h);
                opts = &rest[len - 1..];
            }
            // End of options, or one that overruns: the rest as it is.
            _ => {
                rest.hash(h);
                break;
            }
        }
    }
    Some(())
}

/// Walks the options into `sig.layout`, `mss` and `window_scale`.
fn read_options(mut opts: &[u8], flags: u8, sig: &mut TcpSignature, quirks: &mut Vec<&str>) {
    let mut layout: Vec<String> = Vec::new();
    while let Some((&kind, rest)) = opts.split_first() {
        match kind {
            0 => {
                // End of options: how many bytes follow it.
                layout.push(format!("eol+{}", rest.len()));
                if rest.iter().any(|&b| b != 0) {
                    quirks.push("opt+");
                }
                break;
            }
            1 => {
                layout.push("nop".to_owned());
                opts = rest;
                continue;
            }
            _ => {}
        }
        let Some((&len, _)) = rest.split_first() else {
            quirks.push("bad");
            break;
        };
        let len = usize::from(len);
        let Some(data) = opts.get(2..len).filter(|_| len >= 2) else {
            quirks.push("bad");
            break;
        };
        match (kind, data.len()) {
            (2, 2) => {
                layout.push("mss".into());
                sig.mss = Some(u16::from_be_bytes([data[0], data[1]]));
            }
            (3, 1) => {
                layout.push("ws".into());
                sig.window_scale = Some(data[0]);
                if data[0] > 14 {
                    quirks.push("exws");
                }
            }
            (4, 0) => layout.push("sok".into()),
            (5, _) => layout.push("sack".into()),
            (8, 8) => {
                layout.push("ts".into());
                if data[..4] == [0; 4] {
                    quirks.push("ts1-");
                }
                if data[4..] != [0; 4] && flags & ACK == 0 {
                    quirks.push("ts2+");
                }
            }
            (k, _) => {
                let mut s = String::new();
                let _ = write!(s, "?{k}");
                layout.push(s);
            }
        }
        opts = &opts[len..];
    }
    sig.layout = layout.join(",");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv4(ttl: u8, df: bool, id: u16) -> Vec<u8> {
        let mut h = vec![0x45, 0, 0, 60, 0, 0, 0, 0, ttl, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        h[4..6].copy_from_slice(&id.to_be_bytes());
        if df {
            h[6] = 0x40;
        }
        h
    }

    fn tcp(flags: u8, window: u16, options: &[u8]) -> Vec<u8> {
        let len = 20 + options.len();
        let mut t = vec![0xc3, 0x50, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0];
        t.push(((len / 4) as u8) << 4);
        t.push(flags);
        t.extend_from_slice(&window.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(options);
        t
    }

    /// Linux: MSS 1460, SACK OK, timestamps, NOP, window scale 7.
    const LINUX: [u8; 20] = [2, 4, 5, 180, 4, 2, 8, 10, 0, 1, 2, 3, 0, 0, 0, 0, 1, 3, 3, 7];

    #[test]
    fn a_linux_syn_reads_as_p0f_writes_it() {
        let s = signature(&ipv4(61, true, 4321), &tcp(SYN, 64240, &LINUX), 0).unwrap();
        assert_eq!(s.to_string(), "4:64+3:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
    }

    #[test]
    fn the_shape_ignores_timestamps_and_sequence_numbers_only() {
        let shape = |tcp: &[u8]| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            hash_shape(&ipv4(64, true, 9), tcp, 0, &mut h).map(|_| h.finish())
        };
        let a = tcp(SYN, 64240, &LINUX);
        let mut b = a.clone();
        b[7] = 99; // another sequence number
        b[20 + 8] = 0x77; // another timestamp value
        assert_eq!(shape(&a), shape(&b));
        let mut c = a.clone();
        c[15] = 0; // another window
        assert_ne!(shape(&a), shape(&c));
        assert_eq!(shape(&tcp(ACK, 1, &[])), None);
    }

    #[test]
    fn a_windows_syn_ack_and_its_quirks() {
        let opts = [2, 4, 5, 180, 1, 3, 3, 8, 1, 1, 4, 2];
        let s = signature(&ipv4(128, true, 0), &tcp(SYN | ACK, 8192, &opts), 0).unwrap();
        // SYN+ACK with a zero acknowledgment number: ack-.
        assert_eq!(s.to_string(), "4:128+0:0:1460:8192,8:mss,nop,ws,nop,nop,sok:df,ack-:0");
    }

    #[test]
    fn other_segments_and_short_headers_are_not_signatures() {
        assert!(signature(&ipv4(64, true, 1), &tcp(ACK, 100, &[]), 0).is_none());
        assert!(signature(&ipv4(64, true, 1)[..19], &tcp(SYN, 100, &[]), 0).is_none());
        assert!(signature(&ipv4(64, true, 1), &tcp(SYN, 100, &[])[..19], 0).is_none());
    }

    #[test]
    fn options_that_overrun_or_end_early_are_marked() {
        let s = signature(&ipv4(64, false, 0), &tcp(SYN, 512, &[2, 4, 5, 180, 3, 9, 0, 0]), 0);
        assert_eq!(s.map(|s| (s.layout, s.quirks)), Some(("mss".into(), "id-,bad".into())));
        let s = signature(&ipv4(64, true, 7), &tcp(SYN, 512, &[2, 4, 5, 180, 0, 0, 0, 1]), 9);
        let s = s.unwrap();
        assert_eq!(
            (s.layout.as_str(), s.quirks.as_str(), s.payload),
            ("mss,eol+3", "df,id+,opt+", true)
        );
        // Zero-length option: bad, never a loop.
        let s = signature(&ipv4(64, true, 7), &tcp(SYN, 512, &[8, 0, 0, 0]), 0).unwrap();
        assert_eq!(s.quirks, "df,id+,bad");
    }
}
