//! Errors as values that say what went wrong and where: a kind both edges act on, and the file,
//! line, column and field, so that a user can find and fix the input.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of problem it is, so that the edges can act on it without reading the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// An input file or row is not what kmix reads.
    #[default]
    Input,
    /// A parameter (cut sizes, Q&A per augmentation, seed) is not valid, or allows no mix.
    Parameters,
    /// The tokenizer's files cannot be loaded.
    Tokenizer,
    /// The chat template does not compile or fails on a row.
    Template,
    /// A file could not be read or written.
    Io,
    /// The user stopped the run.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Error {
    pub kind: ErrorKind,
    pub file: Option<String>,
    pub line: Option<u64>,
    pub column: Option<u32>,
    /// What kmix was doing when it failed (say, which row it was counting), apart from the message.
    pub context: Option<Box<str>>,
    pub field: Option<String>,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            ..Default::default()
        }
    }

    pub fn input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Input, message)
    }

    pub fn parameters(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Parameters, message)
    }

    pub fn tokenizer(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Tokenizer, message)
    }

    pub fn template(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Template, message)
    }

    pub fn io(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Io, message)
    }

    pub fn cancelled() -> Self {
        Error::new(ErrorKind::Cancelled, "cancelled: nothing was written")
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file.get_or_insert_with(|| file.into());
        self
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line.get_or_insert(line);
        self
    }

    /// A column of 0 (a parser's "before the first character", at the end of the text) says
    /// nothing a person can use, and is left out.
    pub fn at_column(mut self, column: u64) -> Self {
        if column == 0 {
            return self;
        }
        self.column
            .get_or_insert(u32::try_from(column).unwrap_or(u32::MAX));
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field.get_or_insert_with(|| field.into());
        self
    }

    /// Says what kmix was doing; the innermost context, set first, is kept.
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context
            .get_or_insert_with(|| context.into().into_boxed_str());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        if let Some(context) = &self.context {
            write!(f, "{context}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}
