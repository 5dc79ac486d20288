//! What a run's files are called: one place, for the command line, the page and the recipes alike.

pub const MANIFEST_FILE_NAME: &str = "manifest.json";

/// The mix of one cut size, as the notebook names it.
pub fn output_file_name(cut: u32) -> String {
    format!("combined_cut_{cut}x.jsonl")
}

/// The RAFT rows of one cut's knowledge rows.
pub fn raft_file_name(cut: u32) -> String {
    format!("raft_cut_{cut}x.jsonl")
}

/// The blend of one cut: its knowledge mix beside the datasets added.
pub fn blend_file_name(cut: u32) -> String {
    format!("blend_cut_{cut}x.jsonl")
}

/// The InstructLab recipe of one cut's blend.
pub fn recipe_file_name(cut: u32) -> String {
    format!("recipe_cut_{cut}x.yaml")
}

/// Whether kmix gives a knowledge mix this name (`combined_cut_6x.jsonl`, not
/// `combined_cut_06x.jsonl`).
pub fn is_mix_name(name: &str) -> bool {
    cut_named(name, output_file_name).is_some()
}

/// Whether kmix gives a cut's RAFT rows this name.
pub fn is_raft_name(name: &str) -> bool {
    cut_named(name, raft_file_name).is_some()
}

/// The cut whose file `name(cut)` is called `file`.
fn cut_named(file: &str, name: fn(u32) -> String) -> Option<u32> {
    let (prefix, suffix) = name(0)
        .split_once('0')
        .map(|(p, s)| (p.to_string(), s.to_string()))?;
    file.strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(&suffix))
        .and_then(|cut| cut.parse::<u32>().ok())
        .filter(|&cut| name(cut) == file)
}

/// Whether kmix writes a file of this name: a knowledge mix, a blend or a recipe.
fn is_output_name(name: &str) -> bool {
    [output_file_name, blend_file_name, recipe_file_name]
        .into_iter()
        .any(|named| cut_named(name, named).is_some())
}

/// The files (mixes, blends, recipes) an earlier run's manifest lists: what a new run into the same folder replaces.
/// Only names kmix itself gives its mixes count, so that a manifest can never point elsewhere.
pub fn mixes_listed_in(manifest: &str) -> Vec<String> {
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(manifest) else {
        return Vec::new();
    };
    let listed = |list: &str, key: &str| -> Vec<String> {
        let list = match list {
            "outputs" => &manifest["outputs"],
            _ => &manifest["blend"]["cuts"],
        };
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry[key].as_str().map(str::to_string))
            .collect()
    };
    listed("outputs", "file_name")
        .into_iter()
        .chain(listed("blend", "recipe_file_name"))
        .filter(|name| is_output_name(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mix_names_are_taken_from_a_manifest() {
        let manifest = r#"{"outputs": [{"file_name": "combined_cut_6x.jsonl"},
            {"file_name": "../etc/passwd"}, {"file_name": "combined_cut_06x.jsonl"},
            {"file_name": "notes.txt"}, {"file_name": "blend_cut_6x.jsonl"}],
            "blend": {"cuts": [{"recipe_file_name": "recipe_cut_6x.yaml"},
            {"recipe_file_name": "recipe_cut_6x.yml"}]}}"#;
        assert_eq!(
            mixes_listed_in(manifest),
            [
                "combined_cut_6x.jsonl",
                "blend_cut_6x.jsonl",
                "recipe_cut_6x.yaml"
            ]
        );
        assert!(mixes_listed_in("not json").is_empty());
    }
}
