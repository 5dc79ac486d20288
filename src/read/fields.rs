//! Typed access to a row's fields, with errors that name the field.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{Error, Result};

/// For `#[serde(default, deserialize_with = "present")]`: a field given as JSON null is
/// `Some(Value::Null)`, not `None` as serde has it, so that "is null" and "is missing" differ.
pub fn present<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A row's required string fields, read one by one; every field that is missing or null is
/// noted, so that one error names them all ([`Required::check`]).
#[derive(Default)]
pub struct Required {
    /// Each absent field, and whether it was there as null.
    absent: Vec<(String, bool)>,
}

impl Required {
    /// The field's text; `""` for now when it is absent. A wrong type is an error at once.
    pub fn take(&mut self, value: Option<Value>, field: &str) -> Result<String> {
        match value {
            Some(Value::String(s)) => Ok(s),
            None => self.absent(field, false),
            Some(Value::Null) => self.absent(field, true),
            Some(other) => Err(wrong_type(&other, field)),
        }
    }

    fn absent(&mut self, field: &str, null: bool) -> Result<String> {
        self.absent.push((field.to_string(), null));
        Ok(String::new())
    }

    /// An error naming every field that is missing (absent) or null.
    pub fn check(self) -> Result<()> {
        let state = |null: bool| if null { "is null" } else { "is missing" };
        match &self.absent[..] {
            [] => Ok(()),
            [(field, null)] => Err(Error::input(state(*null)).field(field)),
            several => {
                let each: Vec<String> = several
                    .iter()
                    .map(|(field, null)| format!("`{field}` {}", state(*null)))
                    .collect();
                Err(Error::input(format!(
                    "{} required fields are absent: {}",
                    several.len(),
                    each.join(", ")
                )))
            }
        }
    }
}

/// An optional string field: missing or null is `None`; another type is an error.
pub fn optional(value: Option<Value>, field: &str) -> Result<Option<String>> {
    match value {
        Some(Value::String(s)) => Ok(Some(s)),
        None | Some(Value::Null) => Ok(None),
        Some(other) => Err(wrong_type(&other, field)),
    }
}

pub fn wrong_type(value: &Value, field: &str) -> Error {
    expected(value, field, "a string")
}

/// `field` holds the wrong type of value: it must be `what`.
pub fn expected(value: &Value, field: &str, what: &str) -> Error {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    Error::input(format!("must be {what}, found {found}")).field(field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn required(value: Option<Value>, field: &str) -> Result<String> {
        let mut fields = Required::default();
        let text = fields.take(value, field)?;
        fields.check()?;
        Ok(text)
    }

    #[test]
    fn errors_name_the_field() {
        let e = required(None, "question").unwrap_err();
        assert_eq!(e.to_string(), "field `question`: is missing");
        let e = required(Some(Value::Null), "question").unwrap_err();
        assert_eq!(e.to_string(), "field `question`: is null");
        let mut fields = Required::default();
        fields.take(None, "question").unwrap();
        fields.take(Some(json!("x")), "document").unwrap();
        fields.take(Some(Value::Null), "raw_document").unwrap();
        assert_eq!(
            fields.check().unwrap_err().to_string(),
            "2 required fields are absent: `question` is missing, `raw_document` is null"
        );
        let e = required(Some(json!(5)), "response").unwrap_err();
        assert_eq!(
            e.to_string(),
            "field `response`: must be a string, found a number"
        );
        assert_eq!(optional(Some(Value::Null), "x").unwrap(), None);
        assert!(optional(Some(json!([1])), "x").is_err());
    }
}
