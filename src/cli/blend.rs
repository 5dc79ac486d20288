//! The blend flags (`--add`, `--recipe`, `--budget`, `--share`, `--max-seq-len`) as the core's
//! [`BlendText`], and the added datasets as files.

use std::path::{Component, Path, PathBuf};

use crate::blend::{parse_recipe, BlendText};
use crate::read::{dataset_name, KNOWLEDGE, RAFT};
use crate::Error;

use super::args::Args;
use super::sources::{resolved, FileSource};

/// The blend as asked, and the datasets to read (their recipe paths relative to `out`).
pub fn blend_from_args(args: &Args, out: &Path) -> Result<(BlendText, Vec<FileSource>), Error> {
    let mut text = BlendText {
        budget: args.budget.clone(),
        shares: args.share.clone(),
        max_seq_len: args.max_seq_len.clone(),
        drop_over_length: args.drop_over_length,
        trainer_count: args.trainer_count.clone(),
        ..Default::default()
    };
    let mut datasets: Vec<(PathBuf, Option<String>)> = Vec::new();
    if let Some(recipe) = &args.recipe {
        let shown = recipe.display().to_string();
        let yaml = std::fs::read_to_string(recipe)
            .map_err(|e| Error::io(format!("cannot read the recipe: {e}")).in_file(&shown))?;
        let parsed = parse_recipe(&yaml, &shown)?;
        let folder = recipe.parent().unwrap_or(Path::new(""));
        for (i, entry) in parsed.datasets.iter().enumerate() {
            if entry.is_knowledge_mix() || entry.is_raft_rows() {
                let name = if entry.is_raft_rows() {
                    RAFT
                } else {
                    KNOWLEDGE
                };
                text.sizes.push((name.into(), entry.size.text()));
                continue;
            }
            let path = folder.join(&entry.path);
            if !path.is_file() {
                return Err(Error::input(format!(
                    "the dataset {} does not exist (paths are relative to the recipe's folder)",
                    path.display()
                ))
                .in_file(&shown)
                .field(format!("datasets[{i}].path")));
            }
            datasets.push((path, Some(entry.size.text())));
        }
        text.sys_prompt = parsed.sys_prompt;
    }
    for add in &args.add {
        let (path, size) = match add.rsplit_once('=') {
            Some((path, size)) if !Path::new(add).exists() => (path, Some(size.to_string())),
            _ => (add.as_str(), None),
        };
        if (path == KNOWLEDGE || path == RAFT) && !Path::new(path).exists() {
            let size = size.unwrap_or_else(|| "1.0".into());
            text.sizes.push((path.into(), size));
            continue;
        }
        datasets.push((PathBuf::from(path), size));
    }
    let mut sources = Vec::new();
    for (path, size) in datasets {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(&path)
            .map_err(|e| Error::io(format!("cannot read the dataset: {e}")).in_file(&shown))?;
        if meta.is_dir() {
            return Err(
                Error::parameters("a dataset to blend is a file, not a folder").in_file(shown),
            );
        }
        // Known by its file name, as the page knows it: the manifest and the report name no
        // folder of this machine, and a blend's manifest is the same bytes in both.
        let name = dataset_name(&shown).to_string();
        if let Some(size) = size {
            text.sizes.push((name.clone(), size));
        }
        text.recipe_paths
            .push((name.clone(), recipe_path(out, &path)));
        sources.push(FileSource::new(name, path, meta.len()));
    }
    Ok((text, sources))
}

/// Where a recipe written into the folder `out` finds the dataset at `path`.
pub fn recipe_path(out: &Path, path: &Path) -> String {
    relative_to(&resolved(out), &resolved(path))
}

/// `to` as a path from the folder `from` (both absolute), as a recipe in `from` names it.
fn relative_to(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.display().to_string();
    }
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to_parts[common..] {
        path.push(part);
    }
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipe_paths_are_relative_to_the_output_folder() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative_to(&p("/w/out"), &p("/w/data/s.jsonl")),
            "../data/s.jsonl"
        );
        assert_eq!(relative_to(&p("/w/out"), &p("/w/out/s.jsonl")), "s.jsonl");
    }
}
