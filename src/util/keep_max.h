// keep_max: a map entry that holds the largest value offered for its key (e.g. the highest level
// at which a rotation key is used, so one key made there serves every use).
#pragma once

#include <algorithm>
#include <map>

namespace ola {

/// Sets m[key] to value if key is absent, else to max(m[key], value).
template <class Key, class Value>
void keep_max(std::map<Key, Value>& m, const Key& key, const Value& value) {
  const auto [it, fresh] = m.emplace(key, value);
  if (!fresh) it->second = std::max(it->second, value);
}

}  // namespace ola
