// io/mbox_writer.cc (placeholder, being written)
