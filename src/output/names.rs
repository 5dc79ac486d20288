//! What a run's files are called: one place, for the command line and the page alike.

pub const MANIFEST_FILE_NAME: &str = "manifest.json";

/// The mix of one cut size, as the notebook names it.
pub fn output_file_name(cut: u32) -> String {
    format!("combined_cut_{cut}x.jsonl")
}
