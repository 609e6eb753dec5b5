//! DNS messages (RFC 1035): a zero-copy view of the header and the first
//! question, as far as gapwatch needs them — which name a device asked for.
//!
//! The same wire format carries mDNS and LLMNR; the caller decides by port
//! what the message is. Names are read into a caller's fixed buffer
//! ([`Name`]), so reading one allocates nothing. Compression pointers are
//! followed only backwards, which makes every loop impossible, and a name
//! longer than 255 bytes is an error, as RFC 1035 sets.

use std::fmt;

/// Length of the fixed header.
pub const HEADER_LEN: usize = 12;
/// Longest name on the wire (RFC 1035 §2.3.4), with its length octets.
const MAX_NAME_LEN: usize = 255;
/// Compression pointers followed in one name: a crafted message could
/// chain one every two bytes, and every record would walk the chain.
const MAX_JUMPS: usize = 32;

/// Why a message could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsError {
    /// Shorter than the header, or a field runs past the end.
    Truncated,
    /// A label type that is neither a length nor a pointer (0x40, 0x80).
    BadLabel,
    /// A compression pointer that does not point backwards.
    BadPointer,
    /// A name longer than 255 bytes.
    NameTooLong,
    /// The header promises no question.
    NoQuestion,
}

/// A DNS message, as captured.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    bytes: &'a [u8],
}

impl<'a> Message<'a> {
    /// A view of `bytes`, if they hold at least a header.
    pub fn new_checked(bytes: &'a [u8]) -> Result<Message<'a>, DnsError> {
        if bytes.len() < HEADER_LEN {
            return Err(DnsError::Truncated);
        }
        Ok(Message { bytes })
    }

    /// The transaction id.
    pub fn id(&self) -> u16 {
        self.u16_at(0)
    }

    /// True for a response (QR set), false for a query.
    pub fn is_response(&self) -> bool {
        self.bytes[2] & 0x80 != 0
    }

    /// The operation: 0 for a standard query.
    pub fn opcode(&self) -> u8 {
        (self.bytes[2] >> 3) & 0x0f
    }

    /// Number of questions the header promises.
    pub fn question_count(&self) -> u16 {
        self.u16_at(4)
    }

    /// Reads the first question's name into `name`; returns its type.
    pub fn first_question(&self, name: &mut Name) -> Result<u16, DnsError> {
        if self.question_count() == 0 {
            return Err(DnsError::NoQuestion);
        }
        let end = read_name(self.bytes, HEADER_LEN, name)?;
        let qtype = self.bytes.get(end..end + 2).ok_or(DnsError::Truncated)?;
        // The class follows the type; a question without it is cut short.
        if self.bytes.len() < end + 4 {
            return Err(DnsError::Truncated);
        }
        Ok(u16::from_be_bytes([qtype[0], qtype[1]]))
    }

    /// Number of records in the answer, authority and additional sections.
    pub fn record_count(&self) -> usize {
        usize::from(self.u16_at(6)) + usize::from(self.u16_at(8)) + usize::from(self.u16_at(10))
    }

    /// Calls `each` with every resource record after the questions (its
    /// owner name in `name`), until the records end or one does not parse.
    pub fn for_each_record(
        &self,
        name: &mut Name,
        mut each: impl FnMut(&Name, Record<'a>),
    ) -> Result<(), DnsError> {
        let mut at = HEADER_LEN;
        for _ in 0..self.question_count() {
            at = read_name(self.bytes, at, name)? + 4;
        }
        for _ in 0..self.record_count() {
            at = read_name(self.bytes, at, name)?;
            let fixed = self.bytes.get(at..at + 10).ok_or(DnsError::Truncated)?;
            let rtype = u16::from_be_bytes([fixed[0], fixed[1]]);
            let len = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
            let start = at + 10;
            self.bytes.get(start..start + len).ok_or(DnsError::Truncated)?;
            each(name, Record { message: self.bytes, rtype, rdata: start..start + len });
            at = start + len;
        }
        Ok(())
    }

    fn u16_at(&self, at: usize) -> u16 {
        u16::from_be_bytes([self.bytes[at], self.bytes[at + 1]])
    }
}

/// Record type A.
pub const TYPE_A: u16 = 1;
/// Record type PTR.
pub const TYPE_PTR: u16 = 12;
/// Record type AAAA.
pub const TYPE_AAAA: u16 = 28;
/// Record type SRV.
pub const TYPE_SRV: u16 = 33;

/// One resource record: its type and where its data lies in the message
/// (names in the data may point anywhere before them).
#[derive(Clone, Debug)]
pub struct Record<'a> {
    message: &'a [u8],
    /// The record type.
    pub rtype: u16,
    rdata: std::ops::Range<usize>,
}

impl<'a> Record<'a> {
    /// The record's data.
    pub fn data(&self) -> &'a [u8] {
        &self.message[self.rdata.clone()]
    }

    /// The name a PTR record points to, or an SRV record's target.
    pub fn target(&self, name: &mut Name) -> Result<(), DnsError> {
        let at = match self.rtype {
            TYPE_PTR => self.rdata.start,
            TYPE_SRV => self.rdata.start + 6,
            _ => return Err(DnsError::BadLabel),
        };
        if at >= self.rdata.end {
            return Err(DnsError::Truncated);
        }
        read_name(self.message, at, name).map(|_| ())
    }
}

/// A name as read from the wire: labels joined by dots, in the case sent
/// (a device's own name keeps its spelling; compare with
/// `eq_ignore_ascii_case`), UTF-8 labels as they are, a control byte, a
/// dot inside a label or a byte of a label that is not UTF-8 shown as `?`.
/// The root is the empty name.
#[derive(Clone)]
pub struct Name {
    bytes: [u8; MAX_NAME_LEN],
    len: usize,
}

impl Default for Name {
    fn default() -> Name {
        Name { bytes: [0; MAX_NAME_LEN], len: 0 }
    }
}

impl Name {
    /// The name, without a trailing dot.
    pub fn as_str(&self) -> &str {
        // Only printable ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }

    fn push_label(&mut self, label: &[u8]) -> Result<(), DnsError> {
        let dot = usize::from(self.len > 0);
        if self.len + dot + label.len() > MAX_NAME_LEN {
            return Err(DnsError::NameTooLong);
        }
        if dot == 1 {
            self.bytes[self.len] = b'.';
            self.len += 1;
        }
        // A label that is UTF-8 (mDNS names such as 张三的iPhone are) keeps
        // its characters; in any other, bytes beyond ASCII become `?`. So
        // the name is always valid UTF-8, copied without allocating.
        let utf8 = std::str::from_utf8(label).is_ok();
        for &b in label {
            self.bytes[self.len] = match b {
                b'.' => b'?',
                0x20..=0x7e => b,
                0x80.. if utf8 => b,
                _ => b'?',
            };
            self.len += 1;
        }
        Ok(())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Reads the name starting at `at` in `message` into `name`; returns where
/// the name ends in the original position (after its first pointer, if it
/// has one).
pub fn read_name(message: &[u8], mut at: usize, name: &mut Name) -> Result<usize, DnsError> {
    name.len = 0;
    let mut end = None;
    // Every pointer must go to an earlier offset than the one before it,
    // so following them always ends.
    let mut lowest_jump = at;
    let mut wire_len = 0usize;
    let mut jumps = 0;
    loop {
        let &len = message.get(at).ok_or(DnsError::Truncated)?;
        match len & 0xc0 {
            0x00 if len == 0 => return Ok(end.unwrap_or(at + 1)),
            0x00 => {
                let label =
                    message.get(at + 1..at + 1 + usize::from(len)).ok_or(DnsError::Truncated)?;
                wire_len += 1 + label.len();
                if wire_len >= MAX_NAME_LEN {
                    return Err(DnsError::NameTooLong);
                }
                name.push_label(label)?;
                at += 1 + label.len();
            }
            0xc0 => {
                let low = *message.get(at + 1).ok_or(DnsError::Truncated)?;
                let target = usize::from(u16::from_be_bytes([len & 0x3f, low]));
                jumps += 1;
                if target >= lowest_jump || jumps > MAX_JUMPS {
                    return Err(DnsError::BadPointer);
                }
                end.get_or_insert(at + 2);
                lowest_jump = target;
                at = target;
            }
            _ => return Err(DnsError::BadLabel),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query for `www.Example.com` type A, id 0x1234.
    const QUERY: [u8; 33] = [
        0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        3, b'w', b'w', b'w', 7, b'E', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0,
        0x00, 0x01, 0x00, 0x01,
    ];

    fn question(bytes: &[u8]) -> Result<(String, u16), DnsError> {
        let message = Message::new_checked(bytes)?;
        let mut name = Name::default();
        let qtype = message.first_question(&mut name)?;
        Ok((name.as_str().to_owned(), qtype))
    }

    #[test]
    fn reads_a_query() {
        let m = Message::new_checked(&QUERY).unwrap();
        assert_eq!(m.id(), 0x1234);
        assert!(!m.is_response());
        assert_eq!(m.opcode(), 0);
        assert_eq!(m.question_count(), 1);
        assert_eq!(question(&QUERY), Ok(("www.Example.com".to_owned(), 1)));
    }

    #[test]
    fn reads_a_response_flag() {
        let mut response = QUERY;
        response[2] = 0x81;
        assert!(Message::new_checked(&response).unwrap().is_response());
    }

    #[test]
    fn every_prefix_is_an_error_not_a_panic() {
        for len in 0..QUERY.len() {
            assert!(question(&QUERY[..len]).is_err(), "prefix {len}");
        }
    }

    #[test]
    fn follows_a_backward_pointer() {
        // A second name "mail" + pointer to "example.com" at offset 16.
        let mut bytes = QUERY.to_vec();
        let second = bytes.len();
        bytes.extend_from_slice(&[4, b'm', b'a', b'i', b'l', 0xc0, 16]);
        let mut name = Name::default();
        assert_eq!(read_name(&bytes, second, &mut name), Ok(second + 7));
        assert_eq!(name.as_str(), "mail.Example.com");
    }

    #[test]
    fn pointer_loops_and_forward_pointers_are_refused() {
        let mut header = QUERY[..HEADER_LEN].to_vec();
        header.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(question(&header), Err(DnsError::BadPointer), "points at itself");
        let mut header = QUERY[..HEADER_LEN].to_vec();
        header.extend_from_slice(&[0xc0, 40, 0, 1, 0, 1]);
        assert_eq!(question(&header), Err(DnsError::BadPointer), "points past the end");
        // Two pointers pointing at each other: the second goes forward.
        let mut bytes = QUERY[..HEADER_LEN].to_vec();
        bytes.extend_from_slice(&[1, b'a', 0xc0, 16, 0xc0, 14]);
        let mut name = Name::default();
        assert_eq!(read_name(&bytes, 16, &mut name), Err(DnsError::BadPointer));
    }

    #[test]
    fn a_long_chain_of_pointers_is_cut_short() {
        // 40 pointers, each to the one before it, ending at the root.
        let mut bytes = QUERY[..HEADER_LEN].to_vec();
        bytes.push(0);
        for i in 0..40u8 {
            let before = if i == 0 { HEADER_LEN as u8 } else { HEADER_LEN as u8 + 1 + 2 * (i - 1) };
            bytes.extend_from_slice(&[0xc0, before]);
        }
        let mut name = Name::default();
        let last = bytes.len() - 2;
        assert_eq!(read_name(&bytes, last, &mut name), Err(DnsError::BadPointer));
        assert_eq!(
            read_name(&bytes, HEADER_LEN + 1 + 2 * 5, &mut name),
            Ok(HEADER_LEN + 1 + 2 * 6)
        );
    }

    #[test]
    fn names_longer_than_255_bytes_are_refused() {
        let mut bytes = QUERY[..HEADER_LEN].to_vec();
        for _ in 0..5 {
            bytes.push(63);
            bytes.extend_from_slice(&[b'a'; 63]);
        }
        bytes.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(question(&bytes), Err(DnsError::NameTooLong));
    }

    #[test]
    fn reserved_label_types_are_refused() {
        let mut bytes = QUERY[..HEADER_LEN].to_vec();
        bytes.extend_from_slice(&[0x41, b'a', 0, 0, 1, 0, 1]);
        assert_eq!(question(&bytes), Err(DnsError::BadLabel));
    }

    #[test]
    fn utf8_labels_and_spaces_are_kept() {
        let label = "张三的 iPhone".as_bytes();
        let mut bytes = QUERY[..HEADER_LEN].to_vec();
        bytes.push(label.len() as u8);
        bytes.extend_from_slice(label);
        bytes.extend_from_slice(&[5, b'l', b'o', b'c', b'a', b'l', 0, 0, 1, 0, 1]);
        assert_eq!(question(&bytes), Ok(("张三的 iPhone.local".to_owned(), 1)));
        // Half a character is not UTF-8: its bytes are masked, the rest kept.
        let mut bytes = QUERY[..HEADER_LEN].to_vec();
        bytes.extend_from_slice(&[4, 0xe5, 0xbc, b'a', 0x07, 0, 0, 1, 0, 1]);
        assert_eq!(question(&bytes), Ok(("??a?".to_owned(), 1)));
    }

    #[test]
    fn unprintable_bytes_and_dots_in_labels_are_masked() {
        let mut bytes = QUERY[..HEADER_LEN].to_vec();
        bytes.extend_from_slice(&[3, b'a', b'.', 0xff, 0, 0, 1, 0, 1]);
        assert_eq!(question(&bytes), Ok(("a??".to_owned(), 1)));
    }

    #[test]
    fn no_question_is_an_error() {
        let mut bytes = QUERY;
        bytes[5] = 0;
        assert_eq!(question(&bytes), Err(DnsError::NoQuestion));
    }
}

#[cfg(test)]
mod record_tests {
    use super::*;

    /// An mDNS response: no question, an A record for `iPhone.local`, a
    /// PTR `_airplay._tcp.local` → `Kitchen._airplay._tcp.local` whose
    /// suffix is a pointer, and an SRV whose target points at the A name.
    fn response() -> Vec<u8> {
        let mut m = vec![0, 0, 0x84, 0, 0, 0, 0, 3, 0, 0, 0, 0];
        // 12: iPhone.local A
        m.extend_from_slice(&[
            6, b'i', b'P', b'h', b'o', b'n', b'e', 5, b'l', b'o', b'c', b'a', b'l', 0,
        ]);
        m.extend_from_slice(&[0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 20, 1, 201]);
        // 40: _airplay._tcp.local PTR Kitchen.<40>
        let owner = m.len();
        m.extend_from_slice(&[
            8, b'_', b'a', b'i', b'r', b'p', b'l', b'a', b'y', 4, b'_', b't', b'c', b'p', 0xc0, 19,
        ]);
        m.extend_from_slice(&[0, 12, 0, 1, 0, 0, 0, 120, 0, 10]);
        m.extend_from_slice(&[7, b'K', b'i', b't', b'c', b'h', b'e', b'n', 0xc0, owner as u8]);
        // SRV: priority, weight, port, target = <12>
        m.extend_from_slice(&[
            0xc0, 12, 0, 33, 0, 1, 0, 0, 0, 120, 0, 8, 0, 0, 0, 0, 0x1b, 0x58, 0xc0, 12,
        ]);
        m
    }

    #[test]
    fn records_are_walked_with_their_names_and_targets() {
        let bytes = response();
        let m = Message::new_checked(&bytes).unwrap();
        let mut seen = Vec::new();
        let mut name = Name::default();
        m.for_each_record(&mut name, |owner, record| {
            let mut target = Name::default();
            let to = record.target(&mut target).map(|_| target.as_str().to_owned()).ok();
            seen.push((owner.as_str().to_owned(), record.rtype, to));
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                ("iPhone.local".to_owned(), TYPE_A, None),
                (
                    "_airplay._tcp.local".to_owned(),
                    TYPE_PTR,
                    Some("Kitchen._airplay._tcp.local".to_owned())
                ),
                ("iPhone.local".to_owned(), TYPE_SRV, Some("iPhone.local".to_owned())),
            ]
        );
    }

    #[test]
    fn a_cut_record_stops_the_walk_with_an_error() {
        let bytes = response();
        for len in HEADER_LEN..bytes.len() {
            let m = Message::new_checked(&bytes[..len]).unwrap();
            let mut name = Name::default();
            assert!(m.for_each_record(&mut name, |_, _| {}).is_err(), "cut at {len}");
        }
    }
}
