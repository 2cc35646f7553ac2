"""The data sets: labelled images (`images`), paired and unpaired image sets (`image_pairs`), captioned
images (`captions`, `cub_text`), and the packed on-disk format they are cached in (`packed`)."""
