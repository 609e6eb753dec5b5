//! Reading a classic capture ahead, on a thread of its own.
//!
//! A replay is bound by the one thread that decodes and observes; the
//! kernel's copy of the file and the walk from record header to record
//! header were a fifth of that thread's time. Here a reader thread does
//! both: it reads into a block and finds the records in it, in place; the
//! pipeline takes frames out of a full block while the reader fills the
//! next. A record cut by a block's end moves to the next block (the only
//! copy). The blocks go round between the two threads and are made once,
//! so steady reading allocates nothing; a mutex and two condition variables
//! carry them (the standard channels allocate on a thread's first wait,
//! which the allocation test would see).
//!
//! Every frame before an error or the end of the file is delivered before
//! it, in file order, with the byte offset [`LegacyReader`] found.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use gapwatch_rules::Timestamp;

use super::legacy::{InPlace, LegacyReader, RECORD_HEADER_LEN, RecordAt};
use super::{CaptureErrorKind, LinkType};

/// Blocks going round besides the readers' own (each as large as a
/// reader's buffer), shared by the files read together: 4 MiB for a
/// single file, so its reader can fall behind for a while — the writer
/// thread's burst at the end of an hour shares its core — without the
/// pipeline running dry.
const BLOCKS_SHARED: usize = 16;
/// Blocks of each file at least: one being read, two waiting.
const MIN_BLOCKS: usize = 3;

/// Blocks for each of `files` classic files read together: a merge of
/// many files holds no more memory than one file read deep.
pub fn blocks_per_file(files: usize) -> usize {
    (BLOCKS_SHARED / files.max(1)).max(MIN_BLOCKS)
}

/// A sleeping reader with `blocks` blocks is woken once this many are
/// free, and fills them in one go: half of them, so a single file's reader
/// is woken (and may take the pipeline's core) once per eight blocks, not
/// once per two. Interleaved runs on the 5M-packet capture: 16 blocks
/// woken at 8, median replay 2.29 and 2.31 s, against 2.40 s with 3 woken
/// at 2.
fn wake_reader_at(blocks: usize) -> usize {
    (blocks / 2).max(2)
}

/// How far ahead of the record handed out its successors' first bytes are
/// asked for.
const PREFETCH_RECORDS: usize = 3;
/// Records a block holds at most: 256 KiB of minimum-size Ethernet frames.
const BLOCK_RECORDS: usize = 4096;

/// How the file ended, after the records of the block that carries it.
#[derive(Debug)]
enum End {
    /// A clean end of file.
    Eof,
    /// A record cut short or unreadable at this byte offset.
    Failed(u64, CaptureErrorKind),
}

/// A buffer the reader filled, and where its records are.
#[derive(Debug)]
struct Block {
    data: Vec<u8>,
    /// Where the records are in `data`, as the reader found them.
    records: Vec<RecordAt>,
    end: Option<End>,
}

/// The blocks between the two threads.
struct Queues {
    /// Filled, in file order.
    full: VecDeque<Block>,
    /// Ready to be filled.
    empty: VecDeque<Block>,
    /// The pipeline side went away: the reader stops.
    closed: bool,
    /// The reader thread is gone: no more blocks will come.
    done: bool,
    /// The reader sleeps until blocks are free to fill.
    reader_waits: bool,
    /// The pipeline sleeps until a block is full.
    pipeline_waits: bool,
    /// Free blocks that wake the sleeping reader.
    wake_reader_at: usize,
}

/// The queues and a condition variable for each side. A side is woken only
/// when it sleeps and has something to do, and the reader only once
/// [`wake_reader_at`] blocks are free: each wake-up is a system call, and
/// on a machine with few cores the woken thread takes the waker's core.
struct Handoff {
    queues: Mutex<Queues>,
    for_reader: Condvar,
    for_pipeline: Condvar,
}

impl Handoff {
    /// Queues with room for every block, so handing one over never
    /// allocates; the blocks, of `bytes` each, wait to be filled.
    fn new(bytes: usize, blocks: usize) -> Handoff {
        let mut empty = VecDeque::with_capacity(blocks + 1);
        empty.extend((0..blocks).map(|_| Block::new(bytes)));
        let queues = Queues {
            full: VecDeque::with_capacity(blocks + 1),
            empty,
            closed: false,
            done: false,
            reader_waits: false,
            pipeline_waits: false,
            wake_reader_at: wake_reader_at(blocks),
        };
        Handoff {
            queues: Mutex::new(queues),
            for_reader: Condvar::new(),
            for_pipeline: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queues> {
        // A panic while holding the lock leaves plain queues behind.
        self.queues.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Pipeline side: gives `spent` back (if it holds memory) and waits for
    /// the next full block; None once the reader is gone without one.
    fn swap_for_full(&self, spent: Block) -> Option<Block> {
        let mut q = self.lock();
        if spent.data.capacity() > 0 {
            q.empty.push_back(spent);
            if q.reader_waits && q.empty.len() >= q.wake_reader_at {
                self.for_reader.notify_one();
            }
        }
        while q.full.is_empty() && !q.done {
            if q.reader_waits && !q.empty.is_empty() {
                // Nothing to read: the reader must not wait for more.
                self.for_reader.notify_one();
            }
            q.pipeline_waits = true;
            q = self.for_pipeline.wait(q).unwrap_or_else(|poisoned| poisoned.into_inner());
            q.pipeline_waits = false;
        }
        q.full.pop_front()
    }

    /// Reader side: hands over a full block.
    fn deliver(&self, full: Block) {
        let mut q = self.lock();
        q.full.push_back(full);
        if q.pipeline_waits {
            self.for_pipeline.notify_one();
        }
    }

    /// Reader side: waits for a block to fill; None once the pipeline side
    /// is gone.
    fn take_empty(&self) -> Option<Block> {
        let mut q = self.lock();
        while q.empty.is_empty() && !q.closed {
            q.reader_waits = true;
            q = self.for_reader.wait(q).unwrap_or_else(|poisoned| poisoned.into_inner());
            q.reader_waits = false;
        }
        if q.closed { None } else { q.empty.pop_front() }
    }

    /// The pipeline side is gone: the reader stops.
    fn close(&self) {
        self.lock().closed = true;
        self.for_reader.notify_one();
    }

    /// The reader is gone: the pipeline takes what is left and stops.
    fn finish(&self) {
        self.lock().done = true;
        self.for_pipeline.notify_one();
    }
}

/// A classic capture read ahead by a thread; see the module doc.
pub struct ReadAhead {
    link: LinkType,
    handoff: Arc<Handoff>,
    /// The block frames are taken from; `next` indexes its records.
    block: Block,
    next: usize,
    /// File offset past the last record handed out.
    offset: u64,
    finished: bool,
}

/// A record's packet time, captured bytes and length on the wire.
pub type RecordView<'a> = (Timestamp, &'a [u8], u32);

impl ReadAhead {
    /// Starts reading `reader` (past its file header) on a new thread,
    /// `blocks` blocks ahead (see [`blocks_per_file`]), and waits for the first block so that thread
    /// is running when this returns. A record longer than `max_record`
    /// ends the file with an error.
    pub fn start<R: Read + Send + 'static>(
        reader: LegacyReader<R>,
        max_record: usize,
        blocks: usize,
    ) -> Result<ReadAhead, CaptureErrorKind> {
        let link = reader.link();
        let offset = reader.offset();
        let handoff = Arc::new(Handoff::new(reader.buffer().len(), blocks));
        let shared = Arc::clone(&handoff);
        std::thread::Builder::new()
            .name("gapwatch-read".into())
            .spawn(move || {
                // However the thread ends, the pipeline side stops waiting.
                let _done = Done(&shared);
                fill(reader, max_record, &shared);
            })
            .map_err(CaptureErrorKind::Io)?;
        let mut ahead =
            ReadAhead { link, handoff, block: Block::empty(), next: 0, offset, finished: false };
        ahead.take_next_block();
        Ok(ahead)
    }

    /// The link type of every record.
    pub fn link(&self) -> LinkType {
        self.link
    }

    /// File offset past the last record handed out.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next record; None at a clean end of file.
    #[inline]
    pub fn next_record(&mut self) -> Result<Option<RecordView<'_>>, (u64, CaptureErrorKind)> {
        if self.next == self.block.records.len() && !self.refill()? {
            return Ok(None);
        }
        self.next += 1;
        // The reader thread wrote the frames on the other core: ask for
        // the ones a few records on while this one is worked on.
        if let Some(ahead) = self.block.records.get(self.next + PREFETCH_RECORDS) {
            crate::prefetch::prefetch(self.block.data.as_ptr().wrapping_add(ahead.start));
        }
        let r = self.block.records[self.next - 1];
        self.offset += (RECORD_HEADER_LEN + r.len) as u64;
        Ok(Some(self.view(r)))
    }

    /// Takes blocks until one holds a record (once a block, off the
    /// per-record path); false at a clean end of file.
    #[cold]
    fn refill(&mut self) -> Result<bool, (u64, CaptureErrorKind)> {
        while self.next == self.block.records.len() {
            if self.finished {
                return Ok(false);
            }
            match self.block.end.take() {
                Some(End::Eof) => {
                    self.finished = true;
                    return Ok(false);
                }
                Some(End::Failed(offset, kind)) => {
                    self.finished = true;
                    return Err((offset, kind));
                }
                None => self.take_next_block(),
            }
        }
        Ok(true)
    }

    /// The record handed out last, again.
    pub fn current(&self) -> Option<RecordView<'_>> {
        let r = *self.block.records.get(self.next.checked_sub(1)?)?;
        Some(self.view(r))
    }

    #[inline]
    fn view(&self, r: RecordAt) -> RecordView<'_> {
        (r.ts, self.block.data.get(r.start..r.start + r.len).unwrap_or(&[]), r.orig_len)
    }

    /// Gives the spent block back and waits for the next full one.
    fn take_next_block(&mut self) {
        let spent = std::mem::replace(&mut self.block, Block::empty());
        let next = self.handoff.swap_for_full(spent);
        // A reader thread that died without saying how the file ended
        // leaves it cut short after what it delivered.
        let failed = || Block {
            end: Some(End::Failed(self.offset, CaptureErrorKind::Truncated)),
            ..Block::empty()
        };
        self.block = next.unwrap_or_else(failed);
        self.next = 0;
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.handoff.close();
    }
}

/// Marks the reader thread gone when it ends, however it ends.
struct Done<'a>(&'a Handoff);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// The reader thread: fills blocks until the file ends or fails, or the
/// pipeline side goes away.
fn fill<R: Read>(mut reader: LegacyReader<R>, max_record: usize, handoff: &Handoff) {
    let mut records = Vec::with_capacity(BLOCK_RECORDS);
    loop {
        let end = loop {
            match reader.next_in_place(max_record) {
                Ok(InPlace::Record(at)) => {
                    records.push(at);
                    if records.len() == BLOCK_RECORDS {
                        break None;
                    }
                }
                Ok(InPlace::BufferFull) => break None,
                Ok(InPlace::End) => break Some(End::Eof),
                Err((offset, kind)) => break Some(End::Failed(offset, kind)),
            }
        };
        if end.is_some() {
            let last = Block { data: reader.into_buffer(), records, end };
            handoff.deliver(last);
            return;
        }
        let empty = handoff.take_empty();
        let Some(empty) = empty else {
            return;
        };
        let data = reader.swap_buffer(empty.data);
        let full = Block { data, records: std::mem::replace(&mut records, empty.records), end };
        records.clear();
        handoff.deliver(full);
    }
}

impl Block {
    fn new(bytes: usize) -> Block {
        Block { data: vec![0; bytes], records: Vec::with_capacity(BLOCK_RECORDS), end: None }
    }

    /// A placeholder that owns no memory.
    fn empty() -> Block {
        Block { data: Vec::new(), records: Vec::new(), end: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A little-endian microsecond capture of `lens` records; record `i`
    /// is stamped `i` µs and filled with `i as u8`.
    fn capture(lens: &[usize]) -> Vec<u8> {
        let mut out = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        out.extend([0; 8]);
        out.extend(u32::MAX.to_le_bytes());
        out.extend(1u32.to_le_bytes());
        for (i, &len) in lens.iter().enumerate() {
            out.extend(0u32.to_le_bytes());
            out.extend((i as u32).to_le_bytes());
            out.extend((len as u32).to_le_bytes());
            out.extend((len as u32 + 4).to_le_bytes());
            out.extend(std::iter::repeat_n(i as u8, len));
        }
        out
    }

    /// The reader's buffer, and so each block: small, for many blocks.
    const BUFFER: usize = 1 << 16;

    fn start(bytes: Vec<u8>) -> ReadAhead {
        let reader = LegacyReader::new(std::io::Cursor::new(bytes), BUFFER).unwrap();
        ReadAhead::start(reader, 16 << 20, blocks_per_file(1)).unwrap()
    }

    /// Lengths that fill many blocks, by bytes and by count, with one
    /// record larger than a block.
    fn lengths() -> Vec<usize> {
        let mut lens: Vec<usize> = (0..3 * BLOCK_RECORDS).map(|i| 14 + i % 97).collect();
        lens.extend((0..1500).map(|i| 60 + (i * 37) % 1455));
        lens.push(BUFFER + 1000);
        lens.extend([0, 1, 60]);
        lens
    }

    #[test]
    fn delivers_every_record_across_blocks_in_file_order() {
        let lens = lengths();
        let mut ahead = start(capture(&lens));
        let mut offset = 24u64;
        for (i, &len) in lens.iter().enumerate() {
            let (ts, data, orig_len) = ahead.next_record().unwrap().unwrap();
            assert_eq!(ts, Timestamp::from_nanos(i as i64 * 1000));
            assert_eq!((data.len(), orig_len), (len, len as u32 + 4), "record {i}");
            assert!(data.iter().all(|&b| b == i as u8), "record {i} bytes");
            offset += 16 + len as u64;
            assert_eq!(ahead.offset(), offset);
            assert_eq!(ahead.current().unwrap().1.len(), len);
        }
        assert!(ahead.next_record().unwrap().is_none());
        assert!(ahead.next_record().unwrap().is_none());
    }

    #[test]
    fn a_cut_far_into_the_file_comes_after_every_whole_record() {
        let lens = lengths();
        let mut bytes = capture(&lens);
        let whole = lens.len() - 4;
        let cut_at = 24 + lens[..whole].iter().map(|l| 16 + *l as u64).sum::<u64>();
        bytes.truncate(cut_at as usize + 16 + 10);
        let mut ahead = start(bytes);
        for _ in 0..whole {
            ahead.next_record().unwrap().unwrap();
        }
        let (offset, kind) = ahead.next_record().unwrap_err();
        assert_eq!(offset, cut_at);
        assert!(matches!(kind, CaptureErrorKind::Truncated), "{kind:?}");
        assert!(ahead.next_record().unwrap().is_none(), "finished after the error");
    }

    #[test]
    fn an_absurd_length_in_a_later_block_is_refused_with_its_offset() {
        let lens = lengths();
        let mut bytes = capture(&lens);
        let bad = 2 * BLOCK_RECORDS;
        let at = 24 + lens[..bad].iter().map(|l| 16 + *l as u64).sum::<u64>() as usize;
        bytes[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut ahead = start(bytes);
        for _ in 0..bad {
            ahead.next_record().unwrap().unwrap();
        }
        let (offset, kind) = ahead.next_record().unwrap_err();
        assert_eq!(offset, at as u64);
        assert!(matches!(kind, CaptureErrorKind::RecordTooLarge(_)), "{kind:?}");
    }

    /// Files read together share what one file reads ahead, down to the
    /// least a reader works with; a single file gets all of it.
    #[test]
    fn files_read_together_share_the_blocks_of_one() {
        assert_eq!(blocks_per_file(1), BLOCKS_SHARED);
        assert_eq!(blocks_per_file(0), BLOCKS_SHARED);
        for files in 2..=40 {
            let each = blocks_per_file(files);
            assert!(each >= MIN_BLOCKS, "{files} files, {each} blocks each");
            assert!(each * files <= BLOCKS_SHARED || each == MIN_BLOCKS, "{files}: {each}");
            assert!(wake_reader_at(each) < each, "{files}: woken before every block is free");
        }
        assert_eq!(wake_reader_at(BLOCKS_SHARED), BLOCKS_SHARED / 2);
    }

    /// Tells when the reader thread let go of its input.
    struct Watched(std::io::Cursor<Vec<u8>>, Arc<AtomicBool>);

    impl Read for Watched {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(buf)
        }
    }

    impl Drop for Watched {
        fn drop(&mut self) {
            self.1.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_reader_thread_stops_when_the_source_is_dropped_mid_file() {
        let dropped = Arc::new(AtomicBool::new(false));
        let input = Watched(std::io::Cursor::new(capture(&lengths())), Arc::clone(&dropped));
        let reader = LegacyReader::new(input, BUFFER).unwrap();
        let mut ahead = ReadAhead::start(reader, 16 << 20, blocks_per_file(1)).unwrap();
        ahead.next_record().unwrap().unwrap();
        drop(ahead);
        // Waits for the event, not for a time: the thread wakes on close.
        for _ in 0..1000 {
            if dropped.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the reader thread still holds its input");
    }
}
