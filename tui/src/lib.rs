//! The security officer's dashboard (保密员值守界面): a ratatui view over
//! gapwatch's database.
//!
//! It only reads: its own read-only connection, refreshed every second,
//! while the sensor writes through WAL undisturbed. The one thing it
//! writes is an acknowledgement — the officer's note, through
//! [`gapwatch_sensor::record::audit`], into the hash-chained action log.
//!
//! - [`store`]: the queries, one per pane, paged and indexed;
//! - [`app`]: the state and what each key does;
//! - [`view`]: fetching a frame's data and drawing it;
//! - [`terminal`]: the terminal and the event loop.

pub mod app;
pub mod store;
pub mod terminal;
pub mod view;

pub use app::App;
pub use store::Store;
pub use terminal::{Options, run};
