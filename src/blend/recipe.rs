//! InstructLab's recipe YAML, read (`datasets: [{path, sampling_size}]`, `metadata: {sys_prompt}`)
//! and written beside each blend with the rows actually taken, so that InstructLab's tooling can
//! read it and kmix can make the blend again.

use serde::Serialize;
use serde_yaml::Value;

use super::size::Size;
use crate::error::{Error, Result};
use crate::names::{is_mix_name, is_raft_name};
use crate::read::dataset_name;

#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    pub datasets: Vec<RecipeDataset>,
    pub sys_prompt: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecipeDataset {
    /// As the recipe writes it: relative paths are relative to the recipe's folder.
    pub path: String,
    pub size: Size,
}

impl RecipeDataset {
    /// A knowledge mix kmix writes (`combined_cut_5x.jsonl`) stands for the knowledge mix of the
    /// run, whatever its cut: its size is the knowledge mix's.
    pub fn is_knowledge_mix(&self) -> bool {
        is_mix_name(dataset_name(&self.path))
    }

    /// Whether the entry names a cut's RAFT rows (`raft_cut_{N}x.jsonl`).
    pub fn is_raft_rows(&self) -> bool {
        is_raft_name(dataset_name(&self.path))
    }
}

/// Reads a recipe; errors name the file and the field.
pub fn parse_recipe(text: &str, file: &str) -> Result<Recipe> {
    let fail = |message: String, field: &str| Error::input(message).in_file(file).field(field);
    let doc: Value = serde_yaml::from_str(text).map_err(|e| {
        let mut err = Error::input(format!("not a valid YAML recipe: {e}")).in_file(file);
        if let Some(at) = e.location() {
            err = err.at_line(at.line() as u64).at_column(at.column() as u64);
        }
        err
    })?;
    let Some(datasets) = doc.get("datasets").and_then(Value::as_sequence) else {
        return Err(fail(
            "is missing or not a list: a recipe lists its datasets, each with `path` and `sampling_size`".into(),
            "datasets",
        ));
    };
    if datasets.is_empty() {
        return Err(fail("is empty".into(), "datasets"));
    }
    let datasets = datasets
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = |name: &str| format!("datasets[{i}].{name}");
            let path = match entry.get("path") {
                Some(Value::String(path)) if !path.trim().is_empty() => path.clone(),
                _ => return Err(fail("is missing or not a file path".into(), &field("path"))),
            };
            let size = match entry.get("sampling_size") {
                // InstructLab's default: the whole dataset.
                None | Some(Value::Null) => Size::Ratio(1.0),
                Some(Value::Number(n)) if n.is_f64() => {
                    Size::ratio(n.as_f64().unwrap_or(0.0), &field("sampling_size"))
                        .map_err(|e| e.in_file(file))?
                }
                Some(Value::Number(n)) => Size::parse(&n.to_string(), &field("sampling_size"))
                    .map_err(|e| e.in_file(file))?,
                Some(Value::String(s)) => {
                    Size::parse(s, &field("sampling_size")).map_err(|e| e.in_file(file))?
                }
                Some(_) => {
                    return Err(fail(
                        "must be a row count or a ratio".into(),
                        &field("sampling_size"),
                    ))
                }
            };
            Ok(RecipeDataset { path, size })
        })
        .collect::<Result<Vec<_>>>()?;
    let sys_prompt = match doc.get("metadata").and_then(|m| m.get("sys_prompt")) {
        None | Some(Value::Null) => None,
        Some(Value::String(prompt)) => Some(prompt.clone()),
        Some(_) => return Err(fail("must be text".into(), "metadata.sys_prompt")),
    };
    Ok(Recipe {
        datasets,
        sys_prompt,
    })
}

#[derive(Serialize)]
struct RecipeOut<'a> {
    datasets: Vec<DatasetOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<MetadataOut<'a>>,
}

#[derive(Serialize)]
struct DatasetOut<'a> {
    path: &'a str,
    sampling_size: u64,
}

#[derive(Serialize)]
struct MetadataOut<'a> {
    sys_prompt: &'a str,
}

/// The recipe of one blend: each source's path and the rows taken of it.
pub fn recipe_text(header: &str, sources: &[(&str, u64)], sys_prompt: Option<&str>) -> String {
    let recipe = RecipeOut {
        datasets: sources
            .iter()
            .map(|&(path, sampling_size)| DatasetOut {
                path,
                sampling_size,
            })
            .collect(),
        metadata: sys_prompt.map(|sys_prompt| MetadataOut { sys_prompt }),
    };
    let body = serde_yaml::to_string(&recipe).expect("a recipe is plain data");
    let comments: String = header.lines().map(|l| format!("# {l}\n")).collect();
    comments + &body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_read_and_write() {
        let text = "datasets:\n  - path: combined_cut_5x.jsonl\n    sampling_size: 1.0\n  - path: data/skills.jsonl\n    sampling_size: 300\n  - path: replay.jsonl\n    sampling_size: 0.25\nmetadata:\n  sys_prompt: Be brief.\n";
        let recipe = parse_recipe(text, "r.yaml").unwrap();
        assert_eq!(recipe.datasets[0].size, Size::Ratio(1.0));
        assert!(recipe.datasets[0].is_knowledge_mix());
        assert_eq!(recipe.datasets[1].size, Size::Rows(300));
        assert_eq!(recipe.datasets[2].size, Size::Ratio(0.25));
        assert_eq!(recipe.sys_prompt.as_deref(), Some("Be brief."));
        let written = recipe_text(
            "by kmix",
            &[("combined_cut_5x.jsonl", 10), ("skills.jsonl", 300)],
            Some("Be brief."),
        );
        assert_eq!(
            written,
            "# by kmix\ndatasets:\n- path: combined_cut_5x.jsonl\n  sampling_size: 10\n- path: skills.jsonl\n  sampling_size: 300\nmetadata:\n  sys_prompt: Be brief.\n"
        );
        let again = parse_recipe(&written, "w.yaml").unwrap();
        assert_eq!(again.datasets[1].size, Size::Rows(300));
    }

    #[test]
    fn bad_recipes_name_the_file_and_field() {
        for (text, field) in [
            ("datasets: 5", "datasets"),
            ("other: 1", "datasets"),
            ("datasets: []", "datasets"),
            ("datasets:\n  - sampling_size: 3", "datasets[0].path"),
            (
                "datasets:\n  - path: a.jsonl\n    sampling_size: 0",
                "datasets[0].sampling_size",
            ),
            (
                "datasets:\n  - path: a.jsonl\n    sampling_size: -0.5",
                "datasets[0].sampling_size",
            ),
            (
                "datasets:\n  - path: a.jsonl\n    sampling_size: lots",
                "datasets[0].sampling_size",
            ),
            (
                "datasets:\n  - path: a.jsonl\nmetadata:\n  sys_prompt: [1]",
                "metadata.sys_prompt",
            ),
        ] {
            let e = parse_recipe(text, "r.yaml").unwrap_err();
            assert_eq!(e.file.as_deref(), Some("r.yaml"), "{text}");
            assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
        }
        let e = parse_recipe("datasets: [\n", "r.yaml").unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }
}
