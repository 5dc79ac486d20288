//! HuggingFace chat templates rendered as Python `transformers` renders them: jinja2 with
//! trim_blocks, lstrip_blocks and loop controls, `raise_exception`, `strftime_now`, its own `tojson`,
//! Python string methods, and reasoning aliased onto `thinking` and `reasoning_content`.

use minijinja::{Environment, Error as JinjaError, ErrorKind, Value};
use serde_json::{Map, Value as Json};

use super::bounds::{output_limit, BoundedOutput};
use super::clock::DateTime;
use super::config::TokenizerConfig;
use crate::error::{Error, Result};
use crate::render::Message;

/// Enough for any real template on any real conversation; stops one that loops without end.
const FUEL: u64 = 50_000_000;
const TEMPLATE: &str = "chat_template";

pub struct ChatTemplate {
    env: Environment<'static>,
    /// Special tokens and other variables `transformers` passes beside `messages`.
    globals: Map<String, Json>,
}

impl ChatTemplate {
    pub fn new(source: &str, config: &TokenizerConfig, now_local: i64) -> Result<Self> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_fuel(Some(FUEL));
        env.set_unknown_method_callback(super::pystr::method);
        env.add_filter("trim", super::pystr::trim);
        env.add_filter("indent", super::bounds::indent);
        env.add_function(
            "raise_exception",
            |message: String| -> Result<Value, JinjaError> {
                Err(JinjaError::new(ErrorKind::InvalidOperation, message))
            },
        );
        let now = DateTime::from_unix(now_local);
        env.add_function("strftime_now", move |format: String| now.strftime(&format));
        env.add_filter("tojson", super::pyjson::tojson);
        env.add_template_owned(TEMPLATE, super::generation::without_generation_tags(source))
            .map_err(|e| template_error("the chat template does not compile", &e))?;

        let mut globals = Map::new();
        for (name, text) in &config.special_tokens {
            globals.insert(name.clone(), Json::String(text.clone()));
        }
        if !config.additional_special_tokens.is_empty() {
            globals.insert(
                "additional_special_tokens".into(),
                config.additional_special_tokens.clone().into(),
            );
        }
        globals.insert("add_generation_prompt".into(), Json::Bool(false));
        globals.insert("tools".into(), Json::Null);
        globals.insert("documents".into(), Json::Null);
        Ok(ChatTemplate { env, globals })
    }

    pub fn render(&self, messages: &[Message]) -> Result<String> {
        self.render_json(messages.iter().map(template_message).collect())
    }

    /// Renders messages given as JSON objects, each handed to the template as `transformers` hands
    /// it: as it is, its reasoning aliased.
    pub fn render_json(&self, mut messages: Vec<Json>) -> Result<String> {
        messages.iter_mut().for_each(alias_reasoning);
        let limit = output_limit(messages.iter().map(message_text_len).sum());
        let mut context = self.globals.clone();
        context.insert("messages".into(), Json::Array(messages));
        let template = self
            .env
            .get_template(TEMPLATE)
            .map_err(|e| template_error("the chat template is missing", &e))?;
        let mut out = BoundedOutput::new(limit);
        let rendered = template.render_captured_to(Value::from_serialize(&context), &mut out);
        if out.exceeded {
            return Err(Error::template(format!(
                "the chat template wrote more than {} MB for one conversation and was stopped",
                out.limit() >> 20
            ))
            .field(TEMPLATE));
        }
        rendered.map_err(|e| template_error("the chat template failed", &e))?;
        String::from_utf8(out.bytes)
            .map_err(|_| Error::template("the chat template wrote text that is not UTF-8"))
    }
}

/// A message as `transformers` hands it to the template: null keys dropped, and the reasoning set
/// as both `thinking` and `reasoning_content` (templates read one or the other).
fn template_message(message: &Message) -> Json {
    let mut m = Map::new();
    m.insert("role".into(), message.role.as_ref().into());
    if let Some(content) = &message.content {
        m.insert("content".into(), content.clone().into());
    }
    if let Some(thinking) = &message.thinking {
        m.insert("thinking".into(), thinking.clone().into());
        m.insert("reasoning_content".into(), thinking.clone().into());
    }
    Json::Object(m)
}

/// As `transformers`' `_alias_reasoning_fields`: a message's reasoning (its first non-null
/// `reasoning_content`, `thinking` or `reasoning`) set as `reasoning_content`, and as `thinking`
/// where that key is absent; templates read one or the other.
fn alias_reasoning(message: &mut Json) {
    let Json::Object(m) = message else { return };
    let given = ["reasoning_content", "thinking", "reasoning"]
        .iter()
        .find_map(|key| m.get(*key).filter(|v| !v.is_null()));
    if let Some(reasoning) = given.cloned() {
        m.entry("thinking").or_insert_with(|| reasoning.clone());
        m.insert("reasoning_content".into(), reasoning);
    }
}

/// The text a message carries (the length of its JSON, strings and all), which bounds its rendering.
fn message_text_len(message: &Json) -> usize {
    match message {
        Json::String(s) => s.len(),
        Json::Array(items) => items.iter().map(message_text_len).sum(),
        Json::Object(map) => map.iter().map(|(k, v)| k.len() + message_text_len(v)).sum(),
        _ => 8,
    }
}

fn template_error(what: &str, e: &JinjaError) -> Error {
    let mut text = format!("{what}: {}", e.kind());
    if let Some(detail) = e.detail() {
        text.push_str(&format!(": {detail}"));
    }
    if let Some(line) = e.line() {
        text.push_str(&format!(" (template line {line})"));
    }
    if e.kind() == ErrorKind::OutOfFuel {
        text.push_str(" — the template ran too long and was stopped");
    }
    Error::template(text).field("chat_template")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(thinking: &str) -> Vec<Message> {
        vec![
            Message {
                role: "user".into(),
                content: Some("Q".into()),
                thinking: None,
            },
            Message {
                role: "assistant".into(),
                content: Some("A".into()),
                thinking: Some(thinking.into()),
            },
        ]
    }

    fn template(src: &str) -> Result<ChatTemplate> {
        let config = TokenizerConfig {
            special_tokens: vec![("bos_token".into(), "<s>".into())],
            ..Default::default()
        };
        ChatTemplate::new(src, &config, 0)
    }

    #[test]
    fn null_keys_are_dropped_and_reasoning_is_aliased() {
        let t = template(
            "{{ bos_token }}{% for m in messages %}{{ m.role }}:{{ m.thinking is defined }}:{{ m.reasoning_content }}|{% endfor %}",
        )
        .unwrap();
        assert_eq!(
            t.render(&conversation("R")).unwrap(),
            "<s>user:False:|assistant:True:R|"
        );
    }

    #[test]
    fn what_a_rendering_may_produce_is_bounded() {
        for (src, needle) in [
            ("{{ 'x'|indent(100000000, true) }}", "indent of 100000000"),
            ("{{ 'x'|indent(width=5000) }}", "indent of 5000"),
            ("{{ messages|tojson(indent=99999) }}", "indent of 99999"),
            (
                "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
                "wrote more than 1 MB",
            ),
        ] {
            let e = template(src)
                .unwrap()
                .render(&conversation(""))
                .unwrap_err();
            assert!(e.message.contains(needle), "{src}: {e}");
        }
        // What real templates do stays allowed.
        let t = template("{{ 'a\nb'|indent(2, true) }}|{{ messages|tojson(indent=2)|length > 0 }}");
        assert_eq!(
            t.unwrap().render(&conversation("")).unwrap(),
            "  a\n  b|True"
        );
    }

    #[test]
    fn raise_exception_and_runaway_templates_are_reported() {
        let e = template("{{ raise_exception('roles must alternate') }}")
            .unwrap()
            .render(&conversation(""))
            .unwrap_err();
        assert!(e.message.contains("roles must alternate"), "{e}");
        let e = template(
            "{% for i in range(50000) %}{% for j in range(50000) %}{% endfor %}{% endfor %}",
        )
        .unwrap()
        .render(&conversation(""))
        .unwrap_err();
        assert!(e.message.contains("stopped"), "{e}");
        let e = template("{% if %}").err().unwrap();
        assert!(e.message.contains("does not compile"), "{e}");
    }
}
