//! Why a capture could not be read, with the file and the byte offset.

use std::fmt;
use std::path::PathBuf;

use gapwatch_rules::Lang;

use super::LinkType;

/// A capture file that could not be (fully) read. Every frame before
/// `offset` was delivered.
#[derive(Debug)]
pub struct CaptureError {
    /// The file.
    pub path: PathBuf,
    /// Byte offset in the file where reading stopped, when known.
    pub offset: Option<u64>,
    /// What went wrong.
    pub kind: CaptureErrorKind,
}

/// What went wrong with a capture file.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaptureErrorKind {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The file is empty.
    Empty,
    /// Not a pcap or pcapng file.
    NotACapture,
    /// The file ends in the middle of a record.
    Truncated,
    /// A record is malformed (the file is corrupt from here on).
    Corrupt(String),
    /// A record claims more bytes than any capture can hold.
    RecordTooLarge(u64),
    /// The link type is not one gapwatch reads.
    UnsupportedLinkType(LinkType),
    /// A pcapng packet names an interface that was never described.
    UnknownInterface(u32),
    /// Reading stopped on request (Ctrl-C, or the sensor stopping).
    Interrupted,
}

impl CaptureError {
    pub(crate) fn new(
        path: impl Into<PathBuf>,
        offset: Option<u64>,
        kind: CaptureErrorKind,
    ) -> CaptureError {
        CaptureError { path: path.into(), offset, kind }
    }

    /// The message in `lang`, naming the file and, where known, the offset.
    pub fn message(&self, lang: Lang) -> String {
        let path = self.path.display();
        let at = match (self.offset, lang) {
            (Some(o), Lang::Zh) => format!("（字节偏移 {o}）"),
            (Some(o), Lang::En) => format!(" at byte offset {o}"),
            (None, _) => String::new(),
        };
        use CaptureErrorKind::*;
        match (&self.kind, lang) {
            (Io(e), Lang::Zh) => {
                format!("无法读取抓包文件 {path}{at}（{e}）：{}", io_advice(e, lang))
            }
            (Io(e), Lang::En) => {
                format!("cannot read capture {path}{at} ({e}): {}", io_advice(e, lang))
            }
            (Empty, Lang::Zh) => format!("抓包文件 {path} 是空文件：请确认抓包已正常结束"),
            (Empty, Lang::En) => {
                format!("capture {path} is empty: check that the capture finished")
            }
            (NotACapture, Lang::Zh) => {
                format!(
                    "{path} 不是 pcap 或 pcapng 抓包文件：请用 tcpdump -w 或 dumpcap 保存的文件"
                )
            }
            (NotACapture, Lang::En) => {
                format!(
                    "{path} is not a pcap or pcapng capture: give a file written by tcpdump -w or dumpcap"
                )
            }
            (Truncated, Lang::Zh) => {
                format!("抓包文件 {path} 在记录中途结束{at}：文件被截断，之前的数据已全部记录")
            }
            (Truncated, Lang::En) => format!(
                "capture {path} ends in the middle of a record{at}: the file is truncated; everything before was recorded"
            ),
            (Corrupt(what), Lang::Zh) => {
                format!("抓包文件 {path} 已损坏{at}：{what}；之前的数据已全部记录")
            }
            (Corrupt(what), Lang::En) => {
                format!("capture {path} is corrupt{at}: {what}; everything before was recorded")
            }
            (RecordTooLarge(n), Lang::Zh) => {
                format!("抓包文件 {path} 已损坏{at}：一条记录声称有 {n} 字节；之前的数据已全部记录")
            }
            (RecordTooLarge(n), Lang::En) => format!(
                "capture {path} is corrupt{at}: a record claims {n} bytes; everything before was recorded"
            ),
            (UnsupportedLinkType(l), Lang::Zh) => format!(
                "抓包文件 {path} 的链路类型 {l} 不受支持：gapwatch 读取以太网、Linux cooked（SLL/SLL2）、原始 IP、BSD 环回与 802.11"
            ),
            (UnsupportedLinkType(l), Lang::En) => format!(
                "capture {path} has link type {l}, which gapwatch does not read: use Ethernet, Linux cooked (SLL, SLL2), raw IP, BSD loopback or 802.11"
            ),
            (Interrupted, Lang::Zh) => format!(
                "抓包文件 {path} 的读取按要求中止{at}：之前的数据已全部记录；该文件不会再次回放到此数据库"
            ),
            (Interrupted, Lang::En) => format!(
                "reading capture {path} stopped on request{at}: everything before was recorded; it will not be replayed into this database again"
            ),
            (UnknownInterface(i), Lang::Zh) => {
                format!("抓包文件 {path} 已损坏{at}：数据包引用了未声明的接口 {i}")
            }
            (UnknownInterface(i), Lang::En) => {
                format!("capture {path} is corrupt{at}: a packet names undeclared interface {i}")
            }
        }
    }
}

/// What to do about an I/O error on a capture.
fn io_advice(e: &std::io::Error, lang: Lang) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => lang.pick("请检查路径", "check the path"),
        IsADirectory => {
            lang.pick("请给出抓包文件，而不是目录", "give a capture file, not a directory")
        }
        PermissionDenied => lang.pick("请检查文件权限", "check the file's permissions"),
        _ => lang.pick("请检查文件与磁盘", "check the file and the disk"),
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for CaptureError {}
