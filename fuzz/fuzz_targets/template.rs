//! Chat-template rendering with fuel and the output bound: a template (the first line) renders a
//! conversation (the rest) or fails with an error; never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

use kmix::render::Message;
use kmix::tokens::{ChatTemplate, TokenizerConfig};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (source, content) = text.split_once('\n').unwrap_or((&text, "Q"));
    let config = TokenizerConfig {
        special_tokens: vec![
            ("bos_token".into(), "<s>".into()),
            ("eos_token".into(), "</s>".into()),
        ],
        ..Default::default()
    };
    let Ok(template) = ChatTemplate::new(source, &config, 1_795_595_167) else {
        return;
    };
    let messages = [
        Message {
            role: "user".into(),
            content: Some(content.to_string()),
            thinking: None,
        },
        Message {
            role: "assistant".into(),
            content: Some("A".into()),
            thinking: Some(content.to_string()),
        },
    ];
    let _ = template.render(&messages);
});
