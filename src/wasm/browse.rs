//! Looking through the rows a run wrote: the row tables it left, and the text search that the
//! worker streams an output file through.

use wasm_bindgen::prelude::*;

use super::convert::{error_to_js, from_js, to_js};
use super::types::{RowQueryJs, RowSelectionJs, Strings};
use crate::browse::{RowQuery, RowTable};
use crate::error::Error;

/// Every written file's rows, in the order of the outcome's outputs.
#[wasm_bindgen]
pub struct MixRows {
    tables: Vec<RowTable>,
}

impl MixRows {
    pub fn new(tables: Vec<RowTable>) -> Self {
        MixRows { tables }
    }

    fn table(&self, file: usize) -> Result<&RowTable, JsValue> {
        self.tables
            .get(file)
            .ok_or_else(|| error_to_js(Error::input(format!("the run wrote no file {file}"))))
    }
}

#[wasm_bindgen]
impl MixRows {
    /// The groups of a file's rows: its kinds, and a blend's datasets.
    pub fn groups(&self, file: usize) -> Result<Strings, JsValue> {
        Ok(to_js(&self.table(file)?.groups)?.unchecked_into())
    }

    /// The rows `query` asks for; `matching`, when given, the only rows to choose from (what a
    /// `TextSearch` found).
    pub fn select(
        &self,
        file: usize,
        query: RowQueryJs,
        matching: Option<Vec<u32>>,
    ) -> Result<RowSelectionJs, JsValue> {
        let query = RowQuery {
            matching,
            ..from_js(query.into(), "the row query")?
        };
        Ok(to_js(&self.table(file)?.select(&query))?.unchecked_into())
    }
}

/// The rows of a file that hold a text: push the file's bytes, then `finish`.
#[wasm_bindgen]
pub struct TextSearch {
    inner: crate::browse::TextSearch,
}

#[wasm_bindgen]
impl TextSearch {
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> TextSearch {
        TextSearch {
            inner: crate::browse::TextSearch::new(query),
        }
    }

    /// The next piece of the file; always wants more.
    pub fn push(&mut self, bytes: &[u8]) -> bool {
        self.inner.push(bytes);
        true
    }

    /// The rows found, in file order.
    pub fn finish(self) -> Vec<u32> {
        self.inner.finish()
    }
}
