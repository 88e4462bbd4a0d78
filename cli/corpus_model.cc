// cli/corpus_model.cc (placeholder, being written)
