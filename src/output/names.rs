//! What a run's files are called: one place, for the command line and the page alike.

pub const MANIFEST_FILE_NAME: &str = "manifest.json";

/// The mix of one cut size, as the notebook names it.
pub fn output_file_name(cut: u32) -> String {
    format!("combined_cut_{cut}x.jsonl")
}

/// Whether kmix gives a mix this name (`combined_cut_6x.jsonl`, not `combined_cut_06x.jsonl`).
pub fn is_mix_name(name: &str) -> bool {
    name.strip_prefix("combined_cut_")
        .and_then(|rest| rest.strip_suffix("x.jsonl"))
        .and_then(|cut| cut.parse::<u32>().ok())
        .is_some_and(|cut| output_file_name(cut) == name)
}

/// The mixes an earlier run's manifest lists: what a new run into the same folder replaces.
/// Only names kmix itself gives its mixes count, so that a manifest can never point elsewhere.
pub fn mixes_listed_in(manifest: &str) -> Vec<String> {
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(manifest) else {
        return Vec::new();
    };
    manifest["outputs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|output| output["file_name"].as_str())
        .filter(|name| is_mix_name(name))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mix_names_are_taken_from_a_manifest() {
        let manifest = r#"{"outputs": [{"file_name": "combined_cut_6x.jsonl"},
            {"file_name": "../etc/passwd"}, {"file_name": "combined_cut_06x.jsonl"},
            {"file_name": "notes.txt"}]}"#;
        assert_eq!(mixes_listed_in(manifest), ["combined_cut_6x.jsonl"]);
        assert!(mixes_listed_in("not json").is_empty());
    }
}
