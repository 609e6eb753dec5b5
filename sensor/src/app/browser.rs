//! Browser host announcements (MS-BRWS) on the NetBIOS datagram service
//! (UDP 138, RFC 1002 §4.4): the name, OS version, server type bits and
//! comment a Windows or Samba host broadcasts every few minutes.
//!
//! An announcement sits four layers deep, and each is walked by its own
//! lengths: the datagram header and its two encoded NetBIOS names, an SMB
//! Transaction request writing to the `\MAILSLOT\BROWSE` mailslot, and
//! the browser frame its data offset points to. The datagram length is
//! checked against the payload first, so an error tells a datagram cut
//! short in capture ([`BrowserError::Truncated`]) from one whose fields
//! contradict each other ([`BrowserError::Malformed`]); what is simply
//! something else on the port has its own variants, which a caller skips
//! without counting them as malformed.

/// Length of the datagram header, up to the source name.
const DGM_HEADER_LEN: usize = 14;
/// Longest encoded NetBIOS name, scope included (RFC 1002 §4.1).
const MAX_NAME_LEN: usize = 255;
/// Length of the first label of an encoded name: 16 bytes, each split in
/// two letters (first-level encoding, RFC 1001 §14.1).
const ENCODED_NAME_LEN: usize = 32;
/// The SMB1 protocol id at the start of the SMB header.
const SMB_MAGIC: &[u8] = b"\xffSMB";
/// Length of the SMB1 header, before the word count.
const SMB_HEADER_LEN: usize = 32;
/// SMB_COM_TRANSACTION, which carries mailslot writes.
const SMB_COM_TRANSACTION: u8 = 0x25;
/// Flags2 bit: strings are UTF-16.
const FLAGS2_UNICODE: u16 = 0x8000;
/// Parameter words of a Transaction request before its setup words.
const TRANS_WORDS: usize = 14;
/// The mailslot browser frames are written to.
const BROWSE_MAILSLOT: &[u8] = b"\\MAILSLOT\\BROWSE";
/// Fixed fields of a host announcement, before the comment.
const ANNOUNCEMENT_LEN: usize = 32;

/// Browser frame opcodes (MS-BRWS §2.2).
pub mod opcode {
    /// HostAnnouncement: a host announcing itself.
    pub const HOST_ANNOUNCEMENT: u8 = 1;
    /// DomainAnnouncement: a master browser announcing its domain (not
    /// read: its name field holds the domain, not a host).
    pub const DOMAIN_ANNOUNCEMENT: u8 = 12;
    /// LocalMasterAnnouncement: a local master browser announcing itself.
    pub const LOCAL_MASTER_ANNOUNCEMENT: u8 = 15;
}

/// Server type bits (MS-RAP §5.1.1, SV_TYPE_*).
pub mod server_type {
    /// A workstation.
    pub const WORKSTATION: u32 = 0x1;
    /// A server (it shares files).
    pub const SERVER: u32 = 0x2;
    /// A primary domain controller.
    pub const DOMAIN_CTRL: u32 = 0x8;
    /// A backup domain controller.
    pub const DOMAIN_BAKCTRL: u32 = 0x10;
    /// A print queue server.
    pub const PRINTQ_SERVER: u32 = 0x200;
    /// A Xenix or Unix server: Samba sets it.
    pub const SERVER_UNIX: u32 = 0x800;
    /// Windows NT or a later Windows.
    pub const NT: u32 = 0x1000;
    /// A Windows NT server edition (also set by Samba).
    pub const SERVER_NT: u32 = 0x8000;
    /// The local master browser.
    pub const MASTER_BROWSER: u32 = 0x40000;
}

/// Why a datagram could not be read as a host announcement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserError {
    /// The payload ends before the datagram header or before the length
    /// the header gives: cut short in capture.
    Truncated,
    /// Not a datagram carrying user data (type 0x10–0x12): an error or a
    /// query of the datagram service.
    NotDatagram,
    /// A field contradicts the datagram's length or another field: a name
    /// running past the datagram, a data offset past its end.
    Malformed,
    /// The user data is not an SMB1 message.
    NotSmb,
    /// An SMB message, but no write to `\MAILSLOT\BROWSE`: another
    /// command, another mailslot, or a mailslot name in UTF-16 (which
    /// neither Windows nor Samba sends).
    NotBrowse,
    /// A browser frame that is no host or local master announcement, or a
    /// later fragment of a datagram, which cannot be read alone.
    NotAnnouncement,
}

/// A host or local master announcement, as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Announcement<'a> {
    /// [`opcode::HOST_ANNOUNCEMENT`] or
    /// [`opcode::LOCAL_MASTER_ANNOUNCEMENT`].
    pub opcode: u8,
    /// The host's NetBIOS name, without its padding.
    pub server_name: &'a [u8],
    /// OS major version: 10 for Windows 10 and 11, 6 for Windows
    /// 7/8, what `announce version` says for Samba (4 by default).
    pub os_major: u8,
    /// OS minor version.
    pub os_minor: u8,
    /// The SV_TYPE_* bits (see [`server_type`]).
    pub server_type: u32,
    /// The host's comment (its server string), if not empty.
    pub comment: Option<&'a [u8]>,
}

impl Announcement<'_> {
    /// True when the workstation bit is set.
    pub fn is_workstation(&self) -> bool {
        self.server_type & server_type::WORKSTATION != 0
    }

    /// True when the server bit is set: the host shares files.
    pub fn is_server(&self) -> bool {
        self.server_type & server_type::SERVER != 0
    }

    /// True for a primary or backup domain controller.
    pub fn is_domain_controller(&self) -> bool {
        self.server_type & (server_type::DOMAIN_CTRL | server_type::DOMAIN_BAKCTRL) != 0
    }

    /// True when the host shares a print queue.
    pub fn is_print_server(&self) -> bool {
        self.server_type & server_type::PRINTQ_SERVER != 0
    }

    /// True for Windows NT and every later Windows (and Samba).
    pub fn is_nt(&self) -> bool {
        self.server_type & server_type::NT != 0
    }

    /// True for a Windows server edition (and Samba).
    pub fn is_nt_server(&self) -> bool {
        self.server_type & server_type::SERVER_NT != 0
    }

    /// True for a Unix server: Samba, whatever OS version it announces.
    pub fn is_unix(&self) -> bool {
        self.server_type & server_type::SERVER_UNIX != 0
    }

    /// True for the local master browser.
    pub fn is_master_browser(&self) -> bool {
        self.server_type & server_type::MASTER_BROWSER != 0
    }
}

fn le16(bytes: &[u8], at: usize) -> Option<usize> {
    bytes.get(at..at + 2).map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
}

/// Reads the announcement in a NetBIOS datagram `payload`.
pub fn parse(payload: &[u8]) -> Result<Announcement<'_>, BrowserError> {
    let header = payload.get(..DGM_HEADER_LEN).ok_or(BrowserError::Truncated)?;
    if !matches!(header[0], 0x10..=0x12) {
        return Err(BrowserError::NotDatagram);
    }
    // A later fragment's data does not start with the SMB header.
    if header[12..14] != [0, 0] {
        return Err(BrowserError::NotAnnouncement);
    }
    let dgm_len = usize::from(u16::from_be_bytes([header[10], header[11]]));
    // Bytes past the datagram length are not the datagram's: ignored.
    let datagram =
        payload.get(DGM_HEADER_LEN..DGM_HEADER_LEN + dgm_len).ok_or(BrowserError::Truncated)?;
    let destination = skip_name(datagram, 0)?;
    let smb = &datagram[skip_name(datagram, destination)?..];
    mailslot_data(smb).and_then(announcement)
}

/// Where the encoded name starting at `at` ends: after its first label of
/// 32 letters and any scope labels, at the byte after the root label.
fn skip_name(datagram: &[u8], start: usize) -> Result<usize, BrowserError> {
    if datagram.get(start).map(|&len| usize::from(len)) != Some(ENCODED_NAME_LEN) {
        return Err(BrowserError::Malformed);
    }
    let mut at = start;
    loop {
        let len = usize::from(*datagram.get(at).ok_or(BrowserError::Malformed)?);
        // Compression pointers and reserved label types have no place in
        // a datagram's names.
        if len > 63 || at + 1 + len - start > MAX_NAME_LEN {
            return Err(BrowserError::Malformed);
        }
        at += 1 + len;
        if len == 0 {
            return Ok(at);
        }
    }
}

/// The transaction data of an SMB message writing to the browse mailslot.
fn mailslot_data(smb: &[u8]) -> Result<&[u8], BrowserError> {
    if !smb.starts_with(SMB_MAGIC) {
        return Err(BrowserError::NotSmb);
    }
    let header = smb.get(..=SMB_HEADER_LEN).ok_or(BrowserError::Malformed)?;
    let flags2 = u16::from_le_bytes([header[10], header[11]]);
    if header[4] != SMB_COM_TRANSACTION || flags2 & FLAGS2_UNICODE != 0 {
        return Err(BrowserError::NotBrowse);
    }
    // Word count, words, byte count, bytes (the mailslot name first).
    let word_count = usize::from(header[SMB_HEADER_LEN]);
    let words = smb
        .get(SMB_HEADER_LEN + 1..SMB_HEADER_LEN + 1 + 2 * word_count)
        .ok_or(BrowserError::Malformed)?;
    if word_count < TRANS_WORDS || word_count != TRANS_WORDS + usize::from(words[26]) {
        return Err(BrowserError::Malformed);
    }
    let (data_count, data_offset) = (le16(words, 22), le16(words, 24));
    let bytes_at = SMB_HEADER_LEN + 1 + words.len() + 2;
    let byte_count = le16(smb, bytes_at - 2).ok_or(BrowserError::Malformed)?;
    let bytes = smb.get(bytes_at..bytes_at + byte_count).ok_or(BrowserError::Malformed)?;
    let name_len = bytes.iter().position(|&b| b == 0).ok_or(BrowserError::Malformed)?;
    if !bytes[..name_len].eq_ignore_ascii_case(BROWSE_MAILSLOT) {
        return Err(BrowserError::NotBrowse);
    }
    // The data offset counts from the SMB header; data that would overlap
    // the name is as wrong as data past the end.
    let (count, offset) = data_count.zip(data_offset).ok_or(BrowserError::Malformed)?;
    if offset <= bytes_at + name_len {
        return Err(BrowserError::Malformed);
    }
    smb.get(offset..offset + count).ok_or(BrowserError::Malformed)
}

/// Reads a browser frame, if it is a host or local master announcement.
fn announcement(frame: &[u8]) -> Result<Announcement<'_>, BrowserError> {
    let opcode = *frame.first().ok_or(BrowserError::Malformed)?;
    if opcode != opcode::HOST_ANNOUNCEMENT && opcode != opcode::LOCAL_MASTER_ANNOUNCEMENT {
        return Err(BrowserError::NotAnnouncement);
    }
    // Opcode, update count, 4-byte periodicity, then the fields below.
    let fixed = frame.get(..ANNOUNCEMENT_LEN).ok_or(BrowserError::Malformed)?;
    let name = &fixed[6..22];
    let name = name.split(|&b| b == 0).next().unwrap_or(name).trim_ascii_end();
    let comment = &frame[ANNOUNCEMENT_LEN..];
    let comment = comment.split(|&b| b == 0).next().filter(|c| !c.is_empty());
    Ok(Announcement {
        opcode,
        server_name: name,
        os_major: fixed[22],
        os_minor: fixed[23],
        server_type: u32::from_le_bytes([fixed[24], fixed[25], fixed[26], fixed[27]]),
        comment,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// NVR9's host announcement: ndpi__netbios.pcap frame 20 (UDP
    /// payload). Windows 7 (6.1), type 0x00011007, empty comment.
    pub(crate) const NVR9: &str = "110ec2f40a000509008a00bb000020454f46474643444a434143414341434143414341\
        43414341434143414341434100204647454a4548454a454d4542454f46454650454846434550464646414341\
        424e00ff534d4225000000000000000000000000000000000000000000000000000000110000210000000000\
        00000000e803000000000000000021005600030001000000020032005c4d41494c534c4f545c42524f575345\
        00010080fc0a004e5652390000000000000000000000000601071001000f0155aa00";
    /// Where the browser frame starts in NVR9's datagram.
    const NVR9_FRAME_AT: usize = 168;

    /// A datagram in NVR9's shape (same header, names and transaction)
    /// carrying `frame` to `mailslot`, every length fitted to them.
    fn datagram(mailslot: &[u8], frame: &[u8]) -> Vec<u8> {
        let nvr9 = hex(NVR9);
        let mut d = nvr9[..DGM_HEADER_LEN + 68 + SMB_HEADER_LEN].to_vec();
        let at = d.len();
        d.extend_from_slice(&nvr9[at..at + 35]); // word count and words
        let data_offset = SMB_HEADER_LEN + 1 + 34 + 2 + mailslot.len() + 1;
        for (word, value) in [(1, frame.len()), (11, frame.len()), (12, data_offset)] {
            d[at + 1 + 2 * word..at + 3 + 2 * word].copy_from_slice(&(value as u16).to_le_bytes());
        }
        d.extend_from_slice(&((mailslot.len() + 1 + frame.len()) as u16).to_le_bytes());
        d.extend_from_slice(mailslot);
        d.push(0);
        d.extend_from_slice(frame);
        let dgm_len = (d.len() - DGM_HEADER_LEN) as u16;
        d[10..12].copy_from_slice(&dgm_len.to_be_bytes());
        d
    }

    /// A browser frame announcing `name` with the given OS and type.
    fn frame(op: u8, name: &[u8], os: (u8, u8), kind: u32, comment: &[u8]) -> Vec<u8> {
        let mut f = vec![op, 0, 0x80, 0xfc, 0x0a, 0x00];
        f.extend_from_slice(name);
        f.resize(22, 0);
        f.extend_from_slice(&[os.0, os.1]);
        f.extend_from_slice(&kind.to_le_bytes());
        f.extend_from_slice(&[15, 1, 0x55, 0xaa]);
        f.extend_from_slice(comment);
        f.push(0);
        f
    }

    fn error(bytes: &[u8]) -> Option<BrowserError> {
        parse(bytes).err()
    }

    #[test]
    fn reads_a_real_windows_7_announcement() {
        let nvr9 = hex(NVR9);
        let a = parse(&nvr9).unwrap();
        assert_eq!(a.opcode, opcode::HOST_ANNOUNCEMENT);
        assert_eq!(a.server_name, b"NVR9");
        assert_eq!((a.os_major, a.os_minor, a.server_type), (6, 1, 0x0001_1007));
        assert_eq!(a.comment, None);
        assert!(a.is_workstation() && a.is_server() && a.is_nt());
        assert!(!a.is_domain_controller() && !a.is_print_server() && !a.is_unix());
        // The test builder puts it back together byte for byte.
        assert_eq!(datagram(BROWSE_MAILSLOT, &nvr9[NVR9_FRAME_AT..]), nvr9);
    }

    #[test]
    fn reads_windows_10_and_samba_announcements() {
        let win10 = frame(1, b"DESKTOP-ABC", (10, 0), 0x0001_1003, b"");
        let win10 = datagram(BROWSE_MAILSLOT, &win10);
        let a = parse(&win10).unwrap();
        assert_eq!((a.server_name, a.os_major, a.os_minor), (&b"DESKTOP-ABC"[..], 10, 0));
        assert!(a.is_workstation() && a.is_server() && a.is_nt() && !a.is_nt_server());
        // Samba's default: announce version 4.9, a Unix NT server sharing
        // printers, the server string as comment; the name padded with
        // spaces, and a lower-case mailslot name.
        let samba = frame(15, b"FILESRV   ", (4, 9), 0x0084_9a03, b"Samba 4.9.5-Debian");
        let samba = datagram(b"\\mailslot\\browse", &samba);
        let a = parse(&samba).unwrap();
        assert_eq!(a.opcode, opcode::LOCAL_MASTER_ANNOUNCEMENT);
        assert_eq!((a.server_name, a.os_major, a.os_minor), (&b"FILESRV"[..], 4, 9));
        assert_eq!(a.comment, Some(&b"Samba 4.9.5-Debian"[..]));
        assert!(a.is_unix() && a.is_nt_server() && a.is_print_server() && a.is_master_browser());
        let dc = frame(1, b"DC1", (10, 0), 0x0001_100b, b"");
        let dc = datagram(BROWSE_MAILSLOT, &dc);
        assert!(parse(&dc).unwrap().is_domain_controller());
    }

    #[test]
    fn every_prefix_is_truncated_and_trailing_bytes_are_ignored() {
        let nvr9 = hex(NVR9);
        for len in 0..nvr9.len() {
            assert_eq!(parse(&nvr9[..len]), Err(BrowserError::Truncated), "prefix {len}");
        }
        let mut padded = nvr9.clone();
        padded.extend_from_slice(&[0xaa; 8]);
        assert_eq!(parse(&padded), parse(&nvr9));
    }

    #[test]
    fn other_traffic_on_the_port_is_told_apart() {
        let nvr9 = hex(NVR9);
        let other = |at: usize, value: u8| {
            let mut d = nvr9.clone();
            d[at] = value;
            error(&d)
        };
        assert_eq!(other(0, 0x14), Some(BrowserError::NotDatagram), "a query request");
        assert_eq!(other(13, 1), Some(BrowserError::NotAnnouncement), "a later fragment");
        assert_eq!(other(82, 0xfe), Some(BrowserError::NotSmb), "SMB2");
        assert_eq!(other(86, 0x2f), Some(BrowserError::NotBrowse), "not a transaction");
        assert_eq!(other(93, 0x80), Some(BrowserError::NotBrowse), "a UTF-16 name");
        assert_eq!(other(NVR9_FRAME_AT, 12), Some(BrowserError::NotAnnouncement), "domain");
        assert_eq!(other(NVR9_FRAME_AT, 9), Some(BrowserError::NotAnnouncement), "backup list");
        let lanman = datagram(b"\\MAILSLOT\\LANMAN", &nvr9[NVR9_FRAME_AT..]);
        assert_eq!(error(&lanman), Some(BrowserError::NotBrowse));
        let netlogon = datagram(b"\\MAILSLOT\\NET\\NETLOGON", &nvr9[NVR9_FRAME_AT..]);
        assert_eq!(error(&netlogon), Some(BrowserError::NotBrowse));
    }

    #[test]
    fn offsets_and_lengths_that_contradict_the_datagram_are_malformed() {
        let nvr9 = hex(NVR9);
        let data_offset_at = DGM_HEADER_LEN + 68 + SMB_HEADER_LEN + 1 + 24;
        let patched = |at: usize, bytes: &[u8]| {
            let mut d = nvr9.clone();
            d[at..at + bytes.len()].copy_from_slice(bytes);
            error(&d)
        };
        assert_eq!(patched(data_offset_at, &[0x57, 0]), Some(BrowserError::Malformed), "past end");
        assert_eq!(patched(data_offset_at, &[0xff, 0xff]), Some(BrowserError::Malformed));
        assert_eq!(patched(data_offset_at, &[0x40, 0]), Some(BrowserError::Malformed), "overlap");
        assert_eq!(patched(data_offset_at - 2, &[0x22, 0]), Some(BrowserError::Malformed));
        assert_eq!(patched(14, &[0x21]), Some(BrowserError::Malformed), "name label not 32");
        assert_eq!(patched(47, &[0xc0]), Some(BrowserError::Malformed), "pointer as scope");
        assert_eq!(patched(47, &[0x30]), Some(BrowserError::Malformed), "scope over the rest");
        assert_eq!(patched(82 + SMB_HEADER_LEN, &[12]), Some(BrowserError::Malformed), "words");
        let short = frame(1, b"X", (6, 1), 0, b"");
        assert_eq!(error(&datagram(BROWSE_MAILSLOT, &short[..20])), Some(BrowserError::Malformed));
        assert_eq!(error(&datagram(BROWSE_MAILSLOT, &[])), Some(BrowserError::Malformed));
    }

    #[test]
    fn fuzzed_datagrams_from_a_capture_are_refused() {
        // ndpi__fuzz-2006-06-26-2594.pcap: browser datagrams with bytes
        // mutated at random (UDP payloads, by frame number).
        let cases = [
            // a data offset (193) past the end of the SMB message
            (
                464,
                BrowserError::Malformed,
                "1102914dc0a80129008a00a0000020454d4542454344424442444243414341434143414341434143\
                414341434141410020464845504643454c4548464345504646464143414341434143414341434142\
                4e00ff534d4225000000000000000000000000000000000000000000000000000000110000060000\
                00000000000000e80300000000000000000600c100030001000100020017005c4d41494c534c4f54\
                5c42524f575345000904d8000000",
            ),
            // the source name ending in 0x10: a scope label, then a bad one
            (
                472,
                BrowserError::Malformed,
                "11029153c0a80129008a00a0000020454d4542454344424442444243414341434143414341434143\
                414341434141411020464845504643454c4548464345504646464143414341434143414341434142\
                4e00ff534d422500000000000000000000000000000000004c000000000000000000110000060000\
                40000000000000e803000000000000000006005600030001000100020017005c4d41494c534c4f54\
                5c42524f575345000904d800cf00",
            ),
            // a Windows XP announcement to `\MAILSLOT\BROWnE`
            (
                486,
                BrowserError::NotBrowse,
                "11024cd8c0a80129008a00bb000020854d4542454344424442444243414341434143414341434143\
                414341434143410020464845504643454c4548464345504646464143414341434143414341434142\
                4e00ff534d4225000000000000000000000000000000000000000000000000000000110000210000\
                00000000000000e803000000000046000021005600030001000000020032005c4d41494c534c4f54\
                5c42524f576e4500010080fc0a004c4142313131000000000000000000000501031000000f0155aa\
                00",
            ),
        ];
        for (frame, expected, payload) in cases {
            assert_eq!(error(&hex(payload)), Some(expected), "frame {frame}");
        }
        // Frame 34: all after the header overwritten with 0xaa; frame 661:
        // all of the SMB header after its first byte.
        let frame_34 = format!("110e84ecc0a80102008a00bb0000{}", "aa".repeat(187));
        assert_eq!(error(&hex(&frame_34)), Some(BrowserError::Malformed));
        let names = "2045454441444104434445444744464341434143414341434143414341434143410020\
            45464544454a465045454550454e4542454a454f43414341434143414341424e00";
        let frame_661 = format!("110e8564c0a80102008a00bb0000{names}ff{}", "aa".repeat(118));
        assert_eq!(error(&hex(&frame_661)), Some(BrowserError::NotSmb));
    }

    #[test]
    fn mutated_announcements_never_panic() {
        let nvr9 = hex(NVR9);
        for at in 0..nvr9.len() {
            for value in [0, 1, 0x20, 0x3f, 0x40, 0x80, 0xc0, 0xff] {
                let mut d = nvr9.clone();
                d[at] = value;
                let _ = parse(&d);
            }
        }
    }
}
