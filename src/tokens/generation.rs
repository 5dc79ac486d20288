//! transformers' `{% generation %}…{% endgeneration %}` blocks mark the assistant's tokens for
//! `return_assistant_tokens_mask`; for the rendered text they are transparent. minijinja has no
//! such tag, so each becomes a block tag that renders its body (`if true` / `endif`): as a block
//! tag it keeps the same `trim_blocks` / `lstrip_blocks` white-space handling.

/// The template source with generation tags replaced; any other text is left as it is.
pub fn without_generation_tags(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(open) = rest.find("{%") {
        let (before, tag) = rest.split_at(open);
        out.push_str(before);
        match rewrite(tag) {
            Some((rewritten, len)) => {
                out.push_str(&rewritten);
                rest = &tag[len..];
            }
            None => {
                out.push_str("{%");
                rest = &tag[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `tag` starts with `{%`; if it is a generation tag, its replacement and its length.
fn rewrite(tag: &str) -> Option<(String, usize)> {
    // From after `{%`: in `{%}` the `%}` overlaps the opening (found by fuzzing).
    let close = tag.get(2..)?.find("%}")? + 2;
    let inner = &tag[2..close];
    let open_mark = inner
        .strip_prefix(['-', '+'])
        .map(|_| &inner[..1])
        .unwrap_or("");
    let body = &inner[open_mark.len()..];
    let close_mark = if body.ends_with(['-', '+']) {
        &body[body.len() - 1..]
    } else {
        ""
    };
    let word = body[..body.len() - close_mark.len()].trim();
    let replacement = match word {
        "generation" => "if true",
        "endgeneration" => "endif",
        _ => return None,
    };
    Some((
        format!("{{%{open_mark} {replacement} {close_mark}%}}"),
        close + 2,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_tags_become_blocks_that_render_their_body() {
        assert_eq!(
            without_generation_tags("a{% generation %}b{%- endgeneration -%}c{% if x %}"),
            "a{% if true %}b{%- endif -%}c{% if x %}"
        );
        assert_eq!(
            without_generation_tags("{{ '{%' }} {%+generation%}"),
            "{{ '{%' }} {%+ if true %}"
        );
        // Broken tags are left for the template compiler to report.
        for broken in ["{%}", "{%", "{%%}", "a{%}b{% generation"] {
            assert_eq!(without_generation_tags(broken), broken);
        }
    }
}
