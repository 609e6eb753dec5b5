//! Application-layer parsers: small zero-copy views over the payloads that
//! carry what a device asks for and what it is told — DNS questions, HTTP
//! request heads, DHCP server messages — and over the link-layer
//! discovery messages (LLDP, CDP, spanning tree) network gear sends.
//!
//! Each reads in place from the payload [`crate::decode`] found,
//! never past its slice, and refuses what does not parse with an error the
//! observer counts. Nothing here allocates but a SYN's signature, once per
//! new connection.

pub mod browser;
pub mod cdp;
pub mod dhcp;
pub mod dhcpv6;
pub mod dns;
pub mod http;
pub mod lldp;
pub mod ssdp;
pub mod stp;
pub mod tcp_syn;
pub mod tls;
pub mod tunnel;
