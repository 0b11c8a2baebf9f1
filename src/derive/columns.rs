//! The columns of the open data's CSV files (`data/tasks.csv`, `targets.csv`, `progress.csv`):
//! name, Frictionless type and meaning. Export writes the files and their descriptor from these;
//! the data page lists them, so the page and the files cannot disagree.

pub const TASK_COLUMNS: [(&str, &str, &str); 11] = [
    ("plan", "string", "规划 id"),
    ("task", "string", "任务 id(在规划内唯一)"),
    ("number", "string", "印发文本中的序号"),
    ("title", "string", "任务名称"),
    ("lead", "string", "牵头单位(多个以“、”分隔,按原文)"),
    (
        "responsible",
        "string",
        "责任/配合单位(多个以“、”分隔,按原文)",
    ),
    (
        "status",
        "string",
        "最新进展状态:not_started/in_progress/completed/delayed/suspended",
    ),
    ("percent", "number", "最新报告的完成百分比"),
    ("last_update", "date", "最新报告日期"),
    ("targets", "integer", "目标个数"),
    ("url", "string", "任务页面(相对站点根目录)"),
];

pub const TARGET_COLUMNS: [(&str, &str, &str); 21] = [
    ("plan", "string", "规划 id"),
    ("task", "string", "任务 id(规划总体目标为空)"),
    ("target", "string", "目标 id"),
    ("text", "string", "目标原文"),
    ("metric", "string", "指标"),
    ("year", "integer", "目标年份"),
    ("value", "number", "目标值"),
    ("unit", "string", "单位"),
    ("comparator", "string", ">= <= = decrease_by increase_by qualitative"),
    ("baseline_value", "number", "计算所用基线值"),
    ("baseline_date", "date", "基线日期"),
    ("baseline_year", "integer", "基线年份"),
    ("baseline_source", "string", "基线来源:declared/earliest_measurement/measurement_in_baseline_year"),
    ("latest_value", "number", "最新测量值"),
    ("latest_date", "date", "最新测量日期"),
    ("target_value", "number", "换算后的目标值"),
    ("deadline", "date", "期限"),
    ("ratio", "number", "进展比率(实际年均变化 ÷ 所需年均变化)"),
    ("status", "string", "状态:achieved/on_track/needs_acceleration/limited_progress/deteriorating/missed/no_data/qualitative"),
    ("overdue", "boolean", "期限已过而无测量数据"),
    ("url", "string", "目标所在页面(相对站点根目录)"),
];

/// The columns of `progress.csv` with their types and meaning (names = `content::PROGRESS_CSV_COLUMNS`, which loading reads back).
pub const PROGRESS_COLUMNS: [(&str, &str, &str); 16] = [
    ("plan", "string", "规划 id"),
    ("task", "string", "任务 id"),
    ("date", "date", "报告所述日期"),
    ("published", "date", "公开日期"),
    (
        "status",
        "string",
        "not_started/in_progress/completed/delayed/suspended",
    ),
    ("percent", "number", "完成百分比 0–100"),
    ("reporter", "string", "报告单位"),
    ("sample", "boolean", "是否为示例数据"),
    ("target", "string", "测量的目标 id"),
    ("value", "number", "测量值"),
    ("unit", "string", "测量值单位"),
    ("as_of", "date", "测量值所对应日期"),
    ("source", "string", "数据来源"),
    ("evidence", "string", "佐证材料,每行“标题 | 网址”"),
    (
        "corrections",
        "string",
        "更正记录,每行“日期 | 目标 | 原数值 | 说明”",
    ),
    ("body", "string", "报告正文(Markdown)"),
];
