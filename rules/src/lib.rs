//! gapwatch detection: the site policy, the facts the observer hands over,
//! the alert catalog and one small module per detector.
//!
//! Everything here is pure: no I/O below [`policy::Policy::load`], no clock
//! (time is [`time::Timestamp`] taken from packets), no globals. Given the
//! same facts and policy, the same alerts come out, in the same order.

pub mod alert;
pub mod classify;
pub mod clause;
pub mod detect;
pub mod engine;
pub mod fact;
pub mod lang;
pub mod net;
pub mod p0f;
pub mod policy;
pub mod probe;
pub mod stack;
pub mod time;

pub use alert::{Alert, AlertKind, Evidence, Finding, Severity, Subject};
pub use engine::{AlertUpdate, Engine};
pub use fact::Fact;
pub use lang::Lang;
pub use net::MacAddr;
pub use policy::Policy;
pub use time::Timestamp;
