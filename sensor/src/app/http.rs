//! HTTP/1.x requests: the method and the `Host` header of a request's first
//! segment, read in place.
//!
//! Only the head that arrived in one segment is read: a connectivity probe
//! or an update check sends a short request, and a request whose head is
//! split is simply not recognised (counted as malformed when its line never
//! ends).

/// Methods a request may start with (RFC 9110 and WebDAV's common ones).
const METHODS: [&[u8]; 9] = [
    b"GET ",
    b"HEAD ",
    b"POST ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"CONNECT ",
    b"PATCH ",
    b"PROPFIND ",
];

/// Why a request could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The request line or a header line has no line end in the segment.
    NoLineEnd,
    /// The request line is not `METHOD target HTTP/1.x`.
    BadRequestLine,
}

/// A request's head, as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method, e.g. `GET`.
    pub method: &'a [u8],
    /// The request target, e.g. `/connecttest.txt`.
    pub target: &'a [u8],
    /// The `Host` header's value without the port, if present.
    pub host: Option<&'a [u8]>,
    /// The `User-Agent` header's value, if present.
    pub user_agent: Option<&'a [u8]>,
}

/// True when `payload` begins like an HTTP request (a known method and a
/// space): the cheap test made on every segment before parsing.
pub fn looks_like_request(payload: &[u8]) -> bool {
    METHODS.iter().any(|m| payload.starts_with(m))
}

/// Reads the head of a request at the start of `payload`.
pub fn parse_request(payload: &[u8]) -> Result<Request<'_>, HttpError> {
    let mut lines = Lines { rest: payload };
    let line = lines.next().ok_or(HttpError::NoLineEnd)??;
    let mut parts = line.splitn(3, |&b| b == b' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(HttpError::BadRequestLine);
    };
    if !version.starts_with(b"HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(HttpError::BadRequestLine);
    }
    let (mut host, mut user_agent) = (None, None);
    for line in lines {
        let Ok(line) = line else {
            // The head continues past this segment: what was read stands.
            break;
        };
        if line.is_empty() {
            break;
        }
        if let Some(value) = header_value(line, b"host") {
            host = Some(strip_port(value));
        } else if let Some(value) = header_value(line, b"user-agent") {
            user_agent = Some(value);
        }
    }
    Ok(Request { method, target, host, user_agent })
}

/// The value of `line` if it is the header `name` (case-insensitive).
fn header_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    let (key, value) = line.split_at(colon);
    key.eq_ignore_ascii_case(name).then(|| value[1..].trim_ascii())
}

/// `host:port` → `host`; `[v6]:port` → `v6`.
fn strip_port(host: &[u8]) -> &[u8] {
    if let Some(inner) = host.strip_prefix(b"[") {
        return inner.split(|&b| b == b']').next().unwrap_or(inner);
    }
    match host.iter().rposition(|&b| b == b':') {
        Some(colon) => &host[..colon],
        None => host,
    }
}

/// Lines ending in CRLF (or a bare LF); a last line without an end is an
/// error.
struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = Result<&'a [u8], HttpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let Some(lf) = self.rest.iter().position(|&b| b == b'\n') else {
            self.rest = &[];
            return Some(Err(HttpError::NoLineEnd));
        };
        let line = &self.rest[..lf];
        self.rest = &self.rest[lf + 1..];
        Some(Ok(line.strip_suffix(b"\r").unwrap_or(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NCSI: &[u8] =
        b"GET /connecttest.txt HTTP/1.1\r\nConnection: Close\r\nUser-Agent: Microsoft NCSI\r\nHost: www.msftconnecttest.com\r\n\r\n";

    #[test]
    fn reads_method_target_and_host() {
        assert!(looks_like_request(NCSI));
        let r = parse_request(NCSI).unwrap();
        assert_eq!(r.method, b"GET");
        assert_eq!(r.target, b"/connecttest.txt");
        assert_eq!(r.host, Some(&b"www.msftconnecttest.com"[..]));
        assert_eq!(r.user_agent, Some(&b"Microsoft NCSI"[..]));
    }

    #[test]
    fn host_loses_its_port_and_any_case() {
        let r = parse_request(b"HEAD / HTTP/1.0\nhOsT:  example.org:8080 \n\n").unwrap();
        assert_eq!(r.host, Some(&b"example.org"[..]));
        let r = parse_request(b"GET / HTTP/1.1\r\nHost: [2001:db8::1]:80\r\n\r\n").unwrap();
        assert_eq!(r.host, Some(&b"2001:db8::1"[..]));
    }

    #[test]
    fn a_head_split_across_segments_keeps_what_arrived() {
        let r = parse_request(b"GET / HTTP/1.1\r\nHost: a.example\r\nUser-Ag").unwrap();
        assert_eq!(r.host, Some(&b"a.example"[..]));
        let r = parse_request(b"GET / HTTP/1.1\r\nUser-Agent: x\r\nHo").unwrap();
        assert_eq!(r.host, None);
    }

    #[test]
    fn lines_without_ends_and_bad_request_lines_are_errors() {
        assert_eq!(parse_request(b"GET / HTTP/1.1"), Err(HttpError::NoLineEnd));
        assert_eq!(parse_request(b""), Err(HttpError::NoLineEnd));
        assert_eq!(parse_request(b"GET /\r\n\r\n"), Err(HttpError::BadRequestLine));
        assert_eq!(parse_request(b"GET / SMB/2\r\n\r\n"), Err(HttpError::BadRequestLine));
    }

    #[test]
    fn every_prefix_reads_as_far_as_it_goes() {
        let first_line_end = NCSI.iter().position(|&b| b == b'\n').unwrap();
        let host_line = b"Host: www.msftconnecttest.com\r\n";
        for len in 0..NCSI.len() {
            let prefix = &NCSI[..len];
            let result = parse_request(prefix);
            if len <= first_line_end {
                assert_eq!(result, Err(HttpError::NoLineEnd), "prefix {len}");
                continue;
            }
            let has_host = prefix.windows(host_line.len()).any(|w| w == host_line);
            let host = result.expect("request line complete").host;
            assert_eq!(host.is_some(), has_host, "prefix {len}");
        }
        assert!(!looks_like_request(b"\xfeSMB"));
        assert!(!looks_like_request(b"GETX"));
    }
}
