//! SSDP messages (UPnP Device Architecture 2.0 §1, UDP 1900): the kind of
//! message and the headers that name a device — what it runs (`SERVER`,
//! `USER-AGENT`), what it is (`NT`, `ST`) and where its description lies.
//!
//! SSDP is HTTP over UDP: a start line and headers, each line ending in
//! CRLF (a bare LF is taken too). A message is one datagram, so there is
//! no later segment to wait for; still, a datagram cut inside its headers
//! (by a snap length, say) keeps the headers read before the cut, as long
//! as the start line is whole, because those headers are as true as in a
//! whole message. Header names are matched without regard to case, and a
//! header sent twice keeps its first value.

/// Why a datagram could not be read as SSDP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsdpError {
    /// The start line has no line end in the datagram.
    NoLineEnd,
    /// The start line is not a NOTIFY, an M-SEARCH or a 200 response.
    NotSsdp,
}

/// What a message is, from its start line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `NOTIFY * HTTP/1.1`: a device announcing itself (or leaving).
    Notify,
    /// `M-SEARCH * HTTP/1.1`: a control point looking for devices.
    Search,
    /// `HTTP/1.1 200 OK`: a device answering a search.
    Response,
}

/// An SSDP message's kind and headers, as captured; each value is trimmed
/// of surrounding whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ssdp<'a> {
    /// What the message is.
    pub kind: Kind,
    /// `SERVER`: the OS, UPnP version and product of a device.
    pub server: Option<&'a [u8]>,
    /// `USER-AGENT`: the same for a control point (UDA 2.0 searches).
    pub user_agent: Option<&'a [u8]>,
    /// `NT`: the notification type a NOTIFY announces.
    pub nt: Option<&'a [u8]>,
    /// `ST`: the search target of a search, or what a response answers.
    pub st: Option<&'a [u8]>,
    /// `USN`: the unique service name (`uuid:…::type`).
    pub usn: Option<&'a [u8]>,
    /// `LOCATION`: the URL of the device description.
    pub location: Option<&'a [u8]>,
}

impl<'a> Ssdp<'a> {
    /// The UPnP device type a device states it is, such as
    /// `urn:schemas-upnp-org:device:MediaRenderer:1`: the `NT` of a NOTIFY
    /// or the `ST` of a response, when it is a `urn:…:device:…`. A
    /// search's `ST` is what the searcher wants, not what it is, so a
    /// search has none.
    pub fn device_type(&self) -> Option<&'a [u8]> {
        let value = match self.kind {
            Kind::Notify => self.nt?,
            Kind::Response => self.st?,
            Kind::Search => return None,
        };
        let is_urn = value.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"urn:"));
        let names_device = value.windows(8).any(|w| w.eq_ignore_ascii_case(b":device:"));
        (is_urn && names_device).then_some(value)
    }
}

/// Reads the SSDP message in `payload`.
pub fn parse(payload: &[u8]) -> Result<Ssdp<'_>, SsdpError> {
    let mut lines = Lines { rest: payload };
    let start = lines.next().ok_or(SsdpError::NoLineEnd)?.ok_or(SsdpError::NoLineEnd)?;
    let kind = start_line_kind(start.trim_ascii_end()).ok_or(SsdpError::NotSsdp)?;
    let mut ssdp = Ssdp {
        kind,
        server: None,
        user_agent: None,
        nt: None,
        st: None,
        usn: None,
        location: None,
    };
    for line in lines {
        // A line without its end is the datagram cut short: what was read
        // stands (see the module doc).
        let Some(line) = line else { break };
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            // Neither a header nor the end of them; a lenient reader skips
            // it, as devices send the odd folded or broken line.
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        let slot = match name.trim_ascii() {
            n if n.eq_ignore_ascii_case(b"server") => &mut ssdp.server,
            n if n.eq_ignore_ascii_case(b"user-agent") => &mut ssdp.user_agent,
            n if n.eq_ignore_ascii_case(b"nt") => &mut ssdp.nt,
            n if n.eq_ignore_ascii_case(b"st") => &mut ssdp.st,
            n if n.eq_ignore_ascii_case(b"usn") => &mut ssdp.usn,
            n if n.eq_ignore_ascii_case(b"location") => &mut ssdp.location,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    Ok(ssdp)
}

/// The kind of message a start line opens, if it is one SSDP uses.
fn start_line_kind(line: &[u8]) -> Option<Kind> {
    if let Some(version) = line.strip_prefix(b"NOTIFY * ") {
        return is_http1(version).then_some(Kind::Notify);
    }
    if let Some(version) = line.strip_prefix(b"M-SEARCH * ") {
        return is_http1(version).then_some(Kind::Search);
    }
    // `HTTP/1.1 200 OK`; the reason phrase is free text, so only the code
    // is read.
    let mut parts = line.splitn(3, |&b| b == b' ');
    let (version, status) = (parts.next()?, parts.next()?);
    (is_http1(version) && status == b"200").then_some(Kind::Response)
}

fn is_http1(version: &[u8]) -> bool {
    version == b"HTTP/1.1" || version == b"HTTP/1.0"
}

/// Lines ending in CRLF or a bare LF, without their ends; a last line with
/// no end yields `None` once, then the iteration ends.
struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = Option<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let Some(lf) = self.rest.iter().position(|&b| b == b'\n') else {
            self.rest = &[];
            return Some(None);
        };
        let line = &self.rest[..lf];
        self.rest = &self.rest[lf + 1..];
        Some(Some(line.strip_suffix(b"\r").unwrap_or(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chrome looking for DIAL receivers: ndpi__ssdp-m-search-ua.pcap
    /// frame 1 (UDP payload).
    const CHROME_SEARCH: &[u8] = b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\
MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: urn:dial-multiscreen-org:service:dial:1\r\n\
USER-AGENT: Google Chrome/99.0.4844.74 Mac OS X\r\n\r\n";

    /// An Android phone's search: ndpi__android.pcap frame 46 (UDP
    /// payload), which ends in a NUL after the empty line.
    const ANDROID_SEARCH: &[u8] = b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\
MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: urn:dial-multiscreen-org:service:dial:1\r\n\r\n\0";

    /// A Linux media renderer's announcement (built by hand, in the shape
    /// GUPnP-based renderers send; no capture of one is at hand).
    const LINUX_NOTIFY: &[u8] = b"NOTIFY * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n\
Cache-Control: max-age=1800\r\nLocation: http://192.168.1.20:49152/description.xml\r\n\
Server: Linux/5.10 UPnP/1.0 GUPnP/1.6.3\r\nNTS: ssdp:alive\r\n\
NT: urn:schemas-upnp-org:device:MediaRenderer:1\r\n\
USN: uuid:4d696e69-444c-164e-9d41-b827eb000001::\
urn:schemas-upnp-org:device:MediaRenderer:1\r\n\r\n";

    /// Windows Media Player answering a search for media renderers (built
    /// by hand in the shape of Windows' UPnP Device Host).
    const WINDOWS_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age = 900\r\n\
EXT:\r\nLOCATION: http://192.168.1.30:2869/upnphost/udhisapi.dll?content=uuid:5e8a\r\n\
SERVER: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n\
ST: urn:schemas-upnp-org:device:MediaRenderer:1\r\n\
USN: uuid:5e8a::urn:schemas-upnp-org:device:MediaRenderer:1\r\n\r\n";

    #[test]
    fn reads_a_real_search_with_a_user_agent() {
        let s = parse(CHROME_SEARCH).unwrap();
        assert_eq!(s.kind, Kind::Search);
        assert_eq!(s.user_agent, Some(&b"Google Chrome/99.0.4844.74 Mac OS X"[..]));
        assert_eq!(s.st, Some(&b"urn:dial-multiscreen-org:service:dial:1"[..]));
        assert_eq!((s.server, s.nt, s.usn, s.location), (None, None, None, None));
        assert_eq!(s.device_type(), None);
        let s = parse(ANDROID_SEARCH).unwrap();
        assert_eq!((s.kind, s.user_agent), (Kind::Search, None));
    }

    #[test]
    fn reads_a_notify_and_its_device_type() {
        let s = parse(LINUX_NOTIFY).unwrap();
        assert_eq!(s.kind, Kind::Notify);
        assert_eq!(s.server, Some(&b"Linux/5.10 UPnP/1.0 GUPnP/1.6.3"[..]));
        assert_eq!(s.location, Some(&b"http://192.168.1.20:49152/description.xml"[..]));
        let renderer = &b"urn:schemas-upnp-org:device:MediaRenderer:1"[..];
        assert_eq!(s.nt, Some(renderer));
        assert_eq!(s.device_type(), Some(renderer));
        assert!(s.usn.unwrap().starts_with(b"uuid:4d696e69"));
    }

    #[test]
    fn reads_a_response_and_its_device_type() {
        let s = parse(WINDOWS_RESPONSE).unwrap();
        assert_eq!(s.kind, Kind::Response);
        assert_eq!(s.server, Some(&b"Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0"[..]));
        assert_eq!(s.device_type(), Some(&b"urn:schemas-upnp-org:device:MediaRenderer:1"[..]));
        // A location whose URL holds a colon keeps all of it.
        assert!(s.location.unwrap().ends_with(b"udhisapi.dll?content=uuid:5e8a"));
    }

    #[test]
    fn only_device_urns_are_device_types() {
        let notify = |nt: &str| format!("NOTIFY * HTTP/1.1\r\nNT: {nt}\r\n\r\n");
        for nt in ["upnp:rootdevice", "uuid:1234", "urn:schemas-upnp-org:service:AVTransport:1"] {
            assert_eq!(parse(notify(nt).as_bytes()).unwrap().device_type(), None, "{nt}");
        }
        let vendor = notify("URN:dial-multiscreen-org:Device:dial:1");
        assert!(parse(vendor.as_bytes()).unwrap().device_type().is_some());
        let response = b"HTTP/1.1 200 OK\r\nNT: urn:a:device:b:1\r\n\r\n";
        assert_eq!(parse(response).unwrap().device_type(), None, "a response's NT is not read");
    }

    #[test]
    fn header_names_match_in_any_case_and_the_first_wins() {
        let s = parse(
            b"NOTIFY * HTTP/1.1\nsErVeR:  a/1 \nUser-Agent:b\nnt : urn:x:device:y:1\nSERVER: c\n\n",
        )
        .unwrap();
        assert_eq!(s.server, Some(&b"a/1"[..]));
        assert_eq!(s.user_agent, Some(&b"b"[..]));
        assert_eq!(s.device_type(), Some(&b"urn:x:device:y:1"[..]));
    }

    #[test]
    fn lines_after_the_end_of_the_headers_are_not_read() {
        let s = parse(b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\nUSER-AGENT: x\r\n").unwrap();
        assert_eq!(s.user_agent, None);
        // A line that is no header is skipped.
        let s = parse(b"M-SEARCH * HTTP/1.1\r\n garbage\r\nST: ssdp:all\r\n").unwrap();
        assert_eq!(s.st, Some(&b"ssdp:all"[..]));
    }

    #[test]
    fn a_missing_start_line_end_or_an_unknown_start_line_is_an_error() {
        assert_eq!(parse(b"NOTIFY * HTTP/1.1"), Err(SsdpError::NoLineEnd));
        assert_eq!(parse(b""), Err(SsdpError::NoLineEnd));
        for garbage in [
            &b"GET / HTTP/1.1\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\n\r\n",
            b"NOTIFY * SIP/2.0\r\n",
            b"M-SEARCH / HTTP/1.1\r\n",
            b"\r\n",
            b"\x00\x01\xff\xfe\n",
        ] {
            assert_eq!(parse(garbage), Err(SsdpError::NotSsdp), "{garbage:?}");
        }
        assert_eq!(parse(b"HTTP/1.0 200\r\n").unwrap().kind, Kind::Response);
    }

    #[test]
    fn every_prefix_reads_as_far_as_it_goes() {
        let first_line_end = LINUX_NOTIFY.iter().position(|&b| b == b'\n').unwrap();
        let server_line = b"Server: Linux/5.10 UPnP/1.0 GUPnP/1.6.3\r\n";
        for len in 0..LINUX_NOTIFY.len() {
            let prefix = &LINUX_NOTIFY[..len];
            let result = parse(prefix);
            if len <= first_line_end {
                assert_eq!(result, Err(SsdpError::NoLineEnd), "prefix {len}");
                continue;
            }
            let has_server = prefix.windows(server_line.len()).any(|w| w == server_line);
            let server = result.expect("start line complete").server;
            assert_eq!(server.is_some(), has_server, "prefix {len}");
        }
    }
}
