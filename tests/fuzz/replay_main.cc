// tests/fuzz/replay_main.cc
//
// A main() for fuzz targets built without libFuzzer (any compiler): runs
// LLVMFuzzerTestOneInput once on every file named, or found in a directory
// named, on the command line. ctest uses it to replay each target's
// regression inputs (tests/fuzz/regressions/<target>/) and seeds in the
// normal and sanitizer builds; a finding aborts, failing the test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path path(argv[i]);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "replay: no such file: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
    // As libFuzzer does, never pass a null pointer (an empty vector's data()
    // may be null).
    static const uint8_t kEmpty = 0;
    LLVMFuzzerTestOneInput(bytes.empty()
                               ? &kEmpty
                               : reinterpret_cast<const uint8_t*>(bytes.data()),
                           bytes.size());
  }
  std::printf("replay: %zu inputs ran clean\n", files.size());
  return 0;
}
