#include "core/demo_document.hpp"

#include <cctype>
#include <string_view>
#include <utility>

namespace th {

namespace {

constexpr std::string_view kLoremIpsum =
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
    "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in "
    "reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur "
    "sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id "
    "est laborum.\n\n"
    "Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque "
    "laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi "
    "architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit "
    "aspernatur aut odit aut fugit, sed quia consequuntur magni dolores eos qui ratione "
    "voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit "
    "amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut "
    "labore et dolore magnam aliquam quaerat voluptatem.\n\n"
    "Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, "
    "nisi ut aliquid ex ea commodi consequatur? Quis autem vel eum iure reprehenderit qui in ea "
    "voluptate velit esse quam nihil molestiae consequatur, vel illum qui dolorem eum fugiat "
    "quo voluptas nulla pariatur? At vero eos et accusamus et iusto odio dignissimos ducimus "
    "qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas "
    "molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui "
    "officia deserunt mollitia animi, id est laborum et dolorum fuga.";

constexpr std::string_view kPangrams =
    "The quick brown fox jumps over the lazy dog.\n"
    "Pack my box with five dozen liquor jugs.\n"
    "How vexingly quick daft zebras jump!\n"
    "Sphinx of black quartz, judge my vow.\n"
    "The five boxing wizards jump quickly.\n";

struct DemoText {
  const char* name;
  std::string_view text;
};

constexpr DemoText kDemoTexts[] = {{"Lorem ipsum", kLoremIpsum}, {"Pangrams", kPangrams}};

// A token is a run of newlines, or a word with the spaces before it (as a BPE tokenizer
// attaches them); punctuation stays with its word.
size_t TokenEnd(std::string_view text, size_t begin) {
  size_t end = begin;
  if (text[begin] == '\n') {
    while (end < text.size() && text[end] == '\n') ++end;
    return end;
  }
  while (end < text.size() && text[end] == ' ') ++end;
  while (end < text.size() && text[end] != ' ' && text[end] != '\n') ++end;
  return end;
}

bool IsVowel(char c) {
  return std::string_view("aeiou").find(static_cast<char>(
             std::tolower(static_cast<unsigned char>(c)))) != std::string_view::npos;
}

Sequence MakeSequence(const DemoText& demo) {
  Sequence sequence;
  sequence.name = demo.name;
  Channel characters{"characters", {}};
  Channel vowel_share{"vowel share", {}};
  for (size_t begin = 0; begin < demo.text.size();) {
    const size_t end = TokenEnd(demo.text, begin);
    const std::string_view token = demo.text.substr(begin, end - begin);
    int letters = 0;
    int vowels = 0;
    for (const char c : token) {
      if (!std::isalpha(static_cast<unsigned char>(c))) continue;
      ++letters;
      vowels += IsVowel(c);
    }
    sequence.AppendToken(token);
    characters.values.push_back(static_cast<float>(letters));
    vowel_share.values.push_back(
        letters > 0 ? static_cast<float>(vowels) / static_cast<float>(letters) : 0.0f);
    begin = end;
  }
  sequence.channels.push_back(std::move(characters));
  sequence.channels.push_back(std::move(vowel_share));
  return sequence;
}

}  // namespace

Document MakeDemoDocument() {
  Document document;
  document.source = "<demo>";
  for (const DemoText& demo : kDemoTexts) document.sequences.push_back(MakeSequence(demo));
  return document;
}

}  // namespace th
