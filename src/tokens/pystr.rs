//! Python's string semantics where templates rely on them: `str.strip()` and the jinja2 `trim`
//! filter strip what Python calls white space, which includes the separators U+001C..U+001F.

use minijinja::value::{Value, ValueKind};
use minijinja::{Error, State};

/// Python's `str.isspace()`: Unicode White_Space plus the four ASCII separators 0x1c..0x1f.
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip(chars)`, `lstrip`, `rstrip`: which ends, and what to strip (white space
/// when `chars` is none).
fn strip<'a>(text: &'a str, chars: Option<&str>, start: bool, end: bool) -> &'a str {
    let strips = |c: char| chars.map_or_else(|| is_python_space(c), |set| set.contains(c));
    let text = if start {
        text.trim_start_matches(strips)
    } else {
        text
    };
    if end {
        text.trim_end_matches(strips)
    } else {
        text
    }
}

/// jinja2's `trim`: `str(value).strip(chars)`, with Python's `str` of none and booleans.
pub fn trim(value: &Value, chars: Option<String>) -> String {
    let text = match value.kind() {
        ValueKind::Undefined => String::new(),
        ValueKind::None => "None".into(),
        ValueKind::Bool if value.is_true() => "True".into(),
        ValueKind::Bool => "False".into(),
        _ => value.to_string(),
    };
    strip(&text, chars.as_deref(), true, true).to_string()
}

/// Python string methods: `strip`, `lstrip` and `rstrip` as Python has them; the others as
/// minijinja-contrib's pycompat has them.
pub fn method(state: &State, value: &Value, method: &str, args: &[Value]) -> Result<Value, Error> {
    let ends = match method {
        "strip" => Some((true, true)),
        "lstrip" => Some((true, false)),
        "rstrip" => Some((false, true)),
        _ => None,
    };
    match (value.as_str(), ends, args) {
        (Some(text), Some((start, end)), [] | [_]) => {
            let chars = args.first().filter(|a| !a.is_none());
            let chars = chars.map(|c| {
                c.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| c.to_string())
            });
            Ok(Value::from(strip(text, chars.as_deref(), start, end)))
        }
        _ => minijinja_contrib::pycompat::unknown_method_callback(state, value, method, args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_white_space_includes_the_separators() {
        assert_eq!(trim(&Value::from("\u{1c}\u{1f} a \u{a0}\n"), None), "a");
        assert_eq!(trim(&Value::from(()), None), "None");
        assert_eq!(trim(&Value::from("xxaxx"), Some("x".into())), "a");
        assert_eq!(strip("\u{1e} a \u{1d}", None, true, false), "a \u{1d}");
    }
}
