//! Typed access to a row's fields, with errors that name the field.

use serde_json::Value;

use crate::error::{Error, Result};

/// A required string field: missing, null or not a string is an error naming the field.
pub fn required(value: Option<Value>, field: &str) -> Result<String> {
    match value {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(Error::input("is missing").field(field)),
        Some(other) => Err(wrong_type(&other, field)),
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

fn wrong_type(value: &Value, field: &str) -> Error {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    Error::input(format!("must be a string, found {found}")).field(field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_field() {
        let e = required(None, "question").unwrap_err();
        assert_eq!(e.to_string(), "field `question`: is missing");
        let e = required(Some(json!(5)), "response").unwrap_err();
        assert_eq!(
            e.to_string(),
            "field `response`: must be a string, found a number"
        );
        assert_eq!(optional(Some(Value::Null), "x").unwrap(), None);
        assert!(optional(Some(json!([1])), "x").is_err());
    }
}
