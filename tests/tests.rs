//! End-to-end tests: the real `gapwatch` binary replays captures into a
//! database and the listings are compared with what each scenario expects.

mod util;

mod audit;
mod bad_input;
mod dashboard;
mod policy;
mod public_captures;
mod runs;
mod scenarios;
