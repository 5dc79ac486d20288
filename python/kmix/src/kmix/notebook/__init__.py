"""kmix in a notebook.

    from kmix import Kmix
    Kmix("generated_output_data", cuts="5, 50", tokenizer="llama3_1")

shows the kmix page this package carries in the cell's output, served by the Jupyter server itself
(the server extension ``kmix.notebook.server``, at ``{base_url}kmix/``), sends it the generation
folder's files from the kernel (over the notebook's own connection: nothing goes to any other
server), and writes the mixes and the manifest it returns into a folder beside the notebook
(``out``, by default ``kmix_out``).
"""
