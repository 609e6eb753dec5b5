//! Reading pcap and pcapng files.
//!
//! Classic pcap, the hot path of most replays, is read by [`super::legacy`]
//! directly, ahead of the pipeline on a thread of its own
//! ([`super::ahead`]); pcapng (sections, interfaces, block types) through
//! `pcap-parser`'s streaming reader over a fixed buffer. Both were measured
//! against libpcap through the `pcap` crate in `benches/replay.rs` (see the
//! issue note): both read faster, need no C library, and report the byte
//! offset of a truncated or corrupt record.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use gapwatch_rules::Timestamp;
use pcap_parser::pcapng::Block;
use pcap_parser::traits::{PcapNGPacketBlock, PcapReaderIterator};
use pcap_parser::{PcapBlockOwned, PcapError};

use super::ahead::{ReadAhead, blocks_per_file};
use super::legacy::{self, LegacyReader};
use super::{CaptureError, CaptureErrorKind, Frame, LinkType, Source};

/// Buffer the pcapng reader starts with: holds many blocks, so refills
/// are rare.
const INITIAL_BUFFER: usize = 1 << 20;
/// The classic reader's buffer, and each of the blocks it reads ahead
/// into: a few hundred frames each, a few of them in flight.
const CLASSIC_BUFFER: usize = 256 << 10;
/// Bytes read before choosing a reader.
const HEAD_BYTES: usize = 64 << 10;
/// The largest record accepted. A 256 KiB snap length is the largest any
/// capture tool writes; past 16 MiB a length field is corruption.
const MAX_BUFFER: usize = 16 << 20;
/// Byte length of a legacy pcap record header.
const LEGACY_RECORD_HEADER: usize = 16;
/// Byte offset of the packet data in a pcapng Enhanced Packet Block.
const EPB_DATA_OFFSET: usize = 28;
/// Byte offset of the packet data in a pcapng Simple Packet Block.
const SPB_DATA_OFFSET: usize = 12;

/// How one interface stamps and frames its packets.
#[derive(Clone, Copy, Debug)]
struct Interface {
    link: LinkType,
    /// Timestamp ticks per second.
    ticks_per_sec: u64,
    /// Seconds added to every timestamp (pcapng `if_tsoffset`).
    offset_secs: i64,
}

/// The input of a file source, as it will be read.
type Input = Box<dyn Read + Send>;

/// A pcap or pcapng file, read as a stream of frames.
pub enum FileSource {
    /// Classic pcap, read directly.
    Classic(ClassicFile),
    /// pcapng, read block by block.
    Blocks(BlockFile),
}

/// A classic pcap file.
pub struct ClassicFile {
    path: PathBuf,
    reader: ReadAhead,
}

/// A pcapng file (or anything else `pcap-parser` reads).
pub struct BlockFile {
    path: PathBuf,
    reader: Box<dyn PcapReaderIterator + Send>,
    /// Bytes of the block handed out last, consumed on the next call.
    pending: usize,
    formats: Formats,
    /// The packet handed out last (still in the buffer).
    current: Option<PacketAt>,
    /// The first packet, found by `open` and not yet handed out.
    primed: Option<PacketAt>,
    finished: bool,
}

/// What the file's headers said so far: how to stamp and frame packets.
#[derive(Default)]
struct Formats {
    /// pcapng: the interfaces of the current section.
    interfaces: Vec<Interface>,
    /// Legacy pcap: its single interface (set from the file header).
    legacy: Option<Interface>,
    /// Time of the last packet (simple packet blocks carry none).
    last_ts: Timestamp,
    /// Byte order of the file (legacy header) or current section.
    big_endian: bool,
}

/// Where the packet bytes of the block at the head of the buffer are.
#[derive(Clone, Copy)]
struct PacketAt {
    start: usize,
    len: usize,
    ts: Timestamp,
    link: LinkType,
    orig_len: u32,
}

impl FileSource {
    /// Opens `path` and reads its header. Fails on a missing, empty or
    /// unreadable file, or one that is not a capture.
    pub fn open(path: impl AsRef<Path>) -> Result<FileSource, CaptureError> {
        FileSource::open_among(path, 1)
    }

    /// [`FileSource::open`] for one of `files` captures read together:
    /// their read-ahead shares the memory one file's would take.
    pub fn open_among(path: impl AsRef<Path>, files: usize) -> Result<FileSource, CaptureError> {
        let path = path.as_ref().to_path_buf();
        let io_err = |e| CaptureError::new(&path, None, CaptureErrorKind::Io(e));
        let file = File::open(&path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if meta.is_dir() {
            let e = std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory");
            return Err(io_err(e));
        }
        FileSource::reading(path, file, files)
    }

    /// A source over any reader; `path` names it in errors.
    pub fn from_reader(
        path: PathBuf,
        reader: impl Read + Send + 'static,
    ) -> Result<FileSource, CaptureError> {
        FileSource::reading(path, reader, 1)
    }

    fn reading(
        path: PathBuf,
        mut reader: impl Read + Send + 'static,
        files: usize,
    ) -> Result<FileSource, CaptureError> {
        // Enough of the start for either reader to see its whole file header
        // in its first read (a pcapng section header carries options).
        let mut head = vec![0u8; HEAD_BYTES];
        let got = read_up_to(&mut reader, &mut head)
            .map_err(|e| CaptureError::new(&path, Some(0), CaptureErrorKind::Io(e)))?;
        if got == 0 {
            return Err(CaptureError::new(path, Some(0), CaptureErrorKind::Empty));
        }
        head.truncate(got);
        let classic = legacy::recognize(&head).is_some();
        let input: Input = Box::new(std::io::Cursor::new(head).chain(reader));
        if classic {
            let reader = LegacyReader::new(input, CLASSIC_BUFFER)
                .and_then(|reader| ReadAhead::start(reader, MAX_BUFFER, blocks_per_file(files)))
                .map_err(|kind| CaptureError::new(&path, Some(0), kind))?;
            let classic = ClassicFile { path, reader };
            return Ok(FileSource::Classic(classic));
        }
        let reader = match pcap_parser::create_reader(INITIAL_BUFFER, input) {
            Ok(r) => r,
            Err(PcapError::Eof) => {
                return Err(CaptureError::new(path, Some(0), CaptureErrorKind::Empty));
            }
            Err(PcapError::ReadError) => {
                let e = std::io::Error::other("read failed");
                return Err(CaptureError::new(path, Some(0), CaptureErrorKind::Io(e)));
            }
            // A file shorter than any header is not a capture either.
            Err(_) => {
                return Err(CaptureError::new(path, Some(0), CaptureErrorKind::NotACapture));
            }
        };
        let mut blocks = BlockFile {
            path,
            reader,
            pending: 0,
            formats: Formats::default(),
            current: None,
            primed: None,
            finished: false,
        };
        // Read up to the first packet so header errors (unsupported link
        // type) surface at open, before any frame is recorded.
        blocks.primed = blocks.advance_to_packet()?;
        Ok(FileSource::Blocks(blocks))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            FileSource::Classic(f) => &f.path,
            FileSource::Blocks(f) => &f.path,
        }
    }

    /// The frame handed out by the last [`Source::next_frame`], again.
    pub fn current(&self) -> Option<Frame<'_>> {
        match self {
            FileSource::Classic(f) => f.current(),
            FileSource::Blocks(f) => f.current(),
        }
    }
}

impl Source for FileSource {
    #[inline]
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        match self {
            FileSource::Classic(f) => f.next_frame(),
            FileSource::Blocks(f) => f.next_frame(),
        }
    }

    fn bytes_read(&self) -> u64 {
        match self {
            FileSource::Classic(f) => f.reader.offset(),
            FileSource::Blocks(f) => f.reader.consumed() as u64,
        }
    }
}

impl BlockFile {
    fn error(&mut self, kind: CaptureErrorKind) -> CaptureError {
        self.finished = true;
        CaptureError::new(&self.path, Some(self.reader.consumed() as u64), kind)
    }

    /// Consumes non-packet blocks until a packet block is at the head of
    /// the buffer; returns where its bytes are, or None at the end.
    fn advance_to_packet(&mut self) -> Result<Option<PacketAt>, CaptureError> {
        if self.finished {
            return Ok(None);
        }
        if self.pending > 0 {
            self.reader.consume(self.pending);
            self.pending = 0;
        }
        loop {
            let step = match self.reader.next() {
                Ok((size, block)) => Ok((size, self.formats.classify(block))),
                Err(e) => Err(owned_kind(e)),
            };
            match step {
                Ok((size, Classified::Packet(at))) => {
                    let at = at.map_err(|k| self.error(k))?;
                    self.pending = size;
                    return Ok(Some(at));
                }
                Ok((size, Classified::Other(result))) => {
                    result.map_err(|k| self.error(k))?;
                    self.reader.consume(size);
                }
                Err(Next::Eof) => {
                    self.finished = true;
                    return Ok(None);
                }
                Err(Next::Refill) => {
                    if self.reader.refill().is_err() {
                        let e = std::io::Error::other("read failed");
                        return Err(self.error(CaptureErrorKind::Io(e)));
                    }
                }
                Err(Next::Grow) => {
                    let size = self.reader.data().len().max(INITIAL_BUFFER) * 2;
                    if size > MAX_BUFFER || !self.reader.grow(size) {
                        let claimed = self.claimed_record_len();
                        return Err(self.error(CaptureErrorKind::RecordTooLarge(claimed)));
                    }
                    if self.reader.refill().is_err() {
                        let e = std::io::Error::other("read failed");
                        return Err(self.error(CaptureErrorKind::Io(e)));
                    }
                }
                Err(Next::Fail(CaptureErrorKind::Truncated)) => {
                    let claimed = self.claimed_record_len();
                    let kind = if claimed > MAX_BUFFER as u64 {
                        CaptureErrorKind::RecordTooLarge(claimed)
                    } else {
                        CaptureErrorKind::Truncated
                    };
                    return Err(self.error(kind));
                }
                Err(Next::Fail(kind)) => return Err(self.error(kind)),
            }
        }
    }

    /// The length the record at the head of the buffer claims, to tell a
    /// corrupt length from a cut file.
    fn claimed_record_len(&self) -> u64 {
        let data = self.reader.data();
        let at = if self.formats.legacy.is_some() { 8 } else { 4 };
        let Some(b) = data.get(at..at + 4) else {
            return 0;
        };
        let b = [b[0], b[1], b[2], b[3]];
        u64::from(if self.formats.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
}

impl Formats {
    fn classify(&mut self, block: PcapBlockOwned<'_>) -> Classified {
        match block {
            // Classic files come here only in the rare "modified" variant
            // (magic a1b2cd34) that the direct reader does not take.
            PcapBlockOwned::LegacyHeader(header) => {
                let link = LinkType::from_file_field(header.network.0 as u32);
                if !link.is_supported() {
                    return Classified::Other(Err(CaptureErrorKind::UnsupportedLinkType(link)));
                }
                let ticks_per_sec =
                    if header.is_nanosecond_precision() { 1_000_000_000 } else { 1_000_000 };
                self.legacy = Some(Interface { link, ticks_per_sec, offset_secs: 0 });
                self.big_endian = header.is_bigendian();
                Classified::Other(Ok(()))
            }
            PcapBlockOwned::Legacy(record) => {
                let Some(iface) = self.legacy else {
                    return Classified::Packet(Err(CaptureErrorKind::Corrupt(
                        "record before file header".into(),
                    )));
                };
                let ts = stamp(
                    &iface,
                    (u64::from(record.ts_sec) * iface.ticks_per_sec) + u64::from(record.ts_usec),
                );
                Classified::Packet(Ok(PacketAt {
                    start: LEGACY_RECORD_HEADER,
                    len: record.data.len(),
                    ts,
                    link: iface.link,
                    orig_len: record.origlen,
                }))
            }
            PcapBlockOwned::NG(Block::SectionHeader(shb)) => {
                // A new section starts a new list of interfaces.
                self.interfaces.clear();
                self.big_endian = shb.big_endian();
                Classified::Other(Ok(()))
            }
            PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                let link = LinkType(idb.linktype.0 as u32);
                if !link.is_supported() {
                    return Classified::Other(Err(CaptureErrorKind::UnsupportedLinkType(link)));
                }
                let Some(ticks_per_sec) = idb.ts_resolution().filter(|&t| t > 0) else {
                    return Classified::Other(Err(CaptureErrorKind::Corrupt(
                        "interface with an invalid timestamp resolution".into(),
                    )));
                };
                self.interfaces.push(Interface {
                    link,
                    ticks_per_sec,
                    offset_secs: idb.ts_offset(),
                });
                Classified::Other(Ok(()))
            }
            PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                let Some(iface) = self.interfaces.get(epb.if_id as usize).copied() else {
                    return Classified::Packet(Err(CaptureErrorKind::UnknownInterface(epb.if_id)));
                };
                let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                Classified::Packet(Ok(PacketAt {
                    start: EPB_DATA_OFFSET,
                    len: epb.packet_data().len(),
                    ts: stamp(&iface, ticks),
                    link: iface.link,
                    orig_len: epb.orig_len(),
                }))
            }
            PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                let Some(iface) = self.interfaces.first().copied() else {
                    return Classified::Packet(Err(CaptureErrorKind::UnknownInterface(0)));
                };
                // Simple packet blocks carry no time: they share the last one.
                Classified::Packet(Ok(PacketAt {
                    start: SPB_DATA_OFFSET,
                    len: spb.packet_data().len(),
                    ts: self.last_ts,
                    link: iface.link,
                    orig_len: spb.orig_len(),
                }))
            }
            // Statistics, name resolution, comments, custom blocks: not packets.
            PcapBlockOwned::NG(_) => Classified::Other(Ok(())),
        }
    }
}

enum Classified {
    Packet(Result<PacketAt, CaptureErrorKind>),
    Other(Result<(), CaptureErrorKind>),
}

enum Next {
    Eof,
    Refill,
    Grow,
    Fail(CaptureErrorKind),
}

fn owned_kind(e: PcapError<&[u8]>) -> Next {
    match e {
        PcapError::Eof => Next::Eof,
        PcapError::Incomplete(_) => Next::Refill,
        PcapError::BufferTooSmall => Next::Grow,
        PcapError::UnexpectedEof => Next::Fail(CaptureErrorKind::Truncated),
        PcapError::ReadError => {
            Next::Fail(CaptureErrorKind::Io(std::io::Error::other("read failed")))
        }
        PcapError::HeaderNotRecognized => Next::Fail(CaptureErrorKind::NotACapture),
        PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
            Next::Fail(CaptureErrorKind::Corrupt(format!("malformed block ({kind:?})")))
        }
    }
}

/// Packet time from interface ticks.
fn stamp(iface: &Interface, ticks: u64) -> Timestamp {
    let per_sec = iface.ticks_per_sec;
    let secs = (ticks / per_sec) as i64;
    let frac = ticks % per_sec;
    let nanos = match per_sec {
        1_000_000 => frac * 1000,
        1_000_000_000 => frac,
        _ => ((u128::from(frac) * 1_000_000_000) / u128::from(per_sec)) as u64,
    };
    Timestamp::from_parts(secs.saturating_add(iface.offset_secs), nanos as u32)
}

impl BlockFile {
    fn current(&self) -> Option<Frame<'_>> {
        let at = self.current?;
        let data = self.reader.data().get(at.start..at.start + at.len).unwrap_or(&[]);
        Some(Frame { ts: at.ts, link: at.link, data, orig_len: at.orig_len })
    }

    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        self.current = None;
        let next = match self.primed.take() {
            Some(first) => Some(first),
            None => self.advance_to_packet()?,
        };
        let Some(at) = next else {
            return Ok(None);
        };
        self.formats.last_ts = at.ts;
        self.current = Some(at);
        Ok(self.current())
    }
}

impl ClassicFile {
    fn current(&self) -> Option<Frame<'_>> {
        let link = self.reader.link();
        let (ts, data, orig_len) = self.reader.current()?;
        Some(Frame { ts, link, data, orig_len })
    }

    #[inline]
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        let link = self.reader.link();
        match self.reader.next_record() {
            Ok(Some((ts, data, orig_len))) => Ok(Some(Frame { ts, link, data, orig_len })),
            Ok(None) => Ok(None),
            Err((offset, kind)) => Err(CaptureError::new(&self.path, Some(offset), kind)),
        }
    }
}

/// Reads until `out` is full or the input ends; returns the bytes read.
fn read_up_to(input: &mut impl Read, out: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < out.len() {
        match input.read(&mut out[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
