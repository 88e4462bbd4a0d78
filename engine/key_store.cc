// engine/key_store.cc
//
// Key snapshot store: latest snapshot not later than a pinned time.
#include "engine/key_store.h"

#include "absl/strings/string_view.h"
#include "engine/internal/ascii.h"

namespace dkimbatch::engine {

std::string KeyStore::NormalizeName(std::string_view name) {
  std::string out(name);
  return std::string(NormalizeInPlace(&out));
}

std::string_view KeyStore::NormalizeInPlace(std::string* name) {
  for (char& c : *name) c = internal::ToLower(c);
  std::string_view view = *name;
  if (!view.empty() && view.back() == '.') view.remove_suffix(1);
  return view;
}

void KeyStore::Add(std::string_view name, KeySnapshot snapshot) {
  auto prepared = std::make_shared<PreparedKey>();
  PrepareKey(snapshot.txt, prepared.get());
  snapshot.prepared = std::move(prepared);
  names_[NormalizeName(name)].push_back(std::move(snapshot));
  ++num_snapshots_;
}

const KeySnapshot* KeyStore::Find(std::string_view name, int64_t now,
                                  bool* has_later) const {
  return FindNormalized(NormalizeName(name), now, has_later);
}

const KeySnapshot* KeyStore::FindNormalized(std::string_view name, int64_t now,
                                            bool* has_later) const {
  if (has_later != nullptr) *has_later = false;
  // (absl::string_view is its own type in Debian's Abseil build.)
  auto it = names_.find(absl::string_view(name.data(), name.size()));
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
