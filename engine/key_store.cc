// engine/key_store.cc
//
// Key snapshot store: latest snapshot not later than a pinned time.
#include "engine/key_store.h"

#include "engine/internal/ascii.h"

namespace dkimbatch::engine {

std::string KeyStore::NormalizeName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return internal::Lower(name);
}

void KeyStore::Add(std::string_view name, KeySnapshot snapshot) {
  names_[NormalizeName(name)].push_back(std::move(snapshot));
  ++num_snapshots_;
}

const KeySnapshot* KeyStore::Find(std::string_view name, int64_t now,
                                  bool* has_later) const {
  if (has_later != nullptr) *has_later = false;
  auto it = names_.find(NormalizeName(name));
  if (it == names_.end()) return nullptr;
  const KeySnapshot* best = nullptr;
  // Ties on fetched_at: the snapshot added last wins (later line in the file).
  for (const KeySnapshot& snap : it->second) {
    if (snap.fetched_at > now) {
      if (has_later != nullptr) *has_later = true;
      continue;
    }
    if (best == nullptr || snap.fetched_at >= best->fetched_at) best = &snap;
  }
  return best;
}

}  // namespace dkimbatch::engine
