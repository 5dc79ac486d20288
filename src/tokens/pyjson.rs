//! The `tojson` filter as `transformers` defines it: Python's `json.dumps(ensure_ascii=False)`,
//! with `indent`, `separators` and `sort_keys`, and no HTML escaping (unlike jinja2's own).

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, ErrorKind, Value};

pub fn tojson(value: Value, kwargs: Kwargs) -> Result<Value, Error> {
    let indent: Option<Value> = kwargs.get("indent")?;
    let sort_keys: Option<bool> = kwargs.get("sort_keys")?;
    let separators: Option<Value> = kwargs.get("separators")?;
    kwargs.assert_all_used()?;
    let indent = match indent {
        None => None,
        Some(v) if v.is_none() => None,
        Some(v) => Some(match v.as_str() {
            Some(s) => s.to_string(),
            None => " ".repeat(super::bounds::check_indent(
                i64::try_from(v)?.max(0) as usize,
                "tojson",
            )?),
        }),
    };
    let (item_sep, key_sep) = match separators {
        Some(v) if !v.is_none() => (
            v.get_item(&Value::from(0))?.to_string(),
            v.get_item(&Value::from(1))?.to_string(),
        ),
        // Python's defaults: ", " on one line, "," when indenting.
        _ if indent.is_some() => (",".to_string(), ": ".to_string()),
        _ => (", ".to_string(), ": ".to_string()),
    };
    let style = Style {
        indent,
        item_sep,
        key_sep,
        sort_keys: sort_keys.unwrap_or(false),
    };
    let mut out = String::new();
    style.write(&value, 0, &mut out)?;
    Ok(Value::from(out))
}

struct Style {
    indent: Option<String>,
    item_sep: String,
    key_sep: String,
    sort_keys: bool,
}

impl Style {
    fn write(&self, value: &Value, depth: usize, out: &mut String) -> Result<(), Error> {
        match value.kind() {
            ValueKind::Undefined | ValueKind::None => out.push_str("null"),
            ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
            ValueKind::Number => out.push_str(&number(value)),
            ValueKind::String => out.push_str(&json_string(value.as_str().unwrap_or_default())),
            ValueKind::Seq | ValueKind::Iterable => {
                let items: Vec<Value> = value.try_iter()?.collect();
                self.container('[', ']', items.len(), depth, out, |i, depth, out| {
                    self.write(&items[i], depth, out)
                })?;
            }
            ValueKind::Map => {
                let mut keys: Vec<Value> = value.try_iter()?.collect();
                if self.sort_keys {
                    keys.sort_by_key(|k| k.to_string());
                }
                self.container('{', '}', keys.len(), depth, out, |i, depth, out| {
                    let key = &keys[i];
                    out.push_str(&json_string(&key.to_string()));
                    out.push_str(&self.key_sep);
                    self.write(&value.get_item(key)?, depth, out)
                })?;
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("tojson cannot serialise a {}", value.kind()),
                ))
            }
        }
        Ok(())
    }

    fn container(
        &self,
        open: char,
        close: char,
        len: usize,
        depth: usize,
        out: &mut String,
        mut item: impl FnMut(usize, usize, &mut String) -> Result<(), Error>,
    ) -> Result<(), Error> {
        out.push(open);
        if len == 0 {
            out.push(close);
            return Ok(());
        }
        for i in 0..len {
            if i > 0 {
                out.push_str(&self.item_sep);
            }
            self.newline(depth + 1, out);
            item(i, depth + 1, out)?;
        }
        self.newline(depth, out);
        out.push(close);
        Ok(())
    }

    fn newline(&self, depth: usize, out: &mut String) {
        if let Some(indent) = &self.indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(indent);
            }
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("serialising a string cannot fail")
}

/// Integers as integers; floats as Python's `repr` writes them (`1.0`, `0.5`, `1e-07`).
fn number(value: &Value) -> String {
    // minijinja prints a float with its point (`1.0`), an integer without.
    let text = value.to_string();
    if !text.contains(['.', 'e', 'E', 'i', 'N']) {
        return text;
    }
    let f = f64::try_from(value.clone()).unwrap_or(f64::NAN);
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        python_float_repr(f)
    }
}

fn python_float_repr(f: f64) -> String {
    let shortest = format!("{f:e}");
    let (mantissa, exp) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        format!("{f}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::{context, Environment};

    fn render(src: &str, ctx: minijinja::Value) -> String {
        let mut env = Environment::new();
        env.add_filter("tojson", tojson);
        env.render_str(src, ctx).unwrap()
    }

    #[test]
    fn matches_python_json_dumps() {
        let ctx = context! { v => serde_json::json!({"b": [1, 2.5, null, true], "a": "é<&>\"\n", "c": 1.0, "d": 1e-7}) };
        assert_eq!(
            render("{{ v | tojson }}", ctx.clone()),
            r#"{"b": [1, 2.5, null, true], "a": "é<&>\"\n", "c": 1.0, "d": 1e-07}"#
        );
        assert_eq!(
            render(
                "{{ v | tojson(indent=2, sort_keys=true) }}",
                context! { v => serde_json::json!({"b": [1], "a": {}}) }
            ),
            "{\n  \"a\": {},\n  \"b\": [\n    1\n  ]\n}"
        );
        assert_eq!(
            render(
                "{{ v | tojson(separators=(',', ':')) }}",
                context! { v => serde_json::json!({"a": [1, 2]}) }
            ),
            r#"{"a":[1,2]}"#
        );
    }
}
