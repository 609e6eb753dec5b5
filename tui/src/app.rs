//! The dashboard's state and what each key does to it — no terminal, no
//! database: a key in, a state and maybe a [`Command`] out, so every key is
//! testable.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gapwatch_rules::Lang;

use crate::store::{AlertFilter, DeviceSort, StateFilter};

/// The panes, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The isolation verdict and the day at a glance.
    Overview,
    /// Alerts to work through.
    Alerts,
    /// The device inventory.
    Devices,
    /// Who moved how much, per hour.
    Flows,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 4] = [Tab::Overview, Tab::Alerts, Tab::Devices, Tab::Flows];

    /// The tab's title.
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Tab::Overview => lang.pick("概览", "Overview"),
            Tab::Alerts => lang.pick("告警", "Alerts"),
            Tab::Devices => lang.pick("设备", "Devices"),
            Tab::Flows => lang.pick("流量", "Flows"),
        }
    }
}

/// What the keyboard is typing into, if anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Keys are commands.
    Normal,
    /// Typing a device search.
    Search,
    /// Typing the note that acknowledges alert `alert_id`.
    Ack {
        /// The alert.
        alert_id: i64,
        /// The note so far.
        note: String,
    },
    /// The help overlay.
    Help,
}

/// What the caller must do after a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Leave the dashboard.
    Quit,
    /// Acknowledge the alert with the note (written by the caller, who
    /// knows the officer and the database).
    Acknowledge {
        /// The alert.
        alert_id: i64,
        /// The note as typed.
        note: String,
    },
}

/// Longest note the input takes, in characters; the record cuts it shorter.
pub const NOTE_INPUT_MAX: usize = 2000;

/// The dashboard's state.
#[derive(Clone, Debug)]
pub struct App {
    /// Language of every text shown.
    pub lang: Lang,
    /// The pane shown.
    pub tab: Tab,
    /// What keys do.
    pub mode: Mode,
    /// Alert list filter.
    pub alert_filter: AlertFilter,
    /// Selected alert: index into the filtered list.
    pub alert_selected: u64,
    /// Id of the selected alert if it is open, as last fetched (set by
    /// the caller): what `a` acknowledges.
    pub selected_alert_id: Option<i64>,
    /// The alert the selection stays on while new alerts push it down the
    /// list (set by the caller; cleared when the officer moves).
    pub alert_anchor: Option<i64>,
    /// Kinds the kind filter cycles through: the catalog's.
    pub kinds: Vec<String>,
    /// Device search text.
    pub search: String,
    /// Device order.
    pub device_sort: DeviceSort,
    /// Selected device: index into the matching list.
    pub device_selected: u64,
    /// Which hour the flow pane shows: 0 the latest, 1 the one before, ….
    pub flow_hour: usize,
    /// Rows in the current list (set by the caller), to bound selection.
    pub rows: u64,
    /// A line telling the officer what just happened.
    pub status: Option<String>,
}

impl App {
    /// A dashboard opening on the overview.
    pub fn new(lang: Lang) -> App {
        App {
            lang,
            tab: Tab::Overview,
            mode: Mode::Normal,
            alert_filter: AlertFilter::default(),
            alert_selected: 0,
            selected_alert_id: None,
            alert_anchor: None,
            kinds: gapwatch_rules::detect::catalog().iter().map(|k| k.id.to_string()).collect(),
            search: String::new(),
            device_sort: DeviceSort::default(),
            device_selected: 0,
            flow_hour: 0,
            rows: 0,
            status: None,
        }
    }

    /// Takes one key.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Command> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Some(Command::Quit);
        }
        match &mut self.mode {
            Mode::Help => {
                self.mode = Mode::Normal;
                None
            }
            Mode::Search => {
                match key.code {
                    KeyCode::Enter | KeyCode::Esc => self.mode = Mode::Normal,
                    KeyCode::Backspace => {
                        self.search.pop();
                    }
                    KeyCode::Char(c) if !c.is_control() && self.search.chars().count() < 64 => {
                        self.search.push(c)
                    }
                    _ => {}
                }
                self.device_selected = 0;
                None
            }
            Mode::Ack { alert_id, note } => match key.code {
                KeyCode::Esc => {
                    self.mode = Mode::Normal;
                    self.status =
                        Some(self.lang.pick("已取消确认", "acknowledgement cancelled").into());
                    None
                }
                KeyCode::Enter if note.trim().is_empty() => {
                    self.status = Some(
                        self.lang
                            .pick("请填写确认说明（Esc 取消）", "a note is required (Esc cancels)")
                            .into(),
                    );
                    None
                }
                KeyCode::Enter => {
                    let cmd = Command::Acknowledge { alert_id: *alert_id, note: note.clone() };
                    self.mode = Mode::Normal;
                    Some(cmd)
                }
                KeyCode::Backspace => {
                    note.pop();
                    None
                }
                KeyCode::Char(c) if note.chars().count() < NOTE_INPUT_MAX => {
                    note.push(c);
                    None
                }
                _ => None,
            },
            Mode::Normal => self.on_command_key(key),
        }
    }

    fn on_command_key(&mut self, key: KeyEvent) -> Option<Command> {
        self.status = None;
        match key.code {
            // Esc closes prompts; here it does nothing, so a habitual
            // second Esc never closes the dashboard.
            KeyCode::Char('q') => return Some(Command::Quit),
            KeyCode::Char('?') => self.mode = Mode::Help,
            KeyCode::Tab => self.tab = next_tab(self.tab, 1),
            KeyCode::BackTab => self.tab = next_tab(self.tab, 3),
            KeyCode::Char(c @ '1'..='4') => self.tab = Tab::ALL[usize::from(c as u8 - b'1')],
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(10),
            KeyCode::PageUp => self.move_selection(-10),
            KeyCode::Home | KeyCode::Char('g') => self.move_selection(i64::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.move_selection(i64::MAX / 2),
            _ => match self.tab {
                Tab::Alerts => self.on_alert_key(key.code),
                Tab::Devices => self.on_device_key(key.code),
                Tab::Flows => self.on_flow_key(key.code),
                Tab::Overview => {}
            },
        }
        None
    }

    fn on_alert_key(&mut self, code: KeyCode) {
        match code {
            KeyCode::Char('a') => match self.selected_alert_id {
                Some(alert_id) if self.alert_filter.state != StateFilter::Acknowledged => {
                    self.mode = Mode::Ack { alert_id, note: String::new() }
                }
                _ => {
                    self.status =
                        Some(self.lang.pick("没有可确认的告警", "no open alert selected").into())
                }
            },
            KeyCode::Char('f') => {
                self.alert_filter.state = match self.alert_filter.state {
                    StateFilter::Open => StateFilter::Acknowledged,
                    StateFilter::Acknowledged => StateFilter::All,
                    StateFilter::All => StateFilter::Open,
                };
                self.alert_selected = 0;
                self.alert_anchor = None;
            }
            KeyCode::Char('v') => {
                self.alert_filter.min_rank = (self.alert_filter.min_rank + 1) % 5;
                self.alert_selected = 0;
                self.alert_anchor = None;
            }
            KeyCode::Char('t') => {
                let current = self.alert_filter.kind.as_ref();
                let at = current.and_then(|k| self.kinds.iter().position(|x| x == k));
                self.alert_filter.kind = match at {
                    None => self.kinds.first().cloned(),
                    Some(i) => self.kinds.get(i + 1).cloned(),
                };
                self.alert_selected = 0;
                self.alert_anchor = None;
            }
            _ => {}
        }
    }

    fn on_device_key(&mut self, code: KeyCode) {
        match code {
            KeyCode::Char('/') => self.mode = Mode::Search,
            KeyCode::Char('s') => {
                self.device_sort = self.device_sort.next();
                self.device_selected = 0;
            }
            KeyCode::Char('c') => {
                self.search.clear();
                self.device_selected = 0;
            }
            _ => {}
        }
    }

    fn on_flow_key(&mut self, code: KeyCode) {
        match code {
            KeyCode::Left | KeyCode::Char('h') => self.flow_hour += 1,
            KeyCode::Right | KeyCode::Char('l') => {
                self.flow_hour = self.flow_hour.saturating_sub(1)
            }
            _ => {}
        }
    }

    fn move_selection(&mut self, by: i64) {
        self.alert_anchor = None;
        let last = self.rows.saturating_sub(1) as i64;
        let slot = match self.tab {
            Tab::Alerts => &mut self.alert_selected,
            Tab::Devices => &mut self.device_selected,
            Tab::Overview | Tab::Flows => return,
        };
        *slot = (*slot as i64).saturating_add(by).clamp(0, last.max(0)) as u64;
    }
}

fn next_tab(tab: Tab, step: usize) -> Tab {
    let i = Tab::ALL.iter().position(|&t| t == tab).unwrap_or(0);
    Tab::ALL[(i + step) % Tab::ALL.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(app: &mut App, text: &str) -> Option<Command> {
        text.chars().map(|c| app.on_key(key(KeyCode::Char(c)))).last().flatten()
    }

    #[test]
    fn acknowledging_takes_a_note_and_enter() {
        let mut app = App::new(Lang::Zh);
        app.on_key(key(KeyCode::Char('2')));
        assert_eq!(app.tab, Tab::Alerts);
        app.selected_alert_id = Some(7);
        app.on_key(key(KeyCode::Char('a')));
        // Letters that are commands elsewhere are text in the note.
        typed(&mut app, "q已核实 a");
        let cmd = app.on_key(key(KeyCode::Enter));
        assert_eq!(cmd, Some(Command::Acknowledge { alert_id: 7, note: "q已核实 a".into() }));
        assert_eq!(app.mode, Mode::Normal);
    }

    #[test]
    fn an_empty_note_keeps_the_prompt_open() {
        let mut app = App::new(Lang::En);
        app.tab = Tab::Alerts;
        app.selected_alert_id = Some(3);
        app.on_key(key(KeyCode::Char('a')));
        typed(&mut app, "  ");
        assert_eq!(app.on_key(key(KeyCode::Enter)), None);
        assert!(matches!(app.mode, Mode::Ack { alert_id: 3, .. }));
        assert_eq!(app.status.as_deref(), Some("a note is required (Esc cancels)"));
    }

    #[test]
    fn escape_never_quits() {
        let mut app = App::new(Lang::En);
        assert_eq!(app.on_key(key(KeyCode::Esc)), None);
        assert_eq!(app.on_key(key(KeyCode::Char('q'))), Some(Command::Quit));
    }

    #[test]
    fn escape_cancels_a_note() {
        let mut app = App::new(Lang::En);
        app.tab = Tab::Alerts;
        app.selected_alert_id = Some(1);
        app.on_key(key(KeyCode::Char('a')));
        typed(&mut app, "half");
        assert_eq!(app.on_key(key(KeyCode::Esc)), None);
        assert_eq!(app.mode, Mode::Normal);
        assert_eq!(app.status.as_deref(), Some("acknowledgement cancelled"));
    }

    #[test]
    fn nothing_to_acknowledge_says_so() {
        let mut app = App::new(Lang::En);
        app.tab = Tab::Alerts;
        assert_eq!(app.on_key(key(KeyCode::Char('a'))), None);
        assert_eq!(app.mode, Mode::Normal);
        assert!(app.status.is_some());
    }

    #[test]
    fn a_long_note_stops_growing() {
        let mut app = App::new(Lang::En);
        app.tab = Tab::Alerts;
        app.selected_alert_id = Some(1);
        app.on_key(key(KeyCode::Char('a')));
        typed(&mut app, &"x".repeat(10 * 1024));
        let Mode::Ack { note, .. } = &app.mode else { panic!() };
        assert_eq!(note.chars().count(), NOTE_INPUT_MAX);
    }

    #[test]
    fn selection_stays_inside_the_list() {
        let mut app = App::new(Lang::En);
        app.tab = Tab::Devices;
        app.rows = 3;
        app.on_key(key(KeyCode::PageDown));
        assert_eq!(app.device_selected, 2);
        app.on_key(key(KeyCode::Up));
        app.on_key(key(KeyCode::Home));
        assert_eq!(app.device_selected, 0);
        app.rows = 0;
        app.on_key(key(KeyCode::Down));
        assert_eq!(app.device_selected, 0);
    }

    #[test]
    fn search_takes_text_then_returns_to_commands() {
        let mut app = App::new(Lang::En);
        app.tab = Tab::Devices;
        app.on_key(key(KeyCode::Char('/')));
        assert_eq!(typed(&mut app, "10.20"), None);
        app.on_key(key(KeyCode::Enter));
        assert_eq!(app.search, "10.20");
        assert_eq!(app.on_key(key(KeyCode::Char('q'))), Some(Command::Quit));
    }

    #[test]
    fn filters_cycle_and_wrap() {
        let mut app = App::new(Lang::En);
        app.tab = Tab::Alerts;
        app.kinds = vec!["device.unregistered".into(), "route.offlan_destination".into()];
        app.on_key(key(KeyCode::Char('t')));
        assert_eq!(app.alert_filter.kind.as_deref(), Some("device.unregistered"));
        app.on_key(key(KeyCode::Char('t')));
        app.on_key(key(KeyCode::Char('t')));
        assert_eq!(app.alert_filter.kind, None);
        for _ in 0..3 {
            app.on_key(key(KeyCode::Char('f')));
        }
        assert_eq!(app.alert_filter.state, StateFilter::Open);
    }
}
