// Other tools' JSON, read in the shapes their own serialisers write (each reader cites the code it
// follows), with the values those tools hold: float32 arrays bit for bit.
//
// [SECTION] Arrays embedded in JSON (nested lists, json_tricks ndarrays, base64 safetensors)
// [SECTION] inseq
// [SECTION] CircuitsVis
// [SECTION] CircuitsVis HTML
// [SECTION] GLTR
// [SECTION] OpenAI neuron-viewer NeuronRecord
// [SECTION] Dispatch
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>

#include "core/attention.hpp"
#include "core/json_parse.hpp"
#include "core/json_reading.hpp"
#include "core/loaders/loaders.hpp"
#include "core/loaders/embedded_arrays.hpp"
#include "core/token_decoding.hpp"

namespace th {

namespace {

// [SECTION] Arrays embedded in JSON

const Json* Find(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

// A key the shape needs (a CircuitsVis page's props are not checked by a recogniser first).
const Json& Required(const Json& object, std::string_view key, const Origin& origin) {
  const Json* value = Find(object, key);
  if (!value) Fail(origin, "", "\"" + std::string(key) + "\" is missing");
  return *value;
}

// A key whose value is missing or null: both mean "none" in these tools' files.
const Json* FindPresent(const Json& object, std::string_view key) {
  const Json* value = Find(object, key);
  return value && !value->is_null() ? value : nullptr;
}

std::vector<uint64_t> ShapeOf(const Json& shape, const Origin& origin, std::string_view path) {
  Expect(shape.is_array(), shape, "a list of dimensions", origin, path);
  std::vector<uint64_t> dimensions;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!shape[i].is_number_unsigned()) Fail(origin, Element(path, i), Quote(shape[i]) + " is not a dimension");
    dimensions.push_back(shape[i].get<uint64_t>());
  }
  return dimensions;
}

// Nested lists of numbers (Python's tolist()), which must be rectangular.
DenseArray NestedLists(const Json& lists, const Origin& origin, std::string_view path) {
  Expect(lists.is_array(), lists, "a list of numbers or lists", origin, path);
  DenseArray array;
  for (const Json* level = &lists; level->is_array(); level = &(*level)[0]) {
    array.shape.push_back(level->size());
    if (level->empty()) break;
  }
  // Walks every list at every depth, in order, checking its length against the shape.
  struct Pending {
    const Json* list;
    size_t depth;
    std::string path;
  };
  std::vector<Pending> pending{{&lists, 0, std::string(path)}};
  while (!pending.empty()) {
    const Pending item = std::move(pending.back());
    pending.pop_back();
    const Json& list = *item.list;
    if (!list.is_array() || list.size() != array.shape[item.depth])
      Fail(origin, item.path, "expected " + CountOf(array.shape[item.depth], "entry") + " like the first list at this depth, found " +
                                  (list.is_array() ? CountOf(list.size(), "entry") : KindOf(list)));
    if (item.depth + 1 == array.shape.size()) {
      for (size_t i = 0; i < list.size(); ++i) array.values.push_back(ValueOf(list[i], origin, item.path, i));
      continue;
    }
    for (size_t i = list.size(); i-- > 0;) pending.push_back({&list[i], item.depth + 1, Element(item.path, i)});
  }
  return array;
}

// An array in any of the forms inseq has written: base64 safetensors (0.7+), json_tricks'
// {"__ndarray__": "b64:..." | nested lists, "dtype", "shape"} (0.4-0.6), or nested lists
// (use_primitives=True).
DenseArray ReadArray(const Json& value, const Origin& origin, std::string_view path) {
  try {
    if (value.is_string()) return DecodeSafetensorsBase64(value.get_ref<const std::string&>());
    if (const Json* data = Find(value, "__ndarray__")) {
      const Json* shape = Find(value, "shape");
      if (!shape) Fail(origin, path, "an \"__ndarray__\" without its \"shape\"");
      const std::vector<uint64_t> dimensions = ShapeOf(*shape, origin, Member(path, "shape"));
      if (data->is_string()) {
        const Json* dtype = Find(value, "dtype");
        if (!dtype || !dtype->is_string()) Fail(origin, path, "an \"__ndarray__\" without its \"dtype\"");
        return DecodeJsonTricksCompact(data->get_ref<const std::string&>(), dtype->get_ref<const std::string&>(), dimensions);
      }
      DenseArray array = NestedLists(*data, origin, Member(path, "__ndarray__"));
      if (array.values.size() != ElementCountOf(dimensions))
        Fail(origin, path, "holds " + CountOf(array.values.size(), "value") + " but its shape is " + ShapeAsList(dimensions));
      array.shape = dimensions;
      return array;
    }
    if (value.is_array()) return NestedLists(value, origin, path);
  } catch (const EmbeddedArrayError& error) {
    Fail(origin, path, error.what());
  }
  Fail(origin, path, "expected an array (base64 safetensors, a json_tricks \"__ndarray__\" or nested lists), found " +
                         KindOf(value));
}

// [SECTION] inseq

// inseq (github.com/inseq-team/inseq) FeatureAttributionOutput.save() in inseq/data/attribution.py,
// through json_advanced_dump in inseq/utils/serialization.py (after json_tricks):
//   {"__instance_type__": [module, "FeatureAttributionOutput"], "attributes": {"info": {...},
//    "sequence_attributions": [SEQUENCE, ...], "step_attributions": ...}}
//   SEQUENCE: {"__instance_type__": [...], "attributes": {"source": [TOKEN] | null, "target": [TOKEN],
//     "source_attributions", "target_attributions": ARRAY | null, "step_scores": {name: ARRAY} | null,
//     "sequence_scores", "attr_pos_start", "attr_pos_end"}}
//   TOKEN: {"__instance_type__": [...], "attributes": {"id", "token"}}
// With use_primitives=True every {"__instance_type__", "attributes"} is its attributes alone.
// Attributions are [rows, steps, ...]: rows are the source (or target) tokens, step j generated
// target token attr_pos_start + j, and trailing axes (granular attributions, e.g. per embedding
// dimension) are averaged, as inseq's default "scores" aggregation does before it normalises.
const Json& Attributes(const Json& value) {
  if (const Json* attributes = Find(value, "attributes"); attributes && Find(value, "__instance_type__")) return *attributes;
  return value;
}

bool IsInseq(const Json& root) {
  const Json* type = Find(root, "__instance_type__");
  return Find(Attributes(root), "sequence_attributions") &&
         (!type || (type->is_array() && type->size() == 2 && (*type)[1] == "FeatureAttributionOutput"));
}

// Appends the token strings of a list of TokenWithId; returns how many.
size_t ReadInseqTokens(const Json& output, std::string_view key, Sequence& sequence, const Origin& origin,
                       const std::string& path) {
  const Json* list = FindPresent(output, key);
  if (!list) return 0;
  const std::string list_path = Member(path, key);
  Expect(list->is_array(), *list, "a list of tokens", origin, list_path);
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& token = Attributes((*list)[i]);
    const Json* text = Find(token, "token");
    if (!text || !text->is_string()) Fail(origin, Element(list_path, i), "expected a token {\"token\", \"id\"}, found " + Quote((*list)[i]));
    sequence.AppendToken(text->get_ref<const std::string&>());
  }
  return list->size();
}

size_t WholeField(const Json& output, std::string_view key, size_t fallback, const Origin& origin, const std::string& path) {
  const Json* value = FindPresent(output, key);
  if (!value) return fallback;
  if (!value->is_number_unsigned()) Fail(origin, Member(path, key), Quote(*value) + " is not a token position");
  return static_cast<size_t>(std::min<uint64_t>(value->get<uint64_t>(), std::numeric_limits<size_t>::max()));
}

// An attribution matrix [rows, steps, ...] as its rows x steps, trailing axes averaged.
struct AttributionMatrix {
  size_t rows = 0;
  size_t steps = 0;
  std::vector<float> cells;  // row-major
  float At(size_t row, size_t step) const { return cells[row * steps + step]; }
};

AttributionMatrix ReadAttributions(const Json& value, size_t rows, const Origin& origin, const std::string& path) {
  const DenseArray array = ReadArray(value, origin, path);
  if (array.shape.size() < 2 || array.shape[0] != rows)
    Fail(origin, path, "has shape " + ShapeAsList(array.shape) + ", expected [" + std::to_string(rows) +
                           " tokens, generation steps, ...]");
  AttributionMatrix matrix;
  matrix.rows = rows;
  matrix.steps = array.shape[1];
  const size_t inner = matrix.rows * matrix.steps == 0 ? 0 : array.values.size() / (matrix.rows * matrix.steps);
  matrix.cells.resize(matrix.rows * matrix.steps);
  for (size_t cell = 0; cell < matrix.cells.size(); ++cell) {
    if (inner == 1) {
      matrix.cells[cell] = array.values[cell];
      continue;
    }
    double sum = 0;
    for (size_t k = 0; k < inner; ++k) sum += array.values[cell * inner + k];
    matrix.cells[cell] = inner == 0 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(sum / inner);
  }
  return matrix;
}

Sequence ReadInseqSequence(const Json& wrapped, std::string name, const Origin& origin, const std::string& path) {
  const Json& output = Attributes(wrapped);
  Expect(output.is_object(), output, "an object", origin, path);
  Sequence sequence;
  sequence.name = std::move(name);
  const size_t sources = ReadInseqTokens(output, "source", sequence, origin, path);
  const size_t targets = ReadInseqTokens(output, "target", sequence, origin, path);
  const size_t start = WholeField(output, "attr_pos_start", 0, origin, path);
  const size_t count = sequence.TokenCount();

  std::optional<AttributionMatrix> source_attributions;
  std::optional<AttributionMatrix> target_attributions;
  if (const Json* value = FindPresent(output, "source_attributions"))
    source_attributions = ReadAttributions(*value, sources, origin, Member(path, "source_attributions"));
  if (const Json* value = FindPresent(output, "target_attributions"))
    target_attributions = ReadAttributions(*value, targets, origin, Member(path, "target_attributions"));
  size_t steps = source_attributions ? source_attributions->steps : target_attributions ? target_attributions->steps : 0;
  if (source_attributions && target_attributions && target_attributions->steps != steps)
    Fail(origin, Member(path, "target_attributions"), "has " + CountOf(target_attributions->steps, "step") +
                                                          " but source_attributions has " + std::to_string(steps));
  const auto check_steps = [&](size_t found, const std::string& field) {
    if (start + found > targets)
      Fail(origin, field, CountOf(found, "generation step") + " from attr_pos_start " + std::to_string(start) +
                              " run past the " + CountOf(targets, "target token"));
  };
  check_steps(steps, path);

  // One channel per generated token: every token's attribution to it, named after the token as
  // it reads ("to 3: world", not "to 3: Ġworld"); a token that is only whitespace keeps its string.
  const TokenEncoding encoding = DetectTokenEncoding(sequence);
  const auto step_name = [&](size_t j) {
    const std::string_view raw = sequence.Token(sources + start + j);
    std::string text = DecodeTokenAlone(raw, encoding);
    const size_t first = text.find_first_not_of(" \t\r\n");
    const size_t last = text.find_last_not_of(" \t\r\n");
    text = first == std::string::npos ? std::string(raw) : text.substr(first, last - first + 1);
    return "to " + std::to_string(start + j) + ": " + text;
  };
  for (size_t j = 0; j < steps; ++j) {
    std::vector<float> values(count, std::numeric_limits<float>::quiet_NaN());
    for (size_t i = 0; i < sources && source_attributions; ++i) values[i] = source_attributions->At(i, j);
    for (size_t i = 0; i < targets && target_attributions; ++i) values[sources + i] = target_attributions->At(i, j);
    sequence.channels.push_back({step_name(j), std::move(values)});
  }
  // Step scores: one value per generated token (probability, entropy...).
  if (const Json* scores = FindPresent(output, "step_scores")) {
    const std::string scores_path = Member(path, "step_scores");
    Expect(scores->is_object(), *scores, "an object of named scores", origin, scores_path);
    for (const auto& [score_name, value] : scores->items()) {
      const std::string score_path = Member(scores_path, score_name);
      const DenseArray array = ReadArray(value, origin, score_path);
      if (array.shape.size() != 1) Fail(origin, score_path, "has shape " + ShapeAsList(array.shape) + ", expected [generation steps]");
      check_steps(array.values.size(), score_path);
      std::vector<float> values(count, std::numeric_limits<float>::quiet_NaN());
      std::copy(array.values.begin(), array.values.end(), values.begin() + static_cast<ptrdiff_t>(sources + start));
      sequence.channels.push_back({score_name, std::move(values)});
    }
  }
  if (sequence.channels.empty()) Fail(origin, path, "no source_attributions, target_attributions or step_scores");
  return sequence;
}

// inseq's sequence_scores (attention weights and the like, [rows, steps, ...]) are not channels.
void WarnOfSequenceScores(const Json& wrapped, Document& document, const std::string& path) {
  const Json* scores = FindPresent(Attributes(wrapped), "sequence_scores");
  if (!scores || !scores->is_object() || scores->empty()) return;
  std::string names;
  for (const auto& [name, value] : scores->items()) names += (names.empty() ? "" : ", ") + name;
  document.warnings.push_back(Member(path, "sequence_scores") + " (" + names + ") are not read");
}

void ReadInseq(const Json& root, Document& document, const Origin& origin) {
  const Json& attributes = Attributes(root);
  const Json& outputs = *Find(attributes, "sequence_attributions");
  Expect(outputs.is_array(), outputs, "a list", origin, "sequence_attributions");
  // Sequences are named after the attribution method, as inseq's info records it.
  std::string method = "attribution";
  if (const Json* info = Find(attributes, "info"); const Json* name = info ? FindPresent(*info, "attribution_method") : nullptr)
    if (name->is_string()) method = name->get<std::string>();
  for (size_t n = 0; n < outputs.size(); ++n) {
    const std::string path = Element("sequence_attributions", n);
    document.sequences.push_back(ReadInseqSequence(outputs[n], method + " " + std::to_string(n), origin, path));
    WarnOfSequenceScores(outputs[n], document, path);
  }
}

// [SECTION] CircuitsVis

// CircuitsVis (github.com/TransformerLensOrg/CircuitsVis): its Python functions pass their
// arguments to the React components as props, json.dumps'ed with None dropped and tensors as
// tolist() (python/circuitsvis/utils/convert_props.py):
//   colored_tokens (python/circuitsvis/tokens.py): {"tokens", "values", "minValue"?, "maxValue"?,
//     "negativeColor"?, "positiveColor"?}
//   colored_tokens_multi: {"tokens", "values": [tokens][k], "labels"?}; labels default to "0".."k-1"
//     (react/src/tokens/ColoredTokensMulti.tsx)
//   text_neuron_activations (python/circuitsvis/activations.py): {"tokens": [...] or [[...], ...],
//     "activations": [tokens][layers][neurons] or a list of those, "firstDimensionName"?,
//     "secondDimensionName"? (default "Layer", "Neuron"), "firstDimensionLabels"?,
//     "secondDimensionLabels"? (default the indices)}
//   attention_patterns (python/circuitsvis/attention.py): {"tokens", "attention": [heads][dest][src],
//     "headLabels"?} (react/src/attention/AttentionPatterns.tsx); attention_heads: {"attention":
//     [heads][dest][src], "tokens", "attentionHeadNames"?, "maxValue"?, "minValue"?, "negativeColor"?,
//     "positiveColor"?, "maskUpperTri"?}; attention_pattern: {"tokens", "attention": [dest][src],
//     "minValue"?, "maxValue"?, "negativeColor"?, "positiveColor"?, "showAxisLabels"?, "maskUpperTri"?}
bool IsCircuitsVisColoredTokens(const Json& root) {
  return Find(root, "tokens") && Find(root, "values") &&
         (Find(root, "minValue") || Find(root, "maxValue") || Find(root, "negativeColor") || Find(root, "positiveColor"));
}

bool IsCircuitsVisMulti(const Json& root) {
  const Json* values = Find(root, "values");
  return Find(root, "tokens") && !Find(root, "channels") && values && values->is_array() && !values->empty() &&
         (*values)[0].is_array();
}

bool IsCircuitsVisNeuronActivations(const Json& root) {
  const Json* activations = Find(root, "activations");
  return Find(root, "tokens") && activations && activations->is_array() && !activations->empty() &&
         (*activations)[0].is_array();
}

bool IsCircuitsVisAttention(const Json& root) {
  const Json* attention = Find(root, "attention");
  return Find(root, "tokens") && attention && attention->is_array() && !attention->empty() && (*attention)[0].is_array();
}

std::optional<float> OptionalNumber(const Json& root, std::string_view key, const Origin& origin) {
  const Json* value = FindPresent(root, key);
  if (!value) return std::nullopt;
  if (!value->is_number()) Fail(origin, key, Quote(*value) + " is not a number");
  return value->get<float>();
}

void ReadCircuitsVisColoredTokens(const Json& root, Document& document, const Origin& origin) {
  Sequence sequence;
  sequence.name = "colored tokens";
  ReadTokens(Required(root, "tokens", origin), sequence, origin, "tokens");
  sequence.channels.push_back(ReadChannel("value", Required(root, "values", origin), sequence.TokenCount(), origin, "values"));
  FileRange range{OptionalNumber(root, "minValue", origin), OptionalNumber(root, "maxValue", origin),
                  "CircuitsVis minValue/maxValue"};
  if (range.low && range.high && !(*range.low < *range.high))
    Fail(origin, "minValue", "minValue " + Quote(root["minValue"]) + " is not below maxValue " + Quote(root["maxValue"]));
  if (range.low || range.high) document.file_range = std::move(range);
  document.sequences.push_back(std::move(sequence));
}

// Names from a props list of labels, or the indices when there is none.
std::vector<std::string> Labels(const Json& root, std::string_view key, size_t count, const Origin& origin) {
  std::vector<std::string> labels;
  const Json* given = FindPresent(root, key);
  if (given && (!given->is_array() || given->size() != count))
    Fail(origin, key, "expected a list of " + CountOf(count, "label") + ", found " + Quote(*given));
  for (size_t i = 0; i < count; ++i) {
    if (!given) {
      labels.push_back(std::to_string(i));
    } else if ((*given)[i].is_string()) {
      labels.push_back((*given)[i].get<std::string>());
    } else {
      Fail(origin, Element(key, i), Quote((*given)[i]) + " is not a label");
    }
  }
  return labels;
}

void ReadCircuitsVisMulti(const Json& root, Document& document, const Origin& origin) {
  Sequence sequence;
  sequence.name = "colored tokens";
  ReadTokens(Required(root, "tokens", origin), sequence, origin, "tokens");
  const DenseArray values = NestedLists(Required(root, "values", origin), origin, "values");
  if (values.shape.size() != 2 || values.shape[0] != sequence.TokenCount())
    Fail(origin, "values", "has shape " + ShapeAsList(values.shape) + ", expected [" +
                               std::to_string(sequence.TokenCount()) + " tokens, values per token]");
  const std::vector<std::string> labels = Labels(root, "labels", values.shape[1], origin);
  for (size_t k = 0; k < labels.size(); ++k) {
    Channel channel{labels[k], {}};
    for (size_t t = 0; t < sequence.TokenCount(); ++t) channel.values.push_back(values.values[t * labels.size() + k]);
    sequence.channels.push_back(std::move(channel));
  }
  document.sequences.push_back(std::move(sequence));
}

// One sequence of the tokens with their attention (one layer of H heads) and no channel: the
// colours CircuitsVis draws the patterns in (minValue, maxValue...) are for its matrices, not for
// tokens. maskUpperTri, when given, says whether the upper triangle is masked; else the values do.
void ReadCircuitsVisAttention(const Json& root, Document& document, const Origin& origin, std::string name) {
  Sequence sequence;
  sequence.name = std::move(name);
  ReadTokens(Required(root, "tokens", origin), sequence, origin, "tokens");
  const size_t count = sequence.TokenCount();
  DenseArray attention = NestedLists(Required(root, "attention", origin), origin, "attention");
  const std::vector<uint64_t>& shape = attention.shape;
  if ((shape.size() != 2 && shape.size() != 3) || shape[shape.size() - 2] != count || shape.back() != count)
    Fail(origin, "attention", "has shape " + ShapeAsList(shape) + ", expected [heads, " + std::to_string(count) +
                                  " destination tokens, " + std::to_string(count) + " source tokens] or [" +
                                  std::to_string(count) + ", " + std::to_string(count) + "]");
  const uint64_t heads = shape.size() == 3 ? shape[0] : 1;
  auto patterns = std::make_shared<AttentionPatterns>(
      AttentionPatterns::FromFloats(std::move(attention.values), 1, static_cast<uint32_t>(heads), count, count));
  for (const std::string_view key : {"headLabels", "attentionHeadNames"})
    if (FindPresent(root, key)) patterns->head_labels = Labels(root, key, heads, origin);
  if (const Json* mask = FindPresent(root, "maskUpperTri")) {
    if (!mask->is_boolean()) Fail(origin, "maskUpperTri", Quote(*mask) + " is not true or false");
    patterns->SetCausal(mask->get<bool>());
  } else {
    patterns->DetectCausalMask();
  }
  sequence.SetAttention(std::move(patterns));
  document.sequences.push_back(std::move(sequence));
}

void ReadCircuitsVisNeuronActivations(const Json& root, Document& document, const Origin& origin) {
  const Json& tokens = Required(root, "tokens", origin);
  const Json& activations = Required(root, "activations", origin);
  Expect(activations.is_array(), activations, "a list", origin, "activations");
  // One prompt: tokens [T], activations [T][L][N]; several: lists of those.
  const bool several = tokens.is_array() && !tokens.empty() && tokens[0].is_array();
  const size_t prompts = several ? tokens.size() : 1;
  if (several && activations.size() != prompts)
    Fail(origin, "activations", "has " + CountOf(activations.size(), "prompt") + " but tokens has " + std::to_string(prompts));
  const auto name_of = [&](std::string_view key, const char* fallback) {
    const Json* name = FindPresent(root, key);
    if (name && !name->is_string()) Fail(origin, key, Quote(*name) + " is not a name");
    return name ? name->get<std::string>() : std::string(fallback);
  };
  const std::string first_name = name_of("firstDimensionName", "Layer");
  const std::string second_name = name_of("secondDimensionName", "Neuron");
  std::vector<std::string> first_labels;
  std::vector<std::string> second_labels;
  for (size_t p = 0; p < prompts; ++p) {
    const std::string tokens_path = several ? Element("tokens", p) : std::string("tokens");
    const std::string values_path = several ? Element("activations", p) : std::string("activations");
    Sequence sequence;
    sequence.name = "prompt " + std::to_string(p);
    ReadTokens(several ? tokens[p] : tokens, sequence, origin, tokens_path);
    const DenseArray values = NestedLists(several ? activations[p] : activations, origin, values_path);
    if (values.shape.size() != 3 || values.shape[0] != sequence.TokenCount())
      Fail(origin, values_path, "has shape " + ShapeAsList(values.shape) + ", expected [" +
                                    std::to_string(sequence.TokenCount()) + " tokens, " + first_name + ", " + second_name + "]");
    if (p == 0) {
      first_labels = Labels(root, "firstDimensionLabels", values.shape[1], origin);
      second_labels = Labels(root, "secondDimensionLabels", values.shape[2], origin);
    } else if (values.shape[1] != first_labels.size() || values.shape[2] != second_labels.size()) {
      Fail(origin, values_path, "has shape " + ShapeAsList(values.shape) + " but the first prompt's is [..., " +
                                    std::to_string(first_labels.size()) + ", " + std::to_string(second_labels.size()) + "]");
    }
    const size_t per_token = first_labels.size() * second_labels.size();
    for (size_t l = 0; l < first_labels.size(); ++l)
      for (size_t n = 0; n < second_labels.size(); ++n) {
        Channel channel{first_name + " " + first_labels[l] + " " + second_name + " " + second_labels[n], {}};
        for (size_t t = 0; t < sequence.TokenCount(); ++t)
          channel.values.push_back(values.values[t * per_token + l * second_labels.size() + n]);
        sequence.channels.push_back(std::move(channel));
      }
    document.sequences.push_back(std::move(sequence));
  }
}

// [SECTION] CircuitsVis HTML

// What CircuitsVis writes as HTML (RenderedHTML in python/circuitsvis/utils/render.py: str(html)
// and cdn_src import the bundle from unpkg, local_src inlines it), both ending in
//   render(\n      "circuits-vis-<id>",\n      <Name> (or CircuitsVis.<Name>),\n      {props}\n    )
// where props is convert_props' json.dumps. Each such call in the file is one visualisation.
struct RenderCall {
  std::string_view component;
  std::string_view props;
  size_t props_offset;
};

std::vector<RenderCall> FindRenderCalls(std::string_view text) {
  std::vector<RenderCall> calls;
  constexpr std::string_view kId = "\"circuits-vis-";
  const auto skip_space = [&](size_t at) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    return at;
  };
  for (size_t id = text.find(kId); id != std::string_view::npos; id = text.find(kId, id + 1)) {
    // Preceded by "render(" (the div's id="circuits-vis-..." is not).
    size_t before = id;
    while (before > 0 && std::isspace(static_cast<unsigned char>(text[before - 1]))) --before;
    if (before < 7 || text.substr(before - 7, 7) != "render(") continue;
    size_t at = text.find('"', id + 1);
    if (at == std::string_view::npos) break;
    at = skip_space(at + 1);
    if (at >= text.size() || text[at] != ',') continue;
    at = skip_space(at + 1);
    size_t name_end = at;
    while (name_end < text.size() && (std::isalnum(static_cast<unsigned char>(text[name_end])) || text[name_end] == '.')) ++name_end;
    std::string_view component = text.substr(at, name_end - at);
    if (component.starts_with("CircuitsVis.")) component.remove_prefix(12);
    at = skip_space(name_end);
    if (at >= text.size() || text[at] != ',') continue;
    at = skip_space(at + 1);
    if (at >= text.size() || text[at] != '{') continue;
    // The props object: to its matching brace, strings skipped.
    size_t end = at;
    int depth = 0;
    for (; end < text.size(); ++end) {
      const char c = text[end];
      if (c == '"') {
        for (++end; end < text.size() && text[end] != '"'; ++end)
          if (text[end] == '\\') ++end;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        break;
      }
    }
    calls.push_back({component, text.substr(at, std::min(end + 1, text.size()) - at), at});
  }
  return calls;
}

// [SECTION] GLTR

// GLTR (github.com/HendrikStrobelt/detecting-fake-text) backend/api.py check_probabilities:
// bpe_strings (the first is the start token), real_topk [rank, probability] and pred_topk
// [[token, probability], ...] for each token after the first. The server (server.py analyze) and
// every demo file it ships (client/dist/demo/*.json) wrap it as {"request": {"project", "text"},
// "result": {...}}.
const Json& GltrResult(const Json& root) {
  if (const Json* result = Find(root, "result"); result && Find(root, "request")) return *result;
  return root;
}

bool IsGltr(const Json& root) {
  const Json& result = GltrResult(root);
  return Find(result, "bpe_strings") && Find(result, "real_topk");
}

void ReadGltr(const Json& root, Document& document, const Origin& origin) {
  const bool wrapped = &GltrResult(root) != &root;
  const Json& result = GltrResult(root);
  const std::string prefix = wrapped ? "result." : "";
  Sequence sequence;
  sequence.name = "GLTR";
  ReadTokens(result["bpe_strings"], sequence, origin, prefix + "bpe_strings");
  const size_t count = sequence.TokenCount();
  const Json& real = result["real_topk"];
  const std::string real_path = prefix + "real_topk";
  Expect(real.is_array(), real, "an array", origin, real_path);
  if (real.size() + 1 != count)
    Fail(origin, real_path, "has " + CountOf(real.size(), "entry") + " but bpe_strings has " + CountOf(count, "token") +
                                " (expected one fewer: the first is the start token)");
  Channel rank{"rank", {std::numeric_limits<float>::quiet_NaN()}};  // nothing is predicted for the start token
  Channel probability{"probability", {std::numeric_limits<float>::quiet_NaN()}};
  for (size_t i = 0; i < real.size(); ++i) {
    const Json& entry = real[i];
    if (!entry.is_array() || entry.size() != 2)
      Fail(origin, Element(real_path, i), Quote(entry) + " is not a [rank, probability] pair");
    rank.values.push_back(ValueOf(entry[0], origin, Element(real_path, i), 0));
    probability.values.push_back(ValueOf(entry[1], origin, Element(real_path, i), 1));
  }
  if (const Json* predicted = FindPresent(result, "pred_topk")) {
    Expect(predicted->is_array(), *predicted, "an array", origin, prefix + "pred_topk");
    ReadTopK(*predicted, sequence, origin, prefix + "pred_topk", 1);
  }
  sequence.channels.push_back(std::move(rank));
  sequence.channels.push_back(std::move(probability));
  document.sequences.push_back(std::move(sequence));
}

// [SECTION] OpenAI neuron-viewer NeuronRecord

// NeuronRecord (github.com/openai/automated-interpretability,
// neuron-explainer/neuron_explainer/activations/activations.py), written by fast_dataclasses'
// dumps (orjson: NaN as null): lists of ActivationRecords {"tokens", "activations"}; every list
// may be null where the dataclass allows it (random_sample_by_quantile defaults to None), and
// random_sample_by_quantile is a list of lists.
constexpr std::string_view kNeuronRecordLists[] = {"most_positive_activation_records", "random_sample",
                                                   "random_sample_by_quantile", "top_activating_records"};

bool IsNeuronRecord(const Json& root) {
  return std::any_of(std::begin(kNeuronRecordLists), std::end(kNeuronRecordLists),
                     [&](std::string_view key) { return Find(root, key) != nullptr; });
}

void ReadNeuronRecord(const Json& root, Document& document, const Origin& origin) {
  const auto read_list = [&](const Json& records, const std::string& path) {
    Expect(records.is_array(), records, "a list of activation records", origin, path);
    for (size_t i = 0; i < records.size(); ++i)
      document.sequences.push_back(ReadSequence(records[i], Element(path, i), origin, Element(path, i)));
  };
  for (const std::string_view key : kNeuronRecordLists) {
    const Json* list = FindPresent(root, key);
    if (!list) continue;
    const std::string path(key);
    if (key == "random_sample_by_quantile") {
      Expect(list->is_array(), *list, "a list of lists of activation records", origin, path);
      for (size_t q = 0; q < list->size(); ++q) read_list((*list)[q], Element(path, q));
    } else {
      read_list(*list, path);
    }
  }
  if (document.sequences.empty()) Fail(origin, "", "a NeuronRecord with no activation records");
}

}  // namespace

std::optional<Document> ParseCircuitsVisHtml(std::string_view text, const std::string& source) {
  const std::vector<RenderCall> calls = FindRenderCalls(text);
  if (calls.empty()) return std::nullopt;
  Document document;
  document.source = source;
  for (size_t n = 0; n < calls.size(); ++n) {
    const RenderCall& call = calls[n];
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(call.props_offset), '\n'));
    const Json props = ParseJson(call.props, source, line);
    const Origin origin{source, line};
    Expect(props.is_object(), props, "an object of props", origin, "");
    const size_t before = document.sequences.size();
    if (call.component == "ColoredTokens") ReadCircuitsVisColoredTokens(props, document, origin);
    else if (call.component == "ColoredTokensMulti") ReadCircuitsVisMulti(props, document, origin);
    else if (call.component == "TextNeuronActivations") ReadCircuitsVisNeuronActivations(props, document, origin);
    else if (call.component == "AttentionPatterns") ReadCircuitsVisAttention(props, document, origin, "attention patterns");
    else if (call.component == "AttentionHeads") ReadCircuitsVisAttention(props, document, origin, "attention heads");
    else if (call.component == "AttentionPattern") ReadCircuitsVisAttention(props, document, origin, "attention pattern");
    else continue;  // top-k tables, logits...: not tokens with values
    // Several visualisations on one page: each sequence says which it came from.
    for (size_t s = before; s < document.sequences.size() && calls.size() > 1; ++s)
      document.sequences[s].name = "visualisation " + std::to_string(n) + ": " + document.sequences[s].name;
  }
  if (document.sequences.empty())
    throw LoadError(source + ": a CircuitsVis page without ColoredTokens, ColoredTokensMulti, TextNeuronActivations or "
                             "attention (it has " +
                    std::string(calls.front().component) + ")");
  return document;
}

// [SECTION] Dispatch

bool ReadPeerDocument(const Json& root, Document& document, const Origin& origin) {
  if (IsNeuronRecord(root)) ReadNeuronRecord(root, document, origin);
  else if (IsGltr(root)) ReadGltr(root, document, origin);
  else if (IsInseq(root)) ReadInseq(root, document, origin);
  else if (IsCircuitsVisNeuronActivations(root)) ReadCircuitsVisNeuronActivations(root, document, origin);
  else if (IsCircuitsVisMulti(root)) ReadCircuitsVisMulti(root, document, origin);
  else if (IsCircuitsVisColoredTokens(root)) ReadCircuitsVisColoredTokens(root, document, origin);
  else if (IsCircuitsVisAttention(root)) ReadCircuitsVisAttention(root, document, origin, "attention");
  else return false;
  return true;
}

}  // namespace th
