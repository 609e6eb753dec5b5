//! The alert list and the selected alert in full: what happened, which
//! rule it breaks (in the regulation's words), the evidence, the device.

use gapwatch_rules::Lang;
use gapwatch_rules::clause::clause;
use gapwatch_rules::policy::role_label;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::wrap::{fit, labeled};
use super::{Screen, kind_info, kind_title, severity_label, severity_style, subject_text};
use crate::app::App;
use crate::store::StateFilter;

/// Draws the alerts pane.
pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let lang = app.lang;
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);

    let f = &app.alert_filter;
    let state = match (f.state, lang) {
        (StateFilter::Open, Lang::Zh) => "未处理",
        (StateFilter::Open, Lang::En) => "open",
        (StateFilter::Acknowledged, Lang::Zh) => "已确认",
        (StateFilter::Acknowledged, Lang::En) => "acknowledged",
        (StateFilter::All, Lang::Zh) => "全部",
        (StateFilter::All, Lang::En) => "all",
    };
    let kind = f.kind.as_deref().map(|k| kind_title(k, lang));
    let kind = kind.unwrap_or_else(|| lang.pick("全部类型", "all kinds").into());
    let total = screen.alerts.total;
    let title = match lang {
        Lang::Zh => {
            format!(" 告警 {total} 条 · {state} · ≥{} · {kind} ", severity_label(f.min_rank, lang))
        }
        Lang::En => {
            format!(" Alerts: {total} · {state} · ≥{} · {kind} ", severity_label(f.min_rank, lang))
        }
    };
    let header = Row::new(match lang {
        Lang::Zh => ["级别", "类型", "对象", "次数", "最近"],
        Lang::En => ["Sev.", "Kind", "Subject", "Count", "Last seen"],
    })
    .style(Style::new().add_modifier(Modifier::BOLD));
    let kind_width = usize::from(list.width.saturating_sub(2 + 6 + 31 + 5 + 11 + 4));
    let rows = screen.alerts.rows.iter().map(|a| {
        let mark = if a.state == "open" { "" } else { "✓" };
        Row::new([
            Cell::from(format!("{mark}{}", severity_label(a.rank, lang)))
                .style(severity_style(a.rank)),
            Cell::from(fit(&kind_title(&a.kind, lang), kind_width)),
            // A registered device by its name, others by MAC; the address
            // after, where a narrow column cuts it.
            Cell::from(subject_text(a.name.as_deref().or(a.mac.as_deref()), a.ip.as_deref())),
            Cell::from(a.count.to_string()),
            Cell::from(screen.times.minute(a.last_seen)),
        ])
    });
    let mut state = TableState::default();
    if !screen.alerts.rows.is_empty() {
        state.select(Some((app.alert_selected - screen.alerts_offset) as usize));
    }
    let table = Table::new(
        rows,
        [
            Constraint::Length(6),
            Constraint::Fill(1),
            Constraint::Length(31),
            Constraint::Length(5),
            Constraint::Length(11),
        ],
    )
    .header(header)
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .block(Block::new().borders(Borders::ALL).title(title));
    frame.render_stateful_widget(table, list, &mut state);

    let text = match &screen.alert {
        None => vec![Line::from(if total == 0 {
            lang.pick("没有符合筛选条件的告警。", "No alert matches the filter.")
        } else {
            ""
        })],
        Some(d) => detail_lines(app, screen, d, usize::from(detail.width.saturating_sub(2))),
    };
    frame.render_widget(
        Paragraph::new(text)
            .block(Block::new().borders(Borders::ALL).title(lang.pick(" 详情 ", " Detail "))),
        detail,
    );
}

fn detail_lines(
    app: &App,
    screen: &Screen,
    d: &crate::store::AlertDetail,
    width: usize,
) -> Vec<Line<'static>> {
    let lang = app.lang;
    let a = &d.line;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("[{}] ", severity_label(a.rank, lang)), severity_style(a.rank)),
        Span::styled(format!("#{} {}", a.id, kind_title(&a.kind, lang)), bold),
    ])];
    lines.extend(labeled("", &a.message, width, bold));
    let device = match &d.device {
        Some(dev) => {
            let name =
                dev.name.clone().unwrap_or_else(|| lang.pick("未登记", "unregistered").into());
            let role = dev.role.as_deref().map(|r| role_label(r, lang)).unwrap_or_default();
            let vendor = dev.vendor.clone();
            let vendor = vendor.unwrap_or_else(|| lang.pick("厂商未知", "vendor unknown").into());
            let named: Vec<&str> =
                [name.as_str(), role].into_iter().filter(|s| !s.is_empty()).collect();
            format!("{} {} · {vendor} · {}", dev.mac, named.join(" "), dev.addresses)
        }
        None => subject_text(a.mac.as_deref(), a.ip.as_deref()),
    };
    lines.extend(labeled(lang.pick("设备：", "Device: "), &device, width, bold));
    let times = match lang {
        Lang::Zh => format!(
            "首次 {} · 最近 {} · 共 {} 次",
            screen.times.long(a.first_seen),
            screen.times.long(a.last_seen),
            a.count
        ),
        Lang::En => format!(
            "first {} · last {} · {} times",
            screen.times.long(a.first_seen),
            screen.times.long(a.last_seen),
            a.count
        ),
    };
    lines.extend(labeled(lang.pick("时间：", "When: "), &times, width, bold));
    if let Some((by, at, note)) = &d.ack {
        let at = screen.times.long(gapwatch_rules::Timestamp::from_nanos(*at));
        let text = format!("{by} {at} — {note}");
        lines.extend(labeled(lang.pick("已确认：", "Acknowledged: "), &text, width, bold));
    }
    lines.extend(labeled(
        lang.pick("证据：", "Evidence: "),
        &evidence_text(&d.evidence),
        width,
        bold,
    ));
    let clause_text = clause(&a.clause).map(|c| c.text(lang)).unwrap_or("");
    let clause_line = format!("{} {clause_text}", a.clause);
    lines.extend(labeled(lang.pick("条款：", "Clause: "), &clause_line, width, bold));
    if let Some(why) = kind_info(&a.kind).map(|k| k.explanation(lang)) {
        lines.extend(labeled(lang.pick("说明：", "Why: "), why, width, bold));
    }
    lines
}

/// Evidence as one readable line: `key: value, value; key: value`.
fn evidence_text(json: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return json.to_string();
    };
    let value = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    map.iter().map(|(k, v)| format!("{k}: {}", value(v))).collect::<Vec<_>>().join("; ")
}
