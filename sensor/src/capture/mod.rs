//! Capture sources: where frames come from (stage 1 of the pipeline).
//!
//! Every source — a pcap or pcapng file, several files merged by time, later
//! a live interface — yields [`Frame`]s: the packet time, the link type and
//! the captured bytes, borrowed from the source's buffer until the next call
//! (no copy, no allocation per frame).

mod ahead;
mod error;
mod file;
mod legacy;
mod link;
mod merge;

pub use error::{CaptureError, CaptureErrorKind};
pub use file::FileSource;
pub use link::LinkType;
pub use merge::{FileTally, MergedSource};

use gapwatch_rules::Timestamp;

/// One captured frame, borrowed from its source.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// Packet time.
    pub ts: Timestamp,
    /// How to read `data`.
    pub link: LinkType,
    /// The captured bytes (may be cut short by the snap length).
    pub data: &'a [u8],
    /// Length of the frame on the wire.
    pub orig_len: u32,
}

impl Frame<'_> {
    /// Bytes on the wire: the original length, never less than what was
    /// captured (some writers leave it 0).
    pub fn wire_len(&self) -> u64 {
        u64::from(self.orig_len).max(self.data.len() as u64)
    }

    /// True when the capture kept less than the wire carried.
    pub fn is_snapped(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.orig_len)
    }
}

/// A stream of frames in (roughly) packet-time order.
pub trait Source {
    /// The next frame, `Ok(None)` at the end. After an error the source is
    /// finished: every frame before it was delivered.
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError>;

    /// Bytes of input consumed so far (for progress).
    fn bytes_read(&self) -> u64;
}

#[cfg(test)]
mod tests;
