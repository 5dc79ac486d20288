//! Which rows of a written file hold a text, found as the file's bytes stream past.

use memchr::memmem::Finder;

/// Finds the rows (lines) whose JSON text holds a query, ignoring ASCII case. The query is
/// matched as it is written inside a JSON string, so quotes, backslashes and newlines in it find
/// the same characters in the rows' texts.
pub struct TextSearch {
    finder: Finder<'static>,
    /// The row the next line is.
    row: u32,
    /// The start of a line that the bytes pushed so far end in the middle of, lowercased.
    partial: Vec<u8>,
    lowered: Vec<u8>,
    hits: Vec<u32>,
}

impl TextSearch {
    pub fn new(query: &str) -> Self {
        let escaped = serde_json::to_string(query).expect("a string serialises");
        let needle = escaped[1..escaped.len() - 1].to_ascii_lowercase();
        TextSearch {
            finder: Finder::new(needle.as_bytes()).into_owned(),
            row: 0,
            partial: Vec::new(),
            lowered: Vec::new(),
            hits: Vec::new(),
        }
    }

    /// The next piece of the file.
    pub fn push(&mut self, bytes: &[u8]) {
        let mut lowered = std::mem::take(&mut self.lowered);
        lowered.clear();
        lowered.extend(bytes.iter().map(u8::to_ascii_lowercase));
        let mut rest = &lowered[..];
        while let Some(end) = memchr::memchr(b'\n', rest) {
            if self.partial.is_empty() {
                self.line(&rest[..end]);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&rest[..end]);
                self.line(&line);
                line.clear();
                self.partial = line;
            }
            rest = &rest[end + 1..];
        }
        self.partial.extend_from_slice(rest);
        self.lowered = lowered;
    }

    /// The rows that hold the query, in file order, once the whole file is pushed.
    pub fn finish(mut self) -> Vec<u32> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(&line);
        }
        self.hits
    }

    fn line(&mut self, line: &[u8]) {
        if self.finder.find(line).is_some() {
            self.hits.push(self.row);
        }
        self.row += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(query: &str, file: &[u8], step: usize) -> Vec<u32> {
        let mut search = TextSearch::new(query);
        file.chunks(step).for_each(|piece| search.push(piece));
        search.finish()
    }

    #[test]
    fn rows_holding_the_text_are_found_however_the_file_is_pushed() {
        let rows = [
            r#"{"messages":[{"role":"user","content":"Zürich says \"hi\"\nthere"}]}"#,
            r#"{"messages":[{"role":"user","content":"nothing here"}]}"#,
            r#"{"messages":[{"role":"user","content":"ZÜRICH, SAYS"}]}"#,
        ];
        let file = rows.join("\n");
        for step in [1, 2, 7, 1000] {
            assert_eq!(found("zürich", file.as_bytes(), step), [0], "step {step}");
            assert_eq!(found("SAYS", file.as_bytes(), step), [0, 2], "step {step}");
            assert_eq!(found("\"hi\"\nthere", file.as_bytes(), step), [0]);
            assert_eq!(found("absent", file.as_bytes(), step), Vec::<u32>::new());
        }
    }
}
