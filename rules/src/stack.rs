//! TCP/IP stacks told by their SYN: the signature a SYN or SYN+ACK carries
//! (p0f 3's notation) and the project's own table of stacks
//! (`data/tcp-stacks.tsv`), read once.

use std::fmt;
use std::sync::LazyLock;

use crate::Lang;

const TABLE: &str = include_str!("../data/tcp-stacks.tsv");

/// What a SYN says about the stack that sent it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TcpSignature {
    /// 4 or 6.
    pub ip_version: u8,
    /// The TTL the packet most likely left with (32, 64, 128, 255).
    pub initial_ttl: u8,
    /// The TTL it arrived with.
    pub ttl: u8,
    /// Bytes of IPv4 options.
    pub ip_options_len: u8,
    /// The MSS option, if sent.
    pub mss: Option<u16>,
    /// The window.
    pub window: u16,
    /// The window scale option, if sent.
    pub window_scale: Option<u8>,
    /// The options in order: `mss,nop,ws,sok,ts`.
    pub layout: String,
    /// Oddities: `df`, `id+`, `id-`, `ecn`, `0+`, `flow`, `seq-`, `ack+`,
    /// `ack-`, `uptr+`, `urgf+`, `pushf+`, `ts1-`, `ts2+`, `opt+`, `exws`,
    /// `bad`, comma-separated.
    pub quirks: String,
    /// True when the SYN carries data.
    pub payload: bool,
}

impl fmt::Display for TcpSignature {
    /// p0f 3's raw signature: `4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hops = self.initial_ttl.saturating_sub(self.ttl);
        let mss = self.mss.map_or("*".to_owned(), |m| m.to_string());
        let window = match self.mss {
            Some(m) if m > 0 && self.window > 0 && self.window.is_multiple_of(m) => {
                format!("mss*{}", self.window / m)
            }
            _ => self.window.to_string(),
        };
        let scale = self.window_scale.unwrap_or(0);
        write!(
            f,
            "{}:{}+{hops}:{}:{mss}:{window},{scale}:{}:{}:{}",
            self.ip_version,
            self.initial_ttl,
            self.ip_options_len,
            self.layout,
            self.quirks,
            if self.payload { "+" } else { "0" }
        )
    }
}

/// One stack of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stack {
    /// Its family: `Windows`, `Linux`, `macOS`, `FreeBSD`, `Embedded`,
    /// `Network device`.
    pub family: &'static str,
    /// What it is, in Chinese.
    pub label_zh: &'static str,
    /// What it is, in English.
    pub label_en: &'static str,
    initial_ttl: u8,
    layout: &'static str,
}

impl Stack {
    /// What it is, in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.label_zh, self.label_en)
    }
}

static STACKS: LazyLock<Vec<Stack>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut c = line.split('\t');
            let initial_ttl = c.next()?.parse().ok()?;
            let (layout, family, label_zh, label_en) = (c.next()?, c.next()?, c.next()?, c.next()?);
            c.next().is_none().then_some(Stack { family, label_zh, label_en, initial_ttl, layout })
        })
        .collect()
});

/// The stack `sig` is, by its initial TTL and option layout.
pub fn classify(sig: &TcpSignature) -> Option<Stack> {
    STACKS
        .iter()
        .find(|s| s.initial_ttl == sig.initial_ttl && (s.layout == "*" || s.layout == sig.layout))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(ttl: u8, layout: &str) -> TcpSignature {
        TcpSignature {
            ip_version: 4,
            initial_ttl: ttl,
            ttl,
            ip_options_len: 0,
            mss: Some(1460),
            window: 64240,
            window_scale: Some(7),
            layout: layout.to_owned(),
            quirks: "df,id+".to_owned(),
            payload: false,
        }
    }

    #[test]
    fn every_line_of_the_table_is_read() {
        let lines = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count();
        assert_eq!(STACKS.len(), lines, "a line is not five tab-separated fields");
    }

    #[test]
    fn common_stacks_are_told_apart() {
        let family = |ttl, layout| classify(&sig(ttl, layout)).map(|s| s.family);
        assert_eq!(family(64, "mss,sok,ts,nop,ws"), Some("Linux"));
        assert_eq!(family(128, "mss,nop,ws,nop,nop,sok"), Some("Windows"));
        assert_eq!(family(128, "mss,nop,nop,sok"), Some("Windows"));
        assert_eq!(family(64, "mss,nop,ws,nop,nop,ts,sok,eol+1"), Some("macOS"));
        assert_eq!(family(64, "mss"), Some("Embedded"));
        assert_eq!(family(255, "mss,nop,nop,sok"), Some("Network device"));
        assert_eq!(family(32, "mss"), None);
        assert_eq!(family(64, "ws,mss"), None);
    }

    #[test]
    fn the_signature_reads_as_p0f_writes_it() {
        let mut s = sig(64, "mss,sok,ts,nop,ws");
        s.ttl = 61;
        s.window = 29200;
        assert_eq!(s.to_string(), "4:64+3:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0");
        s.mss = None;
        s.window_scale = None;
        assert_eq!(s.to_string(), "4:64+3:0:*:29200,0:mss,sok,ts,nop,ws:df,id+:0");
    }
}
