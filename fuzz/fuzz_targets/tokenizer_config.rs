//! `tokenizer_config.json` loading, and the template it holds compiled.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(config) = kmix::tokens::TokenizerConfig::parse(data, "tokenizer_config.json") {
        if let Some(template) = &config.chat_template {
            let _ = kmix::tokens::ChatTemplate::new(template, &config, 0);
        }
    }
});
