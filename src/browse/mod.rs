//! The rows of each written file, to look through after a run: every line's length, tokens and
//! group (its kind, or the dataset it came from), the rows a person asks for (a group, rows that
//! hold a text, longest or shortest first), and where each of those lines is in its file.

mod search;
mod table;

pub use search::TextSearch;
pub use table::{RowOrder, RowQuery, RowSelection, RowTable, SelectedRow};
