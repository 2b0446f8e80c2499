#include "core/value_mapping.hpp"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cstdint>
#include <cstring>
#include <charconv>
#include <cmath>
#include <random>
#include <stdexcept>
#include <utility>

#include "core/halves_in_parallel.hpp"

namespace th {

// [SECTION] Mapping one value

float BucketPosition(size_t bucket, size_t buckets, size_t palette_stops, bool categorical) {
  if (categorical && palette_stops > 0)
    return (static_cast<float>(std::min(bucket, palette_stops - 1)) + 0.5f) / static_cast<float>(palette_stops);
  return buckets > 1 ? static_cast<float>(bucket) / static_cast<float>(buckets - 1) : 0.5f;
}

std::optional<MappedValue> MapValue(const ValueMapping& mapping, float x, size_t palette_stops, bool categorical) {
  if (!std::isfinite(x)) return std::nullopt;
  MappedValue mapped;
  if (mapping.Bucketed()) {
    size_t bucket = 0;
    while (bucket < mapping.thresholds.size() && x >= mapping.thresholds[bucket]) ++bucket;
    mapped.t = BucketPosition(bucket, mapping.thresholds.size() + 1, palette_stops, categorical);
    return mapped;
  }
  float lo = mapping.low, hi = mapping.high, v = x;
  mapped.clipped = x < lo ? -1 : (x > hi ? 1 : 0);
  if (mapping.Logarithmic()) {
    if (x <= 0.0f || lo <= 0.0f || hi <= 0.0f) {
      // Log of a non-positive value has no place on the scale: it sits at the bottom, clipped.
      mapped.t = 0.0f;
      mapped.clipped = x <= 0.0f ? -1 : mapped.clipped;
      return mapped;
    }
    lo = std::log(lo), hi = std::log(hi), v = std::log(x);
  }
  // The palette's middle when the range is a single value, never NaN. Halving first keeps
  // hi - lo finite for ranges as wide as +-FLT_MAX (the shader does the same).
  mapped.t = hi > lo ? std::clamp((0.5f * v - 0.5f * lo) / (0.5f * hi - 0.5f * lo), 0.0f, 1.0f) : 0.5f;
  if (mapping.gamma != 1.0f) mapped.t = std::pow(mapped.t, mapping.gamma);
  return mapped;
}

// [SECTION] Scope statistics

namespace {

// A key whose unsigned order is the float's order: negatives reversed, below positives.
uint32_t OrderKey(float value) {
  constexpr uint32_t kSign = 0x80000000u;
  const auto bits = std::bit_cast<uint32_t>(value);
  return (bits & kSign) ? ~bits : bits | kSign;
}

// The finite values, sorted by radix over OrderKey: first scattered into place by the key's top
// 11 bits (one counting pass over the values, one placing pass), then each of those buckets
// sorted on its own by the 21 bits below, through scratch space the size of the largest bucket.
// A few linear passes instead of n log n comparisons (at 100M values about one second instead
// of ten), and no second copy of the values: the extra memory is the scratch, a fraction of the
// copy unless most values share their top bits. A stop request abandons the sort.
std::vector<float> SortedFinite(std::span<const float> values, const std::stop_token& stop) {
  constexpr int kDigitBits = 11;
  constexpr uint32_t kDigitMask = (1u << kDigitBits) - 1;
  constexpr int kTopShift = 32 - kDigitBits;
  constexpr size_t kSmall = 1 << 8;  // buckets below this: std::sort is as fast
  std::vector<size_t> offsets(size_t{1} << kDigitBits, 0);
  for (const float v : values)
    if (std::isfinite(v)) ++offsets[OrderKey(v) >> kTopShift];
  std::vector<size_t> ends(offsets.size());
  size_t total = 0, largest = 0;
  for (size_t digit = 0; digit < offsets.size(); ++digit) {
    largest = std::max(largest, offsets[digit]);
    total += std::exchange(offsets[digit], total);
    ends[digit] = total;
  }
  std::vector<float> sorted(total);
  {
    std::vector<size_t> next = offsets;
    for (const float v : values)
      if (std::isfinite(v)) sorted[next[OrderKey(v) >> kTopShift]++] = v;
  }
  std::vector<float> scratch(largest >= kSmall ? largest : 0);
  std::vector<size_t> counts(size_t{1} << kDigitBits);
  for (size_t digit = 0; digit < offsets.size(); ++digit) {
    if (stop.stop_requested()) return {};
    float* const bucket = sorted.data() + offsets[digit];
    const size_t size = ends[digit] - offsets[digit];
    if (size < kSmall) {
      std::sort(bucket, bucket + size);
      continue;
    }
    // Two passes of kDigitBits (the top bit of the second is the bucket's own, the same for all):
    // bucket to scratch, then back.
    float* from = bucket;
    float* to = scratch.data();
    for (const int shift : {0, kDigitBits}) {
      std::fill(counts.begin(), counts.end(), 0);
      for (size_t i = 0; i < size; ++i) ++counts[(OrderKey(from[i]) >> shift) & kDigitMask];
      size_t at = 0;
      for (size_t& count : counts) at += std::exchange(count, at);
      for (size_t i = 0; i < size; ++i) to[counts[(OrderKey(from[i]) >> shift) & kDigitMask]++] = from[i];
      std::swap(from, to);
    }
  }
  return sorted;
}

// Peels values off the sorted ends, farthest from the median first: the distances come in
// descending order, d1 >= d2 >= ..., and the k peeled values stand apart when d_k > K * d_k+1.
// sorted(i) is the i-th smallest of n values; only the most + 2 at either end are read.
template <class Sorted>
ScopeSummary::OutlierSplit FindOutliers(size_t n, Sorted sorted, double median) {
  ScopeSummary::OutlierSplit split;
  if (n < 3) return split;
  const size_t most = std::max<size_t>(n / 100, 1);
  const float farthest = median - sorted(0) > sorted(n - 1) - median ? sorted(0) : sorted(n - 1);
  size_t first = 0, last = n - 1;  // the rest: sorted[first..last]
  double previous = 0.0;                       // the last peeled value's distance
  for (size_t peeled = 0; peeled <= most; ++peeled) {
    const double below = median - sorted(first), above = sorted(last) - median;
    const double distance = std::max(below, above);
    if (peeled > 0 && distance > 0.0 && previous > kOutlierRatio * distance)
      split = {peeled, median, distance, previous / distance, sorted(first), sorted(last), farthest};
    previous = distance;
    if (below > above) ++first;
    else --last;
  }
  return split;
}

// One pass's sums of a span: squares summed about the span's first value, so a large common
// offset does not cancel.
struct BoundsPass {
  size_t count = 0, non_finite = 0, non_positive = 0;
  float lo = INFINITY, hi = -INFINITY, smallest_positive = INFINITY;
  double shift = 0.0, sum = 0.0, squares = 0.0;

  void Run(std::span<const float> values) {
    for (const float v : values) {
      if (!std::isfinite(v)) {
        ++non_finite;
        continue;
      }
      if (count++ == 0) shift = v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      if (v > 0.0f) smallest_positive = std::min(smallest_positive, v);
      else ++non_positive;
      const double d = v - shift;
      sum += d;
      squares += d * d;
    }
  }
  // The same for the parallel pass of a huge scope (a billion values before the first frame), in
  // vectors of four floats (GCC's and Clang's vector extensions: SSE2 on any x86-64, NEON on
  // arm64) and without branches on the values (a value without a number adds nothing but to
  // non_finite), about three times as fast as double lanes. Each block of kBlock values sums its
  // differences in float about the mean so far (the first block is summed in double), never
  // about a far-off value (a sequence's first token, every 1,024 tokens), which would cost float
  // its precision, and the blocks' sums are moved to the pass's shift in double. Its sums may differ
  // from Run's by 1e-5 of the standard deviation; a block whose float sums overflow (differences
  // beyond about 1e19) is summed again in double.
  void RunLanes(std::span<const float> values) {
    using Floats = float __attribute__((vector_size(16)));
    using Ints = int32_t __attribute__((vector_size(16)));
    constexpr size_t kWidth = 4, kBlock = 1024;
    const auto select = [](Ints mask, Floats a, Floats b) { return Floats(Ints(mask & Ints(a)) | Ints(~mask & Ints(b))); };
    const auto finite = [](float v) { return (std::bit_cast<uint32_t>(v) & 0x7F800000u) != 0x7F800000u; };
    size_t i = 0;
    while (i < values.size() && !finite(values[i])) ++i;
    if (i == values.size()) {
      non_finite = values.size();
      return;
    }
    shift = values[i];
    const Floats infinities = {INFINITY, INFINITY, INFINITY, INFINITY};
    const Ints exponent = {0x7F800000, 0x7F800000, 0x7F800000, 0x7F800000}, zero = {};
    Floats lows = infinities, highs = -infinities, positives = infinities;
    const auto add_in_double = [&](float v) {
      if (!finite(v)) return;
      const double d = static_cast<double>(v) - shift;
      sum += d;
      squares += d * d;
      ++count;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      if (v > 0.0f) smallest_positive = std::min(smallest_positive, v);
      else ++non_positive;
    };
    // The first block in double: the mean so far is then known for the next one.
    for (const size_t head_end = std::min(values.size(), i + kBlock); i < head_end; ++i) add_in_double(values[i]);
    while (i < values.size()) {
      const size_t n = std::min(kBlock, values.size() - i), whole = n / kWidth * kWidth;
      const float* const block = values.data() + i;
      const float block_shift = static_cast<float>(shift + sum / static_cast<double>(count));
      const Floats shifts = {block_shift, block_shift, block_shift, block_shift};
      Floats sums = {}, squared = {};
      Ints finites = {}, positive_counts = {};
      for (size_t j = 0; j < whole; j += kWidth) {
        Floats v;
        std::memcpy(&v, block + j, sizeof v);
        const Ints bits = Ints(v);
        const Ints is_finite = (bits & exponent) != exponent;  // -1 where finite, else 0
        const Ints is_positive = is_finite & (bits > zero);
        const Floats d = select(is_finite, v - shifts, Floats{});
        sums += d;
        squared += d * d;
        lows = select(is_finite & (v < lows), v, lows);
        highs = select(is_finite & (v > highs), v, highs);
        positives = select(is_positive & (v < positives), v, positives);
        finites -= is_finite;
        positive_counts -= is_positive;
      }
      double block_sum = 0.0, block_squares = 0.0;
      size_t block_count = 0;
      for (size_t lane = 0; lane < kWidth; ++lane) {
        block_sum += sums[lane];
        block_squares += squared[lane];
        block_count += static_cast<size_t>(finites[lane]);
        non_positive += static_cast<size_t>(finites[lane] - positive_counts[lane]);
      }
      if (!std::isfinite(block_sum) || !std::isfinite(block_squares)) {
        block_sum = block_squares = 0.0;
        for (size_t j = 0; j < whole; ++j) {
          if (!finite(block[j])) continue;
          const double d = static_cast<double>(block[j]) - block_shift;
          block_sum += d;
          block_squares += d * d;
        }
      }
      // The block's sums about block_shift, moved to the pass's shift.
      const double delta = static_cast<double>(block_shift) - shift, block_n = static_cast<double>(block_count);
      sum += block_sum + block_n * delta;
      squares += block_squares + 2.0 * delta * block_sum + block_n * delta * delta;
      count += block_count;
      for (size_t j = whole; j < n; ++j) add_in_double(block[j]);
      i += n;
    }
    for (size_t lane = 0; lane < kWidth; ++lane) {
      lo = std::min(lo, lows[lane]);
      hi = std::max(hi, highs[lane]);
      smallest_positive = std::min(smallest_positive, positives[lane]);
    }
    non_finite = values.size() - count;  // a fresh pass: count is this span's
  }

  // Adds another span's pass, its sums moved to this one's shift.
  void Merge(const BoundsPass& other) {
    if (other.count > 0 && count == 0) shift = other.shift;
    const double delta = other.shift - shift, n = static_cast<double>(other.count);
    sum += other.sum + n * delta;
    squares += other.squares + 2.0 * delta * other.sum + n * delta * delta;
    count += other.count;
    non_finite += other.non_finite;
    non_positive += other.non_positive;
    lo = std::min(lo, other.lo);
    hi = std::max(hi, other.hi);
    smallest_positive = std::min(smallest_positive, other.smallest_positive);
  }
};

}  // namespace

ScopeSummary ScopeSummary::Bounds(std::span<const float> values) {
  ScopeSummary summary;
  BoundsPass pass;
  if (values.size() >= kHalvesInParallel) {  // a billion values: the first frame's pass in about half the time
    BoundsPass second;
    RunHalvesInParallel(values, [&](int half, std::span<const float> part) { (half ? second : pass).RunLanes(part); });
    pass.Merge(second);
  } else {
    pass.Run(values);
  }
  summary.m_non_finite = pass.non_finite;
  summary.m_count = pass.count;
  summary.m_non_positive = pass.non_positive;
  if (summary.m_count == 0) return summary;
  const auto n = static_cast<double>(summary.m_count);
  summary.m_min = pass.lo;
  summary.m_max = pass.hi;
  summary.m_smallest_positive = std::isfinite(pass.smallest_positive) ? pass.smallest_positive : 0.0f;
  summary.m_mean = pass.shift + pass.sum / n;
  summary.m_std = std::sqrt(std::max(pass.squares / n - (pass.sum / n) * (pass.sum / n), 0.0));
  return summary;
}

ScopeSummary::ScopeSummary(std::span<const float> values, std::stop_token stop) {
  if (values.size() >= kExactValues) {
    *this = Streamed(values, stop);
    return;
  }
  m_sorted = SortedFinite(values, stop);
  SummariseSorted(values.size() - m_sorted.size());
}

// [SECTION] The streamed summary of a huge scope

struct ScopeSummary::Coarse {
  static constexpr int kLowBits = 12;  // a bucket: 4,096 consecutive floats
  static constexpr size_t kBuckets = size_t{1} << (32 - kLowBits);
  std::vector<uint64_t> below;  // [b]: finite values in buckets before b; kBuckets + 1 entries
  std::vector<float> low;       // the smallest values, ascending
  std::vector<float> high;      // the largest values, ascending
  size_t count = 0;
  float min = 0.0f, max = 0.0f;

  static float KeyValue(uint32_t key) {
    constexpr uint32_t kSign = 0x80000000u;
    return std::bit_cast<float>((key & kSign) ? key & ~kSign : ~key);
  }
  // The values bucket b can hold, inside the scope's [min, max].
  std::pair<double, double> Span(size_t b) const {
    const auto first = static_cast<uint32_t>(b << kLowBits);
    return {std::max(KeyValue(first), min), std::min(KeyValue(first | ((1u << kLowBits) - 1)), max)};
  }
  double InBucket(size_t b) const { return static_cast<double>(below[b + 1] - below[b]); }
  double KthValue(size_t k) const {
    if (k < low.size()) return low[k];
    if (k >= count - high.size()) return high[k - (count - high.size())];
    const auto b = static_cast<size_t>(std::upper_bound(below.begin(), below.end(), uint64_t{k}) - below.begin()) - 1;
    const auto [lo, hi] = Span(b);
    const double at = lo + (hi - lo) * ((static_cast<double>(k - below[b]) + 0.5) / InBucket(b));
    return std::clamp<double>(at, low.empty() ? min : low.back(), high.empty() ? max : high.front());
  }
  // Values < value (strict: values <= value).
  double Below(float value, bool strict) const {
    // Every value below (at most) `value` is in the low tail, or every one above it in the high.
    if (!low.empty() && (strict ? value <= low.back() : value < low.back()))
      return static_cast<double>((strict ? std::lower_bound(low.begin(), low.end(), value)
                                         : std::upper_bound(low.begin(), low.end(), value)) - low.begin());
    if (!high.empty() && (strict ? value > high.front() : value >= high.front()))
      return static_cast<double>(count) -
             static_cast<double>(high.end() - (strict ? std::lower_bound(high.begin(), high.end(), value)
                                                      : std::upper_bound(high.begin(), high.end(), value)));
    if (!(value >= min)) return 0.0;
    if (value > max || (!strict && value == max)) return static_cast<double>(count);
    const size_t b = OrderKey(value) >> kLowBits;
    const auto [lo, hi] = Span(b);
    const double share = hi > lo ? std::clamp((value - lo) / (hi - lo), 0.0, 1.0) : (strict ? 0.0 : 1.0);
    return std::clamp(static_cast<double>(below[b]) + share * InBucket(b), static_cast<double>(low.size()),
                      static_cast<double>(count - high.size()));
  }
};

namespace {

// The `keep` smallest values (by key, keys at most `bound`) of those offered, kept in a buffer
// trimmed to them whenever it doubles: O(1) a value, whatever their order.
class SmallestKept {
 public:
  SmallestKept(size_t keep, uint32_t bound) : m_keep(keep), m_bound(bound) {}
  void Offer(float value, uint32_t key) {
    if (key > m_bound) return;
    if (m_values.capacity() == 0) m_values.reserve(2 * m_keep + 1024);
    m_values.push_back(value);
    if (m_values.size() >= 2 * m_keep + 1024) Trim();
  }
  std::vector<float> Take() {
    Trim();
    std::sort(m_values.begin(), m_values.end());
    m_values.shrink_to_fit();
    return std::move(m_values);
  }

 private:
  void Trim() {
    if (m_values.size() <= m_keep) return;
    std::nth_element(m_values.begin(), m_values.begin() + static_cast<std::ptrdiff_t>(m_keep - 1), m_values.end());
    m_values.resize(m_keep);
    // A value equal to the largest kept changes nothing: only smaller ones are taken from now on.
    m_bound = std::min(m_bound, OrderKey(*std::max_element(m_values.begin(), m_values.end())) - 1);
  }
  size_t m_keep;
  uint32_t m_bound;
  std::vector<float> m_values;
};

}  // namespace

ScopeSummary ScopeSummary::Streamed(std::span<const float> values, std::stop_token stop, const ScopeSummary* bounds) {
  ScopeSummary summary = bounds ? *bounds : Bounds(values);
  summary.m_has_order = true;
  if (summary.m_count == 0) return summary;
  auto coarse = std::make_shared<Coarse>();
  coarse->count = summary.m_count;
  coarse->min = summary.m_min;
  coarse->max = summary.m_max;
  constexpr size_t kStride = size_t{1} << 24;  // values between stop checks
  // Pass 1: the buckets.
  std::vector<uint64_t>& below = coarse->below;
  below.assign(Coarse::kBuckets + 1, 0);
  for (size_t at = 0; at < values.size(); at += kStride) {
    if (stop.stop_requested()) return {};
    for (const float v : values.subspan(at, std::min(kStride, values.size() - at)))
      if (std::isfinite(v)) ++below[(OrderKey(v) >> Coarse::kLowBits) + 1];
  }
  for (size_t b = 1; b < below.size(); ++b) below[b] += below[b - 1];
  // Pass 2: the tails, taken from the buckets that reach `keep` values from either end.
  const size_t n = summary.m_count;
  const size_t keep = std::min(n, n / 100 + 2);
  const auto low_bucket = static_cast<size_t>(std::lower_bound(below.begin() + 1, below.end(), uint64_t{keep}) - below.begin()) - 1;
  const auto high_bucket = static_cast<size_t>(std::upper_bound(below.begin(), below.end(), uint64_t{n - keep}) - below.begin()) - 1;
  SmallestKept low(keep, static_cast<uint32_t>(((low_bucket + 1) << Coarse::kLowBits) - 1));
  SmallestKept high(keep, ~static_cast<uint32_t>(high_bucket << Coarse::kLowBits));  // on ~key: largest first
  for (size_t at = 0; at < values.size(); at += kStride) {
    if (stop.stop_requested()) return {};
    for (const float v : values.subspan(at, std::min(kStride, values.size() - at))) {
      if (!std::isfinite(v)) continue;
      const uint32_t key = OrderKey(v);
      low.Offer(v, key);
      high.Offer(-v, ~key);  // -v: the buffer keeps its smallest, the largest v
    }
  }
  coarse->low = low.Take();
  coarse->high = high.Take();
  for (float& v : coarse->high) v = -v;
  std::reverse(coarse->high.begin(), coarse->high.end());
  summary.m_coarse = std::move(coarse);
  summary.m_outliers =
      FindOutliers(n, [&](size_t i) { return static_cast<float>(summary.OrderStatistic(i)); }, summary.Median());
  return summary;
}

ScopeSummary ScopeSummary::Extended(ScopeSummary previous, std::span<const float> appended) {
  ScopeSummary summary;
  summary.m_sorted = std::move(previous.m_sorted);
  const std::vector<float> added = SortedFinite(appended, {});
  const auto middle = static_cast<std::ptrdiff_t>(summary.m_sorted.size());
  summary.m_sorted.insert(summary.m_sorted.end(), added.begin(), added.end());
  std::inplace_merge(summary.m_sorted.begin(), summary.m_sorted.begin() + middle, summary.m_sorted.end());
  summary.SummariseSorted(previous.m_non_finite + appended.size() - added.size());
  return summary;
}

void ScopeSummary::SummariseSorted(size_t non_finite) {
  m_non_finite = non_finite;
  double sum = 0.0;
  for (const float v : m_sorted) sum += v;
  m_has_order = true;
  m_count = m_sorted.size();
  if (m_sorted.empty()) return;
  m_min = m_sorted.front();
  m_max = m_sorted.back();
  const auto positive = std::upper_bound(m_sorted.begin(), m_sorted.end(), 0.0f);
  m_smallest_positive = positive == m_sorted.end() ? 0.0f : *positive;
  m_non_positive = static_cast<size_t>(positive - m_sorted.begin());
  m_outliers = FindOutliers(m_sorted.size(), [&](size_t i) { return m_sorted[i]; }, Median());
  m_mean = sum / static_cast<double>(m_sorted.size());
  double squares = 0.0;
  for (const float v : m_sorted) squares += (v - m_mean) * (v - m_mean);
  m_std = std::sqrt(squares / static_cast<double>(m_sorted.size()));
}

float ScopeSummary::MaxAbs() const { return std::max(std::fabs(Min()), std::fabs(Max())); }

namespace {

// The k-th smallest (from 0) distance of sorted values from a centre: distance(x) falls over
// [first, centre) and grows over [centre, last). The two runs are merged by bisection on how many
// of the k + 1 smallest come from the falling run: O(log n), no copy.
template <class Distance>
double FoldedOrderStatistic(const float* first, const float* centre, const float* last, size_t k,
                            Distance distance) {
  const auto falling = static_cast<size_t>(centre - first), growing = static_cast<size_t>(last - centre);
  const auto a = [&](size_t i) { return distance(*(centre - 1 - i)); };  // ascending
  const auto b = [&](size_t i) { return distance(*(centre + i)); };      // ascending
  const size_t taken = k + 1;
  // The fewest taken from `a` such that the next `a` is no smaller than the last `b` taken.
  size_t lo = taken > growing ? taken - growing : 0, hi = std::min(taken, falling);
  while (lo < hi) {
    const size_t i = lo + (hi - lo) / 2;
    if (b(taken - i - 1) > a(i)) lo = i + 1;
    else hi = i;
  }
  const double from_a = lo > 0 ? a(lo - 1) : -INFINITY;
  const double from_b = taken > lo ? b(taken - lo - 1) : -INFINITY;
  return std::max(from_a, from_b);
}

// NumPy's default percentile of n ordered values, given the k-th of them (from 0).
template <class OrderStatistic>
double InterpolatedPercentile(float p, size_t n, OrderStatistic at) {
  const double rank = std::clamp(p, 0.0f, 100.0f) / 100.0 * static_cast<double>(n - 1);
  const auto below = static_cast<size_t>(rank);
  const double low = at(below);
  return below + 1 < n ? low + (at(below + 1) - low) * (rank - static_cast<double>(below)) : low;
}

}  // namespace

double ScopeSummary::OrderStatistic(size_t k) const { return m_coarse ? m_coarse->KthValue(k) : m_sorted[k]; }

double ScopeSummary::CountBelowFractional(float value) const {
  if (m_coarse) return m_coarse->Below(value, true);
  return static_cast<double>(std::lower_bound(m_sorted.begin(), m_sorted.end(), value) - m_sorted.begin());
}

double ScopeSummary::CountAboveFractional(float value) const {
  if (m_coarse) return static_cast<double>(m_count) - m_coarse->Below(value, false);
  return static_cast<double>(m_sorted.end() - std::upper_bound(m_sorted.begin(), m_sorted.end(), value));
}

namespace {

// The k-th smallest (from 0) of n distances, given how many are at most d (monotone in d): the
// smallest d in [0, most] where that count passes k, by bisection.
template <class AtMost>
double BisectedOrderStatistic(size_t k, double most, AtMost at_most) {
  double lo = 0.0, hi = most;
  if (at_most(lo) >= static_cast<double>(k) + 1.0) return lo;
  for (int step = 0; step < 64 && hi > lo; ++step) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (at_most(mid) >= static_cast<double>(k) + 1.0 ? hi : lo) = mid;
  }
  return hi;
}

// The same over the non-negative floats up to `most`, bisecting their bit patterns (which order
// them): exact to the float, down to the subnormals.
template <class AtMost>
float BisectedFloatOrderStatistic(size_t k, float most, AtMost at_most) {
  uint32_t lo = 0, hi = std::bit_cast<uint32_t>(most);  // the answer is in [lo, hi]
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (at_most(static_cast<double>(std::bit_cast<float>(mid))) >= static_cast<double>(k) + 1.0) hi = mid;
    else lo = mid + 1;
  }
  return std::bit_cast<float>(lo);
}

}  // namespace

float ScopeSummary::Percentile(float p) const {
  if (!m_has_order) return NAN;
  if (m_count == 0) return 0.0f;
  return static_cast<float>(InterpolatedPercentile(p, m_count, [&](size_t k) { return OrderStatistic(k); }));
}

float ScopeSummary::AbsPercentile(float p) const {
  if (!m_has_order) return NAN;
  if (m_count == 0) return 0.0f;
  if (m_coarse) {
    // |x| <= d: the values in [-d, d].
    const auto n = static_cast<double>(m_count);
    const auto at_most = [&](double d) {
      const auto f = static_cast<float>(d);
      return n - CountBelowFractional(-f) - CountAboveFractional(f);
    };
    return static_cast<float>(InterpolatedPercentile(p, m_count, [&](size_t k) {
      return k + 1 == m_count ? MaxAbs() : BisectedFloatOrderStatistic(k, MaxAbs(), at_most);
    }));
  }
  const float* first = m_sorted.data();
  const float* last = first + m_sorted.size();
  const float* zero = std::lower_bound(first, last, 0.0f);
  const auto abs = [](float x) { return std::fabs(static_cast<double>(x)); };
  return static_cast<float>(InterpolatedPercentile(
      p, m_sorted.size(), [&](size_t k) { return FoldedOrderStatistic(first, zero, last, k, abs); }));
}

float ScopeSummary::AbsLogPercentile(float p) const {
  if (!m_has_order) return NAN;
  if (m_coarse) {
    if (m_count <= m_non_positive || !(m_smallest_positive > 0.0f)) return 0.0f;
    // |log x| <= d: the values in [exp(-d), exp(d)].
    const double most = std::max(std::log(static_cast<double>(m_max)), -std::log(double{m_smallest_positive}));
    const auto at_most = [&](double d) {
      return static_cast<double>(m_count) - CountAboveFractional(static_cast<float>(std::exp(d))) -
             CountBelowFractional(static_cast<float>(std::exp(-d)));
    };
    // The largest is known exactly; below it, a value's bucket may span many powers of e only
    // among the subnormals.
    const size_t n = m_count - m_non_positive;
    return static_cast<float>(InterpolatedPercentile(p, n, [&](size_t k) {
      return k + 1 == n ? std::max(most, 0.0) : BisectedOrderStatistic(k, std::max(most, 0.0), at_most);
    }));
  }
  const float* last = m_sorted.data() + m_sorted.size();
  const float* first = std::upper_bound(m_sorted.data(), last, 0.0f);
  if (first == last) return 0.0f;
  const float* one = std::lower_bound(first, last, 1.0f);
  const auto abs_log = [](float x) { return std::fabs(std::log(static_cast<double>(x))); };
  return static_cast<float>(InterpolatedPercentile(p, static_cast<size_t>(last - first), [&](size_t k) {
    return FoldedOrderStatistic(first, one, last, k, abs_log);
  }));
}

size_t ScopeSummary::CountBelow(float value) const {
  return static_cast<size_t>(std::llround(CountBelowFractional(value)));
}

size_t ScopeSummary::CountAbove(float value) const {
  return static_cast<size_t>(std::llround(CountAboveFractional(value)));
}


std::vector<size_t> ScopeSummary::Histogram(float lo, float hi, size_t bins) const {
  std::vector<size_t> counts(bins, 0);
  if (bins == 0 || !(hi > lo)) return counts;
  if (m_coarse) {
    // Bin i holds [edge i, edge i + 1), the last one hi too.
    double before = CountBelowFractional(lo);
    for (size_t bin = 0; bin < bins; ++bin) {
      const double after = bin + 1 < bins
                               ? CountBelowFractional(static_cast<float>(lo + (static_cast<double>(hi) - lo) *
                                                                                  static_cast<double>(bin + 1) /
                                                                                  static_cast<double>(bins)))
                               : static_cast<double>(m_count) - CountAboveFractional(hi);
      counts[bin] = static_cast<size_t>(std::max<long long>(std::llround(after) - std::llround(before), 0));
      before = after;
    }
    return counts;
  }
  const auto first = std::lower_bound(m_sorted.begin(), m_sorted.end(), lo);
  const auto last = std::upper_bound(m_sorted.begin(), m_sorted.end(), hi);
  const double scale = static_cast<double>(bins) / (static_cast<double>(hi) - lo);
  for (auto it = first; it != last; ++it)
    ++counts[std::min(static_cast<size_t>((*it - lo) * scale), bins - 1)];
  return counts;
}

bool RangeReachesOutliers(const ValueMapping& mapping, const ScopeSummary& scope) {
  const ScopeSummary::OutlierSplit& outliers = scope.Outliers();
  if (outliers.count == 0 || mapping.Logarithmic() || mapping.Bucketed()) return false;
  const double reach = kOutlierRatio * outliers.spread;
  return mapping.high > outliers.median + reach || mapping.low < outliers.median - reach;
}

double RestShareOfRange(const ValueMapping& mapping, const ScopeSummary& scope) {
  const ScopeSummary::OutlierSplit& outliers = scope.Outliers();
  const double range = static_cast<double>(mapping.high) - mapping.low;
  if (!(range > 0.0)) return 1.0;
  const double rest =
      std::min<double>(outliers.rest_high, mapping.high) - std::max<double>(outliers.rest_low, mapping.low);
  return std::clamp(rest / range, 0.0, 1.0);
}

ClippedCounts CountClipped(const ValueMapping& mapping, const ScopeSummary& scope) {
  if (mapping.Bucketed() || !scope.HasOrder()) return {};
  // Without a range a log scale places nothing: every value sits at the bottom, clipped.
  if (!mapping.HasRange()) return {scope.Count(), 0};
  return {scope.CountBelow(mapping.low), scope.CountAbove(mapping.high)};
}

// [SECTION] Resolving a spec

ValueMapping ResolveMapping(const MappingSpec& spec, const ScopeSummary& scope) {
  ValueMapping mapping;
  mapping.kind = spec.kind;
  mapping.gamma = spec.gamma;
  mapping.thresholds = spec.thresholds;
  if (spec.scope == RangeScope::kManual) {
    mapping.low = spec.manual_low;
    mapping.high = spec.manual_high;
    // A log scale starts above zero: a manual low at or below it means "from the smallest value".
    if (mapping.Logarithmic() && mapping.low <= 0.0f) mapping.low = scope.SmallestPositive();
    return mapping;
  }
  switch (spec.kind) {
    case NormKind::kMinMax:
    case NormKind::kBuckets:
      mapping.low = scope.Min(), mapping.high = scope.Max();
      break;
    case NormKind::kZeroMax:
      mapping.low = 0.0f, mapping.high = std::max(scope.Max(), 0.0f);
      break;
    // Until a long scope's order statistics arrive (ScopeSummary::Bounds), percentiles are the
    // whole range.
    case NormKind::kSymmetric:
      mapping.high = spec.symmetric_percentile >= 100.0f || !scope.HasOrder()
                         ? scope.MaxAbs()
                         : scope.AbsPercentile(spec.symmetric_percentile);
      mapping.low = -mapping.high;
      break;
    case NormKind::kPercentile:
      if (!scope.HasOrder()) {
        mapping.low = scope.Min(), mapping.high = scope.Max();
        break;
      }
      mapping.low = scope.Percentile(spec.percentile_low), mapping.high = scope.Percentile(spec.percentile_high);
      break;
    case NormKind::kLog:
      mapping.low = scope.SmallestPositive(), mapping.high = scope.Max();
      break;
    case NormKind::kLogRatio: {
      const float smallest = scope.SmallestPositive();
      if (!(smallest > 0.0f)) {  // no positive value: no range, as for log
        mapping.low = mapping.high = 0.0f;
        break;
      }
      const double largest_log = std::max(std::log(static_cast<double>(scope.Max())), -std::log(double{smallest}));
      // Ratios beyond FLT_MAX's either way are clipped rather than making an end infinite.
      const double log_m = std::min(spec.symmetric_percentile >= 100.0f || !scope.HasOrder()
                                        ? largest_log
                                        : static_cast<double>(scope.AbsLogPercentile(spec.symmetric_percentile)),
                                    std::log(static_cast<double>(FLT_MAX)));
      mapping.low = static_cast<float>(std::exp(-log_m)), mapping.high = static_cast<float>(std::exp(log_m));
      break;
    }
  }
  return mapping;
}

NormKind DefaultNormKind(const ScopeSummary& scope) {
  return scope.HasNegative() && scope.HasPositive() ? NormKind::kSymmetric : NormKind::kMinMax;
}

// [SECTION] Shuffling

std::vector<float> ShuffledValues(std::span<const float> values, uint64_t seed) {
  std::vector<float> shuffled(values.begin(), values.end());
  std::vector<size_t> slots;
  for (size_t i = 0; i < shuffled.size(); ++i)
    if (std::isfinite(shuffled[i])) slots.push_back(i);
  std::mt19937_64 random(seed);
  for (size_t i = slots.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(random() % i);
    std::swap(shuffled[slots[i - 1]], shuffled[slots[j]]);
  }
  return shuffled;
}

// [SECTION] Names

namespace {

float ParseNumber(std::string_view text, const std::string& whole) {
  float value = 0.0f;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    throw std::invalid_argument("--norm " + whole + ": \"" + std::string(text) + "\" is not a number");
  return value;
}

}  // namespace

void ParseNormSpec(const std::string& text, MappingSpec& spec) {
  if (text == "minmax") {
    spec.kind = NormKind::kMinMax;
  } else if (text == "zero-max") {
    spec.kind = NormKind::kZeroMax;
  } else if (text == "symmetric") {
    spec.kind = NormKind::kSymmetric;
    spec.symmetric_percentile = 100.0f;
  } else if (text.starts_with("symmetric:")) {
    spec.symmetric_percentile = ParseNumber(std::string_view(text).substr(10), text);
    if (!(spec.symmetric_percentile > 0.0f && spec.symmetric_percentile <= 100.0f))
      throw std::invalid_argument("--norm " + text + ": the percentile must be above 0 and at most 100");
    spec.kind = NormKind::kSymmetric;
  } else if (text == "log") {
    spec.kind = NormKind::kLog;
  } else if (text == "ratio") {
    spec.kind = NormKind::kLogRatio;
    spec.symmetric_percentile = 100.0f;
  } else if (text.starts_with("ratio:")) {
    spec.symmetric_percentile = ParseNumber(std::string_view(text).substr(6), text);
    if (!(spec.symmetric_percentile > 0.0f && spec.symmetric_percentile <= 100.0f))
      throw std::invalid_argument("--norm " + text + ": the percentile must be above 0 and at most 100");
    spec.kind = NormKind::kLogRatio;
  } else if (text.starts_with("percentile:")) {
    const std::string_view rest = std::string_view(text).substr(11);
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos)
      throw std::invalid_argument("--norm " + text + ": expected percentile:LO:HI such as percentile:1:99");
    spec.percentile_low = ParseNumber(rest.substr(0, colon), text);
    spec.percentile_high = ParseNumber(rest.substr(colon + 1), text);
    if (!(spec.percentile_low >= 0.0f && spec.percentile_low < spec.percentile_high && spec.percentile_high <= 100.0f))
      throw std::invalid_argument("--norm " + text + ": percentiles must satisfy 0 <= LO < HI <= 100");
    spec.kind = NormKind::kPercentile;
  } else if (text.starts_with("buckets:")) {
    spec.thresholds.clear();
    std::string_view rest = std::string_view(text).substr(8);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      spec.thresholds.push_back(ParseNumber(rest.substr(0, comma), text));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    const auto not_increasing = [](float a, float b) { return b <= a; };
    if (spec.thresholds.empty() || spec.thresholds.size() > kMaxThresholds ||
        std::adjacent_find(spec.thresholds.begin(), spec.thresholds.end(), not_increasing) != spec.thresholds.end())
      throw std::invalid_argument("--norm " + text + ": expected 1 to 15 increasing thresholds, such as buckets:10,100,1000");
    spec.kind = NormKind::kBuckets;
  } else {
    throw std::invalid_argument("--norm " + text +
                                ": expected minmax, zero-max, symmetric[:P], percentile:LO:HI, log, ratio[:P] or "
                                "buckets:T1,T2,...");
  }
}

std::string NormName(NormKind kind) {
  switch (kind) {
    case NormKind::kMinMax: return "min-max";
    case NormKind::kZeroMax: return "zero-max";
    case NormKind::kSymmetric: return "symmetric about 0";
    case NormKind::kPercentile: return "percentile";
    case NormKind::kLog: return "log";
    case NormKind::kBuckets: return "buckets";
    case NormKind::kLogRatio: return "ratio, log scale centred at 1";
  }
  return "?";
}

std::string ScopeName(RangeScope scope) {
  switch (scope) {
    case RangeScope::kSequence: return "sequence";
    case RangeScope::kGlobal: return "global";
    case RangeScope::kVisible: return "visible";
    case RangeScope::kManual: return "manual";
  }
  return "?";
}

}  // namespace th
