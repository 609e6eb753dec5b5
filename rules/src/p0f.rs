//! A p0f 3 fingerprint database (`p0f.fp`, as the Debian package installs
//! it in `/etc/p0f/`), read from a path the user gives, to name the stack
//! behind a SYN or SYN+ACK with p0f's labels beside gapwatch's own table.
//!
//! Only the `[tcp:request]` (SYN) and `[tcp:response]` (SYN+ACK) sections
//! are read; the MTU and HTTP sections, and `sys =` lines, are skipped.
//! A signature matches exactly as p0f 3's exact pass does (its fuzzy pass
//! is left out): IP version, initial TTL within 35 hops (or at least the
//! packet's for a `-` TTL), IP options length, MSS, window (a number,
//! `mss*N`, `mtu*N`, `%N` or `*`), window scale, option layout, quirks and
//! payload class.

use std::fmt;
use std::path::Path;

use crate::stack::TcpSignature;

/// Hops a SYN may have travelled from its initial TTL (p0f's `MAX_DIST`).
const MAX_DIST: u8 = 35;

/// A p0f database that could not be read.
#[derive(Debug)]
pub struct P0fError {
    /// The file.
    pub path: String,
    /// The line (1-based), 0 when the file itself could not be read.
    pub line: usize,
    /// What was wrong.
    pub what: String,
}

impl fmt::Display for P0fError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.what)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.what)
        }
    }
}

impl std::error::Error for P0fError {}

/// A window size pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Window {
    Any,
    Exact(u16),
    Mss(u16),
    Mtu(u16),
    Modulo(u16),
}

/// One `sig =` line, under its `label =`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Signature {
    label: usize,
    syn_ack: bool,
    version: Option<u8>,
    ttl: u8,
    bad_ttl: bool,
    options_len: u8,
    mss: Option<u16>,
    window: Window,
    scale: Option<u8>,
    layout: String,
    quirks: Vec<String>,
    payload: Option<bool>,
}

/// The signatures of a `p0f.fp`.
#[derive(Clone, Debug, Default)]
pub struct P0fDb {
    labels: Vec<String>,
    signatures: Vec<Signature>,
}

impl P0fDb {
    /// Reads the database at `path`.
    pub fn load(path: &Path) -> Result<P0fDb, P0fError> {
        let text = std::fs::read_to_string(path).map_err(|e| P0fError {
            path: path.display().to_string(),
            line: 0,
            what: format!("cannot read it ({e})"),
        })?;
        P0fDb::parse(&text, &path.display().to_string())
    }

    /// Reads a database from `text`; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<P0fDb, P0fError> {
        let mut db = P0fDb::default();
        let mut section = None;
        for (i, line) in text.lines().enumerate() {
            let err = |what: String| P0fError { path: path.to_owned(), line: i + 1, what };
            let line = line.trim();
            if line.is_empty() || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = match name {
                    "tcp:request" => Some(false),
                    "tcp:response" => Some(true),
                    _ => None,
                };
                continue;
            }
            let Some(syn_ack) = section else { continue };
            let Some((key, value)) = line.split_once('=') else {
                return Err(err(format!("expected `key = value`, found `{line}`")));
            };
            match key.trim() {
                "label" => db.labels.push(label_text(value.trim())),
                "sig" => {
                    let Some(label) = db.labels.len().checked_sub(1) else {
                        return Err(err("a `sig` before any `label`".into()));
                    };
                    let sig = signature(value.trim(), label, syn_ack).map_err(err)?;
                    db.signatures.push(sig);
                }
                _ => {}
            }
        }
        if db.signatures.is_empty() {
            return Err(P0fError {
                path: path.to_owned(),
                line: 0,
                what: "no [tcp:request] or [tcp:response] signature in it: is it a p0f.fp?".into(),
            });
        }
        Ok(db)
    }

    /// How many signatures were read.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// True when no signature was read (never, for a loaded database).
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// The label of the first signature `sig` matches (`Linux 3.11 and
    /// newer`); `syn_ack` says which section to look in.
    pub fn classify(&self, sig: &TcpSignature, syn_ack: bool) -> Option<&str> {
        let quirks: Vec<&str> = sig.quirks.split(',').filter(|q| !q.is_empty()).collect();
        self.signatures
            .iter()
            .find(|s| s.syn_ack == syn_ack && s.matches(sig, &quirks))
            .map(|s| self.labels[s.label].as_str())
    }
}

impl Signature {
    fn matches(&self, sig: &TcpSignature, quirks: &[&str]) -> bool {
        let ttl_ok = if self.bad_ttl {
            self.ttl >= sig.ttl
        } else {
            self.ttl >= sig.ttl && self.ttl - sig.ttl <= MAX_DIST
        };
        let window_ok = match self.window {
            Window::Any => true,
            Window::Exact(w) => sig.window == w,
            Window::Mss(n) => {
                sig.mss.is_some_and(|m| u32::from(sig.window) == u32::from(m) * u32::from(n))
            }
            Window::Mtu(n) => sig.mss.is_some_and(|m| {
                let mtu = u32::from(m) + if sig.ip_version == 6 { 60 } else { 40 };
                u32::from(sig.window) == mtu * u32::from(n)
            }),
            Window::Modulo(n) => n != 0 && sig.window.is_multiple_of(n),
        };
        self.version.is_none_or(|v| v == sig.ip_version)
            && ttl_ok
            && self.options_len == sig.ip_options_len
            && self.mss.is_none_or(|m| sig.mss == Some(m))
            && window_ok
            && self.scale.is_none_or(|s| sig.window_scale.unwrap_or(0) == s)
            && self.layout == sig.layout
            && self.quirks.len() == quirks.len()
            && self.quirks.iter().all(|q| quirks.contains(&q.as_str()))
            && self.payload.is_none_or(|p| p == sig.payload)
    }
}

/// `s:unix:Linux:3.11 and newer` → `Linux 3.11 and newer`.
fn label_text(label: &str) -> String {
    let mut parts = label.splitn(4, ':');
    let (_, _, name, flavor) = (parts.next(), parts.next(), parts.next(), parts.next());
    match (name, flavor) {
        (Some(name), Some(flavor)) if !flavor.is_empty() => format!("{name} {flavor}"),
        (Some(name), _) => name.to_owned(),
        _ => label.to_owned(),
    }
}

/// Reads `ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass`.
fn signature(text: &str, label: usize, syn_ack: bool) -> Result<Signature, String> {
    let fields: Vec<&str> = text.split(':').collect();
    let [version, ttl, options_len, mss, window, layout, quirks, payload] = fields[..] else {
        return Err(format!(
            "expected 8 fields `ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass`, found `{text}`"
        ));
    };
    let number = |field: &str, what: &str| -> Result<u16, String> {
        field.parse().map_err(|_| format!("expected {what}, found `{field}` in `{text}`"))
    };
    let any_or = |field: &str, what: &str| -> Result<Option<u16>, String> {
        if field == "*" { Ok(None) } else { number(field, what).map(Some) }
    };
    let small = |v: u16, what: &str| -> Result<u8, String> {
        u8::try_from(v).map_err(|_| format!("{what} {v} is out of range in `{text}`"))
    };
    let version = match version {
        "*" => None,
        "4" => Some(4),
        "6" => Some(6),
        other => return Err(format!("expected IP version 4, 6 or *, found `{other}`")),
    };
    let (ttl, bad_ttl) = match ttl.strip_suffix('-') {
        Some(t) => (t, true),
        None => (ttl.split('+').next().unwrap_or(ttl), false),
    };
    let ttl = small(number(ttl, "an initial TTL")?, "initial TTL")?;
    let options_len = small(number(options_len, "an IP options length")?, "IP options length")?;
    let mss = any_or(mss, "an MSS")?;
    let Some((size, scale)) = window.split_once(',') else {
        return Err(format!("expected `wsize,scale`, found `{window}`"));
    };
    let window = match size {
        "*" => Window::Any,
        s if s.starts_with("mss*") => Window::Mss(number(&s[4..], "a multiple of the MSS")?),
        s if s.starts_with("mtu*") => Window::Mtu(number(&s[4..], "a multiple of the MTU")?),
        s if s.starts_with('%') => Window::Modulo(number(&s[1..], "a window divisor")?),
        s => Window::Exact(number(s, "a window size")?),
    };
    let scale = any_or(scale, "a window scale")?.map(|s| small(s, "window scale")).transpose()?;
    let payload = match payload {
        "*" => None,
        "0" => Some(false),
        "+" => Some(true),
        other => return Err(format!("expected payload class 0, + or *, found `{other}`")),
    };
    Ok(Signature {
        label,
        syn_ack,
        version,
        ttl,
        bad_ttl,
        options_len,
        mss,
        window,
        scale,
        layout: layout.to_owned(),
        quirks: quirks.split(',').filter(|q| !q.is_empty()).map(str::to_owned).collect(),
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "\
; a comment
classes = win,unix,other

[mtu]
label = Ethernet or modem
sig   = 1500

[tcp:request]
label = s:unix:Linux:3.11 and newer
sig   = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0
sig   = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0

label = s:win:Windows:7 or 8
sig   = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0

label = g:unix:Linux:
sig   = *:64-:0:*:%8192,*:mss,sok,ts,nop,ws:df:*

[tcp:response]
label = s:unix:Linux:3.x
sig   = *:64:0:*:mss*10,0:mss:df:0

[http:request]
label = s:!:Firefox:10.x or newer
sys   = Windows,@unix
sig   = *:Host,User-Agent:Connection:Firefox/
";

    fn syn(ttl: u8, window: u16, scale: u8, layout: &str, quirks: &str) -> TcpSignature {
        TcpSignature {
            ip_version: 4,
            initial_ttl: 64,
            ttl,
            ip_options_len: 0,
            mss: Some(1460),
            window,
            window_scale: Some(scale),
            layout: layout.into(),
            quirks: quirks.into(),
            payload: false,
        }
    }

    #[test]
    fn signatures_match_as_p0f_writes_them() {
        let db = P0fDb::parse(DB, "p0f.fp").unwrap();
        assert_eq!(db.len(), 5);
        let linux = syn(61, 29200, 7, "mss,sok,ts,nop,ws", "df,id+");
        assert_eq!(db.classify(&linux, false), Some("Linux 3.11 and newer"));
        assert_eq!(db.classify(&linux, true), None, "another section");
        let windows = syn(126, 8192, 8, "mss,nop,ws,nop,nop,sok", "id+,df");
        assert_eq!(db.classify(&windows, false), Some("Windows 7 or 8"), "quirks as a set");
        let generic = syn(50, 16384, 3, "mss,sok,ts,nop,ws", "df");
        assert_eq!(db.classify(&generic, false), Some("Linux"), "a bad TTL, a window divisor");
        let far = syn(20, 29200, 7, "mss,sok,ts,nop,ws", "df,id+");
        assert_eq!(db.classify(&far, false), None, "44 hops away");
        let extra = syn(64, 29200, 7, "mss,sok,ts,nop,ws", "df,id+,ecn");
        assert_eq!(db.classify(&extra, false), None, "another quirk");
        let synack =
            TcpSignature { window: 14600, window_scale: None, ..syn(64, 0, 0, "mss", "df") };
        assert_eq!(db.classify(&synack, true), Some("Linux 3.x"));
    }

    #[test]
    fn mistakes_name_the_line_and_what_was_expected() {
        let cases = [
            ("[tcp:request]\nsig = *:64:0:*:mss*20,10:mss:df:0\n", 2, "before any `label`"),
            (
                "[tcp:request]\nlabel = s:unix:L:1\nsig = *:64:0:*:mss*20:mss:df:0\n",
                3,
                "wsize,scale",
            ),
            ("[tcp:request]\nlabel = s:unix:L:1\nsig = *:64:0:*:mss*20,7:mss:df\n", 3, "8 fields"),
            ("[tcp:request]\nlabel = s:unix:L:1\nsig = 5:64:0:*:1,1:mss:df:0:x\n", 3, "8 fields"),
            ("[tcp:request]\nlabel = s:unix:L:1\nsig = 5:64:0:*:1,1:mss:df:0\n", 3, "IP version"),
            (
                "[tcp:request]\nlabel = s:unix:L:1\nsig = *:999:0:*:1,1:mss:df:0\n",
                3,
                "out of range",
            ),
            (
                "[tcp:request]\nlabel = s:unix:L:1\nsig = *:64:0:*:mss*x,1:mss:df:0\n",
                3,
                "multiple of the MSS",
            ),
            (
                "[tcp:request]\nlabel = s:unix:L:1\nsig = *:64:0:*:1,1:mss:df:?\n",
                3,
                "payload class",
            ),
            ("[tcp:request]\nlabel\n", 2, "key = value"),
            ("; nothing\n", 0, "is it a p0f.fp"),
        ];
        for (text, line, says) in cases {
            let e = P0fDb::parse(text, "my.fp").unwrap_err();
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.to_string().contains(says), "{text}: {e}");
            assert!(e.to_string().starts_with("my.fp"), "{e}");
        }
        let e = P0fDb::load(Path::new("/nonexistent/p0f.fp")).unwrap_err();
        assert!(e.to_string().contains("cannot read it"), "{e}");
    }

    #[test]
    fn the_debian_database_loads_when_installed() {
        let path = Path::new("/etc/p0f/p0f.fp");
        if path.exists() {
            let db = P0fDb::load(path).unwrap();
            assert!(db.len() > 100, "{}", db.len());
        }
    }
}
