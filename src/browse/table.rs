//! One written file's rows, as a run wrote them, and the selections made from them.

use serde::{Deserialize, Serialize};

/// Every row of one written file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowTable {
    /// Where each line starts in the file; the last entry is the file's size.
    starts: Vec<u64>,
    /// Each row's token length, when a tokenizer counted.
    tokens: Vec<Option<u32>>,
    /// Each row's group, a position in `groups`.
    group_of: Vec<u16>,
    /// The groups' names: kinds, and the datasets of a blend, in order of first appearance.
    pub groups: Vec<String>,
}

/// In what order a selection lists its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOrder {
    #[default]
    File,
    Longest,
    Shortest,
}

/// Which rows to show, and which window of them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RowQuery {
    /// Only this group's rows.
    pub group: Option<String>,
    /// Only these rows (those a [`super::TextSearch`] found), in file order.
    pub matching: Option<Vec<u32>>,
    pub order: RowOrder,
    /// The window: from the `start`th selected row, `count` rows.
    pub start: usize,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowSelection {
    /// Rows selected in all.
    pub total: usize,
    /// The window of them asked for.
    pub rows: Vec<SelectedRow>,
}

/// A row, and where its line is, to read it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelectedRow {
    /// Its position in the file, from 0.
    pub row: u32,
    pub offset: u64,
    pub len: u32,
    pub tokens: Option<u32>,
    pub group: String,
}

impl Default for RowTable {
    fn default() -> Self {
        RowTable {
            starts: vec![0],
            tokens: Vec::new(),
            group_of: Vec::new(),
            groups: Vec::new(),
        }
    }
}

impl RowTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next row's line: its length in bytes (its newline included), tokens and group.
    pub fn push(&mut self, len: u32, tokens: Option<u32>, group: &str) {
        let group = match self.groups.iter().position(|g| g == group) {
            Some(g) => g,
            None => {
                self.groups.push(group.to_string());
                self.groups.len() - 1
            }
        };
        let end = self.starts[self.starts.len() - 1] + u64::from(len);
        self.starts.push(end);
        self.tokens.push(tokens);
        self.group_of.push(group as u16);
    }

    pub fn rows(&self) -> usize {
        self.tokens.len()
    }

    /// The rows `query` asks for, and the window of them it wants.
    pub fn select(&self, query: &RowQuery) -> RowSelection {
        let group = query
            .group
            .as_ref()
            .map(|name| self.groups.iter().position(|g| g == name));
        let mut rows: Vec<u32> = match &query.matching {
            Some(matching) => matching
                .iter()
                .copied()
                .filter(|&r| (r as usize) < self.rows())
                .collect(),
            None => (0..self.rows() as u32).collect(),
        };
        if let Some(group) = group {
            rows.retain(|&r| group == Some(self.group_of[r as usize] as usize));
        }
        // Stable: rows of one length keep their file order.
        let length = |r: &u32| self.tokens[*r as usize].unwrap_or(0);
        match query.order {
            RowOrder::File => {}
            RowOrder::Longest => rows.sort_by_key(|r| std::cmp::Reverse(length(r))),
            RowOrder::Shortest => rows.sort_by_key(length),
        }
        let window = rows.iter().skip(query.start).take(query.count);
        RowSelection {
            total: rows.len(),
            rows: window.map(|&r| self.row(r)).collect(),
        }
    }

    fn row(&self, row: u32) -> SelectedRow {
        let r = row as usize;
        SelectedRow {
            row,
            offset: self.starts[r],
            len: (self.starts[r + 1] - self.starts[r]) as u32,
            tokens: self.tokens[r],
            group: self.groups[self.group_of[r] as usize].clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RowTable {
        let mut t = RowTable::new();
        for (len, tokens, group) in [(10, 5, "a"), (20, 9, "b"), (30, 7, "a"), (5, 9, "a")] {
            t.push(len, Some(tokens), group);
        }
        t
    }

    fn rows(selection: &RowSelection) -> Vec<u32> {
        selection.rows.iter().map(|r| r.row).collect()
    }

    #[test]
    fn rows_are_selected_by_group_and_text_and_ordered_by_length() {
        let t = table();
        let all = RowQuery {
            count: 10,
            ..Default::default()
        };
        assert_eq!(rows(&t.select(&all)), [0, 1, 2, 3]);
        let longest = RowQuery {
            order: RowOrder::Longest,
            ..all.clone()
        };
        assert_eq!(
            rows(&t.select(&longest)),
            [1, 3, 2, 0],
            "ties keep file order"
        );
        let shortest_a = RowQuery {
            order: RowOrder::Shortest,
            group: Some("a".into()),
            ..all.clone()
        };
        assert_eq!(rows(&t.select(&shortest_a)), [0, 2, 3]);
        let found = RowQuery {
            matching: Some(vec![1, 3, 99]),
            ..all.clone()
        };
        assert_eq!(rows(&t.select(&found)), [1, 3]);
        let nowhere = RowQuery {
            group: Some("zzz".into()),
            ..all
        };
        assert_eq!(t.select(&nowhere).total, 0);
    }

    #[test]
    fn a_window_says_where_each_line_is() {
        let t = table();
        let page = t.select(&RowQuery {
            start: 1,
            count: 2,
            ..Default::default()
        });
        assert_eq!(page.total, 4);
        assert_eq!(
            page.rows[1],
            SelectedRow {
                row: 2,
                offset: 30,
                len: 30,
                tokens: Some(7),
                group: "a".into()
            }
        );
    }
}
