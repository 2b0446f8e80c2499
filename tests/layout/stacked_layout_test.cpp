// The stacked view: block prefix sums and 64-bit scroll anchors, the sequence list's filter and
// order, the layout of the visible blocks, and the session's overview reductions.
#include "layout/stacked_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "layout/line_index.hpp"
#include "reduction_reference.hpp"
#include "session/session.hpp"

namespace th {
namespace {

const ValueSourceSpec kActChannel = ValueSourceSpec::OfChannel("act");

constexpr GridGeometry kGeometry{10, 20, 2};
constexpr int kPitch = 22;
constexpr int kPad = StackedView::kPadding;

// Sequences named `names`, sequence i with tokens[i] ("w " repeated) and the values given.
Document MakeDocument(const std::vector<std::string>& names, const std::vector<std::vector<float>>& values) {
  Document document;
  document.source = "<test>";
  for (size_t i = 0; i < names.size(); ++i) {
    Sequence& sequence = document.sequences.emplace_back();
    sequence.name = names[i];
    Channel& channel = sequence.channels.emplace_back();
    channel.name = "act";
    for (const float value : values[i]) {
      sequence.AppendToken("tok ");
      channel.values.push_back(value);
    }
  }
  return document;
}

TEST(BlockIndex, PrefixSumsFindEveryLinesBlock) {
  // 100k blocks of random heights: each line's block by binary search equals a walk.
  std::mt19937 random(7);
  std::vector<uint64_t> lines(100'000);
  for (uint64_t& count : lines) count = std::uniform_int_distribution<uint64_t>(2, 40)(random);
  const BlockIndex blocks(lines);
  ASSERT_EQ(blocks.BlockCount(), lines.size());
  uint64_t first = 0;
  for (size_t block = 0; block < lines.size(); ++block) {
    ASSERT_EQ(blocks.FirstLine(block), first);
    ASSERT_EQ(blocks.BlockLines(block), lines[block]);
    ASSERT_EQ(blocks.BlockOfLine(first), block);
    ASSERT_EQ(blocks.BlockOfLine(first + lines[block] - 1), block);
    first += lines[block];
  }
  EXPECT_EQ(blocks.LineCount(), first);
}

TEST(BlockIndex, EmptyBlocksAreSkipped) {
  const std::vector<uint64_t> lines{3, 0, 0, 2};
  const BlockIndex blocks(lines);
  EXPECT_EQ(blocks.BlockOfLine(2), 0u);
  EXPECT_EQ(blocks.BlockOfLine(3), 3u);
  EXPECT_EQ(blocks.BlockOfLine(4), 3u);
}

TEST(StackedAnchor, RoundTripsPastTwoToThe32Pixels) {
  // 1000 blocks of ten million lines: 2e11 pixels, far past what a float or 32 bits hold.
  const std::vector<uint64_t> lines(1000, 10'000'000);
  const BlockIndex blocks(lines);
  const int64_t total = kPad + static_cast<int64_t>(blocks.LineCount()) * kPitch;
  ASSERT_GT(total, int64_t{1} << 37);
  for (const int64_t scroll : {int64_t{0}, int64_t{5}, int64_t{kPad + 3}, (int64_t{1} << 32) + 7,
                               total - kPitch - 1, int64_t{kPad} + int64_t{999} * 10'000'000 * kPitch}) {
    const StackedAnchor anchor = AnchorOfScroll(blocks, scroll, kPitch, kPad);
    EXPECT_EQ(ScrollOfAnchor(blocks, anchor, kPitch, kPad), scroll) << scroll;
    const int64_t line = std::max<int64_t>(scroll - kPad, 0) / kPitch;
    EXPECT_EQ(anchor.block, static_cast<size_t>(line / 10'000'000)) << scroll;
    EXPECT_EQ(anchor.line, static_cast<uint64_t>(line % 10'000'000)) << scroll;
  }
  // The header of the last block, exactly.
  const StackedAnchor last{999, 0, 0};
  EXPECT_EQ(ScrollOfAnchor(blocks, last, kPitch, kPad), kPad + 999LL * 10'000'000 * kPitch);
}

TEST(SequenceList, FiltersByNameAndSortsDescending) {
  const Document document = MakeDocument({"alpha", "Beta", "gamma", "ALPHABET", "none"},
                                         {{1, 2, 3}, {5, 0}, {4, 4, 4, 4}, {2, 9}, {NAN, NAN, NAN, NAN, NAN}});
  const std::vector<SequenceSummary> summaries = SummariseSequences(document, ChannelValuesBySequence(document, "act"));
  EXPECT_FLOAT_EQ(summaries[0].Max(), 3.0f);
  EXPECT_FLOAT_EQ(summaries[0].Mean(), 2.0f);
  EXPECT_EQ(summaries[2].tokens, 4u);
  EXPECT_TRUE(std::isnan(summaries[4].Max()));

  using V = std::vector<uint32_t>;
  EXPECT_EQ(ListSequences(document, summaries, "", SequenceOrder::kFile), (V{0, 1, 2, 3, 4}));
  EXPECT_EQ(ListSequences(document, summaries, "alpha", SequenceOrder::kFile), (V{0, 3}));  // ignoring case
  EXPECT_EQ(ListSequences(document, summaries, "ETA", SequenceOrder::kFile), (V{1}));
  EXPECT_EQ(ListSequences(document, summaries, "zzz", SequenceOrder::kFile), V{});
  // Largest first; a sequence without values last; ties keep file order.
  EXPECT_EQ(ListSequences(document, summaries, "", SequenceOrder::kMax), (V{3, 1, 2, 0, 4}));
  EXPECT_EQ(ListSequences(document, summaries, "", SequenceOrder::kMean), (V{3, 2, 1, 0, 4}));
  EXPECT_EQ(ListSequences(document, summaries, "", SequenceOrder::kLength), (V{4, 2, 0, 1, 3}));
  EXPECT_EQ(ListSequences(document, summaries, "a", SequenceOrder::kMax), (V{3, 1, 2, 0}));
  for (const SequenceOrder order : kSequenceOrders) EXPECT_EQ(ParseSequenceOrder(SequenceOrderName(order)), order);
  EXPECT_FALSE(ParseSequenceOrder("size"));
}

TEST(StackedLayout, HeadersThenTokensOfEachBlockAtTheirRows) {
  // "tok " is 4 cells: 10 columns hold 2 tokens a line.
  const Document document = MakeDocument({"first", "second", "third"}, {{1, 2, 3}, {4}, {5, 6, 7, 8, 9}});
  const std::vector<SequenceSummary> summaries = SummariseSequences(document, ChannelValuesBySequence(document, "act"));
  const std::vector<uint32_t> listed{2, 0, 1};  // an order other than the file's
  constexpr int kColumns = 10;
  std::vector<LineIndex> wrapped;
  for (const Sequence& sequence : document.sequences) wrapped.push_back(LineIndex::Build(sequence, kColumns));
  std::vector<uint64_t> lines;
  for (const uint32_t i : listed) lines.push_back(kBlockHeaderLines + wrapped[i].LineCount() + kBlockGapLines);
  const BlockIndex blocks(lines);
  ASSERT_EQ(lines, (std::vector<uint64_t>{5, 4, 3}));

  const StackedLines all =
      LayoutStackedLines(document, listed, summaries, blocks, wrapped, ChannelValuesBySequence(document, "act"), kColumns, TokenText::kDecoded, 0, 100);
  ASSERT_EQ(all.layout.line_count, 12u);
  // Per row: the sequence, and whether a header or a token of it is drawn there.
  const std::vector<uint32_t> row_sequence{2, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1};
  EXPECT_EQ(all.row_sequence, row_sequence);
  std::vector<int> headers, token_rows;
  std::vector<float> values;
  for (size_t i = 0; i < all.layout.instances.size(); ++i) {
    const TokenInstance& instance = all.layout.instances[i];
    if (all.layout.tokens[i] == kHeaderToken) {
      EXPECT_EQ(instance.flags & kPlainTextFlag, kPlainTextFlag);
      headers.push_back(instance.row);
    } else {
      token_rows.push_back(instance.row);
      values.push_back(instance.value);
    }
  }
  EXPECT_EQ(headers, (std::vector<int>{0, 5, 9}));
  EXPECT_EQ(token_rows, (std::vector<int>{1, 1, 2, 2, 3, 6, 6, 7, 10}));
  EXPECT_EQ(values, (std::vector<float>{5, 6, 7, 8, 9, 1, 2, 3, 4}));

  // A window starting inside a block lays out the same rows, shifted.
  const StackedLines part =
      LayoutStackedLines(document, listed, summaries, blocks, wrapped, ChannelValuesBySequence(document, "act"), kColumns, TokenText::kDecoded, 2, 6);
  EXPECT_EQ(part.row_sequence, std::vector<uint32_t>(row_sequence.begin() + 2, row_sequence.begin() + 8));
  std::vector<int> part_rows;
  for (const TokenInstance& instance : part.layout.instances) part_rows.push_back(instance.row + 2);
  EXPECT_EQ(part_rows, (std::vector<int>{2, 2, 3, 5, 6, 6, 7}));
}

TEST(StackedLayout, HeaderNamesTheSequenceAndFitsTheColumns) {
  const Document document = MakeDocument({"a rather long sequence name"}, {{1, 2}});
  const SequenceSummary summary = SummariseSequences(document, ChannelValuesBySequence(document, "act"))[0];
  EXPECT_EQ(BlockHeader(document.sequences[0], summary, 80), "a rather long sequence name  2 tokens  max 2  mean 1.5");
  EXPECT_EQ(BlockHeader(document.sequences[0], summary, 36), "a rather\u2026  2 tokens  max 2  mean 1.5");
}

TEST(StackedView, KeepsItsSequenceAtTheTopAcrossFilterAndWidth) {
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
  for (int i = 0; i < 50; ++i) {
    names.push_back((i % 2 ? "odd " : "even ") + std::to_string(i));
    values.push_back(std::vector<float>(static_cast<size_t>(i % 7 + 1), static_cast<float>(i)));
  }
  Session session(MakeDocument(names, values));
  session.SetStacked(true);
  EXPECT_EQ(session.Spec().scope, RangeScope::kGlobal);  // one range for every block
  session.UpdateStackedLayout(400, 220, kGeometry);
  StackedView& view = session.Stacked();
  view.ScrollToSequence(31);
  session.UpdateStackedLayout(400, 220, kGeometry);
  EXPECT_EQ(view.Visible().row_sequence.front(), 31u);
  EXPECT_EQ(view.LayoutOriginY(), 0.0f);  // its header's top at the top of the view

  view.SetFilter("odd");
  session.UpdateStackedLayout(400, 220, kGeometry);
  EXPECT_EQ(view.Visible().row_sequence.front(), 31u);
  session.UpdateStackedLayout(130, 220, kGeometry);  // narrower: more lines per block
  EXPECT_EQ(view.Visible().row_sequence.front(), 31u);
  view.SetOrder(SequenceOrder::kMax);
  session.UpdateStackedLayout(130, 220, kGeometry);
  EXPECT_EQ(view.Visible().row_sequence.front(), 31u);
  EXPECT_EQ(view.Listed().front(), 49u);

  // Hovering a header names its sequence; a token gives its instance.
  const auto header = view.HitTest(5, 5);
  ASSERT_TRUE(header);
  EXPECT_TRUE(header->header);
  EXPECT_EQ(header->sequence, 31u);
  const auto token = view.HitTest(5, kPitch + 5);
  ASSERT_TRUE(token && token->instance);
  EXPECT_EQ(view.Visible().layout.instances[*token->instance].value, 31.0f);

  view.SetFilter("even 3");  // even 30, 32 ... 38: 31 is gone, so the list starts from the top
  session.UpdateStackedLayout(130, 220, kGeometry);
  EXPECT_EQ(view.ScrollPixels(), 0);
  session.SetStacked(false);
  EXPECT_EQ(session.Spec().scope, RangeScope::kSequence);
}

TEST(StackedView, OpensAtTheTopOfTheRankedListWithTheOverviewFrameThere) {
  // Sequence 0, the current one, ranks last by max; the list is far taller than the view.
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
  for (int i = 0; i < 20; ++i) {
    names.push_back("s" + std::to_string(i));
    values.push_back(std::vector<float>(40, static_cast<float>((i * 7) % 20)));
  }
  Session session(MakeDocument(names, values));
  StackedView& view = session.Stacked();
  view.SetOrder(SequenceOrder::kMax);
  session.SetStacked(true);
  session.UpdateStackedLayout(400, 220, kGeometry);
  ASSERT_EQ(view.Listed().back(), 0u);
  const uint32_t best = view.Listed().front();
  EXPECT_EQ(values[best][0], 19.0f);
  EXPECT_EQ(view.ScrollPixels(), 0);
  EXPECT_EQ(view.Visible().row_sequence.front(), best);
  EXPECT_EQ(view.TopSequence(), best);
  constexpr size_t kRows = 300;
  EXPECT_EQ(OverviewRowsOfView(view.ScrollPixels(), view.ViewportHeight(), view.LineCount(), kRows, kPitch, kPad).first,
            0u);

  // Re-sorted at the top, it stays at the top of the new order; scrolled into the list, it keeps
  // the sequence it shows.
  view.SetOrder(SequenceOrder::kLength);  // equal lengths: file order
  session.UpdateStackedLayout(400, 220, kGeometry);
  EXPECT_EQ(view.ScrollPixels(), 0);
  EXPECT_EQ(view.TopSequence(), 0u);
  view.ScrollToSequence(5);
  session.UpdateStackedLayout(400, 220, kGeometry);
  EXPECT_EQ(view.TopSequence(), 5u);
  view.SetOrder(SequenceOrder::kFile);
  session.UpdateStackedLayout(400, 220, kGeometry);
  EXPECT_EQ(view.TopSequence(), 5u);
  EXPECT_EQ(view.Visible().row_sequence.front(), 5u);
}

TEST(StackedView, ScrollsToTheEndOfAHundredThousandSequences) {
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
  for (int i = 0; i < 100'000; ++i) {
    names.push_back("s" + std::to_string(i));
    values.push_back({static_cast<float>(i), 1.0f});
  }
  Session session(MakeDocument(names, values));
  session.SetStacked(true);
  session.UpdateStackedLayout(400, 220, kGeometry);
  StackedView& view = session.Stacked();
  EXPECT_EQ(view.LineCount(), 300'000u);  // header, one line of two tokens, the gap
  view.ScrollTo(view.MaxScroll());
  session.UpdateStackedLayout(400, 220, kGeometry);
  EXPECT_EQ(view.Visible().row_sequence.back(), 99'999u);
  EXPECT_LE(view.Visible().layout.instances.size(), 40u);  // only what is in view
  view.ScrollToSequence(54'321);
  session.UpdateStackedLayout(400, 220, kGeometry);
  EXPECT_EQ(view.ScrollPixels(), kPad + 54'321LL * 3 * kPitch);
  EXPECT_EQ(view.Visible().row_sequence.front(), 54'321u);
}

// The CPU reference for the stacked overview: row r shows lines [floor(r * L / rows),
// ceil((r + 1) * L / rows)); each line's block found by walking, its values scanned one by one.
float StackedOverviewReference(const Document& document, const std::vector<uint32_t>& listed,
                               const std::vector<uint64_t>& block_lines, size_t row, size_t rows, Reduction reduction) {
  uint64_t lines = 0;
  for (const uint64_t count : block_lines) lines += count;
  const uint64_t begin = row * lines / rows, end = ((row + 1) * lines + rows - 1) / rows;
  std::vector<bool> shown(listed.size(), false);
  uint64_t block_first = 0;
  for (size_t block = 0; block < listed.size(); block_first += block_lines[block++])
    shown[block] = block_first < end && block_first + block_lines[block] > begin;
  test::ReferenceReduction reference;
  for (size_t block = 0; block < listed.size(); ++block) {
    if (!shown[block]) continue;
    for (const float value : document.sequences[listed[block]].channels[0].values) reference.Add(value);
  }
  return reference.Result(reduction);
}

// The overview rows of `listed` wrapped at `columns`, checked row by row against the reference.
std::vector<float> CheckStackedOverview(const Document& document, const std::vector<uint32_t>& listed, int columns,
                                        size_t rows, Reduction reduction) {
  const std::vector<SequenceSummary> summaries = SummariseSequences(document, ChannelValuesBySequence(document, "act"));
  std::vector<uint64_t> block_lines;
  for (const uint32_t sequence : listed)
    block_lines.push_back(kBlockHeaderLines + LineIndex::Build(document.sequences[sequence], columns).LineCount() +
                          kBlockGapLines);
  const std::vector<float> out = StackedOverviewRows(BlockIndex(block_lines), listed, summaries, rows, reduction);
  EXPECT_EQ(out.size(), rows);
  for (size_t row = 0; row < out.size(); ++row) {
    const float expected = StackedOverviewReference(document, listed, block_lines, row, rows, reduction);
    if (std::isnan(expected))
      EXPECT_TRUE(std::isnan(out[row])) << ReductionName(reduction) << " row " << row;
    else
      EXPECT_NEAR(out[row], expected, 1e-5f) << ReductionName(reduction) << " row " << row << " of " << rows;
  }
  return out;
}

TEST(StackedOverview, RowsMatchAPlainScanOfTheirBlocks) {
  // 400 sequences of 0 to 120 tokens, some values missing, filtered and sorted; as few rows as
  // lines and more, so rows share blocks and blocks span rows.
  std::mt19937 random(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> length(0, 120);
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
  for (int i = 0; i < 400; ++i) {
    names.push_back((i % 3 == 0 ? "keep-" : "drop-") + std::to_string(i));
    std::vector<float>& sequence = values.emplace_back(static_cast<size_t>(length(random)));
    for (float& value : sequence) value = random() % 17 == 0 ? NAN : normal(random);
  }
  const Document document = MakeDocument(names, values);
  const std::vector<SequenceSummary> summaries = SummariseSequences(document, ChannelValuesBySequence(document, "act"));
  for (const SequenceOrder order : {SequenceOrder::kFile, SequenceOrder::kMean}) {
    const std::vector<uint32_t> listed = ListSequences(document, summaries, "keep", order);
    for (const size_t rows : {size_t{1}, size_t{37}, size_t{512}, size_t{4000}})
      for (const Reduction reduction : kReductions) CheckStackedOverview(document, listed, 9, rows, reduction);
  }
}

TEST(StackedOverview, ASingleTokenSpikeSurvivesMaxAbsInListOrder) {
  // 5,000 sequences of 40 small values in 300 rows; one token of sequence 3,210 is -9.
  std::mt19937 random(5);
  std::uniform_real_distribution<float> small(-0.1f, 0.1f);
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
  for (int i = 0; i < 5000; ++i) {
    names.push_back("s" + std::to_string(i));
    std::vector<float>& sequence = values.emplace_back(40);
    for (float& value : sequence) value = small(random);
  }
  values[3210][17] = -9.0f;
  values[4321][3] = 0.5f;  // the largest max: first when sorted by max
  const Document document = MakeDocument(names, values);
  const std::vector<SequenceSummary> summaries = SummariseSequences(document, ChannelValuesBySequence(document, "act"));
  constexpr size_t kRows = 300;
  const auto spike_rows = [](const std::vector<float>& rows) {
    return std::count(rows.begin(), rows.end(), -9.0f);
  };
  // File order: the spike in the rows around 3,210 / 5,000 of the strip, in no other.
  std::vector<float> rows =
      CheckStackedOverview(document, ListSequences(document, summaries, "", SequenceOrder::kFile), 80, kRows,
                           Reduction::kMaxAbs);
  ASSERT_GE(spike_rows(rows), 1);
  ASSERT_LE(spike_rows(rows), 2);
  const auto first = static_cast<size_t>(std::find(rows.begin(), rows.end(), -9.0f) - rows.begin());
  EXPECT_NEAR(static_cast<double>(first), 3210.0 * kRows / 5000.0, 1.0);
  // Sorted by max, sequence 4,321 is the first block, so row 0 shows its 0.5 under max.
  rows = CheckStackedOverview(document, ListSequences(document, summaries, "", SequenceOrder::kMax), 80, kRows,
                              Reduction::kMax);
  EXPECT_FLOAT_EQ(rows.front(), 0.5f);
  // Filtered to names with "321": the spike's block is the 4th of 15 as tall blocks, so the
  // spike fills the strip's 4th fifteenth, rows 60 to 79, and no other.
  const std::vector<uint32_t> filtered = ListSequences(document, summaries, "321", SequenceOrder::kFile);
  ASSERT_EQ(filtered.size(), 15u);
  ASSERT_EQ(filtered[3], 3210u);
  rows = CheckStackedOverview(document, filtered, 80, kRows, Reduction::kMaxAbs);
  for (size_t row = 0; row < kRows; ++row) EXPECT_EQ(rows[row] == -9.0f, row >= 60 && row < 80) << "row " << row;
  // Filtered without it: gone.
  EXPECT_EQ(spike_rows(CheckStackedOverview(document, ListSequences(document, summaries, "4", SequenceOrder::kFile),
                                            80, kRows, Reduction::kMaxAbs)),
            0);
}

TEST(StackedOverview, RowsMapToLinesAndScrollPositionsBothWays) {
  for (const uint64_t lines : {uint64_t{1}, uint64_t{7}, uint64_t{300}, uint64_t{301}, uint64_t{3'000'000'007}}) {
    for (const size_t rows : {size_t{1}, size_t{300}, size_t{1080}}) {
      std::vector<bool> reached(std::min<uint64_t>(lines, rows), false);
      constexpr int kViewport = 900;
      for (size_t row = 0; row < rows; ++row) {
        // The row's line is one it shows, and the row is one of those the line covers.
        const uint64_t line = OverviewLineOfRow(row, lines, rows);
        EXPECT_GE(line, row * lines / rows);
        EXPECT_LT(line, ((row + 1) * lines + rows - 1) / rows);
        EXPECT_LE(OverviewRowOfLine(line, lines, rows), row);
        if (line + 1 < lines) {
          EXPECT_GE(OverviewRowOfLine(line + 1, lines, rows), row);
        }
        if (lines <= rows) reached[line] = true;
        // Scrubbing to the row puts its line in the middle of the view (64-bit pixels past 2^32
        // at three billion lines), so the view's frame covers the row.
        const int64_t scroll = ScrollOfOverviewRow(row, lines, rows, kPitch, kPad, kViewport);
        EXPECT_EQ(scroll, kPad + static_cast<int64_t>(line) * kPitch - kViewport / 2);
        const OverviewRowSpan view = OverviewRowsOfView(scroll, kViewport, lines, rows, kPitch, kPad);
        EXPECT_LE(view.first, row);
        EXPECT_GE(view.last, row);
      }
      // With no more lines than rows, scrubbing reaches every line.
      if (lines <= rows) {
        EXPECT_EQ(std::count(reached.begin(), reached.end(), false), 0);
      }
      // The top of the content frames from the first row; the end, to the last.
      EXPECT_EQ(OverviewRowsOfView(0, kViewport, lines, rows, kPitch, kPad).first, 0u);
      EXPECT_EQ(OverviewRowsOfView(kPad + static_cast<int64_t>(lines) * kPitch - kViewport, kViewport, lines, rows,
                                   kPitch, kPad).last,
                rows - 1);
    }
  }
}

TEST(StackedView, OverviewRowsFollowTheListAndTheReduction) {
  const Document document = MakeDocument({"a", "b", "c"}, {{1, -3}, {2}, {-1, 5, 0}});
  StackedView view;
  view.UpdateLayout(document, 1, kActChannel, TokenText::kDecoded, 400, 300, kGeometry);
  using V = std::vector<float>;
  EXPECT_EQ(view.OverviewRows(3, Reduction::kMaxAbs), (V{-3, 2, 5}));  // one row per block
  EXPECT_EQ(view.OverviewRows(1, Reduction::kMin), (V{-3}));
  view.SetOrder(SequenceOrder::kMax);
  view.UpdateLayout(document, 1, kActChannel, TokenText::kDecoded, 400, 300, kGeometry);
  EXPECT_EQ(view.OverviewRows(3, Reduction::kMax), (V{5, 2, 1}));
  view.SetFilter("b");
  view.UpdateLayout(document, 1, kActChannel, TokenText::kDecoded, 400, 300, kGeometry);
  EXPECT_EQ(view.OverviewRows(2, Reduction::kMax), (V{2, 2}));
}

TEST(Session, OverviewRowsFollowTheChosenReduction) {
  std::mt19937 random(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(10'000);
  for (float& value : values) value = normal(random);
  Session session(MakeDocument({"one"}, {values}));
  constexpr size_t kRows = 97;
  for (const Reduction reduction : kReductions) {
    session.SetOverviewReduction(reduction);
    EXPECT_EQ(ParseReduction(ReductionName(reduction)), reduction);
    const std::vector<float> rows = session.OverviewRows(kRows);
    ASSERT_EQ(rows.size(), kRows);
    for (size_t row = 0; row < kRows; ++row) {
      // The CPU reference: a plain scan of the row's tokens.
      const uint64_t begin = ValuePyramid::FirstTokenOfRow(row, values.size(), kRows);
      const uint64_t end = ValuePyramid::FirstTokenOfRow(row + 1, values.size(), kRows);
      float low = INFINITY, high = -INFINITY;
      double sum = 0.0;
      for (uint64_t i = begin; i < end; ++i) {
        low = std::min(low, values[i]);
        high = std::max(high, values[i]);
        sum += values[i];
      }
      const float mean = static_cast<float>(sum / static_cast<double>(end - begin));
      const float expected = reduction == Reduction::kMax   ? high
                             : reduction == Reduction::kMin ? low
                             : reduction == Reduction::kMean
                                 ? mean
                                 : (std::fabs(high) >= std::fabs(low) ? high : low);
      EXPECT_NEAR(rows[row], expected, 1e-5f) << ReductionName(reduction) << " row " << row;
    }
  }
  EXPECT_FALSE(ParseReduction("median"));
}

}  // namespace
}  // namespace th
