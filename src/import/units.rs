//! Printed unit names → entries of `content/units/<jurisdiction>.toml`, extending what is there.
//!
//! A department is printed under several names (市发改委 / 市发展改革委 / 市发展和改革委员会,
//! 市發改委 in a Traditional document). Names are compared through a key: Simplified characters,
//! no spaces, no 和, and the official long forms folded to their usual short forms. Two names
//! with the same key are one unit: the first printed form seen becomes the name, the others
//! aliases. Existing entries and their ids are never changed, only extended; new ids are the
//! jurisdiction slug plus the pinyin initials of the name, suffixed on collision with any id in
//! any units file.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use super::text::to_simplified;
use super::write::string;

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct UnitsFile {
    pub name: String,
    #[serde(default, rename = "unit")]
    pub units: Vec<Unit>,
    /// Keys the importer does not know, kept as they were.
    #[serde(flatten)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Unit {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default = "department")]
    pub kind: String,
    #[serde(flatten)]
    pub extra: toml::Table,
}

fn department() -> String {
    "department".into()
}

/// Official long forms → the short form printed more often. Applied to Simplified text.
const FOLDS: &[(&str, &str)] = &[
    ("发展和改革委员会", "发改委"),
    ("发展改革委员会", "发改委"),
    ("发展改革委", "发改委"),
    ("市场监督管理局", "市场监管局"),
    ("卫生健康委员会", "卫健委"),
    ("卫生和健康委员会", "卫健委"),
    ("卫生健康委", "卫健委"),
    ("住房和城乡建设局", "住建局"),
    ("住房城乡建设局", "住建局"),
    ("文化和旅游局", "文旅局"),
    ("文化旅游局", "文旅局"),
    ("工业和信息化局", "工信局"),
    ("经济和信息化局", "经信局"),
    ("人力资源和社会保障局", "人社局"),
    ("国有资产监督管理委员会", "国资委"),
    ("城市管理委员会", "城管委"),
    ("生态环境保护局", "生态环境局"),
    ("地方金融监督管理局", "地方金融局"),
    ("地方金融工作局", "地方金融局"),
    ("机关事务管理局", "机关事务局"),
];

/// The comparison key of a unit name.
pub fn key(name: &str) -> String {
    let mut k: String = to_simplified(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for (long, short) in FOLDS {
        k = k.replace(long, short);
    }
    k.replace('和', "").replace('（', "(").replace('）', ")")
}

/// Collective names stand for many units (各有关部门和单位, 各县区, 县(市)区政府, 市直相关部门).
pub fn is_collective(name: &str) -> bool {
    let s = to_simplified(name);
    ["各", "所有", "全体", "等", "《"]
        .iter()
        .any(|p| s.starts_with(p))
        || [
            "有关",
            "相关",
            "成员单位",
            "涉及",
            "县区",
            "县(市)区",
            "县（市）区",
            "在陇",
            "各级",
        ]
        .iter()
        .any(|w| s.contains(w))
}

/// ASCII initials of a name through pinyin: 市发改委 → "sfgw".
pub fn initials(name: &str) -> String {
    super::text::pinyin_words(name)
        .iter()
        .filter_map(|w| {
            if w.chars().all(|c| c.is_ascii_digit()) {
                Some(w.clone())
            } else {
                w.chars().next().map(String::from)
            }
        })
        .collect()
}

/// What extending a units file did.
#[derive(Debug, Default, PartialEq)]
pub struct Change {
    pub new_units: usize,
    pub new_aliases: usize,
}

/// Adds every printed name (in order of appearance, repeats counted) to `file`.
/// `taken` holds every id already used in any units file; new ids are added to it.
pub fn extend(
    file: &mut UnitsFile,
    slug: &str,
    printed: &[String],
    taken: &mut BTreeSet<String>,
) -> Change {
    let mut change = Change::default();
    // Group the new names by key, most printed form first.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<(String, usize)>> = HashMap::new();
    for name in printed {
        let k = key(name);
        let g = groups.entry(k.clone()).or_insert_with(|| {
            order.push(k.clone());
            Vec::new()
        });
        match g.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += 1,
            None => g.push((name.clone(), 1)),
        }
    }
    for k in order {
        let mut forms = groups.remove(&k).unwrap_or_default();
        // Stable: most common first, ties by first appearance.
        forms.sort_by_key(|f| std::cmp::Reverse(f.1));
        let existing = file
            .units
            .iter_mut()
            .find(|u| key(&u.name) == k || u.aliases.iter().any(|a| key(a) == k));
        match existing {
            Some(u) => {
                for (name, _) in forms {
                    if u.name != name && !u.aliases.contains(&name) {
                        // A Simplified form is a better display name than a Traditional one.
                        if to_simplified(&u.name) == name && u.name != name {
                            let old = std::mem::replace(&mut u.name, name);
                            u.aliases.push(old);
                        } else {
                            u.aliases.push(name);
                        }
                        change.new_aliases += 1;
                    }
                }
            }
            None => {
                let name = forms[0].0.clone();
                let base = format!("{slug}-{}", initials(&name));
                let mut id = base.clone();
                let mut n = 2;
                while taken.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                taken.insert(id.clone());
                let kind = if is_collective(&name) {
                    "collective"
                } else {
                    "department"
                };
                file.units.push(Unit {
                    id,
                    name,
                    aliases: forms[1..].iter().map(|(n, _)| n.clone()).collect(),
                    kind: kind.into(),
                    extra: toml::Table::new(),
                });
                change.new_units += 1;
            }
        }
    }
    change
}

/// Whether `name` resolves in `file`, by name or alias.
pub fn resolves(file: &UnitsFile, name: &str) -> bool {
    file.units
        .iter()
        .any(|u| u.name == name || u.aliases.iter().any(|a| a == name))
}

pub fn to_toml(file: &UnitsFile) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "name = {}", string(&file.name));
    for (k, v) in &file.extra {
        let _ = writeln!(out, "{k} = {v}");
    }
    for u in &file.units {
        let _ = writeln!(
            out,
            "\n[[unit]]\nid = {}\nname = {}",
            string(&u.id),
            string(&u.name)
        );
        if !u.aliases.is_empty() {
            let a: Vec<String> = u.aliases.iter().map(|s| string(s)).collect();
            let _ = writeln!(out, "aliases = [{}]", a.join(", "));
        }
        let _ = writeln!(out, "kind = {}", string(&u.kind));
        for (k, v) in &u.extra {
            let _ = writeln!(out, "{k} = {v}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> UnitsFile {
        UnitsFile {
            name: "武汉市".into(),
            units: Vec::new(),
            extra: toml::Table::new(),
        }
    }

    #[test]
    fn long_and_short_forms_share_a_key() {
        assert_eq!(key("市发展和改革委员会"), key("市发改委"));
        assert_eq!(key("市发展改革委"), key("市发改委"));
        assert_eq!(key("市發改委"), key("市发改委"));
        assert_eq!(key("市市场监督管理局"), key("市市场监管局"));
        assert_eq!(key("市自然资源和规划局"), key("市自然资源规划局"));
        assert_ne!(key("市经信局"), key("市工信局"));
    }

    #[test]
    fn ids_are_pinyin_initials_and_unique() {
        let mut f = file();
        let mut taken = BTreeSet::from(["wuhan-sjxj".to_string()]);
        let names = [
            "市发改委",
            "市经信局",
            "市发展改革委",
            "各有关部门和单位",
            "市发改委",
        ]
        .map(String::from);
        let c = extend(&mut f, "wuhan", &names, &mut taken);
        assert_eq!(
            c,
            Change {
                new_units: 3,
                new_aliases: 0
            }
        );
        assert_eq!(f.units[0].id, "wuhan-sfgw");
        assert_eq!(f.units[0].aliases, ["市发展改革委"]);
        assert_eq!(f.units[1].id, "wuhan-sjxj-2");
        assert_eq!(f.units[2].kind, "collective");
    }

    #[test]
    fn extending_keeps_ids_and_prefers_simplified_names() {
        let mut f = file();
        let mut taken = BTreeSet::new();
        extend(&mut f, "wuhan", &["市發改委".to_string()], &mut taken);
        let id = f.units[0].id.clone();
        let c = extend(
            &mut f,
            "wuhan",
            &["市发改委".to_string(), "市发展和改革委员会".to_string()],
            &mut taken,
        );
        assert_eq!(c.new_units, 0);
        assert_eq!(f.units[0].id, id);
        assert_eq!(f.units[0].name, "市发改委");
        assert!(resolves(&f, "市發改委") && resolves(&f, "市发展和改革委员会"));
    }

    #[test]
    fn units_file_round_trips() {
        let mut f = file();
        extend(
            &mut f,
            "wuhan",
            &["市发改委".to_string(), "市发展改革委".to_string()],
            &mut BTreeSet::new(),
        );
        let back: UnitsFile = toml::from_str(&to_toml(&f)).unwrap();
        assert_eq!(back, f);
    }
}
