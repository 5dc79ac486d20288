"""Every .jsonl file kmix writes loads with datasets.load_dataset("json"), as training reads it:
the rows its manifest gives, and `metadata` a string column. KMIX_DATASETS_OUT: the output
folders, `:`-separated (tools/test-datasets.sh)."""
import json
import os
import unittest

import datasets

datasets.disable_progress_bars()


class LoadsAsTrainingDoes(unittest.TestCase):
    def test_every_written_file_loads_with_one_schema(self):
        folders = os.environ["KMIX_DATASETS_OUT"].split(":")
        loaded = 0
        for folder in folders:
            with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
                outputs = {o["file_name"]: o["rows"] for o in json.load(f)["outputs"]}
            written = sorted(n for n in os.listdir(folder) if n.endswith(".jsonl"))
            self.assertEqual(written, sorted(outputs), folder)
            for name in written:
                with self.subTest(folder=os.path.basename(folder), file=name):
                    rows = datasets.load_dataset("json", data_files=os.path.join(folder, name), split="train")
                    self.assertEqual(len(rows), outputs[name])
                    self.assertEqual(rows.features["metadata"], datasets.Value("string"))
                    loaded += 1
        # A knowledge mix, a blend and the blend made again from its recipe.
        self.assertGreaterEqual(loaded, 4)


if __name__ == "__main__":
    unittest.main()
