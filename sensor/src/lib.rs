//! gapwatch's sensor: capture sources, zero-copy decode, the observation
//! tables that turn packets into facts, and the SQLite record.
//!
//! ```text
//! capture ──► decode ──► observe ──► detect (gapwatch-rules) ──► record
//! ```
//! [`pipeline::Pipeline`] wires the stages; [`replay`] drives it over
//! capture files.

pub mod app;
pub mod capture;
pub mod decode;
pub mod observe;
pub mod oui;
pub mod pipeline;
mod prefetch;
pub mod record;
pub mod replay;
