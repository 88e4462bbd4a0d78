// cli/pipeline.cc (placeholder, being written)
