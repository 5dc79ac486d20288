//! What each input file is, told by its path (folder and file name) and, failing that, its first row.

use serde::{Deserialize, Serialize};

use crate::source::without_copy_number;

/// The kinds of input kmix mixes, in the order their rows appear in a mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ExtractiveSummary,
    DetailedSummary,
    KeyFactsToQa,
    DocumentBasedQa,
    QnaYaml,
    SeedData,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::ExtractiveSummary,
        Kind::DetailedSummary,
        Kind::KeyFactsToQa,
        Kind::DocumentBasedQa,
        Kind::QnaYaml,
        Kind::SeedData,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::ExtractiveSummary => "extractive_summary",
            Kind::DetailedSummary => "detailed_summary",
            Kind::KeyFactsToQa => "key_facts_to_qa",
            Kind::DocumentBasedQa => "document_based_qa",
            Kind::QnaYaml => "qna_yaml",
            Kind::SeedData => "seed_data",
        }
    }

    /// Summary kinds are sampled per raw document; every other kind goes into every cut whole.
    pub fn is_summary(self) -> bool {
        matches!(self, Kind::ExtractiveSummary | Kind::DetailedSummary)
    }

    /// The generation folders, whose names identify their files.
    pub const FOLDERS: [Kind; 4] = [
        Kind::ExtractiveSummary,
        Kind::DetailedSummary,
        Kind::KeyFactsToQa,
        Kind::DocumentBasedQa,
    ];
}

/// What a path says about a file before its content is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detection {
    Kind(Kind),
    /// A JSON data file outside any kind folder: its first row decides.
    ByContent,
    Ignored(String),
}

pub fn detect(path: &str) -> Detection {
    // `.` and `..` lead somewhere (`./base/x.jsonl`); they are not hidden names.
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    let Some((file, folders)) = parts.split_last() else {
        return Detection::Ignored("empty path".into());
    };
    if parts.iter().any(|p| p.starts_with('.')) {
        return Detection::Ignored("hidden file or folder".into());
    }
    // A copy of a name (`final_seed_data (2).jsonl`) is of the kind of the name.
    let lower = without_copy_number(file).to_ascii_lowercase();
    if lower == "qna.yaml" || lower == "qna.yml" {
        return Detection::Kind(Kind::QnaYaml);
    }
    let stem = lower.strip_suffix(".gz").unwrap_or(&lower);
    let Some(stem) = stem
        .strip_suffix(".jsonl")
        .or_else(|| stem.strip_suffix(".json"))
    else {
        return Detection::Ignored(
            "not an input kmix reads (.jsonl, .json, .jsonl.gz or qna.yaml)".into(),
        );
    };
    if stem == "final_seed_data" {
        return Detection::Kind(Kind::SeedData);
    }
    for folder in folders.iter().rev() {
        if let Some(kind) = Kind::FOLDERS.into_iter().find(|k| k.name() == *folder) {
            return Detection::Kind(kind);
        }
    }
    if let Some(kind) = Kind::FOLDERS.into_iter().find(|k| stem.contains(k.name())) {
        return Detection::Kind(kind);
    }
    Detection::ByContent
}

/// Decides the kind of a loose data file from the field names of its first row.
pub fn detect_by_fields(fields: &[&str]) -> Result<Kind, String> {
    let has = |name: &str| fields.contains(&name);
    if has("base_document") {
        Ok(Kind::DocumentBasedQa)
    } else if has("icl_document") && has("icl_query_1") && !has("question") {
        Ok(Kind::SeedData)
    } else {
        Err(format!(
            "cannot tell which kind of rows these are: put the file in a folder named {}",
            Kind::FOLDERS.map(|k| format!("{}/", k.name())).join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_names_decide_the_kind() {
        assert_eq!(
            detect("gen/extractive_summary/a.jsonl"),
            Detection::Kind(Kind::ExtractiveSummary)
        );
        assert_eq!(
            detect("detailed_summary\\b.jsonl.gz"),
            Detection::Kind(Kind::DetailedSummary)
        );
        assert_eq!(
            detect("out/key_facts_to_qa.json"),
            Detection::Kind(Kind::KeyFactsToQa)
        );
        assert_eq!(detect("x/qna.yaml"), Detection::Kind(Kind::QnaYaml));
        assert_eq!(
            detect("final_seed_data.jsonl"),
            Detection::Kind(Kind::SeedData)
        );
        assert_eq!(
            detect("run/final_seed_data (2).jsonl"),
            Detection::Kind(Kind::SeedData)
        );
        assert_eq!(detect("qna (3).yaml"), Detection::Kind(Kind::QnaYaml));
        assert_eq!(detect("loose.jsonl"), Detection::ByContent);
        assert!(matches!(detect("notes.txt"), Detection::Ignored(_)));
        assert!(matches!(
            detect("extractive_summary/.DS_Store"),
            Detection::Ignored(_)
        ));
    }

    #[test]
    fn content_decides_loose_files() {
        assert_eq!(
            detect_by_fields(&["question", "base_document"]),
            Ok(Kind::DocumentBasedQa)
        );
        assert_eq!(
            detect_by_fields(&["icl_document", "icl_query_1"]),
            Ok(Kind::SeedData)
        );
        assert!(detect_by_fields(&["question", "document"]).is_err());
    }
}
