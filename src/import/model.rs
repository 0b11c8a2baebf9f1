//! What an imported plan is: the values written to plan.toml and tasks.toml (DESIGN §3).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub id: String,
    pub title: String,
    pub jurisdiction: String,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
    pub categories: Vec<String>,
    pub written: Option<Date>,
    pub published: Option<Date>,
    pub validity: Option<String>,
    pub period: Option<(i32, i32)>,
    pub source: String,
    pub summary: Option<String>,
    pub goals: Option<String>,
    pub sections: Vec<Section>,
    pub safeguards: Vec<Safeguard>,
    pub targets: Vec<Target>,
    pub tasks: Vec<Task>,
}

/// A heading that groups tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub path: Vec<String>,
    pub title: String,
}

/// An item of a closing section (保障措施 …): kept, but not a task.
#[derive(Debug, Clone, PartialEq)]
pub struct Safeguard {
    pub path: Vec<String>,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub path: Vec<String>,
    pub title: String,
    pub text: String,
    pub duty: Duty,
    pub targets: Vec<Target>,
    /// 1-based line of the item's heading in the input (for messages).
    pub line: usize,
}

/// The units on a task's responsibility line, as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Duty {
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    /// The printed label of `responsible` when it is not 责任单位 (e.g. 配合单位).
    pub responsible_label: Option<String>,
    /// Printed notes that are not units (以下均需…落实,不再列出; 按照职责分别负责).
    pub note: Option<String>,
    /// The units were a plain list with neither label nor lead verb (`（A、B、C负责）`): a rule
    /// stated elsewhere (列第一位者为牵头单位) may make the first one the lead.
    pub plain_list: bool,
}

impl Duty {
    pub fn units(&self) -> impl Iterator<Item = &String> {
        self.lead.iter().chain(&self.responsible)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    AtLeast,
    AtMost,
    Equal,
    DecreaseBy,
    IncreaseBy,
    Qualitative,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::AtMost => "<=",
            Comparator::Equal => "=",
            Comparator::DecreaseBy => "decrease_by",
            Comparator::IncreaseBy => "increase_by",
            Comparator::Qualitative => "qualitative",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub text: String,
    pub metric: String,
    pub year: Option<i32>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub comparator: Comparator,
    pub baseline_year: Option<i32>,
}
