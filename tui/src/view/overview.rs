//! The overview: one verdict the officer can read from across the room,
//! why, and the day at a glance.

use gapwatch_rules::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Sparkline, Table};

use super::{Screen, human_bytes, severity_label, severity_style};
use crate::app::App;
use crate::store::{Overview, Verdict};

/// The verdict as a short text and its style (the text alone says it).
pub fn verdict_text(o: &Overview, lang: Lang) -> (&'static str, Style) {
    match o.verdict() {
        Verdict::Isolated => (
            lang.pick("● 隔离正常", "● ISOLATED"),
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        ),
        Verdict::Breach => (
            lang.pick("▲ 发现异常", "▲ ANOMALY FOUND"),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        Verdict::Blind => (
            lang.pick("■ 传感器失明", "■ SENSOR BLIND"),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
    }
}

fn verdict_reason(o: &Overview, lang: Lang, screen: &Screen) -> String {
    let serious = o.open_by_severity[2..].iter().sum::<u64>();
    match (o.verdict(), o.last_frame, lang) {
        (Verdict::Breach, _, Lang::Zh) => {
            format!("{serious} 条中级及以上告警未处理：到“告警”页逐条核实并确认")
        }
        (Verdict::Breach, _, Lang::En) => {
            format!("{serious} open alerts of medium severity or above: work through them in Alerts")
        }
        (Verdict::Blind, None, Lang::Zh) => {
            "尚未收到任何数据帧：检查镜像端口与传感器，在此之前无法证明加工网已隔离".into()
        }
        (Verdict::Blind, None, Lang::En) => {
            "no frame heard yet: check the mirror port and the sensor; until then isolation cannot be shown".into()
        }
        (Verdict::Blind, Some(t), Lang::Zh) => format!(
            "记录已于 {} 结束，传感器当前未在监听：此后的隔离状态无法证明",
            screen.times.long(t)
        ),
        (Verdict::Blind, Some(t), Lang::En) => format!(
            "recording ended at {}; the sensor is not listening, so isolation since cannot be shown",
            screen.times.long(t)
        ),
        (Verdict::Isolated, _, Lang::Zh) => {
            "传感器正在记录，没有中级及以上的未处理告警".into()
        }
        (Verdict::Isolated, _, Lang::En) => {
            "the sensor is recording and no alert of medium severity or above is open".into()
        }
    }
}

/// Draws the overview.
pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let lang = app.lang;
    let o = &screen.overview;
    let [verdict, counts, rate, exports] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(5),
        Constraint::Min(3),
    ])
    .areas(area);

    let (text, style) = verdict_text(o, lang);
    let site = o.site.clone().unwrap_or_default();
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(format!(" {text} "), style)),
            Line::from(verdict_reason(o, lang, screen)),
        ])
        .block(Block::new().borders(Borders::ALL).title(format!(" gapwatch {site} "))),
        verdict,
    );

    let mut by_severity = vec![Span::raw(lang.pick("未处理告警：", "Open alerts: "))];
    for rank in (0..5u8).rev() {
        let n = o.open_by_severity[usize::from(rank)];
        let style = if n > 0 { severity_style(rank) } else { Style::new() };
        by_severity.push(Span::styled(format!("{} {n}", severity_label(rank, lang)), style));
        by_severity.push(Span::raw("  "));
    }
    by_severity.push(Span::raw(format!(
        "{} {}",
        lang.pick("│ 已确认告警", "│ acknowledged alerts"),
        o.acknowledged
    )));
    let unregistered = match (o.unregistered, lang) {
        (Some(n), Lang::Zh) => format!("，未登记 {n}"),
        (Some(n), Lang::En) => format!(", unregistered {n}"),
        (None, Lang::Zh) => "（资产盘点模式，无登记表）".into(),
        (None, Lang::En) => " (inventory mode: no register)".into(),
    };
    let devices = match lang {
        Lang::Zh => {
            format!("设备：共 {}{unregistered}，近 24 小时出现 {}", o.devices, o.seen_last_day)
        }
        Lang::En => {
            format!(
                "Devices: {}{unregistered}, seen in the last 24 h {}",
                o.devices, o.seen_last_day
            )
        }
    };
    frame.render_widget(
        Paragraph::new(vec![Line::from(by_severity), Line::from(devices)])
            .block(Block::new().borders(Borders::ALL)),
        counts,
    );

    let last = match o.last_frame {
        Some(t) => screen.times.short(t),
        None => lang.pick("从未", "never").into(),
    };
    let state = match (o.recording, lang) {
        (true, Lang::Zh) => "正在记录",
        (true, Lang::En) => "recording",
        (false, Lang::Zh) => "记录已结束",
        (false, Lang::En) => "not recording",
    };
    // Frames per second, averaged over each minute (rounded up, so a
    // minute with a single frame still shows).
    let per_second: Vec<u64> = o.per_minute.iter().map(|n| n.div_ceil(60)).collect();
    let peak = per_second.iter().max().copied().unwrap_or(0);
    let now = per_second.last().copied().unwrap_or(0);
    let title = match lang {
        Lang::Zh => {
            format!(" 帧/秒（分钟均值，当前 {now}，峰值 {peak}）· 最后一帧 {last} · {state} ")
        }
        Lang::En => format!(
            " Frames/s (per-minute average, now {now}, peak {peak}) · last frame {last} · {state} "
        ),
    };
    frame.render_widget(
        Sparkline::default()
            .data(&per_second)
            .block(Block::new().borders(Borders::ALL).title(title)),
        rate,
    );

    let header = Row::new(match lang {
        Lang::Zh => ["导出工作站", "MAC", "收到", "发出", "往来设备"],
        Lang::En => ["Export station", "MAC", "Received", "Sent", "Peers"],
    })
    .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = o.exports.iter().map(|e| {
        Row::new([
            Cell::from(e.name.clone()),
            Cell::from(e.mac.clone()),
            Cell::from(human_bytes(e.bytes_in)),
            Cell::from(human_bytes(e.bytes_out)),
            Cell::from(e.peers.to_string()),
        ])
    });
    let title = if o.exports.is_empty() {
        lang.pick(
            " 导出台账（近 24 小时）：策略中没有导出工作站 ",
            " Export ledger (last 24 h): no export station in the policy ",
        )
    } else {
        lang.pick(
            " 导出台账（近 24 小时，按整点汇总） ",
            " Export ledger (last 24 h, summed each hour) ",
        )
    };
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Min(16),
                Constraint::Length(17),
                Constraint::Length(10),
                Constraint::Length(10),
                Constraint::Length(8),
            ],
        )
        .header(header)
        .block(Block::new().borders(Borders::ALL).title(title)),
        exports,
    );
}
