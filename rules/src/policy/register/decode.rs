//! From the bytes of a CSV file to text: UTF-8 (with or without the
//! byte-order mark Excel writes for "CSV UTF-8") or GB18030, the superset of
//! GBK that Excel and WPS on Chinese Windows save a plain "CSV" in.

use std::fmt;

use encoding_rs::GB18030;

/// The encoding a register was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030 (and so GBK and GB2312, which it contains).
    Gb18030,
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Gb18030 => "GB18030/GBK",
        })
    }
}

/// Why the bytes are not text in a supported encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum DecodeProblem {
    /// UTF-16 (Excel's "Unicode text"), told by its byte-order mark.
    Utf16,
    /// Neither UTF-8 nor GB18030: the 1-based lines that fail to decode.
    Undecodable(Vec<usize>),
    /// Mostly UTF-8 with some lines that are not: a damaged UTF-8 file (or
    /// two files pasted together), which decoding as GB18030 would turn into
    /// garbled text without an error. The lines that are not UTF-8.
    MixedUtf8(Vec<usize>),
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Decodes `bytes`: valid UTF-8 is UTF-8, anything else GB18030 unless the
/// file is evidently damaged UTF-8.
pub(super) fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), DecodeProblem> {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return Err(DecodeProblem::Utf16);
    }
    let (body, bom) = match bytes.strip_prefix(UTF8_BOM) {
        Some(body) => (body, true),
        None => (bytes, false),
    };
    if let Ok(text) = std::str::from_utf8(body) {
        let encoding = if bom { TextEncoding::Utf8Bom } else { TextEncoding::Utf8 };
        return Ok((text.to_owned(), encoding));
    }
    // Lines are split on the byte 0x0A, which never occurs inside a UTF-8
    // or GB18030 multi-byte character, so each line decodes on its own.
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let not_utf8 = lines_where(&lines, |line| std::str::from_utf8(line).is_err());
    let wide_utf8 =
        lines.iter().filter(|line| !line.is_ascii() && std::str::from_utf8(line).is_ok()).count();
    // A BOM says UTF-8; so do more lines of non-ASCII UTF-8 than lines that
    // are not UTF-8 (a GBK line is valid UTF-8 only by rare accident).
    if bom || wide_utf8 > not_utf8.len() {
        return Err(DecodeProblem::MixedUtf8(not_utf8));
    }
    let bad = lines_where(&lines, |line| {
        GB18030.decode_without_bom_handling_and_without_replacement(line).is_none()
    });
    if !bad.is_empty() {
        return Err(DecodeProblem::Undecodable(bad));
    }
    let (text, _) = GB18030.decode_without_bom_handling(body);
    Ok((text.into_owned(), TextEncoding::Gb18030))
}

/// The 1-based numbers of the lines for which `bad` holds.
fn lines_where(lines: &[&[u8]], bad: impl Fn(&[u8]) -> bool) -> Vec<usize> {
    lines.iter().enumerate().filter(|(_, line)| bad(line)).map(|(i, _)| i + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let text = "MAC地址,角色\n00:1b:21:aa:bb:01,扫描仪\n";
        assert_eq!(decode(text.as_bytes()), Ok((text.to_owned(), TextEncoding::Utf8)));
        let with_bom = [UTF8_BOM, text.as_bytes()].concat();
        assert_eq!(decode(&with_bom), Ok((text.to_owned(), TextEncoding::Utf8Bom)));
    }

    #[test]
    fn gbk_is_read_as_gb18030() {
        let text = "MAC地址,设备名称,角色\r\n00:1b:21:aa:bb:01,扫描工位-01,扫描仪\r\n";
        let bytes = gbk(text);
        assert!(std::str::from_utf8(&bytes).is_err(), "the test needs bytes that are not UTF-8");
        assert_eq!(decode(&bytes), Ok((text.to_owned(), TextEncoding::Gb18030)));
    }

    #[test]
    fn broken_bytes_name_their_lines() {
        let mut bytes = gbk("MAC地址,角色\n00:1b:21:aa:bb:01,扫描仪\n");
        // 0xFF never starts a GB18030 character; 0x81 0x20 is a lead byte
        // followed by a space.
        bytes.extend_from_slice(b"00:1b:21:aa:bb:02,\xff\n00:1b:21:aa:bb:03,\x81 x\n");
        assert_eq!(decode(&bytes), Err(DecodeProblem::Undecodable(vec![3, 4])));
    }

    #[test]
    fn damaged_utf8_is_not_mistaken_for_gbk() {
        let mut bytes = "MAC地址,角色\n00:1b:21:aa:bb:01,扫描仪\n00:1b:21:aa:bb:02,打印机\n"
            .as_bytes()
            .to_vec();
        // A UTF-8 character cut short on line 4 (the first byte of 扫).
        bytes.extend_from_slice(b"00:1b:21:aa:bb:03,\xe6\n");
        assert_eq!(decode(&bytes), Err(DecodeProblem::MixedUtf8(vec![4])));
        let with_bom = [UTF8_BOM, b"MAC,role\n\xe6\n"].concat();
        assert_eq!(decode(&with_bom), Err(DecodeProblem::MixedUtf8(vec![2])));
    }

    #[test]
    fn utf16_is_told_apart() {
        assert_eq!(decode(b"\xff\xfeM\0A\0C\0"), Err(DecodeProblem::Utf16));
    }
}
