//! Classic (libpcap) capture files, read directly.
//!
//! The format is a 24-byte file header and, per packet, a 16-byte record
//! header followed by the captured bytes. Reading it needs no parser
//! combinators: a fixed buffer, four integers per record, a slice. This is
//! the hot path of every replay, so it is kept this plain (about twice as
//! fast as a general reader); pcapng goes through `pcap-parser`.
//!
//! Contract: no panic and no allocation per record on any bytes; a record
//! cut short or claiming an absurd length ends the file with the byte
//! offset of that record.

use std::io::Read;

use gapwatch_rules::Timestamp;

use super::{CaptureErrorKind, LinkType};

/// Field offsets in the file header.
mod header {
    use std::ops::Range;
    pub const MAGIC: Range<usize> = 0..4;
    pub const NETWORK: Range<usize> = 20..24;
    pub const LEN: usize = 24;
}

/// Field offsets in a record header.
mod record {
    use std::ops::Range;
    pub const TS_SEC: Range<usize> = 0..4;
    pub const TS_FRAC: Range<usize> = 4..8;
    pub const CAPLEN: Range<usize> = 8..12;
    pub const ORIGLEN: Range<usize> = 12..16;
    pub const LEN: usize = 16;
}

/// Byte length of a record header.
pub const RECORD_HEADER_LEN: usize = record::LEN;

const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;

/// Byte order and resolution, from the magic number in its first bytes;
/// None when `head` is not a classic capture.
pub fn recognize(head: &[u8]) -> Option<(bool, bool)> {
    let magic: [u8; 4] = head.get(header::MAGIC)?.try_into().ok()?;
    match (u32::from_le_bytes(magic), u32::from_be_bytes(magic)) {
        (MAGIC_MICROS, _) => Some((false, false)),
        (MAGIC_NANOS, _) => Some((false, true)),
        (_, MAGIC_MICROS) => Some((true, false)),
        (_, MAGIC_NANOS) => Some((true, true)),
        _ => None,
    }
}

/// One record: where its bytes are in the buffer, and what its header said.
#[derive(Clone, Copy, Debug)]
pub struct RecordAt {
    /// Start of the captured bytes in [`LegacyReader::buffer`].
    pub start: usize,
    /// Captured length.
    pub len: usize,
    /// Packet time.
    pub ts: Timestamp,
    /// Length on the wire.
    pub orig_len: u32,
}

/// A classic capture over any reader.
pub struct LegacyReader<R> {
    input: R,
    buf: Vec<u8>,
    /// Unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    /// File offset of `buf[start]`.
    offset: u64,
    big_endian: bool,
    nanos: bool,
    link: LinkType,
    eof: bool,
}

impl<R: Read> LegacyReader<R> {
    /// Reads the file header; `capacity` is the buffer's initial size.
    pub fn new(mut input: R, capacity: usize) -> Result<LegacyReader<R>, CaptureErrorKind> {
        let mut head = [0u8; header::LEN];
        // A header cut short is not a capture we can read.
        input.read_exact(&mut head).map_err(|_| CaptureErrorKind::NotACapture)?;
        let (big_endian, nanos) = recognize(&head).ok_or(CaptureErrorKind::NotACapture)?;
        let network = u32_at(&head, header::NETWORK, big_endian);
        let link = LinkType::from_file_field(network);
        if !link.is_supported() {
            return Err(CaptureErrorKind::UnsupportedLinkType(link));
        }
        Ok(LegacyReader {
            input,
            buf: vec![0; capacity],
            start: 0,
            end: 0,
            offset: header::LEN as u64,
            big_endian,
            nanos,
            link,
            eof: false,
        })
    }

    /// The link type of every record.
    pub fn link(&self) -> LinkType {
        self.link
    }

    /// File offset of the next unread record.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The buffer that [`RecordAt`] indexes.
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }

    /// The next record, without moving any record handed out before it:
    /// [`InPlace::BufferFull`] when the next one needs the buffer's bytes
    /// moved, which [`LegacyReader::swap_buffer`] then does into another
    /// buffer, leaving this one to whoever holds its records.
    pub fn next_in_place(&mut self, max_record: usize) -> Result<InPlace, (u64, CaptureErrorKind)> {
        match self.fill(record::LEN).map_err(|e| (self.offset, e))? {
            Fill::Ready => {}
            Fill::WouldMove => return Ok(InPlace::BufferFull),
            Fill::Eof => {
                return match self.end - self.start {
                    0 => Ok(InPlace::End),
                    _ => Err((self.offset, CaptureErrorKind::Truncated)),
                };
            }
        }
        let h = &self.buf[self.start..self.start + record::LEN];
        let caplen = u32_at(h, record::CAPLEN, self.big_endian) as usize;
        if caplen > max_record {
            return Err((self.offset, CaptureErrorKind::RecordTooLarge(caplen as u64)));
        }
        let secs = u32_at(h, record::TS_SEC, self.big_endian);
        let frac = u32_at(h, record::TS_FRAC, self.big_endian);
        let orig_len = u32_at(h, record::ORIGLEN, self.big_endian);
        let total = record::LEN + caplen;
        match self.fill(total).map_err(|e| (self.offset, e))? {
            Fill::Ready => {}
            Fill::WouldMove => return Ok(InPlace::BufferFull),
            Fill::Eof => return Err((self.offset, CaptureErrorKind::Truncated)),
        }
        let nanos = if self.nanos { i64::from(frac) } else { i64::from(frac) * 1000 };
        // A fraction past one second (a sloppy writer) carries into the seconds.
        let ts = Timestamp::from_nanos(i64::from(secs) * 1_000_000_000 + nanos);
        let at = RecordAt { start: self.start + record::LEN, len: caplen, ts, orig_len };
        self.start += total;
        self.offset += total as u64;
        Ok(InPlace::Record(at))
    }

    /// The buffer, for the records handed out last; the reader is done.
    pub fn into_buffer(self) -> Vec<u8> {
        self.buf
    }

    /// Gives the buffer away in exchange for `other`, into which the unread
    /// bytes move; the records handed out so far index the returned one.
    pub fn swap_buffer(&mut self, mut other: Vec<u8>) -> Vec<u8> {
        let unread = self.end - self.start;
        if other.len() < self.buf.len() {
            other.resize(self.buf.len(), 0);
        }
        other[..unread].copy_from_slice(&self.buf[self.start..self.end]);
        let given = std::mem::replace(&mut self.buf, other);
        (self.start, self.end) = (0, unread);
        given
    }

    /// Makes `need` bytes available from `start`, never moving a record
    /// handed out before it.
    fn fill(&mut self, need: usize) -> Result<Fill, CaptureErrorKind> {
        while self.end - self.start < need {
            if self.eof {
                return Ok(Fill::Eof);
            }
            if self.start + need > self.buf.len() {
                // Records before `start` would have to move.
                if self.start > 0 {
                    return Ok(Fill::WouldMove);
                }
                // One record larger than the buffer: it grows.
                self.buf.resize(need, 0);
            }
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(CaptureErrorKind::Io(e)),
            }
        }
        Ok(Fill::Ready)
    }
}

/// What [`LegacyReader::next_in_place`] found.
#[derive(Clone, Copy, Debug)]
pub enum InPlace {
    /// A record, in the current buffer.
    Record(RecordAt),
    /// The next record does not fit behind those handed out: swap buffers.
    BufferFull,
    /// A clean end of file.
    End,
}

enum Fill {
    Ready,
    WouldMove,
    Eof,
}

fn u32_at(bytes: &[u8], at: std::ops::Range<usize>, big_endian: bool) -> u32 {
    let b = [bytes[at.start], bytes[at.start + 1], bytes[at.start + 2], bytes[at.start + 3]];
    if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// File header: little-endian, microseconds, snaplen 65535, Ethernet.
    static HEADER_LE: [u8; 24] = [
        0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0,
        1, 0, 0, 0,
    ];
    /// One record: 1.5 s, 4 bytes captured of 60 on the wire.
    static RECORD_LE: [u8; 20] =
        [1, 0, 0, 0, 0x20, 0xa1, 0x07, 0x00, 4, 0, 0, 0, 60, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef];

    #[test]
    fn recognizes_every_magic() {
        assert_eq!(recognize(&[0xd4, 0xc3, 0xb2, 0xa1]), Some((false, false)));
        assert_eq!(recognize(&[0x4d, 0x3c, 0xb2, 0xa1]), Some((false, true)));
        assert_eq!(recognize(&[0xa1, 0xb2, 0xc3, 0xd4]), Some((true, false)));
        assert_eq!(recognize(&[0xa1, 0xb2, 0x3c, 0x4d]), Some((true, true)));
        assert_eq!(recognize(&[0x0a, 0x0d, 0x0d, 0x0a]), None, "pcapng");
        assert_eq!(recognize(&[0xd4, 0xc3]), None);
    }

    fn record(r: &mut LegacyReader<&[u8]>, max: usize) -> Option<RecordAt> {
        match r.next_in_place(max).unwrap() {
            InPlace::Record(at) => Some(at),
            InPlace::End => None,
            InPlace::BufferFull => panic!("buffer full"),
        }
    }

    #[test]
    fn reads_a_golden_record() {
        let bytes: Vec<u8> = HEADER_LE.iter().chain(RECORD_LE.iter()).copied().collect();
        let mut r = LegacyReader::new(bytes.as_slice(), 64).unwrap();
        assert_eq!(r.link(), LinkType::ETHERNET);
        let at = record(&mut r, 1 << 20).unwrap();
        assert_eq!(at.ts, Timestamp::from_parts(1, 500_000_000));
        assert_eq!((at.len, at.orig_len), (4, 60));
        assert_eq!(&r.buffer()[at.start..at.start + at.len], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(r.offset(), 44);
        assert!(record(&mut r, 1 << 20).is_none());
    }

    #[test]
    fn grows_past_its_buffer_for_a_large_record_and_refuses_absurd_ones() {
        let mut bytes = HEADER_LE.to_vec();
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(&1000u32.to_le_bytes());
        bytes.extend_from_slice(&1000u32.to_le_bytes());
        bytes.extend(std::iter::repeat_n(7u8, 1000));
        let mut r = LegacyReader::new(bytes.as_slice(), 64).unwrap();
        assert_eq!(record(&mut r, 1 << 20).unwrap().len, 1000);
        let mut r = LegacyReader::new(bytes.as_slice(), 64).unwrap();
        let (offset, kind) = r.next_in_place(999).unwrap_err();
        assert_eq!(offset, 24);
        assert!(matches!(kind, CaptureErrorKind::RecordTooLarge(1000)));
    }

    #[test]
    fn a_record_that_does_not_fit_behind_others_waits_for_a_new_buffer() {
        let mut bytes = HEADER_LE.to_vec();
        bytes.extend_from_slice(&RECORD_LE);
        bytes.extend_from_slice(&RECORD_LE);
        // Room for the first record (20 bytes) and part of the second.
        let mut r = LegacyReader::new(bytes.as_slice(), 30).unwrap();
        let first = record(&mut r, 1 << 20).unwrap();
        assert!(matches!(r.next_in_place(1 << 20).unwrap(), InPlace::BufferFull));
        let given = r.swap_buffer(vec![0; 30]);
        assert_eq!(&given[first.start..first.start + 4], &[0xde, 0xad, 0xbe, 0xef]);
        let second = record(&mut r, 1 << 20).unwrap();
        assert_eq!(&r.buffer()[second.start..second.start + 4], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(r.offset(), 24 + 2 * 20);
        // Reading on, even to find the end, needs the buffer's space.
        assert!(matches!(r.next_in_place(1 << 20).unwrap(), InPlace::BufferFull));
        r.swap_buffer(given);
        assert!(record(&mut r, 1 << 20).is_none());
    }
}
