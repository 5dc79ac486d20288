//! Blends: the knowledge mix beside other chat datasets (skills, replay data, earlier mixes), each
//! up- or down-sampled by rows, a ratio, tokens or its share of a token budget; InstructLab recipes
//! read and written; and a pre-flight of what the trainer would drop.

mod params;
mod plan;
mod recipe;
mod report;
mod sample;
mod size;

pub use params::{BlendParams, BlendText, SourceParams, TrainerLimit};
pub use plan::{
    plan_blend, preview, trainer_keeps, BlendReport, CutBlend, Drops, Entry, SourcePreview,
    SourceReport, SourceRows, MIN_TRAINED_TOKENS,
};
pub use recipe::{parse_recipe, recipe_text, Recipe, RecipeDataset};
pub use report::blend_text;
pub use size::{parse_tokens, short_number, Size};
