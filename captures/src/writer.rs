//! Capture file writers: classic pcap and pcapng.
//!
//! Both take packet time as a [`Timestamp`] (never the clock) and a record
//! that may be shorter than the frame was on the wire (`orig_len`), so a
//! snaplen-truncated capture is written exactly as a real one would be.
//!
//! - [`PcapWriter`]: the classic libpcap format, microsecond or nanosecond
//!   resolution, either byte order, any link type, any snaplen.
//! - [`PcapNgWriter`]: pcapng with one section and several interfaces, each
//!   with its own link type, snaplen and timestamp resolution
//!   (`if_tsresol` 6 or 9); packets as Enhanced Packet Blocks.

use std::io::{self, Write};

use gapwatch_rules::Timestamp;

/// Link type of Ethernet captures (`LINKTYPE_ETHERNET`).
pub const LINKTYPE_ETHERNET: u32 = 1;

/// Classic pcap magic for microsecond timestamps.
pub const PCAP_MAGIC_MICROS: u32 = 0xA1B2_C3D4;
/// Classic pcap magic for nanosecond timestamps.
pub const PCAP_MAGIC_NANOS: u32 = 0xA1B2_3C4D;
/// Length of the classic pcap file header.
pub const PCAP_HEADER_LEN: usize = 24;
/// Length of a classic pcap record header.
pub const PCAP_RECORD_HEADER_LEN: usize = 16;

/// Options of a classic pcap file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcapOptions {
    /// Nanosecond timestamps (magic `a1b23c4d`) instead of microseconds.
    pub nanos: bool,
    /// Big-endian headers instead of little-endian.
    pub big_endian: bool,
    /// Link type of every record (1 = Ethernet).
    pub linktype: u32,
    /// Longest record kept; longer frames are cut and keep their `orig_len`.
    pub snaplen: u32,
}

impl Default for PcapOptions {
    /// Microseconds, little-endian, Ethernet, snaplen 65535.
    fn default() -> PcapOptions {
        PcapOptions { nanos: false, big_endian: false, linktype: LINKTYPE_ETHERNET, snaplen: 65535 }
    }
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.to_string())
}

/// Seconds and sub-second parts of `ts` for a capture file, or an error if
/// it is before 1970 or beyond what the format holds.
fn split_ts(ts: Timestamp) -> io::Result<(u64, u32)> {
    let nanos = ts.as_nanos();
    if nanos < 0 {
        return Err(invalid("timestamp before 1970 cannot be written to a capture file"));
    }
    let secs = ts.as_secs() as u64;
    let frac = (nanos - ts.as_secs() * gapwatch_rules::time::NANOS_PER_SEC) as u32;
    Ok((secs, frac))
}

/// Writes a classic pcap file: the 24-byte header on creation, then one
/// 16-byte record header and the (possibly truncated) frame per packet.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    opts: PcapOptions,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header to `out` and returns the writer.
    pub fn new(mut out: W, opts: PcapOptions) -> io::Result<PcapWriter<W>> {
        out.write_all(&pcap_header(&opts))?;
        Ok(PcapWriter { out, opts })
    }

    /// The options the file was created with.
    pub fn options(&self) -> &PcapOptions {
        &self.opts
    }

    /// Writes one record: `data` are the captured bytes (cut to the snaplen
    /// if longer), `orig_len` the frame's length on the wire (at least
    /// `data.len()`).
    pub fn write(&mut self, ts: Timestamp, data: &[u8], orig_len: u32) -> io::Result<()> {
        if (orig_len as usize) < data.len() {
            return Err(invalid("orig_len is shorter than the captured data"));
        }
        let (secs, nanos) = split_ts(ts)?;
        let secs = u32::try_from(secs).map_err(|_| invalid("timestamp beyond 2106"))?;
        let frac = if self.opts.nanos { nanos } else { nanos / 1000 };
        let caplen = data.len().min(self.opts.snaplen as usize);
        let mut hdr = [0u8; PCAP_RECORD_HEADER_LEN];
        let fields = [secs, frac, caplen as u32, orig_len];
        for (i, v) in fields.into_iter().enumerate() {
            let b = if self.opts.big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
            hdr[4 * i..4 * i + 4].copy_from_slice(&b);
        }
        self.out.write_all(&hdr)?;
        self.out.write_all(&data[..caplen])
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The 24-byte classic pcap file header for `opts`.
pub fn pcap_header(opts: &PcapOptions) -> [u8; PCAP_HEADER_LEN] {
    let magic = if opts.nanos { PCAP_MAGIC_NANOS } else { PCAP_MAGIC_MICROS };
    let mut h = [0u8; PCAP_HEADER_LEN];
    let be = opts.big_endian;
    let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    h[0..4].copy_from_slice(&u32b(magic));
    h[4..6].copy_from_slice(&u16b(2)); // version 2.4
    h[6..8].copy_from_slice(&u16b(4));
    // thiszone (8..12) and sigfigs (12..16) stay 0.
    h[16..20].copy_from_slice(&u32b(opts.snaplen));
    h[20..24].copy_from_slice(&u32b(opts.linktype));
    h
}

/// pcapng block type of the Section Header Block.
pub const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
/// pcapng block type of the Interface Description Block.
pub const PCAPNG_IDB: u32 = 0x0000_0001;
/// pcapng block type of the Enhanced Packet Block.
pub const PCAPNG_EPB: u32 = 0x0000_0006;
/// pcapng byte-order magic.
pub const PCAPNG_BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// pcapng option code `if_tsresol`.
pub const PCAPNG_OPT_IF_TSRESOL: u16 = 9;

/// One interface of a pcapng section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Interface {
    snaplen: u32,
    nanos: bool,
}

/// Writes a little-endian pcapng file: a Section Header Block on creation,
/// an Interface Description Block per [`PcapNgWriter::add_interface`], an
/// Enhanced Packet Block per packet.
#[derive(Debug)]
pub struct PcapNgWriter<W: Write> {
    out: W,
    ifaces: Vec<Interface>,
}

impl<W: Write> PcapNgWriter<W> {
    /// Writes the Section Header Block (version 1.0, section length
    /// unknown, no options) and returns the writer.
    pub fn new(mut out: W) -> io::Result<PcapNgWriter<W>> {
        let mut b = Vec::with_capacity(28);
        b.extend_from_slice(&PCAPNG_SHB.to_le_bytes());
        b.extend_from_slice(&28u32.to_le_bytes());
        b.extend_from_slice(&PCAPNG_BYTE_ORDER_MAGIC.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&u64::MAX.to_le_bytes()); // section length: unknown
        b.extend_from_slice(&28u32.to_le_bytes());
        out.write_all(&b)?;
        Ok(PcapNgWriter { out, ifaces: Vec::new() })
    }

    /// Declares an interface and returns its id (0, 1, …) for
    /// [`PcapNgWriter::write`]. The block carries `if_tsresol` = 6
    /// (microseconds) or 9 (nanoseconds).
    pub fn add_interface(
        &mut self,
        linktype: u16,
        snaplen: u32,
        tsresol_nanos: bool,
    ) -> io::Result<u32> {
        let mut b = Vec::with_capacity(32);
        b.extend_from_slice(&PCAPNG_IDB.to_le_bytes());
        b.extend_from_slice(&32u32.to_le_bytes());
        b.extend_from_slice(&linktype.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&snaplen.to_le_bytes());
        b.extend_from_slice(&PCAPNG_OPT_IF_TSRESOL.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&[if tsresol_nanos { 9 } else { 6 }, 0, 0, 0]);
        b.extend_from_slice(&[0, 0, 0, 0]); // opt_endofopt
        b.extend_from_slice(&32u32.to_le_bytes());
        self.out.write_all(&b)?;
        self.ifaces.push(Interface { snaplen, nanos: tsresol_nanos });
        Ok(self.ifaces.len() as u32 - 1)
    }

    /// Writes one Enhanced Packet Block on interface `iface`: `data` cut to
    /// the interface's snaplen (0 = no limit) and padded to 32 bits,
    /// `orig_len` the length on the wire.
    pub fn write(
        &mut self,
        iface: u32,
        ts: Timestamp,
        data: &[u8],
        orig_len: u32,
    ) -> io::Result<()> {
        let Some(&ifc) = self.ifaces.get(iface as usize) else {
            return Err(invalid("no such pcapng interface"));
        };
        if (orig_len as usize) < data.len() {
            return Err(invalid("orig_len is shorter than the captured data"));
        }
        let (secs, nanos) = split_ts(ts)?;
        let units = if ifc.nanos {
            secs * 1_000_000_000 + u64::from(nanos)
        } else {
            secs * 1_000_000 + u64::from(nanos / 1000)
        };
        let caplen =
            if ifc.snaplen == 0 { data.len() } else { data.len().min(ifc.snaplen as usize) };
        let padded = caplen.div_ceil(4) * 4;
        let total = (32 + padded) as u32;
        let mut h = [0u8; 28];
        h[0..4].copy_from_slice(&PCAPNG_EPB.to_le_bytes());
        h[4..8].copy_from_slice(&total.to_le_bytes());
        h[8..12].copy_from_slice(&iface.to_le_bytes());
        h[12..16].copy_from_slice(&((units >> 32) as u32).to_le_bytes());
        h[16..20].copy_from_slice(&(units as u32).to_le_bytes());
        h[20..24].copy_from_slice(&(caplen as u32).to_le_bytes());
        h[24..28].copy_from_slice(&orig_len.to_le_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(&data[..caplen])?;
        self.out.write_all(&[0u8; 3][..padded - caplen])?;
        self.out.write_all(&total.to_le_bytes())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record as read back: (secs, frac, data, orig_len).
    type Rec = (u32, u32, Vec<u8>, u32);

    /// A tiny classic pcap reader for the round trip.
    fn read_pcap(b: &[u8]) -> (bool, bool, u32, u32, Vec<Rec>) {
        let le = u32::from_le_bytes(b[0..4].try_into().unwrap());
        let be = u32::from_be_bytes(b[0..4].try_into().unwrap());
        let (big, magic) = if le == PCAP_MAGIC_MICROS || le == PCAP_MAGIC_NANOS {
            (false, le)
        } else {
            (true, be)
        };
        let rd = |o: usize| {
            let a: [u8; 4] = b[o..o + 4].try_into().unwrap();
            if big { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) }
        };
        let (snap, link) = (rd(16), rd(20));
        let mut recs = Vec::new();
        let mut o = PCAP_HEADER_LEN;
        while o < b.len() {
            let (s, f, cap, orig) = (rd(o), rd(o + 4), rd(o + 8) as usize, rd(o + 12));
            recs.push((s, f, b[o + 16..o + 16 + cap].to_vec(), orig));
            o += 16 + cap;
        }
        (big, magic == PCAP_MAGIC_NANOS, snap, link, recs)
    }

    #[test]
    fn pcap_header_golden_le_micros() {
        let w = PcapWriter::new(Vec::new(), PcapOptions { snaplen: 128, ..Default::default() })
            .unwrap();
        assert_eq!(
            w.into_inner(),
            [
                0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, //
                0x80, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00
            ]
        );
    }

    #[test]
    fn pcap_header_golden_be_nanos() {
        let opts = PcapOptions { nanos: true, big_endian: true, linktype: 101, snaplen: 262_144 };
        let w = PcapWriter::new(Vec::new(), opts).unwrap();
        assert_eq!(
            w.into_inner(),
            [
                0xa1, 0xb2, 0x3c, 0x4d, 0x00, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, //
                0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x65
            ]
        );
    }

    #[test]
    fn pcap_round_trip_truncates_to_snaplen() {
        for (nanos, big) in [(false, false), (true, false), (false, true), (true, true)] {
            let opts = PcapOptions { nanos, big_endian: big, linktype: 1, snaplen: 8 };
            let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
            let ts = Timestamp::from_parts(1_772_409_600, 123_456_789);
            w.write(ts, &[1, 2, 3], 3).unwrap();
            w.write(ts.plus_secs(1), &[9; 20], 1514).unwrap();
            let (b, n, snap, link, recs) = read_pcap(&w.into_inner());
            assert_eq!((b, n, snap, link), (big, nanos, 8, 1));
            let frac = if nanos { 123_456_789 } else { 123_456 };
            assert_eq!(recs[0], (1_772_409_600, frac, vec![1, 2, 3], 3));
            assert_eq!(recs[1], (1_772_409_601, frac, vec![9; 8], 1514));
        }
    }

    #[test]
    fn pcap_rejects_bad_records() {
        let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).unwrap();
        assert!(w.write(Timestamp::from_secs(1), &[0; 10], 5).is_err());
        assert!(w.write(Timestamp::from_secs(-1), &[0; 10], 10).is_err());
    }

    #[test]
    fn pcapng_golden_blocks() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        assert_eq!(w.add_interface(1, 65535, false).unwrap(), 0);
        assert_eq!(w.add_interface(1, 128, true).unwrap(), 1);
        let b = w.into_inner();
        let want_shb = [
            0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, //
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
        ];
        let want_idb0 = [
            1, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0, //
            9, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0,
        ];
        assert_eq!(&b[..28], &want_shb);
        assert_eq!(&b[28..60], &want_idb0);
        assert_eq!(b[60 + 12..60 + 16], 128u32.to_le_bytes());
        assert_eq!(b[60 + 20], 9);
    }

    #[test]
    fn pcapng_round_trip() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        let us = w.add_interface(1, 0, false).unwrap();
        let ns = w.add_interface(1, 4, true).unwrap();
        let ts = Timestamp::from_parts(1_772_409_600, 123_456_789);
        w.write(us, ts, &[1, 2, 3, 4, 5], 5).unwrap();
        w.write(ns, ts, &[7; 10], 60).unwrap();
        assert!(w.write(5, ts, &[0], 1).is_err());
        let b = w.into_inner();
        // Walk the blocks with a tiny reader.
        let rd = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
        let mut o = 0;
        let mut epbs = Vec::new();
        while o < b.len() {
            let (kind, len) = (rd(o), rd(o + 4) as usize);
            assert_eq!(len % 4, 0);
            assert_eq!(rd(o + len - 4) as usize, len, "trailing length");
            if kind == PCAPNG_EPB {
                let units = (u64::from(rd(o + 12)) << 32) | u64::from(rd(o + 16));
                let cap = rd(o + 20) as usize;
                epbs.push((rd(o + 8), units, b[o + 28..o + 28 + cap].to_vec(), rd(o + 24)));
            }
            o += len;
        }
        assert_eq!(o, b.len());
        assert_eq!(epbs[0], (0, 1_772_409_600_123_456, vec![1, 2, 3, 4, 5], 5));
        assert_eq!(epbs[1], (1, 1_772_409_600_123_456_789, vec![7; 4], 60));
    }
}
