"""One module per paper table family: build the models, train every method, evaluate."""
