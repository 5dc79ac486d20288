//! What one rendering may produce. Fuel (see `template.rs`) bounds a template's steps, not its
//! output: a filter asked for a huge indent, or a loop writing without end, could take all memory.
//! These bounds stop such a template with its error, far above anything a real template writes.

use std::io::Write;

use minijinja::value::{Kwargs, StringInput};
use minijinja::{Error, ErrorKind, Value};

/// The widest indent a template may ask of `indent` or `tojson`.
pub const MAX_INDENT: usize = 1024;

/// What one rendering may write: 1 MB plus 64 times the conversation's own text.
pub fn output_limit(text_bytes: usize) -> usize {
    (1 << 20) + 64 * text_bytes
}

/// Collects a rendering, refusing to grow past its limit.
pub struct BoundedOutput {
    pub bytes: Vec<u8>,
    limit: usize,
    pub exceeded: bool,
}

impl BoundedOutput {
    pub fn new(limit: usize) -> Self {
        BoundedOutput {
            bytes: Vec::new(),
            limit,
            exceeded: false,
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl Write for BoundedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("the rendering is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An indent width a template asks for, refused past [`MAX_INDENT`].
pub fn check_indent(width: usize, filter: &str) -> Result<usize, Error> {
    if width > MAX_INDENT {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "`{filter}` was asked for an indent of {width}; at most {MAX_INDENT} is allowed"
            ),
        ));
    }
    Ok(width)
}

/// jinja2's `indent`, with its width bounded.
pub fn indent(
    value: StringInput<'_>,
    width: Option<usize>,
    first: Option<bool>,
    blank: Option<bool>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let asked = match width {
        Some(width) => Some(width),
        None => kwargs.peek::<Option<usize>>("width")?,
    };
    check_indent(asked.unwrap_or(4), "indent")?;
    minijinja::filters::indent(value, width, first, blank, kwargs)
}
