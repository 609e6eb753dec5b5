//! Who moved how much in one hour: the busiest initiator–service pairs,
//! export stations marked.

use gapwatch_rules::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use super::wrap::fit;
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
    // The address first, the name after: a narrow column cuts the name,
    // never the address.
    let named = |ip: &str, name: &Option<String>| match name {
        Some(n) => format!("{ip} {n}"),
        None => ip.to_string(),
    };
    let service = |ip: &str, port: u16| match (port, ip.contains(':')) {
        (0, _) => ip.to_string(),
        (_, true) => format!("[{ip}]:{port}"),
        (_, false) => format!("{ip}:{port}"),
    };
    // The two address columns share what the fixed ones leave.
    let side = usize::from(area.width.saturating_sub(2 + 1 + 6 + 5 + 9 + 5) / 2);
    let rows = screen.flows.iter().map(|f| {
        let style = if f.export { Style::new().add_modifier(Modifier::BOLD) } else { Style::new() };
        Row::new([
            Cell::from(if f.export { "★" } else { "" }),
            Cell::from(f.proto.clone()),
            Cell::from(fit(&named(&f.orig_ip, &f.names.0), side)),
            Cell::from(fit(&named(&service(&f.resp_ip, f.resp_port), &f.names.1), side)),
            Cell::from(f.connections.to_string()),
            Cell::from(human_bytes(f.bytes)),
        ])
        .style(style)
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Length(6),
                Constraint::Fill(1),
                Constraint::Fill(1),
                Constraint::Length(5),
                Constraint::Length(9),
            ],
        )
        .header(header)
        .block(Block::new().borders(Borders::ALL).title(title)),
        area,
    );
}
