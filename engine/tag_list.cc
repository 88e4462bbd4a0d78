// engine/tag_list.cc (placeholder, being written)
