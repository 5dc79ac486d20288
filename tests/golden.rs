//! Token counts and renderings equal Python `transformers` on every fixture row
//! (tests/golden/*.json, made by tools/make_golden.py).

mod common;

use serde_json::Value;

fn golden(name: &str) -> Value {
    let path = common::root()
        .join("tests/golden")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn check(name: &str) {
    let tokenizer = common::load_tokenizer(name);
    let fixture = golden("fixture");
    let expected = golden(name);
    let cases = fixture.as_array().unwrap();
    assert!(cases.len() >= 10);
    for (i, case) in cases.iter().enumerate() {
        let messages = common::messages(case);
        let rendered = tokenizer.render(&messages).unwrap();
        assert_eq!(
            rendered,
            expected["rendered"][i].as_str().unwrap(),
            "{name}: case {i} renders differently from Python"
        );
        assert_eq!(
            tokenizer.count(&messages).unwrap(),
            expected["token_counts"][i].as_u64().unwrap() as u32,
            "{name}: case {i} counts differently from Python"
        );
    }
}

#[test]
fn llama3_1_matches_python() {
    check("llama3_1");
}

#[test]
fn qwen3_matches_python() {
    check("qwen3");
}

#[test]
fn gemma3_matches_python() {
    check("gemma3");
}

#[test]
fn deepseek_v3_matches_python() {
    check("deepseek_v3");
}

#[test]
fn a_tokenizer_without_chat_template_is_a_clear_error() {
    let dir = common::tokenizer_dir("gptoss");
    let files = common::tokenizer_files(&dir);
    let err = kmix::tokens::ChatTokenizer::load(&files, 0).err().unwrap();
    assert!(err.message.contains("has no chat template"), "{err}");
    assert!(err.message.contains("chat_template.jinja"), "{err}");
    // A chat_template.jinja beside it fixes that.
    let with_template = kmix::tokens::TokenizerFiles {
        chat_template_jinja: Some("{% for m in messages %}{{ m.content }}{% endfor %}".into()),
        ..files
    };
    let tokenizer = kmix::tokens::ChatTokenizer::load(&with_template, 0).unwrap();
    let messages = common::messages(&golden("fixture")[0]);
    assert!(tokenizer.count(&messages).unwrap() > 5);
}

#[test]
fn a_broken_tokenizer_json_is_a_clear_error() {
    let files = kmix::tokens::TokenizerFiles {
        name: "broken".into(),
        tokenizer_json: b"{\"model\": 5}".to_vec(),
        ..Default::default()
    };
    let err = kmix::tokens::ChatTokenizer::load(&files, 0).err().unwrap();
    assert_eq!(err.file.as_deref(), Some("tokenizer.json"));
    assert!(err.message.contains("cannot load the tokenizer"), "{err}");
}

#[test]
fn generation_blocks_and_a_pinned_date_render_as_in_python() {
    let templates = golden("templates");
    let dir = common::tokenizer_dir("llama3_1");
    let now = kmix::tokens::parse_date(templates["date"].as_str().unwrap()).unwrap();
    let cases = golden("fixture");
    for (name, expected) in templates["templates"].as_object().unwrap() {
        let files = kmix::tokens::TokenizerFiles {
            chat_template_jinja: Some(expected["template"].as_str().unwrap().to_string()),
            ..common::tokenizer_files(&dir)
        };
        let tokenizer = kmix::tokens::ChatTokenizer::load(&files, now).unwrap();
        assert_eq!(tokenizer.info().date, "2026-11-25");
        for (i, case) in cases.as_array().unwrap().iter().enumerate() {
            let messages = common::messages(case);
            assert_eq!(
                tokenizer.render(&messages).unwrap(),
                expected["rendered"][i].as_str().unwrap(),
                "{name}: case {i} renders differently from Python"
            );
            assert_eq!(
                u64::from(tokenizer.count(&messages).unwrap()),
                expected["token_counts"][i].as_u64().unwrap(),
                "{name}: case {i} counts differently from Python"
            );
        }
    }
}

#[test]
fn a_null_response_renders_or_fails_as_in_python() {
    let golden = golden("null_content");
    let messages = common::messages(&golden["messages"]);
    for (name, expected) in golden["tokenizers"].as_object().unwrap() {
        let tokenizer = common::load_tokenizer(name);
        match expected["rendered"].as_str() {
            Some(rendered) => {
                assert_eq!(tokenizer.render(&messages).unwrap(), rendered, "{name}");
                assert_eq!(
                    u64::from(tokenizer.count(&messages).unwrap()),
                    expected["token_count"].as_u64().unwrap(),
                    "{name}"
                );
            }
            None => {
                let e = tokenizer.render(&messages).unwrap_err();
                assert_eq!(e.kind, kmix::ErrorKind::Template, "{name}: {e}");
            }
        }
    }
}

/// Rows of other chat datasets (a system message, several turns, extra keys): rendered, counted
/// as the notebook counts (`length`) and as InstructLab training counts (`trained`, with its
/// end-of-sequence check) exactly as Python does; a role order the template refuses fails with
/// the template's own words.
#[test]
fn training_counts_match_python() {
    let expected = golden("training");
    let rows = expected["rows"].as_array().unwrap();
    for name in ["llama3_1", "qwen3", "gemma3", "deepseek_v3"] {
        let tokenizer = common::load_tokenizer(name);
        for (i, row) in rows.iter().enumerate() {
            let want = &expected["tokenizers"][name][i];
            let rendered = tokenizer.render_json(row.as_array().unwrap().clone());
            if let Some(error) = want["error"].as_str() {
                let e = rendered.unwrap_err();
                assert!(e.message.contains(error), "{name} row {i}: {e}");
                continue;
            }
            let rendered = rendered.unwrap();
            assert_eq!(
                rendered,
                want["rendered"].as_str().unwrap(),
                "{name} row {i}"
            );
            let t = tokenizer.tokens_of_text(&rendered).unwrap();
            assert_eq!(
                u64::from(t.length),
                want["length"].as_u64().unwrap(),
                "{name} row {i}"
            );
            assert_eq!(
                u64::from(t.trained),
                want["trained"].as_u64().unwrap(),
                "{name} row {i}"
            );
            assert_eq!(
                t.ends_with_eos,
                want["ends_with_eos"].as_bool().unwrap(),
                "{name} row {i}"
            );
        }
    }
}
