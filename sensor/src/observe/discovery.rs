//! What network gear says about itself on the link: LLDP and CDP names,
//! models and capabilities, spanning-tree bridge ids. Each becomes a clue
//! of the sending MAC, once.
//!
//! The capabilities are what matter most: a router or a WLAN access point
//! announcing itself is a route out or a wireless bridge, and the rules
//! read the capability clue as such.

use gapwatch_rules::fact::ClueKind;
use gapwatch_rules::{Fact, MacAddr, Timestamp};

use std::fmt::Write;

use super::clues::{Clues, Text};
use crate::app::{cdp, lldp, stp};
use crate::decode::{DecodeError, Discovery};

/// Reads one discovery message `mac` sent; one that does not parse is
/// returned as the reason to count.
pub fn observe(
    clues: &mut Clues,
    mac: MacAddr,
    proto: Discovery,
    payload: &[u8],
    ts: Timestamp,
    facts: &mut Vec<Fact>,
) -> Option<DecodeError> {
    let mut note = |kind, value: &[u8]| clues.note(mac, kind, value, ts, facts);
    let mut names = [0u8; 64];
    match proto {
        Discovery::Lldp => {
            for tlv in lldp::tlvs(payload) {
                let Ok((kind, value)) = tlv else {
                    return Some(DecodeError::DiscoveryMalformed);
                };
                match kind {
                    lldp::tlv::SYSTEM_NAME => note(ClueKind::LldpSystemName, value),
                    lldp::tlv::SYSTEM_DESCRIPTION => {
                        note(ClueKind::LldpDescription, first_line(value))
                    }
                    lldp::tlv::SYSTEM_CAPABILITIES => {
                        if let Some(bits) = lldp::enabled_capabilities(value) {
                            let text = lldp::capability_names(bits, &mut names);
                            note(ClueKind::LldpCapabilities, text.as_bytes());
                        }
                    }
                    _ => {}
                }
            }
        }
        Discovery::Cdp => {
            let Ok(tlvs) = cdp::tlvs(payload) else {
                return Some(DecodeError::DiscoveryMalformed);
            };
            for tlv in tlvs {
                let Ok((kind, value)) = tlv else {
                    return Some(DecodeError::DiscoveryMalformed);
                };
                match kind {
                    cdp::tlv::DEVICE_ID => note(ClueKind::CdpDeviceId, value),
                    cdp::tlv::PLATFORM => note(ClueKind::CdpPlatform, value),
                    cdp::tlv::SOFTWARE_VERSION => note(ClueKind::CdpSoftware, first_line(value)),
                    cdp::tlv::CAPABILITIES => {
                        if let Some(bits) = cdp::capabilities(value) {
                            let text = lldp::capability_names(bits, &mut names);
                            note(ClueKind::CdpCapabilities, text.as_bytes());
                        }
                    }
                    _ => {}
                }
            }
        }
        Discovery::Stp => match stp::parse(payload) {
            Ok(bpdu) => {
                // Formatted in place: BPDUs come every two seconds.
                let mut id = Text::new();
                let _ = write!(id, "{}", bpdu.bridge);
                note(ClueKind::StpBridgeId, id.as_bytes());
            }
            Err(stp::StpError::NoBridgeId) => {}
            Err(stp::StpError::Malformed) => return Some(DecodeError::DiscoveryMalformed),
        },
    }
    None
}

/// Up to the first line end: the model and version line of a
/// multi-line description.
fn first_line(text: &[u8]) -> &[u8] {
    let end = text.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(text.len());
    &text[..end]
}
