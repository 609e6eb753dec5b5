//! Who moved how much in one hour: the busiest initiator–service pairs,
//! export stations marked.

use gapwatch_rules::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use super::{Screen, human_bytes};
use crate::app::App;

/// Draws the flows pane.
pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let lang = app.lang;
    let title = match (screen.flow_hour, lang) {
        (None, Lang::Zh) => " 流量：尚无记录 ".to_string(),
        (None, Lang::En) => " Flows: none recorded yet ".to_string(),
        (Some(h), Lang::Zh) => format!(
            " 流量 {} 起一小时（第 {}/{} 小时，← 更早 → 更晚）· ★ 导出工作站 ",
            screen.times.long(h),
            screen.flow_hours - app.flow_hour,
            screen.flow_hours
        ),
        (Some(h), Lang::En) => format!(
            " Flows in the hour from {} ({}/{}, ← earlier → later) · ★ export station ",
            screen.times.long(h),
            screen.flow_hours - app.flow_hour,
            screen.flow_hours
        ),
    };
    let header = Row::new(match lang {
        Lang::Zh => ["", "协议", "发起方", "服务", "连接", "字节"],
        Lang::En => ["", "Proto", "Initiator", "Service", "Conns", "Bytes"],
    })
    .style(Style::new().add_modifier(Modifier::BOLD));
    let named = |ip: &str, name: &Option<String>| match name {
        Some(n) => format!("{n} {ip}"),
        None => ip.to_string(),
    };
    let rows = screen.flows.iter().map(|f| {
        let style = if f.export { Style::new().add_modifier(Modifier::BOLD) } else { Style::new() };
        Row::new([
            Cell::from(if f.export { "★" } else { "" }),
            Cell::from(f.proto.clone()),
            Cell::from(named(&f.orig_ip, &f.names.0)),
            Cell::from(format!("{}:{}", named(&f.resp_ip, &f.names.1), f.resp_port)),
            Cell::from(f.connections.to_string()),
            Cell::from(human_bytes(f.bytes)),
        ])
        .style(style)
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(2),
                Constraint::Length(6),
                Constraint::Min(20),
                Constraint::Min(24),
                Constraint::Length(6),
                Constraint::Length(10),
            ],
        )
        .header(header)
        .block(Block::new().borders(Borders::ALL).title(title)),
        area,
    );
}
