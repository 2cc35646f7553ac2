"""The book: page helpers the notebooks call (`page`, `plots`), the summary and reproduce boxes, the
notebook runner and its up-to-date keys (`runner`, `deps`), and the speed page's bench and estimates."""
