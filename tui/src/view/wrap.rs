//! Wrapping for text that mixes Chinese and Latin script. ratatui's
//! wrapper breaks only at spaces, so a Chinese sentence (which has none) is
//! one long "word" and lines break early or mid-value. Here each Chinese
//! character may end a line, a run of Latin letters, digits and ASCII
//! punctuation (a MAC, an address, an English word) stays whole when it
//! fits, and closing punctuation never starts a line (禁则).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Punctuation that must not begin a line.
const NO_LINE_START: &str = "，。、；：！？）」』”’》〉】,.;:!?)]}";
/// Punctuation that must not end a line.
const NO_LINE_END: &str = "（「『“‘《〈【([{";

/// `text` in lines of at most `width` columns.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    for token in tokens(text) {
        let fits = line.width() + token.width() <= width;
        if !fits && !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
            line = String::new();
        }
        if line.is_empty() && token.trim().is_empty() {
            continue; // no line starts with a space
        }
        if token.width() > width {
            // Longer than a line by itself: cut it where it must be cut.
            for c in token.chars() {
                if line.width() + c.width().unwrap_or(0) > width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
            continue;
        }
        line.push_str(&token);
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Unbreakable pieces: a Latin run, a space, or one wide character, with
/// closing punctuation held to what precedes it and opening punctuation to
/// what follows.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut opening = String::new();
    let mut latin = String::new();
    let flush = |latin: &mut String, out: &mut Vec<String>| {
        if !latin.is_empty() {
            out.push(std::mem::take(latin));
        }
    };
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if NO_LINE_START.contains(c) && !out.is_empty() && latin.is_empty() {
            if let Some(last) = out.last_mut() {
                last.push(c);
            }
            continue;
        }
        if NO_LINE_START.contains(c) && !latin.is_empty() {
            latin.push(c);
            continue;
        }
        if NO_LINE_END.contains(c) {
            flush(&mut latin, &mut out);
            opening.push(c);
            continue;
        }
        if c == ' ' {
            flush(&mut latin, &mut out);
            out.push(" ".into());
        } else if c.is_ascii() {
            if !opening.is_empty() {
                latin.push_str(&std::mem::take(&mut opening));
            }
            latin.push(c);
        } else {
            flush(&mut latin, &mut out);
            out.push(format!("{}{c}", std::mem::take(&mut opening)));
        }
    }
    flush(&mut latin, &mut out);
    if !opening.is_empty() {
        out.push(opening);
    }
    out
}

/// `label` (in `style`) followed by `text`, wrapped to `width` as lines.
pub fn labeled(
    label: &str,
    text: &str,
    width: usize,
    style: ratatui::style::Style,
) -> Vec<ratatui::text::Line<'static>> {
    use ratatui::text::{Line, Span};
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (i, line) in wrap(&format!("{label}{text}"), width).into_iter().enumerate() {
        match line.strip_prefix(label) {
            Some(rest) if i == 0 && !label.is_empty() => lines.push(Line::from(vec![
                Span::styled(label.to_string(), style),
                Span::raw(rest.to_string()),
            ])),
            _ => lines.push(Line::from(line)),
        }
    }
    lines
}

/// `text` cut to `width` columns with a trailing `…` when it does not
/// fit, so a cut name or number never reads as a whole one.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + c.width().unwrap_or(0) + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths_fit(lines: &[String], width: usize) {
        for l in lines {
            assert!(l.width() <= width, "{l:?} is wider than {width}");
        }
    }

    #[test]
    fn chinese_breaks_between_characters_and_fills_the_line() {
        let text = "说明：资产登记表中没有这个 MAC 地址。所有设备必须逐一检查、登记（5.7）。";
        let lines = wrap(text, 30);
        widths_fit(&lines, 30);
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        // The first line is filled, not broken before "MAC".
        assert!(lines[0].width() >= 28, "{lines:?}");
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // From the width of the longest unbreakable piece up.
        for width in 10..40 {
            let lines = wrap(
                "加工网络须与其他网络物理隔离（5.4）。请检查该设备的网关、DNS 与自动更新设置。",
                width,
            );
            widths_fit(&lines, width + 1);
            for l in &lines[1..] {
                let first = l.chars().next().unwrap();
                assert!(!NO_LINE_START.contains(first), "width {width}: {lines:?}");
            }
        }
    }

    #[test]
    fn addresses_stay_whole() {
        let lines =
            wrap("设备：7e:c4:2a:5d:91:03 未登记 · 10.20.1.201, fe80::7cc4:2aff:fe5d:9103", 24);
        assert!(lines.iter().any(|l| l.contains("7e:c4:2a:5d:91:03")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("10.20.1.201,")), "{lines:?}");
    }

    #[test]
    fn a_cut_text_says_so() {
        assert_eq!(fit("文件服务器 FS01", 14), "文件服务器 FS…");
        assert_eq!(fit("10.20.0.10", 10), "10.20.0.10");
        assert_eq!(fit("图像处理工作站-06", 14), "图像处理工作…");
        assert!(fit("图像处理工作站-06", 14).width() <= 14);
    }

    #[test]
    fn english_wraps_at_spaces() {
        let lines = wrap("A device sent packets to an address outside the processing LAN", 20);
        widths_fit(&lines, 20);
        assert_eq!(lines[0], "A device sent");
        assert!(lines.iter().all(|l| !l.starts_with(' ')));
    }

    #[test]
    fn nothing_is_lost_or_panics_on_odd_input() {
        assert_eq!(wrap("", 10), vec![String::new()]);
        assert_eq!(wrap("（", 1), vec!["（".to_string()]);
        let long = "x".repeat(50);
        let lines = wrap(&long, 8);
        widths_fit(&lines, 8);
        assert_eq!(lines.concat(), long);
        let _ = wrap("\u{1b}[31m，，，。。。", 3);
    }
}
