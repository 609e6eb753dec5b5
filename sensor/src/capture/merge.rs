//! Several capture files read as one stream, in packet-time order.
//!
//! Each file is read in its own order; between files the frame with the
//! earliest time goes first (a k-way merge on the files' heads). A file that
//! fails stops alone: its error is kept for the end and the others go on,
//! so one bad file never hides what the rest recorded.

use gapwatch_rules::Timestamp;

use super::{CaptureError, FileSource, Frame, Source};

/// What was read from one file of a merged stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileTally {
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire of those frames.
    pub bytes: u64,
    /// Time of the earliest frame.
    pub first_ts: Option<Timestamp>,
    /// Time of the latest frame.
    pub last_ts: Option<Timestamp>,
}

/// Files merged by packet time.
pub struct MergedSource {
    files: Vec<FileSource>,
    heads: Vec<Option<Timestamp>>,
    tallies: Vec<FileTally>,
    errors: Vec<(usize, CaptureError)>,
    /// Files read to their end (or their error).
    exhausted: Vec<bool>,
    /// The file whose head was handed out last: advanced on the next call.
    advance: Option<usize>,
    started: bool,
    last_file: usize,
}

impl MergedSource {
    /// Merges `files` (already opened).
    pub fn new(files: Vec<FileSource>) -> MergedSource {
        let n = files.len();
        MergedSource {
            files,
            heads: vec![None; n],
            tallies: vec![FileTally::default(); n],
            errors: Vec::new(),
            exhausted: vec![false; n],
            advance: None,
            started: false,
            last_file: 0,
        }
    }

    /// Index (in the order given) of the file the last frame came from.
    pub fn last_file(&self) -> usize {
        self.last_file
    }

    /// What was read from each file, in the order given.
    pub fn tallies(&self) -> &[FileTally] {
        &self.tallies
    }

    /// True once file `i` was read to its end or its error.
    pub fn is_exhausted(&self, i: usize) -> bool {
        self.exhausted.get(i).copied().unwrap_or(true)
    }

    /// Bytes of file `i` consumed so far.
    pub fn bytes_read_of(&self, i: usize) -> u64 {
        self.files.get(i).map_or(0, |f| f.bytes_read())
    }

    /// The errors that stopped files, with the file's index.
    pub fn take_errors(&mut self) -> Vec<(usize, CaptureError)> {
        std::mem::take(&mut self.errors)
    }

    /// One file needs no merge: its frames go straight through.
    #[inline]
    fn next_of_only_file(&mut self) -> Option<Frame<'_>> {
        match self.files[0].next_frame() {
            Ok(Some(f)) => {
                count(&mut self.tallies[0], &f);
                Some(f)
            }
            Ok(None) => {
                self.exhausted[0] = true;
                None
            }
            Err(e) => {
                self.exhausted[0] = true;
                self.errors.push((0, e));
                None
            }
        }
    }

    fn step(&mut self, i: usize) {
        match self.files[i].next_frame() {
            Ok(Some(frame)) => self.heads[i] = Some(frame.ts),
            Ok(None) => {
                self.heads[i] = None;
                self.exhausted[i] = true;
            }
            Err(e) => {
                self.heads[i] = None;
                self.exhausted[i] = true;
                self.errors.push((i, e));
            }
        }
    }
}

impl Source for MergedSource {
    /// Never fails: a file's error is kept (see [`MergedSource::take_errors`]).
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if self.files.len() == 1 {
            return Ok(self.next_of_only_file());
        }
        if !self.started {
            self.started = true;
            for i in 0..self.files.len() {
                self.step(i);
            }
        } else if let Some(i) = self.advance.take() {
            self.step(i);
        }
        let next = self.heads.iter().enumerate().filter_map(|(i, ts)| ts.map(|ts| (ts, i))).min();
        let Some((_, i)) = next else {
            return Ok(None);
        };
        self.advance = Some(i);
        self.last_file = i;
        let frame = self.files[i].current();
        if let Some(f) = &frame {
            count(&mut self.tallies[i], f);
        }
        Ok(frame)
    }

    fn bytes_read(&self) -> u64 {
        self.files.iter().map(|f| f.bytes_read()).sum()
    }
}

fn count(tally: &mut FileTally, f: &Frame<'_>) {
    tally.packets += 1;
    tally.bytes += f.wire_len();
    tally.first_ts = Some(tally.first_ts.map_or(f.ts, |t| t.min(f.ts)));
    tally.last_ts = Some(tally.last_ts.map_or(f.ts, |t| t.max(f.ts)));
}
