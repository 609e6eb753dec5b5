//! TLS ClientHello: the server name (SNI), the application protocols
//! (ALPN) and the JA3 and JA4 fingerprints of the client, read in place.
//!
//! Only a ClientHello whole in one segment is read (clients send it in the
//! first one, nearly always); a record that says it continues past the
//! segment is reported as split, one whose lengths contradict each other as
//! malformed. GREASE values (RFC 8701) are left out of both fingerprints,
//! as their definitions say.

use std::fmt::Write as _;

use md5::{Digest as _, Md5};
use sha2::Sha256;

/// Why a ClientHello could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsError {
    /// The record continues past this segment.
    Split,
    /// A length runs past its container, or the message is not a
    /// ClientHello.
    Malformed,
}

/// What a ClientHello says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello<'a> {
    /// The server name asked for, if sent.
    pub server_name: Option<&'a [u8]>,
    /// The first application protocol offered (`h2`, `http/1.1`), if any.
    pub alpn: Option<&'a [u8]>,
    /// The JA3 fingerprint (MD5 of the JA3 string, hex).
    pub ja3: String,
    /// The JA4 fingerprint (`t13d1516h2_8daaf6152771_e5627efa2ab1`).
    pub ja4: String,
}

/// True when `payload` starts like a TLS handshake record carrying a
/// ClientHello: the cheap test made on every segment.
pub fn looks_like_client_hello(payload: &[u8]) -> bool {
    payload.len() > 5 && payload[0] == 0x16 && payload[1] == 3 && payload[5] == 1
}

/// A cursor over a byte slice that never reads past it.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TlsError> {
        if n > self.0.len() {
            return Err(TlsError::Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, TlsError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, TlsError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// A vector with a one- or two-byte length in front.
    fn vec8(&mut self) -> Result<&'a [u8], TlsError> {
        let n = usize::from(self.u8()?);
        self.take(n)
    }

    fn vec16(&mut self) -> Result<&'a [u8], TlsError> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }
}

/// GREASE values: 0x0a0a, 0x1a1a, … 0xfafa.
fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

/// Two-byte values of `data`, GREASE left out.
fn values(data: &[u8]) -> Vec<u16> {
    data.chunks_exact(2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .filter(|&v| !is_grease(v))
        .collect()
}

/// Reads the ClientHello at the start of `payload`.
pub fn client_hello(payload: &[u8]) -> Result<ClientHello<'_>, TlsError> {
    if !looks_like_client_hello(payload) {
        return Err(TlsError::Malformed);
    }
    let record_len = usize::from(u16::from_be_bytes([payload[3], payload[4]]));
    let Some(record) = payload.get(5..5 + record_len) else {
        return Err(TlsError::Split);
    };
    let mut r = Reader(record);
    r.u8()?; // handshake type, ClientHello
    let len = r.take(3)?;
    let hello_len = usize::from(len[0]) << 16 | usize::from(len[1]) << 8 | usize::from(len[2]);
    let body = r.take(hello_len).map_err(|_| {
        // A ClientHello longer than its record continues in the next one.
        if hello_len < 1 << 14 { TlsError::Split } else { TlsError::Malformed }
    })?;
    let mut r = Reader(body);
    let legacy_version = r.u16()?;
    r.take(32)?; // random
    r.vec8()?; // session id
    let ciphers = values(r.vec16()?);
    r.vec8()?; // compression methods
    let mut extensions = Vec::new();
    let (mut server_name, mut alpn, mut alpn_all) = (None, None, None);
    let (mut groups, mut formats, mut sig_algs, mut versions) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    if !r.0.is_empty() {
        let mut ext = Reader(r.vec16()?);
        while !ext.0.is_empty() {
            let kind = ext.u16()?;
            let data = ext.vec16()?;
            if !is_grease(kind) {
                extensions.push(kind);
            }
            let mut d = Reader(data);
            match kind {
                0 => {
                    let mut list = Reader(d.vec16()?);
                    if list.u8()? == 0 {
                        server_name = Some(list.vec16()?);
                    }
                }
                10 => groups = values(d.vec16()?),
                11 => formats = d.vec8()?.to_vec(),
                13 => sig_algs = values(d.vec16()?),
                16 => {
                    let list = d.vec16()?;
                    alpn_all = Some(list);
                    alpn = Reader(list).vec8().ok();
                }
                43 => versions = values(d.vec8()?),
                _ => {}
            }
        }
    }
    let ja3 = ja3(legacy_version, &ciphers, &extensions, &groups, &formats);
    let version = versions.iter().copied().max().unwrap_or(legacy_version);
    let ja4 = ja4(version, server_name.is_some(), &ciphers, &extensions, alpn_all, &sig_algs);
    Ok(ClientHello { server_name, alpn, ja3, ja4 })
}

fn joined(values: &[u16]) -> String {
    values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("-")
}

fn ja3(version: u16, ciphers: &[u16], exts: &[u16], groups: &[u16], formats: &[u8]) -> String {
    let formats: Vec<u16> = formats.iter().map(|&f| u16::from(f)).collect();
    let text = format!(
        "{version},{},{},{},{}",
        joined(ciphers),
        joined(exts),
        joined(groups),
        joined(&formats)
    );
    hex(&Md5::digest(text.as_bytes()))
}

fn ja4(
    version: u16,
    sni: bool,
    ciphers: &[u16],
    exts: &[u16],
    alpn: Option<&[u8]>,
    sig_algs: &[u16],
) -> String {
    let v = match version {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        _ => "00",
    };
    // ALPN: the first and last character of the first protocol.
    let first = alpn.and_then(|list| Reader(list).vec8().ok()).filter(|p| !p.is_empty());
    let alpn = match first {
        Some(p) if p[0].is_ascii_alphanumeric() && p[p.len() - 1].is_ascii_alphanumeric() => {
            format!("{}{}", char::from(p[0]), char::from(p[p.len() - 1]))
        }
        Some(_) => "99".to_owned(),
        None => "00".to_owned(),
    };
    let mut sorted_ciphers = ciphers.to_vec();
    sorted_ciphers.sort_unstable();
    let mut sorted_exts: Vec<u16> = exts.iter().copied().filter(|&e| e != 0 && e != 16).collect();
    sorted_exts.sort_unstable();
    let list = |v: &[u16]| v.iter().map(|x| format!("{x:04x}")).collect::<Vec<_>>().join(",");
    let cipher_hash = truncated_sha256(&list(&sorted_ciphers));
    let mut ext_text = list(&sorted_exts);
    if !sig_algs.is_empty() {
        let _ = write!(ext_text, "_{}", list(sig_algs));
    }
    let ext_hash = truncated_sha256(&ext_text);
    format!(
        "t{v}{}{:02}{:02}{alpn}_{cipher_hash}_{ext_hash}",
        if sni { 'd' } else { 'i' },
        ciphers.len().min(99),
        exts.len().min(99),
    )
}

/// The first 12 hex digits of the SHA-256 of `text` (`000000000000` for
/// nothing, as JA4 writes it).
fn truncated_sha256(text: &str) -> String {
    if text.is_empty() {
        return "000000000000".to_owned();
    }
    hex(&Sha256::digest(text.as_bytes()))[..12].to_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello: TLS 1.2 legacy version, a GREASE cipher and two
    /// real ones, extensions SNI "example.com", supported groups (with
    /// GREASE), EC point formats, signature algorithms, ALPN h2/http1.1,
    /// supported versions 1.3/1.2.
    fn hello() -> Vec<u8> {
        let mut ext = Vec::new();
        let mut put = |kind: u16, data: &[u8]| {
            ext.extend_from_slice(&kind.to_be_bytes());
            ext.extend_from_slice(&(data.len() as u16).to_be_bytes());
            ext.extend_from_slice(data);
        };
        put(
            0,
            &[0, 14, 0, 0, 11, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.', b'c', b'o', b'm'],
        );
        put(10, &[0, 6, 0x2a, 0x2a, 0, 0x1d, 0, 0x17]);
        put(11, &[1, 0]);
        put(13, &[0, 4, 4, 3, 8, 4]);
        put(16, &[0, 12, 2, b'h', b'2', 8, b'h', b't', b't', b'p', b'/', b'1', b'.', b'1']);
        put(43, &[4, 3, 4, 3, 3]);
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&[0, 6, 0x0a, 0x0a, 0x13, 0x01, 0xc0, 0x2f]);
        body.extend_from_slice(&[1, 0]);
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut hs = vec![1, 0, (body.len() >> 8) as u8, body.len() as u8];
        hs.extend_from_slice(&body);
        let mut rec = vec![0x16, 3, 1, (hs.len() >> 8) as u8, hs.len() as u8];
        rec.extend_from_slice(&hs);
        rec
    }

    #[test]
    fn reads_name_protocols_and_fingerprints() {
        let bytes = hello();
        let h = client_hello(&bytes).unwrap();
        assert_eq!(h.server_name, Some(&b"example.com"[..]));
        assert_eq!(h.alpn, Some(&b"h2"[..]));
        // JA3 string "771,4865-49199,0-10-11-13-16-43,29-23,0".
        let expected = hex(&Md5::digest(b"771,4865-49199,0-10-11-13-16-43,29-23,0"));
        assert_eq!(h.ja3, expected);
        assert!(h.ja4.starts_with("t13d0206h2_"), "{}", h.ja4);
        assert_eq!(h.ja4.len(), "t13d0206h2_".len() + 12 + 1 + 12);
    }

    #[test]
    fn split_and_absurd_records_are_told_apart() {
        let bytes = hello();
        assert_eq!(client_hello(&bytes[..bytes.len() - 1]), Err(TlsError::Split));
        let mut absurd = bytes.clone();
        absurd[6] = 0xff; // handshake length beyond any record
        assert_eq!(client_hello(&absurd), Err(TlsError::Malformed));
        let mut overrun = bytes.clone();
        let at = 5 + 4 + 2 + 32 + 1;
        overrun[at + 1] = 0xf0; // cipher list longer than the hello
        assert_eq!(client_hello(&overrun), Err(TlsError::Malformed));
        for len in 0..bytes.len() {
            assert!(client_hello(&bytes[..len]).is_err(), "prefix {len}");
        }
    }

    #[test]
    fn grease_is_recognised() {
        assert!(is_grease(0x0a0a) && is_grease(0xfafa) && is_grease(0x2a2a));
        assert!(!is_grease(0x0a1a) && !is_grease(0x1301));
    }
}
