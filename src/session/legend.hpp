#pragma once
// What the colour bar says, as data: shared by the on-screen colour bar and the SVG and HTML
// exports so that a figure's legend always reads like the viewer's. GL-free and ImGui-free.

#include <optional>
#include <string>
#include <vector>

#include "session/session.hpp"

namespace th::ui {

// A number as the legend prints it (4 significant digits).
std::string LegendNumber(float value);

// A label placed along the gradient: at position in [0, 1] from the low end.
struct LegendLabel {
  float position = 0.0f;
  std::string text;
};
// Low, middle (only where the palette's middle is the arithmetic middle) and high.
std::vector<LegendLabel> GradientLabels(const Session& session);

// Bucketed mappings: one swatch per bucket with the threshold that opens it.
struct LegendSwatch {
  float value = 0.0f;  // a value inside the bucket (the threshold that opens it)
  Rgb8 colour;         // its colour, as the shader maps it
  std::string label;
};
std::vector<LegendSwatch> BucketSwatches(const Session& session);

// The channel, scope, mapping with its numbers, palette and the reason for a default, in words.
std::string MappingWords(const Session& session);
// The same words, one part ("channel", "scope, mapping and numbers", "palette"...) a line, for
// figures: a narrow figure still shows all of it.
std::vector<std::string> MappingWordLines(const Session& session);

// The key to the clip notch: a value just below the range and one just above it, for swatches
// drawn with their notches (bottom left, top right), and the words for them in that order: how
// many values in scope the range clips ("3 below the range, 1 above it"; without the numbers
// until the scope's order is known). nullopt for buckets, which clip nothing.
struct ClipKey {
  float below = 0.0f;
  float above = 0.0f;
  std::string words;
};
std::optional<ClipKey> ClippingKey(const Session& session);

// "SHUFFLED values (seed N)" ("right: ..." side by side) while the drawn values are shuffled, else
// "": every legend and figure of a shuffled control says so, so that it never passes for the data.
std::string ShuffledWords(const Session& session);
// Side by side: the labels over the real half and the shuffled half.
struct SideBySideLabels {
  std::string real;
  std::string shuffled;
};
SideBySideLabels SideBySideLabelsOf(const Session& session);

}  // namespace th::ui
