//! The GPT-OSS filter: questions the teacher left as placeholders are not training data.

const PLACEHOLDERS: [&str; 3] = ["...", "<question>", "<Insert question here>"];

pub fn is_placeholder_question(question: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| question.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_caught() {
        assert!(is_placeholder_question("What about ...?"));
        assert!(is_placeholder_question("<question> What?"));
        assert!(is_placeholder_question("<Insert question here>"));
        assert!(!is_placeholder_question("What is the threshold?"));
    }
}
